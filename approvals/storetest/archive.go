package storetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Archiver is a store with retention: what RunArchive checks.
type Archiver interface {
	Store
	ArchiveContext(ctx context.Context, before time.Time, w io.Writer) (approvals.ArchiveReport, error)
	ContinuesArchive(a approvals.ArchiveCheck) (approvals.Continuity, error)
}

var _ Archiver = (*approvals.Store)(nil)

// RunArchive checks retention on stores from f, whose handles must be
// Archivers: what an archive run moves and keeps, that the store's chain
// verifies from the anchor and continues the archive, and that writers and
// a second archive run at the same time lose and duplicate nothing.
func RunArchive(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f Factory)
	}{
		{"MovesOldDecided", testArchiveMoves},
		{"ConcurrentWriter", testArchiveConcurrentWriter},
		{"TwoArchiversStart", testTwoArchiversStart},
		{"TwoArchiversAudit", testTwoArchiversAudit},
		{"TwoArchiversProposals", testTwoArchiversProposals},
		{"TwoArchiversFree", testTwoArchiversFree},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}

// Bbolt is the factory of bbolt stores under t.TempDir(): every handle of
// a state is the one Store, which one process holds.
func Bbolt() Factory {
	return Factory{Name: "bbolt", Open: func(t *testing.T, now func() time.Time, n int) []Store {
		s, err := approvals.Open(filepath.Join(t.TempDir(), "oktabot.db"), approvals.Options{TTL: time.Hour, Now: now})
		if err != nil {
			t.Fatalf("approvals.Open() = %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		out := make([]Store, n)
		for i := range out {
			out[i] = s
		}
		return out
	}}
}

// retention is the cut-off the contract archives at.
const retention = 400 * 24 * time.Hour

// aged is a state built by agedState.
type aged struct {
	moved   []string // decided before the cut-off: archived
	open    []string // pending and approved before it: never archived
	fresh   []string // decided and pending after it
	records int      // audit records written before the cut-off
	before  time.Time
}

// agedState writes, from t0, n rejected proposals and one withdrawn
// (expired), one pending and one approved; then, 500 days on, one
// rejected and one pending.
func agedState(e *env, n int) aged {
	e.t.Helper()
	var a aged
	reject := func(id string) {
		e.t.Helper()
		if _, err := e.s().Decide(approvals.Decision{ProposalID: id, By: approver, Reason: "not needed", Channel: channel}, policy()); err != nil {
			e.t.Fatalf("Decide(reject %s) = %v", id, err)
		}
	}
	for i := 1; i <= n; i++ {
		id := e.create(suspendUser(i)).ID
		reject(id)
		a.moved = append(a.moved, id)
		e.clock.Advance(time.Minute)
	}
	w := e.create(suspendUser(n + 1)).ID
	if _, err := e.s().Withdraw(w, "superseded"); err != nil {
		e.t.Fatalf("Withdraw(%s) = %v", w, err)
	}
	a.moved = append(a.moved, w)
	pending := e.create(suspendUser(n + 2)).ID
	approved := e.create(suspendUser(n + 3)).ID
	e.approve(approved)
	a.open = []string{pending, approved}
	a.records = len(storedSeqs(e.t, e.s()))

	e.clock.Advance(500 * 24 * time.Hour)
	late := e.create(suspendUser(n + 4)).ID
	reject(late)
	a.fresh = []string{late, e.create(suspendUser(n + 5)).ID}
	a.before = e.clock.Now().Add(-retention)
	return a
}

// archiver is handle i as an Archiver.
func (e *env) archiver(i int) Archiver {
	e.t.Helper()
	a, ok := e.stores[i].(Archiver)
	if !ok {
		e.t.Fatalf("store %T has no Archive", e.stores[i])
	}
	return a
}

// hookWriter keeps what an archive run writes and calls onWrite after each
// Write (a batch, between reading it and removing it from the store).
type hookWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	onWrite func(lines []archived)
}

func (w *hookWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	n, err := w.buf.Write(p)
	w.mu.Unlock()
	if w.onWrite != nil {
		w.onWrite(parseLines(p))
	}
	return n, err
}

func (w *hookWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf.Bytes())
}

// archived is one line of an archive as the contract reads it.
type archived struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq"`
	ID   string `json:"id"`
}

func parseLines(data []byte) []archived {
	var out []archived
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var l archived
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}

