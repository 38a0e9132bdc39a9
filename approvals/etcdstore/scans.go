package etcdstore

import (
	"fmt"
	"strconv"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Background jobs (the MFA scan, okta.ScanStore) keep their progress
// under scans/<job>/: its state, and its result chunks under
// scans/<job>/chunks/<n> with the count in scans/<job>/count, so that a
// replica that takes over resumes a scan another began.

func (s *Store) scanPrefix(job string) string { return s.prefix + "scans/" + job + "/" }

// SaveScan stores a job's state and, when chunk is not nil, adds chunk to
// its results, in one transaction.
func (s *Store) SaveScan(job string, state, chunk []byte) error {
	if job == "" {
		return fmt.Errorf("etcdstore: save scan: no job name")
	}
	p := s.scanPrefix(job)
	err := s.update(func(t *txn) error {
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

// DeleteScan forgets a job.
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
