package approvals

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/oktabot/oktabot/intents"
)

// Genesis is the PrevHash of the first record of a new store's audit log.
var Genesis = hex.EncodeToString(make([]byte, sha256.Size))

// chainHead is the last audit record's sequence number and hash, kept in
// the meta bucket and moved in the transaction that appends a record, so
// that concurrent appends (bbolt runs one write transaction at a time)
// each chain from the one before.
type chainHead struct {
	seq  uint64
	hash string
}

func (h chainHead) bytes() []byte { return append(seqBytes(h.seq), h.hash...) }

// head reads the chain head.
func (t *txn) head() (chainHead, error) {
	v := t.meta.Get(keyAuditHead)
	if len(v) != 8+2*sha256.Size {
		return chainHead{}, fmt.Errorf("%w: the audit chain head is missing or damaged", ErrCorrupt)
	}
	return chainHead{seq: binary.BigEndian.Uint64(v[:8]), hash: string(v[8:])}, nil
}

// chainFrom reads the sequence number of the first chained record: 1,
// unless the store was written before oktabot kept the chain.
func (t *txn) chainFrom() (uint64, error) {
	v := t.meta.Get(keyAuditChainFrom)
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: the audit chain start is missing or damaged", ErrCorrupt)
	}
	return binary.BigEndian.Uint64(v), nil
}

// startChain begins the chain of a store whose audit log has no chain
// yet: the records already there (none in a new store) predate it. They
// are sealed as found: the first chained record's PrevHash is the hash of
// their exact bytes, in order, from Genesis, so that any later change to
// them breaks the chain. It returns how many records it sealed.
func (t *txn) startChain() (uint64, error) {
	seal := Genesis
	var n uint64
	c := t.audits.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		seal = legacyLink(seal, v)
		n++
	}
	last := t.audits.Sequence()
	if err := t.meta.Put(keyAuditChainFrom, seqBytes(last+1)); err != nil {
		return 0, err
	}
	return n, t.meta.Put(keyAuditHead, chainHead{seq: last, hash: seal}.bytes())
}

// legacyLink chains one record written before the chain, by its stored
// bytes.
func legacyLink(prev string, raw []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends rec under the next sequence number, chained to the record
// before it, and indexes it under its proposal.
func (t *txn) audit(rec intents.AuditRecord) error {
	head, err := t.head()
	if err != nil {
		return err
	}
	seq, err := t.audits.NextSequence()
	if err != nil {
		return err
	}
	if seq != head.seq+1 {
		return fmt.Errorf("%w: the audit chain head is record %d, the log's last is %d", ErrCorrupt, head.seq, seq-1)
	}
	data, hash, err := SealRecord(rec, seq, head.hash)
	if err != nil {
		return fmt.Errorf("encode audit record: %w", err)
	}
	if err := t.audits.Put(seqBytes(seq), data); err != nil {
		return err
	}
	if err := t.meta.Put(keyAuditHead, chainHead{seq: seq, hash: hash}.bytes()); err != nil {
		return err
	}
	return t.history.Put(historyKey(rec.ProposalID, seq), nil)
}

// SealRecord returns rec as stored under sequence number seq after the
// record whose hash is prev (Genesis for the first): with its Seq,
// PrevHash and Hash; and the hash, the chain's new head. The record is
// first put through one JSON round trip (which, for one, replaces invalid
// UTF-8), so that what is hashed is exactly what Verify re-encodes from
// the stored bytes. Every store appends through it, so that their chains
// are the same and verified alike (ChainCheck).
func SealRecord(rec intents.AuditRecord, seq uint64, prev string) ([]byte, string, error) {
	rec.Seq, rec.PrevHash, rec.Hash = seq, prev, ""
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, "", err
	}
	var norm intents.AuditRecord
	if err := json.Unmarshal(raw, &norm); err != nil {
		return nil, "", err
	}
	if norm.Hash, err = recordHash(norm); err != nil {
		return nil, "", err
	}
	data, err := json.Marshal(norm)
	return data, norm.Hash, err
}

