package main

import (
	"context"
	"fmt"
	"maps"
	"strings"
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

// startReplicas starts two `oktabot run` on one etcd prefix, the same
// Slack app and the same Okta org and service app, and waits for both to
// take Slack envelopes.
func startReplicas(ctx context.Context, t *testing.T, w *liveWeek, etcd *etcdtest.Server, prefix string, extra func(name string, vars map[string]string)) map[string]*child {
	t.Helper()
	replicas := map[string]*child{}
	for _, name := range []string{"a", "b"} {
		vars := maps.Clone(w.vars)
		vars["OKTABOT_STORE"] = "etcd"
		vars["OKTABOT_ETCD_ENDPOINTS"] = strings.Join(etcd.Endpoints, ",")
		vars["OKTABOT_ETCD_PREFIX"] = prefix
		vars["OKTABOT_ETCD_LEASE_TTL"] = "5s"
		if extra != nil {
			extra(name, vars)
		}
		replicas[name] = startChild(t, vars, "run")
	}
	if err := w.fake.WaitReady(ctx, 2); err != nil {
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
	replicas := startReplicas(ctx, t, w, etcd, prefix, nil)
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
