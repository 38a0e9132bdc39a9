package approvals

import (
	"context"
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// BeginExecute moves an approved proposal to executing and returns it: the
// caller, and only the caller, then runs the action and reports with
// Finish. It is the exactly-once gate: of any number of concurrent calls for
// one proposal exactly one succeeds; the others get a *StateError with
// ErrStarted (already begun) or ErrNotApproved (never approved).
func (s *Store) BeginExecute(id string) (intents.Proposal, error) {
	return s.transition("begin", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		switch p.State {
		case intents.StateApproved:
		case intents.StatePending, intents.StateRejected, intents.StateExpired:
			return intents.AuditRecord{}, stateError(ErrNotApproved, *p)
		default:
			return intents.AuditRecord{}, stateError(intents.ErrStarted, *p)
		}
		p.State, p.Updated = intents.StateExecuting, now
		rec := record(*p, EventExecuting, now)
		rec.Approver = p.DecidedBy
		return rec, nil
	})
}

// Finish records how an executing proposal's action ended: with execErr
// nil it becomes executed with out as its Outcome; otherwise failed, with
// execErr's text as Error (and out, if any, kept). The audit record carries
// the outcome's summary, Okta request id and before/after, or the error and
// its request id. Finish on a proposal that is not executing returns a
// *StateError with ErrNotExecuting and changes nothing.
func (s *Store) Finish(id string, out *intents.ActionOutcome, execErr error) (intents.Proposal, error) {
	if out == nil && execErr == nil {
		return intents.Proposal{}, fmt.Errorf("approvals: finish %s: %w", canonicalID(id), intents.Invalidf("neither an outcome nor an error"))
	}
	return s.transition("finish", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		if p.State != intents.StateExecuting {
			return intents.AuditRecord{}, stateError(ErrNotExecuting, *p)
		}
		p.Updated = now
		if out != nil {
			o := *out
			p.Outcome = &o
		}
		var rec intents.AuditRecord
		if execErr == nil {
			p.State = intents.StateExecuted
			rec = record(*p, EventExecuted, now)
			rec.Result = out.Summary
		} else {
			p.State = intents.StateFailed
			p.Error = execErr.Error()
			rec = record(*p, EventFailed, now)
			rec.Result = "failed"
			rec.Detail = p.Error
			if e, ok := intents.AsError(execErr); ok {
				rec.RequestID = e.RequestID
			}
		}
		rec.Approver = p.DecidedBy
		if out != nil {
			rec.Before, rec.After = out.Before, out.After
			if out.RequestID != "" {
				rec.RequestID = out.RequestID
			}
			if out.Created != nil {
				rec.Detail = joinDetail(rec.Detail, "created "+refName(*out.Created))
			}
		}
		return rec, nil
	})
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Execute runs an approved proposal's action exactly once: it passes the
// gate (BeginExecute), calls act with the approved Preview, and records the
// result (Finish). Of any number of concurrent callers for one proposal
// only one calls act; the others get BeginExecute's *StateError. If the
// result cannot be recorded (a full disk) the proposal stays executing and
// becomes unknown at the next Open: it is never run again by itself.
func (s *Store) Execute(ctx context.Context, id string, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	p, err := s.BeginExecute(id)
	if err != nil {
		return p, err
	}
	out, actErr := act(ctx, p.Preview)
	var outp *intents.ActionOutcome
	if actErr == nil {
		outp = &out
	}
	return s.Finish(p.ID, outp, actErr)
}