// contents lists an archive's audit sequence numbers and proposal ids.
func contents(data []byte) (seqs []uint64, ids []string) {
	for _, l := range parseLines(data) {
		switch l.Type {
		case "audit":
			seqs = append(seqs, l.Seq)
		case "proposal":
			ids = append(ids, l.ID)
		}
	}
	return seqs, ids
}

// verified reads an archive with VerifyArchive and fails the test unless
// it holds.
func verified(t *testing.T, data []byte) approvals.ArchiveCheck {
	t.Helper()
	c, err := approvals.VerifyArchive(bytes.NewReader(data))
	if err != nil || c.Break != nil || c.CutOff != 0 {
		t.Fatalf("VerifyArchive() = %+v, %v; want it intact", c.Break, err)
	}
	return c
}

// storedSeqs lists the sequence numbers of the records the store holds.
func storedSeqs(t *testing.T, s Store) []uint64 {
	t.Helper()
	var out []uint64
	if err := s.Audit(func(r intents.AuditRecord) error {
		out = append(out, r.Seq)
		return nil
	}); err != nil {
		t.Fatalf("Audit() = %v", err)
	}
	return out
}

// anchored fails the test unless every handle's chain verifies from
// anchor and holds the records after it.
func (e *env) anchored(anchor approvals.ChainPoint) {
	e.t.Helper()
	for i, s := range e.stores {
		rep, err := s.Verify()
		if err != nil || rep.Break != nil {
			e.t.Fatalf("store %d: Verify() = %v, %v; want the chain intact", i, rep.Break, err)
		}
		if rep.Anchor != anchor {
			e.t.Fatalf("store %d: Verify().Anchor = %+v, want %+v", i, rep.Anchor, anchor)
		}
		seqs := storedSeqs(e.t, s)
		if len(seqs) == 0 || seqs[0] != anchor.Seq+1 || rep.Records != uint64(len(seqs)) {
			e.t.Fatalf("store %d: holds records %v (Verify read %d), want them to start at %d", i, seqs, rep.Records, anchor.Seq+1)
		}
	}
}

// gone fails the test unless every handle answers Get(id) with an error
// wrapping intents.ErrNotFound and approvals.ErrArchived.
func (e *env) gone(ids ...string) {
	e.t.Helper()
	for i, s := range e.stores {
		for _, id := range ids {
			if _, err := s.Get(id); !errors.Is(err, intents.ErrNotFound) || !errors.Is(err, approvals.ErrArchived) {
				e.t.Fatalf("store %d: Get(%s) = %v, want not found, archived", i, id, err)
			}
		}
	}
}

// complete fails the test unless the records of the archives and of the
// store are 1 to the last, each once.
func (e *env) complete(archives ...[]byte) {
	e.t.Helper()
	var all []uint64
	for _, a := range archives {
		seqs, _ := contents(a)
		all = append(all, seqs...)
	}
	slices.Sort(all)
	all = slices.Compact(all) // a batch two runs wrote is the same records
	store := storedSeqs(e.t, e.s())
	for _, s := range store {
		if _, found := slices.BinarySearch(all, s); found {
			e.t.Fatalf("record %d is both archived and in the store", s)
		}
	}
	all = append(all, store...)
	slices.Sort(all)
	for i, s := range all {
		if s != uint64(i+1) {
			e.t.Fatalf("records archived and stored are %v: record %d is lost", all, i+1)
		}
	}
}

