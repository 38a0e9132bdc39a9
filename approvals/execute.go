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
	return s.transition("begin", id, ApplyBegin)
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
		return ApplyFinish(p, out, execErr, now)
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
	return ExecuteOnce(ctx, s, id, act)
}
