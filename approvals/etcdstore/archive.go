package etcdstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Retention: Archive moves decided proposals and the oldest part of the
// audit log out of etcd into an archive file, in the bbolt store's format
// (approvals.ArchiveWith, approvals.ArchiveBatch), so that one
// VerifyArchive reads both. Every batch is written to the file first, then
// removed in one Txn that compares what the batch depends on: the anchor
// and each record's mod revision for the audit prefix, each proposal's
// mod revision for the proposals. Replicas appending records or deciding
// meanwhile never collide with it (records are appended after the head,
// and a proposal Archive moves is in a final state); a proposal changed
// since it was read stays for the next run, and of two runs at once, the
// one that finds the anchor moved stops (approvals.ErrArchiveRace) with
// its last batch also in the other's file.

// archiveScan bounds the proposals one read looks at while it looks for
// decided ones.
const archiveScan = 500

// archivedPrefix indexes archived proposals: id → the time of the run
// that archived it (RFC 3339), so that Get can say where a proposal went.
func (s *Store) archivedPrefix() string { return s.prefix + "archived/" }

func (s *Store) proposalsPrefix() string { return s.prefix + "proposals/" }

// Archive moves, out of the store into w, the audit log's prefix of
// records older than before and the proposals in a final state that
// reached it before before, as approvals.Store.Archive does. Each batch
// fits one Txn (Options.MaxTxnOps).
func (s *Store) Archive(before time.Time, w io.Writer) (approvals.ArchiveReport, error) {
	return s.ArchiveContext(context.Background(), before, w)
}

// ArchiveContext is Archive that stops between batches when ctx ends.
func (s *Store) ArchiveContext(ctx context.Context, before time.Time, w io.Writer) (approvals.ArchiveReport, error) {
	return approvals.ArchiveWith(ctx, approvals.ArchiveSteps{
		Now: s.now,
		Start: func() (approvals.ChainPoint, uint64, error) {
			_, anchor, from, _, err := s.readChainMeta()
			return anchor, from, err
		},
		Audit:     s.archiveAudit,
		Proposals: s.archiveProposals,
	}, before, w)
}

// readChainMeta reads the chain head, the anchor and the chain's start
// (chainMeta) at one revision, which it returns.
func (s *Store) readChainMeta() (head, approvals.ChainPoint, uint64, int64, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return head{}, approvals.ChainPoint{}, 0, 0, err
	}
	defer cancel()
	resp, err := s.kv.Get(ctx, s.prefix+"meta/", clientv3.WithPrefix())
	if err != nil {
		return head{}, approvals.ChainPoint{}, 0, 0, err
	}
	h, anchor, from, err := s.chainMeta(resp.Kvs)
	return h, anchor, from, resp.Header.Revision, err
}

// archiveAudit moves one batch of the audit prefix older than before:
// records after the anchor, checked to chain from it, written to w, then
// deleted with their history entries while the anchor moves to the last,
// in one Txn that compares the anchor and each record.
func (s *Store) archiveAudit(before time.Time, chainFrom uint64, from approvals.ChainPoint, w io.Writer) (int, approvals.ChainPoint, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return 0, approvals.ChainPoint{}, err
	}
	defer cancel()
	// The anchor and the records are read at one revision.
	resp, err := s.kv.Get(ctx, s.anchorKey())
	if err != nil {
		return 0, approvals.ChainPoint{}, err
	}
	rev := resp.Header.Revision
	_, start, _, err := s.chainMeta(resp.Kvs)
	if err != nil {
		return 0, start, err
	}
	if start != from {
		return 0, start, approvals.AnchorMoved(from, start)
	}
	t := s.newTxn(ctx, 0)
	t.read[s.anchorKey()] = 0
	if len(resp.Kvs) > 0 {
		t.read[s.anchorKey()] = resp.Kvs[0].ModRevision
	}
	// Each record deletes its key and its history entry; the anchor is
	// one more write.
	limit := max(1, (s.maxOps-1)/2)
	recs, err := s.kv.Get(ctx, s.auditKey(start.Seq+1), clientv3.WithRange(clientv3.GetPrefixRangeEnd(s.auditPrefix())),
		clientv3.WithLimit(int64(limit)), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend), clientv3.WithRev(rev))
	if err != nil {
		return 0, start, err
	}
	check := approvals.NewChainCheckAfter(chainFrom, start)
	var batch approvals.ArchiveBatch
	for _, kv := range recs.Kvs {
		seq, err := lastNumber(string(kv.Key))
		if err != nil {
			return 0, start, fmt.Errorf("%w: the audit log holds a key (%q) that is not a sequence number", approvals.ErrCorrupt, kv.Key)
		}
		var rec intents.AuditRecord
		if err := json.Unmarshal(kv.Value, &rec); err != nil {
			return 0, start, fmt.Errorf("%w: audit record %d: %v", approvals.ErrCorrupt, seq, err)
		}
		if !rec.At.Before(before) {
			break
		}
		if !check.Record(seq, kv.Value) {
			return 0, start, fmt.Errorf("the audit chain is broken, so nothing more was archived (run approvals verify): %w", check.Broken())
		}
		batch.Record(seq, kv.Value)
		t.read[string(kv.Key)] = kv.ModRevision
		t.del(string(kv.Key))
		t.del(s.historyPrefix(rec.ProposalID) + number(seq))
	}
	if batch.Len() == 0 {
		return 0, start, nil
	}
	last := check.Point()
	if err := batch.Flush(w); err != nil {
		return 0, start, fmt.Errorf("write audit records %d–%d: %w", start.Seq+1, last.Seq, err)
	}
	a, err := json.Marshal(head{Seq: last.Seq, Hash: last.Hash})
	if err != nil {
		return 0, start, err
	}
	t.put(s.anchorKey(), a)
	ok, err := t.apply()
	if err != nil {
		return 0, start, fmt.Errorf("remove audit records %d–%d (they are in the archive and still in the store): %w", start.Seq+1, last.Seq, err)
	}
	if !ok {
		_, now, _, _, err := s.readChainMeta()
		if err == nil && now == start {
			err = fmt.Errorf("%w: an audit record changed while it was archived", approvals.ErrCorrupt)
		} else if err == nil {
			err = approvals.AnchorMoved(start, now)
		}
		return 0, start, fmt.Errorf("records %d–%d were not removed by this run (its archive holds them, and so does the other run's): %w", start.Seq+1, last.Seq, err)
	}
	return batch.Len(), last, nil
}

