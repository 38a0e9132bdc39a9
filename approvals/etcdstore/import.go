package etcdstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// ErrNotEmpty is Import's refusal of a prefix that already holds state.
var ErrNotEmpty = errors.New("the etcd prefix already holds state")

// importBytes bounds the values one import Txn writes, well under etcd's
// request limit (about 1.5 MiB).
const importBytes = 1 << 20

// Counts is how much state a store holds.
type Counts struct {
	Proposals, Records, Incidents, Suppressions, Scans int
}

// ImportReport is what Import read and wrote.
type ImportReport struct {
	Counts
	// Head is the chain head written: the last record's sequence and hash.
	Head approvals.ChainPoint
	// Anchor is the archive anchor carried over (sequence 0: none).
	Anchor approvals.ChainPoint
	// Txns is how many etcd Txns it took.
	Txns int
}

// Import copies a store's state, as export gives it (approvals.Store's
// Export), under the prefix: the audit records as they were stored, under
// the same sequence numbers, so that their hashes verify; the chain head,
// its start and the archive anchor; the proposals, incidents and
// suppressions as stored, with the indexes their states make (pending,
// active, same, history, open, outbox, the subjects' newest incidents);
// the watcher's cursor and windows; and the scans. It writes in Txns that
// fit Options.MaxTxnOps and etcd's request size, each comparing that the
// chain head is still absent, and the head last: a store another writer
// starts meanwhile stops the import. It refuses, writing nothing, a prefix
// that holds any key (ErrNotEmpty); an import stopped part way leaves the
// prefix partly written, without a head, and a second run is refused
// until the prefix is deleted.
func (s *Store) Import(export func(func(approvals.Item) error) error) (ImportReport, error) {
	var rep ImportReport
	n, err := s.count(s.prefix)
	if err != nil {
		return rep, fmt.Errorf("etcdstore: import: %w", err)
	}
	if n > 0 {
		return rep, fmt.Errorf("etcdstore: import: %w: %s holds %d keys; import only into an empty prefix (or delete it first)", ErrNotEmpty, s.prefix, n)
	}
	ctx, cancel, err := s.context()
	if err != nil {
		return rep, fmt.Errorf("etcdstore: import: %w", err)
	}
	defer cancel()
	b := &importer{s: s, rep: &rep}
	b.t = b.fresh(ctx)
	var chain approvals.Item
	err = export(func(it approvals.Item) error {
		if err := b.room(ctx); err != nil {
			return err
		}
		t := b.t
		switch it.Kind {
		case approvals.ItemChain:
			chain = it
			rep.Anchor = it.Anchor
		case approvals.ItemAudit:
			t.put(s.auditKey(it.Seq), it.Data)
			t.put(s.historyPrefix(it.ID)+number(it.Seq), nil)
			rep.Records++
		case approvals.ItemProposal:
			var p intents.Proposal
			if err := json.Unmarshal(it.Data, &p); err != nil || p.ID != it.ID {
				return fmt.Errorf("%w: proposal %s is not readable", approvals.ErrCorrupt, it.ID)
			}
			if err := t.Save(&p, ""); err != nil {
				return err
			}
			t.put(s.proposalKey(it.ID), it.Data) // as stored
			rep.Proposals++
		case approvals.ItemIncident:
			inc, err := decodeIncident(it.ID, it.Data)
			if err != nil {
				return err
			}
			if err := t.SaveIncident(inc); err != nil {
				return err
			}
			t.put(s.incidentKey(it.ID), it.Data)
			rep.Incidents++
		case approvals.ItemIncidentKey:
			return t.SetNewestIncident(it.Key, it.ID)
		case approvals.ItemSuppression:
			if _, err := decodeSuppression(it.ID, it.Data); err != nil {
				return err
			}
			t.put(s.suppressionsPrefix()+it.ID, it.Data)
			rep.Suppressions++
		case approvals.ItemWatch:
			if it.Key == "" && len(it.Windows) == 0 {
				return nil
			}
			return t.PutWatchState(it.Key, it.Windows)
		case approvals.ItemScan:
			return b.scan(ctx, it)
		default:
			return fmt.Errorf("unknown item kind %d", it.Kind)
		}
		return nil
	})
	if err == nil && chain.Kind != approvals.ItemChain {
		err = errors.New("the export gave no chain head")
	}
	if err == nil {
		err = b.finish(ctx, chain)
	}
	if err != nil {
		return rep, fmt.Errorf("etcdstore: import into %s: %w", s.prefix, err)
	}
	return rep, nil
}

// importer fills one Txn after another.
type importer struct {
	s   *Store
	t   *txn
	rep *ImportReport
}

// fresh starts a Txn that reads the chain head, so that its commit
// compares the head is still absent.
func (b *importer) fresh(ctx context.Context) *txn {
	t := b.s.newTxn(ctx, 0)
	t.read[b.s.headKey()] = 0
	return t
}

