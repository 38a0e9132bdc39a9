package etcdstore_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

// replicaStore is a store on its own client, as one oktabot process
// holds, recording itself as the executor of what it begins.
func replicaStore(t *testing.T, srv *etcdtest.Server, prefix, name string) (*etcdstore.Store, *clientv3.Client) {
	t.Helper()
	cli := srv.Client(t)
	return etcdstore.New(cli, etcdstore.Options{Prefix: prefix, Replica: name, ReplicaTTL: testTTL}), cli
}

// approved creates and approves n proposals on s.
func approved(t *testing.T, s *etcdstore.Store, n int) []string {
	t.Helper()
	pol := approvals.Policy{IsApprover: func(string) bool { return true }}
	var ids []string
	for i := range n {
		p := mustCreate(t, s, suspend(string(rune('a'+i))+"@company.com"))
		if _, err := s.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Approve: true}, pol); err != nil {
			t.Fatalf("Decide() = %v", err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

func mustBegin(t *testing.T, s *etcdstore.Store, id string) {
	t.Helper()
	if p, err := s.BeginExecute(id); err != nil || p.State != intents.StateExecuting {
		t.Fatalf("BeginExecute(%s) = %s, %v; want executing", id, p.State, err)
	}
}

func mustState(t *testing.T, s *etcdstore.Store, id string, want intents.State) {
	t.Helper()
	if p, err := s.Get(id); err != nil || p.State != want {
		t.Errorf("Get(%s) = %s, %v; want %s", id, p.State, err, want)
	}
}

// revokeReplica revokes, behind the store's back, the liveness lease of
// the replica named name, as etcd does when it lapses.
func revokeReplica(t *testing.T, cli *clientv3.Client, prefix, name string) {
	t.Helper()
	resp, err := cli.Get(context.Background(), prefix+"replicas/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range resp.Kvs {
		if string(kv.Value) == name {
			if _, err := cli.Revoke(context.Background(), clientv3.LeaseID(kv.Lease)); err != nil {
				t.Fatalf("Revoke() = %v", err)
			}
			return
		}
	}
	t.Fatalf("no replicas/ key holds %q", name)
}

func ids(ps []intents.Proposal) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestRecoverSparesLiveExecutor: a proposal replica A is executing is
// left executing by the leader's Recover, even after a lapsed term, and
// by RecoverGone; once A's lease is gone (A closed), the next sweep moves
// it to unknown with its audit record.
func TestRecoverSparesLiveExecutor(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	const prefix = "/spare/"
	a, _ := replicaStore(t, srv, prefix, "a")
	leader, _ := replicaStore(t, srv, prefix, "leader")
	id := approved(t, a, 1)[0]
	mustBegin(t, a, id)

	if got, err := leader.Recover(); err != nil || len(got) != 0 {
		t.Errorf("Recover() while a runs %s = %v, %v; want none moved", id, ids(got), err)
	}
	if got, err := leader.RecoverGone(); err != nil || len(got) != 0 {
		t.Errorf("RecoverGone() while a runs %s = %v, %v; want none moved", id, ids(got), err)
	}
	mustState(t, leader, id, intents.StateExecuting)

	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := leader.RecoverGone()
	if err != nil || len(got) != 1 || got[0].ID != id || got[0].State != intents.StateUnknown {
		t.Fatalf("RecoverGone() after a closed = %v, %v; want %s unknown", ids(got), err, id)
	}
	h, err := leader.History(id)
	if err != nil || len(h) == 0 || h[len(h)-1].Event != approvals.EventUnknown {
		t.Errorf("History(%s) = %+v, %v; want it to end with unknown", id, h, err)
	}
	if again, err := leader.RecoverGone(); err != nil || len(again) != 0 {
		t.Errorf("second RecoverGone() = %v, %v; want none", ids(again), err)
	}
	if rep, err := leader.Verify(); err != nil || rep.Break != nil {
		t.Errorf("Verify() = %v, %v", rep.Break, err)
	}
}

// TestRecoverUnrecordedOnlyAfterLapse: a proposal that records no
// executor (begun by a store without Options.Replica, as before executors
// were recorded) keeps the old rule: RecoverGone leaves it, Recover (after
// a lapsed term) moves it.
func TestRecoverUnrecordedOnlyAfterLapse(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	const prefix = "/unrecorded/"
	old := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: prefix})
	leader, _ := replicaStore(t, srv, prefix, "leader")
	id := approved(t, old, 1)[0]
	mustBegin(t, old, id)
	if got, err := leader.RecoverGone(); err != nil || len(got) != 0 {
		t.Errorf("RecoverGone() = %v, %v; want %s left executing (no executor recorded)", ids(got), err, id)
	}
	mustState(t, leader, id, intents.StateExecuting)
	if got, err := leader.Recover(); err != nil || len(got) != 1 || got[0].ID != id {
		t.Errorf("Recover() = %v, %v; want %s unknown", ids(got), err, id)
	}
	mustState(t, leader, id, intents.StateUnknown)
}

