package approvals_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// reach creates a proposal and drives it to state, returning its id.
func reach(t *testing.T, ts *TestStore, state intents.State) string {
	t.Helper()
	id := ts.MustCreate(suspendJohn()).ID
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("reaching %s: %s(%s) = %v", state, name, id, err)
		}
	}
	switch state {
	case intents.StatePending:
		return id
	case intents.StateRejected:
		_, err := ts.Decide(reject(id, approver, "not needed"), policy())
		step("Decide(reject)", err)
		return id
	case intents.StateExpired:
		ts.Clock.Advance(2 * time.Hour)
		_, err := ts.ExpireDue(ts.Clock.Now())
		step("ExpireDue", err)
		return id
	}
	_, err := ts.Decide(approve(id, approver), policy())
	step("Decide(approve)", err)
	if state == intents.StateApproved {
		return id
	}
	_, err = ts.BeginExecute(id)
	step("BeginExecute", err)
	switch state {
	case intents.StateExecuted:
		_, err = ts.Finish(id, outcome(), nil)
		step("Finish(ok)", err)
	case intents.StateFailed:
		_, err = ts.Finish(id, nil, errors.New("okta: suspend 00u1: okta unavailable"))
		step("Finish(err)", err)
	case intents.StateUnknown:
		ts.Reopen()
	}
	return id
}

// op applies one operation to proposal id and returns its error.
type op func(ts *TestStore, id string) error

var ops = map[string]op{
	"approve": func(ts *TestStore, id string) error {
		_, err := ts.Decide(approve(id, approver), policy())
		return err
	},
	"reject": func(ts *TestStore, id string) error {
		_, err := ts.Decide(reject(id, approver, "false positive"), policy())
		return err
	},
	"begin": func(ts *TestStore, id string) error {
		_, err := ts.BeginExecute(id)
		return err
	},
	"finish-ok": func(ts *TestStore, id string) error {
		_, err := ts.Finish(id, outcome(), nil)
		return err
	},
	"finish-err": func(ts *TestStore, id string) error {
		_, err := ts.Finish(id, nil, errors.New("okta: suspend 00u1: conflict: already suspended"))
		return err
	},
	"expire-due": func(ts *TestStore, id string) error {
		ts.Clock.Advance(2 * time.Hour)
		_, err := ts.ExpireDue(ts.Clock.Now())
		return err
	},
}

