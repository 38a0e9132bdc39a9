package etcdstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

// source is a bbolt file holding proposals pending, approved, executed and
// rejected, their audit records, an incident and its subject, a
// suppression, a watch cursor and windows, and a scan with two chunks.
func source(t *testing.T) (*approvals.Store, string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "approvals.db")
	src, err := approvals.Open(path, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.Close() })
	pol := approvals.Policy{IsApprover: func(string) bool { return true }}
	var ids []string
	for _, login := range []string{"pending@x.com", "approved@x.com", "executed@x.com", "rejected@x.com"} {
		p, err := src.Create(suspend(login))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	decide := func(id string, approve bool) {
		if _, err := src.Decide(approvals.Decision{ProposalID: id, By: "U_APPROVER", Approve: approve, Channel: "C_SEC"}, pol); err != nil {
			t.Fatalf("Decide(%s) = %v", id, err)
		}
	}
	decide(ids[1], true)
	decide(ids[2], true)
	if _, err := src.BeginExecute(ids[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Finish(ids[2], &intents.ActionOutcome{}, nil); err != nil {
		t.Fatal(err)
	}
	decide(ids[3], false)
	f := intents.Finding{Detection: "mfa-fatigue", User: "john@x.com", Score: 80, Severity: intents.Band(80), Summary: "pushes", Events: []string{"e1"}}
	batch := approvals.WatchBatch{Cursor: "cursor-42", Windows: map[string][]byte{"mfa|john": []byte("w1"), "geo|mary": []byte("w2")},
		Findings: []intents.Finding{f}, Now: time.Now()}
	if _, _, err := src.CommitWatch(batch, approvals.WatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Suppress(intents.Suppression{Detection: "geo", User: "mary@x.com", Until: time.Now().Add(time.Hour), By: "U_APPROVER", Reason: "travel"}); err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []string{"c1", "c2"} {
		if err := src.SaveScan("mfa-scan", []byte("state-"+chunk), []byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	return src, path, ids
}

// TestImportFromBbolt: a bbolt file's state, imported, is what the etcd
// store answers: each proposal, the pending list, each history, the
// incidents (open and unposted too), suppressions, watch state and scan;
// its chain verifies with the file's head.
func TestImportFromBbolt(t *testing.T) {
	src, _, ids := source(t)
	dst := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{})
	rep, err := dst.Import(src.Export)
	if err != nil {
		t.Fatalf("Import() = %v", err)
	}
	for _, id := range ids {
		same(t, "Get "+id, must(src.Get(id)), must(dst.Get(id)))
		same(t, "History "+id, must(src.History(id)), must(dst.History(id)))
	}
	same(t, "Pending", must(src.Pending()), must(dst.Pending()))
	same(t, "Approved", must(src.Approved()), must(dst.Approved()))
	for _, open := range []bool{false, true} {
		same(t, "Incidents", must(src.Incidents(open)), must(dst.Incidents(open)))
	}
	same(t, "Unposted", must(src.Unposted()), must(dst.Unposted()))
	same(t, "Suppressions", must(src.Suppressions()), must(dst.Suppressions()))
	c1, w1, err1 := src.WatchState()
	c2, w2, err2 := dst.WatchState()
	if err1 != nil || err2 != nil || c1 != c2 || !reflect.DeepEqual(w1, w2) || c1 == "" || len(w1) != 2 {
		t.Errorf("WatchState: file %q %v %v, etcd %q %v %v", c1, w1, err1, c2, w2, err2)
	}
	s1, ch1, err1 := src.LoadScan("mfa-scan")
	s2, ch2, err2 := dst.LoadScan("mfa-scan")
	if err1 != nil || err2 != nil || !bytes.Equal(s1, s2) || !reflect.DeepEqual(ch1, ch2) || len(ch1) != 2 {
		t.Errorf("LoadScan: file %q %q %v, etcd %q %q %v", s1, ch1, err1, s2, ch2, err2)
	}
	want, err := src.Verify()
	if err != nil || want.Break != nil {
		t.Fatalf("source Verify() = %+v, %v", want, err)
	}
	got, err := dst.Verify()
	if err != nil || got.Break != nil || got.Head != want.Head || got.Records != want.Records || rep.Head.Hash != want.Head {
		t.Errorf("etcd Verify() = %+v, %v; want head %s, %d records (import reported %+v)", got, err, want.Head, want.Records, rep)
	}
	n, err := dst.Count()
	wantN := etcdstore.Counts{Proposals: 4, Records: int(want.Records), Incidents: 1, Suppressions: 1, Scans: 1}
	if err != nil || n != wantN || rep.Counts != wantN {
		t.Errorf("Count() = %+v, %v; import reported %+v; want %+v", n, err, rep.Counts, wantN)
	}
	// The copy goes on as a store: its next record chains after the head.
	p := mustCreate(t, dst, suspend("after@x.com"))
	if got, err := dst.Verify(); err != nil || got.Break != nil || got.Records != want.Records+1 {
		t.Errorf("Verify() after Create(%s) = %+v, %v", p.ID, got, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func same(t *testing.T, what string, file, etcd any) {
	t.Helper()
	if !reflect.DeepEqual(file, etcd) {
		t.Errorf("%s: file has\n%+v\netcd has\n%+v", what, file, etcd)
	}
	if reflect.ValueOf(file).Kind() == reflect.Slice && reflect.ValueOf(file).Len() == 0 {
		t.Errorf("%s: the file holds none, so the comparison shows nothing", what)
	}
}

// TestImportRefusesNonEmptyPrefix: a second import into the same prefix is
// refused, naming it, and writes nothing; another prefix takes it.
func TestImportRefusesNonEmptyPrefix(t *testing.T) {
	src, _, _ := source(t)
	srv := etcdtest.Start(t)
	dst := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/team-a/"})
	if _, err := dst.Import(src.Export); err != nil {
		t.Fatal(err)
	}
	before := must(dst.Count())
	_, err := dst.Import(src.Export)
	if !errors.Is(err, etcdstore.ErrNotEmpty) || !strings.Contains(err.Error(), "/team-a/") {
		t.Errorf("second Import() = %v, want ErrNotEmpty naming /team-a/", err)
	}
	if after := must(dst.Count()); after != before {
		t.Errorf("the refused import changed the counts from %+v to %+v", before, after)
	}
	if _, err := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/team-b/"}).Import(src.Export); err != nil {
		t.Errorf("Import() into an empty prefix = %v", err)
	}
	// Any key counts as state, a replica's Seen entry as well as a record.
	cli := srv.Client(t)
	if _, err := cli.Put(context.Background(), "/team-c/seen/Ev1", "x"); err != nil {
		t.Fatal(err)
	}
	dstC := etcdstore.New(cli, etcdstore.Options{Prefix: "/team-c/"})
	if _, err := dstC.Import(src.Export); !errors.Is(err, etcdstore.ErrNotEmpty) || !strings.Contains(err.Error(), "/team-c/") {
		t.Errorf("Import() into a prefix holding a Seen key = %v, want ErrNotEmpty naming /team-c/", err)
	}
	if n := must(dstC.Count()); n != (etcdstore.Counts{}) {
		t.Errorf("the refused import wrote %+v", n)
	}
}

// TestImportTamperedRecord: a record changed in the file is copied as it
// is, and the etcd store's Verify finds the break.
func TestImportTamperedRecord(t *testing.T) {
	src, path, ids := source(t)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		k, v := b.Cursor().First()
		return b.Put(k, bytes.Replace(v, []byte("U_REQ"), []byte("U_XYZ"), 1))
	})
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	src, err = approvals.Open(path, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = src.Close() }() // teardown
	dst := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{})
	if _, err := dst.Import(src.Export); err != nil {
		t.Fatal(err)
	}
	rep, err := dst.Verify()
	if err != nil || rep.Break == nil || rep.Break.Seq != 1 || rep.Break.Problem != approvals.BrokenHash {
		t.Errorf("Verify() of the copy of a changed record = %+v, %v; want a hash mismatch at record 1 (%s)", rep.Break, err, ids[0])
	}
}

// TestImportAfterArchive: a file whose oldest records were archived keeps
// its anchor in etcd, and the copy's chain verifies from it.
func TestImportAfterArchive(t *testing.T) {
	src, _, ids := source(t)
	var archive bytes.Buffer
	ar, err := src.Archive(time.Now().Add(time.Hour), &archive)
	if err != nil || ar.Records == 0 {
		t.Fatalf("Archive() = %+v, %v", ar, err)
	}
	if _, err := src.Decide(approvals.Decision{ProposalID: ids[0], By: "U_APPROVER", Channel: "C_SEC"},
		approvals.Policy{IsApprover: func(string) bool { return true }}); err != nil {
		t.Fatal(err)
	}
	want := must(src.Verify())
	if want.Break != nil || want.Anchor.Seq == 0 || want.Records == 0 {
		t.Fatalf("source Verify() = %+v", want)
	}
	dst := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{})
	rep, err := dst.Import(src.Export)
	if err != nil || rep.Anchor != want.Anchor {
		t.Fatalf("Import() = %+v, %v; want anchor %+v", rep, err, want.Anchor)
	}
	got, err := dst.Verify()
	if err != nil || got.Break != nil || got.Head != want.Head || got.Anchor != want.Anchor || got.Records != want.Records {
		t.Errorf("etcd Verify() = %+v, %v; want %+v", got, err, want)
	}
}

// TestImportInParts: a file larger than one Txn takes, on a server taking
// few operations per Txn, is imported in several, whole.
func TestImportInParts(t *testing.T) {
	src, _, _ := source(t)
	for i := range 40 {
		if _, err := src.Create(suspend(fmt.Sprintf("user%d@x.com", i))); err != nil {
			t.Fatal(err)
		}
	}
	dst := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{MaxTxnOps: 50})
	rep, err := dst.Import(src.Export)
	if err != nil || rep.Txns < 4 {
		t.Fatalf("Import() = %+v, %v; want several Txns", rep, err)
	}
	same(t, "Pending", must(src.Pending()), must(dst.Pending()))
	want := must(src.Verify())
	if got := must(dst.Verify()); got.Break != nil || got.Head != want.Head || got.Records != want.Records {
		t.Errorf("etcd Verify() = %+v, want head %s", got, want.Head)
	}
}
