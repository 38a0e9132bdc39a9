package approvals

import (
	"errors"

	"github.com/oktabot/oktabot/intents"
)

// Refusals: Decide returns one of these (wrapped) when a click is not
// allowed, writes a "refused" audit record and leaves the proposal as it
// was (except ErrExpired, which also moves a pending proposal past its
// Expires time to expired). They are the domain's sentinels, so that the
// bot can word them without importing this package.
var (
	ErrNotApprover  = intents.ErrNotApprover
	ErrSelfApproval = intents.ErrSelfApproval
	ErrExpired      = intents.ErrExpired
	ErrDecided      = intents.ErrDecided
	ErrProtected    = intents.ErrProtected
	ErrScopeMissing = intents.ErrScopeMissing
	ErrWrongChannel = intents.ErrWrongChannel
)

// Execution gate errors, carried by a *StateError.
var (
	// ErrNotApproved is BeginExecute on a proposal that was never approved
	// (pending, rejected or expired).
	ErrNotApproved = errors.New("not approved")
	// ErrStarted is BeginExecute on a proposal whose execution another
	// caller already began: the exactly-once gate's answer to the losers.
	ErrStarted = intents.ErrStarted
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
type StateError = intents.StateError

func stateError(err error, p intents.Proposal) *StateError {
	return &StateError{Err: err, ID: p.ID, State: p.State, By: p.DecidedBy, At: p.DecidedAt}
}