// TestFinishRacingRecover: replica A's lease is gone while it still
// finishes what it began, and the leader's sweep runs at the same time:
// each proposal ends either executed (A's Finish succeeded) or unknown
// (the sweep moved it and A's Finish was refused), never both, with one
// closing audit record.
func TestFinishRacingRecover(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	const prefix = "/race/"
	a, cli := replicaStore(t, srv, prefix, "a")
	leader, _ := replicaStore(t, srv, prefix, "leader")
	begun := approved(t, a, 12)
	for _, id := range begun {
		mustBegin(t, a, id)
	}
	revokeReplica(t, cli, prefix, "a")

	start := make(chan struct{})
	var wg sync.WaitGroup
	finished := make(map[string]error)
	var mu sync.Mutex
	for _, id := range begun {
		wg.Go(func() {
			<-start
			_, err := a.Finish(id, &intents.ActionOutcome{Summary: "suspended"}, nil)
			mu.Lock()
			finished[id] = err
			mu.Unlock()
		})
	}
	var recovered []intents.Proposal
	var recErr error
	wg.Go(func() {
		<-start
		recovered, recErr = leader.RecoverGone()
	})
	close(start)
	wg.Wait()
	if recErr != nil {
		t.Fatalf("RecoverGone() = %v", recErr)
	}
	// Whatever the sweep did not reach before the Finishes ran, a
	// second sweep finds nothing left executing.
	if again, err := leader.RecoverGone(); err != nil || len(again) != 0 {
		t.Errorf("second RecoverGone() = %d moved, %v; want none", len(again), err)
	}
	var moved []string
	for _, p := range recovered {
		moved = append(moved, p.ID)
	}
	for _, id := range begun {
		p, err := leader.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		wasMoved := slices.Contains(moved, id)
		ferr := finished[id]
		switch {
		case wasMoved && (p.State != intents.StateUnknown || !errors.Is(ferr, approvals.ErrNotExecuting)):
			t.Errorf("%s: moved by the sweep, but it is %s and Finish() = %v; want unknown and ErrNotExecuting", id, p.State, ferr)
		case !wasMoved && (p.State != intents.StateExecuted || ferr != nil):
			t.Errorf("%s: not moved by the sweep, but it is %s and Finish() = %v; want executed and no error", id, p.State, ferr)
		}
		h, err := leader.History(id)
		if err != nil {
			t.Fatal(err)
		}
		var ends int
		for _, rec := range h {
			if rec.Event == approvals.EventUnknown || rec.Event == approvals.EventExecuted {
				ends++
			}
		}
		if ends != 1 {
			t.Errorf("%s: %d executed/unknown records; want 1", id, ends)
		}
	}
	t.Logf("%d of %d moved to unknown by the sweep", len(moved), len(begun))
	if rep, err := leader.Verify(); err != nil || rep.Break != nil {
		t.Errorf("Verify() = %v, %v", rep.Break, err)
	}
}

// TestBeginAfterLeaseLost: a replica whose liveness lease went (it was
// cut off from etcd past its lease) begins the next proposal on a new
// lease, which the leader's sweep sees alive.
func TestBeginAfterLeaseLost(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	const prefix = "/regrant/"
	a, cli := replicaStore(t, srv, prefix, "a")
	leader, _ := replicaStore(t, srv, prefix, "leader")
	ps := approved(t, a, 2)
	mustBegin(t, a, ps[0])
	revokeReplica(t, cli, prefix, "a")
	mustBegin(t, a, ps[1])
	got, err := leader.RecoverGone()
	if err != nil || len(got) != 1 || got[0].ID != ps[0] {
		t.Errorf("RecoverGone() = %v, %v; want only %s (begun on the lost lease) unknown", ids(got), err, ps[0])
	}
	mustState(t, leader, ps[1], intents.StateExecuting)
}

// TestNonLeaderCrashRecovered: while the leader holds its term and sweeps
// (RecoverEvery), another replica crashes mid-execution (its client
// closed, its lease left to lapse): the sweep moves its proposal to
// unknown, and the leadership never changes.
func TestNonLeaderCrashRecovered(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	const prefix = "/crash/"
	a, cliA := replicaStore(t, srv, prefix, "a")
	leader, cliL := replicaStore(t, srv, prefix, "leader")
	elected := etcdstore.NewLeader(cliL, etcdstore.LeaderOptions{Prefix: prefix, TTL: testTTL, Name: "leader"})
	lctx := mustWin(t, "leader", campaign(t.Context(), elected), testTTL+margin)
	tm := term(t, "leader", lctx)

	id := approved(t, a, 1)[0]
	mustBegin(t, a, id)
	unknown := make(chan intents.Proposal, 1)
	go leader.RecoverEvery(lctx, testTTL/4, func(p intents.Proposal) { unknown <- p })
	_ = cliA.Close() // a crashes: nothing renews its lease

	select {
	case p := <-unknown:
		if p.ID != id || p.State != intents.StateUnknown {
			t.Errorf("RecoverEvery moved %s (%s); want %s unknown", p.ID, p.State, id)
		}
	case <-lctx.Done():
		t.Fatal("the leader's term ended")
	case <-time.After(3*testTTL + margin):
		t.Fatalf("%s still not unknown %s after a crashed", id, 3*testTTL+margin)
	}
	mustState(t, leader, id, intents.StateUnknown)
	if lctx.Err() != nil || !holds(t, cliL, tm.Fence) {
		t.Error("the leadership changed; want the same term throughout")
	}
}
