package approvals

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/intents"
)

// Buckets and meta keys (see the Layout section of the package doc).
var (
	bucketMeta      = []byte("meta")
	bucketProposals = []byte("proposals")
	bucketPending   = []byte("pending")
	bucketActive    = []byte("active")
	bucketAudit     = []byte("audit")
	bucketHistory   = []byte("history")

	allBuckets = [][]byte{bucketMeta, bucketProposals, bucketPending, bucketActive, bucketAudit, bucketHistory}

	keyApp    = []byte("app")
	keySchema = []byte("schema")
	// The audit chain (chain.go): the last record's sequence and hash, and
	// the first sequence that is chained.
	keyAuditHead      = []byte("auditHead")
	keyAuditChainFrom = []byte("auditChainFrom")
)

// txn is one bbolt transaction with the store's buckets bound.
type txn struct {
	tx                                                      *bolt.Tx
	meta, proposals, pending, active, audits, history, same *bolt.Bucket
}

func newTxn(tx *bolt.Tx) *txn {
	t := &txn{tx: tx}
	t.bind()
	return t
}

// bind looks the buckets up (again, after initSchema created them).
func (t *txn) bind() {
	t.meta = t.tx.Bucket(bucketMeta)
	t.proposals = t.tx.Bucket(bucketProposals)
	t.pending = t.tx.Bucket(bucketPending)
	t.active = t.tx.Bucket(bucketActive)
	t.audits = t.tx.Bucket(bucketAudit)
	t.history = t.tx.Bucket(bucketHistory)
	t.same = t.tx.Bucket(bucketSame)
}

// load reads one proposal; an unknown id wraps intents.ErrNotFound.
func (t *txn) load(id string) (intents.Proposal, error) {
	var p intents.Proposal
	data := t.proposals.Get([]byte(id))
	if data == nil {
		return p, fmt.Errorf("proposal %s: %w", id, intents.ErrNotFound)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("%w: proposal %s: %v", ErrCorrupt, id, err)
	}
	return p, nil
}

// exists reports whether id is taken.
func (t *txn) exists(id string) bool {
	return t.proposals.Get([]byte(id)) != nil
}

// save writes p and moves it between the indexes as its state changed from
// prev ("" for a new proposal).
func (t *txn) save(p *intents.Proposal, prev intents.State) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode proposal %s: %w", p.ID, err)
	}
	if err := t.proposals.Put([]byte(p.ID), data); err != nil {
		return err
	}
	if prev == p.State {
		return nil
	}
	switch prev {
	case intents.StatePending:
		if err := t.pending.Delete(pendingKey(*p)); err != nil {
			return err
		}
		if err := t.unindexSame(p); err != nil {
			return err
		}
	case intents.StateApproved, intents.StateVerifying, intents.StateExecuting:
		if err := t.active.Delete([]byte(p.ID)); err != nil {
			return err
		}
	}
	switch p.State {
	case intents.StatePending:
		if err := t.indexSame(p); err != nil {
			return err
		}
		return t.pending.Put(pendingKey(*p), timeBytes(p.Expires))
	case intents.StateApproved, intents.StateVerifying, intents.StateExecuting:
		return t.active.Put([]byte(p.ID), []byte(p.State))
	}
	return nil
}

// commit saves p, whose state was prev, and writes its audit records
// (Commit): the end of every transition.
func (t *txn) commit(p *intents.Proposal, prev intents.State, recs ...intents.AuditRecord) error {
	return Commit(t, p, prev, recs...)
}

// Load, Save and Audit make a txn the Tx of the operations shared with
// the other stores (apply.go).
func (t *txn) Load(id string) (intents.Proposal, error)           { return t.load(id) }
func (t *txn) Save(p *intents.Proposal, prev intents.State) error { return t.save(p, prev) }
func (t *txn) Audit(rec intents.AuditRecord) error                { return t.audit(rec) }
func (t *txn) PendingSame(a intents.Action, now time.Time) (intents.Proposal, bool, error) {
	return t.pendingSame(a, now)
}

// transition changes one proposal in one write transaction (see
// Transition).
func (s *Store) transition(op, id string, step func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error)) (intents.Proposal, error) {
	return Transition(s.updater, s.now, op, id, step)
}

// updater is update for the operations shared by every store.
func (s *Store) updater(fn func(Tx) error) error {
	return s.update(func(t *txn) error { return fn(t) })
}

// pendingKey orders the pending index by creation time, then id.
func pendingKey(p intents.Proposal) []byte {
	k := make([]byte, 8, 8+len(p.ID))
	binary.BigEndian.PutUint64(k, uint64(p.Created.UnixNano()))
	return append(k, p.ID...)
}

func pendingID(k []byte) string { return string(k[8:]) }

// historyKey is id, a zero byte, and the audit sequence.
func historyKey(id string, seq uint64) []byte {
	k := make([]byte, 0, len(id)+9)
	k = append(k, id...)
	k = append(k, 0)
	return append(k, seqBytes(seq)...)
}

func historyPrefix(id string) []byte { return append([]byte(id), 0) }

func historySeq(k []byte) uint64 { return binary.BigEndian.Uint64(k[len(k)-8:]) }

func seqBytes(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func timeBytes(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())) }

func bytesTime(b []byte) time.Time {
	if len(b) != 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b))).UTC()
}

// hasPrefix is bytes.HasPrefix, named for cursor loops.
func hasPrefix(k, prefix []byte) bool { return k != nil && bytes.HasPrefix(k, prefix) }
