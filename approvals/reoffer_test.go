package approvals_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// A proposal approved before a stop, never begun, is offered again after
// the restart: pending, undecided, with a "reoffered" record naming who
// had approved it; then it is approved and run like any other.
func TestReofferApprovedAfterRestart(t *testing.T) {
	ts := MustOpen(t)
	id := reach(t, ts, intents.StateApproved)
	ts.Clock.Advance(time.Minute)
	ts.Reopen()
	got, err := ts.ReofferApproved(ts.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != id || got[0].State != intents.StatePending || got[0].DecidedBy != "" {
		t.Fatalf("ReofferApproved() = %+v, want %s pending and undecided", got, id)
	}
	ts.MustState(id, intents.StatePending)
	if ev := ts.Events(id); !slices.Equal(ev, []string{"requested", "approved", approvals.EventReoffered}) {
		t.Errorf("events = %v", ev)
	}
	h, _ := ts.History(id)
	last := h[len(h)-1]
	if last.Approver != approver || !strings.Contains(last.Detail, "reoffered after a restart") {
		t.Errorf("reoffered record = %+v, want the approver and the reason", last)
	}
	if ps, _ := ts.Pending(); len(ps) != 1 || ps[0].ID != id {
		t.Errorf("Pending() = %v, want %s", ps, id)
	}
	if ps, _ := ts.Approved(); len(ps) != 0 {
		t.Errorf("Approved() = %v after the re-offer", ps)
	}
	// Nothing left to do a second time.
	if again, err := ts.ReofferApproved(ts.Clock.Now()); err != nil || len(again) != 0 {
		t.Errorf("second ReofferApproved() = %v, %v", again, err)
	}
	if _, err := ts.Decide(approve(id, approver), policy()); err != nil {
		t.Fatalf("approving the re-offered proposal: %v", err)
	}
	p, err := ts.Execute(context.Background(), id, func(context.Context, intents.Preview) (intents.ActionOutcome, error) { return *outcome(), nil })
	if err != nil || p.State != intents.StateExecuted {
		t.Errorf("Execute() = %s, %v", p.State, err)
	}
}

// Past its expiry it is expired instead, saying so.
func TestReofferApprovedExpires(t *testing.T) {
	ts := MustOpen(t)
	id := reach(t, ts, intents.StateApproved)
	ts.Clock.Advance(2 * time.Hour)
	got, err := ts.ReofferApproved(ts.Clock.Now())
	if err != nil || len(got) != 1 || got[0].State != intents.StateExpired {
		t.Fatalf("ReofferApproved() = %+v, %v; want %s expired", got, err, id)
	}
	h, _ := ts.History(id)
	if last := h[len(h)-1]; last.Event != approvals.EventExpired || !strings.Contains(last.Detail, "never executed") || last.Approver != approver {
		t.Errorf("last record = %+v, want expired saying it was never executed", last)
	}
	if _, err := ts.Decide(approve(id, approver), policy()); !errorIs(err, intents.ErrExpired) {
		t.Errorf("Decide() on it = %v, want ErrExpired", err)
	}
}

// One approved by this process (at or after before) is left alone, as are
// proposals in other states.
func TestReofferApprovedLeavesTheRest(t *testing.T) {
	ts := MustOpen(t)
	before := ts.Clock.Now()
	ts.Clock.Advance(time.Second)
	states := []intents.State{intents.StateApproved, intents.StateExecuting, intents.StateExecuted, intents.StateRejected}
	ids := map[intents.State]string{}
	for i, st := range states {
		p := suspendUser(i)
		id := ts.MustCreate(p).ID
		if _, err := ts.Decide(approvals.Decision{ProposalID: id, By: approver, Approve: st != intents.StateRejected, Channel: channel}, policy()); err != nil {
			t.Fatal(err)
		}
		if st == intents.StateExecuting || st == intents.StateExecuted {
			if _, err := ts.BeginExecute(id); err != nil {
				t.Fatal(err)
			}
		}
		if st == intents.StateExecuted {
			if _, err := ts.Finish(id, outcome(), nil); err != nil {
				t.Fatal(err)
			}
		}
		ids[st] = id
	}
	got, err := ts.ReofferApproved(before)
	if err != nil || len(got) != 0 {
		t.Fatalf("ReofferApproved(before) = %v, %v; want nothing", got, err)
	}
	for st, id := range ids {
		ts.MustState(id, st)
	}
}

// When the same change was asked again meanwhile, the re-offer would
// duplicate it: the old one is expired, naming the waiting one.
func TestReofferApprovedDuplicate(t *testing.T) {
	ts := MustOpen(t)
	old := reach(t, ts, intents.StateApproved)
	fresh := ts.MustCreate(suspendJohn()).ID
	got, err := ts.ReofferApproved(ts.Clock.Now().Add(time.Second))
	if err != nil || len(got) != 1 || got[0].ID != old || got[0].State != intents.StateExpired {
		t.Fatalf("ReofferApproved() = %+v, %v; want %s expired", got, err, old)
	}
	h, _ := ts.History(old)
	if last := h[len(h)-1]; !strings.Contains(last.Detail, fresh) {
		t.Errorf("expired record %q does not name %s", last.Detail, fresh)
	}
	ts.MustState(fresh, intents.StatePending)
}

// A withdrawn proposal is expired with the reason and cannot be approved;
// a decided one cannot be withdrawn.
func TestWithdraw(t *testing.T) {
	ts := MustOpen(t)
	id := ts.MustCreate(suspendJohn()).ID
	p, err := ts.Withdraw(strings.ToLower(id), "its message could not be posted")
	if err != nil || p.State != intents.StateExpired {
		t.Fatalf("Withdraw() = %s, %v", p.State, err)
	}
	h, _ := ts.History(id)
	if last := h[len(h)-1]; last.Event != approvals.EventExpired || last.Detail != "withdrawn: its message could not be posted" {
		t.Errorf("last record = %+v", last)
	}
	if _, err := ts.Decide(approvals.Decision{ProposalID: id, By: approver, Approve: true}, policy()); !errorIs(err, intents.ErrExpired) {
		t.Errorf("Decide() on a withdrawn proposal = %v, want ErrExpired", err)
	}
	if _, err := ts.Withdraw(id, "again"); !errorIs(err, intents.ErrExpired) {
		t.Errorf("Withdraw() twice = %v, want ErrExpired", err)
	}
	approved := reach(t, ts, intents.StateApproved)
	if _, err := ts.Withdraw(approved, "x"); !errorIs(err, intents.ErrDecided) {
		t.Errorf("Withdraw() of an approved proposal = %v, want ErrDecided", err)
	}
	ts.MustState(approved, intents.StateApproved)
	if _, err := ts.Withdraw("p-NOSUCH", "x"); !errorIs(err, intents.ErrNotFound) {
		t.Errorf("Withdraw() of an unknown id = %v", err)
	}
}
