package etcdstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Defaults for the zero Options.
const (
	DefaultPrefix  = "/oktabot/"
	DefaultTimeout = 10 * time.Second
	// DefaultMaxTxnOps is etcd's default --max-txn-ops.
	DefaultMaxTxnOps = 128
)

// Options configures New. The zero value is usable.
type Options struct {
	// Prefix is put before every key (OKTABOT_ETCD_PREFIX); "" means
	// DefaultPrefix, and a slash is added to one that does not end in
	// one. Two stores share state exactly when they share etcd and
	// Prefix.
	Prefix string
	// Timeout bounds each call, retries included; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// TTL is how long a new proposal stays pending; zero means
	// approvals.DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives Sweep errors; nil discards.
	Logger *slog.Logger
	// MaxTxnOps is the most operations (compares, or writes) the etcd
	// server takes in one Txn (its --max-txn-ops); zero means
	// DefaultMaxTxnOps. A change needing more is refused, writing
	// nothing, with an error wrapping ErrTxnTooLarge.
	MaxTxnOps int
	// Replica names this process among those sharing the store (a host
	// name, say), for people reading etcd. When set, the store keeps a
	// liveness lease in etcd while it is open, and BeginExecute records
	// it as the executor of the proposal it begins, so that Recover and
	// RecoverGone know whether the process running a proposal is gone
	// (see Recover). "" records no executor.
	Replica string
	// ReplicaTTL is the liveness lease: how long after this process
	// stops (or is cut off from etcd) the proposals it left executing
	// can be recovered. Zero means DefaultLeaderTTL; etcd raises one
	// below its minimum.
	ReplicaTTL time.Duration
}

// Store is the proposal store on etcd. Its methods are safe for
// concurrent use, and any number of Stores, in any number of processes,
// may share one etcd and Prefix.
type Store struct {
	kv      clientv3.KV
	cli     *clientv3.Client // for the leases of scan claims (scans.go)
	prefix  string
	timeout time.Duration
	ttl     time.Duration
	clock   func() time.Time
	log     *slog.Logger
	maxOps  int
	closed  atomic.Bool
	fence   atomic.Pointer[Fence]
	replica *replica // nil: BeginExecute records no executor
}

