package intents

import (
	"errors"
	"fmt"
	"time"
)

// Decision is one click on a proposal's Approve or Reject button (or the
// command-line equivalent).
type Decision struct {
	ProposalID string
	By         string // Slack user id of the clicker (or "cli:NAME")
	Approve    bool   // false rejects
	Reason     string // why, on reject
	// Channel is where the click came from; when set, it must be the
	// channel of the proposal's message. Leave it empty for the command
	// line.
	Channel string
	// Via is where the decision was made: ViaSlack or ViaCLI. Empty
	// means Slack when Channel is set. OSUser and Host name, for the
	// command line, the operating-system account and the machine.
	Via          string
	OSUser, Host string
}

// Where a decision was made (Decision.Via, AuditRecord.Via).
const (
	ViaSlack = "slack"
	ViaCLI   = "cli"
)

// ApprovalPolicy is who may decide what. Nil functions fail closed where
// it matters: without IsApprover nobody is an approver.
//
// The store calls these functions inside its write transaction: they must
// answer from memory (Slack user groups are resolved beforehand).
type ApprovalPolicy struct {
	// IsApprover reports whether a Slack user may approve or reject
	// (configured user ids and members of configured user groups).
	IsApprover func(slackUserID string) bool
	// AllowSelfApproval lets the requester approve their own proposal.
	AllowSelfApproval bool
	// Protected reports whether an action touches a protected account or
	// group, and why; such approvals are refused. Nil protects nothing.
	Protected func(Preview) (bool, string)
	// HasScope reports whether the service app holds an OAuth scope now.
	// Nil trusts Preview.Granted alone.
	HasScope func(scope string) bool
	// StepUp reports whether approving an action must be confirmed in the
	// approver's Okta Verify before it runs (OKTABOT_STEP_UP). Nil: never.
	StepUp func(Preview) bool
}

// Refusals of a decision. The store returns one of these (wrapped) when a
// click is not allowed and changes nothing.
var (
	// ErrNotApprover is a click by someone who is not a configured approver.
	ErrNotApprover = errors.New("not an approver")
	// ErrSelfApproval is the requester approving their own proposal while
	// self-approval is off.
	ErrSelfApproval = errors.New("the requester may not approve their own proposal")
	// ErrExpired is a decision on a proposal past its Expires time.
	ErrExpired = errors.New("proposal expired")
	// ErrDecided is a decision on a proposal that is no longer pending; the
	// *StateError carrying it says its state and who decided.
	ErrDecided = errors.New("already decided")
	// ErrProtected is an approval of an action on a protected account or
	// group; such actions are refused even when approved.
	ErrProtected = errors.New("protected target")
	// ErrScopeMissing is an approval of an action whose OAuth scope the
	// service app was not granted.
	ErrScopeMissing = errors.New("missing oauth scope")
	// ErrWrongChannel is a decision that names a channel other than the
	// one the proposal's message lives in (a forged or stale button).
	ErrWrongChannel = errors.New("wrong channel")
	// ErrStarted is an execution another caller already began: the
	// exactly-once gate's answer to the losers.
	ErrStarted = errors.New("execution already started")
	// ErrAlreadyPending is a new proposal for the same action on the same
	// target as one still pending: nothing was stored, and the *StateError
	// carrying it names the pending one.
	ErrAlreadyPending = errors.New("the same action is already waiting for approval")
)

// StateError is a transition refused because of the proposal's current
// state; errors.Is matches Err.
type StateError struct {
	Err   error
	ID    string
	State State     // the proposal's state now
	By    string    // who decided it, if anyone
	At    time.Time // when it was decided (zero if never)
}

func (e *StateError) Error() string {
	s := fmt.Sprintf("%v: proposal %s is %s", e.Err, e.ID, e.State)
	if e.By != "" {
		s += " (decided by " + e.By
		if !e.At.IsZero() {
			s += " at " + e.At.UTC().Format(time.RFC3339)
		}
		s += ")"
	}
	return s
}

// Unwrap returns the sentinel.
func (e *StateError) Unwrap() error { return e.Err }
