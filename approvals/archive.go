package approvals

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Retention: Archive moves decided proposals and the oldest part of the
// audit log out of the bbolt file into an archive, JSON lines:
//
//	{"type":"header","version":1,...}               first line, once
//	{"type":"audit","seq":7,"record":{...}}          one audit record, its stored bytes
//	{"type":"proposal","id":"p-…","proposal":{...}}  one decided proposal
//
// The audit log is a hash chain, so only a whole prefix of it leaves the
// store: the records from the first one still stored up to the first
// record at or after the cut-off, never a hole in the middle. The last
// archived record's sequence and hash, the anchor, stay in the meta
// bucket: the store's remaining chain verifies from it, and the archive's
// last record must be it.

// ArchiveVersion is the archive format this package writes and reads.
const ArchiveVersion = 1

// archiveBatch is how many audit records or proposals one batch moves: one
// read transaction, one write to the archive and its fsync, one write
// transaction. archiveScan bounds the proposals one read transaction looks
// at while it looks for decided ones.
var (
	archiveBatch = 500
	archiveScan  = 5000
)

// Archive line types.
const (
	lineHeader   = "header"
	lineAudit    = "audit"
	lineProposal = "proposal"
)

// bucketArchived indexes archived proposals: id → the time of the run that
// archived it (8 bytes), so that Get can say where a proposal went. At
// about 20 bytes a proposal it stays small beside what it replaces.
var bucketArchived = []byte("archived")

// keyAuditAnchor is the last archived audit record's sequence and hash
// (chainHead's layout); absent until a record is archived.
var keyAuditAnchor = []byte("auditAnchor")

// ErrArchived is Get of a proposal that Archive moved out of the store. It
// comes with intents.ErrNotFound.
var ErrArchived = errors.New("archived")

// ChainPoint is one place in the audit chain: a record's sequence number
// and hash. Sequence 0 with Genesis is the start of the log.
type ChainPoint struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// archiveHeader is an archive file's first line.
type archiveHeader struct {
	Type    string    `json:"type"`
	Version int       `json:"version"`
	App     string    `json:"app"`
	Created time.Time `json:"created"`
	Before  time.Time `json:"before"`
	// From is the record before the archive's first: the store's anchor
	// when the run began.
	From ChainPoint `json:"from"`
	// ChainFrom is the first chained sequence: records before it predate
	// the chain (see startChain).
	ChainFrom uint64 `json:"chainFrom"`
}

// archiveLine is any later line.
type archiveLine struct {
	Type     string          `json:"type"`
	Seq      uint64          `json:"seq,omitempty"`
	Record   json.RawMessage `json:"record,omitempty"`
	ID       string          `json:"id,omitempty"`
	Proposal json.RawMessage `json:"proposal,omitempty"`
}

// ArchiveReport is what one Archive run moved.
type ArchiveReport struct {
	Before time.Time
	// From is the anchor before the run, Anchor after it; the run moved
	// records From.Seq+1 to Anchor.Seq.
	From, Anchor ChainPoint
	Records      int // audit records moved
	Proposals    int // proposals moved
	Batches      int // batches written to the archive and removed from the store
}

// Moved reports whether the run moved anything.
func (r ArchiveReport) Moved() bool { return r.Records > 0 || r.Proposals > 0 }

// Archive moves, out of the store into w, the audit log's prefix of records
// older than before and the proposals in a final state (executed, failed,
// rejected, expired, unknown) that reached it before before. Pending,
// approved and executing proposals are never moved, however old.
//
// It works a batch at a time: read the batch, write it to w, fsync w when it
// has a Sync method (an *os.File does), and only then remove the batch from
// the store in one transaction. A crash or an error between batches leaves
// a store whose chain verifies from its anchor; a run that stops after
// writing a batch and before removing it leaves that batch both in w and in
// the store, so the next run's archive repeats it (identical lines: the same
// sequence numbers and hashes, the same proposals). A crash while writing
// may leave w's last line cut off; VerifyArchive reports it, and its records
// are still in the store. A store whose chain is broken is not archived:
// the error names the break.
func (s *Store) Archive(before time.Time, w io.Writer) (ArchiveReport, error) {
	return s.ArchiveContext(context.Background(), before, w)
}

