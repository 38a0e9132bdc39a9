// Package etcdstore is oktabot's proposal store on etcd, for running more
// than one oktabot against shared state. It keeps the proposals and the
// audit log as package approvals' bbolt Store does, with the same state
// machine (approvals.Apply…), the same refusals and the same hash-chained
// audit records; only the storage differs.
//
// # Transactions
//
// Every transition is one etcd Txn. A call reads what it needs (the
// proposal, the chain head, the index entries it checks), decides with
// the approvals state machine, and commits its writes only if every key
// it read still has the mod revision it had when read; otherwise another
// writer, perhaps in another process, got there first, and the call starts
// again from the read. So the exactly-once gate (BeginExecute) holds
// across processes: of any number of concurrent callers exactly one moves
// an approved proposal to executing. A refusal's audit record is written
// only if the proposal it judged did not change meanwhile.
//
// # The audit chain
//
// Records are sealed by approvals.SealRecord: each carries the hash of the
// one before it. The chain head (last sequence and hash) is a key read and
// compared by every Txn that appends, so two processes appending at once
// cannot fork the chain: one commits, the other re-reads the head and
// chains after it. Verify checks it with approvals.ChainCheck.
//
// # Layout
//
// Keys under Options.Prefix (default "/oktabot/"):
//
//	proposals/<id>               the proposal, JSON
//	pending/<created ns>/<id>    expires (ns): Pending, ExpireDue
//	active/<id>                  approved or executing: Approved, ReofferApproved
//	same/<hex SameKey>           the pending proposal making that change
//	audit/<seq>                  the audit record, JSON, as sealed
//	meta/auditHead               {"seq":…,"hash":…}
//	history/<id>/<seq>           one proposal's records
//
// Numbers are 20 decimal digits, so that keys sort in order.
//
// # Several replicas
//
// Leader elects the replica that runs the singletons, on a lease, and
// gives each term a Fence that writes only the leader may make compare
// in their Txn; Seen de-duplicates Slack events across replicas. Their
// keys, under the same prefix:
//
//	leader/<lease id hex>        a campaigner, on its lease (concurrency.Election)
//	meta/leaderTerm              the last term's fence, and whether it was resigned
//	seen/<event id>              a Slack event taken, on a lease shared by its bucket
//
// # What this package must not do
//
// It never calls Okta or Slack and never executes an action (the caller
// does, between BeginExecute and Finish); it writes no state transition
// of its own, only applies the approvals package's; and it offers no way
// to edit or delete an audit record. It does not move proposals found
// executing to unknown when it starts: with several processes sharing the
// store, one executing is not evidence of a crash.
package etcdstore
