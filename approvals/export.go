package approvals

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/oktabot/oktabot/intents"
)

// ItemKind says what an exported Item holds.
type ItemKind int

// The kinds of Item, in the order Export gives them.
const (
	// ItemChain: the audit chain's head (Seq, Hash), its first chained
	// record (ChainFrom) and its archive anchor (Anchor); given first,
	// once.
	ItemChain ItemKind = iota + 1
	// ItemAudit: one audit record, Seq and its stored bytes (Data), so
	// that its hash verifies; ID is its proposal or incident.
	ItemAudit
	// ItemProposal: one proposal, ID and its JSON (Data).
	ItemProposal
	// ItemIncident: one incident, ID and its JSON (Data).
	ItemIncident
	// ItemIncidentKey: the newest incident (ID) of a subject (Key).
	ItemIncidentKey
	// ItemSuppression: one suppression, ID and its JSON (Data).
	ItemSuppression
	// ItemWatch: the watcher's cursor (Key) and detection windows
	// (Windows); given once.
	ItemWatch
	// ItemScan: one background job's progress: its name (Key), state
	// (Data) and saved chunks, in order (Chunks).
	ItemScan
)

// Item is one piece of a store's state, as Export gives it.
type Item struct {
	Kind      ItemKind
	ID        string
	Key       string
	Seq       uint64
	Hash      string
	Data      []byte
	Chunks    [][]byte
	Windows   map[string][]byte
	ChainFrom uint64
	Anchor    ChainPoint
}

// Export calls fn with everything the store holds, read in one read
// transaction (a consistent snapshot): the chain head first, then the
// audit records in sequence order, proposals, incidents, the incidents'
// subject index, suppressions, the watcher's state and the scans. It
// changes nothing and stops at fn's first error, which it returns. The
// indexes (pending, active, same, history, open, outbox) are not given:
// they follow from the items. Proposals Archive moved out are not in the
// store and not given.
func (s *Store) Export(fn func(Item) error) error {
	err := s.view(func(t *txn) error {
		head, err := t.head()
		if err != nil {
			return err
		}
		from, err := t.chainFrom()
		if err != nil {
			return err
		}
		anchor, err := t.anchor()
		if err != nil {
			return err
		}
		if err := fn(Item{Kind: ItemChain, Seq: head.seq, Hash: head.hash, ChainFrom: from, Anchor: anchor}); err != nil {
			return err
		}
		if err := t.audits.ForEach(func(k, v []byte) error {
			if len(k) != 8 {
				return fmt.Errorf("%w: the audit log holds a key (%x) that is not a sequence number", ErrCorrupt, k)
			}
			seq := binary.BigEndian.Uint64(k)
			var rec intents.AuditRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("%w: audit record %d: %v", ErrCorrupt, seq, err)
			}
			return fn(Item{Kind: ItemAudit, Seq: seq, ID: rec.ProposalID, Data: bytes.Clone(v)})
		}); err != nil {
			return err
		}
		plain := []struct {
			kind   ItemKind
			bucket []byte
		}{
			{ItemProposal, bucketProposals},
			{ItemIncident, bucketIncidents},
			{ItemSuppression, bucketSuppressions},
		}
		for _, p := range plain {
			if err := t.bucket(p.bucket).ForEach(func(k, v []byte) error {
				return fn(Item{Kind: p.kind, ID: string(k), Data: bytes.Clone(v)})
			}); err != nil {
				return err
			}
		}
		if err := t.bucket(bucketIncidentKeys).ForEach(func(k, v []byte) error {
			return fn(Item{Kind: ItemIncidentKey, Key: string(k), ID: string(v)})
		}); err != nil {
			return err
		}
		watch := Item{Kind: ItemWatch, Key: string(t.bucket(bucketWatch).Get(keyCursor)), Windows: map[string][]byte{}}
		if err := t.bucket(bucketWindows).ForEach(func(k, v []byte) error {
			watch.Windows[string(k)] = bytes.Clone(v)
			return nil
		}); err != nil {
			return err
		}
		if err := fn(watch); err != nil {
			return err
		}
		return t.exportScans(fn)
	})
	if err != nil {
		return fmt.Errorf("approvals: export: %w", err)
	}
	return nil
}

// exportScans gives each job in the scans bucket.
func (t *txn) exportScans(fn func(Item) error) error {
	root := t.tx.Bucket(bucketScans)
	if root == nil {
		return nil
	}
	return root.ForEach(func(job, v []byte) error {
		b := root.Bucket(job)
		if v != nil || b == nil {
			return nil
		}
		it := Item{Kind: ItemScan, Key: string(job), Data: bytes.Clone(b.Get(keyState))}
		if c := b.Bucket(keyChunks); c != nil {
			if err := c.ForEach(func(_, v []byte) error {
				it.Chunks = append(it.Chunks, bytes.Clone(v))
				return nil
			}); err != nil {
				return err
			}
		}
		return fn(it)
	})
}

// NewChainCheckAfter starts a check, as NewChainCheck, of a log whose
// records up to anchor were archived: the first record must be anchor's
// next and chain from its hash. A zero anchor (sequence 0) is
// NewChainCheck(from).
func NewChainCheckAfter(from uint64, anchor ChainPoint) *ChainCheck {
	if anchor.Seq == 0 {
		return NewChainCheck(from)
	}
	return &ChainCheck{v: verifier{from: from, anchor: anchor.Seq, prev: anchor.Hash, next: anchor.Seq + 1}}
}
