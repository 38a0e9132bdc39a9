package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// logReads wraps the simulator and notes each polling read of the System
// Log (ascending, no until) that answered an empty page (the poller caught up), by
// the order in which the reads started: a read started after events were added, that found
// nothing newer, shows the poller has read them all.
type logReads struct {
	sim     http.Handler
	mu      sync.Mutex
	started int
	ok      int // the start number of the newest read answered 200
	fresh   int // the start number of the newest read from a time (no after)
	empty   int // the start number of the newest empty read
	changed chan struct{}
}

func newLogReads(sim http.Handler) *logReads {
	return &logReads{sim: sim, changed: make(chan struct{})}
}

func (l *logReads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isPoll(r) {
		l.sim.ServeHTTP(w, r)
		return
	}
	l.mu.Lock()
	l.started++
	n := l.started
	if !r.URL.Query().Has("after") {
		l.fresh = n
	}
	l.mu.Unlock()
	rec := &bodyPeek{ResponseWriter: w, status: http.StatusOK}
	l.sim.ServeHTTP(rec, r)

	if rec.status == http.StatusOK {
		l.mu.Lock()
		l.ok = max(l.ok, n)
		if bytes.Equal(bytes.TrimSpace(rec.body), []byte("[]")) {
			l.empty = max(l.empty, n)
		}
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
}

// isPoll is whether r is a polling read of the System Log: ascending,
// with no until.
func isPoll(r *http.Request) bool {
	q := r.URL.Query()
	return r.Method == http.MethodGet && r.URL.Path == "/api/v1/logs" && !q.Has("until") && q.Get("sortOrder") != "DESCENDING"
}

// mark is the number of reads started so far.
func (l *logReads) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.started
}

// caughtUp waits for an empty read that started after mark.
func (l *logReads) caughtUp(ctx context.Context, mark int) error {
	return l.wait(ctx, func() bool { return l.empty > mark })
}

// polled waits for a read answered 200 that started after mark.
func (l *logReads) polled(ctx context.Context, mark int) error {
	return l.wait(ctx, func() bool { return l.ok > mark })
}

// fromTime is the start number of the newest read that started from a
// time rather than from a cursor (Okta's next link has after), or 0.
func (l *logReads) fromTime() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fresh
}

