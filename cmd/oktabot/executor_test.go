package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

// TestLeaderKilledSparesSurvivorsExecution: replica a executes an
// approval while b leads and executes another; b is killed (its client
// closed: its leases lapse). a takes over after a lapsed term and reports
// b's proposal unknown, but not its own, which it then finishes.
func TestLeaderKilledSparesSurvivorsExecution(t *testing.T) {
	srv := etcdtest.Start(t)
	const (
		prefix = "/executor/"
		ttl    = 2 * time.Second // etcd's least
	)
	type replica struct {
		leader fencedLeader
		store  *etcdstore.Store
		cli    *clientv3.Client
		logged chan string // the proposals it reports unknown to the bot
	}
	start := func(name string) replica {
		cli := srv.Client(t)
		st := etcdstore.New(cli, etcdstore.Options{Prefix: prefix, Replica: name, ReplicaTTL: ttl})
		logged := make(chan string, 16)
		return replica{
			leader: fencedLeader{
				leader: etcdstore.NewLeader(cli, etcdstore.LeaderOptions{Prefix: prefix, TTL: ttl, Name: name}),
				store:  st, log: slog.New(slog.DiscardHandler), every: ttl,
				report: func(p intents.Proposal) { logged <- p.ID },
			},
			store: st, cli: cli, logged: logged,
		}
	}
	a, b := start("a"), start("b")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := b.leader.Campaign(ctx); err != nil {
		t.Fatalf("b: Campaign() = %v", err)
	}
	begin := func(r replica, login string) string {
		p, err := r.store.Create(intents.Proposal{
			Requester: "U_REQ", Channel: "C_SEC",
			Preview: intents.Preview{
				Action:  intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: "00u-" + login, Name: login}},
				Summary: "Suspend " + login, Scope: "okta.users.manage", Granted: true,
			},
		})
		if err != nil {
			t.Fatalf("Create() = %v", err)
		}
		pol := approvals.Policy{IsApprover: func(string) bool { return true }}
		if _, err := r.store.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Approve: true}, pol); err != nil {
			t.Fatalf("Decide() = %v", err)
		}
		if _, err := r.store.BeginExecute(p.ID); err != nil {
			t.Fatalf("BeginExecute() = %v", err)
		}
		return p.ID
	}
	mine, lost := begin(a, "john@company.com"), begin(b, "mary@company.com")

	_ = b.cli.Close() // b is killed: it neither resigns nor renews

	won := make(chan error, 1)
	go func() {
		// a's term is usually Lapsed (b was killed), but not always: on a
		// loaded machine b's 2 s term can end, resigned, before the kill,
		// when a renewal comes too late. Either way b's proposal must be
		// found, by the term's start or by its sweep.
		_, err := a.leader.Campaign(ctx)
		won <- err
	}()
	select {
	case err := <-won:
		if err != nil {
			t.Fatalf("a: Campaign() = %v", err)
		}
	case <-ctx.Done():
		t.Fatal("a did not take over")
	}
	// b's proposal is reported unknown, at the term's start or by the
	// next sweep, whichever finds b's lease gone first.
	select {
	case id := <-a.logged:
		if id != lost {
			t.Fatalf("a reported %s unknown; want only %s (b's), not a's own %s", id, lost, mine)
		}
	case <-ctx.Done():
		t.Fatalf("b's %s never reported unknown", lost)
	}
	if p, err := a.store.Finish(mine, &intents.ActionOutcome{Summary: "suspended"}, nil); err != nil || p.State != intents.StateExecuted {
		t.Errorf("a: Finish(%s) = %s, %v; want executed (a ran it throughout)", mine, p.State, err)
	}
	if p, err := a.store.Get(lost); err != nil || p.State != intents.StateUnknown {
		t.Errorf("Get(%s) = %s, %v; want unknown", lost, p.State, err)
	}
	select {
	case id := <-a.logged:
		t.Errorf("a also reported %s unknown", id)
	default:
	}
}
