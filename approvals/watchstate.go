package approvals

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The watcher's buckets. Like "same" they are not in allBuckets, so that a
// file written before them opens; initWatch creates them (see initLater).
//
//	watch          "cursor" → the System Log cursor after the last committed poll
//	windows        detection window key → its state (opaque to this package)
//	incidents      incident id → JSON intents.Incident
//	incidentKeys   IncidentKey → id of the newest incident of that subject
//	incidentOpen   id → nothing, for each incident not closed
//	incidentOutbox id → nothing, for each incident whose Version > Posted
//	suppressions   suppression id → JSON intents.Suppression
var (
	bucketWatch          = []byte("watch")
	bucketWindows        = []byte("windows")
	bucketIncidents      = []byte("incidents")
	bucketIncidentKeys   = []byte("incidentKeys")
	bucketIncidentOpen   = []byte("incidentOpen")
	bucketIncidentOutbox = []byte("incidentOutbox")
	bucketSuppressions   = []byte("suppressions")

	watchBuckets = [][]byte{bucketWatch, bucketWindows, bucketIncidents, bucketIncidentKeys,
		bucketIncidentOpen, bucketIncidentOutbox, bucketSuppressions}

	keyCursor = []byte("cursor")
)

// initWatch creates the watcher's buckets a file lacks.
func (t *txn) initWatch() error {
	for _, name := range watchBuckets {
		if _, err := t.tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// bucket is one of the watcher's buckets, which Open created.
func (t *txn) bucket(name []byte) *bolt.Bucket {
	return t.tx.Bucket(name)
}

// PutWatchState writes the cursor and the changed windows (a nil value
// deletes its key).
func (t *txn) PutWatchState(cursor string, windows map[string][]byte) error {
	if err := t.bucket(bucketWatch).Put(keyCursor, []byte(cursor)); err != nil {
		return fmt.Errorf("cursor: %w", err)
	}
	w := t.bucket(bucketWindows)
	for k, v := range windows {
		var err error
		if v == nil {
			err = w.Delete([]byte(k))
		} else {
			err = w.Put([]byte(k), v)
		}
		if err != nil {
			return fmt.Errorf("window %q: %w", k, err)
		}
	}
	return nil
}

// WatchState returns the committed System Log cursor ("" before the first
// poll) and detection windows, for the watcher to resume from after a
// restart.
func (s *Store) WatchState() (cursor string, windows map[string][]byte, err error) {
	windows = map[string][]byte{}
	err = s.view(func(t *txn) error {
		cursor = string(t.bucket(bucketWatch).Get(keyCursor))
		return t.bucket(bucketWindows).ForEach(func(k, v []byte) error {
			windows[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	if err != nil {
		return "", nil, fmt.Errorf("approvals: watch state: %w", err)
	}
	return cursor, windows, nil
}