func testArchiveMoves(t *testing.T, f Factory) {
	e := open(t, f, 2)
	a := agedState(e, 40)
	var w hookWriter
	rep, err := e.archiver(0).ArchiveContext(context.Background(), a.before, &w)
	if err != nil {
		t.Fatalf("Archive() = %v", err)
	}
	if rep.Records != a.records || rep.Proposals != len(a.moved) || rep.From.Seq != 0 || rep.Anchor.Seq != uint64(a.records) {
		t.Fatalf("Archive() = %+v, want %d records and %d proposals", rep, a.records, len(a.moved))
	}
	c := verified(t, w.bytes())
	if c.Records != a.records || c.Proposals != len(a.moved) || c.Last != rep.Anchor {
		t.Fatalf("VerifyArchive() = %+v, want %d records, %d proposals, ending at %+v", c, a.records, len(a.moved), rep.Anchor)
	}
	_, ids := contents(w.bytes())
	slices.Sort(ids)
	if want := slices.Sorted(slices.Values(a.moved)); !slices.Equal(ids, want) {
		t.Fatalf("archived proposals %v, want %v", ids, want)
	}
	e.anchored(rep.Anchor)
	e.complete(w.bytes())
	e.gone(a.moved...)
	if _, err := e.s().Get("p-unknown"); !errors.Is(err, intents.ErrNotFound) || errors.Is(err, approvals.ErrArchived) {
		t.Errorf("Get(unknown) = %v, want not found, not archived", err)
	}
	e.state(a.open[0], intents.StatePending)
	e.state(a.open[1], intents.StateApproved)
	e.state(a.fresh[0], intents.StateRejected)
	e.state(a.fresh[1], intents.StatePending)
	if got := e.events(a.fresh[0]); !slices.Equal(got, []string{"requested", "rejected"}) {
		t.Errorf("History(%s) = %v, want requested, rejected", a.fresh[0], got)
	}
	for i := range e.stores {
		if got, err := e.archiver(i).ContinuesArchive(c); err != nil || got != approvals.Continues {
			t.Errorf("store %d: ContinuesArchive() = %v, %v; want continues", i, got, err)
		}
	}

	// Nothing more is old enough: a second run moves nothing and
	// continues from the anchor.
	var again hookWriter
	rep2, err := e.archiver(1).ArchiveContext(context.Background(), a.before, &again)
	if err != nil || rep2.Moved() || rep2.From != rep.Anchor {
		t.Fatalf("second Archive() = %+v, %v; want nothing moved from %+v", rep2, err, rep.Anchor)
	}
	// The store goes on from the anchor, and a later archive continues.
	e.approve(a.fresh[1])
	e.anchored(rep.Anchor)
	e.clock.Advance(retention + time.Hour)
	left := len(storedSeqs(t, e.s()))
	var later hookWriter
	rep3, err := e.archiver(0).ArchiveContext(context.Background(), e.clock.Now().Add(-retention), &later)
	if err != nil || rep3.From != rep.Anchor || rep3.Records != left || rep3.Proposals != 1 {
		t.Fatalf("later Archive() = %+v, %v; want the %d records left and the late rejected proposal, from %+v", rep3, err, left, rep.Anchor)
	}
	c3 := verified(t, later.bytes())
	if c3.From != c.Last {
		t.Fatalf("the later archive starts after %+v, want the first's last %+v", c3.From, c.Last)
	}
	if got, err := e.archiver(1).ContinuesArchive(c); err != nil || got != approvals.Earlier {
		t.Errorf("ContinuesArchive(first) after the second = %v, %v; want earlier", got, err)
	}
	e.complete(w.bytes(), later.bytes())
}

// An archive run goes on while another replica appends records and
// changes a proposal the run has read: the appends stay, the changed
// proposal stays for the next run, nothing is lost.
func testArchiveConcurrentWriter(t *testing.T, f Factory) {
	e := open(t, f, 2)
	a := agedState(e, 40)
	other := e.stores[1]
	n := 100
	var appended []string
	changed := ""
	w := &hookWriter{onWrite: func(lines []archived) {
		for _, l := range lines {
			switch {
			case l.Type == "audit":
				// Between reading this batch and removing it: another
				// replica's decision appends records.
				n++
				p, err := other.Create(suspendUser(n))
				if err != nil {
					t.Errorf("Create() during Archive = %v", err)
					return
				}
				if _, err := other.Decide(approvals.Decision{ProposalID: p.ID, By: approver, Reason: "no", Channel: channel}, policy()); err != nil {
					t.Errorf("Decide() during Archive = %v", err)
				}
				appended = append(appended, p.ID)
				return
			case l.Type == "proposal" && changed == "":
				// ... and another changes a proposal this batch holds.
				changed = l.ID
				if err := other.SetMessage(l.ID, channel, "1700000000.000200"); err != nil {
					t.Errorf("SetMessage() during Archive = %v", err)
				}
				return
			}
		}
	}}
	rep, err := e.archiver(0).ArchiveContext(context.Background(), a.before, w)
	if err != nil {
		t.Fatalf("Archive() = %v", err)
	}
	if len(appended) == 0 || changed == "" {
		t.Fatalf("the writer ran %d times and changed %q: want both", len(appended), changed)
	}
	if rep.Records != a.records || rep.Proposals != len(a.moved)-1 {
		t.Fatalf("Archive() = %+v, want %d records and %d proposals (all but the changed one)", rep, a.records, len(a.moved)-1)
	}
	verified(t, w.bytes())
	e.anchored(rep.Anchor)
	e.complete(w.bytes())
	if p, err := e.s().Get(changed); err != nil || p.MessageTS != "1700000000.000200" {
		t.Fatalf("Get(%s) of the changed proposal = %+v, %v; want it in the store, changed", changed, p, err)
	}
	for _, id := range appended {
		e.state(id, intents.StateRejected)
		if got := e.events(id); !slices.Equal(got, []string{"requested", "rejected"}) {
			t.Fatalf("History(%s) = %v, want requested, rejected", id, got)
		}
	}
	e.gone(slices.DeleteFunc(slices.Clone(a.moved), func(id string) bool { return id == changed })...)

	// The next run takes the changed proposal, as it now is.
	var next hookWriter
	rep2, err := e.archiver(1).ArchiveContext(context.Background(), a.before, &next)
	if _, ids := contents(next.bytes()); err != nil || rep2.Proposals != 1 || !slices.Equal(ids, []string{changed}) {
		t.Fatalf("next Archive() = %+v, %v, moving %v; want %s", rep2, err, ids, changed)
	}
	e.gone(changed)
	e.anchored(rep.Anchor)
}

