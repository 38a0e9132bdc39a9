package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Executors
//
// A proposal found executing is evidence of a crash only when the process
// running it is gone. With Options.Replica, each store keeps a liveness
// lease in etcd, granted at its first BeginExecute and kept alive while
// it is open, with the key replicas/<lease id hex> (its name) on it.
// BeginExecute moves the proposal to executing and writes that lease into
// its active-index value, in one Txn that also compares the replica key:
// the begin commits only while the lease stands. When the process stops,
// is killed or is cut off from etcd, the lease lapses and etcd deletes
// the key; RecoverGone then finds the proposal's executor gone.

// replica is a store's liveness lease.
type replica struct {
	cli    *clientv3.Client
	prefix string // <store prefix>replicas/
	name   string
	ttl    time.Duration
	log    *slog.Logger

	mu     sync.Mutex
	id     clientv3.LeaseID   // 0: none now
	stop   context.CancelFunc // ends the renewal of id
	closed bool
}

func newReplica(cli *clientv3.Client, prefix, name string, ttl time.Duration, log *slog.Logger) *replica {
	if ttl <= 0 {
		ttl = DefaultLeaderTTL
	}
	return &replica{cli: cli, prefix: prefix, name: name, ttl: ttl, log: log}
}

// leaseKey is the key of the replica holding lease id, under prefix
// (<store prefix>replicas/).
func leaseKey(prefix string, id clientv3.LeaseID) string {
	return fmt.Sprintf("%s%x", prefix, int64(id))
}

// lease is the replica's lease, granted (with its key) and kept alive
// from its first use until it is lost or the replica closed.
func (r *replica) lease(ctx context.Context) (clientv3.LeaseID, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, approvals.ErrClosed
	}
	if r.id != 0 {
		return r.id, nil
	}
	sent := time.Now()
	grant, err := r.cli.Grant(ctx, int64(math.Ceil(r.ttl.Seconds())))
	if err != nil {
		return 0, fmt.Errorf("liveness lease: %w", err)
	}
	ttl := time.Duration(grant.TTL) * time.Second
	if _, err := r.cli.Put(ctx, leaseKey(r.prefix, grant.ID), r.name, clientv3.WithLease(grant.ID)); err != nil {
		go revoke(r.cli, grant.ID, ttl)
		return 0, fmt.Errorf("liveness lease: %w", err)
	}
	rctx, stop := context.WithCancel(context.Background())
	lost := make(chan struct{})
	go renew(rctx, r.cli, grant.ID, ttl, sent.Add(ttl), lost)
	go func() {
		<-lost
		if rctx.Err() == nil {
			r.log.Warn("etcdstore: this replica's liveness lease was lost; proposals it is executing may be reported unknown", "lease", fmt.Sprintf("%x", int64(grant.ID)))
		}
		r.drop(grant.ID)
	}()
	r.id, r.stop = grant.ID, stop
	return grant.ID, nil
}

// drop forgets lease id, if it is the current one, so that the next use
// grants another, and revokes it: it was lost (renewal failed) or found
// gone.
func (r *replica) drop(id clientv3.LeaseID) {
	r.mu.Lock()
	if r.id == id {
		r.id = 0
		r.stop()
	}
	r.mu.Unlock()
	go revoke(r.cli, id, r.ttl)
}

// close revokes the lease, waiting at most its ttl (after which it
// lapses anyway), and grants no other.
func (r *replica) close() {
	r.mu.Lock()
	id, stop := r.id, r.stop
	r.id, r.closed = 0, true
	r.mu.Unlock()
	if id != 0 {
		stop()
		revoke(r.cli, id, r.ttl)
	}
}

// errLeaseGone: the replica's key was not found in the Txn that begins a
// proposal; its lease lapsed or was revoked.
var errLeaseGone = errors.New("this replica's liveness lease is gone")

// beginOn is BeginExecute recording r as the executor: the same Txn
// moves the proposal to executing, checks that r's key (on its lease)
// stands and writes the lease into the active index. A lease found gone is
// replaced, and the begin tried again.
func (s *Store) beginOn(r *replica, id string) (intents.Proposal, error) {
	return s.onReplica(r, id, "begin", func(update approvals.Updater) (intents.Proposal, error) {
		return approvals.Transition(update, s.now, "begin", id, approvals.ApplyBegin)
	})
}

