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
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// testCreateGet: a new proposal is pending, found by its id in any case,
// listed by Pending; a second one for the same change points to the
// first; a bad request and an unknown id are refused.
func testCreateGet(t *testing.T, f Factory) {
	e := open(t, f, 1)
	p := e.create(suspendUser(1))
	if p.State != intents.StatePending || !p.Created.Equal(t0) || !p.Expires.Equal(t0.Add(time.Hour)) || !strings.HasPrefix(p.ID, "p-") {
		t.Fatalf("Create() = %+v, want pending p-… created at t0, expiring an hour later", p)
	}
	got, err := e.s().Get(" " + strings.ToLower(p.ID) + " ")
	if err != nil || got.ID != p.ID || got.Preview.Summary != p.Preview.Summary {
		t.Fatalf("Get(%q) = %+v, %v; want %s", strings.ToLower(p.ID), got, err, p.ID)
	}
	dup, err := e.s().Create(suspendUser(1))
	if !errors.Is(err, intents.ErrAlreadyPending) || dup.ID != p.ID {
		t.Fatalf("Create(same change) = %s, %v; want %s and ErrAlreadyPending", dup.ID, err, p.ID)
	}
	e.clock.Advance(time.Second) // Pending is oldest first
	other := e.create(suspendUser(2))
	pending, err := e.s().Pending()
	if err != nil || !slices.Equal(ids(pending), []string{p.ID, other.ID}) {
		t.Fatalf("Pending() = %v, %v; want [%s %s]", ids(pending), err, p.ID, other.ID)
	}
	bad := suspendUser(3)
	bad.Requester = " "
	if _, err := e.s().Create(bad); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("Create(no requester) = %v, want ErrInvalid", err)
	}
	if _, err := e.s().Get("p-NOSUCH"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("Get(p-NOSUCH) = %v, want ErrNotFound", err)
	}
	if got := e.events(p.ID); !slices.Equal(got, []string{approvals.EventRequested}) {
		t.Errorf("History(%s) = %v, want [requested]", p.ID, got)
	}
}

// testDecide: approve and reject move a pending proposal once; a second
// decision is refused as decided.
func testDecide(t *testing.T, f Factory) {
	e := open(t, f, 1)
	a := e.create(suspendUser(1))
	got, err := e.s().Decide(approve(a.ID, approver), policy())
	if err != nil || got.State != intents.StateApproved || got.DecidedBy != approver {
		t.Fatalf("Decide(approve) = %s by %s, %v; want approved by %s", got.State, got.DecidedBy, err, approver)
	}
	approved, err := e.s().Approved()
	if err != nil || !slices.Equal(ids(approved), []string{a.ID}) {
		t.Errorf("Approved() = %v, %v; want [%s]", ids(approved), err, a.ID)
	}
	if _, err := e.s().Decide(approvals.Decision{ProposalID: a.ID, By: approver, Channel: channel}, policy()); !errors.Is(err, intents.ErrDecided) {
		t.Errorf("Decide(reject after approve) = %v, want ErrDecided", err)
	}
	e.state(a.ID, intents.StateApproved)

	r := e.create(suspendUser(2))
	got, err = e.s().Decide(approvals.Decision{ProposalID: r.ID, By: requester, Reason: "wrong user", Channel: channel}, approvals.Policy{})
	if err != nil || got.State != intents.StateRejected || got.Reason != "wrong user" {
		t.Fatalf("Decide(requester rejects) = %s %q, %v; want rejected, wrong user", got.State, got.Reason, err)
	}
	if want := []string{"requested", "approved", "refused"}; !slices.Equal(e.events(a.ID), want) {
		t.Errorf("History(%s) = %v, want %v", a.ID, e.events(a.ID), want)
	}
	if want := []string{"requested", "rejected"}; !slices.Equal(e.events(r.ID), want) {
		t.Errorf("History(%s) = %v, want %v", r.ID, e.events(r.ID), want)
	}
}

