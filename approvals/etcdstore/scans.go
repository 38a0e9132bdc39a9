package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"github.com/oktabot/oktabot/approvals"
)

// Background jobs (the MFA scan, okta.ScanStore) keep their progress
// under scans/<job>/: its state, and its result chunks under
// scans/<job>/chunks/<n> with the count in scans/<job>/count, so that a
// replica that takes over resumes a scan another began.
//
// Several replicas share that one record, so one run at a time owns it
// (okta.ScanOwners): scanOwners/<job> names the run, on a lease the
// owning process keeps alive. ClaimScan creates it only when absent;
// every save compares it in its Txn, so a run that does not own the job
// writes nothing, and two runs' chunks are never mixed. When the owner
// crashes or is cut off its lease lapses, etcd deletes the key, and the
// next claim resumes from exactly what the owner saved.

// ScanClaimTTL is the lease of a scan's owner: how long a crashed
// replica's scan stays blocked before another can take it over.
const ScanClaimTTL = DefaultLeaderTTL

// ErrNotScanOwner is returned by a save or release of a run that does not
// own its job (any more).
var ErrNotScanOwner = errors.New("another run owns this scan")

func (s *Store) scanPrefix(job string) string { return s.prefix + "scans/" + job + "/" }

func (s *Store) scanOwnerKey(job string) string { return s.prefix + "scanOwners/" + job }

// SaveScan stores a job's state and, when chunk is not nil, adds chunk to
// its results, in one transaction. It is refused with ErrNotScanOwner
// while a run owns the job (SaveScanAs).
func (s *Store) SaveScan(job string, state, chunk []byte) error {
	return s.saveScan(job, "", state, chunk)
}

// SaveScanAs is SaveScan for run, which must own job (ClaimScan): the
// same transaction compares that it still does, and otherwise writes
// nothing and returns an error wrapping ErrNotScanOwner.
func (s *Store) SaveScanAs(job, run string, state, chunk []byte) error {
	if run == "" {
		return fmt.Errorf("etcdstore: save scan %s: no run", job)
	}
	return s.saveScan(job, run, state, chunk)
}

// saveScan saves for run ("": none may own the job).
func (s *Store) saveScan(job, run string, state, chunk []byte) error {
	if job == "" {
		return fmt.Errorf("etcdstore: save scan: no job name")
	}
	p := s.scanPrefix(job)
	err := s.update(func(t *txn) error {
		owner, err := t.get(s.scanOwnerKey(job)) // compared at commit
		if err != nil {
			return err
		}
		if string(owner) != run {
			return ErrNotScanOwner
		}
		if chunk != nil {
			raw, err := t.get(p + "count")
			if err != nil {
				return err
			}
			n := uint64(0)
			if raw != nil {
				if n, err = strconv.ParseUint(string(raw), 10, 64); err != nil {
					return fmt.Errorf("scan %s: count %q: %w", job, raw, err)
				}
			}
			n++
			t.put(p+"count", []byte(strconv.FormatUint(n, 10)))
			t.put(p+"chunks/"+number(n), chunk)
		}
		t.put(p+"state", state)
		return nil
	})
	if err != nil {
		return fmt.Errorf("etcdstore: save scan %s: %w", job, err)
	}
	return nil
}

// ClaimScan makes run the owner of job, on a lease of ScanClaimTTL that
// this process keeps alive, unless another run owns it (ok false). lost
// is closed when the ownership ends: released, or the lease lapsed (this
// process cut off from etcd), or the key deleted; the run must then stop
// (its saves are refused anyway).
func (s *Store) ClaimScan(job, run string) (lost <-chan struct{}, ok bool, err error) {
	if job == "" || run == "" {
		return nil, false, fmt.Errorf("etcdstore: claim scan %q: no job name or run", job)
	}
	ctx, cancel, err := s.context()
	if err != nil {
		return nil, false, err
	}
	defer cancel()
	lease, err := s.cli.Grant(ctx, int64(ScanClaimTTL.Seconds()))
	if err != nil {
		return nil, false, fmt.Errorf("etcdstore: claim scan %s: %w", job, err)
	}
	key := s.scanOwnerKey(job)
	resp, err := s.kv.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, run, clientv3.WithLease(lease.ID))).Commit()
	if err == nil && !resp.Succeeded {
		s.revoke(lease.ID)
		return nil, false, nil
	}
	if err != nil {
		s.revoke(lease.ID)
		return nil, false, fmt.Errorf("etcdstore: claim scan %s: %w", job, err)
	}
	session, err := concurrency.NewSession(s.cli, concurrency.WithLease(lease.ID))
	if err != nil {
		s.revoke(lease.ID)
		return nil, false, fmt.Errorf("etcdstore: claim scan %s: %w", job, err)
	}
	done := make(chan struct{})
	wctx, wcancel := context.WithCancel(s.cli.Ctx())
	watch := s.cli.Watch(wctx, key, clientv3.WithRev(resp.Header.Revision+1))
	go func() {
		defer close(done)
		defer wcancel()
		for {
			select {
			case <-session.Done():
				return
			case wr, open := <-watch:
				if !open || wr.Err() != nil {
					return // not sure it still owns the job: stop
				}
				for _, ev := range wr.Events {
					if ev.Type == mvccpb.DELETE || string(ev.Kv.Value) != run {
						return
					}
				}
			}
		}
	}()
	return done, true, nil
}

