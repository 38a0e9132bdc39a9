package approvals

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Step-up: an approval that must be confirmed in the approver's Okta
// Verify (intents.ApprovalPolicy.StepUp, recorded as Proposal.StepUp when
// it is approved) runs only after Okta said SUCCESS:
//
//	approved → verifying   BeginVerify: the gate for the push; of any
//	                       number of callers exactly one passes and sends it
//	verifying → verifying  PushSent: records Okta's transaction
//	verifying → executing  EndVerify with SUCCESS for that transaction;
//	                       the caller then runs the action (ExecuteVerified)
//	verifying → pending    EndVerify with anything else (REJECTED, TIMEOUT,
//	                       no push factor, an error): nothing ran, an
//	                       approver may approve again; expired instead
//	                       when its time is up or the same change waits
//	verifying → pending    at start-up: the wait was interrupted (bbolt
//	                       Open, etcd Recover); the same, audited
//
// A step-up proposal never begins executing from approved: BeginExecute
// refuses it with ErrNotVerified.

// Audit events of the step-up.
const (
	// EventVerifying: the approver's push is about to be sent; Approver
	// is who approved.
	EventVerifying = "verifying"
	// EventPushSent: Okta took the push; Detail names its transaction.
	EventPushSent = "push-sent"
	// EventVerified: Okta said SUCCESS; executing follows.
	EventVerified = "verified"
	// EventNotVerified: the approval was not confirmed (Result: Okta's
	// REJECTED or TIMEOUT, or "no answer"); nothing ran.
	EventNotVerified = "not-verified"
)

// Step-up gate errors, carried by a *StateError.
var (
	// ErrNotVerified is BeginExecute on an approved proposal that must
	// first be confirmed in Okta Verify.
	ErrNotVerified = errors.New("not confirmed in Okta Verify")
	// ErrNotVerifying is PushSent or EndVerify on a proposal that is not
	// verifying (or verifying another push).
	ErrNotVerifying = errors.New("not verifying")
)

// ApplyBeginVerify is the step-up gate's edge approved → verifying, by
// the approver who approved p. Refused, with a *StateError: a proposal
// that does not step up, or is not approved (ErrNotApproved, or
// intents.ErrStarted when verifying or past it), or approved by another.
func ApplyBeginVerify(p *intents.Proposal, by string, now time.Time) (intents.AuditRecord, error) {
	switch {
	case p.State == intents.StatePending || p.State == intents.StateRejected || p.State == intents.StateExpired:
		return intents.AuditRecord{}, stateError(ErrNotApproved, *p)
	case p.State != intents.StateApproved:
		return intents.AuditRecord{}, stateError(intents.ErrStarted, *p)
	case !p.StepUp:
		return intents.AuditRecord{}, fmt.Errorf("%w: proposal %s does not step up", intents.ErrInvalid, p.ID)
	case by != p.DecidedBy:
		return intents.AuditRecord{}, stateError(intents.ErrDecided, *p)
	}
	p.State, p.Updated, p.Verify = intents.StateVerifying, now, &intents.PushTxn{}
	rec := record(*p, EventVerifying, now)
	rec.Approver = by
	rec.Detail = "asking " + by + " to confirm the approval in Okta Verify"
	return rec, nil
}

// ApplyPushSent records the transaction of the push sent for verifying
// p; a proposal not verifying, or whose push is recorded already, is
// refused with a *StateError wrapping ErrNotVerifying.
func ApplyPushSent(p *intents.Proposal, txn intents.PushTxn, now time.Time) (intents.AuditRecord, error) {
	if p.State != intents.StateVerifying || p.Verify == nil || p.Verify.ID != "" || txn.ID == "" {
		return intents.AuditRecord{}, stateError(ErrNotVerifying, *p)
	}
	t := txn
	p.Verify, p.Updated = &t, now
	rec := record(*p, EventPushSent, now)
	rec.Approver = p.DecidedBy
	rec.Detail = "Okta Verify push sent, transaction " + txn.ID
	return rec, nil
}

