package etcdstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

// TestRecoverInterruptsVerifying: Recover (start-up, or a term after a
// lapsed one) moves a proposal left verifying back to pending, audited
// with its transaction; nothing runs it.
func TestRecoverInterruptsVerifying(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	s := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/verify/"})
	p := verifying(t, s, "v@company.com", intents.PushTxn{ID: "v2mst.gone", UserID: "00u1", FactorID: "opf1"})
	got, err := s.Recover()
	if err != nil || len(got) != 1 || got[0].ID != p.ID || got[0].State != intents.StatePending {
		t.Fatalf("Recover() = %v, %v; want %s pending", ids(got), err, p.ID)
	}
	h, _ := s.History(p.ID)
	last := h[len(h)-1]
	if last.Event != approvals.EventNotVerified || last.Result != "interrupted" || !strings.Contains(last.Detail, "v2mst.gone") {
		t.Errorf("last record = %+v, want not-verified, interrupted, naming v2mst.gone", last)
	}
	mustState(t, s, p.ID, intents.StatePending)
}

// TestRecoverGoneVerifying: a proposal verifying on a live replica is
// left alone; once that replica is gone, the leader's RecoverGone offers
// it again, audited as interrupted, and the replica's late answer runs
// nothing.
func TestRecoverGoneVerifying(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	const prefix = "/verify-gone/"
	a, _ := replicaStore(t, srv, prefix, "a")
	leader, _ := replicaStore(t, srv, prefix, "leader")
	txn := intents.PushTxn{ID: "v2mst.lapsed", UserID: "00u1", FactorID: "opf1"}
	p := verifying(t, a, "w@company.com", txn)
	if got, err := leader.RecoverGone(); err != nil || len(got) != 0 {
		t.Errorf("RecoverGone() while a waits = %v, %v; want none moved", ids(got), err)
	}
	mustState(t, leader, p.ID, intents.StateVerifying)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := leader.RecoverGone()
	if err != nil || len(got) != 1 || got[0].ID != p.ID || got[0].State != intents.StatePending {
		t.Fatalf("RecoverGone() after a closed = %v, %v; want %s pending", ids(got), err, p.ID)
	}
	h, _ := leader.History(p.ID)
	if last := h[len(h)-1]; last.Event != approvals.EventNotVerified || last.Result != "interrupted" || !strings.Contains(last.Detail, txn.ID) {
		t.Errorf("last record = %+v, want the interrupted verification of %s", last, txn.ID)
	}
	if _, err := leader.EndVerify(p.ID, intents.PushOutcome{TxnID: txn.ID, Result: intents.PushSuccess}, nil); !errors.Is(err, approvals.ErrNotVerifying) {
		t.Errorf("EndVerify(SUCCESS) after the recovery = %v, want ErrNotVerifying", err)
	}
	mustState(t, leader, p.ID, intents.StatePending)
}

// verifying creates a step-up proposal to suspend login on s, approves it
// and leaves it verifying with txn sent.
func verifying(t *testing.T, s *etcdstore.Store, login string, txn intents.PushTxn) intents.Proposal {
	t.Helper()
	p := mustCreate(t, s, suspend(login))
	pol := approvals.Policy{IsApprover: func(string) bool { return true }, StepUp: func(intents.Preview) bool { return true }}
	if _, err := s.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Approve: true}, pol); err != nil {
		t.Fatalf("Decide() = %v", err)
	}
	if _, err := s.BeginVerify(p.ID, "U_APPROVER"); err != nil {
		t.Fatalf("BeginVerify() = %v", err)
	}
	if _, err := s.PushSent(p.ID, txn); err != nil {
		t.Fatalf("PushSent() = %v", err)
	}
	return p
}
