package etcdstore

import (
	"encoding/json"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// head is the audit chain's head: the last record's sequence and hash.
type head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// head reads the chain head (in a new store: no record, Genesis). Read
// through t, it is compared when t commits, so two writers appending at
// once cannot both chain from it: one commits, the other starts again.
func (t *txn) head() (head, error) {
	data, err := t.get(t.s.headKey())
	if err != nil || data == nil {
		return head{Hash: approvals.Genesis}, err
	}
	var h head
	if err := json.Unmarshal(data, &h); err != nil || len(h.Hash) != len(approvals.Genesis) {
		return head{}, fmt.Errorf("%w: the audit chain head is damaged", approvals.ErrCorrupt)
	}
	return h, nil
}

// Audit appends rec after the chain head, sealed as the bbolt store seals
// it (approvals.SealRecord), moves the head and indexes the record under
// its proposal.
func (t *txn) Audit(rec intents.AuditRecord) error {
	h, err := t.head()
	if err != nil {
		return err
	}
	seq := h.Seq + 1
	data, hash, err := approvals.SealRecord(rec, seq, h.Hash)
	if err != nil {
		return fmt.Errorf("encode audit record: %w", err)
	}
	next, err := json.Marshal(head{Seq: seq, Hash: hash})
	if err != nil {
		return err
	}
	t.put(t.s.auditKey(seq), data)
	t.put(t.s.headKey(), next)
	t.put(t.s.historyPrefix(rec.ProposalID)+number(seq), nil)
	return nil
}

// auditBatch is how many records Audit and Verify read per request.
const auditBatch = 256

// records calls fn with the audit records from sequence from on, in
// order, as stored, batch by batch; at rev (0: the latest of each batch).
func (s *Store) records(from uint64, rev int64, fn func(seq uint64, raw []byte) error) error {
	end := clientv3.GetPrefixRangeEnd(s.auditPrefix())
	for {
		ctx, cancel, err := s.context()
		if err != nil {
			return err
		}
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(auditBatch), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend)}
		if rev > 0 {
			opts = append(opts, clientv3.WithRev(rev))
		}
		resp, err := s.kv.Get(ctx, s.auditKey(from), opts...)
		cancel()
		if err != nil {
			return err
		}
		for _, kv := range resp.Kvs {
			seq, err := lastNumber(string(kv.Key))
			if err != nil {
				return fmt.Errorf("%w: the audit log holds a key (%q) that is not a sequence number", approvals.ErrCorrupt, kv.Key)
			}
			if err := fn(seq, kv.Value); err != nil {
				return err
			}
			from = seq + 1
		}
		if !resp.More {
			return nil
		}
	}
}

// Audit calls fn with every audit record in order, oldest first, and stops
// at fn's first error, which it returns.
func (s *Store) Audit(fn func(intents.AuditRecord) error) error {
	var fnErr error
	err := s.records(1, 0, func(seq uint64, raw []byte) error {
		var rec intents.AuditRecord
		if err := json.Unmarshal(raw, &rec); err != nil {
			return fmt.Errorf("%w: audit record %d: %v", approvals.ErrCorrupt, seq, err)
		}
		fnErr = fn(rec)
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("approvals: audit: %w", err)
	}
	return nil
}

// History returns one proposal's audit records, oldest first; an id with
// no records gives an empty list.
func (s *Store) History(id string) ([]intents.AuditRecord, error) {
	id = approvals.CanonicalID(id)
	keys, _, rev, err := s.scan(s.historyPrefix(id))
	if err != nil {
		return nil, fmt.Errorf("approvals: history %s: %w", id, err)
	}
	var out []intents.AuditRecord
	err = s.view(rev, func(t *txn) error {
		for _, k := range keys {
			seq, err := lastNumber(k)
			if err != nil {
				return fmt.Errorf("%w: history key %q", approvals.ErrCorrupt, k)
			}
			data, err := t.get(s.auditKey(seq))
			if err != nil {
				return err
			}
			if data == nil {
				return fmt.Errorf("%w: audit record %d of %s is missing", approvals.ErrCorrupt, seq, id)
			}
			var rec intents.AuditRecord
			if err := json.Unmarshal(data, &rec); err != nil {
				return fmt.Errorf("%w: audit record %d: %v", approvals.ErrCorrupt, seq, err)
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: history %s: %w", id, err)
	}
	return out, nil
}

// Verify checks the audit chain as approvals.Store.Verify does
// (approvals.ChainCheck), reading the head and every record at one
// revision.
func (s *Store) Verify() (approvals.ChainReport, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return approvals.ChainReport{}, fmt.Errorf("approvals: verify: %w", err)
	}
	resp, err := s.kv.Get(ctx, s.prefix+"meta/", clientv3.WithPrefix())
	cancel()
	if err != nil {
		return approvals.ChainReport{}, fmt.Errorf("approvals: verify: %w", err)
	}
	h, anchor, from, err := s.chainMeta(resp.Kvs)
	if err != nil {
		return approvals.ChainReport{}, fmt.Errorf("approvals: verify: %w", err)
	}
	check := approvals.NewChainCheckAfter(from, anchor)
	err = s.records(1, resp.Header.Revision, func(seq uint64, raw []byte) error {
		if !check.Record(seq, raw) {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return approvals.ChainReport{}, fmt.Errorf("approvals: verify: %w", err)
	}
	rep := check.End(h.Seq, h.Hash)
	rep.Anchor = anchor
	return rep, nil
}

// errStop ends a walk early.
var errStop = fmt.Errorf("stop")