// ArchiveContext is Archive that stops between batches when ctx ends.
func (s *Store) ArchiveContext(ctx context.Context, before time.Time, w io.Writer) (ArchiveReport, error) {
	return ArchiveWith(ctx, ArchiveSteps{
		Now: s.now,
		Start: func() (from ChainPoint, chainFrom uint64, err error) {
			err = s.view(func(t *txn) error {
				if from, err = t.anchor(); err != nil {
					return err
				}
				chainFrom, err = t.chainFrom()
				return err
			})
			return from, chainFrom, err
		},
		Audit:     s.archiveAudit,
		Proposals: s.archiveProposals,
	}, before, w)
}

// ArchiveSteps are the store-specific steps of an archive run, which
// ArchiveWith drives: every store archives alike, in the same format.
type ArchiveSteps struct {
	// Now is the store's clock, for the header.
	Now func() time.Time
	// Start reads the anchor (Genesis at 0 when nothing was archived) and
	// the first chained sequence.
	Start func() (from ChainPoint, chainFrom uint64, err error)
	// Audit moves one batch of the audit prefix older than before: it
	// checks the batch chains from the anchor, writes it to w
	// (ArchiveBatch) and only then removes it from the store, moving the
	// anchor; it returns how many records it moved (0: the prefix is done)
	// and the new anchor. from is where w's records end: a store whose
	// anchor is elsewhere, or moves before the batch is removed, was
	// archived by another run meanwhile, and Audit returns an error
	// wrapping ErrArchiveRace.
	Audit func(before time.Time, chainFrom uint64, from ChainPoint, w io.Writer) (int, ChainPoint, error)
	// Proposals moves one batch of the proposals that Archivable accepts
	// among those with ids after after ("": from the first): it writes
	// them to w, then removes those unchanged since they were read and
	// remembers their ids as archived. It returns how many it moved and
	// the id to go on after, "" when all were looked at.
	Proposals func(before time.Time, after string, w io.Writer) (int, string, error)
}

// ErrArchiveRace is an archive run that found the audit anchor moved by
// another run between reading a batch and removing it: the batch it wrote
// last is in that run's archive too, identical, and nothing was lost.
var ErrArchiveRace = errors.New("another archive run moved the audit anchor")

// AnchorMoved is the error of a run that found the anchor at now, where
// its archive ends at was: it wraps ErrArchiveRace.
func AnchorMoved(was, now ChainPoint) error {
	return fmt.Errorf("%w from record %d to %d: the archive this run wrote ends at record %d, and another run's archive continues the store", ErrArchiveRace, was.Seq, now.Seq, was.Seq)
}

// ArchiveWith runs an archive (see Store.Archive) through a store's steps:
// the header, the audit prefix batch by batch, then the proposals, and
// stops between batches when ctx ends.
func ArchiveWith(ctx context.Context, st ArchiveSteps, before time.Time, w io.Writer) (ArchiveReport, error) {
	before = before.UTC().Round(0)
	rep := ArchiveReport{Before: before}
	from, chainFrom, err := st.Start()
	if err != nil {
		return rep, fmt.Errorf("approvals: archive: %w", err)
	}
	rep.From, rep.Anchor = from, from
	hdr := archiveHeader{Type: lineHeader, Version: ArchiveVersion, App: appName, Created: st.Now().UTC().Round(0),
		Before: before, From: from, ChainFrom: chainFrom}
	if err := writeBatch(w, []any{hdr}); err != nil {
		return rep, fmt.Errorf("approvals: archive: write the header: %w", err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("approvals: archive: stopped: %w", err)
		}
		n, last, err := st.Audit(before, chainFrom, rep.Anchor, w)
		if err != nil {
			return rep, fmt.Errorf("approvals: archive: %w", err)
		}
		if n == 0 {
			break
		}
		rep.Records += n
		rep.Anchor = last
		rep.Batches++
	}
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("approvals: archive: stopped: %w", err)
		}
		n, next, err := st.Proposals(before, after, w)
		if err != nil {
			return rep, fmt.Errorf("approvals: archive: %w", err)
		}
		if n > 0 {
			rep.Proposals += n
			rep.Batches++
		}
		if next == "" {
			return rep, nil
		}
		after = next
	}
}