// wait waits for cond, called with l.mu held, to hold.
func (l *logReads) wait(ctx context.Context, cond func() bool) error {
	for {
		l.mu.Lock()
		done, changed := cond(), l.changed
		l.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// bodyPeek keeps the status and the first bytes of an answer.
type bodyPeek struct {
	http.ResponseWriter
	status int
	body   []byte
}

func (b *bodyPeek) WriteHeader(code int) {
	b.status = code
	b.ResponseWriter.WriteHeader(code)
}

func (b *bodyPeek) Write(p []byte) (int, error) {
	if len(b.body) < 16 {
		b.body = append(b.body, p[:min(len(p), 16-len(b.body))]...)
	}
	return b.ResponseWriter.Write(p)
}

// incidentMessage is the incident id of an incident's message (its
// metadata), or "".
func incidentMessage(m slackfake.Message) string {
	if m.Method != "chat.postMessage" || len(m.Metadata) == 0 {
		return ""
	}
	var md struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	if json.Unmarshal(m.Metadata, &md) != nil || md.EventType != "oktabot_incident" {
		return ""
	}
	id, _ := md.EventPayload["incident"].(string)
	return id
}

// liveWeek is the demo's week of events, to be posted live to a
// simulator, with the Slack and Okta around it and the settings an
// `oktabot run` watching it takes (no store set).
type liveWeek struct {
	stories []demo.Story
	logs    []oktasim.Object // in time order
	sim     *oktasim.Server
	reads   *logReads // in front of sim
	oktaURL string    // reads, served
	fake    *slackfake.Server
	vars    map[string]string
}

// newLiveWeek builds the week: an empty System Log to post logs to.
func newLiveWeek(t *testing.T) *liveWeek {
	t.Helper()
	now := time.Now()
	fx := demo.OrgAt(oktasim.DialectOIE, now, time.UTC)
	w := &liveWeek{stories: demo.StoriesAt(oktasim.DialectOIE, now, time.UTC)}
	// The week of events is posted live; the first start reads back
	// OKTABOT_WATCH_BACKFILL (at most a week), so the oldest hour, plain
	// traffic, is left out.
	from := now.Add(-167 * time.Hour).UTC().Format(time.RFC3339Nano)
	for _, ev := range fx.Logs {
		if ev["published"].(string) > from {
			w.logs = append(w.logs, ev)
		}
	}
	fx.Logs = nil
	sort.SliceStable(w.logs, func(i, j int) bool { return w.logs[i]["published"].(string) < w.logs[j]["published"].(string) })
	for _, s := range w.stories {
		for _, id := range s.Events {
			if !slices.ContainsFunc(w.logs, func(ev oktasim.Object) bool { return ev["uuid"] == id }) {
				t.Fatalf("story %s: event %s is not among the events posted", s.ID, id)
			}
		}
	}

	var err error
	if w.sim, err = oktasim.New(fx); err != nil {
		t.Fatal(err)
	}
	key, pub, err := oktasim.NewServiceAppKey("k-watch")
	if err != nil {
		t.Fatal(err)
	}
	w.sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oawatch", PublicKey: pub, KeyID: "k-watch"})
	w.reads = newLogReads(w.sim)
	oktaSrv := httptest.NewServer(w.reads)
	t.Cleanup(oktaSrv.Close)
	w.oktaURL = oktaSrv.URL
	w.fake = slackfake.New(slackfake.Options{
		Channels: map[string]slackfake.Channel{secChannel: {Name: "security", Private: true}},
		// The analyst who asks (the slash helper's U0A) and the approver.
		Users: map[string]slackfake.User{"U0A": {Name: "ana"}, "U0LEAD": {Name: "lead", Email: "lead@company.com"}},
	})
	t.Cleanup(w.fake.Close)
	w.vars = map[string]string{
		"SLACK_BOT_TOKEN": slackfake.DefaultBotToken, "SLACK_APP_TOKEN": slackfake.DefaultAppToken, "SLACK_API_URL": w.fake.APIURL(),
		"OKTA_ORG_URL": w.oktaURL, "OKTA_CLIENT_ID": "0oawatch", "OKTA_PRIVATE_KEY": string(key),
		"OKTABOT_CHANNELS": secChannel, "OKTABOT_APPROVERS": "U0LEAD",
		"OKTABOT_WATCH_BACKFILL": "168h", "OKTABOT_TEST_WATCH_INTERVAL": "50ms", "OKTABOT_DIGEST": "off",
	}
	return w
}

// play posts the week in chunks, in time order, while watching runs.
// After each chunk it waits for the watcher to catch up or for the first
// incident message, and kills watching (SIGKILL) as soon as that appears,
// whatever it is doing then (calling atKill, unless nil, just before);
// the rest is posted at once after. It returns when the kill was sent, and fails the test if no incident message came.
func (w *liveWeek) play(ctx context.Context, t *testing.T, watching *child, atKill func()) time.Time {
	t.Helper()
	const chunks = 25
	size := (len(w.logs) + chunks - 1) / chunks
	var killed time.Time
	for at := 0; at < len(w.logs); at += size {
		if _, err := w.sim.AddEvents(w.logs[at:min(at+size, len(w.logs))]); err != nil {
			t.Fatal(err)
		}
		if !killed.IsZero() {
			continue
		}
		mark := w.reads.mark()
		wctx, wcancel := watching.context(ctx)
		go func() {
			_ = w.reads.caughtUp(wctx, mark) // ends the wait below either way
			wcancel()
		}()
		_, err := w.fake.WaitMessage(wctx, func(m slackfake.Message) bool { return incidentMessage(m) != "" })
		wcancel()
		if err == nil {
			if atKill != nil {
				atKill()
			}
			killed = time.Now()
			watching.kill()
			t.Logf("killed oktabot after the first incident message, with %d of %d events posted", min(at+size, len(w.logs)), len(w.logs))
		} else if ctx.Err() != nil || isDone(watching.done) {
			t.Fatalf("waiting for oktabot to read events %d…: %v (exited: %v)", at, ctx.Err(), watching.err)
		}
	}
	if killed.IsZero() {
		t.Fatal("no incident message while the events were posted: nothing to kill oktabot in the middle of")
	}
	return killed
}

// checkAlertedOnce checks the incidents a store holds after the week was
// played against the incident messages posted: each message once, each
// High or Critical incident posted, no event twice in a finding, and one
// incident per story subject.
func (w *liveWeek) checkAlertedOnce(t *testing.T, incidents []intents.Incident) {
	t.Helper()
	posted := map[string]int{}
	for _, m := range w.fake.Messages() {
		if id := incidentMessage(m); id != "" {
			posted[id]++
		}
	}
	for id, n := range posted {
		if n != 1 {
			t.Errorf("incident %s was posted %d times, want once", id, n)
		}
	}
	for _, inc := range incidents {
		seen := map[string]bool{}
		for _, f := range inc.Findings {
			for _, ev := range f.Events {
				if k := f.Detection + " " + ev; seen[k] {
					t.Errorf("incident %s (%s): event %s is in %s twice: read twice into a finding", inc.ID, inc.Subject, ev, f.Detection)
				} else {
					seen[k] = true
				}
			}
		}
		if inc.Severity.Rank() >= intents.SeverityHigh.Rank() && posted[inc.ID] != 1 {
			t.Errorf("incident %s (%s, %s) was posted %d times, want once", inc.ID, inc.Subject, inc.Severity, posted[inc.ID])
		}
	}
	for _, s := range w.stories {
		bySubject := map[string][]string{}
		alerted := 0
		for _, inc := range incidents {
			if !slices.ContainsFunc(inc.Findings, func(f intents.Finding) bool {
				return slices.ContainsFunc(f.Events, func(ev string) bool { return slices.Contains(s.Events, ev) })
			}) {
				continue
			}
			bySubject[inc.Subject] = append(bySubject[inc.Subject], inc.ID)
			if posted[inc.ID] == 1 {
				alerted++
			}
		}
		if len(bySubject) == 0 {
			t.Errorf("story %s (%s): no incident holds its events", s.ID, s.Title)
		}
		for subject, ids := range bySubject {
			if len(ids) != 1 {
				t.Errorf("story %s: %s has %d incidents %v, want one", s.ID, subject, len(ids), ids)
			}
		}
		t.Logf("story %s: incidents %v, %d alerted", s.ID, bySubject, alerted)
	}
}

// Done when, issue 14: oktabot is killed with SIGKILL in the middle of the
// demo's stories, posted live, and started again on the same store: every
// story is alerted exactly once across the restart, no event is read twice
// into a finding, and each story's people have one incident each.
func TestWatchSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oktabot twice as a process over the demo's week of events")
	}
	w := newLiveWeek(t)
	vars := maps.Clone(w.vars)
	db := filepath.Join(t.TempDir(), "oktabot.db")
	vars["OKTABOT_DB"] = db
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first := startChild(t, vars, "run")
	cctx, ccancel := first.context(ctx)
	if err := w.fake.WaitConnections(cctx, 1); err != nil {
		t.Fatalf("the first oktabot did not connect: %v", err)
	}
	ccancel()
	w.play(ctx, t, first, nil)

	// Everything is posted: once the second oktabot has read the log to
	// its end, every alert is in the channel.
	mark := w.reads.mark()
	second := startChild(t, vars, "run")
	sctx, scancel := second.context(ctx)
	if err := w.reads.caughtUp(sctx, mark); err != nil {
		t.Fatalf("the second oktabot did not catch up: %v", err)
	}
	scancel()
	second.stop()

	store, err := approvals.Open(db, approvals.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }() // read only; a close error decides nothing the test checks
	incidents, err := store.Incidents(false)
	if err != nil {
		t.Fatal(err)
	}
	w.checkAlertedOnce(t, incidents)
}

// isDone reports whether ch is closed.
func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
