package etcdstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/approvals/storetest"
	"github.com/oktabot/oktabot/intents"
)

// TestArchiveContract runs the retention contract over both stores: on
// etcd each handle is its own client, as separate replicas are, and a
// batch fits etcd's default --max-txn-ops, so that the contract's 85
// records take two.
func TestArchiveContract(t *testing.T) {
	for _, f := range []storetest.Factory{bboltFactory(), etcdFactory(t)} {
		t.Run(f.Name, func(t *testing.T) { storetest.RunArchive(t, f) })
	}
}

// oldRejected is a store under prefix, on a server taking 9 operations per
// Txn, holding n proposals rejected 500 days before its clock's now.
func oldRejected(t *testing.T, cli *clientv3.Client, prefix string, n int) (*etcdstore.Store, []string, time.Time) {
	t.Helper()
	clock := storetest.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	s := etcdstore.New(cli, etcdstore.Options{Prefix: prefix, Now: clock.Now, MaxTxnOps: 9})
	pol := approvals.Policy{IsApprover: func(string) bool { return true }}
	var ids []string
	for i := range n {
		p := mustCreate(t, s, suspend(fmt.Sprintf("user%d@x.com", i)))
		if _, err := s.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Channel: "C_SEC"}, pol); err != nil {
			t.Fatalf("Decide() = %v", err)
		}
		ids = append(ids, p.ID)
	}
	clock.Advance(500 * 24 * time.Hour)
	return s, ids, clock.Now().Add(-400 * 24 * time.Hour)
}

// keys lists the keys under prefix.
func keys(t *testing.T, cli *clientv3.Client, prefix string) []string {
	t.Helper()
	resp, err := cli.Get(context.Background(), prefix, clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, kv := range resp.Kvs {
		out = append(out, string(kv.Key))
	}
	return out
}

// TestArchiveKeys: on a server taking 9 operations per Txn, 12 records
// and 6 proposals leave in batches that fit, with their history entries;
// each archived id is remembered, and nothing else is left behind.
func TestArchiveKeys(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	s, ids, before := oldRejected(t, cli, "/keys/", 6)
	var buf bytes.Buffer
	rep, err := s.Archive(before, &buf)
	if err != nil || rep.Records != 12 || rep.Proposals != 6 || rep.Batches != 3+2 {
		t.Fatalf("Archive() = %+v, %v; want 12 records in 3 batches, 6 proposals in 2", rep, err)
	}
	for _, p := range []string{"audit/", "history/", "proposals/", "pending/", "active/", "same/"} {
		if left := keys(t, cli, "/keys/"+p); len(left) > 0 {
			t.Errorf("keys left under %s: %v", p, left)
		}
	}
	archived := keys(t, cli, "/keys/archived/")
	if len(archived) != len(ids) {
		t.Errorf("archived index %v, want the %d ids", archived, len(ids))
	}
	for _, id := range ids {
		_, err := s.Get(id)
		if !errors.Is(err, intents.ErrNotFound) || !errors.Is(err, approvals.ErrArchived) || !strings.Contains(err.Error(), "2026-05-16") {
			t.Errorf("Get(%s) = %v, want archived on the run's day", id, err)
		}
	}
	if v, err := s.Verify(); err != nil || v.Break != nil || v.Records != 0 || v.Anchor != rep.Anchor || v.Head != rep.Anchor.Hash {
		t.Errorf("Verify() = %+v, %v; want no records, the anchor %+v the head", v, err, rep.Anchor)
	}
}

// TestArchiveRefusesBrokenChain: a record changed in etcd stops the run
// before anything is written or removed, and Verify still names it.
func TestArchiveRefusesBrokenChain(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	s, ids, before := oldRejected(t, cli, "/broken/", 3)
	key := "/broken/audit/00000000000000000003"
	resp, err := cli.Get(context.Background(), key)
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("Get(%s) = %v, %v", key, resp, err)
	}
	if _, err := cli.Put(context.Background(), key, strings.Replace(string(resp.Kvs[0].Value), "U_REQ", "U_MALLORY", 1)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep, err := s.Archive(before, &buf)
	if err == nil || !strings.Contains(err.Error(), "broken") || rep.Moved() {
		t.Fatalf("Archive() = %+v, %v; want a refusal naming the broken chain", rep, err)
	}
	if c, _ := approvals.VerifyArchive(&buf); c.Records != 0 {
		t.Errorf("the archive holds %d records, want none", c.Records)
	}
	if v, err := s.Verify(); err != nil || v.Break == nil || v.Break.Seq != 3 || v.Records != 3 {
		t.Errorf("Verify() = %+v, %v; want the break at record 3, all records kept", v, err)
	}
	if _, err := s.Get(ids[0]); err != nil {
		t.Errorf("Get(%s) = %v, want it kept", ids[0], err)
	}
}

// failingWriter refuses every write after the first (the header).
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n++; w.n > 1 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestArchiveWriteFails: a batch that cannot be written is not removed.
func TestArchiveWriteFails(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	s, ids, before := oldRejected(t, cli, "/full/", 2)
	rep, err := s.Archive(before, &failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "disk full") || rep.Moved() {
		t.Fatalf("Archive() = %+v, %v; want the write error and nothing moved", rep, err)
	}
	if v, err := s.Verify(); err != nil || v.Break != nil || v.Records != 4 || v.Anchor.Seq != 0 {
		t.Errorf("Verify() = %+v, %v; want the 4 records kept", v, err)
	}
	for _, id := range ids {
		if _, err := s.Get(id); err != nil {
			t.Errorf("Get(%s) = %v, want it kept", id, err)
		}
	}
}

// TestArchiveAfterImport: a bbolt file archived, then imported, continues
// its archive on etcd, and etcd's next archive continues that one.
func TestArchiveAfterImport(t *testing.T) {
	src, _, _ := source(t)
	var first bytes.Buffer
	if _, err := src.Archive(time.Now().Add(time.Hour), &first); err != nil {
		t.Fatal(err)
	}
	c1, err := approvals.VerifyArchive(bytes.NewReader(first.Bytes()))
	if err != nil || c1.Break != nil || c1.Records == 0 {
		t.Fatalf("VerifyArchive(bbolt's) = %+v, %v", c1, err)
	}
	dst := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{})
	if _, err := dst.Import(src.Export); err != nil {
		t.Fatal(err)
	}
	if got, err := dst.ContinuesArchive(c1); err != nil || got != approvals.Continues {
		t.Fatalf("etcd ContinuesArchive(bbolt's) = %v, %v; want continues", got, err)
	}
	p := mustCreate(t, dst, suspend("later@x.com"))
	if _, err := dst.Withdraw(p.ID, "test"); err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	rep, err := dst.Archive(time.Now().Add(time.Hour), &second)
	if err != nil || rep.Records != 2 || rep.From != c1.Last {
		t.Fatalf("etcd Archive() = %+v, %v; want 2 records after %+v", rep, err, c1.Last)
	}
	c2, err := approvals.VerifyArchive(bytes.NewReader(second.Bytes()))
	if err != nil || c2.Break != nil || c2.From != c1.Last {
		t.Fatalf("VerifyArchive(etcd's) = %+v, %v; want it to continue bbolt's", c2, err)
	}
	if got, err := dst.ContinuesArchive(c1); err != nil || got != approvals.Earlier {
		t.Errorf("etcd ContinuesArchive(bbolt's) after = %v, %v; want earlier", got, err)
	}
	if got, err := dst.ContinuesArchive(c2); err != nil || got != approvals.Continues {
		t.Errorf("etcd ContinuesArchive(its own) = %v, %v; want continues", got, err)
	}
}