// ApplyEndVerify ends p's verification with Okta's outcome (cause: why
// there is no final result, e.g. no push factor or Okta unavailable).
// Confirmed (SUCCESS for p's transaction): p moves to executing, with a
// "verified" and an "executing" record, and the caller runs the action.
// Otherwise p goes back to pending, its decision cleared, with a
// "not-verified" record naming the transaction and result; to expired
// when its time is up or same (not nil) is another pending proposal for
// the same change. A proposal not verifying this transaction is refused
// with a *StateError wrapping ErrNotVerifying.
func ApplyEndVerify(p *intents.Proposal, out intents.PushOutcome, cause error, same *intents.Proposal, now time.Time) ([]intents.AuditRecord, error) {
	if p.State != intents.StateVerifying || p.Verify == nil || out.TxnID != p.Verify.ID {
		return nil, stateError(ErrNotVerifying, *p)
	}
	txn, approver := orNone(p.Verify.ID), p.DecidedBy
	if cause == nil && out.Confirmed() {
		p.State, p.Updated = intents.StateExecuting, now
		v := record(*p, EventVerified, now)
		v.Approver, v.Result = approver, string(out.Result)
		v.Detail = "confirmed in Okta Verify, transaction " + txn
		x := record(*p, EventExecuting, now)
		x.Approver = approver
		return []intents.AuditRecord{v, x}, nil
	}
	result := string(out.Result)
	if result == "" {
		result = "no answer"
	}
	what := "not confirmed in Okta Verify (transaction " + txn + ": " + result + ")"
	if cause != nil {
		what += ": " + cause.Error()
	}
	rec := back(p, same, now, what)
	if rec.Event == EventReoffered {
		rec.Event = EventNotVerified
	}
	rec.Result = result
	return []intents.AuditRecord{rec}, nil
}

// ApplyInterrupted moves p, found verifying at start-up, back to pending
// (or expired; see ApplyEndVerify): the wait for the approver's push
// ended with oktabot, and nothing ran.
func ApplyInterrupted(p *intents.Proposal, same *intents.Proposal, now time.Time) intents.AuditRecord {
	txn := "(none sent)"
	if p.Verify != nil && p.Verify.ID != "" {
		txn = p.Verify.ID
	}
	rec := back(p, same, now, "the Okta Verify verification (transaction "+txn+") was interrupted: oktabot stopped while it waited")
	if rec.Event == EventReoffered {
		rec.Event = EventNotVerified
	}
	rec.Result = "interrupted"
	return rec
}

// back moves p, approved or verifying and never begun, back to pending
// (its decision and step-up cleared) or to expired, with a record whose
// Detail starts with what happened; see ApplyReoffer.
func back(p *intents.Proposal, same *intents.Proposal, now time.Time, what string) intents.AuditRecord {
	approver := p.DecidedBy
	p.Updated, p.Verify, p.StepUp = now, nil, false
	var rec intents.AuditRecord
	switch {
	case expired(*p, now):
		p.State = intents.StateExpired
		rec = record(*p, EventExpired, now)
		rec.Detail = what + "; expired, its time being up (" + p.Expires.Format(time.RFC3339) + "); nothing was changed"
	case same != nil:
		p.State = intents.StateExpired
		rec = record(*p, EventExpired, now)
		rec.Detail = what + "; expired: " + same.ID + " makes the same change and is waiting; nothing was changed"
	default:
		p.State = intents.StatePending
		p.DecidedBy, p.DecidedAt = "", time.Time{}
		rec = record(*p, EventReoffered, now)
		rec.Detail = what + "; nothing was changed, it waits for an approver again"
	}
	rec.Approver = approver
	return rec
}

// BeginVerifyIn is Store.BeginVerify on any store.
func BeginVerifyIn(update Updater, now func() time.Time, id, by string) (intents.Proposal, error) {
	return Transition(update, now, "begin verify", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		return ApplyBeginVerify(p, by, now)
	})
}

