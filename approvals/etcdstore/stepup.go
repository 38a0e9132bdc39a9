package etcdstore

import (
	"context"
	"fmt"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Step-up (approvals/stepup.go): the edges approved → verifying →
// executing or back to pending, each one Txn that compares the
// proposal's mod revision, so that of any number of callers, in any
// number of processes, one sends the approver's push.

// PendingSame makes a txn the approvals.Tx of the shared step-up edges.
func (t *txn) PendingSame(a intents.Action, now time.Time) (intents.Proposal, bool, error) {
	return t.pendingSame(a, now)
}

// BeginVerify moves an approved step-up proposal to verifying for its
// approver (approvals.ApplyBeginVerify): the gate for the push.
func (s *Store) BeginVerify(id, by string) (intents.Proposal, error) {
	return approvals.BeginVerifyIn(s.updater, s.now, id, by)
}

// PushSent records the transaction of a verifying proposal's push
// (approvals.ApplyPushSent).
func (s *Store) PushSent(id string, txn intents.PushTxn) (intents.Proposal, error) {
	return approvals.PushSentIn(s.updater, s.now, id, txn)
}

// EndVerify ends a proposal's verification (approvals.ApplyEndVerify).
func (s *Store) EndVerify(id string, out intents.PushOutcome, cause error) (intents.Proposal, error) {
	return approvals.EndVerifyIn(s.updater, s.now, id, out, cause)
}

// interruptVerifying moves every verifying proposal back to pending (or
// expired), each in its own Txn with its audit record
// (approvals.ApplyInterrupted), and returns those it moved. Like Recover,
// it is for when no process can still be waiting for their pushes: at
// start-up with one replica, or when a term follows one whose lease
// lapsed.
func (s *Store) interruptVerifying() ([]intents.Proposal, error) {
	out, err := s.moveActive(intents.StateVerifying, func(t *txn, p *intents.Proposal) (intents.AuditRecord, bool, error) {
		if p.State != intents.StateVerifying {
			return intents.AuditRecord{}, false, nil
		}
		now := s.now()
		other, err := approvals.OtherPendingSame(t, *p, now)
		if err != nil {
			return intents.AuditRecord{}, false, err
		}
		return approvals.ApplyInterrupted(p, other, now), true, nil
	})
	if err != nil {
		return out, fmt.Errorf("approvals: interrupt verifying: %w", err)
	}
	return out, nil
}

// ExecuteVerified ends a proposal's verification and, when that confirmed
// it, runs act exactly once (approvals.ExecuteVerified).
func (s *Store) ExecuteVerified(ctx context.Context, id string, out intents.PushOutcome, cause error, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	return approvals.ExecuteVerified(ctx, s, id, out, cause, act)
}
