// Package approvals is oktabot's proposal store: every change to Okta waits
// here, as an intents.Proposal, until a person decides it, and the store
// guarantees the state machine that makes a click safe. It also keeps the
// append-only audit log of every request, decision and result.
//
// # States
//
// A proposal moves only along these edges, each one bbolt Update that
// re-reads the current state before it writes:
//
//	pending → approved → executing → executed | failed
//	pending → rejected
//	pending → expired
//	executing → unknown   (found executing when the store was opened)
//	approved → verifying → executing | pending | expired   (step-up, stepup.go)
//
// Create makes a pending proposal; Decide approves or rejects it after
// checking the Policy (approver, self-approval, protected target, OAuth
// scope, channel, expiry); BeginExecute is the exactly-once gate: of any
// number of concurrent callers exactly one moves an approved proposal to
// executing and gets it back; Finish records the result. ExpireDue (and
// Sweep, which runs it on a timer) expires pending proposals past their
// Expires time. An approval that Policy.StepUp marks runs only after the
// approver confirmed it in Okta Verify: BeginVerify is the gate for the
// push, EndVerify (or ExecuteVerified) moves it to executing on SUCCESS
// and back to pending otherwise (stepup.go).
//
// # Durability
//
// Each transition and its audit record are written in the same transaction
// and bbolt fsyncs on commit, so a process killed at any point loses
// neither. A proposal found executing when the store is opened was
// interrupted mid-action: Open moves it to unknown, writes an "unknown"
// audit record and lists it in Recovered, for a person to check in Okta. It
// is never re-run. A proposal found verifying was waiting for its
// approver's push: Open offers it again (pending, or expired when its
// time is up), audits the interrupted verification and lists it in
// Recovered too.
//
// # The audit chain
//
// Each audit record carries the SHA-256 of the one before it (PrevHash;
// the first record's is Genesis) and its own (Hash, over its JSON without
// Hash). The last record's sequence and hash, the chain head, sit in the
// meta bucket and move in the transaction that appends a record, so that
// concurrent appends, which bbolt serialises, chain correctly. Verify
// walks the log and names the first record that was altered, removed,
// moved or added outside oktabot. A store written before the chain is
// upgraded when opened: its records are sealed as found (the first chained
// record's PrevHash hashes their exact bytes), so a later change to them
// breaks the chain; what happened to them before cannot be known. Without
// a copy of the head kept elsewhere, someone who can write the file can
// rewrite the whole chain from a record on: Verify detects edits, not a
// consistent forgery.
//
// # One state machine, two stores
//
// The transitions are pure functions (machine.go: NewPending, Requested,
// ApplyDecision, ApplyBegin, ApplyFinish, ApplyWithdraw, ApplyExpire,
// ApplyReoffer, ApplyUnknown) and the operations that load, apply and
// write back go through the small Tx and Updater (apply.go), so that the
// bbolt Store here and the etcd store in approvals/etcdstore apply the
// same rules and differ only in how a transaction is made atomic. Both
// seal audit records with SealRecord and verify them with the same
// checks (ChainCheck). approvals/storetest is the contract both keep.
//
// # Opening
//
// Options.Timeout bounds the wait for the file lock (bbolt's zero would wait
// forever; ours means one second). A file held by another process, a damaged
// or truncated file, a file that is not bbolt, another program's bbolt file,
// and a file written by a newer oktabot each give a clear error wrapping
// ErrInUse, ErrCorrupt or ErrIncompatible; a damaged file never panics.
// The file is created 0600, and an existing file that group or others may
// read is made 0600 (logged): it names who approved what.
//
// # Layout
//
// Proposals are JSON under their id in the "proposals" bucket. Secondary
// indexes keep the hot paths independent of history: "pending" (created
// time + id → expires) for Pending and ExpireDue, "active" (id → state) for
// approved, verifying and executing proposals, "same" (hash of kind, targets and
// fields → id) for the pending proposal that makes a given change, so that
// Create points to it instead of storing a duplicate. "audit" holds records under
// NextSequence keys; "history" (id + sequence) finds one proposal's
// records. "meta" holds the application name, the schema version and the
// audit chain's head and start, and, once Archive (archive.go) moved old
// records out, its anchor; "archived" lists the ids of archived proposals.
//
// # Incidents
//
// The watcher's findings become intents.Incidents here (incidents.go):
// CommitWatch writes a poll's System Log cursor, its detection windows and
// the incidents its findings open or grow in one transaction, so that a
// crash neither loses nor repeats an alert; Unposted is the outbox of
// incidents whose Slack message is behind. Acknowledge, CloseIncident,
// Suppress and RemoveSuppression write audit records into the same chain,
// with the incident's or suppression's id where a proposal's would be.
// Their buckets are listed in watchstate.go. The rules (grouping findings
// by subject, the incident that takes them, suppressions, the outbox's
// version rule, the buttons and their records) are IncidentOps over an
// IncidentTx (incidentops.go), shared with approvals/etcdstore as the
// proposals' state machine is; storetest.RunIncidents is their contract.
//
// # What this package must not do
//
// It never calls Okta or Slack and never executes an action: the caller
// does, between BeginExecute and Finish. It imports only intents, bbolt and
// the standard library, writes no text for people beyond error strings, and
// offers no way to edit or delete an audit record (Archive moves only a
// whole prefix of the log out, to a file whose chain still verifies).
package approvals