// recordHash is the hex SHA-256 of rec's canonical encoding: its JSON
// without Hash.
func recordHash(rec intents.AuditRecord) (string, error) {
	rec.Hash = ""
	body, err := json.Marshal(rec)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// Problems Verify finds in the audit chain (ChainBreak.Problem).
const (
	// BrokenHash: the record's content does not match its hash.
	BrokenHash = "hash mismatch"
	// BrokenLink: the record's hash is not the one the record after it
	// (or the chain head) keeps as PrevHash: replaced, or re-hashed after
	// an edit.
	BrokenLink = "prevHash mismatch"
	// BrokenMissing: a sequence number has no record (a gap, or records
	// removed from the end).
	BrokenMissing = "missing record"
	// BrokenOrder: a record is stored under another record's sequence.
	BrokenOrder = "reordered"
	// BrokenForm: the stored bytes are not a record as oktabot writes it
	// (unreadable, fields added, or a hash where none belongs or none
	// where one must be).
	BrokenForm = "not as written"
)

// ChainBreak is the first place where the audit chain does not hold.
type ChainBreak struct {
	Seq      uint64 // the record's sequence number
	Proposal string // the record's proposal, when known
	Problem  string // one of the Broken… constants
	Detail   string // what differs
}

func (b *ChainBreak) Error() string {
	s := fmt.Sprintf("audit record %d", b.Seq)
	if b.Proposal != "" {
		s += " (proposal " + b.Proposal + ")"
	}
	return s + ": " + b.Problem + ": " + b.Detail
}

// ChainReport is what Verify found.
type ChainReport struct {
	// Records is how many audit records were read.
	Records uint64
	// Legacy is how many records, 1 to Legacy, predate the chain: they
	// were written before oktabot kept one and carry no hash. They were
	// sealed as found when the chain began, so any change since breaks
	// it; a change before then cannot be seen.
	Legacy uint64
	// Head is the last record's hash.
	Head string
	// Anchor is the last record Archive moved out of the store (sequence
	// 0 and Genesis when none): the chain is checked from it, and an
	// archive's last record must be it (ContinuesArchive).
	Anchor ChainPoint
	// Break is the first problem; nil when the chain holds.
	Break *ChainBreak
}

// Verify checks the audit chain in one read transaction: every record is
// stored under its own sequence number, with no gap, carries the hash of
// its canonical encoding and the hash of the record before it, and the
// last one is the chain head this store wrote. It reports the first
// record where that fails. The error is for a store that cannot be read
// at all.
func (s *Store) Verify() (ChainReport, error) {
	var rep ChainReport
	err := s.view(func(t *txn) error {
		rep = ChainReport{}
		from, err := t.chainFrom()
		if err != nil {
			return err
		}
		head, err := t.head()
		if err != nil {
			return err
		}
		anchor, err := t.anchor()
		if err != nil {
			return err
		}
		rep.Legacy, rep.Anchor = from-1, anchor
		v := verifier{from: from, anchor: anchor.Seq, prev: anchor.Hash, next: anchor.Seq + 1}
		c := t.audits.Cursor()
		for k, val := c.First(); k != nil && v.broken == nil; k, val = c.Next() {
			v.check(k, val)
		}
		if v.broken == nil {
			v.end(head)
		}
		rep.Records, rep.Head, rep.Break = v.read, v.prev, v.broken
		if b := rep.Break; b != nil {
			owner := t.historyOwner(b.Seq)
			switch {
			case b.Proposal == "":
				b.Proposal = owner
			case owner != "" && owner != b.Proposal:
				b.Detail += fmt.Sprintf("; the history index files record %d under proposal %s", b.Seq, owner)
			}
		}
		return nil
	})
	if err != nil {
		return ChainReport{}, fmt.Errorf("approvals: verify: %w", err)
	}
	return rep, nil
}

// verifier walks the audit bucket in key order.
type verifier struct {
	from   uint64 // first chained sequence
	anchor uint64 // the last archived sequence: the walk starts after it
	next   uint64 // the sequence the next key must have
	prev   string // hash of the record before next
	read   uint64
	last   intents.AuditRecord // the record before next, once chained
	broken *ChainBreak
}

func (v *verifier) fail(seq uint64, proposal, problem, format string, a ...any) {
	v.broken = &ChainBreak{Seq: seq, Proposal: proposal, Problem: problem, Detail: fmt.Sprintf(format, a...)}
}

// check checks the record stored under key k.
func (v *verifier) check(k, raw []byte) {
	if len(k) != 8 {
		v.fail(v.next, "", BrokenForm, "the log holds a key (%x) that is not a sequence number", k)
		return
	}
	v.checkSeq(binary.BigEndian.Uint64(k), raw)
}

// checkSeq checks the record stored under sequence number seq.
func (v *verifier) checkSeq(seq uint64, raw []byte) {
	if seq < v.next && v.anchor > 0 && seq <= v.anchor {
		v.fail(seq, "", BrokenForm, "record %d was archived (the store's log starts after record %d), yet the store holds it", seq, v.anchor)
		return
	}
	if seq != v.next {
		v.fail(v.next, "", BrokenMissing, "there is no record %d: the log goes from %d to %d", v.next, v.next-1, seq)
		return
	}
	v.read++
	var rec intents.AuditRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		v.fail(seq, "", BrokenForm, "it is not a readable record: %v", err)
		return
	}
	if rec.Seq != seq {
		v.fail(seq, rec.ProposalID, BrokenOrder, "the record stored as %d says it is record %d: records were moved", seq, rec.Seq)
		return
	}
	if seq < v.from {
		if rec.Hash != "" || rec.PrevHash != "" {
			v.fail(seq, rec.ProposalID, BrokenForm, "it carries a hash, but records 1–%d predate the chain and were written without one", v.from-1)
			return
		}
		v.prev = legacyLink(v.prev, raw)
		v.next++
		return
	}
	if rec.Hash == "" {
		v.fail(seq, rec.ProposalID, BrokenForm, "it has no hash: every record from %d on has one", v.from)
		return
	}
	sum, err := recordHash(rec)
	if err != nil {
		v.fail(seq, rec.ProposalID, BrokenForm, "it cannot be encoded: %v", err)
		return
	}
	if sum != rec.Hash {
		v.fail(seq, rec.ProposalID, BrokenHash, "its content was changed after it was written (it hashes to %.12s…, its hash says %.12s…)", sum, rec.Hash)
		return
	}
	if again, err := json.Marshal(rec); err != nil || !bytes.Equal(again, raw) {
		v.fail(seq, rec.ProposalID, BrokenForm, "its stored bytes are not the record oktabot wrote (fields added or the JSON rewritten)")
		return
	}
	if rec.PrevHash != v.prev {
		switch {
		case v.anchor > 0 && seq == v.anchor+1:
			v.fail(seq, rec.ProposalID, BrokenLink, "it does not chain from the last archived record %d (whose hash is %.12s…, this record keeps %.12s…): it, or the anchor, was changed", v.anchor, v.prev, rec.PrevHash)
		case seq == v.from && v.from > 1:
			v.fail(seq-1, "", BrokenLink, "records 1–%d, written before the chain, were changed since it began (they no longer match its seal)", v.from-1)
		case seq == 1:
			v.fail(seq, rec.ProposalID, BrokenLink, "the first record does not chain from the genesis value")
		default:
			v.fail(seq-1, v.last.ProposalID, BrokenLink, "it is not the record that record %d follows (its hash is %.12s…, record %d keeps %.12s…): replaced, or re-hashed after an edit", seq, v.prev, seq, rec.PrevHash)
		}
		return
	}
	v.prev, v.last = rec.Hash, rec
	v.next++
}