// TestTransitions applies every operation to a proposal in every state:
// the legal ones move it and write their audit record; the illegal ones
// return their sentinel, leave the state alone and write only a "refused"
// record (decisions) or nothing (the execution gate).
func TestTransitions(t *testing.T) {
	const (
		pending   = intents.StatePending
		approved  = intents.StateApproved
		executing = intents.StateExecuting
		executed  = intents.StateExecuted
		failed    = intents.StateFailed
		rejected  = intents.StateRejected
		expired   = intents.StateExpired
		unknown   = intents.StateUnknown
	)
	tests := []struct {
		from      intents.State
		op        string
		wantState intents.State
		wantErr   error
		wantEvent string // the audit record appended, "" for none
	}{
		{pending, "approve", approved, nil, approvals.EventApproved},
		{pending, "reject", rejected, nil, approvals.EventRejected},
		{pending, "begin", pending, approvals.ErrNotApproved, ""},
		{pending, "finish-ok", pending, approvals.ErrNotExecuting, ""},
		{pending, "finish-err", pending, approvals.ErrNotExecuting, ""},
		{pending, "expire-due", expired, nil, approvals.EventExpired},

		{approved, "approve", approved, intents.ErrDecided, approvals.EventRefused},
		{approved, "reject", approved, intents.ErrDecided, approvals.EventRefused},
		{approved, "begin", executing, nil, approvals.EventExecuting},
		{approved, "finish-ok", approved, approvals.ErrNotExecuting, ""},
		{approved, "finish-err", approved, approvals.ErrNotExecuting, ""},
		{approved, "expire-due", approved, nil, ""},

		{executing, "approve", executing, intents.ErrDecided, approvals.EventRefused},
		{executing, "reject", executing, intents.ErrDecided, approvals.EventRefused},
		{executing, "begin", executing, intents.ErrStarted, ""},
		{executing, "finish-ok", executed, nil, approvals.EventExecuted},
		{executing, "finish-err", failed, nil, approvals.EventFailed},
		{executing, "expire-due", executing, nil, ""},

		{executed, "approve", executed, intents.ErrDecided, approvals.EventRefused},
		{executed, "reject", executed, intents.ErrDecided, approvals.EventRefused},
		{executed, "begin", executed, intents.ErrStarted, ""},
		{executed, "finish-ok", executed, approvals.ErrNotExecuting, ""},
		{executed, "finish-err", executed, approvals.ErrNotExecuting, ""},
		{executed, "expire-due", executed, nil, ""},

		{failed, "approve", failed, intents.ErrDecided, approvals.EventRefused},
		{failed, "reject", failed, intents.ErrDecided, approvals.EventRefused},
		{failed, "begin", failed, intents.ErrStarted, ""},
		{failed, "finish-ok", failed, approvals.ErrNotExecuting, ""},
		{failed, "finish-err", failed, approvals.ErrNotExecuting, ""},
		{failed, "expire-due", failed, nil, ""},

		{rejected, "approve", rejected, intents.ErrDecided, approvals.EventRefused},
		{rejected, "reject", rejected, intents.ErrDecided, approvals.EventRefused},
		{rejected, "begin", rejected, approvals.ErrNotApproved, ""},
		{rejected, "finish-ok", rejected, approvals.ErrNotExecuting, ""},
		{rejected, "finish-err", rejected, approvals.ErrNotExecuting, ""},
		{rejected, "expire-due", rejected, nil, ""},

		{expired, "approve", expired, intents.ErrExpired, approvals.EventRefused},
		{expired, "reject", expired, intents.ErrExpired, approvals.EventRefused},
		{expired, "begin", expired, approvals.ErrNotApproved, ""},
		{expired, "finish-ok", expired, approvals.ErrNotExecuting, ""},
		{expired, "finish-err", expired, approvals.ErrNotExecuting, ""},
		{expired, "expire-due", expired, nil, ""},

		{unknown, "approve", unknown, intents.ErrDecided, approvals.EventRefused},
		{unknown, "reject", unknown, intents.ErrDecided, approvals.EventRefused},
		{unknown, "begin", unknown, intents.ErrStarted, ""},
		{unknown, "finish-ok", unknown, approvals.ErrNotExecuting, ""},
		{unknown, "finish-err", unknown, approvals.ErrNotExecuting, ""},
		{unknown, "expire-due", unknown, nil, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"/"+tt.op, func(t *testing.T) {
			ts := MustOpen(t)
			id := reach(t, ts, tt.from)
			before := ts.Events(id)

			err := ops[tt.op](ts, id)
			if !errorIs(err, tt.wantErr) {
				t.Fatalf("%s on %s = %v, want %v", tt.op, tt.from, err, tt.wantErr)
			}
			var se *intents.StateError
			if tt.wantErr != nil && tt.wantErr != intents.ErrExpired && !errors.As(err, &se) {
				t.Errorf("%s on %s = %v, want a *StateError", tt.op, tt.from, err)
			}
			if se != nil && (se.ID != id || se.State != tt.from) {
				t.Errorf("%s on %s: StateError{ID: %s, State: %s}, want {%s, %s}", tt.op, tt.from, se.ID, se.State, id, tt.from)
			}
			ts.MustState(id, tt.wantState)

			var want []string
			if tt.wantEvent != "" {
				want = []string{tt.wantEvent}
			}
			if diff := cmp.Diff(want, ts.Events(id)[len(before):], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s on %s: audit records appended (-want +got):\n%s", tt.op, tt.from, diff)
			}
			// The state survives a reopen (executing becomes unknown).
			ts.Reopen()
			if tt.wantState != executing {
				ts.MustState(id, tt.wantState)
			}
		})
	}
}