// PushSentIn is Store.PushSent on any store.
func PushSentIn(update Updater, now func() time.Time, id string, txn intents.PushTxn) (intents.Proposal, error) {
	return Transition(update, now, "record push", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		return ApplyPushSent(p, txn, now)
	})
}

// EndVerifyIn is Store.EndVerify on any store: one transaction that
// loads the proposal, looks for a pending one making the same change and
// applies ApplyEndVerify.
func EndVerifyIn(update Updater, now func() time.Time, id string, out intents.PushOutcome, cause error) (intents.Proposal, error) {
	id = CanonicalID(id)
	var p intents.Proposal
	err := update(func(t Tx) error {
		var err error
		if p, err = t.Load(id); err != nil {
			return err
		}
		prev, at := p.State, now()
		var other *intents.Proposal
		if !out.Confirmed() || cause != nil {
			if other, err = OtherPendingSame(t, p, at); err != nil {
				return err
			}
		}
		recs, err := ApplyEndVerify(&p, out, cause, other, at)
		if err != nil {
			return err
		}
		return Commit(t, &p, prev, recs...)
	})
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: end verify %s: %w", id, err)
	}
	return p, nil
}

// InterruptIn moves the verifying proposal loaded in t back (see
// ApplyInterrupted) and commits it.
func InterruptIn(t Tx, p *intents.Proposal, now time.Time) error {
	other, err := OtherPendingSame(t, *p, now)
	if err != nil {
		return err
	}
	prev := p.State
	return Commit(t, p, prev, ApplyInterrupted(p, other, now))
}

// OtherPendingSame is the pending proposal, other than p, that makes
// the change p makes (nil: none), as ApplyReoffer and ApplyEndVerify take
// it.
func OtherPendingSame(t Tx, p intents.Proposal, now time.Time) (*intents.Proposal, error) {
	same, dup, err := t.PendingSame(p.Preview.Action, now)
	if err != nil || !dup || same.ID == p.ID {
		return nil, err
	}
	return &same, nil
}

// StepUpGate is the step-up edges of a store, with its execution gate.
type StepUpGate interface {
	EndVerify(id string, out intents.PushOutcome, cause error) (intents.Proposal, error)
	Finish(id string, out *intents.ActionOutcome, execErr error) (intents.Proposal, error)
}

// BeginVerify moves approved step-up proposal id to verifying for its
// approver by (ApplyBeginVerify): of any number of concurrent callers
// exactly one passes, and only it sends the push.
func (s *Store) BeginVerify(id, by string) (intents.Proposal, error) {
	return BeginVerifyIn(s.updater, s.now, id, by)
}

// PushSent records the transaction of the push sent for verifying
// proposal id (ApplyPushSent).
func (s *Store) PushSent(id string, txn intents.PushTxn) (intents.Proposal, error) {
	return PushSentIn(s.updater, s.now, id, txn)
}

// EndVerify ends the verification of proposal id (ApplyEndVerify):
// executing when out confirms it, back to pending otherwise.
func (s *Store) EndVerify(id string, out intents.PushOutcome, cause error) (intents.Proposal, error) {
	return EndVerifyIn(s.updater, s.now, id, out, cause)
}

// ExecuteVerified ends proposal id's verification with out (see
// EndVerify) and, when that confirmed it, runs act with the approved
// Preview and records the result (Finish). It returns the proposal as it
// now stands: pending or expired when out did not confirm it. Only the
// caller whose EndVerify moved it to executing calls act.
func ExecuteVerified(ctx context.Context, g StepUpGate, id string, out intents.PushOutcome, cause error, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	p, err := g.EndVerify(id, out, cause)
	if err != nil || p.State != intents.StateExecuting {
		return p, err
	}
	return run(ctx, g.Finish, p, act)
}

// ExecuteVerified ends proposal id's verification with out and cause
// and, when that confirmed it, runs act exactly once (see the function
// ExecuteVerified).
func (s *Store) ExecuteVerified(ctx context.Context, id string, out intents.PushOutcome, cause error, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	return ExecuteVerified(ctx, s, id, out, cause, act)
}