// run is one archive run: its file, report and error.
type run struct {
	w   hookWriter
	rep approvals.ArchiveReport
	err error
}

// nested runs an archive on handle 0 that, once it has written its first
// batch of lines of type kind and before it removes them, lets a second
// run, on handle 1 and at secondBefore, go from start to end.
func nested(e *env, before, secondBefore time.Time, kind string) (first, second *run) {
	e.t.Helper()
	first, second = &run{}, &run{}
	started := false
	first.w.onWrite = func(lines []archived) {
		if started || len(lines) == 0 || lines[0].Type != kind {
			return
		}
		started = true
		second.rep, second.err = e.archiver(1).ArchiveContext(context.Background(), secondBefore, &second.w)
	}
	first.rep, first.err = e.archiver(0).ArchiveContext(context.Background(), before, &first.w)
	if !started {
		e.t.Fatalf("the first run wrote no %s line (%+v, %v)", kind, first.rep, first.err)
	}
	return first, second
}

// A second run, with an earlier cut-off, moves part of the audit prefix
// between the first's header and its first batch: the first stops
// (ErrArchiveRace) rather than write records that do not follow its
// header, and its archive, empty, verifies.
func testTwoArchiversStart(t *testing.T, f Factory) {
	e := open(t, f, 2)
	a := agedState(e, 40)
	first, second := nested(e, a.before, t0.Add(10*time.Minute), "header")
	if second.err != nil || second.rep.Records == 0 || second.rep.Records >= a.records {
		t.Fatalf("second Archive() = %+v, %v; want part of the %d records", second.rep, second.err, a.records)
	}
	if !errors.Is(first.err, approvals.ErrArchiveRace) || first.rep.Moved() {
		t.Fatalf("first Archive() = %+v, %v; want it to stop, moving nothing, on the second's anchor", first.rep, first.err)
	}
	if c := verified(t, first.w.bytes()); c.Records != 0 {
		t.Fatalf("the first run's archive holds %d records, want none", c.Records)
	}
	verified(t, second.w.bytes())
	e.anchored(second.rep.Anchor)
	e.complete(first.w.bytes(), second.w.bytes())
}

