package etcdstore

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"

	"github.com/oktabot/oktabot/approvals"
)

// The watcher's cursor and detection windows (see the package doc, "The
// watcher's state"): the cursor is one key; the windows are spread over
// windowShards values by a hash of their key, each value the gzipped
// JSON of its windows, so that a page that changes any number of windows
// rewrites at most windowShards values in CommitWatch's one Txn.

// windowShards is how many values hold the detection windows.
const windowShards = 16

// ErrFenced is a CommitWatch refused because the Store's Fence no longer
// holds: this replica does not lead the watcher any more. Nothing of the
// batch is written.
var ErrFenced = errors.New("this replica no longer leads the watcher")

// ErrTxnTooLarge is a change that needs more operations than etcd takes
// in one Txn (Options.MaxTxnOps); nothing of it is written.
var ErrTxnTooLarge = errors.New("the change is too large for one etcd transaction")

func (f *Fence) lost() error {
	return fmt.Errorf("%w (its leader key %s of revision %d is gone)", ErrFenced, f.Key, f.Rev)
}

// SetFence fences the store's later CommitWatch calls with f; the zero
// Fence removes the fence. Call it when this replica wins the watcher's
// election, before it polls.
func (s *Store) SetFence(f Fence) {
	if f.Key == "" {
		s.fence.Store(nil)
		return
	}
	s.fence.Store(&f)
}

func (s *Store) cursorKey() string { return s.prefix + "watch/cursor" }

func (s *Store) windowsPrefix() string { return s.prefix + "watch/windows/" }

func (s *Store) windowsKey(shard uint32) string {
	return fmt.Sprintf("%s%02d", s.windowsPrefix(), shard)
}

// shardOf is the shard holding window key k.
func shardOf(k string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(k))
	return h.Sum32() % windowShards
}

// PutWatchState writes the cursor and applies the changed windows (a nil
// value deletes its key) to the shards holding them.
func (t *txn) PutWatchState(cursor string, windows map[string][]byte) error {
	t.put(t.s.cursorKey(), []byte(cursor))
	byShard := map[uint32]map[string][]byte{}
	for k, v := range windows {
		sh := shardOf(k)
		if byShard[sh] == nil {
			byShard[sh] = map[string][]byte{}
		}
		byShard[sh][k] = v
	}
	for sh, changed := range byShard {
		key := t.s.windowsKey(sh)
		data, err := t.get(key)
		if err != nil {
			return err
		}
		ws, err := decodeWindows(data)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", approvals.ErrCorrupt, key, err)
		}
		for k, v := range changed {
			if v == nil {
				delete(ws, k)
			} else {
				ws[k] = v
			}
		}
		if len(ws) == 0 {
			t.del(key)
			continue
		}
		enc, err := encodeWindows(ws)
		if err != nil {
			return fmt.Errorf("encode windows: %w", err)
		}
		t.put(key, enc)
	}
	return nil
}

func encodeWindows(ws map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(ws); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeWindows reads a shard; nil is an empty one.
func decodeWindows(data []byte) (map[string][]byte, error) {
	ws := map[string][]byte{}
	if data == nil {
		return ws, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &ws); err != nil {
		return nil, err
	}
	return ws, nil
}

// WatchState returns the committed System Log cursor ("" before the first
// poll) and detection windows, read at one revision, for the watcher to
// resume from after a restart or on the replica that takes over.
func (s *Store) WatchState() (cursor string, windows map[string][]byte, err error) {
	keys, vals, _, err := s.scan(s.prefix + "watch/")
	if err != nil {
		return "", nil, fmt.Errorf("approvals: watch state: %w", err)
	}
	windows = map[string][]byte{}
	for i, k := range keys {
		switch {
		case k == s.cursorKey():
			cursor = string(vals[i])
		case strings.HasPrefix(k, s.windowsPrefix()):
			ws, err := decodeWindows(vals[i])
			if err != nil {
				return "", nil, fmt.Errorf("approvals: watch state: %w: %s: %v", approvals.ErrCorrupt, k, err)
			}
			for wk, v := range ws {
				windows[wk] = v
			}
		}
	}
	return cursor, windows, nil
}
