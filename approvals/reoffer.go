package approvals

import (
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Two more edges of the state machine, for proposals nobody may be left
// to approve by accident:
//
//	approved → pending   (approved, never begun, found after a restart)
//	approved → expired   (the same, past its Expires)
//	pending → expired    (withdrawn: its message could not be posted)
//
// A proposal approved just before oktabot stopped, and never begun, would
// otherwise stay approved for ever: nothing runs it, and no button decides
// it again. ReofferApproved offers it again to the approvers (or expires
// it), each with its audit record. A proposal whose message never reached
// Slack is seen by nobody who could judge it, but is pending, so the
// command line could approve it: Withdraw expires it at once.

// EventReoffered is the audit event of an approved proposal moved back to
// pending; its Approver is who had approved it.
const EventReoffered = "reoffered"

// ReofferApproved moves every proposal that was approved before before
// and never began executing back to pending, with a "reoffered" audit
// record ("reoffered after a restart"), so that an approver decides it
// again; one past its Expires, or one whose change another pending
// proposal now makes, is expired instead, with an "expired" record saying
// why. It clears the decision (DecidedBy, DecidedAt) of those it
// re-offers, and returns every proposal it moved, as it now stands, in id
// order. All in one transaction.
//
// Call it at start-up with the time the process started, before, so that
// a proposal approved by this process and about to begin is left alone.
func (s *Store) ReofferApproved(before time.Time) ([]intents.Proposal, error) {
	var out []intents.Proposal
	err := s.update(func(t *txn) error {
		out = out[:0]
		now := s.now()
		var ids []string
		err := t.active.ForEach(func(k, v []byte) error {
			if intents.State(v) == intents.StateApproved {
				ids = append(ids, string(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			p, err := t.load(id)
			if err != nil {
				return err
			}
			if !p.DecidedAt.Before(before) {
				continue
			}
			if err := t.reoffer(&p, now); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: reoffer approved: %w", err)
	}
	return out, nil
}

// reoffer moves approved p back to pending, or to expired, with its audit
// record.
func (t *txn) reoffer(p *intents.Proposal, now time.Time) error {
	other, err := OtherPendingSame(t, *p, now)
	if err != nil {
		return err
	}
	return t.commit(p, intents.StateApproved, ApplyReoffer(p, other, now))
}

// Withdraw expires a pending proposal now, with why (e.g. "its message
// could not be posted") in its "expired" audit record, and returns it. A
// proposal that is not pending is left as it is: the error is a
// *StateError with ErrDecided (or ErrExpired).
func (s *Store) Withdraw(id, why string) (intents.Proposal, error) {
	return s.transition("withdraw", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		return ApplyWithdraw(p, why, now)
	})
}
