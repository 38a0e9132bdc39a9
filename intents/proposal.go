package intents

import "time"

// State is where a proposal is in its life (package approvals keeps it;
// docs/architecture.md follows an approval through it).
//
//	pending → approved → executing → executed | failed
//	approved → verifying → executing   (step-up: the approver confirmed in Okta Verify)
//	verifying → pending | expired       (not confirmed, or interrupted by a restart)
//	pending → rejected
//	pending → expired
//	executing → unknown   (found executing after a crash; never re-run)
type State string

// The proposal states.
const (
	StatePending   State = "pending"
	StateApproved  State = "approved"
	StateVerifying State = "verifying" // waiting for the approver's Okta Verify
	StateExecuting State = "executing"
	StateExecuted  State = "executed"
	StateFailed    State = "failed"
	StateRejected  State = "rejected"
	StateExpired   State = "expired"
	StateUnknown   State = "unknown"
)

// Final reports whether no transition leaves s.
func (s State) Final() bool {
	switch s {
	case StateExecuted, StateFailed, StateRejected, StateExpired, StateUnknown:
		return true
	}
	return false
}

// Proposal is one action waiting for, or past, a decision. It holds the
// exact Okta operation (the Preview, with resolved ids) that an approver
// sees and that is executed, nothing else.
type Proposal struct {
	ID      string  `json:"id"`
	Preview Preview `json:"preview"`
	State   State   `json:"state"`

	Requester string `json:"requester"` // Slack user id (or "cli:NAME")
	Channel   string `json:"channel,omitempty"`
	MessageTS string `json:"messageTs,omitempty"` // the proposal message, updated on every transition
	ThreadTS  string `json:"threadTs,omitempty"`
	// Group lists the proposals posted in one message with this one (the
	// fixes proposed together for one person), in order, itself
	// included; empty when it has a message of its own.
	Group   []string  `json:"group,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`

	DecidedBy string    `json:"decidedBy,omitempty"`
	DecidedAt time.Time `json:"decidedAt,omitzero"`
	Reason    string    `json:"rejectReason,omitempty"` // the approver's reason on reject
	// StepUp is set when the approval must be confirmed in the approver's
	// Okta Verify before the action runs (ApprovalPolicy.StepUp at the
	// approval); such a proposal executes only from verifying.
	StepUp bool `json:"stepUp,omitempty"`
	// Verify is the push sent to the approver while the proposal is
	// verifying (its ID is empty until Okta answered); nil otherwise.
	Verify *PushTxn `json:"verify,omitempty"`

	Outcome *ActionOutcome `json:"outcome,omitempty"`
	Error   string         `json:"error,omitempty"` // why execution failed, for people
	Updated time.Time      `json:"updated"`
	// UndoOf names the proposal this one reverses.
	UndoOf string `json:"undoOf,omitempty"`
}

// AuditRecord is one line of the append-only audit log.
type AuditRecord struct {
	Seq        uint64    `json:"seq"`
	At         time.Time `json:"at"`
	ProposalID string    `json:"proposal"`
	Event      string    `json:"event"` // requested, approved, rejected, expired, executing, executed, failed, unknown, refused
	Requester  string    `json:"requester,omitempty"`
	Approver   string    `json:"approver,omitempty"` // who decided (or was refused)
	Action     Kind      `json:"action"`
	Target     string    `json:"target"` // "user john@company.com (00u1)"
	Result     string    `json:"result,omitempty"`
	RequestID  string    `json:"oktaRequestId,omitempty"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	// Via is where a decision was made: ViaSlack or ViaCLI. OSUser and
	// Host are, for the command line, the operating-system account and
	// the machine it ran on.
	Via    string `json:"via,omitempty"`
	OSUser string `json:"osUser,omitempty"`
	Host   string `json:"host,omitempty"`
	// PrevHash is the Hash of the record before this one (for the first
	// record, a fixed genesis value); Hash is the SHA-256, in hex, of this
	// record's canonical encoding without Hash. Together they chain the
	// log: a record altered, removed or moved breaks the chain. Both are
	// empty on records written before oktabot kept the chain.
	PrevHash string `json:"prevHash,omitempty"`
	Hash     string `json:"hash,omitempty"`
}
