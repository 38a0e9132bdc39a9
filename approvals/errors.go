package approvals

import (
	"errors"
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Refusals: Decide returns one of these (wrapped) when a click is not
// allowed, writes a "refused" audit record and leaves the proposal as it
// was (except ErrExpired, which also moves a pending proposal past its
// Expires time to expired).
var (
	// ErrNotApprover is a click by someone who is not a configured approver.
	ErrNotApprover = errors.New("not an approver")
	// ErrSelfApproval is the requester approving their own proposal while
	// Policy.AllowSelfApproval is off.
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
)

// Execution gate errors, carried by a *StateError.
var (
	// ErrNotApproved is BeginExecute on a proposal that was never approved
	// (pending, rejected or expired).
	ErrNotApproved = errors.New("not approved")
	// ErrStarted is BeginExecute on a proposal whose execution another
	// caller already began: the exactly-once gate's answer to the losers.
	ErrStarted = errors.New("execution already started")
	// ErrNotExecuting is Finish on a proposal that is not executing.
	ErrNotExecuting = errors.New("not executing")
)

// Store errors.
var (
	// ErrInUse is a database file locked by another process (or another
	// Store in this one) for longer than Options.Timeout.
	ErrInUse = errors.New("the file is in use by another oktabot process")
	// ErrCorrupt is a file that is not a bbolt database, or a damaged or
	// truncated one.
	ErrCorrupt = errors.New("the file is damaged or not a database")
	// ErrIncompatible is a bbolt file written by another program or by a
	// newer oktabot.
	ErrIncompatible = errors.New("incompatible database")
	// ErrClosed is a call on a closed Store.
	ErrClosed = errors.New("store is closed")
)

// StateError is a transition refused because of the proposal's current
// state. Err is ErrDecided, ErrExpired, ErrNotApproved, ErrStarted or
// ErrNotExecuting; errors.Is matches it.
type StateError struct {
	Err   error
	ID    string
	State intents.State // the proposal's state now
	By    string        // who decided it, if anyone
	At    time.Time     // when it was decided (zero if never)
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

func stateError(err error, p intents.Proposal) *StateError {
	return &StateError{Err: err, ID: p.ID, State: p.State, By: p.DecidedBy, At: p.DecidedAt}
}
