package intents

import (
	"strings"
	"time"
)

// Step-up: before a sensitive approval counts, the approver confirms it
// in Okta Verify. The Okta adapter sends the push and waits for Okta's
// answer; these are the domain's words for what it returns, so that the
// bot can hold them without knowing Okta's API.

// PushTxn is a push verification Okta started for a user: what the
// adapter follows and what an audit log records. It is plain data and may
// be stored (JSON).
type PushTxn struct {
	ID       string `json:"id"` // Okta's transaction id (v2mst.…)
	UserID   string `json:"userId"`
	FactorID string `json:"factorId"`
	// Expires is when Okta stops waiting for an answer (zero: Okta did
	// not say).
	Expires time.Time `json:"expiresAt,omitzero"`
	// Challenge is the number Okta shows with the push, which the
	// approver must pick in Okta Verify; 0 when Okta showed none (yet).
	Challenge int `json:"challenge,omitempty"`
}

// PushResult is Okta's final answer to a push verification.
type PushResult string

// The final results of a push, as Okta names them.
const (
	PushSuccess  PushResult = "SUCCESS"  // the approver approved on their phone
	PushRejected PushResult = "REJECTED" // the approver answered "No, it's not me"
	PushTimeout  PushResult = "TIMEOUT"  // nobody answered before the push expired
)

// PushOutcome is how a wait for a push ended.
type PushOutcome struct {
	TxnID string `json:"txnId"`
	// Result is Okta's final result; "" when the wait ended without one
	// (the context ended, or an error).
	Result PushResult `json:"result,omitempty"`
	// Challenge is the number challenge Okta showed, 0 if none.
	Challenge int `json:"challenge,omitempty"`
}

// Confirmed reports whether the approver confirmed in Okta Verify: Okta
// said SUCCESS. Nothing else confirms.
func (o PushOutcome) Confirmed() bool { return o.Result == PushSuccess }

// NoPushFactorError says a user has no ACTIVE Okta Verify push factor, so
// no push was sent: they cannot confirm a step-up. It is an ErrNotFound.
type NoPushFactorError struct {
	Op     string
	UserID string
	// Inactive lists the statuses of the user's Okta Verify push factors
	// that are not ACTIVE (e.g. PENDING_ACTIVATION: enrolment not
	// finished); empty when there is none at all.
	Inactive []string
}

func (e *NoPushFactorError) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	s += "no active Okta Verify push factor"
	if len(e.Inactive) > 0 {
		s += " (an Okta Verify push factor is " + strings.Join(e.Inactive, ", ") + ")"
	}
	return s
}

// Unwrap is ErrNotFound.
func (e *NoPushFactorError) Unwrap() error { return ErrNotFound }