// TestLifecycleAudit follows one proposal from request to result and checks
// every field of the proposal and of the audit records it wrote.
func TestLifecycleAudit(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	if len(p.ID) != 8 || p.ID[:2] != "p-" {
		t.Errorf("Create().ID = %q, want p- and 6 characters", p.ID)
	}
	want := suspendJohn()
	want.ID, want.State = p.ID, intents.StatePending
	want.Created, want.Expires, want.Updated = t0, t0.Add(time.Hour), t0
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Create() (-want +got):\n%s", diff)
	}

	ts.Clock.Advance(time.Minute)
	if err := ts.SetMessage(p.ID, channel, "1700000000.000100"); err != nil {
		t.Fatalf("SetMessage() = %v", err)
	}
	ts.Clock.Advance(time.Minute)
	got, err := ts.Decide(approve(p.ID, approver), policy())
	if err != nil {
		t.Fatalf("Decide(approve) = %v", err)
	}
	want.MessageTS = "1700000000.000100"
	want.State, want.DecidedBy, want.DecidedAt, want.Updated = intents.StateApproved, approver, t0.Add(2*time.Minute), t0.Add(2*time.Minute)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decide(approve) (-want +got):\n%s", diff)
	}

	ts.Clock.Advance(time.Second)
	if got, err = ts.BeginExecute(p.ID); err != nil {
		t.Fatalf("BeginExecute() = %v", err)
	}
	want.State, want.Updated = intents.StateExecuting, t0.Add(2*time.Minute+time.Second)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BeginExecute() (-want +got):\n%s", diff)
	}

	ts.Clock.Advance(time.Second)
	if got, err = ts.Finish(p.ID, outcome(), nil); err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	want.State, want.Updated, want.Outcome = intents.StateExecuted, t0.Add(2*time.Minute+2*time.Second), outcome()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Finish() (-want +got):\n%s", diff)
	}
	ts.Reopen()
	if got, err = ts.Get(p.ID); err != nil {
		t.Fatalf("Get() after reopen = %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get() after reopen (-want +got):\n%s", diff)
	}

	base := intents.AuditRecord{ProposalID: p.ID, Requester: requester, Action: intents.SuspendUser, Target: "user john@company.com (00u1)"}
	rec := func(seq uint64, at time.Time, event string, f func(*intents.AuditRecord)) intents.AuditRecord {
		r := base
		r.Seq, r.At, r.Event = seq, at, event
		f(&r)
		return r
	}
	wantAudit := []intents.AuditRecord{
		rec(1, t0, "requested", func(r *intents.AuditRecord) {
			r.Before, r.After, r.Detail = "ACTIVE", "SUSPENDED", "Suspend john@company.com; reason: tor login"
		}),
		rec(2, t0.Add(2*time.Minute), "approved", func(r *intents.AuditRecord) {
			r.Approver, r.Result, r.Via = approver, "in "+channel, intents.ViaSlack
		}),
		rec(3, t0.Add(2*time.Minute+time.Second), "executing", func(r *intents.AuditRecord) { r.Approver = approver }),
		rec(4, t0.Add(2*time.Minute+2*time.Second), "executed", func(r *intents.AuditRecord) {
			r.Approver, r.Result, r.RequestID, r.Before, r.After = approver, "Suspended john@company.com", "req-123", "ACTIVE", "SUSPENDED"
		}),
	}
	all := ts.AllRecords()
	if diff := cmp.Diff(wantAudit, all, ignoreChain); diff != "" {
		t.Errorf("Audit() (-want +got):\n%s", diff)
	}
	for i, r := range all {
		prev := approvals.Genesis
		if i > 0 {
			prev = all[i-1].Hash
		}
		if r.PrevHash != prev || len(r.Hash) != 64 {
			t.Errorf("record %d: PrevHash %q, Hash %q; want PrevHash %q (the record before's) and a SHA-256", r.Seq, r.PrevHash, r.Hash, prev)
		}
	}
	h, err := ts.History(p.ID)
	if err != nil {
		t.Fatalf("History() = %v", err)
	}
	if diff := cmp.Diff(all, h); diff != "" {
		t.Errorf("History() (-want +got):\n%s", diff)
	}
}

// TestFailedAudit checks the record of a failed execution: the error text
// and Okta's request id from an *intents.Error.
func TestFailedAudit(t *testing.T) {
	ts := MustOpen(t)
	id := reach(t, ts, intents.StateExecuting)
	execErr := &intents.Error{Err: intents.ErrConflict, Op: "okta: suspend 00u1", Detail: "user is already suspended", RequestID: "req-9"}
	p, err := ts.Finish(id, nil, execErr)
	if err != nil {
		t.Fatalf("Finish(err) = %v", err)
	}
	if p.State != intents.StateFailed || p.Error != execErr.Error() || p.Outcome != nil {
		t.Errorf("Finish(err) = {State: %s, Error: %q, Outcome: %v}, want failed with %q", p.State, p.Error, p.Outcome, execErr.Error())
	}
	h, err := ts.History(id)
	if err != nil {
		t.Fatalf("History() = %v", err)
	}
	last := h[len(h)-1]
	want := intents.AuditRecord{
		Seq: last.Seq, At: t0, ProposalID: id, Event: "failed", Requester: requester, Approver: approver,
		Action: intents.SuspendUser, Target: "user john@company.com (00u1)",
		Result: "failed", RequestID: "req-9", Detail: "okta: suspend 00u1: conflict: user is already suspended",
	}
	if diff := cmp.Diff(want, last, ignoreChain); diff != "" {
		t.Errorf("History() last record (-want +got):\n%s", diff)
	}
}

