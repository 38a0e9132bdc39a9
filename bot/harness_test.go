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

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// demoTorExits is the Tor exit list the demo ships, as the demo loads it.
func demoTorExits(t testing.TB) *detect.ExitList {
	t.Helper()
	addrs, err := detect.ParseExitList(strings.NewReader(demo.TorExits()))
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
	t   testing.TB
	sim *oktasim.Server
	// oktaSrv serves sim over HTTP.
	oktaSrv *httptest.Server
	slack   *slackfake.Server
	store   testStore        // the approvals store, bbolt or etcd (nil: none)
	etcd    *etcdstore.Store // the proposals, with harnessOpts.etcd
	bot     *bot.Bot
	key     []byte       // the service app's private key
	dir     *okta.Client // the bot's Okta adapter
	polls   *polls       // the watcher's polls (watchOne)
	ctx     context.Context
	done    chan error
	// cancel stops the bot (see stop).
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
	// okta, when set, adjusts the Okta adapter's configuration.
	okta func(*okta.Config)
	// slack, when set, changes the fake Slack's options (users, members…).
	slack func(*slackfake.Options)
	// now, when set, is the approvals store's clock.
	now func() time.Time
	// watch turns the watcher on (with a store): incidents go to
	// secChannel; watchCfg adjusts the Okta side, polled tells the test
	// about each poll.
	watch     bool
	watchCfg  func(*okta.WatchConfig)
	incidents func(bot.Incidents) bot.Incidents // wraps the incident store
	polled    func(bot.WatchHealth)
	// etcd, when set, keeps the proposals on this etcd (etcdstore), as
	// replicas do, instead of a bbolt file; each harness on it is one
	// replica.
	etcd *etcdtest.Server
	// etcdCluster is etcd as several members (instead of etcd);
	// etcdTimeout bounds each store call (0: the store's default).
	etcdCluster *etcdtest.Members
	etcdTimeout time.Duration
	// etcdPrefix is the store's key prefix on etcd ("": the default).
	etcdPrefix string
	// reuse, when set, is a stopped harness whose simulator and fake
	// Slack serve this one: a restart of the bot (fixture is ignored).
	reuse *harness
}

