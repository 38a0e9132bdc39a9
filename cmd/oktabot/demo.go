package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

const (
	demoUser    = "U0DEMO"
	demoChannel = "C0SECURITY"
)

// cmdDemo runs the bot on the embedded simulator with the demo org. With
// SLACK_BOT_TOKEN and SLACK_APP_TOKEN set it serves that Slack workspace;
// otherwise this terminal is the Slack channel. With --live the stories
// are not in the System Log at the start: they are played over --play,
// among ordinary sign-ins, and the watcher brings them to the channel.
func cmdDemo(ctx context.Context, args []string, io stdio, e env) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.err)
	dialect := dialectFlag(fs)
	liveMode := fs.Bool("live", false, "play the stories live, with the watcher on: incidents arrive in the channel as they happen")
	playFor := fs.Duration("play", 2*time.Minute, "with --live, how long the stories take to play")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *playFor <= 0 || *playFor > time.Hour {
		return fmt.Errorf("--play %s: use a duration from 1s to 1h, e.g. 2m", *playFor)
	}
	if err := checkDialect(*dialect); err != nil {
		return err
	}
	log := newLogger(io.err, env(func(k string) string {
		if k == "OKTABOT_LOG_LEVEL" && e.get(k) == "" {
			return "warn" // keep the chat readable
		}
		return e(k)
	}))
	tmp, err := os.MkdirTemp("", "oktabot-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }() // best effort: a leftover temporary directory is harmless
	store, err := approvals.Open(filepath.Join(tmp, "oktabot.db"), approvals.Options{Logger: log})
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }() // each write committed in its own transaction: a close error loses nothing

	tc, err := loadTime(e)
	if err != nil {
		return err
	}
	now := time.Now()
	fx := demo.OrgAt(*dialect, now, tc.Zone)
	var script liveScript
	if *liveMode {
		script = splitLive(fx, demo.StoriesAt(*dialect, now, tc.Zone))
	}
	sim, err := startSim(fx, "", log)
	if err != nil {
		return err
	}
	defer func() { _ = sim.Close() }() // the in-process simulator: nothing to report at exit
	sim.Client.Detect = detectConfig(nil, tc)
	if sim.Client.Detect.Rules, err = loadRules(e, log); err != nil { // rulesconfig.go
		return err
	}
	tor, err := loadTor(e)
	if err != nil {
		return err
	}
	if sim.Client.Detect.TorExits, err = startTor(ctx, tor, true, log); err != nil {
		return err
	}
	met := newMetrics()
	sim.Client.Observer = met
	dir, err := okta.New(sim.Client)
	if err != nil {
		return err
	}

	if e.get("SLACK_BOT_TOKEN") != "" || e.get("SLACK_APP_TOKEN") != "" {
		sc, err := loadSlack(e)
		if err != nil {
			return err
		}
		bc, err := loadBot(e)
		if err != nil {
			return err
		}
		bc.DB = filepath.Join(tmp, "oktabot.db")
		_ = store.Close() // each write committed in its own transaction: a close error loses nothing
		fmt.Fprintf(io.out, "oktabot demo: the Okta simulator (demo org) at %s, serving your Slack workspace. Ctrl-C stops.\n", sim.OrgURL)
		cl, err := loadClassifier(e, log)
		if err != nil {
			return err
		}
		var wc watchConfig
		if *liveMode {
			if len(bc.Channels) == 0 {
				return errNoChannels
			}
			wc = liveWatch(bc.Channels[0])
			go playLive(ctx, script, sim.OrgURL, *playFor, func(s string) { fmt.Fprintln(io.out, s) }, log)
		}
		return serve(ctx, sc, dir, bc, wc, storeConfig{Kind: storeBbolt}, cl, met, log)
	}

	fake := slackfake.New(slackfake.Options{
		Users:    map[string]slackfake.User{demoUser: {Name: "analyst", RealName: "Demo Analyst", Email: "analyst@company.com"}},
		Channels: map[string]slackfake.Channel{demoChannel: {Name: "security"}},
	})
	defer fake.Close()
	api := bot.NewSlackClient(slackfake.DefaultBotToken, slackfake.DefaultAppToken, fake.APIURL())
	// One person plays the whole security team here, so they may approve
	// their own proposals; nothing else about the policy is relaxed.
	cl, err := loadClassifier(e, log)
	if err != nil {
		return err
	}
	charts, err := boolVar(e, "OKTABOT_CHARTS", true)
	if err != nil {
		return err
	}
	cfg := botSettings(botConfig{
		Channels:          []string{demoChannel},
		Approvers:         []string{demoUser},
		AllowSelfApproval: true,
		Protected:         []string{"Break Glass", "Okta Admins"},
		Time:              tc,
		Charts:            charts,
	}, boltStores(store, "demo"), dir, log)
	cfg.Classifier = cl
	cfg.Observe = met.observe
	var notes chan string
	if *liveMode {
		liveWatch(demoChannel).apply(&cfg, dir, boltStores(store, "demo"), log)
		notes = make(chan string)
	}
	b := bot.New(api, dir, cfg)
	botCtx, stopBot := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(botCtx) }()
	defer func() {
		stopBot()
		_ = <-done // the bot ends because it was stopped: its error says only that
	}()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		return fmt.Errorf("demo: the bot did not connect: %w", err)
	}
	fmt.Fprintf(io.out, "oktabot demo — Okta simulator with the demo org at %s (real OAuth, real HTTP).\nThis terminal is the #security channel; you are an analyst and, for the demo, the approver too.\n", sim.OrgURL)
	// Pictures go to OKTABOT_DEMO_PICTURES, else a new temporary directory
	// that outlives the demo.
	c := &chat{slack: fake, user: demoUser, channel: demoChannel, out: io.out, wait: 60 * time.Second, pictures: e.get("OKTABOT_DEMO_PICTURES"), notes: notes}
	if *liveMode {
		fmt.Fprintf(io.out, "Live: the demo's %d stories play over the next %s among ordinary sign-ins; oktabot watches the System Log and posts each incident here as it finds it.\n", len(script.stories), *playFor)
		playCtx, stopPlay := context.WithCancel(ctx)
		defer stopPlay()
		go playLive(playCtx, script, sim.OrgURL, *playFor, func(s string) {
			select {
			case notes <- s:
			case <-playCtx.Done():
			}
		}, log)
	}
	return c.loop(ctx, io.in)
}

// liveWatch is the live demo's watcher: every liveEvery into channel,
// from a minute back (the stories are still to come).
func liveWatch(channel string) watchConfig {
	return watchConfig{On: true, Every: liveEvery, Backfill: time.Minute, Channel: channel, Min: intents.SeverityHigh,
		Here: true, Window: intents.DefaultIncidentWindow, DigestAt: -1}
}

// playLive plays script and logs why it stopped early, if it did.
func playLive(ctx context.Context, script liveScript, orgURL string, d time.Duration, say func(string), log *slog.Logger) {
	if err := script.play(ctx, orgURL, d, say); err != nil {
		log.Error("the live demo stopped playing", "err", err)
		return
	}
	say("▶ live: every story has been played; approve or reject what oktabot proposes, or ask it more")
}
