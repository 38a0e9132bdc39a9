package main

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
)

// watchConfig is the watcher's part of `oktabot run` (OKTABOT_WATCH…).
type watchConfig struct {
	On       bool          // OKTABOT_WATCH (default on)
	Every    time.Duration // OKTABOT_WATCH_INTERVAL (default 60s, at least 10s)
	Backfill time.Duration // OKTABOT_WATCH_BACKFILL (default 1h)
	// Channel is where incidents go (OKTABOT_ALERT_CHANNEL; default the
	// first of OKTABOT_CHANNELS).
	Channel  string
	Min      intents.Severity // OKTABOT_ALERT_MIN_SEVERITY (default high)
	Here     bool             // OKTABOT_ALERT_HERE: @here on critical (default true)
	Window   time.Duration    // OKTABOT_INCIDENT_WINDOW (default 6h)
	AskUser  bool             // OKTABOT_ASK_USER (default false)
	DigestAt time.Duration    // OKTABOT_DIGEST_AT (default 09:00); negative: OKTABOT_DIGEST=off
}

// loadWatch reads the watcher's settings, naming every bad one. channels
// are OKTABOT_CHANNELS: the alert channel must be one of them.
func loadWatch(e env, channels []string) (watchConfig, error) {
	c := watchConfig{Every: bot.DefaultWatchEvery, Backfill: time.Hour, Min: intents.SeverityHigh, Window: intents.DefaultIncidentWindow, DigestAt: 9 * time.Hour}
	var p problems
	var err error
	c.On, err = onOff(e, "OKTABOT_WATCH", true)
	p.add(err)
	if s := e.get("OKTABOT_WATCH_INTERVAL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < bot.MinWatchEvery || d > time.Hour {
			p.add(badf("OKTABOT_WATCH_INTERVAL %q: use a duration from 10s to 1h, e.g. 60s (each poll costs one System Log call, more when there is much to read)", s))
		} else {
			c.Every = d
		}
	}
	if s := e.get("OKTABOT_WATCH_BACKFILL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 || d > 7*24*time.Hour {
			p.add(badf("OKTABOT_WATCH_BACKFILL %q: use a duration from 0s to 168h, e.g. 1h: how far back the first start reads", s))
		} else {
			c.Backfill = d
		}
	}
	if s := e.get("OKTABOT_INCIDENT_WINDOW"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 10*time.Minute || d > 7*24*time.Hour {
			p.add(badf("OKTABOT_INCIDENT_WINDOW %q: use a duration from 10m to 168h, e.g. 6h: how long an incident takes new findings about its subject", s))
		} else {
			c.Window = d
		}
	}
	if s := strings.ToLower(e.get("OKTABOT_ALERT_MIN_SEVERITY")); s != "" {
		sev := intents.Severity(s)
		if sev.Rank() == 0 {
			p.add(badf("OKTABOT_ALERT_MIN_SEVERITY %q: use low, medium, high or critical (default high)", s))
		} else {
			c.Min = sev
		}
	}
	c.Here, err = boolVar(e, "OKTABOT_ALERT_HERE", true)
	p.add(err)
	c.AskUser, err = boolVar(e, "OKTABOT_ASK_USER", false)
	p.add(err)
	digest, err := onOff(e, "OKTABOT_DIGEST", true)
	p.add(err)
	if s := e.get("OKTABOT_DIGEST_AT"); s != "" {
		t, err := time.Parse("15:04", s)
		if err != nil {
			p.add(badf("OKTABOT_DIGEST_AT %q: use a time of day as HH:MM in the team's zone (OKTABOT_TZ), e.g. 09:00", s))
		} else {
			c.DigestAt = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
			if c.DigestAt == 0 {
				c.DigestAt = 24 * time.Hour // midnight; zero means the default to the bot
			}
		}
	}
	if !digest {
		c.DigestAt = -1
	}
	c.Channel = e.get("OKTABOT_ALERT_CHANNEL")
	switch {
	case c.Channel == "" && len(channels) > 0:
		c.Channel = channels[0]
	case c.Channel != "" && !channelID.MatchString(c.Channel):
		p.add(badf("OKTABOT_ALERT_CHANNEL %q is not a channel id: use an id like C0123ABCD, one of OKTABOT_CHANNELS", c.Channel))
	case c.Channel != "" && len(channels) > 0 && !containsFold(channels, c.Channel):
		p.add(badf("OKTABOT_ALERT_CHANNEL %s is not in OKTABOT_CHANNELS: incidents go to a channel oktabot answers in, so that their buttons work; add it there", c.Channel))
	}
	return c, p.err()
}

// onOff reads a switch that takes on/off as well as true/false.
func onOff(e env, key string, def bool) (bool, error) {
	switch strings.ToLower(e.get(key)) {
	case "on", "yes":
		return true, nil
	case "off", "no":
		return false, nil
	}
	b, err := boolVar(e, key, def)
	if err != nil {
		return def, badf("%s %q: use on or off", key, e.get(key))
	}
	return b, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
