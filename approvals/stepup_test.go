package approvals_test

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// TestVerifyingInterruptedAtOpen: a proposal left verifying (its
// approver's push sent, no answer) by a process that stopped is never
// run: the next Open moves it back to pending, lists it in Recovered and
// audits the interrupted verification with its transaction.
func TestVerifyingInterruptedAtOpen(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	pol := policy()
	pol.StepUp = func(intents.Preview) bool { return true }
	if _, err := ts.Decide(approve(p.ID, approver), pol); err != nil {
		t.Fatalf("Decide() = %v", err)
	}
	if _, err := ts.BeginVerify(p.ID, approver); err != nil {
		t.Fatalf("BeginVerify() = %v", err)
	}
	if _, err := ts.PushSent(p.ID, intents.PushTxn{ID: "v2mst.crash", UserID: "00u1", FactorID: "opf1"}); err != nil {
		t.Fatalf("PushSent() = %v", err)
	}
	ts.Reopen()
	rec := ts.Recovered()
	if len(rec) != 1 || rec[0].ID != p.ID || rec[0].State != intents.StatePending {
		t.Fatalf("Recovered() = %+v, want %s pending", rec, p.ID)
	}
	got := ts.MustState(p.ID, intents.StatePending)
	if got.DecidedBy != "" || got.Verify != nil || got.StepUp {
		t.Errorf("after restart: %+v, want the decision and verification cleared", got)
	}
	h, _ := ts.History(p.ID)
	last := h[len(h)-1]
	if last.Event != approvals.EventNotVerified || last.Result != "interrupted" || !strings.Contains(last.Detail, "v2mst.crash") {
		t.Errorf("last record = %+v, want not-verified, interrupted, naming v2mst.crash", last)
	}
	if _, err := ts.BeginExecute(p.ID); err == nil {
		t.Errorf("BeginExecute() after restart = nil, want refused")
	}
}
