package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoTorExits is the Tor exit list the demo ships, as the demo loads it.
func demoTorExits(t testing.TB) *detect.ExitList {
	t.Helper()
	addrs, err := detect.ParseExitList(strings.NewReader(oktasim.DemoTorExits()))
	if err != nil {
		t.Fatalf("the demo's Tor exit list: %v", err)
	}
	l := &detect.ExitList{}
	l.Set(addrs, "demo", time.Time{})
	return l
}

const (
	// serviceAppID is the app id under which the simulator lists the
	// bot's service app, whose client id is 0oabot.
	serviceAppID = "0oaBOTAPP0000000001"
	secChannel   = "C0SEC"
	otherChannel = "C0RANDOM"
	analyst      = "U0ANALYST"
)

// harness is the whole bot on real parts: the real okta adapter (and so the
// real okta-sdk-golang) against the simulator over HTTP, and the real
// slack-go Socket Mode client against the fake Slack over a websocket.
type harness struct {
	t     *testing.T
	sim   *oktasim.Server
	slack *slackfake.Server
	store *approvals.Store
	ctx   context.Context
	done  chan error

	cancel   context.CancelFunc
	stopOnce sync.Once
}

type harnessOpts struct {
	fixture *oktasim.Fixture
	cfg     bot.Config
	// scopes the bot requests (nil: the defaults, without the manage
	// scopes of groups, apps and policies).
	scopes []string
	// store opens an approvals store under t.TempDir() (also when
	// storePath is set: that file).
	store     bool
	storePath string
	ttl       time.Duration
	// wrap, when set, wraps the Okta directory the bot asks.
	wrap func(bot.Directory) bot.Directory
	// reuse, when set, is a stopped harness whose simulator and fake
	// Slack serve this one: a restart of the bot (fixture is ignored).
	reuse *harness
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	fx := o.fixture
	if fx == nil && o.reuse == nil {
		fx = oktasim.Demo()
	}
	var sim *oktasim.Server
	var err error
	if o.reuse != nil {
		sim = o.reuse.sim
	} else if sim, err = oktasim.New(fx); err != nil {
		t.Fatalf("oktasim.New: %v", err)
	}
	key, pub, err := oktasim.NewServiceAppKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	// The org lists the service app under an app id of its own, not its
	// client id (start-up finds it by the client id: okta.ServiceApp).
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oabot", PublicKey: pub, KeyID: "k1", OrgAppID: serviceAppID})
	oktaSrv := httptest.NewServer(sim)
	t.Cleanup(oktaSrv.Close)
	log := testLogger(t)
	dc := detect.DefaultConfig()
	dc.TorExits = demoTorExits(t)
	dir, err := okta.New(okta.Config{OrgURL: oktaSrv.URL, ClientID: "0oabot", PrivateKey: key, Logger: log, Scopes: o.scopes, Detect: &dc})
	if err != nil {
		t.Fatalf("okta.New: %v", err)
	}

	var fake *slackfake.Server
	if o.reuse != nil {
		fake = o.reuse.slack
	} else {
		fake = slackfake.New(slackfake.Options{Users: slackUsers()})
		t.Cleanup(fake.Close)
	}
	api := bot.NewSlackClient(slackfake.DefaultBotToken, slackfake.DefaultAppToken, fake.APIURL())

	cfg := o.cfg
	if cfg.Channels == nil {
		cfg.Channels = []string{secChannel}
	}
	cfg.Logger = log
	var store *approvals.Store
	if o.store || o.storePath != "" {
		path := o.storePath
		if path == "" {
			path = filepath.Join(t.TempDir(), "oktabot.db")
		}
		store, err = approvals.Open(path, approvals.Options{Timeout: time.Second, TTL: o.ttl})
		if err != nil {
			t.Fatalf("approvals.Open: %v", err)
		}
		t.Cleanup(func() { store.Close() })
		cfg.Proposals = store
		cfg.Recovered = store.Recovered()
		cfg.Protection.ServiceAppID = serviceAppID
	}
	var bdir bot.Directory = dir
	if o.wrap != nil {
		bdir = o.wrap(dir)
	}
	b := bot.New(api, bdir, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, sim: sim, slack: fake, store: store, ctx: ctx, done: make(chan error, 1), cancel: cancel}
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(h.stop)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitReady(wctx, 2); err != nil {
		t.Fatalf("bot never opened its two connections: %v", err)
	}
	return h
}