// testRefusals: each refused click leaves the proposal pending and writes
// a "refused" record.
func testRefusals(t *testing.T, f Factory) {
	tests := []struct {
		name    string
		p       intents.Proposal
		d       func(id string) approvals.Decision
		wantErr error
	}{
		{"self-approval", suspendUser(1), func(id string) approvals.Decision { return approve(id, requester) }, intents.ErrSelfApproval},
		{"not an approver", suspendUser(1), func(id string) approvals.Decision { return approve(id, outsider) }, intents.ErrNotApprover},
		{"outsider rejects", suspendUser(1), func(id string) approvals.Decision {
			return approvals.Decision{ProposalID: id, By: outsider, Channel: channel}
		}, intents.ErrNotApprover},
		{"another channel", suspendUser(1), func(id string) approvals.Decision {
			d := approve(id, approver)
			d.Channel = "C_EVIL"
			return d
		}, intents.ErrWrongChannel},
		{"protected", func() intents.Proposal {
			p := suspendUser(1)
			p.Preview.Action.User.Name = "breakglass@company.com"
			return p
		}(), func(id string) approvals.Decision { return approve(id, approver) }, intents.ErrProtected},
		{"unknown", suspendUser(1), func(string) approvals.Decision { return approve("p-NOSUCH", approver) }, intents.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := open(t, f, 1)
			p := e.create(tt.p)
			if _, err := e.s().Decide(tt.d(p.ID), policy()); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decide() = %v, want %v", err, tt.wantErr)
			}
			e.state(p.ID, intents.StatePending)
			want := []string{"requested", "refused"}
			if tt.wantErr == intents.ErrNotFound {
				want = want[:1]
			}
			if got := e.events(p.ID); !slices.Equal(got, want) {
				t.Errorf("History() = %v, want %v", got, want)
			}
		})
	}
}

