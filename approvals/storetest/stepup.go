package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// StepUp is the step-up edges a store adds to the contract
// (approvals/stepup.go).
type StepUp interface {
	BeginVerify(id, by string) (intents.Proposal, error)
	PushSent(id string, txn intents.PushTxn) (intents.Proposal, error)
	EndVerify(id string, out intents.PushOutcome, cause error) (intents.Proposal, error)
}

var _ StepUp = (*approvals.Store)(nil)

// stepUpPolicy is policy() with every action stepping up.
func stepUpPolicy() approvals.Policy {
	pol := policy()
	pol.StepUp = func(intents.Preview) bool { return true }
	return pol
}

// testStepUp: a step-up approval never begins from approved; only SUCCESS
// for the recorded transaction moves it to executing; REJECTED sends it
// back to pending, audited with the transaction, and it may be approved
// again.
func testStepUp(t *testing.T, f Factory) {
	e := open(t, f, 1)
	s := e.s()
	id := e.create(suspendUser(1)).ID
	p, err := s.Decide(approve(id, approver), stepUpPolicy())
	if err != nil || p.State != intents.StateApproved || !p.StepUp {
		t.Fatalf("Decide(approve) = %s stepUp=%v, %v; want approved, stepUp", p.State, p.StepUp, err)
	}
	if _, err := s.BeginExecute(id); !errors.Is(err, approvals.ErrNotVerified) {
		t.Fatalf("BeginExecute(step-up, approved) = %v, want ErrNotVerified", err)
	}
	if _, err := s.BeginVerify(id, outsider); !errors.Is(err, intents.ErrDecided) {
		t.Errorf("BeginVerify(by another) = %v, want ErrDecided", err)
	}
	txn := intents.PushTxn{ID: "v2mst.one", UserID: "00u-a", FactorID: "opf-1"}
	if p, err = s.BeginVerify(id, approver); err != nil || p.State != intents.StateVerifying {
		t.Fatalf("BeginVerify() = %s, %v; want verifying", p.State, err)
	}
	if _, err := s.BeginVerify(id, approver); !errors.Is(err, intents.ErrStarted) {
		t.Errorf("BeginVerify(again) = %v, want ErrStarted", err)
	}
	if _, err := s.PushSent(id, txn); err != nil {
		t.Fatalf("PushSent() = %v", err)
	}
	if _, err := s.EndVerify(id, intents.PushOutcome{TxnID: "v2mst.other", Result: intents.PushSuccess}, nil); !errors.Is(err, approvals.ErrNotVerifying) {
		t.Errorf("EndVerify(another transaction) = %v, want ErrNotVerifying", err)
	}
	if p, err = s.EndVerify(id, intents.PushOutcome{TxnID: txn.ID, Result: intents.PushRejected}, nil); err != nil || p.State != intents.StatePending {
		t.Fatalf("EndVerify(REJECTED) = %s, %v; want pending", p.State, err)
	}
	if p.DecidedBy != "" || p.Verify != nil || p.StepUp {
		t.Errorf("after REJECTED: DecidedBy %q, Verify %v, StepUp %v; want all cleared", p.DecidedBy, p.Verify, p.StepUp)
	}
	h, _ := s.History(id)
	last := h[len(h)-1]
	if last.Event != approvals.EventNotVerified || last.Result != "REJECTED" || !strings.Contains(last.Detail, txn.ID) || last.Approver != approver {
		t.Errorf("last record = %+v, want not-verified REJECTED naming %s and the approver", last, txn.ID)
	}
	// Approved again, confirmed this time: it runs once.
	if _, err := s.Decide(approve(id, approver), stepUpPolicy()); err != nil {
		t.Fatalf("Decide(approve again) = %v", err)
	}
	txn.ID = "v2mst.two"
	if _, err := s.BeginVerify(id, approver); err != nil {
		t.Fatalf("BeginVerify(second) = %v", err)
	}
	if _, err := s.PushSent(id, txn); err != nil {
		t.Fatalf("PushSent(second) = %v", err)
	}
	var calls atomic.Int32
	p, err = approvals.ExecuteVerified(context.Background(), s, id, intents.PushOutcome{TxnID: txn.ID, Result: intents.PushSuccess}, nil, succeed(&calls))
	if err != nil || p.State != intents.StateExecuted || calls.Load() != 1 {
		t.Fatalf("ExecuteVerified(SUCCESS) = %s, %v, %d calls; want executed, 1 call", p.State, err, calls.Load())
	}
	want := []string{"requested", "approved", approvals.EventVerifying, approvals.EventPushSent, approvals.EventNotVerified,
		"approved", approvals.EventVerifying, approvals.EventPushSent, approvals.EventVerified, "executing", "executed"}
	if got := e.events(id); !slices.Equal(got, want) {
		t.Errorf("History() = %v, want %v", got, want)
	}
}

// testStepUpConcurrent: 50 concurrent approvals of a step-up proposal,
// from every handle, pass the push gate once.
func testStepUpConcurrent(t *testing.T, f Factory) {
	const n = 50
	e := open(t, f, 2)
	id := e.create(suspendUser(1)).ID
	pol := stepUpPolicy()
	pol.IsApprover = func(string) bool { return true }
	var (
		start  = make(chan struct{})
		wg     sync.WaitGroup
		passed atomic.Int32
	)
	for i := range n {
		st := e.stores[i%len(e.stores)]
		by := fmt.Sprintf("U%02d", i)
		wg.Go(func() {
			<-start
			if _, err := st.Decide(approve(id, by), pol); err != nil {
				return
			}
			if _, err := st.BeginVerify(id, by); err == nil {
				passed.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := passed.Load(); got != 1 {
		t.Fatalf("%d callers passed BeginVerify, want 1", got)
	}
	e.state(id, intents.StateVerifying)
}