func TestFinishNeedsOutcomeOrError(t *testing.T) {
	ts := MustOpen(t)
	id := reach(t, ts, intents.StateExecuting)
	if _, err := ts.Finish(id, nil, nil); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("Finish(nil, nil) = %v, want ErrInvalid", err)
	}
	ts.MustState(id, intents.StateExecuting)
}

func TestCreateValidates(t *testing.T) {
	tests := []struct {
		name string
		edit func(*intents.Proposal)
	}{
		{"no requester", func(p *intents.Proposal) { p.Requester = " " }},
		{"a query kind", func(p *intents.Proposal) { p.Preview.Action.Kind = intents.ListUsers }},
		{"no kind", func(p *intents.Proposal) { p.Preview.Action.Kind = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := MustOpen(t)
			p := suspendJohn()
			tt.edit(&p)
			if _, err := ts.Create(p); !errors.Is(err, intents.ErrInvalid) {
				t.Errorf("Create(%s) = %v, want ErrInvalid", tt.name, err)
			}
			if recs := ts.AllRecords(); len(recs) != 0 {
				t.Errorf("Create(%s) wrote %d audit records, want 0", tt.name, len(recs))
			}
		})
	}
}

func TestCreateIgnoresStateFields(t *testing.T) {
	ts := MustOpen(t)
	p := suspendJohn()
	p.ID, p.State, p.DecidedBy, p.Error = "p-FORGED", intents.StateApproved, approver, "x"
	got := ts.MustCreate(p)
	if got.ID == "p-FORGED" || got.State != intents.StatePending || got.DecidedBy != "" || got.Error != "" {
		t.Errorf("Create(pre-approved) = {ID: %s, State: %s, DecidedBy: %q, Error: %q}, want a fresh pending proposal", got.ID, got.State, got.DecidedBy, got.Error)
	}
}

func TestGet(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	for _, id := range []string{p.ID, "P-" + p.ID[2:], "  p-" + toLower(p.ID[2:]) + " "} {
		got, err := ts.Get(id)
		if err != nil || got.ID != p.ID {
			t.Errorf("Get(%q) = %s, %v, want %s", id, got.ID, err, p.ID)
		}
	}
	for _, id := range []string{"p-NOPE99", "", "x"} {
		if _, err := ts.Get(id); !errors.Is(err, intents.ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if err := ts.SetMessage("p-NOPE99", channel, "1.2"); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("SetMessage(unknown) = %v, want ErrNotFound", err)
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestIDsAreDistinct(t *testing.T) {
	ts := MustOpen(t)
	seen := map[string]bool{}
	for i := range 200 {
		id := ts.MustCreate(suspendUser(i)).ID
		if seen[id] {
			t.Fatalf("Create() returned %s twice", id)
		}
		seen[id] = true
		for _, c := range id[2:] {
			if c == '0' || c == '1' || c == 'I' || c == 'O' {
				t.Fatalf("Create().ID = %s has a confusable %q", id, c)
			}
		}
	}
}

func TestApprovedLists(t *testing.T) {
	ts := MustOpen(t)
	a := reach(t, ts, intents.StateApproved)
	reach(t, ts, intents.StateExecuting)
	reach(t, ts, intents.StatePending)
	got, err := ts.Approved()
	if err != nil {
		t.Fatalf("Approved() = %v", err)
	}
	if len(got) != 1 || got[0].ID != a {
		t.Errorf("Approved() = %d proposals, want just %s", len(got), a)
	}
}

// TestFinishRecordsCreatedObject: an action that created an object names
// it in the audit record, and a failure keeps a partial outcome.
func TestFinishRecordsCreatedObject(t *testing.T) {
	ts := MustOpen(t)
	id := reach(t, ts, intents.StateExecuting)
	out := outcome()
	out.Created = &intents.Ref{Type: "group", ID: "00g9", Name: "Quarantine"}
	p, err := ts.Finish(id, out, errors.New("okta: add member: okta unavailable"))
	if err != nil {
		t.Fatalf("Finish(out, err) = %v", err)
	}
	if p.State != intents.StateFailed || p.Outcome == nil || p.Outcome.Created.ID != "00g9" {
		t.Errorf("Finish(out, err) = {State: %s, Outcome: %v}, want failed with the partial outcome", p.State, p.Outcome)
	}
	h, err := ts.History(id)
	if err != nil {
		t.Fatalf("History() = %v", err)
	}
	last := h[len(h)-1]
	if want := "okta: add member: okta unavailable; created group Quarantine (00g9)"; last.Detail != want || last.RequestID != "req-123" {
		t.Errorf("failed record = {Detail: %q, RequestID: %q}, want {%q, req-123}", last.Detail, last.RequestID, want)
	}
}
