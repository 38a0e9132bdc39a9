package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/okta"
)

// settingsOf returns what the bot is configured with for the variables
// (loadBot, then botSettings), with the simulator as Okta and a store
// under t.TempDir(); loadBot's error when it refuses them.
func settingsOf(t *testing.T) func(vars map[string]string) (bot.Config, error) {
	t.Helper()
	log := newLogger(io.Discard, env(func(string) string { return "" }))
	sim, err := startSim(nil, "", log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() }) // teardown; a close error here decides nothing the test checks
	dir, err := okta.New(sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	store, err := approvals.Open(filepath.Join(t.TempDir(), "oktabot.db"), approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() }) // teardown; a close error here decides nothing the test checks
	return func(vars map[string]string) (bot.Config, error) {
		bc, err := loadBot(mapEnv(vars))
		if err != nil {
			return bot.Config{}, err
		}
		return botSettings(bc, boltStores(store, "test"), dir, log), nil
	}
}

// OKTABOT_MAX_PER_USER reaches the bot's per-person limit; unset leaves
// the bot's default; anything but a number from 1 to 100 is refused with
// a line naming it.
func TestMaxPerUserVariable(t *testing.T) {
	settings := settingsOf(t)
	for _, tc := range []struct {
		value string
		want  int
	}{{"", 0}, {"1", 1}, {" 5 ", 5}, {"100", 100}} {
		cfg, err := settings(map[string]string{"OKTABOT_MAX_PER_USER": tc.value})
		if err != nil {
			t.Fatalf("OKTABOT_MAX_PER_USER=%q: %v", tc.value, err)
		}
		if cfg.MaxPerUser != tc.want {
			t.Errorf("OKTABOT_MAX_PER_USER=%q: the bot's MaxPerUser = %d, want %d", tc.value, cfg.MaxPerUser, tc.want)
		}
	}
	for _, bad := range []string{"0", "-1", "three", "101", "2.5"} {
		_, err := settings(map[string]string{"OKTABOT_MAX_PER_USER": bad})
		if err == nil || !strings.Contains(err.Error(), `OKTABOT_MAX_PER_USER "`+bad+`": use how many requests one person may have at once`) {
			t.Errorf("OKTABOT_MAX_PER_USER=%q: %v, want a line naming the variable and its values", bad, err)
		}
	}
}
