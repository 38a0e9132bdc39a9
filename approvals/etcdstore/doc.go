// Package etcdstore is oktabot's store on etcd, for running more than one
// oktabot against shared state. It keeps the proposals, the audit log and
// the watcher's state (cursor, detection windows, incidents,
// suppressions) as package approvals' bbolt Store does, with the same
// state machine (approvals.Apply…), the same incident rules
// (approvals.IncidentOps), the same refusals and the same hash-chained
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
// # The watcher's state
//
// CommitWatch is one Txn holding the cursor, the detection windows the
// page changed and the incidents its findings make or grow. It compares
// the mod revision of each subject's newest-incident key and incident it
// read, and that no suppression was added meanwhile, and starts again
// from the read when another writer got there first; so two replicas
// committing findings about one subject at once make one incident. The
// buttons (acknowledge, close, answers, suppressions) append their audit
// records to the proposals' chain, comparing its head like them.
//
// Fencing: a replica that wins the watcher's election (a
// client/v3/concurrency Election on a lease) calls SetFence with the
// leader key and its create revision. Every CommitWatch Txn then also
// compares that the key still exists with that revision; once the lease
// ends or the next leader holds the key, the old leader's CommitWatch is
// refused with ErrFenced and writes nothing, so it cannot move the
// cursor back after the new leader started. Only CommitWatch is fenced:
// any replica serves the buttons and AddFindings.
//
// Detection windows: etcd takes at most 128 operations per Txn (its
// --max-txn-ops) and about 1.5 MiB per request, and a busy page may
// change thousands of windows. The windows are therefore not one key
// each: they are spread by a hash of their key over 16 values, each the
// gzipped JSON of its windows. A page rewrites only the values holding
// windows it changed, so the windows cost at most 16 operations however
// busy the page, and the cursor and windows stay exact: WatchState reads
// them at one revision, and after a restart or a failover the next
// leader resumes from exactly the last committed page: no alert is lost
// or repeated (and a page read again all the same, as after a crash
// before its commit, makes no news: intents.Incident.Absorb). The limit
// left is size: all windows together, compressed, must stay well under
// the request limit (they hold minutes of events per subject, so
// kilobytes to a few hundred kilobytes). A page whose incidents need more
// operations than the server takes (about 30 new incidents on one page;
// a grown one costs one or two writes) is refused as a whole with
// ErrTxnTooLarge, naming the limit, and the next poll reads it again;
// raise --max-txn-ops and Options.MaxTxnOps together for such orgs.
//
// # Layout
//
// Keys under Options.Prefix (default "/oktabot/"):
//
//	proposals/<id>               the proposal, JSON
//	pending/<created ns>/<id>    expires (ns): Pending, ExpireDue
//	active/<id>                  "approved", "verifying", "executing", or either with " <lease hex>" (its replica): Approved, ReofferApproved, Recover
//	same/<hex SameKey>           the pending proposal making that change
//	audit/<seq>                  the audit record, JSON, as sealed
//	meta/auditHead               {"seq":…,"hash":…}
//	meta/auditAnchor             the last archived record, {"seq":…,"hash":…}; once Archive (archive.go) ran, or imported so
//	meta/auditChainFrom          the first chained record; only when imported from a file with older ones
//	history/<id>/<seq>           one proposal's or incident's records
//	archived/<id>                when Archive moved the proposal out (RFC 3339), for Get
//	watch/cursor                 the System Log cursor of the last page
//	watch/windows/<shard>        gzipped JSON {window key: state}, 00–15
//	incidents/<id>               the incident, JSON
//	incidentKeys/<escaped key>   the id of the subject's newest incident
//	incidentOpen/<id>            each incident not closed
//	incidentOutbox/<id>          each incident whose Version > Posted
//	suppressions/<id>            the suppression, JSON
//	scans/<job>/state            a background job's progress (the MFA scan): SaveScan, LoadScan
//	scans/<job>/count, chunks/<n>  its results so far, in order
//	scanOwners/<job>             the run that owns the job, on its lease: ClaimScan
//
// Numbers are 20 decimal digits, so that keys sort in order.
//
// # Several replicas
//
// Leader elects the replica that runs the singletons, on a lease, and
// gives each term a Fence that writes only the leader may make compare
// in their Txn; Seen de-duplicates Slack events across replicas; with
// Options.Replica each store records itself as the executor of what it
// begins, so that the leader's RecoverGone takes only what a replica that
// is gone left executing. Their keys, under the same prefix:
//
//	leader/<lease id hex>        a campaigner, on its lease (concurrency.Election)
//	meta/leaderTerm              the last term's fence, and whether it was resigned
//	seen/<event id>              a Slack event taken, on a lease shared by its bucket
//	replicas/<lease id hex>      a replica's name, on its liveness lease (Options.Replica)
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