// room commits the Txn when the next item, at most a few dozen
// operations, might not fit.
func (b *importer) room(ctx context.Context) error {
	size := 0
	for _, v := range b.t.writes {
		if v != nil {
			size += len(*v)
		}
	}
	if max(len(b.t.read), len(b.t.order)) < b.s.maxOps-40 && size < importBytes {
		return nil
	}
	return b.commit(ctx)
}

func (b *importer) commit(ctx context.Context) error {
	ok, err := b.t.apply()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: another writer started a store under %s during the import", ErrNotEmpty, b.s.prefix)
	}
	b.rep.Txns++
	b.t = b.fresh(ctx)
	return nil
}

// scan writes one job's state and chunks as SaveScan leaves them.
func (b *importer) scan(ctx context.Context, it approvals.Item) error {
	p := b.s.scanPrefix(it.Key)
	for i, c := range it.Chunks {
		if err := b.room(ctx); err != nil {
			return err
		}
		b.t.put(p+"chunks/"+number(uint64(i+1)), c)
	}
	if len(it.Chunks) > 0 {
		b.t.put(p+"count", []byte(fmt.Sprint(len(it.Chunks))))
	}
	b.t.put(p+"state", it.Data)
	b.rep.Scans++
	return nil
}

// finish writes the chain's start, anchor and head, and commits.
func (b *importer) finish(ctx context.Context, chain approvals.Item) error {
	if err := b.room(ctx); err != nil {
		return err
	}
	if chain.ChainFrom > 1 {
		b.t.put(b.s.chainFromKey(), []byte(fmt.Sprint(chain.ChainFrom)))
	}
	if chain.Anchor.Seq > 0 {
		a, err := json.Marshal(head{Seq: chain.Anchor.Seq, Hash: chain.Anchor.Hash})
		if err != nil {
			return err
		}
		b.t.put(b.s.anchorKey(), a)
	}
	h, err := json.Marshal(head{Seq: chain.Seq, Hash: chain.Hash})
	if err != nil {
		return err
	}
	b.t.put(b.s.headKey(), h)
	b.rep.Head = approvals.ChainPoint{Seq: chain.Seq, Hash: chain.Hash}
	return b.commit(ctx)
}

func (s *Store) chainFromKey() string { return s.prefix + "meta/auditChainFrom" }

func (s *Store) anchorKey() string { return s.prefix + "meta/auditAnchor" }

// count is how many keys lie under prefix.
func (s *Store) count(prefix string) (int, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return 0, err
	}
	defer cancel()
	resp, err := s.kv.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return 0, err
	}
	return int(resp.Count), nil
}

// Count tells how many proposals, audit records, incidents, suppressions
// and scans the store holds, by counting their keys.
func (s *Store) Count() (Counts, error) {
	var c Counts
	for _, f := range []struct {
		n      *int
		prefix string
	}{
		{&c.Proposals, s.prefix + "proposals/"},
		{&c.Records, s.auditPrefix()},
		{&c.Incidents, s.prefix + "incidents/"},
		{&c.Suppressions, s.suppressionsPrefix()},
	} {
		n, err := s.count(f.prefix)
		if err != nil {
			return c, fmt.Errorf("etcdstore: count: %w", err)
		}
		*f.n = n
	}
	keys, _, _, err := s.scan(s.prefix + "scans/")
	if err != nil {
		return c, fmt.Errorf("etcdstore: count: %w", err)
	}
	for _, k := range keys {
		if lastPart(k) == "state" {
			c.Scans++
		}
	}
	return c, nil
}

// chainMeta reads, from the meta keys, the chain head (Genesis at 0 in a
// new store), the archive anchor (Genesis at 0 when none: Import carries
// one from a bbolt file Archive trimmed) and the first chained record (1
// unless Import carried records that predate the chain).
func (s *Store) chainMeta(kvs []*mvccpb.KeyValue) (head, approvals.ChainPoint, uint64, error) {
	h := head{Hash: approvals.Genesis}
	anchor := approvals.ChainPoint{Hash: approvals.Genesis}
	from := uint64(1)
	for _, kv := range kvs {
		var err error
		switch string(kv.Key) {
		case s.headKey():
			if err = json.Unmarshal(kv.Value, &h); err == nil && len(h.Hash) != len(approvals.Genesis) {
				err = errors.New("no hash")
			}
		case s.anchorKey():
			var a head
			if err = json.Unmarshal(kv.Value, &a); err == nil && len(a.Hash) != len(approvals.Genesis) {
				err = errors.New("no hash")
			}
			anchor = approvals.ChainPoint{Seq: a.Seq, Hash: a.Hash}
		case s.chainFromKey():
			from, err = strconv.ParseUint(string(kv.Value), 10, 64)
		default:
			continue
		}
		if err != nil {
			return h, anchor, from, fmt.Errorf("%w: %s is damaged: %v", approvals.ErrCorrupt, kv.Key, err)
		}
	}
	return h, anchor, from, nil
}
