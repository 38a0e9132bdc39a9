package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

const (
	demoUser    = "U0DEMO"
	demoChannel = "C0SECURITY"
)

// cmdDemo runs the bot on the embedded simulator with the demo org. With
// SLACK_BOT_TOKEN and SLACK_APP_TOKEN set it serves that Slack workspace;
// otherwise this terminal is the Slack channel.
func cmdDemo(ctx context.Context, args []string, io stdio, e env) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.err)
	dialect := dialectFlag(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
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
	sim, err := startSim(demo.OrgAt(*dialect, time.Now(), tc.Zone), "", log)
	if err != nil {
		return err
	}
	defer func() { _ = sim.Close() }() // the in-process simulator: nothing to report at exit
	sim.Client.Detect = detectConfig(nil, tc)
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
		return serve(ctx, sc, dir, bc, watchConfig{}, cl, met, log)
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
	}, store, dir, log)
	cfg.Classifier = cl
	cfg.Observe = met.observe
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
	c := &chat{slack: fake, user: demoUser, channel: demoChannel, out: io.out, wait: 60 * time.Second, pictures: e.get("OKTABOT_DEMO_PICTURES")}
	return c.loop(ctx, io.in)
}