// onReplica runs a transition of proposal id (run, on the updater it is
// given) recording r as the process it now depends on: when the
// transition leaves the proposal executing or verifying, the same Txn
// checks that r's key (on its lease) stands and writes the lease into the
// active index, so that RecoverGone finds it once r is gone. A lease found
// gone is replaced, and the transition tried again.
func (s *Store) onReplica(r *replica, id, op string, run func(update approvals.Updater) (intents.Proposal, error)) (intents.Proposal, error) {
	id = approvals.CanonicalID(id)
	for try := 0; ; try++ {
		ctx, cancel, err := s.context()
		if err != nil {
			return intents.Proposal{}, fmt.Errorf("approvals: %s %s: %w", op, id, err)
		}
		lease, err := r.lease(ctx)
		cancel()
		if err != nil {
			return intents.Proposal{}, fmt.Errorf("approvals: %s %s: %w", op, id, err)
		}
		p, err := run(func(fn func(approvals.Tx) error) error {
			return s.update(func(t *txn) error {
				if err := fn(t); err != nil {
					return err
				}
				v, written := t.writes[s.activeKey(id)]
				if !written || v == nil {
					return nil
				}
				st := intents.State(*v)
				if st != intents.StateExecuting && st != intents.StateVerifying {
					return nil
				}
				alive, err := t.get(leaseKey(s.replicaPrefix(), lease))
				if err != nil {
					return err
				}
				if alive == nil {
					return errLeaseGone
				}
				t.put(s.activeKey(id), []byte(runningOn(st, lease)))
				return nil
			})
		})
		if errors.Is(err, errLeaseGone) && try < 2 {
			r.drop(lease)
			continue
		}
		return p, err
	}
}

// runningOn is the active-index value of a proposal in state (executing
// or verifying) on the replica holding lease.
func runningOn(state intents.State, lease clientv3.LeaseID) string {
	return fmt.Sprintf("%s %x", state, int64(lease))
}

// activeEntry reads an active-index value: the state and, when one is
// recorded, the lease of the replica executing it.
func activeEntry(v []byte) (state intents.State, lease clientv3.LeaseID, recorded bool) {
	st, hex, found := strings.Cut(string(v), " ")
	if !found {
		return intents.State(st), 0, false
	}
	id, err := strconv.ParseInt(hex, 16, 64)
	if err != nil {
		return intents.State(st), 0, false
	}
	return intents.State(st), clientv3.LeaseID(id), true
}

// recover moves to unknown the executing proposals whose executor is
// gone, and back to pending (or expired) the verifying ones whose replica
// is gone (approvals.ApplyInterrupted): those recording a replica whose
// key is gone and, when unrecorded is true, those recording none. Each
// moves in its own Txn, which compares the proposal, its index entry and
// the replica key as read, so it cannot overtake a Finish or the end of a
// verification. The unknown come first.
func (s *Store) recover(unrecorded bool) ([]intents.Proposal, error) {
	var out []intents.Proposal
	for _, state := range []intents.State{intents.StateExecuting, intents.StateVerifying} {
		moved, err := s.moveActive(state, func(t *txn, p *intents.Proposal) (intents.AuditRecord, bool, error) {
			if p.State != state {
				return intents.AuditRecord{}, false, nil
			}
			gone, err := s.replicaGone(t, p.ID, unrecorded)
			if err != nil || !gone {
				return intents.AuditRecord{}, false, err
			}
			now := s.now()
			if state == intents.StateExecuting {
				return approvals.ApplyUnknown(p, now), true, nil
			}
			other, err := approvals.OtherPendingSame(t, *p, now)
			if err != nil {
				return intents.AuditRecord{}, false, err
			}
			return approvals.ApplyInterrupted(p, other, now), true, nil
		})
		out = append(out, moved...)
		if err != nil {
			return out, fmt.Errorf("approvals: recover: %w", err)
		}
	}
	return out, nil
}

// replicaGone reports whether the replica proposal id's active-index
// entry records is gone; an entry recording none counts as gone when
// unrecorded is true.
func (s *Store) replicaGone(t *txn, id string, unrecorded bool) (bool, error) {
	v, err := t.get(s.activeKey(id))
	if err != nil {
		return false, err
	}
	_, lease, recorded := activeEntry(v)
	if !recorded {
		return unrecorded, nil
	}
	alive, err := t.get(leaseKey(s.replicaPrefix(), lease))
	return alive == nil, err
}

// RecoverGone moves to unknown every executing proposal whose recorded
// executor is gone (its liveness lease lapsed or was revoked), each in
// its own Txn with its "unknown" audit record, and back to pending (or
// expired) every verifying proposal whose replica is gone, with its
// interrupted verification audited; it returns those it moved, the
// unknown first, each group in id order. Proposals that record no executor are left alone (see
// Recover). It is safe while other replicas execute: the leader runs it
// at the start of each term and then periodically (RecoverEvery).
func (s *Store) RecoverGone() ([]intents.Proposal, error) {
	return s.recover(false)
}

// RecoverEvery runs RecoverGone at once and then every period until ctx
// ends or the store is closed (approvals.SweepEvery), calling onUnknown
// (if not nil) for each proposal it moved.
func (s *Store) RecoverEvery(ctx context.Context, every time.Duration, onUnknown func(intents.Proposal)) {
	approvals.SweepEvery(ctx, every, s.RecoverGone, s.log, onUnknown)
}