// testExecuteOnce: an approved proposal runs once; a second Execute is
// refused as started; a pending one is refused as not approved; a failed
// action is recorded as failed.
func testExecuteOnce(t *testing.T, f Factory) {
	e := open(t, f, 1)
	var calls atomic.Int32
	p := e.create(suspendUser(1))
	if _, err := e.s().Execute(context.Background(), p.ID, succeed(&calls)); !errors.Is(err, approvals.ErrNotApproved) {
		t.Fatalf("Execute(pending) = %v, want ErrNotApproved", err)
	}
	e.approve(p.ID)
	got, err := e.s().Execute(context.Background(), p.ID, succeed(&calls))
	if err != nil || got.State != intents.StateExecuted || got.Outcome == nil || got.Outcome.RequestID != "req-1" {
		t.Fatalf("Execute() = %+v, %v; want executed with the outcome", got, err)
	}
	if _, err := e.s().Execute(context.Background(), p.ID, succeed(&calls)); !errors.Is(err, intents.ErrStarted) {
		t.Errorf("second Execute() = %v, want ErrStarted", err)
	}
	if _, err := e.s().Finish(p.ID, nil, errors.New("late")); !errors.Is(err, approvals.ErrNotExecuting) {
		t.Errorf("Finish(executed) = %v, want ErrNotExecuting", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the action ran %d times, want 1", n)
	}
	if want := []string{"requested", "approved", "executing", "executed"}; !slices.Equal(e.events(p.ID), want) {
		t.Errorf("History() = %v, want %v", e.events(p.ID), want)
	}

	q := e.create(suspendUser(2))
	e.approve(q.ID)
	boom := &intents.Error{Err: intents.ErrConflict, Detail: "already suspended", RequestID: "req-9"}
	got, err = e.s().Execute(context.Background(), q.ID, func(context.Context, intents.Preview) (intents.ActionOutcome, error) {
		return intents.ActionOutcome{}, boom
	})
	if err != nil || got.State != intents.StateFailed || got.Error == "" {
		t.Fatalf("Execute(failing) = %s %q, %v; want failed with the error", got.State, got.Error, err)
	}
	if h, _ := e.s().History(q.ID); len(h) == 0 || h[len(h)-1].RequestID != "req-9" {
		t.Errorf("the failed record does not carry the request id req-9: %+v", h)
	}
}

// testExpire: past its TTL a proposal leaves Pending, ExpireDue expires it
// once, and a click after that is refused as expired. A click on one past
// its time that no sweep has expired yet expires it.
func testExpire(t *testing.T, f Factory) {
	e := open(t, f, 1)
	p := e.create(suspendUser(1))
	q := e.create(suspendUser(2))
	e.clock.Advance(time.Hour)
	if pending, err := e.s().Pending(); err != nil || len(pending) != 0 {
		t.Fatalf("Pending() past the TTL = %v, %v; want none", ids(pending), err)
	}
	if _, err := e.s().Decide(approve(q.ID, approver), policy()); !errors.Is(err, intents.ErrExpired) {
		t.Fatalf("Decide(past its time) = %v, want ErrExpired", err)
	}
	e.state(q.ID, intents.StateExpired)
	if want := []string{"requested", "expired", "refused"}; !slices.Equal(e.events(q.ID), want) {
		t.Errorf("History(%s) = %v, want %v", q.ID, e.events(q.ID), want)
	}
	got, err := e.s().ExpireDue(e.clock.Now())
	if err != nil || !slices.Equal(ids(got), []string{p.ID}) {
		t.Fatalf("ExpireDue() = %v, %v; want [%s]", ids(got), err, p.ID)
	}
	e.state(p.ID, intents.StateExpired)
	if again, err := e.s().ExpireDue(e.clock.Now()); err != nil || len(again) != 0 {
		t.Errorf("second ExpireDue() = %v, %v; want none", ids(again), err)
	}
	if _, err := e.s().Decide(approve(p.ID, approver), policy()); !errors.Is(err, intents.ErrExpired) {
		t.Errorf("Decide(expired) = %v, want ErrExpired", err)
	}
	// The same change may be asked for again.
	if _, err := e.s().Create(suspendUser(1)); err != nil {
		t.Errorf("Create(the expired change again) = %v", err)
	}
}

// testWithdraw: a pending proposal is expired at once with the reason; a
// decided one is left as it is.
func testWithdraw(t *testing.T, f Factory) {
	e := open(t, f, 1)
	p := e.create(suspendUser(1))
	got, err := e.s().Withdraw(p.ID, "its message could not be posted")
	if err != nil || got.State != intents.StateExpired {
		t.Fatalf("Withdraw() = %s, %v; want expired", got.State, err)
	}
	if h, _ := e.s().History(p.ID); len(h) != 2 || h[1].Detail != "withdrawn: its message could not be posted" {
		t.Errorf("History() = %+v, want a withdrawn record", h)
	}
	if _, err := e.s().Withdraw(p.ID, "again"); !errors.Is(err, intents.ErrExpired) {
		t.Errorf("Withdraw(expired) = %v, want ErrExpired", err)
	}
	q := e.create(suspendUser(2))
	e.approve(q.ID)
	if _, err := e.s().Withdraw(q.ID, "late"); !errors.Is(err, intents.ErrDecided) {
		t.Errorf("Withdraw(approved) = %v, want ErrDecided", err)
	}
	e.state(q.ID, intents.StateApproved)
}

// testReoffer: an approved proposal never begun is offered again, its
// decision cleared; one approved after the cut-off is left alone.
func testReoffer(t *testing.T, f Factory) {
	e := open(t, f, 1)
	p := e.create(suspendUser(1))
	e.approve(p.ID)
	e.clock.Advance(time.Minute)
	cut := e.clock.Now()
	q := e.create(suspendUser(2))
	e.approve(q.ID)
	got, err := e.s().ReofferApproved(cut)
	if err != nil || !slices.Equal(ids(got), []string{p.ID}) {
		t.Fatalf("ReofferApproved() = %v, %v; want [%s]", ids(got), err, p.ID)
	}
	if r := e.state(p.ID, intents.StatePending); r.DecidedBy != "" {
		t.Errorf("reoffered proposal keeps DecidedBy %q", r.DecidedBy)
	}
	e.state(q.ID, intents.StateApproved)
	if want := []string{"requested", "approved", approvals.EventReoffered}; !slices.Equal(e.events(p.ID), want) {
		t.Errorf("History() = %v, want %v", e.events(p.ID), want)
	}
}

// testGroupMessage: proposals sharing a message know it and each other;
// with an unknown id none changes.
func testGroupMessage(t *testing.T, f Factory) {
	e := open(t, f, 1)
	a, b := e.create(suspendUser(1)), e.create(suspendUser(2))
	if err := e.s().SetGroupMessage([]string{a.ID, b.ID}, "C2", "1.5"); err != nil {
		t.Fatalf("SetGroupMessage() = %v", err)
	}
	for _, id := range []string{a.ID, b.ID} {
		p := e.state(id, intents.StatePending)
		if p.Channel != "C2" || p.MessageTS != "1.5" || !slices.Equal(p.Group, []string{a.ID, b.ID}) {
			t.Errorf("%s: channel %s ts %s group %v, want C2 1.5 [%s %s]", id, p.Channel, p.MessageTS, p.Group, a.ID, b.ID)
		}
	}
	if err := e.s().SetGroupMessage([]string{a.ID, "p-NOSUCH"}, "C3", "2.5"); !errors.Is(err, intents.ErrNotFound) {
		t.Fatalf("SetGroupMessage(unknown) = %v, want ErrNotFound", err)
	}
	if p := e.state(a.ID, intents.StatePending); p.Channel != "C2" {
		t.Errorf("a failed SetGroupMessage changed %s to channel %s", a.ID, p.Channel)
	}
}

// testAuditChain: after a life cycle every record chains from the one
// before, from Genesis, and Verify finds the chain intact.
func testAuditChain(t *testing.T, f Factory) {
	e := open(t, f, 1)
	var calls atomic.Int32
	p := e.create(suspendUser(1))
	if _, err := e.s().Decide(approve(p.ID, requester), policy()); err == nil {
		t.Fatal("self-approval was not refused")
	}
	e.approve(p.ID)
	if _, err := e.s().Execute(context.Background(), p.ID, succeed(&calls)); err != nil {
		t.Fatalf("Execute() = %v", err)
	}
	var recs []intents.AuditRecord
	if err := e.s().Audit(func(r intents.AuditRecord) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatalf("Audit() = %v", err)
	}
	prev := approvals.Genesis
	for i, r := range recs {
		if r.Seq != uint64(i+1) || r.PrevHash != prev || r.Hash == "" {
			t.Fatalf("record %d: seq %d prevHash %.12s hash %.12s; want seq %d chained from %.12s", i, r.Seq, r.PrevHash, r.Hash, i+1, prev)
		}
		prev = r.Hash
	}
	e.intact(5)
	rep, _ := e.s().Verify()
	if rep.Head != prev {
		t.Errorf("Verify().Head = %.12s, want the last record's hash %.12s", rep.Head, prev)
	}
}

// testConcurrentClicks: 50 approvers click Approve at once, spread over
// the handles (processes), and each then executes: the action runs
// exactly once, one decision and one execution succeed, and every handle
// sees the same final state.
func testConcurrentClicks(t *testing.T, f Factory) {
	const n = 50
	e := open(t, f, 2)
	id := e.create(suspendUser(1)).ID
	pol := approvals.Policy{IsApprover: func(string) bool { return true }, HasScope: func(string) bool { return true }}
	var (
		calls           atomic.Int32
		start           = make(chan struct{})
		wg              sync.WaitGroup
		decideErr, exec = make([]error, n), make([]error, n)
		final           = make([]intents.State, n)
	)
	for i := range n {
		s := e.stores[i%len(e.stores)]
		wg.Go(func() {
			<-start
			_, decideErr[i] = s.Decide(approve(id, fmt.Sprintf("U%02d", i)), pol)
			_, exec[i] = s.Execute(context.Background(), id, succeed(&calls))
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		p, err := e.stores[i%len(e.stores)].Get(id)
		if err != nil {
			t.Fatalf("Get() = %v", err)
		}
		final[i] = p.State
	}
	var decided, ran int
	for i := range n {
		switch {
		case decideErr[i] == nil:
			decided++
		case !errors.Is(decideErr[i], intents.ErrDecided):
			t.Errorf("caller %d: Decide() = %v, want nil or ErrDecided", i, decideErr[i])
		}
		switch {
		case exec[i] == nil:
			ran++
		case !errors.Is(exec[i], intents.ErrStarted):
			t.Errorf("caller %d: Execute() = %v, want nil or ErrStarted", i, exec[i])
		}
		if final[i] != intents.StateExecuted {
			t.Errorf("caller %d sees %s, want executed", i, final[i])
		}
	}
	if got := calls.Load(); got != 1 || decided != 1 || ran != 1 {
		t.Fatalf("the action ran %d times; %d decisions and %d executions succeeded; want exactly 1 each", got, decided, ran)
	}
	events := e.events(id)
	for event, want := range map[string]int{"requested": 1, "approved": 1, "refused": n - 1, "executing": 1, "executed": 1} {
		if got := count(events, event); got != want {
			t.Errorf("History() has %d %q records, want %d", got, event, want)
		}
	}
	e.intact(uint64(n + 3))
}

// testConcurrentAppends: many proposals created and decided at once from
// every handle leave one unbroken chain holding every record.
func testConcurrentAppends(t *testing.T, f Factory) {
	const n = 20
	e := open(t, f, 2)
	var wg sync.WaitGroup
	for i := range n {
		s := e.stores[i%len(e.stores)]
		wg.Go(func() {
			p, err := s.Create(suspendUser(i))
			if err != nil {
				t.Errorf("Create(%d) = %v", i, err)
				return
			}
			if _, err := s.Decide(approve(p.ID, approver), policy()); err != nil {
				t.Errorf("Decide(%s) = %v", p.ID, err)
			}
		})
	}
	wg.Wait()
	e.intact(2 * n)
}

// testConcurrentExpiry: two sweepers (replicas) expiring at once expire
// each proposal once between them.
func testConcurrentExpiry(t *testing.T, f Factory) {
	const n = 10
	e := open(t, f, 2)
	for i := range n {
		e.create(suspendUser(i))
	}
	e.clock.Advance(time.Hour)
	var (
		wg  sync.WaitGroup
		got = make([][]intents.Proposal, len(e.stores))
	)
	for i, s := range e.stores {
		wg.Go(func() {
			var err error
			if got[i], err = s.ExpireDue(e.clock.Now()); err != nil {
				t.Errorf("store %d: ExpireDue() = %v", i, err)
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, ps := range got {
		for _, p := range ps {
			seen[p.ID]++
		}
	}
	if len(seen) != n {
		t.Errorf("the sweepers expired %d proposals, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s was expired %d times, want once", id, k)
		}
		if events := e.events(id); count(events, approvals.EventExpired) != 1 {
			t.Errorf("History(%s) = %v, want one expired record", id, events)
		}
	}
	e.intact(2 * n)
}

func ids(ps []intents.Proposal) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
