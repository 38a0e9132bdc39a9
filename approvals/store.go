package approvals

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/oktabot/oktabot/intents"
)

// Defaults for the zero Options.
const (
	DefaultTimeout = time.Second
	DefaultTTL     = time.Hour
)

// schemaVersion is the layout this package reads and writes. A file with a
// higher version was written by a newer oktabot and is refused. Version 2
// chains the audit log; a version 1 file is upgraded when opened (see
// startChain), after which an older oktabot, which would append records
// without a hash, refuses it.
//
// schemaArchived is a version 2 file from which Archive moved audit
// records: its log starts after the anchor, which an older oktabot's
// verify would report as records removed, so the first run that moves one
// raises the file to it and an older oktabot refuses the file.
const (
	schemaVersion  = 2
	schemaArchived = 3
	appName        = "oktabot-approvals"
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Timeout bounds the wait for the file lock held by another process.
	// Zero means DefaultTimeout: unlike bbolt, whose zero waits forever,
	// Open never hangs.
	Timeout time.Duration
	// TTL is how long a new proposal stays pending. Zero means DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives start-up recovery and Sweep errors; nil discards.
	Logger *slog.Logger
}

// Store is the proposal store on one bbolt file. Its methods are safe for
// concurrent use.
type Store struct {
	db        *bolt.DB
	path      string
	ttl       time.Duration
	clock     func() time.Time
	log       *slog.Logger
	recovered []intents.Proposal
}

// Open opens (creating if needed) the store at path. It fails, without
// waiting longer than opts.Timeout, when another process holds the file
// (ErrInUse); when the file is damaged, truncated or not a bbolt file
// (ErrCorrupt); and when it belongs to another program or a newer oktabot
// (ErrIncompatible). Proposals found executing are moved to unknown, and
// those found verifying back to pending (or expired); see Recovered.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := openDB(path, opts.Timeout, opts.Logger)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path, ttl: opts.TTL, clock: opts.Now, log: opts.Logger}
	if err := s.check(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("approvals: open %s: %w", path, err)
	}
	var sealed uint64
	if err := s.update(func(t *txn) error {
		var err error
		if sealed, err = t.initSchema(); err != nil {
			return err
		}
		s.recovered, err = t.recover(s.now())
		return err
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("approvals: open %s: %w", path, err)
	}
	if sealed > 0 {
		s.log.Info("approvals: the audit log is now hash-chained; its earlier records predate the chain and were sealed as found",
			"path", path, "records", sealed)
	}
	for _, p := range s.recovered {
		if p.State != intents.StateUnknown {
			s.log.Warn("approvals: proposal was waiting for its approver's Okta Verify when oktabot stopped; not run, offered again",
				"proposal", p.ID, "action", p.Preview.Action.Kind, "state", p.State)
			continue
		}
		s.log.Warn("approvals: proposal was executing when oktabot stopped; marked unknown, not re-run",
			"proposal", p.ID, "action", p.Preview.Action.Kind, "approver", p.DecidedBy)
	}
	return s, nil
}

// openDB opens the bbolt file, turning its errors, and any panic or memory
// fault a damaged file provokes, into this package's errors. A new file is
// created 0600; an existing one that group or others may use is made 0600
// (and log says so): it holds who approved what.
func openDB(path string, timeout time.Duration, log *slog.Logger) (db *bolt.DB, err error) {
	var file *os.File
	opts := &bolt.Options{
		Timeout: timeout,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			file = f
			if err != nil {
				return f, err
			}
			return f, private(f, log)
		},
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				_ = file.Close() // releases the lock bbolt took
			}
			db, err = nil, fmt.Errorf("approvals: open %s: %w: %s", path, ErrCorrupt, panicText(r))
		}
	}()
	db, err = bolt.Open(path, 0o600, opts)
	if err == nil {
		return db, nil
	}
	var pe *fs.PathError
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("approvals: open %s: %w (timeout after %s)", path, ErrInUse, timeout)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), strings.HasPrefix(err.Error(), "file size too small"):
		return nil, fmt.Errorf("approvals: open %s: %w: %v", path, ErrCorrupt, err)
	case errors.As(err, &pe):
		return nil, fmt.Errorf("approvals: open %s: %w", path, pe.Err)
	}
	return nil, fmt.Errorf("approvals: open %s: %w", path, err)
}

