package main

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func TestLoadWatchDefaults(t *testing.T) {
	c, err := loadWatch(env(func(string) string { return "" }), []string{"C0SEC"})
	if err != nil {
		t.Fatal(err)
	}
	want := watchConfig{On: true, Every: time.Minute, Backfill: time.Hour, Channel: "C0SEC", Min: intents.SeverityHigh, Here: true, Window: 6 * time.Hour, DigestAt: 9 * time.Hour}
	if c != want {
		t.Errorf("loadWatch defaults = %+v, want %+v", c, want)
	}
}

func TestLoadWatchSettings(t *testing.T) {
	vars := map[string]string{
		"OKTABOT_WATCH": "on", "OKTABOT_WATCH_INTERVAL": "15s", "OKTABOT_WATCH_BACKFILL": "0s",
		"OKTABOT_ALERT_CHANNEL": "C0ALERT", "OKTABOT_ALERT_MIN_SEVERITY": "Critical", "OKTABOT_ALERT_HERE": "false",
		"OKTABOT_INCIDENT_WINDOW": "2h", "OKTABOT_ASK_USER": "true", "OKTABOT_DIGEST_AT": "00:00",
	}
	c, err := loadWatch(env(func(k string) string { return vars[k] }), []string{"C0SEC", "C0ALERT"})
	if err != nil {
		t.Fatal(err)
	}
	want := watchConfig{On: true, Every: 15 * time.Second, Backfill: 0, Channel: "C0ALERT", Min: intents.SeverityCritical, Here: false, Window: 2 * time.Hour, AskUser: true, DigestAt: 24 * time.Hour}
	if c != want {
		t.Errorf("loadWatch = %+v, want %+v", c, want)
	}
	vars = map[string]string{"OKTABOT_WATCH": "off", "OKTABOT_DIGEST": "off"}
	if c, err = loadWatch(env(func(k string) string { return vars[k] }), nil); err != nil || c.On || c.DigestAt >= 0 {
		t.Errorf("off: %+v, %v", c, err)
	}
}

// TestLoadWatchProblems names every bad setting in one run.
func TestLoadWatchProblems(t *testing.T) {
	vars := map[string]string{
		"OKTABOT_WATCH": "maybe", "OKTABOT_WATCH_INTERVAL": "5s", "OKTABOT_WATCH_BACKFILL": "30d",
		"OKTABOT_ALERT_CHANNEL": "C0OTHER", "OKTABOT_ALERT_MIN_SEVERITY": "urgent", "OKTABOT_INCIDENT_WINDOW": "1m",
		"OKTABOT_DIGEST_AT": "9am", "OKTABOT_ASK_USER": "sometimes",
	}
	_, err := loadWatch(env(func(k string) string { return vars[k] }), []string{"C0SEC"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"OKTABOT_WATCH ", "OKTABOT_WATCH_INTERVAL", "OKTABOT_WATCH_BACKFILL", "OKTABOT_ALERT_CHANNEL", "OKTABOT_ALERT_MIN_SEVERITY", "OKTABOT_INCIDENT_WINDOW", "OKTABOT_DIGEST_AT", "OKTABOT_ASK_USER"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the problems do not name %s:\n%v", name, err)
		}
	}
}
