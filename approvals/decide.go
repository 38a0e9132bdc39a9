package approvals

import (
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Decision is one click on a proposal's Approve or Reject button (or the
// command-line equivalent).
type Decision = intents.Decision

// Policy is who may decide what; see intents.ApprovalPolicy. Decide calls
// its functions inside its write transaction, which blocks every other
// write: they must answer from memory and must not call the Store.
type Policy = intents.ApprovalPolicy

// Decide approves or rejects a pending proposal in one transaction that
// re-checks, in this order: the proposal exists (else intents.ErrNotFound),
// the click came from its channel (ErrWrongChannel), it is pending
// (ErrDecided, or ErrExpired if it expired, both in a *StateError), it has
// not expired (ErrExpired; it is moved to expired in the same transaction),
// the clicker is an approver (ErrNotApprover), and, to approve, that they
// are not the requester (ErrSelfApproval), the target is not protected
// (ErrProtected) and the scope is granted (ErrScopeMissing).
//
// The requester may reject (withdraw) their own proposal without being an
// approver: rejecting never acts.
//
// The audit record says where the decision was made (Decision.Via, OSUser
// and Host; a click with a Channel and no Via is Slack's).
//
// A refusal writes a "refused" audit record and changes no proposal. On
// success and on a refusal alike Decide returns the proposal as it now
// stands, so that the caller can redraw its message.
func (s *Store) Decide(d Decision, pol Policy) (intents.Proposal, error) {
	return DecideIn(s.updater, s.now, s.log, d, pol)
}

// vet returns why d may not be applied to p, or nil.
func vet(p intents.Proposal, d Decision, pol Policy, now time.Time) error {
	if d.Channel != "" && d.Channel != p.Channel {
		return fmt.Errorf("%w: the click came from %s, the proposal lives in %s", intents.ErrWrongChannel, d.Channel, orNone(p.Channel))
	}
	if p.State == intents.StateExpired {
		return stateError(intents.ErrExpired, p)
	}
	if p.State != intents.StatePending {
		return stateError(intents.ErrDecided, p)
	}
	if expired(p, now) {
		return fmt.Errorf("%w at %s", intents.ErrExpired, p.Expires.Format(time.RFC3339))
	}
	approver := pol.IsApprover != nil && pol.IsApprover(d.By)
	if !d.Approve {
		if !approver && d.By != p.Requester {
			return fmt.Errorf("%w: %s", intents.ErrNotApprover, d.By)
		}
		return nil
	}
	if !approver {
		return fmt.Errorf("%w: %s", intents.ErrNotApprover, d.By)
	}
	if d.By == p.Requester && !pol.AllowSelfApproval {
		return fmt.Errorf("%w: %s", intents.ErrSelfApproval, d.By)
	}
	if pol.Protected != nil {
		if protected, why := pol.Protected(p.Preview); protected {
			return fmt.Errorf("%w: %s", intents.ErrProtected, orNone(why))
		}
	}
	scope := p.Preview.Scope
	if !p.Preview.Granted || (pol.HasScope != nil && scope != "" && !pol.HasScope(scope)) {
		return fmt.Errorf("%w: %s", intents.ErrScopeMissing, orNone(scope))
	}
	return nil
}

// origin records where d was made: d.Via, or Slack for a click that names
// its channel, with the command line's user and host.
func origin(rec *intents.AuditRecord, d Decision) {
	rec.Via, rec.OSUser, rec.Host = d.Via, d.OSUser, d.Host
	if rec.Via == "" && d.Channel != "" {
		rec.Via = intents.ViaSlack
	}
}

func decisionWord(d Decision) string {
	if d.Approve {
		return "approve"
	}
	return "reject"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