// ArchiveBatch is lines of an archive file (audit records and proposals,
// as stored), written with one Write (Flush).
type ArchiveBatch struct{ lines []any }

// Record adds the audit record stored under seq, its stored bytes.
func (b *ArchiveBatch) Record(seq uint64, raw []byte) {
	b.lines = append(b.lines, archiveLine{Type: lineAudit, Seq: seq, Record: bytes.Clone(raw)})
}

// Proposal adds proposal id, its stored bytes.
func (b *ArchiveBatch) Proposal(id string, raw []byte) {
	b.lines = append(b.lines, archiveLine{Type: lineProposal, ID: id, Proposal: bytes.Clone(raw)})
}

// Len is how many lines the batch holds.
func (b *ArchiveBatch) Len() int { return len(b.lines) }

// Flush writes the batch to w in one Write and fsyncs w when it has a Sync
// method (an *os.File does).
func (b *ArchiveBatch) Flush(w io.Writer) error { return writeBatch(w, b.lines) }

// writeBatch writes lines to w in one Write and fsyncs w if it can.
func writeBatch(w io.Writer, lines []any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // records are embedded byte for byte
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	if f, ok := w.(interface{ Sync() error }); ok {
		return f.Sync()
	}
	return nil
}

// archiveAudit moves one batch of the audit prefix older than before,
// after from (ArchiveSteps.Audit). It returns how many records it moved
// and the new anchor.
func (s *Store) archiveAudit(before time.Time, chainFrom uint64, from ChainPoint, w io.Writer) (int, ChainPoint, error) {
	var start ChainPoint
	var batch ArchiveBatch
	var raws [][]byte
	var owners []string
	var last ChainPoint
	err := s.view(func(t *txn) error {
		var err error
		if start, err = t.anchor(); err != nil {
			return err
		}
		if start != from {
			return AnchorMoved(from, start)
		}
		v := verifier{from: chainFrom, anchor: start.Seq, next: start.Seq + 1, prev: start.Hash}
		c := t.audits.Cursor()
		for k, raw := c.Seek(seqBytes(start.Seq + 1)); k != nil && batch.Len() < archiveBatch; k, raw = c.Next() {
			var rec intents.AuditRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return fmt.Errorf("%w: audit record %x: %v", ErrCorrupt, k, err)
			}
			if !rec.At.Before(before) {
				break
			}
			if v.check(k, raw); v.broken != nil {
				return fmt.Errorf("the audit chain is broken, so nothing more was archived (run approvals verify): %w", v.broken)
			}
			seq := binary.BigEndian.Uint64(k)
			batch.Record(seq, raw)
			raws = append(raws, bytes.Clone(raw))
			owners = append(owners, rec.ProposalID)
			last = ChainPoint{Seq: seq, Hash: v.prev}
		}
		return nil
	})
	if err != nil || batch.Len() == 0 {
		return 0, start, err
	}
	if err := batch.Flush(w); err != nil {
		return 0, start, fmt.Errorf("write audit records %d–%d: %w", start.Seq+1, last.Seq, err)
	}
	err = s.update(func(t *txn) error {
		now, err := t.anchor()
		if err != nil {
			return err
		}
		if now != start {
			return AnchorMoved(start, now)
		}
		for i, raw := range raws {
			seq := start.Seq + 1 + uint64(i)
			if !bytes.Equal(t.audits.Get(seqBytes(seq)), raw) {
				return fmt.Errorf("%w: audit record %d changed while it was archived", ErrCorrupt, seq)
			}
			if err := t.audits.Delete(seqBytes(seq)); err != nil {
				return err
			}
			if err := t.history.Delete(historyKey(owners[i], seq)); err != nil {
				return err
			}
		}
		if err := t.meta.Put(keySchema, []byte(strconv.Itoa(schemaArchived))); err != nil {
			return err
		}
		return t.meta.Put(keyAuditAnchor, chainHead{seq: last.Seq, hash: last.Hash}.bytes())
	})
	if err != nil {
		return 0, start, fmt.Errorf("remove audit records %d–%d (they are in the archive and still in the store): %w", start.Seq+1, last.Seq, err)
	}
	return batch.Len(), last, nil
}

