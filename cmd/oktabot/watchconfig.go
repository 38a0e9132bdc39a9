package main

import (
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
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

// apply turns the watcher on in cfg when c is: a poller of dir's System Log
// whose cursor and windows are those store last committed, incidents in
// store, and c's channel, interval, severity and options. Read-only mode
// watches too (cfg.Proposals is nil then: incidents carry no proposals).
func (c watchConfig) apply(cfg *bot.Config, dir *okta.Client, st *stores, log *slog.Logger) {
	if !c.On {
		log.Info("the watcher is off (OKTABOT_WATCH=off): oktabot answers only when asked")
		return
	}
	cfg.Watch = dir.NewWatcher(okta.WatchConfig{Backfill: c.Backfill, Load: st.watchState})
	cfg.Incidents = st.incidents
	cfg.WatchEvery = c.Every
	cfg.AlertChannel = c.Channel
	cfg.AlertMin = c.Min
	cfg.HereOnCritical = c.Here
	cfg.IncidentWindow = c.Window
	cfg.AskUser = c.AskUser
	cfg.DigestAt = c.DigestAt
	digest := "off"
	if c.DigestAt > 0 {
		digest = time.Time{}.Add(c.DigestAt % (24 * time.Hour)).Format("15:04")
	}
	log.Info("watching the System Log: incidents go to the alert channel",
		"channel", c.Channel, "interval", c.Every, "min_severity", string(c.Min), "first_backfill", c.Backfill,
		"here_on_critical", c.Here, "incident_window", c.Window, "ask_user", c.AskUser, "digest", digest)
}

// testWatchEvery is the interval of OKTABOT_TEST_WATCH_INTERVAL, for tests
// only: people get at least bot.MinWatchEvery (10s), but a test that runs
// `oktabot run` as a process, and the live demo, cannot wait that long per
// poll. It is honoured only when OKTA_ORG_URL is plain http on a loopback
// address, which only the simulator can be, so that no real org is ever
// polled faster than OKTABOT_WATCH_INTERVAL allows; otherwise every is
// returned unchanged.
func testWatchEvery(e env, every time.Duration) time.Duration {
	d, err := time.ParseDuration(e.get("OKTABOT_TEST_WATCH_INTERVAL"))
	if err != nil || d <= 0 {
		return every
	}
	u, err := url.Parse(e.get("OKTA_ORG_URL"))
	if err != nil || u.Scheme != "http" || !isLoopback(u.Hostname()) {
		return every
	}
	return d
}
