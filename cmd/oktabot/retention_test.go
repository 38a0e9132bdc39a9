package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot/slackfake"
)

func TestRetentionConfig(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "oktabot.db")
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		retention, dir string
		keep           time.Duration
		wantDir        string
		bad            []string // each problem's variable
	}{
		{"", "", defaultRetention, filepath.Dir(db), nil},
		{"90d", "/var/archive", 90 * 24 * time.Hour, "/var/archive", nil},
		{"30", "", 30 * 24 * time.Hour, filepath.Dir(db), nil},
		{"off", "", 0, filepath.Dir(db), nil},
		{"0", "", 0, filepath.Dir(db), nil},
		{"1y", "", 0, "", []string{"OKTABOT_RETENTION"}},
		{"-5d", "", 0, "", []string{"OKTABOT_RETENTION"}},
		{"forever", file, 0, "", []string{"OKTABOT_RETENTION", "OKTABOT_ARCHIVE_DIR"}},
	} {
		vars := map[string]string{"OKTABOT_DB": db, "OKTABOT_RETENTION": c.retention, "OKTABOT_ARCHIVE_DIR": c.dir}
		bc, err := loadBot(func(k string) string { return vars[k] })
		errs := each(err)
		if len(errs) != len(c.bad) {
			t.Errorf("OKTABOT_RETENTION=%q OKTABOT_ARCHIVE_DIR=%q: loadBot() = %v, want problems with %v", c.retention, c.dir, err, c.bad)
			continue
		}
		for i, name := range c.bad {
			if msg := errs[i].Error(); !strings.HasPrefix(msg, name) || !strings.Contains(msg, "use") && !strings.Contains(msg, "name a directory") {
				t.Errorf("problem %d = %q, want one naming %s and what to use", i, msg, name)
			}
		}
		if c.bad == nil && (bc.Retention.Keep != c.keep || bc.Retention.Dir != c.wantDir) {
			t.Errorf("OKTABOT_RETENTION=%q OKTABOT_ARCHIVE_DIR=%q: %+v, want keep %s in %s", c.retention, c.dir, bc.Retention, c.keep, c.wantDir)
		}
	}
}

// oldStore is an approvals file with two proposals rejected 500 days ago,
// one still pending from then, and one rejected today. It returns their
// ids, old first.
func oldStore(t *testing.T, db string) []string {
	t.Helper()
	at := time.Now().Add(-500 * 24 * time.Hour)
	st, err := approvals.Open(db, approvals.Options{Timeout: time.Second, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }() // teardown; each write is committed
	return writeAged(t, st, &at, fourUsers)
}

// approvals archive moves the old decided proposals to a file in
// OKTABOT_ARCHIVE_DIR, and approvals verify --archive checks it and that
// the store continues it, and names a changed line.
func TestApprovalsArchiveCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "oktabot.db")
	dir := filepath.Join(t.TempDir(), "archive")
	ids := oldStore(t, db)
	vars := map[string]string{"OKTABOT_DB": db, "OKTABOT_ARCHIVE_DIR": dir}

	for _, bad := range []struct{ before, want string }{
		{"yesterday", "--before \"yesterday\": use a date"},
		{time.Now().Add(48 * time.Hour).Format(time.DateOnly), "in the future"},
	} {
		if _, _, err := runCmd(t, ctx, vars, "approvals", "archive", "--before", bad.before); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("archive --before %s = %v, want %q", bad.before, err, bad.want)
		}
	}
	off := map[string]string{"OKTABOT_DB": db, "OKTABOT_ARCHIVE_DIR": dir, "OKTABOT_RETENTION": "off"}
	if _, _, err := runCmd(t, ctx, off, "approvals", "archive"); err == nil || !strings.Contains(err.Error(), "OKTABOT_RETENTION is off") {
		t.Errorf("archive with retention off = %v, want it to ask for --before", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("refused archive runs made %s (%v)", dir, err)
	}

	file := archiveCommand(t, ctx, vars, dir, ids, "OKTABOT_DB")

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines[2] = strings.Replace(lines[2], "a@company.com", "x@company.com", 1)
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, ctx, vars, "approvals", "verify", "--archive", bad); err == nil || !strings.Contains(err.Error(), "audit record 2") || !strings.Contains(err.Error(), "hash mismatch") {
		t.Errorf("verify --archive of a changed line = %v, want record 2 named", err)
	}
}

// One day's housekeeping archives into OKTABOT_ARCHIVE_DIR; with
// retention off, housekeeping does nothing.
func TestHousekeeping(t *testing.T) {
	db := filepath.Join(t.TempDir(), "oktabot.db")
	dir := filepath.Join(t.TempDir(), "archive")
	ids := oldStore(t, db)
	st, err := approvals.Open(db, approvals.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }() // teardown
	var logs strings.Builder
	log := newLogger(&logs, env(func(string) string { return "" }))
	housekeeping(context.Background(), st, retentionConfig{Keep: 0, Dir: dir}, log)()
	if _, err := os.Stat(dir); !os.IsNotExist(err) || !strings.Contains(logs.String(), "retention is off") {
		t.Fatalf("housekeeping with retention off made %s (%v) or did not say it is off: %s", dir, err, logs.String())
	}
	housekeepOnce(context.Background(), st, retentionConfig{Keep: defaultRetention, Dir: dir}, log)
	files, _ := filepath.Glob(filepath.Join(dir, "oktabot-archive-*.jsonl"))
	if _, err := st.Get(ids[0]); len(files) != 1 || !errors.Is(err, approvals.ErrArchived) {
		t.Errorf("housekeeping wrote %v and Get(%s) = %v, want one file and the proposal archived", files, ids[0], err)
	}
	if !strings.Contains(logs.String(), "proposals=2 records=5") {
		t.Errorf("housekeeping logged %s, want what it moved", logs.String())
	}
}

// logWatch is a log destination that says when a line containing want
// was written.
type logWatch struct {
	syncBuffer
	want string
	once sync.Once
	seen chan struct{}
}

func newLogWatch(want string) *logWatch { return &logWatch{want: want, seen: make(chan struct{})} }

func (l *logWatch) Write(p []byte) (int, error) {
	n, err := l.syncBuffer.Write(p)
	if strings.Contains(l.String(), l.want) {
		l.once.Do(func() { close(l.seen) })
	}
	return n, err
}

// wait fails the test unless the line comes before ctx ends.
func (l *logWatch) wait(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-l.seen:
	case <-ctx.Done():
		t.Fatalf("no log line %q came; the log:\n%s", l.want, l.String())
	}
}

// oktabot run archives at start what is older than OKTABOT_RETENTION, then
// daily, into OKTABOT_ARCHIVE_DIR.
func TestRunArchivesAtStart(t *testing.T) {
	_, vars := runSetup(t, slackfake.Options{})
	dir := filepath.Join(t.TempDir(), "archive")
	vars = with(vars, map[string]string{"OKTABOT_ARCHIVE_DIR": dir})
	ids := oldStore(t, vars["OKTABOT_DB"])
	runUntilArchived(t, vars)
	st, err := approvals.Open(vars["OKTABOT_DB"], approvals.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }() // teardown
	if _, err := st.Get(ids[0]); !errors.Is(err, approvals.ErrArchived) {
		t.Errorf("Get(%s) after run = %v, want archived", ids[0], err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "oktabot-archive-*.jsonl")); len(files) != 1 {
		t.Errorf("archive files %v, want one", files)
	}
}
