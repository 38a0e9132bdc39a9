package approvals

import (
	"errors"

	"github.com/oktabot/oktabot/intents"
)

// Refusals: Decide returns one of the domain's sentinels (wrapped) when a
// click is not allowed — intents.ErrNotApprover, ErrSelfApproval,
// ErrExpired, ErrDecided, ErrProtected, ErrScopeMissing, ErrWrongChannel —
// writes a "refused" audit record and leaves the proposal as it was
// (except ErrExpired, which also moves a pending proposal past its Expires
// time to expired). They live in intents so that the bot can word them
// without importing this package.

// Execution gate errors, carried by a *StateError.
var (
	// ErrNotApproved is BeginExecute on a proposal that was never approved
	// (pending, rejected or expired).
	ErrNotApproved = errors.New("not approved")
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

// stateError is a transition refused because of the proposal's current
// state (an *intents.StateError). err is intents.ErrDecided, ErrExpired,
// ErrStarted, or this package's ErrNotApproved or ErrNotExecuting;
// errors.Is matches it.
func stateError(err error, p intents.Proposal) *intents.StateError {
	return &intents.StateError{Err: err, ID: p.ID, State: p.State, By: p.DecidedBy, At: p.DecidedAt}
}