// ReleaseScan ends run's ownership of job, and when finished also forgets
// the job's progress, in one transaction that compares that run still
// owns it (otherwise it changes nothing and returns an error wrapping
// ErrNotScanOwner).
func (s *Store) ReleaseScan(job, run string, finished bool) error {
	ctx, cancel, err := s.context()
	if err != nil {
		return err
	}
	defer cancel()
	key := s.scanOwnerKey(job)
	got, err := s.kv.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("etcdstore: release scan %s: %w", job, err)
	}
	if len(got.Kvs) == 0 || string(got.Kvs[0].Value) != run {
		return fmt.Errorf("etcdstore: release scan %s: %w", job, ErrNotScanOwner)
	}
	ops := []clientv3.Op{clientv3.OpDelete(key)}
	if finished {
		ops = append(ops, clientv3.OpDelete(s.scanPrefix(job), clientv3.WithPrefix()))
	}
	resp, err := s.kv.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(key), "=", got.Kvs[0].ModRevision)).Then(ops...).Commit()
	if err != nil {
		return fmt.Errorf("etcdstore: release scan %s: %w", job, err)
	}
	if !resp.Succeeded {
		return fmt.Errorf("etcdstore: release scan %s: %w", job, ErrNotScanOwner)
	}
	s.revoke(clientv3.LeaseID(got.Kvs[0].Lease))
	return nil
}

// WaitScanFree returns once no run owns job: at once when none does,
// else when its owner releases it or its lease ends; or when ctx ends.
func (s *Store) WaitScanFree(ctx context.Context, job string) error {
	if s.closed.Load() {
		return approvals.ErrClosed
	}
	key := s.scanOwnerKey(job)
	gctx, cancel := context.WithTimeout(ctx, s.timeout)
	got, err := s.kv.Get(gctx, key)
	cancel()
	if err != nil {
		return fmt.Errorf("etcdstore: wait for scan %s: %w", job, err)
	}
	if len(got.Kvs) == 0 {
		return nil
	}
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	for wr := range s.cli.Watch(wctx, key, clientv3.WithRev(got.Header.Revision+1)) {
		if err := wr.Err(); err != nil {
			return fmt.Errorf("etcdstore: wait for scan %s: %w", job, err)
		}
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.DELETE {
				return nil
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fmt.Errorf("etcdstore: wait for scan %s: the watch ended", job)
}

// revoke ends a scan claim's lease, if etcd answers soon.
func (s *Store) revoke(id clientv3.LeaseID) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	_, _ = s.cli.Revoke(ctx, id)
}

// LoadScan returns a job's state (nil: none) and its chunks in the order
// they were saved.
func (s *Store) LoadScan(job string) ([]byte, [][]byte, error) {
	ctx, cancel, err := s.context()
	if err != nil {
		return nil, nil, err
	}
	defer cancel()
	p := s.scanPrefix(job)
	resp, err := s.kv.Get(ctx, p, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return nil, nil, fmt.Errorf("etcdstore: load scan %s: %w", job, err)
	}
	var state []byte
	var chunks [][]byte
	for _, kv := range resp.Kvs {
		switch k := string(kv.Key); {
		case k == p+"state":
			state = kv.Value
		case strings.HasPrefix(k, p+"chunks/"):
			chunks = append(chunks, kv.Value)
		}
	}
	return state, chunks, nil
}

// DeleteScan forgets a job's progress (not who owns it).
func (s *Store) DeleteScan(job string) error {
	ctx, cancel, err := s.context()
	if err != nil {
		return err
	}
	defer cancel()
	if _, err := s.kv.Delete(ctx, s.scanPrefix(job), clientv3.WithPrefix()); err != nil {
		return fmt.Errorf("etcdstore: delete scan %s: %w", job, err)
	}
	return nil
}