// private makes the open file f mode 0600 if group or others may read or
// write it. Windows has no such modes.
func private(f *os.File, log *slog.Logger) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	mode := info.Mode().Perm()
	if mode&0o077 == 0 {
		return nil
	}
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("it may be read by others (mode %#o) and cannot be made 0600: %v", mode, err)
	}
	log.Warn("approvals: the file could be read by others; made it 0600", "path", f.Name(), "was", fmt.Sprintf("%#o", mode))
	return nil
}

// check verifies that the file holds every page its meta page promises,
// reads every key and value (in this goroutine, where a memory fault on a
// damaged page becomes an error), and then runs bbolt's consistency check,
// so that later transactions do not run into a damaged page.
func (s *Store) check() error {
	return s.view(func(t *txn) error {
		info, err := os.Stat(s.db.Path())
		if err != nil {
			return err
		}
		if want := t.tx.Size(); info.Size() < want {
			return fmt.Errorf("%w: truncated: %d bytes, the database needs %d", ErrCorrupt, info.Size(), want)
		}
		_ = t.tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			readAll(b)
			return nil
		})
		// tx.Check runs in its own goroutine; readAll above has touched
		// every page it will visit.
		for err := range t.tx.Check() {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return nil
	})
}

// readAll reads every key and value of b and its nested buckets, touching
// every page they live on.
func readAll(b *bolt.Bucket) uint32 {
	var sum uint32
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		sum = crc32.Update(sum, crc32.IEEETable, k)
		if v != nil {
			sum = crc32.Update(sum, crc32.IEEETable, v)
		} else if nested := b.Bucket(k); nested != nil {
			sum ^= readAll(nested)
		}
	}
	return sum
}

// Close closes the store, waiting for running transactions.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("approvals: close %s: %w", s.path, err)
	}
	return nil
}

// Recovered lists the proposals that were executing when this Store was
// opened, now unknown, and those that were verifying (waiting for their
// approver's Okta Verify), now pending or expired. The caller shows them:
// the unknown for a person to verify in Okta; they are never re-run. A
// later Open does not list them again.
func (s *Store) Recovered() []intents.Proposal {
	return slices.Clone(s.recovered)
}

// now is the store clock in UTC without a monotonic reading, as stored.
func (s *Store) now() time.Time {
	return s.clock().UTC().Round(0)
}

// update runs fn in one read-write transaction. A panic inside bbolt (a
// damaged page) becomes ErrCorrupt; the transaction is rolled back.
func (s *Store) update(fn func(*txn) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.guard(&err)
	return boltErr(s.db.Update(func(tx *bolt.Tx) error {
		return fn(newTxn(tx))
	}))
}

// view runs fn in one read-only transaction, like update.
func (s *Store) view(fn func(*txn) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.guard(&err)
	return boltErr(s.db.View(func(tx *bolt.Tx) error {
		return fn(newTxn(tx))
	}))
}

// guard, deferred directly, turns a panic into ErrCorrupt.
func (s *Store) guard(err *error) {
	if r := recover(); r != nil {
		s.log.Error("approvals: bbolt panicked; the database file is probably damaged",
			"path", s.path, "panic", r, "stack", string(debug.Stack()))
		*err = fmt.Errorf("%w: %s", ErrCorrupt, panicText(r))
	}
}

// panicText words a panic from bbolt reading a damaged file. A memory fault
// (with SetPanicOnFault) is a page beyond the end of a truncated file.
func panicText(r any) string {
	if _, ok := r.(interface{ Addr() uintptr }); ok {
		return fmt.Sprintf("a page lies beyond the end of the file (truncated?): %v", r)
	}
	return fmt.Sprintf("bbolt failed reading it: %v", r)
}

func boltErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// initSchema creates the buckets of a new file and checks those of an
// existing one, upgrading a version 1 file. It returns how many audit
// records it sealed as predating the chain.
func (t *txn) initSchema() (uint64, error) {
	meta := t.tx.Bucket(bucketMeta)
	if meta == nil {
		var names []string
		_ = t.tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, strconv.Quote(string(name)))
			return nil
		})
		if len(names) > 0 {
			return 0, fmt.Errorf("%w: not an oktabot approvals file (it holds buckets %s)", ErrIncompatible, strings.Join(names, ", "))
		}
		for _, name := range allBuckets {
			if _, err := t.tx.CreateBucket(name); err != nil {
				return 0, err
			}
		}
		meta = t.tx.Bucket(bucketMeta)
		if err := meta.Put(keyApp, []byte(appName)); err != nil {
			return 0, err
		}
		if err := meta.Put(keySchema, []byte(strconv.Itoa(schemaVersion))); err != nil {
			return 0, err
		}
		t.bind()
		if _, err := t.startChain(); err != nil {
			return 0, err
		}
		return 0, t.initLater()
	}
	if app := string(meta.Get(keyApp)); app != appName {
		return 0, fmt.Errorf("%w: not an oktabot approvals file (application %q)", ErrIncompatible, app)
	}
	v, err := strconv.Atoi(string(meta.Get(keySchema)))
	if err != nil || v < 1 {
		return 0, fmt.Errorf("%w: bad schema version %q", ErrCorrupt, meta.Get(keySchema))
	}
	if v > schemaArchived {
		return 0, fmt.Errorf("%w: written by a newer oktabot (schema %d; this one reads up to %d)", ErrIncompatible, v, schemaArchived)
	}
	for _, name := range allBuckets {
		if t.tx.Bucket(name) == nil {
			return 0, fmt.Errorf("%w: bucket %q is missing", ErrCorrupt, name)
		}
	}
	t.bind()
	var sealed uint64
	if v >= 2 {
		if _, err := t.head(); err != nil {
			return 0, err
		}
		if _, err := t.chainFrom(); err != nil {
			return 0, err
		}
	} else {
		if sealed, err = t.startChain(); err != nil {
			return 0, err
		}
		if err := meta.Put(keySchema, []byte(strconv.Itoa(schemaVersion))); err != nil {
			return 0, err
		}
	}
	return sealed, t.initLater()
}

// initLater creates the buckets added after schema 2 (the "same" index and
// the watcher's buckets) when the file lacks them. They are additions an
// older oktabot ignores, not a change to what it reads or writes, so they
// need no schema bump: an older oktabot opening such a file checks only the
// buckets it knows, and its audit appends still chain (the watcher's
// records are ordinary AuditRecords). Raise schemaVersion only for a change
// an older oktabot would break or misread.
func (t *txn) initLater() error {
	if err := t.initSame(); err != nil {
		return err
	}
	if _, err := t.tx.CreateBucketIfNotExists(bucketArchived); err != nil {
		return err
	}
	return t.initWatch()
}

// recover moves every executing proposal to unknown, with its audit
// record, and every verifying one back to pending (or expired): its
// approver's Okta Verify push was waited for by the process that stopped,
// and no other can hold this file.
func (t *txn) recover(now time.Time) ([]intents.Proposal, error) {
	var ids []string
	err := t.active.ForEach(func(k, v []byte) error {
		if st := intents.State(v); st == intents.StateExecuting || st == intents.StateVerifying {
			ids = append(ids, string(k))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []intents.Proposal
	for _, id := range ids {
		p, err := t.load(id)
		if err != nil {
			return nil, err
		}
		prev := p.State
		if prev == intents.StateVerifying {
			err = InterruptIn(t, &p, now)
		} else {
			err = t.commit(&p, prev, ApplyUnknown(&p, now))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