// stop stops the bot (once) and waits for it.
func (h *harness) stop() {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case err := <-h.done:
			if err != nil {
				h.t.Errorf("bot.Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			h.t.Error("bot.Run did not return after cancel")
		}
	})
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("OKTABOT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// waitCtx bounds one wait in a test.
func (h *harness) waitCtx(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(h.ctx, d)
	h.t.Cleanup(cancel)
	return ctx
}

func (h *harness) slash(user, channel, text string) string {
	h.t.Helper()
	id, err := h.slack.SlashCommand(h.waitCtx(5*time.Second), slackfake.SlashCommand{UserID: user, ChannelID: channel, Text: text})
	if err != nil {
		h.t.Fatalf("SlashCommand(%q): %v", text, err)
	}
	return id
}

// answer waits for a message in channel that matches.
func (h *harness) answer(what string, match func(slackfake.Message) bool) slackfake.Message {
	h.t.Helper()
	m, err := h.slack.WaitMessage(h.waitCtx(15*time.Second), match)
	if err != nil {
		h.t.Fatalf("waiting for %s: %v\nmessages so far:\n%s", what, err, dump(h.slack.Messages()))
	}
	return m
}

// answerAfter waits for a message after the first n that matches.
func (h *harness) answerAfter(n int, what string, match func(slackfake.Message) bool) slackfake.Message {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ms := h.slack.Messages()
		for _, m := range ms[min(n, len(ms)):] {
			if match(m) {
				return m
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("waiting for %s: none came\nmessages so far:\n%s", what, dump(h.slack.Messages()))
	return slackfake.Message{}
}

func dump(ms []slackfake.Message) string {
	var b strings.Builder
	for _, m := range ms {
		text := m.Text
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		b.WriteString("  " + m.Method + " " + m.Channel + " ephemeral=" + boolStr(m.Ephemeral) + " " + text + "\n")
	}
	return b.String()
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// unescapeJSON undoes encoding/json's HTML escaping, so tests can look for
// Slack tokens such as <#C1> in a payload.
func unescapeJSON(b []byte) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// isAnswer reports an answer posted to the channel (a slash command's or a
// mention's): not ephemeral, not an update.
func isAnswer(m slackfake.Message) bool { return m.Method == "chat.postMessage" && !m.Ephemeral }

// has reports whether a message's text or blocks contain s.
func has(m slackfake.Message, s string) bool {
	return strings.Contains(m.Text, s) || strings.Contains(unescapeJSON(m.Blocks), s)
}

// buttons lists the action_id → value of every button in a message.
func buttons(t *testing.T, m slackfake.Message) map[string]string {
	t.Helper()
	var bs []struct {
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	out := map[string]string{}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.Type == "button" {
				out[e.ActionID] = e.Value
			}
		}
	}
	return out
}

// botConfigProgress updates long scans' messages often, for tests.
func botConfigProgress() bot.Config {
	return bot.Config{ProgressEvery: 100 * time.Millisecond}
}

// slackUsers is the workspace every harness has: the people tests act as.
func slackUsers() map[string]slackfake.User {
	users := map[string]slackfake.User{
		"U0JOHN":     {Name: "john", RealName: "John Smith", Email: "john@company.com"},
		"U0NOEMAIL":  {Name: "ghost", RealName: "No Email"},
		"U0INTRUDER": {Name: "intruder", RealName: "Not An Approver", Email: "intruder@company.com"},
		"U0STRANGER": {Name: "stranger", RealName: "Someone Else", Email: "stranger@company.com"},
		analyst:      {Name: "analyst", RealName: "Ann Analyst", Email: "analyst@company.com"},
		approver:     {Name: "approver", RealName: "Al Approver", Email: "approver@company.com"},
		"U0TOKYO":    {Name: "tokyo", RealName: "Taro Tokyo", Email: "taro@company.com", TZ: "Asia/Tokyo"},
	}
	for i := range 50 {
		id := fmt.Sprintf("U0APP%02d", i)
		users[id] = slackfake.User{Name: strings.ToLower(id), RealName: "Approver " + id, Email: strings.ToLower(id) + "@company.com"}
	}
	return users
}
