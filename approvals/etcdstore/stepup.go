package etcdstore

import (
	"context"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Step-up (approvals/stepup.go): the edges approved → verifying →
// executing or back to pending, each one Txn that compares the
// proposal's mod revision, so that of any number of callers, in any
// number of processes, one sends the approver's push. A proposal left
// verifying by a replica that is gone is offered again by the leader's
// recovery (Recover, RecoverGone).

// PendingSame makes a txn the approvals.Tx of the shared step-up edges.
func (t *txn) PendingSame(a intents.Action, now time.Time) (intents.Proposal, bool, error) {
	return t.pendingSame(a, now)
}

// BeginVerify moves an approved step-up proposal to verifying for its
// approver (approvals.ApplyBeginVerify): the gate for the push.
// With Options.Replica the same Txn records this process as the one
// waiting (its liveness lease): RecoverGone offers the proposal again
// once that lease is gone.
func (s *Store) BeginVerify(id, by string) (intents.Proposal, error) {
	if s.replica == nil {
		return approvals.BeginVerifyIn(s.updater, s.now, id, by)
	}
	return s.onReplica(s.replica, id, "begin verify", func(update approvals.Updater) (intents.Proposal, error) {
		return approvals.BeginVerifyIn(update, s.now, id, by)
	})
}

// PushSent records the transaction of a verifying proposal's push
// (approvals.ApplyPushSent).
func (s *Store) PushSent(id string, txn intents.PushTxn) (intents.Proposal, error) {
	return approvals.PushSentIn(s.updater, s.now, id, txn)
}

// EndVerify ends a proposal's verification (approvals.ApplyEndVerify).
// Confirmed, with Options.Replica, the proposal records this process as
// its executor, as BeginExecute does.
func (s *Store) EndVerify(id string, out intents.PushOutcome, cause error) (intents.Proposal, error) {
	if s.replica == nil {
		return approvals.EndVerifyIn(s.updater, s.now, id, out, cause)
	}
	return s.onReplica(s.replica, id, "end verify", func(update approvals.Updater) (intents.Proposal, error) {
		return approvals.EndVerifyIn(update, s.now, id, out, cause)
	})
}

// ExecuteVerified ends a proposal's verification and, when that confirmed
// it, runs act exactly once (approvals.ExecuteVerified).
func (s *Store) ExecuteVerified(ctx context.Context, id string, out intents.PushOutcome, cause error, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	return approvals.ExecuteVerified(ctx, s, id, out, cause, act)
}