func newHarness(t testing.TB, o harnessOpts) *harness {
	t.Helper()
	fx := o.fixture
	if fx == nil && o.reuse == nil {
		fx = demo.Org()
	}
	var sim *oktasim.Server
	var err error
	if o.reuse != nil {
		sim = o.reuse.sim
	} else if sim, err = oktasim.New(fx); err != nil {
		t.Fatalf("oktasim.New: %v", err)
	}
	var key []byte
	if o.reuse != nil {
		key = o.reuse.key // one service app, as replicas share one
	} else {
		k, pub, err := oktasim.NewServiceAppKey("k1")
		if err != nil {
			t.Fatal(err)
		}
		key = k
		// The org lists the service app under an app id of its own, not
		// its client id (start-up finds it by the client id:
		// okta.ServiceApp).
		sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oabot", PublicKey: pub, KeyID: "k1", OrgAppID: serviceAppID})
	}
	var oktaSrv *httptest.Server
	if o.reuse != nil {
		oktaSrv = o.reuse.oktaSrv // the same org URL, as after a restart
	} else {
		oktaSrv = httptest.NewServer(sim)
		t.Cleanup(oktaSrv.Close)
	}
	log := testLogger(t)
	dc := detect.DefaultConfig()
	dc.TorExits = demoTorExits(t)
	oc := okta.Config{OrgURL: oktaSrv.URL, ClientID: "0oabot", PrivateKey: key, Logger: log, Scopes: o.scopes, Detect: &dc}
	if o.okta != nil {
		o.okta(&oc)
	}
	dir, err := okta.New(oc)
	if err != nil {
		t.Fatalf("okta.New: %v", err)
	}

	var fake *slackfake.Server
	if o.reuse != nil {
		fake = o.reuse.slack
	} else {
		fo := slackfake.Options{Users: slackUsers()}
		if o.slack != nil {
			o.slack(&fo)
		}
		fake = slackfake.New(fo)
		t.Cleanup(fake.Close)
	}
	api := bot.NewSlackClient(slackfake.DefaultBotToken, slackfake.DefaultAppToken, fake.APIURL())

	cfg := o.cfg
	if cfg.Channels == nil {
		cfg.Channels = []string{secChannel}
	}
	cfg.Logger = log
	if cfg.Pace == nil {
		cfg.Pace = unpaced()
	}
	var store *approvals.Store
	if o.store || o.storePath != "" {
		path := o.storePath
		if path == "" {
			path = filepath.Join(t.TempDir(), "oktabot.db")
		}
		store, err = approvals.Open(path, approvals.Options{Timeout: time.Second, TTL: o.ttl, Now: o.now})
		if err != nil {
			t.Fatalf("approvals.Open: %v", err)
		}
		t.Cleanup(func() { _ = store.Close() }) // teardown; a close error here decides nothing the test checks
		cfg.Proposals = store
		cfg.Recovered = store.Recovered()
		cfg.Protection.ServiceAppID = serviceAppID
	}
	var etcdStore *etcdstore.Store
	if o.etcd != nil || o.etcdCluster != nil {
		var cli *clientv3.Client
		if o.etcd != nil {
			cli = o.etcd.Client(t)
		} else {
			cli = o.etcdCluster.Client(t)
		}
		es := etcdstore.New(cli, etcdstore.Options{TTL: o.ttl, Now: o.now, Timeout: o.etcdTimeout, Prefix: o.etcdPrefix})
		t.Cleanup(func() { _ = es.Close() })
		cfg.Proposals = es
		cfg.Protection.ServiceAppID = serviceAppID
		etcdStore = es
	}
	if o.watch {
		var ws interface {
			bot.Incidents
			WatchState() (string, map[string][]byte, error)
		}
		switch {
		case etcdStore != nil:
			ws = etcdStore
		case store != nil:
			ws = store
		default:
			t.Fatal("the watcher needs a store: set store or etcd")
		}
		wc := okta.WatchConfig{Load: ws.WatchState}
		if o.watchCfg != nil {
			o.watchCfg(&wc)
		}
		cfg.Watch, cfg.Incidents, cfg.AlertChannel = dir.NewWatcher(wc), ws, secChannel
		if o.incidents != nil {
			cfg.Incidents = o.incidents(ws)
		}
		if cfg.WatchEvery == 0 {
			cfg.WatchEvery = 20 * time.Millisecond
		}
		cfg.WatchObserve = o.polled
	}
	var bdir bot.Directory = dir
	if o.wrap != nil {
		bdir = o.wrap(dir)
	}
	b := bot.New(api, bdir, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	if etcdStore != nil {
		dir.SetupJobs(ctx, etcdStore) // the MFA scan keeps its progress in etcd, as `oktabot run` does
	}
	h := &harness{t: t, sim: sim, key: key, oktaSrv: oktaSrv, slack: fake, etcd: etcdStore, bot: b, dir: dir, ctx: ctx, done: make(chan error, 1), cancel: cancel}
	switch {
	case etcdStore != nil:
		h.store = etcdStore
	case store != nil:
		h.store = store
	}
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(h.stop)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitReady(wctx, 2); err != nil {
		t.Fatalf("bot never opened its two connections: %v", err)
	}
	return h
}

// testStore is what a test reads of the approvals store, whichever of the
// two backs the bot.
type testStore interface {
	bot.Proposals
	bot.Incidents
	Audit(fn func(intents.AuditRecord) error) error
	Verify() (approvals.ChainReport, error)
	Close() error
}

// eachStore runs test once on each approvals store, as parallel subtests: bbolt
// in a file under t.TempDir(), and etcd in a member started for it.
// backed sets the harness's store.
func eachStore(t *testing.T, test func(t *testing.T, backed func(*harnessOpts))) {
	t.Run("bbolt", func(t *testing.T) {
		t.Parallel()
		test(t, func(o *harnessOpts) { o.store = true })
	})
	t.Run("etcd", func(t *testing.T) {
		t.Parallel()
		srv := etcdtest.Start(t)
		n := 0 // each harness on its own prefix, as a separate deployment
		test(t, func(o *harnessOpts) {
			n++
			o.store, o.etcd, o.etcdPrefix = false, srv, fmt.Sprintf("/oktabot-%d/", n)
		})
	})
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

func testLogger(t testing.TB) *slog.Logger {
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
	return waitAfter(h.t, h, n, what, match)
}

// waitUntil waits, without polling, until cond holds: it checks again at
// every change of the fake Slack (a message, an upload, a view, an ack).
// It fails t with what after d.
func waitUntil(t testing.TB, h *harness, d time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx := h.waitCtx(d)
	for {
		changed := h.slack.Changed() // before the check: no change is missed
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v\nmessages so far:\n%s", what, ctx.Err(), dump(h.slack.Messages()))
		}
	}
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
func buttons(t testing.TB, m slackfake.Message) map[string]string {
	t.Helper()
	type element struct {
		Type     string `json:"type"`
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	}
	var bs []struct {
		Elements  []element `json:"elements"`
		Accessory *element  `json:"accessory"`
	}
	if err := json.Unmarshal(m.Blocks, &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	out := map[string]string{}
	for _, b := range bs {
		if b.Accessory != nil {
			b.Elements = append(b.Elements, *b.Accessory)
		}
		for _, e := range b.Elements {
			if e.Type == "button" {
				out[e.ActionID] = e.Value
			}
		}
	}
	return out
}

// unpaced is a pacer that counts messages as Slack's pace does but never
// waits: tests do not wait a second per message (TestPaced shows the
// pacing).
func unpaced() *bot.Pacer {
	return &bot.Pacer{Sleep: func(context.Context, time.Duration) error { return nil }}
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
		"U0NOZONE":   {Name: "nozone", RealName: "Nora Nowhere", Email: "nora@company.com", TZ: "Mars/Olympus"},
		guest:        {Name: "guest", RealName: "Gus Guest", Email: "gus@contractor.example", IsRestricted: true},
		singleGuest:  {Name: "single", RealName: "Sue Single", Email: "sue@contractor.example", IsUltraRestricted: true},
		partner:      {Name: "partner", RealName: "Pat Partner", Email: "pat@partner.example", TeamID: "T0PARTNER"},
		"U0ROBOT":    {Name: "robot", RealName: "Some Bot", IsBot: true},
		reader:       {Name: "reader", RealName: "Rita Reader", Email: "rita@company.com"},
		groupie:      {Name: "groupie", RealName: "Greg Group", Email: "greg@company.com"},
		member:       {Name: "member", RealName: "Mia Member", Email: "mia@company.com"},
	}
	for i := range 50 {
		id := fmt.Sprintf("U0APP%02d", i)
		users[id] = slackfake.User{Name: strings.ToLower(id), RealName: "Approver " + id, Email: strings.ToLower(id) + "@company.com"}
	}
	// The people of the lanes benchmark (users.info is asked of every
	// asker: one Slack does not know gets no answer).
	for _, f := range []string{"U0SWEEP%02d", "U0LOOK%02d"} {
		for i := range 10 {
			id := fmt.Sprintf(f, i)
			users[id] = slackfake.User{Name: strings.ToLower(id), RealName: "Analyst " + id, Email: strings.ToLower(id) + "@company.com"}
		}
	}
	return users
}