// end checks the last record against the chain head.
func (v *verifier) end(head chainHead) {
	last := v.next - 1
	switch {
	case last < head.seq:
		v.fail(v.next, "", BrokenMissing, "the log ends at record %d, but oktabot wrote up to %d: records were removed from the end", last, head.seq)
	case last > head.seq:
		v.fail(head.seq+1, "", BrokenForm, "the log goes on to record %d, but oktabot wrote only up to %d: records were added", last, head.seq)
	case head.hash != v.prev && last < v.from:
		v.fail(last, "", BrokenLink, "records 1–%d, written before the chain, were changed since it began (they no longer match its seal)", last)
	case head.hash != v.prev:
		v.fail(last, v.last.ProposalID, BrokenLink, "it is not the last record oktabot wrote (its hash is %.12s…, the chain head keeps %.12s…): replaced, or re-hashed after an edit", v.prev, head.hash)
	}
}

// historyOwner finds the proposal whose history lists record seq, or "".
func (t *txn) historyOwner(seq uint64) string {
	want := seqBytes(seq)
	c := t.history.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) > 9 && bytes.Equal(k[len(k)-8:], want) {
			return string(k[:len(k)-9])
		}
	}
	return ""
}

// ChainCheck verifies an audit log that is not in a bbolt Store (etcd's),
// by the same rules as Verify: fed every stored record in sequence order,
// with End at the chain head, it reports the first break.
type ChainCheck struct{ v verifier }

// NewChainCheck starts a check of a log whose first chained record is
// from (1 unless records predate the chain).
func NewChainCheck(from uint64) *ChainCheck {
	return &ChainCheck{v: verifier{from: from, prev: Genesis, next: 1}}
}

// Record checks the record stored under sequence number seq, as its raw
// bytes, and reports whether the chain still holds; after the first false
// the rest is not read.
func (c *ChainCheck) Record(seq uint64, raw []byte) bool {
	if c.v.broken == nil {
		c.v.checkSeq(seq, raw)
	}
	return c.v.broken == nil
}

// End checks the last record read against the chain head kept by the
// store, the last sequence number and hash it wrote, and returns the
// report.
func (c *ChainCheck) End(headSeq uint64, headHash string) ChainReport {
	if c.v.broken == nil {
		c.v.end(chainHead{seq: headSeq, hash: headHash})
	}
	return ChainReport{Records: c.v.read, Legacy: c.v.from - 1, Head: c.v.prev, Break: c.v.broken}
}
