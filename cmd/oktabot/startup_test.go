package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot/slackfake"
)

// Channels of the fake workspace the start-up tests use.
const (
	secChannel     = "C0SEC" // #security: private, oktabot is in it
	generalChannel = "C0GEN" // #general: public, oktabot is in it
	hrChannel      = "C0HR"  // #hr: private, oktabot is not in it
	randomChannel  = "C0RND" // #random: public, oktabot is not in it
)

// runSetup serves a fake Slack (opts, with the channels above unless opts
// names others) and the Okta simulator, and returns the variables of an
// `oktabot run` that starts on them: #security, one approver, a store
// under t.TempDir().
func runSetup(t *testing.T, opts slackfake.Options) (*slackfake.Server, map[string]string) {
	t.Helper()
	fake, _, vars := runSetupSim(t, opts)
	return fake, vars
}

// runSetupSim is runSetup that also returns the simulator.
func runSetupSim(t *testing.T, opts slackfake.Options) (*slackfake.Server, *embeddedSim, map[string]string) {
	t.Helper()
	if opts.Channels == nil {
		opts.Channels = map[string]slackfake.Channel{
			secChannel:     {Name: "security", Private: true},
			generalChannel: {Name: "general"},
			hrChannel:      {Name: "hr", Private: true, NotMember: true},
			randomChannel:  {Name: "random", NotMember: true},
		}
	}
	if opts.Users == nil {
		// The people slash (U0A) and OKTABOT_APPROVERS name: users.info is
		// asked of everyone who asks.
		opts.Users = map[string]slackfake.User{"U0A": {Name: "ana"}, "U0LEAD": {Name: "lead", Email: "lead@company.com"}}
	}
	fake := slackfake.New(opts)
	t.Cleanup(fake.Close)
	sim, err := startSim(nil, "", newLogger(io.Discard, env(func(string) string { return "" })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() }) // teardown; a close error here decides nothing the test checks
	return fake, sim, map[string]string{
		"SLACK_BOT_TOKEN": slackfake.DefaultBotToken, "SLACK_APP_TOKEN": slackfake.DefaultAppToken, "SLACK_API_URL": fake.APIURL(),
		"OKTA_ORG_URL": sim.OrgURL, "OKTA_CLIENT_ID": sim.Client.ClientID, "OKTA_PRIVATE_KEY": string(sim.Client.PrivateKey),
		"OKTABOT_CHANNELS": secChannel, "OKTABOT_APPROVERS": "U0LEAD",
		"OKTABOT_DB": filepath.Join(t.TempDir(), "oktabot.db"),
	}
}

// with returns vars changed by change; an empty value unsets a variable.
func with(vars map[string]string, change map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range vars {
		out[k] = v
	}
	for k, v := range change {
		out[k] = v
	}
	return out
}

// runRefused runs `oktabot run` with vars, wants it to stop at once with
// an error, without connecting to Socket Mode, and returns the error's
// lines (the first being the count when there are several).
func runRefused(t *testing.T, fake *slackfake.Server, vars map[string]string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _, err := runCmd(t, ctx, vars, "run")
	switch {
	case err == nil:
		t.Fatal("oktabot run started")
	case errors.Is(err, context.DeadlineExceeded):
		t.Fatalf("oktabot run did not stop at once: %v", err)
	case exitCode(err) == 0:
		t.Errorf("oktabot run = %v with exit code 0", err)
	}
	if n := fake.Connections(); n != 0 {
		t.Errorf("oktabot run opened %d Socket Mode connections, want none before start-up checks pass", n)
	}
	return strings.Split(err.Error(), "\n")
}

// startRun runs `oktabot run` with vars until the test ends, and returns
// once it has connected to the fake. The test fails if run stops or does
// not connect, and at its end if run does not stop cleanly.
func startRun(t *testing.T, fake *slackfake.Server, vars map[string]string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	done := make(chan error, 1)
	go func() {
		_, _, err := runCmd(t, ctx, vars, "run")
		done <- err
	}()
	connected := make(chan error, 1)
	go func() { connected <- fake.WaitConnections(ctx, 1) }()
	select {
	case err := <-done:
		cancel()
		t.Fatalf("oktabot run stopped before connecting: %v", err)
	case err := <-connected:
		if err != nil {
			cancel()
			t.Fatalf("oktabot run did not connect: %v (run: %v)", err, <-done)
		}
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("oktabot run stopped with %v, want a clean stop", err)
		}
	})
	return ctx
}