// archiveProposals moves one batch of decided proposals, looking at ids
// after after ("": from the first). It returns how many it moved and the
// id to continue after, "" when the bucket is done.
func (s *Store) archiveProposals(before time.Time, after string, w io.Writer) (int, string, error) {
	var batch ArchiveBatch
	var ids []string
	var raws [][]byte
	var next string
	err := s.view(func(t *txn) error {
		c := t.proposals.Cursor()
		k, raw := c.First()
		if after != "" {
			// after may have been archived since: Seek lands on the next id.
			if k, raw = c.Seek([]byte(after)); string(k) == after {
				k, raw = c.Next()
			}
		}
		for scanned := 0; k != nil; k, raw = c.Next() {
			if batch.Len() == archiveBatch || scanned == archiveScan {
				return nil
			}
			scanned++
			next = string(k)
			var p intents.Proposal
			if err := json.Unmarshal(raw, &p); err != nil {
				return fmt.Errorf("%w: proposal %s: %v", ErrCorrupt, k, err)
			}
			if !Archivable(p, before) {
				continue
			}
			batch.Proposal(p.ID, raw)
			ids = append(ids, p.ID)
			raws = append(raws, bytes.Clone(raw))
		}
		next = "" // the bucket is done
		return nil
	})
	if err != nil || batch.Len() == 0 {
		return 0, next, err
	}
	if err := batch.Flush(w); err != nil {
		return 0, "", fmt.Errorf("write %d proposals: %w", batch.Len(), err)
	}
	at := timeBytes(s.now())
	moved := 0
	err = s.update(func(t *txn) error {
		archived, err := t.tx.CreateBucketIfNotExists(bucketArchived)
		if err != nil {
			return err
		}
		for i, sid := range ids {
			id := []byte(sid)
			// A proposal changed since it was read stays, and the next run
			// archives it again, as it now is.
			if !bytes.Equal(t.proposals.Get(id), raws[i]) {
				continue
			}
			if err := t.proposals.Delete(id); err != nil {
				return err
			}
			if err := archived.Put(id, at); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	if err != nil {
		return 0, "", fmt.Errorf("remove %d proposals (they are in the archive and still in the store): %w", batch.Len(), err)
	}
	return moved, next, nil
}

// Archivable reports whether p is decided, in a final state, and reached
// it before before: what Archive moves.
func Archivable(p intents.Proposal, before time.Time) bool {
	switch p.State {
	case intents.StateExecuted, intents.StateFailed, intents.StateRejected, intents.StateExpired, intents.StateUnknown:
		return p.Updated.Before(before)
	}
	return false
}

// anchor reads the last archived record's place; Genesis at 0 when nothing
// was archived.
func (t *txn) anchor() (ChainPoint, error) {
	v := t.meta.Get(keyAuditAnchor)
	if v == nil {
		return ChainPoint{Seq: 0, Hash: Genesis}, nil
	}
	if len(v) != 8+2*sha256.Size {
		return ChainPoint{}, fmt.Errorf("%w: the audit anchor is damaged", ErrCorrupt)
	}
	return ChainPoint{Seq: binary.BigEndian.Uint64(v[:8]), Hash: string(v[8:])}, nil
}

// archivedErr turns a not-found id that Archive moved out into an error
// that says so; other errors pass unchanged.
func (t *txn) archivedErr(id string, err error) error {
	if !errors.Is(err, intents.ErrNotFound) {
		return err
	}
	b := t.tx.Bucket(bucketArchived)
	if b == nil {
		return err
	}
	v := b.Get([]byte(id))
	if v == nil {
		return err
	}
	return ArchivedError(id, bytesTime(v))
}

// ArchivedError is Get's answer for proposal id, which an archive run at
// at moved out of the store: it wraps ErrArchived and intents.ErrNotFound.
func ArchivedError(id string, at time.Time) error {
	return fmt.Errorf("proposal %s was %w on %s (decided before the retention cut-off): it is in the archive files, no longer in this store: %w",
		id, ErrArchived, at.UTC().Format("2006-01-02"), intents.ErrNotFound)
}

// ArchiveCheck is what VerifyArchive found in one archive file.
type ArchiveCheck struct {
	Version         int
	Created, Before time.Time
	// From is the record the archive continues (its header's), Last the
	// last audit record it holds (From when none).
	From, Last ChainPoint
	Records    int // audit records
	Proposals  int
	// Break is the first problem: a record altered, missing, moved or
	// added, or a line that is not as Archive writes it. Nil when the
	// archive holds.
	Break *ChainBreak
	// CutOff is the number of the last line when it is cut off (a run
	// interrupted while writing it); 0 when it is whole. Its records were
	// not removed from the store.
	CutOff int
}

// VerifyArchive checks an archive file: a header Archive writes, then audit
// records that chain, each to the one before, from the header's From with
// no gap, and proposals in a final state. It reports the first problem in
// the report's Break; the error is for a file that cannot be read.
func VerifyArchive(r io.Reader) (ArchiveCheck, error) {
	var rep ArchiveCheck
	br := bufio.NewReader(r)
	var v verifier
	lineNo := 0
	fail := func(seq uint64, problem, format string, a ...any) {
		rep.Break = &ChainBreak{Seq: seq, Problem: problem, Detail: fmt.Sprintf("line %d: ", lineNo) + fmt.Sprintf(format, a...)}
	}
	for rep.Break == nil {
		line, err := br.ReadBytes('\n')
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return rep, fmt.Errorf("approvals: verify archive: %w", err)
		}
		lineNo++
		whole := err == nil
		if lineNo == 1 {
			var h archiveHeader
			if json.Unmarshal(line, &h) != nil || h.Type != lineHeader || h.App != appName {
				fail(0, BrokenForm, "not an oktabot archive: the first line is not its header")
				break
			}
			if h.Version != ArchiveVersion {
				fail(0, BrokenForm, "archive version %d; this oktabot reads version %d", h.Version, ArchiveVersion)
				break
			}
			rep.Version, rep.Created, rep.Before, rep.From, rep.Last = h.Version, h.Created, h.Before, h.From, h.From
			v = verifier{from: h.ChainFrom, anchor: h.From.Seq, next: h.From.Seq + 1, prev: h.From.Hash}
			continue
		}
		var l archiveLine
		if err := json.Unmarshal(line, &l); err != nil {
			if !whole {
				rep.CutOff = lineNo
				break
			}
			fail(v.next, BrokenForm, "not a readable line: %v", err)
			break
		}
		switch l.Type {
		case lineAudit:
			v.check(seqBytes(l.Seq), l.Record)
			if b := v.broken; b != nil {
				b.Detail = fmt.Sprintf("line %d: ", lineNo) + b.Detail
				rep.Break = b
				break
			}
			rep.Records++
			rep.Last = ChainPoint{Seq: l.Seq, Hash: v.prev}
		case lineProposal:
			var p intents.Proposal
			if err := json.Unmarshal(l.Proposal, &p); err != nil || p.ID != l.ID || l.ID == "" {
				fail(v.next, BrokenForm, "proposal %s is not a readable proposal", l.ID)
				break
			}
			if !Archivable(p, rep.Before) {
				fail(v.next, BrokenForm, "proposal %s is %s since %s: the archive holds only proposals decided before %s", p.ID, p.State,
					p.Updated.Format(time.RFC3339), rep.Before.Format(time.RFC3339))
				break
			}
			rep.Proposals++
		default:
			fail(v.next, BrokenForm, "unknown line type %q", l.Type)
		}
	}
	if lineNo == 0 {
		fail(0, BrokenForm, "the file is empty")
	}
	return rep, nil
}

// Continuity is how the store's audit log stands to an archive.
type Continuity int

const (
	// Continues means the archive's last record is the store's anchor, so the
	// store's first record follows it.
	Continues Continuity = iota + 1
	// Overlaps means the store still holds the archive's last records, the
	// same ones (a run stopped after writing them, before removing them);
	// the next run archives them again.
	Overlaps
	// Earlier means the archive ends before the store's anchor; a later
	// archive continues it.
	Earlier
)

// ContinuesArchive checks the store's audit log against an archive
// VerifyArchive read: that the store's anchor is the archive's last record,
// or that the archive's last record is still in the store, the same, or
// that the archive is an earlier one. A store that contradicts the archive
// gives a *ChainBreak.
func (s *Store) ContinuesArchive(a ArchiveCheck) (Continuity, error) {
	var out Continuity
	err := s.view(func(t *txn) error {
		anchor, err := t.anchor()
		if err != nil {
			return err
		}
		from, err := t.chainFrom()
		if err != nil {
			return err
		}
		out, err = ContinuesFrom(a, anchor, from, func(fn func(seq uint64, raw []byte) bool) error {
			c := t.audits.Cursor()
			for k, raw := c.Seek(seqBytes(anchor.Seq + 1)); k != nil; k, raw = c.Next() {
				if len(k) != 8 || !fn(binary.BigEndian.Uint64(k), raw) {
					return nil
				}
			}
			return nil
		})
		return err
	})
	var brk *ChainBreak
	if errors.As(err, &brk) {
		return 0, brk
	}
	if err != nil {
		return 0, fmt.Errorf("approvals: check archive: %w", err)
	}
	return out, nil
}

// ContinuesFrom is ContinuesArchive on any store: anchor and chainFrom are
// the store's, and records calls fn with the store's records after the
// anchor, in order, until fn returns false, all read at one point in time.
// A store that contradicts the archive gives a *ChainBreak.
func ContinuesFrom(a ArchiveCheck, anchor ChainPoint, chainFrom uint64, records func(fn func(seq uint64, raw []byte) bool) error) (Continuity, error) {
	switch {
	case a.Last.Seq == anchor.Seq && a.Last.Hash == anchor.Hash:
		return Continues, nil
	case a.Last.Seq == anchor.Seq:
		return 0, &ChainBreak{Seq: anchor.Seq, Problem: BrokenLink,
			Detail: fmt.Sprintf("the store's anchor keeps hash %.12s… for record %d, the archive's record has %.12s…: not the archive this store continues, or one of them was changed", anchor.Hash, anchor.Seq, a.Last.Hash)}
	case a.Last.Seq < anchor.Seq:
		return Earlier, nil
	}
	// Walk the store's chain from its anchor to the archive's last record
	// (one batch, after an interrupted run): its hash there, chained or
	// sealed, must be the archive's.
	v := verifier{from: chainFrom, anchor: anchor.Seq, next: anchor.Seq + 1, prev: anchor.Hash}
	err := records(func(seq uint64, raw []byte) bool {
		v.checkSeq(seq, raw)
		return v.broken == nil && v.next <= a.Last.Seq
	})
	if err != nil {
		return 0, err
	}
	if v.broken != nil || v.next <= a.Last.Seq || v.prev != a.Last.Hash {
		return 0, &ChainBreak{Seq: a.Last.Seq, Problem: BrokenLink,
			Detail: fmt.Sprintf("the archive ends at record %d, after the store's anchor (record %d), and the store does not hold that record as archived", a.Last.Seq, anchor.Seq)}
	}
	return Overlaps, nil
}

func (c Continuity) String() string {
	switch c {
	case Continues:
		return "continues"
	case Overlaps:
		return "overlaps"
	case Earlier:
		return "earlier"
	}
	return "unknown"
}

// Point is the last record the check accepted, its sequence and hash (the
// anchor, or sequence 0 and Genesis, before the first).
func (c *ChainCheck) Point() ChainPoint { return ChainPoint{Seq: c.v.next - 1, Hash: c.v.prev} }

// Broken is the first problem the check found; nil while the chain holds.
func (c *ChainCheck) Broken() *ChainBreak { return c.v.broken }