// archiveProposals moves one batch of decided proposals among those with
// ids after after: written to w, then deleted and indexed as archived in
// one Txn that compares each one's mod revision. When one changed
// meanwhile, the Txn is tried again without it: it stays for the next run.
func (s *Store) archiveProposals(before time.Time, after string, w io.Writer) (int, string, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return 0, "", err
	}
	defer cancel()
	from := s.proposalsPrefix()
	if after != "" {
		from = s.proposalKey(after) + "\x00"
	}
	resp, err := s.kv.Get(ctx, from, clientv3.WithRange(clientv3.GetPrefixRangeEnd(s.proposalsPrefix())),
		clientv3.WithLimit(archiveScan), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return 0, "", err
	}
	// Each proposal is one compare, one delete and one put.
	limit := max(1, s.maxOps/2)
	var (
		batch approvals.ArchiveBatch
		keys  []string
		revs  []int64
		next  string
	)
	for i, kv := range resp.Kvs {
		if len(keys) == limit {
			break
		}
		next = lastPart(string(kv.Key))
		if i == len(resp.Kvs)-1 && !resp.More {
			next = "" // all were looked at
		}
		var p intents.Proposal
		if err := json.Unmarshal(kv.Value, &p); err != nil {
			return 0, "", fmt.Errorf("%w: proposal %s: %v", approvals.ErrCorrupt, kv.Key, err)
		}
		if !approvals.Archivable(p, before) {
			continue
		}
		batch.Proposal(p.ID, kv.Value)
		keys, revs = append(keys, string(kv.Key)), append(revs, kv.ModRevision)
	}
	if batch.Len() == 0 {
		return 0, next, nil
	}
	if err := batch.Flush(w); err != nil {
		return 0, "", fmt.Errorf("write %d proposals: %w", batch.Len(), err)
	}
	at := []byte(s.now().Format(time.RFC3339))
	for len(keys) > 0 {
		t := s.newTxn(ctx, 0)
		for i, k := range keys {
			t.read[k] = revs[i]
			t.del(k)
			t.put(s.archivedPrefix()+lastPart(k), at)
		}
		ok, err := t.apply()
		if err != nil {
			return 0, "", fmt.Errorf("remove %d proposals (they are in the archive and still in the store): %w", len(keys), err)
		}
		if ok {
			return len(keys), next, nil
		}
		// Keep those still as read.
		var stillKeys []string
		var stillRevs []int64
		for i, k := range keys {
			r, err := s.kv.Get(ctx, k)
			if err != nil {
				return 0, "", err
			}
			if len(r.Kvs) > 0 && r.Kvs[0].ModRevision == revs[i] {
				stillKeys, stillRevs = append(stillKeys, k), append(stillRevs, revs[i])
			}
		}
		keys, revs = stillKeys, stillRevs
	}
	return 0, next, nil
}

// archivedErr turns a not-found id that Archive moved out into an error
// that says so (approvals.ArchivedError); other errors pass unchanged.
func (t *txn) archivedErr(id string, err error) error {
	if !errors.Is(err, intents.ErrNotFound) {
		return err
	}
	v, gerr := t.get(t.s.archivedPrefix() + id)
	if gerr != nil || v == nil {
		return err
	}
	at, perr := time.Parse(time.RFC3339, string(v))
	if perr != nil {
		return err
	}
	return approvals.ArchivedError(id, at)
}

// ContinuesArchive checks the store's audit log against an archive, as
// approvals.Store.ContinuesArchive does (approvals.ContinuesFrom), reading
// the anchor and the records at one revision.
func (s *Store) ContinuesArchive(a approvals.ArchiveCheck) (approvals.Continuity, error) {
	_, anchor, from, rev, err := s.readChainMeta()
	if err != nil {
		return 0, fmt.Errorf("approvals: check archive: %w", err)
	}
	out, err := approvals.ContinuesFrom(a, anchor, from, func(fn func(seq uint64, raw []byte) bool) error {
		err := s.records(anchor.Seq+1, rev, func(seq uint64, raw []byte) error {
			if !fn(seq, raw) {
				return errStop
			}
			return nil
		})
		if err == errStop {
			return nil
		}
		return err
	})
	var brk *approvals.ChainBreak
	if errors.As(err, &brk) {
		return 0, brk
	}
	if err != nil {
		return 0, fmt.Errorf("approvals: check archive: %w", err)
	}
	return out, nil
}