// A second run starts and finishes while the first holds an audit batch
// it has read and written: the first stops (ErrArchiveRace), its batch
// also in the second's archive; the store lost nothing.
func testTwoArchiversAudit(t *testing.T, f Factory) {
	e := open(t, f, 2)
	a := agedState(e, 40)
	first, second := nested(e, a.before, a.before, "audit")
	rep1, err1, rep2, err2 := first.rep, first.err, second.rep, second.err
	if !errors.Is(err1, approvals.ErrArchiveRace) || rep1.Moved() {
		t.Fatalf("first Archive() = %+v, %v; want it to stop, moving nothing, on the second's anchor", rep1, err1)
	}
	if err2 != nil || rep2.Records != a.records || rep2.Proposals != len(a.moved) {
		t.Fatalf("second Archive() = %+v, %v; want all %d records and %d proposals", rep2, err2, a.records, len(a.moved))
	}
	c1, c2 := verified(t, first.w.bytes()), verified(t, second.w.bytes())
	e.anchored(rep2.Anchor)
	e.complete(first.w.bytes(), second.w.bytes())
	e.gone(a.moved...)
	if got, err := e.archiver(0).ContinuesArchive(c2); err != nil || got != approvals.Continues {
		t.Errorf("ContinuesArchive(second) = %v, %v; want continues", got, err)
	}
	if got, err := e.archiver(0).ContinuesArchive(c1); err != nil || got == approvals.Overlaps {
		t.Errorf("ContinuesArchive(first) = %v, %v; want earlier or continues", got, err)
	}
	// What the first wrote is a copy of what the second archived.
	s1, _ := contents(first.w.bytes())
	s2, _ := contents(second.w.bytes())
	if len(s1) == 0 || len(s1) > len(s2) || !slices.Equal(s1, s2[:len(s1)]) {
		t.Errorf("the first wrote records %v, the second %v: want the first's a prefix of the second's", s1, s2)
	}
}

// A second run archives the proposals while the first holds a batch of
// them: each proposal leaves the store once, counted by one run.
func testTwoArchiversProposals(t *testing.T, f Factory) {
	e := open(t, f, 2)
	a := agedState(e, 40)
	first, second := nested(e, a.before, a.before, "proposal")
	rep1, err1, rep2, err2 := first.rep, first.err, second.rep, second.err
	if err1 != nil || err2 != nil {
		t.Fatalf("Archive() = %v and %v; want both to finish", err1, err2)
	}
	if rep1.Records+rep2.Records != a.records || rep1.Proposals+rep2.Proposals != len(a.moved) {
		t.Fatalf("the runs moved %d+%d records and %d+%d proposals, want %d and %d in all",
			rep1.Records, rep2.Records, rep1.Proposals, rep2.Proposals, a.records, len(a.moved))
	}
	verified(t, first.w.bytes())
	verified(t, second.w.bytes())
	e.anchored(rep1.Anchor)
	e.complete(first.w.bytes(), second.w.bytes())
	e.gone(a.moved...)
	e.state(a.open[0], intents.StatePending)
}

// Two runs at once, free, while a third replica decides: one finishes,
// the other finishes too or stops on the anchor, and between them every
// old record and proposal left the store exactly once.
func testTwoArchiversFree(t *testing.T, f Factory) {
	e := open(t, f, 3)
	a := agedState(e, 40)
	done := make(chan struct{})
	var writer sync.WaitGroup
	writer.Go(func() {
		for n := 100; ; n++ {
			select {
			case <-done:
				return
			default:
			}
			p, err := e.stores[2].Create(suspendUser(n))
			if err == nil {
				_, err = e.stores[2].Decide(approvals.Decision{ProposalID: p.ID, By: approver, Reason: "no", Channel: channel}, policy())
			}
			if err != nil {
				t.Errorf("writer: %v", err)
				return
			}
		}
	})
	var files [2]hookWriter
	var reps [2]approvals.ArchiveReport
	var errs [2]error
	var runs sync.WaitGroup
	for i := range 2 {
		runs.Go(func() {
			reps[i], errs[i] = e.archiver(i).ArchiveContext(context.Background(), a.before, &files[i])
		})
	}
	runs.Wait()
	close(done)
	writer.Wait()
	finished := 0
	for i, err := range errs {
		switch {
		case err == nil:
			finished++
		case !errors.Is(err, approvals.ErrArchiveRace):
			t.Fatalf("Archive() %d = %v", i, err)
		}
		verified(t, files[i].bytes())
	}
	if finished == 0 {
		t.Fatalf("both runs stopped: %v", errs)
	}
	if reps[0].Records+reps[1].Records != a.records || reps[0].Proposals+reps[1].Proposals != len(a.moved) {
		t.Fatalf("the runs moved %d+%d records and %d+%d proposals, want %d and %d in all",
			reps[0].Records, reps[1].Records, reps[0].Proposals, reps[1].Proposals, a.records, len(a.moved))
	}
	anchor := reps[0].Anchor
	if reps[1].Anchor.Seq > anchor.Seq {
		anchor = reps[1].Anchor
	}
	e.anchored(anchor)
	e.complete(files[0].bytes(), files[1].bytes())
	e.gone(a.moved...)
}
