package etcdstore_test

import (
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
	p := mustCreate(t, s, suspend("v@company.com"))
	pol := approvals.Policy{IsApprover: func(string) bool { return true }, StepUp: func(intents.Preview) bool { return true }}
	if _, err := s.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Approve: true}, pol); err != nil {
		t.Fatalf("Decide() = %v", err)
	}
	if _, err := s.BeginVerify(p.ID, "U_APPROVER"); err != nil {
		t.Fatalf("BeginVerify() = %v", err)
	}
	if _, err := s.PushSent(p.ID, intents.PushTxn{ID: "v2mst.gone", UserID: "00u1", FactorID: "opf1"}); err != nil {
		t.Fatalf("PushSent() = %v", err)
	}
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
