package approvals_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// TestDecideRefusals checks each policy refusal: its sentinel, the
// proposal left as it was, and the "refused" record naming the clicker.
func TestDecideRefusals(t *testing.T) {
	tests := []struct {
		name     string
		proposal func(*intents.Proposal)
		before   func(ts *TestStore, id string) // after Create
		decision func(id string) approvals.Decision
		policy   func(*approvals.Policy)
		wantErr  error
		detail   string // in the refused record's Detail
	}{
		{
			name:     "not an approver",
			decision: func(id string) approvals.Decision { return approve(id, outsider) },
			wantErr:  intents.ErrNotApprover,
			detail:   outsider,
		},
		{
			name:     "no approver configured",
			decision: func(id string) approvals.Decision { return approve(id, approver) },
			policy:   func(p *approvals.Policy) { p.IsApprover = nil },
			wantErr:  intents.ErrNotApprover,
		},
		{
			name:     "outsider rejects",
			decision: func(id string) approvals.Decision { return reject(id, outsider, "meh") },
			wantErr:  intents.ErrNotApprover,
		},
		{
			name:     "requester approves own",
			decision: func(id string) approvals.Decision { return approve(id, requester) },
			wantErr:  intents.ErrSelfApproval,
		},
		{
			name:     "protected target",
			proposal: func(p *intents.Proposal) { p.Preview.Action.User.Name = "breakglass@company.com" },
			decision: func(id string) approvals.Decision { return approve(id, approver) },
			wantErr:  intents.ErrProtected,
			detail:   "break-glass account breakglass@company.com",
		},
		{
			name:     "scope not granted at preview",
			proposal: func(p *intents.Proposal) { p.Preview.Granted = false },
			decision: func(id string) approvals.Decision { return approve(id, approver) },
			wantErr:  intents.ErrScopeMissing,
			detail:   "okta.users.manage",
		},
		{
			name:     "scope no longer held",
			decision: func(id string) approvals.Decision { return approve(id, approver) },
			policy:   func(p *approvals.Policy) { p.HasScope = func(string) bool { return false } },
			wantErr:  intents.ErrScopeMissing,
		},
		{
			name: "button from another channel",
			decision: func(id string) approvals.Decision {
				d := approve(id, approver)
				d.Channel = "C_EVIL"
				return d
			},
			wantErr: intents.ErrWrongChannel,
			detail:  "C_EVIL",
		},
		{
			name:     "button when the proposal has no channel",
			proposal: func(p *intents.Proposal) { p.Channel = "" },
			decision: func(id string) approvals.Decision { return approve(id, approver) },
			wantErr:  intents.ErrWrongChannel,
		},
		{
			name: "message moved to another channel",
			before: func(ts *TestStore, id string) {
				if err := ts.SetMessage(id, "C_APPROVALS", "1.2"); err != nil {
					ts.t.Fatalf("SetMessage() = %v", err)
				}
			},
			decision: func(id string) approvals.Decision { return approve(id, approver) },
			wantErr:  intents.ErrWrongChannel,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := MustOpen(t)
			p := suspendJohn()
			if tt.proposal != nil {
				tt.proposal(&p)
			}
			p = ts.MustCreate(p)
			if tt.before != nil {
				tt.before(ts, p.ID)
			}
			want, err := ts.Get(p.ID)
			if err != nil {
				t.Fatalf("Get() = %v", err)
			}
			pol := policy()
			if tt.policy != nil {
				tt.policy(&pol)
			}
			d := tt.decision(p.ID)
			got, err := ts.Decide(d, pol)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decide(%+v) = %v, want %v", d, err, tt.wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decide() returned a changed proposal (-before +after):\n%s", diff)
			}
			stored, err := ts.Get(p.ID)
			if err != nil {
				t.Fatalf("Get() = %v", err)
			}
			if diff := cmp.Diff(want, stored); diff != "" {
				t.Errorf("Decide() changed the stored proposal (-before +after):\n%s", diff)
			}
			h, err := ts.History(p.ID)
			if err != nil {
				t.Fatalf("History() = %v", err)
			}
			last := h[len(h)-1]
			if last.Event != approvals.EventRefused || last.Approver != d.By || !strings.Contains(last.Detail, tt.wantErr.Error()) || !strings.Contains(last.Detail, tt.detail) {
				t.Errorf("last audit record = %+v, want refused by %s with %q and %q", last, d.By, tt.wantErr, tt.detail)
			}
			if n := count(ts.Events(p.ID), approvals.EventRefused); n != 1 {
				t.Errorf("History() has %d refused records, want 1", n)
			}
			// The same proposal can still be approved properly (except
			// where the refusal is about the proposal itself).
			if tt.proposal == nil && tt.before == nil {
				if _, err := ts.Decide(approve(p.ID, approver), policy()); err != nil {
					t.Errorf("Decide(approve) after the refusal = %v", err)
				}
			}
		})
	}
}

