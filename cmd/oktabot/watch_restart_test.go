package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	empty   int // the start number of the newest empty read
	changed chan struct{}
}

func newLogReads(sim http.Handler) *logReads {
	return &logReads{sim: sim, changed: make(chan struct{})}
}

func (l *logReads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); r.Method != http.MethodGet || r.URL.Path != "/api/v1/logs" || q.Has("until") || q.Get("sortOrder") == "DESCENDING" {
		l.sim.ServeHTTP(w, r)
		return
	}
	l.mu.Lock()
	l.started++
	n := l.started
	l.mu.Unlock()
	rec := &bodyPeek{ResponseWriter: w, status: http.StatusOK}
	l.sim.ServeHTTP(rec, r)

	if rec.status == http.StatusOK && bytes.Equal(bytes.TrimSpace(rec.body), []byte("[]")) {
		l.mu.Lock()
		l.empty = max(l.empty, n)
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
}

// mark is the number of reads started so far.
func (l *logReads) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.started
}

// caughtUp waits for an empty read that started after mark.
func (l *logReads) caughtUp(ctx context.Context, mark int) error {
	for {
		l.mu.Lock()
		done, changed := l.empty > mark, l.changed
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

// Done when, issue 14: oktabot is killed with SIGKILL in the middle of the
// demo's stories, posted live, and started again on the same store: every
// story is alerted exactly once across the restart, no event is read twice
// into a finding, and each story's people have one incident each.
func TestWatchSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs oktabot twice as a process over the demo's week of events")
	}
	now := time.Now()
	fx := demo.OrgAt(oktasim.DialectOIE, now, time.UTC)
	stories := demo.StoriesAt(oktasim.DialectOIE, now, time.UTC)
	// The week of events is posted live; the first start reads back
	// OKTABOT_WATCH_BACKFILL (at most a week), so the oldest hour, plain
	// traffic, is left out.
	from := now.Add(-167 * time.Hour).UTC().Format(time.RFC3339Nano)
	var logs []oktasim.Object
	for _, ev := range fx.Logs {
		if ev["published"].(string) > from {
			logs = append(logs, ev)
		}
	}
	fx.Logs = nil
	sort.SliceStable(logs, func(i, j int) bool { return logs[i]["published"].(string) < logs[j]["published"].(string) })
	for _, s := range stories {
		for _, id := range s.Events {
			if !slices.ContainsFunc(logs, func(ev oktasim.Object) bool { return ev["uuid"] == id }) {
				t.Fatalf("story %s: event %s is not among the events posted", s.ID, id)
			}
		}
	}

	sim, err := oktasim.New(fx)
	if err != nil {
		t.Fatal(err)
	}
	key, pub, err := oktasim.NewServiceAppKey("k-watch")
	if err != nil {
		t.Fatal(err)
	}
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oawatch", PublicKey: pub, KeyID: "k-watch"})
	reads := newLogReads(sim)
	oktaSrv := httptest.NewServer(reads)
	t.Cleanup(oktaSrv.Close)
	fake := slackfake.New(slackfake.Options{
		Channels: map[string]slackfake.Channel{secChannel: {Name: "security", Private: true}},
		Users:    map[string]slackfake.User{"U0LEAD": {Name: "lead", Email: "lead@company.com"}},
	})
	t.Cleanup(fake.Close)
	db := filepath.Join(t.TempDir(), "oktabot.db")
	vars := map[string]string{
		"SLACK_BOT_TOKEN": slackfake.DefaultBotToken, "SLACK_APP_TOKEN": slackfake.DefaultAppToken, "SLACK_API_URL": fake.APIURL(),
		"OKTA_ORG_URL": oktaSrv.URL, "OKTA_CLIENT_ID": "0oawatch", "OKTA_PRIVATE_KEY": string(key),
		"OKTABOT_CHANNELS": secChannel, "OKTABOT_APPROVERS": "U0LEAD", "OKTABOT_DB": db,
		"OKTABOT_WATCH_BACKFILL": "168h", "OKTABOT_TEST_WATCH_INTERVAL": "50ms", "OKTABOT_DIGEST": "off",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	first := startChild(t, vars, "run")
	cctx, ccancel := first.context(ctx)
	if err := fake.WaitConnections(cctx, 1); err != nil {
		t.Fatalf("the first oktabot did not connect: %v", err)
	}
	ccancel()
	// Post the week in chunks, in time order; after each, wait for the
	// watcher to catch up or for the first incident message, and kill
	// oktabot as soon as that appears, whatever it is doing then.
	const chunks = 25
	size := (len(logs) + chunks - 1) / chunks
	killed := false
	for at := 0; at < len(logs); at += size {
		if _, err := sim.AddEvents(logs[at:min(at+size, len(logs))]); err != nil {
			t.Fatal(err)
		}
		if killed {
			continue
		}
		mark := reads.mark()
		wctx, wcancel := first.context(ctx)
		go func() {
			_ = reads.caughtUp(wctx, mark) // ends the wait below either way
			wcancel()
		}()
		_, err := fake.WaitMessage(wctx, func(m slackfake.Message) bool { return incidentMessage(m) != "" })
		wcancel()
		if err == nil {
			first.kill()
			killed = true
			t.Logf("killed oktabot after the first incident message, with %d of %d events posted", min(at+size, len(logs)), len(logs))
		} else if ctx.Err() != nil || isDone(first.done) {
			t.Fatalf("waiting for the first oktabot to read events %d…: %v (exited: %v)", at, ctx.Err(), first.err)
		}
	}
	if !killed {
		t.Fatal("no incident message while the events were posted: nothing to kill oktabot in the middle of")
	}

	// Everything is posted: once the second oktabot has read the log to
	// its end, every alert is in the channel.
	mark := reads.mark()
	second := startChild(t, vars, "run")
	sctx, scancel := second.context(ctx)
	if err := reads.caughtUp(sctx, mark); err != nil {
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
	posted := map[string]int{}
	for _, m := range fake.Messages() {
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
	for _, s := range stories {
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

// isDone reports whether ch is closed.
func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
