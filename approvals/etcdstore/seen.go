package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// DefaultSeenTimeout bounds a First call for the zero SeenOptions: long
// enough to outlast the election of a new raft leader when one etcd
// member of three is lost (one to two seconds with etcd's default
// timing).
const DefaultSeenTimeout = 3 * time.Second

// SeenOptions configures NewSeen. The zero value is usable.
type SeenOptions struct {
	// Prefix is the store's prefix (Options.Prefix); keys lie under
	// <prefix>seen/.
	Prefix string
	// Timeout bounds each First call, which tries again until then;
	// zero means DefaultSeenTimeout.
	Timeout time.Duration
}

// Seen remembers keys (Slack event ids) for a while across the processes
// sharing an etcd and a prefix, so that an event Slack retries to another
// replica is answered once. It has the method set of the bot's Seen.
//
// # Leases
//
// A key is put on a lease, so etcd deletes it when the lease ends. A
// lease per key would cost etcd a lease object, its expiry tracking and a
// revoke for every Slack event; so the keys share leases instead: time is
// cut in buckets of a width of ttl/8 (at least a second, at most a
// minute), and all the keys of one bucket and ttl share one lease, granted
// by the bucket's first key with a ttl of ttl plus the width. So a key
// lives at least ttl and less than ttl plus the width, and etcd holds
// (ttl+width)/width live leases per ttl in use (nine while the width is
// ttl/8; sixteen for the bot's fifteen minutes), however many events
// arrive.
type Seen struct {
	cli     *clientv3.Client
	prefix  string
	timeout time.Duration

	mu     sync.Mutex
	leases map[bucket]clientv3.LeaseID
}

// bucket is the lease shared by the keys of one ttl put in one span of
// time.
type bucket struct {
	ttl time.Duration
	n   int64 // the span's start, in widths since the epoch
}

// NewSeen returns a Seen on the etcd cli talks to. The caller keeps cli.
func NewSeen(cli *clientv3.Client, opts SeenOptions) *Seen {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultSeenTimeout
	}
	return &Seen{
		cli: cli, prefix: storePrefix(opts.Prefix) + "seen/", timeout: opts.Timeout,
		leases: make(map[bucket]clientv3.LeaseID),
	}
}

// bucketWidth is the span of time whose keys share a lease.
func bucketWidth(ttl time.Duration) time.Duration {
	return min(max(ttl/8, time.Second), time.Minute)
}

// First reports whether this is the first call with key within ttl, in
// any process sharing the etcd and prefix, and records key for at least
// ttl. One etcd Txn puts key only if it is absent; a failed one is tried
// again, each try within a quarter of the timeout, until the timeout. An error means it cannot tell (etcd out of
// reach or without quorum until the timeout).
func (s *Seen) First(key string, ttl time.Duration) (bool, error) {
	if key == "" {
		return false, errors.New("etcdstore: seen: empty key")
	}
	if ttl <= 0 {
		return false, fmt.Errorf("etcdstore: seen %s: ttl %s is not positive", key, ttl)
	}
	ctx, cancel := context.WithTimeout(clientv3.WithRequireLeader(context.Background()), s.timeout)
	defer cancel()
	// The key's value is this call's own token: a Txn whose answer was
	// lost (the member died) may have put it, and the retry, finding the
	// key, tells its own put from another process's by the token.
	token := strconv.FormatUint(rand.Uint64(), 36)
	k := s.prefix + key
	for {
		// An attempt may hang for good: a write forwarded to a raft
		// leader that just died is lost, and its member answers only
		// at its own timeout. So each attempt has a quarter of ours.
		actx, acancel := context.WithTimeout(ctx, s.timeout/4)
		first, err := s.putIfAbsent(actx, k, token, ttl)
		acancel()
		if err == nil {
			return first, nil
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("etcdstore: seen %s: %w", key, err)
		case <-time.After(seenRetry):
		}
	}
}

// seenRetry is the pause before trying a First again.
const seenRetry = 100 * time.Millisecond

// putIfAbsent puts k with the value token on the current bucket's lease
// unless it is there, in one Txn, and reports whether k now holds token.
func (s *Seen) putIfAbsent(ctx context.Context, k, token string, ttl time.Duration) (bool, error) {
	lease, err := s.lease(ctx, ttl)
	if err != nil {
		return false, fmt.Errorf("lease: %w", err)
	}
	resp, err := s.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
		Then(clientv3.OpPut(k, token, clientv3.WithLease(lease))).
		Else(clientv3.OpGet(k)).
		Commit()
	if errors.Is(err, rpctypes.ErrLeaseNotFound) {
		// The shared lease went early (revoked, or etcd restored from a
		// backup): the next try grants another.
		s.forget(lease)
	}
	if err != nil {
		return false, err
	}
	if resp.Succeeded {
		return true, nil
	}
	kvs := resp.Responses[0].GetResponseRange().Kvs
	return len(kvs) > 0 && string(kvs[0].Value) == token, nil
}

// lease is the lease of the current bucket for ttl, granted on its first
// use; the leases of past buckets are forgotten (etcd ends them).
func (s *Seen) lease(ctx context.Context, ttl time.Duration) (clientv3.LeaseID, error) {
	width := bucketWidth(ttl)
	b := bucket{ttl: ttl, n: time.Now().UnixNano() / int64(width)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.leases[b]; ok {
		return id, nil
	}
	// Granted after the bucket began, the lease ends at least ttl after
	// the bucket's last key.
	resp, err := s.cli.Grant(ctx, int64(math.Ceil((ttl + width).Seconds())))
	if err != nil {
		return 0, err
	}
	for old := range s.leases {
		if old.ttl == ttl && old.n < b.n {
			delete(s.leases, old)
		}
	}
	s.leases[b] = resp.ID
	return resp.ID, nil
}

func (s *Seen) forget(id clientv3.LeaseID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for b, l := range s.leases {
		if l == id {
			delete(s.leases, b)
		}
	}
}
