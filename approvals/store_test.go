package approvals_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

func TestOpenPersists(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	ts.Reopen()
	ts.MustState(p.ID, intents.StatePending)
	if got := ts.Recovered(); len(got) != 0 {
		t.Errorf("Recovered() = %v, want none", ids(got))
	}
	info, err := os.Stat(ts.Path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %v, want 0600 (the audit log is private)", mode)
	}
}

// TestRecovered: a proposal executing when the store closed becomes
// unknown, is listed once, and is never handed out for execution again.
func TestRecovered(t *testing.T) {
	ts := MustOpen(t)
	id := reach(t, ts, intents.StateExecuting)
	other := reach(t, ts, intents.StateApproved)
	ts.Reopen()
	if diff := ids(ts.Recovered()); len(diff) != 1 || diff[0] != id {
		t.Fatalf("Recovered() = %v, want [%s]", diff, id)
	}
	if got := ts.Recovered()[0]; got.State != intents.StateUnknown {
		t.Errorf("Recovered()[0].State = %s, want unknown", got.State)
	}
	ts.MustState(id, intents.StateUnknown)
	ts.MustState(other, intents.StateApproved)
	if events := ts.Events(id); events[len(events)-1] != approvals.EventUnknown {
		t.Errorf("History(%s) = %v, want it to end with unknown", id, events)
	}
	if _, err := ts.BeginExecute(id); !errors.Is(err, intents.ErrStarted) {
		t.Errorf("BeginExecute(unknown) = %v, want ErrStarted", err)
	}
	ts.Reopen()
	if got := ts.Recovered(); len(got) != 0 {
		t.Errorf("Recovered() after a second reopen = %v, want none", ids(got))
	}
}

// TestOpenInUse: bbolt's flock is per open file, so a second Open in the
// same process is refused like another process would be, within the
// timeout.
func TestOpenInUse(t *testing.T) {
	ts := MustOpen(t)
	_, err := approvals.Open(ts.Path, approvals.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, approvals.ErrInUse) {
		t.Fatalf("second Open() = %v, want ErrInUse", err)
	}
	want := "approvals: open " + ts.Path + ": the file is in use by another oktabot process (timeout after 100ms)"
	if err.Error() != want {
		t.Errorf("second Open() error\n got %q\nwant %q", err, want)
	}
	// The first store is unharmed.
	ts.MustCreate(suspendJohn())
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	garbage := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	real, used := realFile(t)
	pageSize := os.Getpagesize()

	tests := []struct {
		name    string
		path    string
		wantErr error
		text    string
	}{
		{"tiny garbage", write("tiny", garbage(100)), approvals.ErrCorrupt, "damaged"},
		{"page of garbage", write("page", garbage(pageSize)), approvals.ErrCorrupt, "damaged"},
		{"64 KiB of garbage", write("garbage", garbage(64<<10)), approvals.ErrCorrupt, "damaged"},
		{"text file", write("text", bytes.Repeat([]byte("SLACK_BOT_TOKEN=xoxb-not-a-db\n"), 500)), approvals.ErrCorrupt, "damaged"},
		{"truncated to one page", write("trunc1", real[:pageSize]), approvals.ErrCorrupt, "damaged"},
		{"truncated after the meta pages", write("trunc2", real[:2*pageSize+100]), approvals.ErrCorrupt, "damaged"},
		{"truncated to half", write("trunc3", real[:len(real)/2]), approvals.ErrCorrupt, "damaged"},
		{"last used page cut off", write("trunc4", real[:used-pageSize]), approvals.ErrCorrupt, "truncated"},
		{"pages scribbled", write("scribbled", scribble(real, pageSize, garbage)), approvals.ErrCorrupt, "damaged"},
		{"another program's bbolt file", foreignFile(t, dir), approvals.ErrIncompatible, `not an oktabot approvals file (it holds buckets "widgets")`},
		{"a newer oktabot's file", newerFile(t), approvals.ErrIncompatible, "written by a newer oktabot (schema 4; this one reads up to 3)"},
		{"missing directory", filepath.Join(dir, "nope", "oktabot.db"), os.ErrNotExist, "approvals: open " + filepath.Join(dir, "nope", "oktabot.db") + ": no such file or directory"},
		{"a directory", dir, nil, "approvals: open " + dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := approvals.Open(tt.path, approvals.Options{Timeout: 100 * time.Millisecond})
			if err == nil {
				_ = s.Close() // teardown; a close error here decides nothing the test checks
				t.Fatalf("Open(%s) succeeded, want an error", tt.name)
			}
			t.Logf("Open(%s) = %v", tt.name, err)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Open(%s) = %v, want %v", tt.name, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.text) || !strings.HasPrefix(err.Error(), "approvals: open ") {
				t.Errorf("Open(%s) = %q, want it to start with \"approvals: open\" and contain %q", tt.name, err, tt.text)
			}
			// A failed Open leaves no lock behind: a good file can be
			// written in its place and opened.
			if tt.wantErr == approvals.ErrCorrupt {
				if err := os.Remove(tt.path); err != nil {
					t.Fatal(err)
				}
				s, err := approvals.Open(tt.path, approvals.Options{Timeout: 100 * time.Millisecond})
				if err != nil {
					t.Fatalf("Open(new file at %s) = %v", tt.name, err)
				}
				_ = s.Close() // teardown; a close error here decides nothing the test checks
			}
		})
	}
}

