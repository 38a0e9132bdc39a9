package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// leads is what a replica logs when it wins the leadership (bot).
const leads = "leadership: this replica leads"

// takeover is how soon after its leader is killed another replica must
// poll (issue 15).
const takeover = 15 * time.Second

// firstToLog waits until one of the children has printed want and names
// it, looking again every 20 ms (the children's output has no signal).
func firstToLog(ctx context.Context, want string, children map[string]*child) (string, error) {
	for {
		for name, c := range children {
			if strings.Contains(c.stderr.String(), want) {
				return name, nil
			}
			if isDone(c.done) {
				return "", fmt.Errorf("replica %s exited (%v)", name, c.err)
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// leaseTTL is the replicas' lease (OKTABOT_ETCD_LEASE_TTL): the
// shortest oktabot takes.
const leaseTTL = 5 * time.Second

// replicaVars are the settings of a replica of the week's bot on the etcd
// at endpoints, under prefix.
func replicaVars(w *liveWeek, endpoints []string, prefix string) map[string]string {
	vars := maps.Clone(w.vars)
	vars["OKTABOT_STORE"] = "etcd"
	vars["OKTABOT_ETCD_ENDPOINTS"] = strings.Join(endpoints, ",")
	vars["OKTABOT_ETCD_PREFIX"] = prefix
	vars["OKTABOT_ETCD_LEASE_TTL"] = leaseTTL.String()
	return vars
}

// socketsPerReplica is how many Socket Mode connections an `oktabot run`
// keeps open (bot.Config.Connections' default, which run keeps).
const socketsPerReplica = 2

// startReplicas starts two `oktabot run` on one etcd prefix, the same
// Slack app and the same Okta org and service app, and waits for both to
// take Slack envelopes: for all their sockets to be ready, since one
// replica's sockets alone could make up any smaller number.
func startReplicas(ctx context.Context, t *testing.T, w *liveWeek, etcd *etcdtest.Server, prefix string) map[string]*child {
	t.Helper()
	replicas := map[string]*child{}
	for _, name := range []string{"a", "b"} {
		replicas[name] = startChild(t, replicaVars(w, etcd.Endpoints, prefix), "run")
	}
	if err := w.fake.WaitReady(ctx, len(replicas)*socketsPerReplica); err != nil {
		t.Fatalf("the two replicas did not both connect to Slack: %v", err)
	}
	return replicas
}

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
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	replicas := startReplicas(ctx, t, w, etcd, prefix)
	lctx, lcancel := context.WithTimeout(ctx, 30*time.Second)
	lead, err := firstToLog(lctx, leads, replicas)
	lcancel()
	if err != nil {
		t.Fatalf("no replica leads: %v", err)
	}
	other := map[string]string{"a": "b", "b": "a"}[lead]
	t.Logf("replica %s leads", lead)

	killed := w.play(ctx, t, replicas[lead], func() {
		if strings.Contains(replicas[other].stderr.String(), leads) {
			t.Errorf("replica %s leads too, while %s does: both watch", other, lead)
		}
	})
	// The leader is gone: a poll that starts now is the survivor's.
	mark := w.reads.mark()
	afterKill := mark
	tctx, tcancel := context.WithDeadline(ctx, killed.Add(takeover))
	err = w.reads.polled(tctx, mark)
	tcancel()
	if err != nil {
		t.Fatalf("replica %s did not poll within %s of the leader's kill: %v", other, takeover, err)
	}
	t.Logf("replica %s polled %s after the leader was killed", other, time.Since(killed).Round(time.Millisecond))

	// Everything is posted: once the survivor has read the log to its
	// end, every alert is in the channel.
	mark = w.reads.mark()
	sctx, scancel := replicas[other].context(ctx)
	if err := w.reads.caughtUp(sctx, mark); err != nil {
		t.Fatalf("replica %s did not catch up: %v", other, err)
	}
	scancel()
	replicas[other].stop()
	// The survivor goes on from the cursor the leader committed, never
	// from a time (the backfill, read again).
	if n := w.reads.fromTime(); n > afterKill {
		t.Errorf("replica %s read the System Log from a time (read %d), not from the cursor the leader committed", other, n)
	}

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

// polls counts the System Log polls that start through it.
type polls struct {
	next http.Handler
	n    atomic.Int64
}

func (p *polls) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isPoll(r) {
		p.n.Add(1)
	}
	p.next.ServeHTTP(w, r)
}

// Done when, issue 15: a replica cut off from etcd stops polling and
// deciding within its lease and says so in /healthz; the other replica
// takes over the watcher.
func TestCutOffFromEtcd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two oktabot processes on one etcd and cuts one off")
	}
	w := newLiveWeek(t)
	etcd := etcdtest.Start(t)
	proxy := etcd.Proxy(t)
	const prefix = "/cutoff/"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	addr := freeAddr(t)
	// a reaches Okta through a URL of its own, to tell its polls apart.
	// (The System Log stays empty: b, which cannot follow a cursor of
	// another URL, loses nothing by reading from the backfill.)
	aPolls := &polls{next: w.reads}
	aOkta := httptest.NewServer(aPolls)
	t.Cleanup(aOkta.Close)
	replica := func(endpoints []string, okta, httpAddr string) *child {
		vars := replicaVars(w, endpoints, prefix)
		vars["OKTA_ORG_URL"] = okta
		if httpAddr != "" {
			vars["OKTABOT_HTTP_ADDR"] = httpAddr
		}
		return startChild(t, vars, "run")
	}
	// a talks to etcd through the proxy and leads; b then starts and waits.
	a := replica(proxy.Endpoints, aOkta.URL, addr)
	lctx, lcancel := context.WithTimeout(ctx, 30*time.Second)
	defer lcancel()
	if _, err := firstToLog(lctx, leads, map[string]*child{"a": a}); err != nil {
		t.Fatalf("replica a does not lead: %v", err)
	}
	if err := w.reads.polled(lctx, 0); err != nil {
		t.Fatalf("replica a does not poll: %v", err)
	}
	b := replica(etcd.Endpoints, w.oktaURL, "")
	if err := w.fake.WaitReady(lctx, 2*socketsPerReplica); err != nil {
		t.Fatalf("the two replicas did not both connect to Slack: %v", err)
	}
	healthz := func() (int, string) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("GET /healthz: %v", err)
		}
		defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(body))
	}
	if code, h := healthz(); code != http.StatusOK {
		t.Fatalf("/healthz of the leader before the cut = %d %q, want 200", code, h)
	}

	proxy.Cut()
	cut := time.Now()
	// Within the lease (and a margin for a probe's own timeout), /healthz
	// fails naming etcd, and a's term has ended.
	deadline := cut.Add(leaseTTL + 3*time.Second)
	for {
		code, h := healthz()
		if code == http.StatusServiceUnavailable {
			if !strings.Contains(h, "etcd") || strings.Contains(h, "\n") {
				t.Errorf("/healthz cut off from etcd = %q, want one line naming etcd", h)
			}
			t.Logf("/healthz %s after the cut: %d %s", time.Since(cut).Round(time.Millisecond), code, h)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz = %d %q %s after the cut from etcd, want 503 naming etcd", code, h, time.Since(cut).Round(time.Millisecond))
		}
		time.Sleep(100 * time.Millisecond)
	}
	dctx, dcancel := context.WithDeadline(ctx, deadline)
	defer dcancel()
	if _, err := firstToLog(dctx, "etcdstore: leadership ended", map[string]*child{"a": a}); err != nil {
		t.Fatalf("replica a still leads %s after the cut from etcd: %v", deadline.Sub(cut), err)
	}
	t.Logf("replica a's term ended %s after the cut", time.Since(cut).Round(time.Millisecond))
	aPolled := aPolls.n.Load()

	// b takes over (a no longer polls: a poll that starts now is b's)
	// and polls; a has started no poll since its term ended.
	mark := w.reads.mark()
	tctx, tcancel := context.WithDeadline(ctx, cut.Add(takeover))
	defer tcancel()
	if err := w.reads.polled(tctx, mark); err != nil {
		t.Fatalf("replica b did not poll within %s of the cut: %v", takeover, err)
	}
	if !strings.Contains(b.stderr.String(), leads) {
		t.Errorf("replica b polls but does not say it leads")
	}
	t.Logf("replica b polled %s after the cut", time.Since(cut).Round(time.Millisecond))
	// a's bot says it stopped once its watcher has returned: today that
	// is when the store call it was in when cut off gives up (the etcd
	// store's timeout, 10 s: its calls take no context), after the lease.
	sctx, scancel := context.WithDeadline(ctx, cut.Add(leaseTTL+etcdstore.DefaultTimeout+3*time.Second))
	defer scancel()
	if _, err := firstToLog(sctx, "leadership: lost", map[string]*child{"a": a}); err != nil {
		t.Fatalf("replica a's bot does not say it stopped leading: %v", err)
	}
	t.Logf("replica a's bot stopped leading %s after the cut", time.Since(cut).Round(time.Millisecond))
	if n := aPolls.n.Load() - aPolled; n > 0 {
		t.Errorf("replica a started %d polls after its term ended", n)
	}
	b.stop()
	a.stop()
}