func TestDecideAfterExpiry(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	ts.Clock.Advance(time.Hour) // exactly at Expires: expired
	got, err := ts.Decide(approve(p.ID, approver), policy())
	if !errors.Is(err, intents.ErrExpired) {
		t.Fatalf("Decide() after expiry = %v, want ErrExpired", err)
	}
	if got.State != intents.StateExpired || got.DecidedBy != "" {
		t.Errorf("Decide() after expiry returned {State: %s, DecidedBy: %q}, want expired, undecided", got.State, got.DecidedBy)
	}
	ts.MustState(p.ID, intents.StateExpired)
	if diff := cmp.Diff([]string{"requested", "expired", "refused"}, ts.Events(p.ID)); diff != "" {
		t.Errorf("History() events (-want +got):\n%s", diff)
	}
	if pending, err := ts.Pending(); err != nil || len(pending) != 0 {
		t.Errorf("Pending() = %d proposals, %v; want none", len(pending), err)
	}
	// A sweep afterwards finds nothing left to expire.
	if due, err := ts.ExpireDue(ts.Clock.Now()); err != nil || len(due) != 0 {
		t.Errorf("ExpireDue() = %d, %v; want none", len(due), err)
	}
}

func TestDecideTwice(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	ts.Clock.Advance(time.Minute)
	if _, err := ts.Decide(reject(p.ID, approver, "false positive"), policy()); err != nil {
		t.Fatalf("Decide(reject) = %v", err)
	}
	ts.Clock.Advance(time.Minute)
	got, err := ts.Decide(approve(p.ID, "U_SECOND"), approvals.Policy{IsApprover: func(string) bool { return true }})
	var se *intents.StateError
	if !errors.Is(err, intents.ErrDecided) || !errors.As(err, &se) {
		t.Fatalf("Decide(approve) on a rejected proposal = %v, want a *StateError with ErrDecided", err)
	}
	want := intents.StateError{Err: intents.ErrDecided, ID: p.ID, State: intents.StateRejected, By: approver, At: t0.Add(time.Minute)}
	if diff := cmp.Diff(want, *se, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("StateError (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "is rejected (decided by "+approver) {
		t.Errorf("error text %q does not say who decided", err)
	}
	if got.State != intents.StateRejected || got.Reason != "false positive" {
		t.Errorf("Decide() returned {State: %s, Reason: %q}, want rejected, \"false positive\"", got.State, got.Reason)
	}
}

func TestSelfApprovalWhenAllowed(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	pol := policy()
	pol.AllowSelfApproval = true
	got, err := ts.Decide(approve(p.ID, requester), pol)
	if err != nil {
		t.Fatalf("Decide(self-approve, allowed) = %v", err)
	}
	if got.State != intents.StateApproved || got.DecidedBy != requester {
		t.Errorf("Decide() = {State: %s, DecidedBy: %s}, want approved by %s", got.State, got.DecidedBy, requester)
	}
}

func TestRequesterWithdraws(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	pol := policy()
	pol.IsApprover = func(u string) bool { return u == approver } // the requester is not an approver
	got, err := ts.Decide(reject(p.ID, requester, "asked by mistake"), pol)
	if err != nil {
		t.Fatalf("Decide(requester rejects own) = %v", err)
	}
	if got.State != intents.StateRejected || got.Reason != "asked by mistake" {
		t.Errorf("Decide() = {State: %s, Reason: %q}, want rejected with the reason", got.State, got.Reason)
	}
}

func TestRejectNeedsNoScope(t *testing.T) {
	ts := MustOpen(t)
	p := suspendJohn()
	p.Preview.Granted = false
	p.Preview.Action.User.Name = "breakglass@company.com"
	p = ts.MustCreate(p)
	if _, err := ts.Decide(reject(p.ID, approver, "no"), policy()); err != nil {
		t.Fatalf("Decide(reject) of a protected, unscoped proposal = %v, want nil", err)
	}
	ts.MustState(p.ID, intents.StateRejected)
}

func TestDecideUnknownProposal(t *testing.T) {
	ts := MustOpen(t)
	_, err := ts.Decide(approve("p-ZZZZZZ", approver), policy())
	if !errors.Is(err, intents.ErrNotFound) {
		t.Fatalf("Decide(unknown id) = %v, want ErrNotFound", err)
	}
	if recs := ts.AllRecords(); len(recs) != 0 {
		t.Errorf("Decide(unknown id) wrote %d audit records, want 0", len(recs))
	}
}

func TestDecideFromCommandLine(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	d := approvals.Decision{ProposalID: p.ID, By: approver, Approve: true} // no channel
	if _, err := ts.Decide(d, policy()); err != nil {
		t.Fatalf("Decide(no channel) = %v", err)
	}
}
