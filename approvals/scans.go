package approvals

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The scans bucket keeps the progress of background jobs (the MFA scan)
// so that a restart resumes them: under each job's name a nested bucket
// with its state and the chunks of results it saved, in order. It is
// made on first use, so files written before it open unchanged.
var (
	bucketScans = []byte("scans")
	keyState    = []byte("state")
	keyChunks   = []byte("chunks")
)

// SaveScan stores a job's state and, when chunk is not nil, adds chunk to
// its results, in one transaction: a crash keeps both or neither.
func (s *Store) SaveScan(job string, state, chunk []byte) error {
	if job == "" {
		return fmt.Errorf("approvals: save scan: no job name")
	}
	return s.update(func(t *txn) error {
		root, err := t.tx.CreateBucketIfNotExists(bucketScans)
		if err != nil {
			return err
		}
		b, err := root.CreateBucketIfNotExists([]byte(job))
		if err != nil {
			return err
		}
		if chunk != nil {
			chunks, err := b.CreateBucketIfNotExists(keyChunks)
			if err != nil {
				return err
			}
			n, err := chunks.NextSequence()
			if err != nil {
				return err
			}
			if err := chunks.Put(binary.BigEndian.AppendUint64(nil, n), chunk); err != nil {
				return err
			}
		}
		return b.Put(keyState, state)
	})
}

// LoadScan returns a job's state (nil when the job has none) and its
// chunks in the order they were saved.
func (s *Store) LoadScan(job string) (state []byte, chunks [][]byte, err error) {
	err = s.view(func(t *txn) error {
		root := t.tx.Bucket(bucketScans)
		if root == nil {
			return nil
		}
		b := root.Bucket([]byte(job))
		if b == nil {
			return nil
		}
		state = bytes.Clone(b.Get(keyState))
		if c := b.Bucket(keyChunks); c != nil {
			return c.ForEach(func(_, v []byte) error {
				chunks = append(chunks, bytes.Clone(v))
				return nil
			})
		}
		return nil
	})
	return state, chunks, err
}

// DeleteScan forgets a job's progress.
func (s *Store) DeleteScan(job string) error {
	return s.update(func(t *txn) error {
		root := t.tx.Bucket(bucketScans)
		if root == nil || root.Bucket([]byte(job)) == nil {
			return nil
		}
		return root.DeleteBucket([]byte(job))
	})
}
