package main

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// pollers tells the replicas' System Log polls apart: each replica talks
// to the simulator through a URL of its own, tagged, and pollers counts
// the polls (ascending reads with no until, as logReads) each tag had
// answered 200.
type pollers struct {
	next    http.Handler
	mu      sync.Mutex
	ok      map[string]int
	first   map[string]time.Time // when tag's first poll was answered
	changed chan struct{}
}

func newPollers(next http.Handler) *pollers {
	return &pollers{next: next, ok: map[string]int{}, first: map[string]time.Time{}, changed: make(chan struct{})}
}

// serve is a server for the replica named tag.
func (p *pollers) serve(t *testing.T, tag string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isPoll(r) {
			p.next.ServeHTTP(w, r)
			return
		}
		rec := &bodyPeek{ResponseWriter: w, status: http.StatusOK}
		p.next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK {
			p.mu.Lock()
			if p.ok[tag]++; p.ok[tag] == 1 {
				p.first[tag] = time.Now()
			}
			close(p.changed)
			p.changed = make(chan struct{})
			p.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// firstPoll is when tag's first poll was answered (zero: none yet).
func (p *pollers) firstPoll(tag string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.first[tag]
}

// wait waits for a tag among tags to have a poll answered, and names it.
func (p *pollers) wait(ctx context.Context, tags ...string) (string, error) {
	for {
		p.mu.Lock()
		changed := p.changed
		for _, tag := range tags {
			if p.ok[tag] > 0 {
				p.mu.Unlock()
				return tag, nil
			}
		}
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-changed:
		}
	}
}

// takeover is how soon after its leader is killed another replica must
// poll (issue 15).
const takeover = 15 * time.Second

// Done when, issue 15: two replicas share one etcd, one Slack app and one
// Okta service app. The leader is killed with SIGKILL while the demo's
// stories are posted live: the other replica polls within 15 s of the
// kill, and every story is alerted exactly once across the failover.
func TestFailoverSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two oktabot processes on one etcd over the demo's week of events")
	}
	w := newLiveWeek(t)
	etcd := etcdtest.Start(t)
	const prefix = "/failover/"
	polls := newPollers(w.reads)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	replicas := map[string]*child{}
	for _, tag := range []string{"a", "b"} {
		vars := maps.Clone(w.vars)
		vars["OKTA_ORG_URL"] = polls.serve(t, tag)
		vars["OKTABOT_STORE"] = "etcd"
		vars["OKTABOT_ETCD_ENDPOINTS"] = strings.Join(etcd.Endpoints, ",")
		vars["OKTABOT_ETCD_PREFIX"] = prefix
		vars["OKTABOT_ETCD_LEASE_TTL"] = "5s"
		replicas[tag] = startChild(t, vars, "run")
	}
	if err := w.fake.WaitReady(ctx, 2); err != nil {
		t.Fatalf("the two replicas did not both connect to Slack: %v", err)
	}
	// The leader reads the (empty) backfill at once.
	lead, err := polls.wait(ctx, "a", "b")
	if err != nil {
		t.Fatalf("no replica polled the System Log: %v", err)
	}
	other := map[string]string{"a": "b", "b": "a"}[lead]
	t.Logf("replica %s leads", lead)

	killed := w.play(ctx, t, replicas[lead])
	tctx, tcancel := context.WithDeadline(ctx, killed.Add(takeover))
	_, err = polls.wait(tctx, other)
	tcancel()
	if err != nil {
		t.Fatalf("replica %s did not poll within %s of the leader's kill: %v", other, takeover, err)
	}
	if first := polls.firstPoll(other); first.Before(killed) {
		t.Errorf("replica %s polled at %s, before %s was killed at %s: both watched", other, first.Format(time.StampMilli), lead, killed.Format(time.StampMilli))
	} else {
		t.Logf("replica %s polled %s after the leader was killed", other, first.Sub(killed).Round(time.Millisecond))
	}

	// Everything is posted: once the survivor has read the log to its
	// end, every alert is in the channel.
	mark := w.reads.mark()
	sctx, scancel := replicas[other].context(ctx)
	if err := w.reads.caughtUp(sctx, mark); err != nil {
		t.Fatalf("replica %s did not catch up: %v", other, err)
	}
	scancel()
	replicas[other].stop()

	store := etcdstore.New(etcd.Client(t), etcdstore.Options{Prefix: prefix})
	defer func() { _ = store.Close() }() // read only
	incidents, err := store.Incidents(false)
	if err != nil {
		t.Fatal(err)
	}
	w.checkAlertedOnce(t, incidents)
	if _, err := store.Verify(); err != nil {
		t.Errorf("the audit chain in etcd: %v", err)
	}
}