// TestOpenTruncatedEverywhere cuts a real file at every page boundary:
// each must give ErrCorrupt, never a panic or a memory fault.
func TestOpenTruncatedEverywhere(t *testing.T) {
	real, used := realFile(t)
	path := filepath.Join(t.TempDir(), "truncated.db")
	pageSize := os.Getpagesize()
	faults := 0
	for n := pageSize; n < used; n += pageSize {
		if err := os.WriteFile(path, real[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := approvals.Open(path, approvals.Options{Timeout: 100 * time.Millisecond})
		if err == nil {
			_ = s.Close() // teardown; a close error here decides nothing the test checks
			t.Errorf("Open(file cut to %d of %d bytes) succeeded, want ErrCorrupt", n, used)
		} else if !errors.Is(err, approvals.ErrCorrupt) {
			t.Errorf("Open(file cut to %d of %d bytes) = %v, want ErrCorrupt", n, used, err)
		}
		if err != nil && strings.Contains(err.Error(), "beyond the end of the file") {
			faults++
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of %d cuts faulted on a page beyond the end", faults, used/pageSize-1)
}

// realFile returns the bytes of a closed store holding 200 proposals and
// how many of them bbolt uses (the file has free room at its end).
func realFile(t *testing.T) (data []byte, used int) {
	t.Helper()
	ts := MustOpen(t)
	big := suspendUser(1) // seeded pending; reach below suspends john
	big.Preview.Impact = []string{strings.Repeat("member of many groups ", 50)}
	if _, err := approvals.SeedForTest(ts.Store, 200, big); err != nil {
		t.Fatalf("SeedForTest() = %v", err)
	}
	reach(t, ts, intents.StateExecuted)
	ts.Close()
	db, err := bolt.Open(ts.Path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.View(func(tx *bolt.Tx) error {
		used = int(tx.Size())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.Close() // teardown; a close error here decides nothing the test checks
	if data, err = os.ReadFile(ts.Path); err != nil {
		t.Fatal(err)
	}
	return data, used
}

// scribble overwrites every page but the two meta pages with garbage.
func scribble(data []byte, pageSize int, garbage func(int) []byte) []byte {
	out := bytes.Clone(data)
	copy(out[2*pageSize:], garbage(len(out)-2*pageSize))
	return out
}

func foreignFile(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }() // teardown; a close error here decides nothing the test checks
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("widgets"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return path
}

func newerFile(t *testing.T) string {
	t.Helper()
	ts := MustOpen(t)
	ts.Close()
	db, err := bolt.Open(ts.Path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }() // teardown; a close error here decides nothing the test checks
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("4"))
	}); err != nil {
		t.Fatal(err)
	}
	return ts.Path
}

func TestClosedStore(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())
	s := ts.Store
	ts.Close()
	if _, err := s.Get(p.ID); !errors.Is(err, approvals.ErrClosed) {
		t.Errorf("Get() on a closed store = %v, want ErrClosed", err)
	}
	if _, err := s.Create(suspendJohn()); !errors.Is(err, approvals.ErrClosed) {
		t.Errorf("Create() on a closed store = %v, want ErrClosed", err)
	}
}

func TestAuditStopsAtError(t *testing.T) {
	ts := MustOpen(t)
	for i := range 300 { // more than one batch
		ts.MustCreate(suspendUser(i))
	}
	recs := ts.AllRecords()
	if len(recs) != 300 {
		t.Fatalf("Audit() visited %d records, want 300", len(recs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("Audit() record %d has Seq %d, want %d", i, r.Seq, i+1)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := ts.Audit(func(intents.AuditRecord) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if err != stop || n != 10 {
		t.Errorf("Audit() = %v after %d records, want stop after 10", err, n)
	}
}