// New returns a store on the etcd that cli talks to. The caller keeps
// cli and closes it after the store.
func New(cli *clientv3.Client, opts Options) *Store {
	opts.Prefix = storePrefix(opts.Prefix)
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.TTL <= 0 {
		opts.TTL = approvals.DefaultTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxTxnOps <= 0 {
		opts.MaxTxnOps = DefaultMaxTxnOps
	}
	s := &Store{
		kv: cli.KV, cli: cli, prefix: opts.Prefix, timeout: opts.Timeout, ttl: opts.TTL,
		clock: opts.Now, log: opts.Logger, maxOps: opts.MaxTxnOps,
	}
	if opts.Replica != "" {
		s.replica = newReplica(cli, s.replicaPrefix(), opts.Replica, opts.ReplicaTTL, opts.Logger)
	}
	return s
}

// Close ends the store: later calls return approvals.ErrClosed and Sweep
// stops. With Options.Replica it revokes the liveness lease, so that the
// proposals this process began and did not finish can be recovered at
// once. It does not close the client.
func (s *Store) Close() error {
	s.closed.Store(true)
	if s.replica != nil {
		s.replica.close()
	}
	return nil
}

// now is the store clock in UTC without a monotonic reading, as stored.
func (s *Store) now() time.Time {
	return s.clock().UTC().Round(0)
}

// Keys, under the prefix (see the package doc).
func (s *Store) proposalKey(id string) string { return s.prefix + "proposals/" + id }

func (s *Store) pendingPrefix() string { return s.prefix + "pending/" }

func (s *Store) pendingKey(p intents.Proposal) string {
	return s.pendingPrefix() + number(uint64(p.Created.UnixNano())) + "/" + p.ID
}

func (s *Store) activePrefix() string { return s.prefix + "active/" }

func (s *Store) activeKey(id string) string { return s.activePrefix() + id }

func (s *Store) replicaPrefix() string { return s.prefix + "replicas/" }

func (s *Store) sameKey(a intents.Action) string {
	return s.prefix + "same/" + hex.EncodeToString(approvals.SameKey(a))
}

func (s *Store) auditPrefix() string { return s.prefix + "audit/" }

func (s *Store) auditKey(seq uint64) string { return s.auditPrefix() + number(seq) }

func (s *Store) headKey() string { return s.prefix + "meta/auditHead" }

func (s *Store) historyPrefix(id string) string { return s.prefix + "history/" + id + "/" }

// number is n in 20 decimal digits, so that keys sort in numeric order.
func number(n uint64) string { return fmt.Sprintf("%020d", n) }

// lastPart is what follows the last slash of key k: an id, or a number.
func lastPart(k string) string { return k[strings.LastIndexByte(k, '/')+1:] }

// lastNumber reads the number that ends key k.
func lastNumber(k string) (uint64, error) { return strconv.ParseUint(lastPart(k), 10, 64) }

// context bounds one call.
func (s *Store) context() (context.Context, context.CancelFunc, error) {
	if s.closed.Load() {
		return nil, nil, approvals.ErrClosed
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	return ctx, cancel, nil
}

// txn is one optimistic etcd transaction: every key read is compared, at
// commit, with the mod revision it had when read (0: absent), and the
// writes apply only if none changed. Writes are buffered, and read back
// by later reads of the same attempt.
type txn struct {
	s      *Store
	ctx    context.Context
	rev    int64 // a view's revision; 0: the latest
	read   map[string]int64
	vals   map[string][]byte  // what was read, by key
	writes map[string]*string // nil: delete
	order  []string
	// ranges are the prefixes read whole, each with the revision it was
	// read at: at commit no key under them may be newer.
	ranges map[string]int64
	fence  *Fence // compared at commit when not nil
}

func (s *Store) newTxn(ctx context.Context, rev int64) *txn {
	return &txn{s: s, ctx: ctx, rev: rev, read: map[string]int64{}, vals: map[string][]byte{},
		writes: map[string]*string{}, ranges: map[string]int64{}}
}

// get reads key; nil when absent.
func (t *txn) get(key string) ([]byte, error) {
	if v, ok := t.writes[key]; ok {
		if v == nil {
			return nil, nil
		}
		return []byte(*v), nil
	}
	if v, ok := t.vals[key]; ok {
		return v, nil
	}
	var opts []clientv3.OpOption
	if t.rev > 0 {
		opts = append(opts, clientv3.WithRev(t.rev))
	}
	resp, err := t.s.kv.Get(t.ctx, key, opts...)
	if err != nil {
		return nil, err
	}
	var (
		rev int64
		val []byte
	)
	if len(resp.Kvs) > 0 {
		rev, val = resp.Kvs[0].ModRevision, resp.Kvs[0].Value
	}
	t.read[key], t.vals[key] = rev, val
	return val, nil
}

// getPrefix reads every key under prefix, in key order, and has the
// commit check that none was added or changed since (a deletion is not
// seen). It does not see this attempt's writes.
func (t *txn) getPrefix(prefix string) ([]string, [][]byte, error) {
	opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend)}
	if t.rev > 0 {
		opts = append(opts, clientv3.WithRev(t.rev))
	}
	resp, err := t.s.kv.Get(t.ctx, prefix, opts...)
	if err != nil {
		return nil, nil, err
	}
	if _, seen := t.ranges[prefix]; !seen {
		t.ranges[prefix] = resp.Header.Revision
	}
	keys, vals := make([]string, len(resp.Kvs)), make([][]byte, len(resp.Kvs))
	for i, kv := range resp.Kvs {
		keys[i], vals[i] = string(kv.Key), kv.Value
	}
	return keys, vals, nil
}

func (t *txn) set(key string, v *string) {
	if _, ok := t.writes[key]; !ok {
		t.order = append(t.order, key)
	}
	t.writes[key] = v
}

func (t *txn) put(key string, val []byte) {
	v := string(val)
	t.set(key, &v)
}

func (t *txn) del(key string) { t.set(key, nil) }

// apply writes the buffered writes if nothing read has changed, and
// reports whether it did.
func (t *txn) apply() (bool, error) {
	if len(t.order) == 0 {
		return true, nil
	}
	cmps := make([]clientv3.Cmp, 0, len(t.read)+len(t.ranges)+1)
	for k, rev := range t.read {
		cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(k), "=", rev))
	}
	for prefix, rev := range t.ranges {
		cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(prefix), "<", rev+1).WithPrefix())
	}
	if t.fence != nil {
		cmps = append(cmps, t.fence.Cmp())
	}
	ops := make([]clientv3.Op, 0, len(t.order))
	for _, k := range t.order {
		if v := t.writes[k]; v != nil {
			ops = append(ops, clientv3.OpPut(k, *v))
		} else {
			ops = append(ops, clientv3.OpDelete(k))
		}
	}
	if n := max(len(cmps), len(ops)); n > t.s.maxOps {
		return false, fmt.Errorf("%w: it needs %d operations, etcd takes %d", ErrTxnTooLarge, n, t.s.maxOps)
	}
	tx := t.s.kv.Txn(t.ctx).If(cmps...).Then(ops...)
	if t.fence != nil {
		tx = tx.Else(clientv3.OpGet(t.fence.Key))
	}
	resp, err := tx.Commit()
	if err != nil {
		return false, err
	}
	if !resp.Succeeded && t.fence != nil {
		if r := resp.Responses[0].GetResponseRange(); len(r.Kvs) == 0 || r.Kvs[0].CreateRevision != t.fence.Rev {
			return false, t.fence.lost()
		}
	}
	return resp.Succeeded, nil
}

