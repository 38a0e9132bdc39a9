package intents

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Adapters wrap them (with fmt.Errorf and %w, or in an
// *Error) so that the bot can tell people what to do without seeing an SDK's
// types.
var (
	// ErrInvalid is bad input from a person or a model: nothing was sent.
	ErrInvalid = errors.New("invalid request")
	// ErrNotFound is an Okta object that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrForbidden is a missing OAuth scope or admin permission.
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited is Okta's 429 after pacing and retries gave up.
	ErrRateLimited = errors.New("rate limited")
	// ErrAuth is a failed token request or a rejected token.
	ErrAuth = errors.New("authentication failed")
	// ErrNoAdminRole is an empty result from a service app without an admin
	// role.
	ErrNoAdminRole = errors.New("no admin role")
	// ErrConflict is an action that does not apply to the target's current
	// state (already suspended, not a member …), or a drifted target.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable is Okta failing (5xx, network) after retries.
	ErrUnavailable = errors.New("okta unavailable")
	// ErrAmbiguous is a name that several Okta objects answer to.
	ErrAmbiguous = errors.New("ambiguous")
	// ErrElsewhere is work that another oktabot replica sharing the store
	// is doing now (the full MFA scan): ask again when it ends.
	ErrElsewhere = errors.New("running on another oktabot replica")
)

// Error is an adapter's error with what the bot needs to word it: the
// sentinel it is, the operation, Okta's own summary, the scope that was
// missing, and Okta's request id for support.
type Error struct {
	Err       error  // one of the sentinels above
	Op        string // e.g. "okta: suspend 00u1"
	Detail    string // Okta's errorSummary or the adapter's explanation
	Scope     string // the missing scope, for ErrForbidden
	RequestID string // X-Okta-Request-Id
	Status    int    // HTTP status, when there was a response
}

func (e *Error) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	s += e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Scope != "" {
		s += fmt.Sprintf(" (needs scope %s)", e.Scope)
	}
	return s
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Invalidf returns an ErrInvalid with a message for the person.
func Invalidf(format string, a ...any) error {
	return &Error{Err: ErrInvalid, Detail: fmt.Sprintf(format, a...)}
}

// ObjectMatchError is a group, app, policy or rule name that several Okta
// objects answer to. The bot asks back with a button per candidate, each
// running the request again with that object's id in Arg.
type ObjectMatchError struct {
	Op         string
	Arg        string // the Intent field the name was given in: group, app, policy or rule
	Typed      string // the name as given
	Candidates []Choice
}

// Choice is one candidate of an ask-back: what people read and the id.
type Choice struct {
	Label string `json:"label"`
	ID    string `json:"id"`
}

func (e *ObjectMatchError) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	var names []string
	for _, c := range e.Candidates {
		names = append(names, c.Label+" ("+c.ID+")")
	}
	return s + fmt.Sprintf("several match %q: %s; give the id", e.Typed, strings.Join(names, ", "))
}

// Unwrap is ErrAmbiguous, and ErrInvalid: the request cannot run as asked.
func (e *ObjectMatchError) Unwrap() []error { return []error{ErrAmbiguous, ErrInvalid} }

// AsObjectMatch returns the *ObjectMatchError in err's chain, if any.
func AsObjectMatch(err error) (*ObjectMatchError, bool) {
	var e *ObjectMatchError
	ok := errors.As(err, &e)
	return e, ok
}

// UserMatchError is a person argument that names no Okta user, or several:
// Err is ErrAmbiguous (Candidates are the users the name matches) or
// ErrNotFound (Candidates are the closest users, perhaps none). The bot
// asks back with a choice of Candidates.
type UserMatchError struct {
	Op         string
	Typed      string // the argument as given
	Err        error  // ErrAmbiguous or ErrNotFound
	Candidates []User // at most a handful, best first
	More       bool   // more users matched than Candidates holds
}

func (e *UserMatchError) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	if errors.Is(e.Err, ErrAmbiguous) {
		return s + fmt.Sprintf("%d or more users match %q", len(e.Candidates), e.Typed)
	}
	return s + fmt.Sprintf("no user matches %q", e.Typed)
}

// Unwrap returns the sentinel.
func (e *UserMatchError) Unwrap() error { return e.Err }

// AsUserMatch returns the *UserMatchError in err's chain, if any.
func AsUserMatch(err error) (*UserMatchError, bool) {
	var e *UserMatchError
	ok := errors.As(err, &e)
	return e, ok
}
