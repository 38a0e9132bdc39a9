package approvals_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/storetest"
	"github.com/oktabot/oktabot/intents"
)

// retention is the cut-off the tests archive at: 400 days.
const retention = 400 * 24 * time.Hour

// agedStore holds, from 500 days ago, one proposal in each state, a
// suppression, and, from today, a rejected and a pending proposal. It
// returns the ids of the old decided proposals (which Archive moves), of
// the old undecided ones (which it never moves) and of the new ones.
func agedStore(t *testing.T) (ts *TestStore, oldDecided, oldOpen, fresh []string) {
	t.Helper()
	ts = MustOpen(t)
	n := 0
	create := func() string {
		n++
		return ts.MustCreate(suspendUser(n)).ID
	}
	must := func(_ intents.Proposal, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Expired first: ExpireDue would expire any pending proposal.
	expired := create()
	ts.Clock.Advance(2 * time.Hour)
	if _, err := ts.ExpireDue(ts.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	rejected := create()
	must(ts.Decide(reject(rejected, approver, "not needed"), policy()))
	executed := create()
	must(ts.Decide(approve(executed, approver), policy()))
	must(ts.BeginExecute(executed))
	must(ts.Finish(executed, outcome(), nil))
	failed := create()
	must(ts.Decide(approve(failed, approver), policy()))
	must(ts.BeginExecute(failed))
	must(ts.Finish(failed, nil, errors.New("okta: 500")))
	if _, err := ts.Suppress(intents.Suppression{Detection: "password_spray", IP: "185.220.101.1", Until: ts.Clock.Now().Add(30 * 24 * time.Hour), By: approver}); err != nil {
		t.Fatal(err)
	}
	pending := create()
	approved := create()
	must(ts.Decide(approve(approved, approver), policy()))
	executing := create()
	must(ts.Decide(approve(executing, approver), policy()))
	must(ts.BeginExecute(executing))

	ts.Clock.Advance(500 * 24 * time.Hour)
	newRejected := create()
	must(ts.Decide(reject(newRejected, approver, "later"), policy()))
	newPending := create()
	return ts, []string{expired, rejected, executed, failed}, []string{pending, approved, executing}, []string{newRejected, newPending}
}

// archiveTo runs Archive at the retention cut-off into a new file and
// returns the report and the file's path.
func archiveTo(t *testing.T, ts *TestStore, name string) (approvals.ArchiveReport, string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // Archive fsyncs each batch
	rep, err := ts.Archive(ts.Clock.Now().Add(-retention), f)
	return rep, path, err
}

// archivedStore is agedStore archived at the cut-off, with the archive's
// path and contents.
func archivedStore(t *testing.T) (*TestStore, approvals.ArchiveReport, string, []byte) {
	t.Helper()
	ts, _, _, _ := agedStore(t)
	rep, path, err := archiveTo(t, ts, "a.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ts, rep, path, data
}

// mustBeOpen fails the test unless the old undecided proposals are still
// pending, approved and executing.
func mustBeOpen(ts *TestStore, oldOpen []string) {
	ts.t.Helper()
	ts.MustState(oldOpen[0], intents.StatePending)
	ts.MustState(oldOpen[1], intents.StateApproved)
	ts.MustState(oldOpen[2], intents.StateExecuting)
}

func verifyFile(t *testing.T, path string) approvals.ArchiveCheck {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read only
	rep, err := approvals.VerifyArchive(f)
	if err != nil {
		t.Fatalf("VerifyArchive(%s) = %v", path, err)
	}
	return rep
}

// archiveLine is one line of an archive file as this test reads it.
type archiveLine struct {
	Type     string          `json:"type"`
	Seq      uint64          `json:"seq"`
	ID       string          `json:"id"`
	Record   json.RawMessage `json:"record"`
	Proposal json.RawMessage `json:"proposal"`
}

func readLines(t *testing.T, path string) []archiveLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []archiveLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l archiveLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("archive line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func TestArchiveMovesOldDecided(t *testing.T) {
	ts, oldDecided, oldOpen, fresh := agedStore(t)
	before := ts.Clock.Now().Add(-retention)
	all := ts.AllRecords()
	var wantSeqs []uint64
	for _, r := range all {
		if r.At.Before(before) {
			wantSeqs = append(wantSeqs, r.Seq)
		}
	}
	rep, path, err := archiveTo(t, ts, "a.jsonl")
	if err != nil {
		t.Fatalf("Archive() = %v", err)
	}
	if rep.Proposals != len(oldDecided) || rep.Records != len(wantSeqs) {
		t.Errorf("Archive() moved %d proposals and %d records, want %d and %d", rep.Proposals, rep.Records, len(oldDecided), len(wantSeqs))
	}

	// The file: a header, the audit prefix in order, the old decided
	// proposals, each as stored.
	lines := readLines(t, path)
	if len(lines) == 0 || lines[0].Type != "header" {
		t.Fatalf("archive starts with %+v, want a header", lines)
	}
	var seqs []uint64
	var ids []string
	for _, l := range lines[1:] {
		switch l.Type {
		case "audit":
			seqs = append(seqs, l.Seq)
		case "proposal":
			ids = append(ids, l.ID)
		}
	}
	if !slices.Equal(seqs, wantSeqs) {
		t.Errorf("archived audit records %v, want %v", seqs, wantSeqs)
	}
	slices.Sort(ids)
	want := slices.Sorted(slices.Values(oldDecided))
	if !slices.Equal(ids, want) {
		t.Errorf("archived proposals %v, want %v", ids, want)
	}

	// The store: the old decided proposals are gone, and Get says they
	// were archived; every other proposal is there, however old.
	for _, id := range oldDecided {
		_, err := ts.Get(id)
		if !errors.Is(err, intents.ErrNotFound) || !errors.Is(err, approvals.ErrArchived) || !strings.Contains(err.Error(), "archive") {
			t.Errorf("Get(%s) after Archive = %v, want not found, archived", id, err)
		}
	}
	mustBeOpen(ts, oldOpen)
	ts.MustState(fresh[0], intents.StateRejected)
	ts.MustState(fresh[1], intents.StatePending)
	if _, err := ts.Get("p-ZZZZZZ"); !errors.Is(err, intents.ErrNotFound) || errors.Is(err, approvals.ErrArchived) {
		t.Errorf("Get(unknown) = %v, want not found and not archived", err)
	}
	// The store keeps only the records from the cut-off on, and its
	// chain verifies from the anchor, the archive's last record.
	left := ts.AllRecords()
	if len(left)+len(wantSeqs) != len(all) || left[0].Seq != wantSeqs[len(wantSeqs)-1]+1 {
		t.Errorf("the store holds %d records from %d, want %d from %d", len(left), left[0].Seq, len(all)-len(wantSeqs), wantSeqs[len(wantSeqs)-1]+1)
	}
	check := verifyFile(t, path)
	if check.Break != nil || check.CutOff != 0 || check.Records != len(wantSeqs) || check.Proposals != len(oldDecided) {
		t.Errorf("VerifyArchive() = %+v (break %v), want %d records, %d proposals, intact", check, check.Break, len(wantSeqs), len(oldDecided))
	}
	if check.From != (approvals.ChainPoint{Seq: 0, Hash: approvals.Genesis}) || check.Last != rep.Anchor {
		t.Errorf("archive runs from %+v to %+v, want from the genesis to the anchor %+v", check.From, check.Last, rep.Anchor)
	}
	for _, reopen := range []bool{false, true} {
		if reopen {
			ts.Reopen() // the executing proposal is now unknown, one more record
			left = ts.AllRecords()
		}
		v := mustVerify(t, ts)
		if v.Break != nil || v.Anchor != rep.Anchor || v.Records != uint64(len(left)) {
			t.Errorf("Verify() (reopened %v) = %+v (break %v), want anchor %+v and %d records", reopen, v, v.Break, rep.Anchor, len(left))
		}
		if c, err := ts.ContinuesArchive(check); err != nil || c != approvals.Continues {
			t.Errorf("ContinuesArchive() = %v, %v; want Continues", c, err)
		}
	}
	// A new record chains on; a second run has nothing to move.
	ts.MustCreate(suspendUser(99))
	if v := mustVerify(t, ts); v.Break != nil {
		t.Errorf("Verify() after a new proposal = %v", v.Break)
	}
	again, _, err := archiveTo(t, ts, "b.jsonl")
	if err != nil || again.Moved() || again.From != rep.Anchor {
		t.Errorf("second Archive() = %+v, %v; want nothing moved from %+v", again, err, rep.Anchor)
	}
	// The suppression's record went with the prefix, in its place.
	suppressed := false
	for _, l := range lines {
		suppressed = suppressed || l.Type == "audit" && bytes.Contains(l.Record, []byte(`"event":"suppressed"`))
	}
	if !suppressed {
		t.Error("the archive lacks the old suppression's record")
	}
}

// However old, a proposal that is pending, approved or executing stays.
func TestArchiveNeverMovesUndecided(t *testing.T) {
	ts, _, oldOpen, _ := agedStore(t)
	ts.Clock.Advance(10 * 365 * 24 * time.Hour)
	rep, path, err := archiveTo(t, ts, "a.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Proposals != 5 {
		t.Errorf("Archive() ten years on moved %d proposals, want the 5 decided ones", rep.Proposals)
	}
	for _, l := range readLines(t, path) {
		if l.Type == "proposal" && slices.Contains(oldOpen, l.ID) {
			t.Errorf("the archive holds undecided proposal %s", l.ID)
		}
	}
	mustBeOpen(ts, oldOpen)
	if v := mustVerify(t, ts); v.Break != nil || v.Records != 0 {
		t.Errorf("Verify() = %+v (break %v), want an intact, empty log", v, v.Break)
	}
}

// VerifyArchive names an altered, removed or reordered line.
func TestArchiveVerifyFindsTampering(t *testing.T) {
	ts, _, path, data := archivedStore(t)
	lines := strings.SplitAfter(string(data), "\n")
	// lines[0] is the header, lines[k] audit record k.
	cases := []struct {
		name    string
		edit    func([]string) []string
		seq     uint64
		problem string
	}{
		{"a detail changed", func(ls []string) []string {
			ls[3] = strings.Replace(ls[3], `company.com`, `c0mpany.com`, 1)
			return ls
		}, 3, approvals.BrokenHash},
		{"a record removed", func(ls []string) []string { return slices.Delete(ls, 4, 5) }, 4, approvals.BrokenMissing},
		{"two records swapped", func(ls []string) []string { ls[2], ls[3] = ls[3], ls[2]; return ls }, 2, approvals.BrokenMissing},
		{"not an archive", func(ls []string) []string { return ls[1:] }, 0, approvals.BrokenForm},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := c.edit(slices.Clone(lines))
			check, err := approvals.VerifyArchive(strings.NewReader(strings.Join(bad, "")))
			if err != nil {
				t.Fatal(err)
			}
			if b := check.Break; b == nil || b.Seq != c.seq || b.Problem != c.problem {
				t.Errorf("VerifyArchive() break = %v, want record %d: %s", b, c.seq, c.problem)
			}
		})
	}
	// The untouched file verifies, so each case above failed for its edit.
	if check := verifyFile(t, path); check.Break != nil {
		t.Fatalf("VerifyArchive(untouched) = %v", check.Break)
	}
	// A store whose anchor was changed no longer continues the archive,
	// and its own chain breaks at its first record.
	check := verifyFile(t, path)
	ts.Close()
	editFile(t, ts.Path, func(_, meta *bolt.Bucket) error {
		v := bytes.Clone(meta.Get([]byte("auditAnchor")))
		v[len(v)-1] ^= 1
		return meta.Put([]byte("auditAnchor"), v)
	})
	ts.open()
	if _, err := ts.ContinuesArchive(check); err == nil {
		t.Error("ContinuesArchive() with a changed anchor = nil, want a break")
	}
	if v := mustVerify(t, ts); v.Break == nil || v.Break.Seq != check.Last.Seq+1 || v.Break.Problem != approvals.BrokenLink {
		t.Errorf("Verify() with a changed anchor = %v, want record %d: %s", v.Break, check.Last.Seq+1, approvals.BrokenLink)
	}
}

// Verify still names the first record removed from the store after an
// archive run.
func TestArchiveStoreVerifyNamesRemoved(t *testing.T) {
	ts, rep, _, _ := archivedStore(t)
	ts.Close()
	editFile(t, ts.Path, func(audit, _ *bolt.Bucket) error { return audit.Delete(key(rep.Anchor.Seq + 1)) })
	ts.open()
	if v := mustVerify(t, ts); v.Break == nil || v.Break.Seq != rep.Anchor.Seq+1 || v.Break.Problem != approvals.BrokenMissing {
		t.Errorf("Verify() = %v, want record %d missing", v.Break, rep.Anchor.Seq+1)
	}
}

// failingWriter takes writes until its budget runs out; with syncFails it
// takes the write and fails the fsync instead, as a crash after writing a
// batch and before removing it from the store would leave things.
type failingWriter struct {
	f         *os.File
	writes    int
	syncFails bool
	last      bool
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.writes == 0 {
		if !w.syncFails {
			return 0, errors.New("disk full")
		}
		w.last = true
	}
	w.writes--
	return w.f.Write(p)
}

func (w *failingWriter) Sync() error {
	if w.last {
		return errors.New("fsync: input/output error")
	}
	return w.f.Sync()
}

// A run stopped between batches leaves a store that verifies, and a
// re-run completes it: together the archives hold every record once
// (the interrupted batch, when it reached the first file, twice, identical).
func TestArchiveInterrupted(t *testing.T) {
	defer approvals.SetArchiveBatchForTest(3, 4)()
	for _, syncFails := range []bool{false, true} {
		t.Run(fmt.Sprintf("written=%v", syncFails), func(t *testing.T) {
			ts, oldDecided, _, _ := agedStore(t)
			before := ts.Clock.Now().Add(-retention)
			var wantSeqs []uint64
			for _, r := range ts.AllRecords() {
				if r.At.Before(before) {
					wantSeqs = append(wantSeqs, r.Seq)
				}
			}
			dir := t.TempDir()
			f1, err := os.Create(filepath.Join(dir, "1.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			// The header and two batches go through; the third fails.
			w := &failingWriter{f: f1, writes: 3, syncFails: syncFails}
			rep1, err := ts.Archive(before, w)
			_ = f1.Close()
			if err == nil {
				t.Fatal("Archive() with a failing writer = nil error")
			}
			if rep1.Records != 6 || rep1.Batches != 2 {
				t.Fatalf("interrupted Archive() = %+v, want 2 batches of 3 records", rep1)
			}
			if v := mustVerify(t, ts); v.Break != nil || v.Anchor != rep1.Anchor {
				t.Fatalf("Verify() after the interruption = %+v (break %v), want intact from %+v", v, v.Break, rep1.Anchor)
			}
			check1 := verifyFile(t, f1.Name())
			if check1.Break != nil {
				t.Fatalf("VerifyArchive(interrupted) = %v", check1.Break)
			}
			wantCont, wantLast := approvals.Continues, rep1.Anchor.Seq
			if syncFails {
				wantCont, wantLast = approvals.Overlaps, rep1.Anchor.Seq+3
			}
			if c, err := ts.ContinuesArchive(check1); err != nil || c != wantCont || check1.Last.Seq != wantLast {
				t.Errorf("ContinuesArchive(interrupted) = %v, %v, ending at %d; want %v ending at %d", c, err, check1.Last.Seq, wantCont, wantLast)
			}

			ts.Reopen()
			f2, err := os.Create(filepath.Join(dir, "2.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			rep2, err := ts.Archive(before, f2)
			_ = f2.Close()
			if err != nil {
				t.Fatalf("re-run Archive() = %v", err)
			}
			if rep2.From != rep1.Anchor {
				t.Errorf("re-run starts from %+v, want %+v", rep2.From, rep1.Anchor)
			}
			check2 := verifyFile(t, f2.Name())
			if c, err := ts.ContinuesArchive(check2); err != nil || c != approvals.Continues || check2.Break != nil {
				t.Errorf("re-run archive: %+v, ContinuesArchive = %v, %v; want intact and Continues", check2, c, err)
			}
			if c, err := ts.ContinuesArchive(check1); err != nil || c != approvals.Earlier {
				t.Errorf("ContinuesArchive(first) after the re-run = %v, %v; want Earlier", c, err)
			}
			// Every record once; the repeated ones identical.
			got := map[uint64][]byte{}
			var seqs []uint64
			ids := map[string]int{}
			for _, path := range []string{f1.Name(), f2.Name()} {
				for _, l := range readLines(t, path) {
					switch l.Type {
					case "audit":
						if prev, ok := got[l.Seq]; ok {
							if !bytes.Equal(prev, l.Record) {
								t.Errorf("record %d archived twice, differently", l.Seq)
							}
							continue
						}
						got[l.Seq] = l.Record
						seqs = append(seqs, l.Seq)
					case "proposal":
						ids[l.ID]++
					}
				}
			}
			if !slices.Equal(seqs, wantSeqs) {
				t.Errorf("the two archives hold records %v, want %v", seqs, wantSeqs)
			}
			for _, id := range oldDecided {
				if ids[id] != 1 {
					t.Errorf("proposal %s archived %d times, want once", id, ids[id])
				}
			}
			if v := mustVerify(t, ts); v.Break != nil || v.Anchor.Seq != wantSeqs[len(wantSeqs)-1] {
				t.Errorf("Verify() after the re-run = %+v (break %v)", v, v.Break)
			}
		})
	}
}

// A line cut off by a crash while writing is reported as such, not taken
// for a break.
func TestArchiveVerifyCutOff(t *testing.T) {
	_, _, _, data := archivedStore(t)
	cut := data[:len(data)-10]
	check, err := approvals.VerifyArchive(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	if check.Break != nil || check.CutOff != bytes.Count(cut, []byte("\n"))+1 {
		t.Errorf("VerifyArchive(cut) = break %v, cut-off line %d; want the last line (%d) cut off", check.Break, check.CutOff, bytes.Count(cut, []byte("\n"))+1)
	}
}

// Only a prefix of the log leaves the store: a record older than the
// cut-off that follows a newer one (the clock was set back) stays, and so
// does everything after the first newer record.
func TestArchiveStopsAtFirstNewRecord(t *testing.T) {
	ts, _, _, _ := agedStore(t)
	now := ts.Clock.Now()
	firstNew := uint64(0)
	for _, r := range ts.AllRecords() {
		if firstNew == 0 && !r.At.Before(now.Add(-retention)) {
			firstNew = r.Seq
		}
	}
	ts.Clock.Set(t0.Add(3 * time.Hour))
	late := ts.MustCreate(suspendUser(50)).ID
	ts.Clock.Set(now)
	rep, _, err := archiveTo(t, ts, "a.jsonl")
	if err != nil {
		t.Fatalf("Archive() = %v", err)
	}
	if rep.Anchor.Seq != firstNew-1 {
		t.Errorf("Archive() moved records up to %d, want up to %d, before the first newer one", rep.Anchor.Seq, firstNew-1)
	}
	if got := ts.Events(late); !slices.Equal(got, []string{approvals.EventRequested}) {
		t.Errorf("History(%s) = %v, want its request, still in the store", late, got)
	}
	if v := mustVerify(t, ts); v.Break != nil {
		t.Errorf("Verify() = %v", v.Break)
	}
}

// A store written before the chain archives too: its sealed records go
// first (two runs, stopping among them), and the store and the archives
// verify, the second archive from the first's last seal.
func TestArchiveLegacyStore(t *testing.T) {
	defer approvals.SetArchiveBatchForTest(2, 4)()
	ts, _ := legacyStore(t)
	ts.open()
	ts.MustCreate(suspendUser(3)) // record 4, chained
	ts.Clock.Advance(retention + time.Hour)
	dir := t.TempDir()
	f1, err := os.Create(filepath.Join(dir, "1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// The header and one batch (records 1 and 2, sealed) go through.
	_, err = ts.Archive(ts.Clock.Now(), &failingWriter{f: f1, writes: 2})
	_ = f1.Close()
	if err == nil {
		t.Fatal("Archive() with a failing writer = nil error")
	}
	check1 := verifyFile(t, f1.Name())
	if v := mustVerify(t, ts); v.Break != nil || v.Anchor != check1.Last || check1.Break != nil || check1.Last.Seq != 2 {
		t.Fatalf("after the first run: store %+v (break %v), archive %+v (break %v); want both intact at record 2", v, v.Break, check1, check1.Break)
	}
	rep, path, err := archiveTo(t, ts, "2.jsonl")
	if err != nil || rep.Anchor.Seq != 4 || rep.From != check1.Last {
		t.Fatalf("second Archive() = %+v, %v; want records 3-4 from %+v", rep, err, check1.Last)
	}
	check2 := verifyFile(t, path)
	if c, err := ts.ContinuesArchive(check2); check2.Break != nil || err != nil || c != approvals.Continues {
		t.Errorf("second archive %+v (break %v), ContinuesArchive = %v, %v", check2, check2.Break, c, err)
	}
	if v := mustVerify(t, ts); v.Break != nil || v.Records != 0 {
		t.Errorf("Verify() = %+v (break %v), want an intact empty log", v, v.Break)
	}
}

// TestArchiveContract runs the retention contract (storetest.RunArchive,
// which etcdstore runs too) on bbolt with small batches: the contract's
// 85 records take several, its 41 proposals several reads.
func TestArchiveContract(t *testing.T) {
	defer approvals.SetArchiveBatchForTest(7, 11)()
	storetest.RunArchive(t, storetest.Bbolt())
}