// update runs fn in an optimistic transaction, again from the start
// whenever another writer changed what it read, until it commits. fn may
// run more than once and must reset what it reports.
func (s *Store) update(fn func(t *txn) error) error {
	return s.updateFenced(nil, fn)
}

// updateFenced is update whose commit also needs fence (nil: none) to
// hold; when it no longer does, it stops with an error wrapping
// ErrFenced.
func (s *Store) updateFenced(fence *Fence, fn func(t *txn) error) error {
	ctx, cancel, err := s.context()
	if err != nil {
		return err
	}
	defer cancel()
	for attempt := 0; ; attempt++ {
		t := s.newTxn(ctx, 0)
		t.fence = fence
		if err := fn(t); err != nil {
			return err
		}
		ok, err := t.apply()
		if err != nil || ok {
			return err
		}
		// Lost a race: back off a little, at random, so that many
		// writers on one key do not keep colliding.
		backoff := time.Duration(rand.Int64N(int64(min(attempt+1, 20)) * int64(time.Millisecond)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
}

// view runs fn reading at revision rev (0: the latest); no writes are
// kept.
func (s *Store) view(rev int64, fn func(t *txn) error) error {
	ctx, cancel, err := s.context()
	if err != nil {
		return err
	}
	defer cancel()
	return fn(s.newTxn(ctx, rev))
}

// Load reads one proposal; an unknown id wraps intents.ErrNotFound.
func (t *txn) Load(id string) (intents.Proposal, error) {
	var p intents.Proposal
	data, err := t.get(t.s.proposalKey(id))
	if err != nil {
		return p, err
	}
	if data == nil {
		return p, fmt.Errorf("proposal %s: %w", id, intents.ErrNotFound)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("%w: proposal %s: %v", approvals.ErrCorrupt, id, err)
	}
	return p, nil
}

// Save writes p and moves it between the indexes as its state changed from
// prev ("" for a new proposal), as the bbolt store does.
func (t *txn) Save(p *intents.Proposal, prev intents.State) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode proposal %s: %w", p.ID, err)
	}
	t.put(t.s.proposalKey(p.ID), data)
	if prev == p.State {
		return nil
	}
	switch prev {
	case intents.StatePending:
		t.del(t.s.pendingKey(*p))
		k := t.s.sameKey(p.Preview.Action)
		id, err := t.get(k)
		if err != nil {
			return err
		}
		if string(id) == p.ID {
			t.del(k)
		}
	case intents.StateApproved, intents.StateVerifying, intents.StateExecuting:
		t.del(t.s.activeKey(p.ID))
	}
	switch p.State {
	case intents.StatePending:
		t.put(t.s.sameKey(p.Preview.Action), []byte(p.ID))
		t.put(t.s.pendingKey(*p), []byte(number(uint64(p.Expires.UnixNano()))))
	case intents.StateApproved, intents.StateVerifying, intents.StateExecuting:
		t.put(t.s.activeKey(p.ID), []byte(p.State))
	}
	return nil
}

// transition changes one proposal in one etcd Txn (approvals.Transition),
// retried from the load when another writer got there first.
func (s *Store) transition(op, id string, step func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error)) (intents.Proposal, error) {
	return approvals.Transition(s.updater, s.now, op, id, step)
}

// updater is update for the operations shared with the bbolt store.
func (s *Store) updater(fn func(approvals.Tx) error) error {
	return s.update(func(t *txn) error { return fn(t) })
}

// scan lists the keys and values under prefix, in key order, at one
// revision, which it returns.
func (s *Store) scan(prefix string) ([]string, [][]byte, int64, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return nil, nil, 0, err
	}
	defer cancel()
	resp, err := s.kv.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return nil, nil, 0, err
	}
	keys, vals := make([]string, len(resp.Kvs)), make([][]byte, len(resp.Kvs))
	for i, kv := range resp.Kvs {
		keys[i], vals[i] = string(kv.Key), kv.Value
	}
	return keys, vals, resp.Header.Revision, nil
}