// slash sends `/okta text` from U0A in #security and returns the first
// message that matches; it fails the test when none comes.
func slash(t *testing.T, ctx context.Context, fake *slackfake.Server, text string, match func(slackfake.Message) bool) slackfake.Message {
	t.Helper()
	if _, err := fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U0A", ChannelID: secChannel, Text: text}); err != nil {
		t.Fatal(err)
	}
	m, err := fake.WaitMessage(ctx, match)
	if err != nil {
		t.Fatalf("no answer to /okta %s: %v", text, err)
	}
	return m
}

// wantLine fails unless exactly one line contains every part.
func wantLine(t *testing.T, lines []string, parts ...string) {
	t.Helper()
	n := 0
	for _, l := range lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d lines name %q, want 1:\n%s", n, parts, strings.Join(lines, "\n"))
	}
}

// Without an allow-list of channels `oktabot run` does not start: the
// bot would otherwise answer in every channel it is invited to.
func TestRunNeedsChannels(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	lines := runRefused(t, fake, with(vars, map[string]string{"OKTABOT_CHANNELS": ""}))
	if len(lines) != 1 {
		t.Errorf("oktabot run named %d problems, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	wantLine(t, lines, "OKTABOT_CHANNELS is not set", "private channels")
}

// Without approvers `oktabot run` does not start unless it is read-only.
func TestRunNeedsApproversOrReadOnly(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	noApprovers := with(vars, map[string]string{"OKTABOT_APPROVERS": ""})
	lines := runRefused(t, fake, noApprovers)
	wantLine(t, lines, "OKTABOT_APPROVERS is not set", "OKTABOT_READ_ONLY=true")
	startRun(t, fake, with(noApprovers, map[string]string{"OKTABOT_READ_ONLY": "true"}))
}

// Each channel of OKTABOT_CHANNELS is checked with conversations.info: a
// public one stops start-up unless OKTABOT_ALLOW_PUBLIC_CHANNELS=true, one
// without oktabot says to invite it, and an unknown id (or a private
// channel oktabot is not in, which Slack does not show it) is named.
func TestRunChecksChannels(t *testing.T) {
	tests := []struct {
		name     string
		channels string
		allow    string
		want     [][]string // one line per problem, each with these parts
	}{
		{"public channel", secChannel + "," + generalChannel, "", [][]string{
			{"#general", generalChannel, "public channel", "OKTABOT_ALLOW_PUBLIC_CHANNELS=true"},
		}},
		{"not a member", randomChannel, "true", [][]string{
			{"OKTABOT_CHANNELS", "invite @oktabot to #random"},
		}},
		{"public and not a member", randomChannel, "", [][]string{
			{"invite @oktabot to #random"},
			{"#random", "public channel", "OKTABOT_ALLOW_PUBLIC_CHANNELS"},
		}},
		{"private channel without oktabot", hrChannel, "", [][]string{
			{"OKTABOT_CHANNELS", hrChannel, "invite @oktabot"},
		}},
		{"unknown channel", "C0NOPE", "", [][]string{
			{"OKTABOT_CHANNELS", "C0NOPE", "check the id"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, vars := runSetup(t, slackfake.Options{})
			lines := runRefused(t, fake, with(vars, map[string]string{"OKTABOT_CHANNELS": tt.channels, "OKTABOT_ALLOW_PUBLIC_CHANNELS": tt.allow}))
			if len(tt.want) > 1 {
				lines = lines[1:] // the count
			}
			if len(lines) != len(tt.want) {
				t.Errorf("oktabot run named %d problems, want %d:\n%s", len(lines), len(tt.want), strings.Join(lines, "\n"))
			}
			for _, parts := range tt.want {
				wantLine(t, lines, parts...)
			}
		})
	}
	t.Run("public channel allowed", func(t *testing.T) {
		fake, vars := runSetup(t, slackfake.Options{})
		startRun(t, fake, with(vars, map[string]string{"OKTABOT_CHANNELS": secChannel + "," + generalChannel, "OKTABOT_ALLOW_PUBLIC_CHANNELS": "true"}))
		if got := fake.Calls("conversations.info"); got != 2 {
			t.Errorf("conversations.info called %d times, want once per channel (2)", got)
		}
	})
}

// A Slack app installed without a scope oktabot needs stops start-up,
// naming the scope once (conversations.info's missing_scope on a private
// channel is the same problem), what it is for where that is not plain
// (an app installed before the watcher lacks the history scopes), and
// how to update the app.
func TestRunChecksSlackScopes(t *testing.T) {
	for _, tt := range []struct {
		name    string
		without []string
		want    string
	}{
		{"files and groups", []string{"files:write", "groups:read"}, "lacks the scopes files:write groups:read"},
		{"history", []string{"channels:history", "groups:history"},
			"lacks the scopes channels:history groups:history (channels:history and groups:history to find an incident's message after a restart"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var scopes []string
			for _, s := range slackfake.DefaultScopes() {
				if !slices.Contains(tt.without, s) {
					scopes = append(scopes, s)
				}
			}
			fake, vars := runSetup(t, slackfake.Options{Scopes: scopes})
			lines := runRefused(t, fake, vars)
			if len(lines) != 1 {
				t.Errorf("oktabot run named %d problems, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
			}
			wantLine(t, lines, tt.want, "oktabot manifest", "reinstall")
		})
	}
}

// Every problem of a configuration is listed in one run, each on its own
// line naming its variable: those of every loader, and what Slack says
// about the channels, not one per run.
func TestRunListsEveryProblem(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	bad := with(vars, map[string]string{
		"SLACK_APP_TOKEN":              "",
		"OKTA_RATE_SHARE":              "2",
		"OKTA_SCOPES":                  "users.read",
		"OKTABOT_CHANNELS":             "#security," + generalChannel,
		"OKTABOT_APPROVERS":            "",
		"OKTABOT_TZ":                   "Central Time",
		"OKTABOT_PROPOSAL_TTL":         "forever",
		"OKTABOT_SUSPICIOUS_COUNTRIES": "Atlantis",
		"OKTABOT_READ_ONLY":            "sometimes",
		"OKTABOT_WATCH_INTERVAL":       "1s",
		"OKTABOT_ALERT_MIN_SEVERITY":   "urgent",
	})
	lines := runRefused(t, fake, bad)
	want := [][]string{
		{"SLACK_APP_TOKEN is not set"},
		{"OKTA_RATE_SHARE"},
		{"OKTA_SCOPES", "users.read"},
		{"OKTABOT_CHANNELS", "#security", "not a channel id"},
		{"OKTABOT_CHANNELS", "#general", "public channel"},
		{"OKTABOT_APPROVERS is not set"},
		{"OKTABOT_TZ", "Central Time"},
		{"OKTABOT_PROPOSAL_TTL", "forever"},
		{"OKTABOT_SUSPICIOUS_COUNTRIES", "Atlantis"},
		{"OKTABOT_READ_ONLY", "true or false"},
		{"OKTABOT_WATCH_INTERVAL", "1s", "from 10s"},
		{"OKTABOT_ALERT_MIN_SEVERITY", "urgent"},
	}
	if len(lines) != len(want)+1 || lines[0] != "12 problems to fix:" {
		t.Errorf("oktabot run printed %d lines, want a count and %d problems:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for _, parts := range want {
		wantLine(t, lines, parts...)
	}
}

// A read-only oktabot answers questions and refuses a change with a clear
// message that says why, and posts no proposal.
func TestRunReadOnly(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	ctx := startRun(t, fake, with(vars, map[string]string{"OKTABOT_APPROVERS": "", "OKTABOT_READ_ONLY": "true"}))
	slash(t, ctx, fake, "user john@company.com", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && strings.Contains(m.Text, "john@company.com")
	})
	refusal := slash(t, ctx, fake, "suspend john@company.com", func(m slackfake.Message) bool {
		return strings.Contains(m.Text+string(m.Blocks), "read-only")
	})
	if txt := refusal.Text + string(refusal.Blocks); !strings.Contains(txt, "OKTABOT_READ_ONLY") {
		t.Errorf("refusal = %q, want it to say why (OKTABOT_READ_ONLY)", txt)
	}
	// An investigation says it proposes nothing, instead of announcing
	// proposals that never come.
	inv := slash(t, ctx, fake, "investigate john@company.com", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && strings.Contains(m.Text, "Investigation")
	})
	if txt := inv.Text + string(inv.Blocks); strings.Contains(txt, "Proposed below") || strings.Contains(txt, "proposals follow") ||
		!strings.Contains(txt, "read-only") {
		t.Errorf("read-only investigation = %q, want no proposals announced and the read-only note", inv.Text)
	}
	for _, m := range fake.Messages() {
		if strings.Contains(m.Text+string(m.Blocks), "Approve") {
			t.Errorf("read-only oktabot posted a proposal: %q", m.Text)
		}
	}
}
