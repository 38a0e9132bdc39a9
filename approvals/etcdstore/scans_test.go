package etcdstore_test

import (
	"errors"
	"fmt"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// TestScanProgress: a job's state and its chunks, saved by one replica,
// are read back in order by another (which resumes the scan); a job
// deleted is gone and leaves the others alone.
func TestScanProgress(t *testing.T) {
	srv := etcdtest.Start(t)
	a := etcdstore.New(srv.Client(t), etcdstore.Options{})
	b := etcdstore.New(srv.Client(t), etcdstore.Options{})
	if state, chunks, err := b.LoadScan("mfa"); err != nil || state != nil || chunks != nil {
		t.Fatalf("LoadScan(none) = %q, %q, %v", state, chunks, err)
	}
	for i := range 12 { // past 9, where keys that do not sort as numbers would go wrong
		if err := a.SaveScan("mfa", fmt.Appendf(nil, "state-%d", i), fmt.Appendf(nil, "chunk-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.SaveScan("mfa", []byte("done"), nil); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveScan("other", []byte("x"), []byte("y")); err != nil {
		t.Fatal(err)
	}
	state, chunks, err := b.LoadScan("mfa")
	if err != nil || string(state) != "done" || len(chunks) != 12 {
		t.Fatalf("LoadScan = %q, %d chunks, %v", state, len(chunks), err)
	}
	for i, c := range chunks {
		if want := fmt.Sprintf("chunk-%d", i); string(c) != want {
			t.Errorf("chunk %d = %q, want %q", i, c, want)
		}
	}
	if err := b.DeleteScan("mfa"); err != nil {
		t.Fatal(err)
	}
	if state, chunks, _ := a.LoadScan("mfa"); state != nil || chunks != nil {
		t.Errorf("after DeleteScan: %q, %q", state, chunks)
	}
	if state, chunks, _ := a.LoadScan("other"); string(state) != "x" || len(chunks) != 1 || string(chunks[0]) != "y" {
		t.Errorf("another job after DeleteScan: %q, %q", state, chunks)
	}
	if err := a.SaveScan("", nil, nil); err == nil {
		t.Error("SaveScan with no job name succeeded")
	}
}

// TestScanOwners: while one run owns a job, another replica can neither
// claim it nor save to it (nor can a save without a run), so two runs'
// chunks never interleave; when the owner's lease ends (a crash), its
// claim is lost and its saves refused, a replica waiting for the job
// (WaitScanFree) wakes, and a run that takes over reads exactly the
// chunks the first run saved and goes on after them.
func TestScanOwners(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	a := etcdstore.New(srv.Client(t), etcdstore.Options{})
	b := etcdstore.New(srv.Client(t), etcdstore.Options{})
	aLost, ok, err := a.ClaimScan("mfa", "run-a")
	if err != nil || !ok {
		t.Fatalf("ClaimScan(run-a) on a free job = %v, %v", ok, err)
	}
	if err := a.SaveScanAs("mfa", "run-a", []byte("a1"), []byte("chunk-a1")); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := b.ClaimScan("mfa", "run-b"); err != nil || ok {
		t.Fatalf("ClaimScan(run-b) while run-a owns the job = %v, %v; want refused", ok, err)
	}
	if err := b.SaveScanAs("mfa", "run-b", []byte("b1"), []byte("chunk-b1")); !errors.Is(err, etcdstore.ErrNotScanOwner) {
		t.Errorf("SaveScanAs(run-b) while run-a owns the job: error = %v, want ErrNotScanOwner", err)
	}
	if err := b.SaveScan("mfa", []byte("x"), []byte("chunk-x")); !errors.Is(err, etcdstore.ErrNotScanOwner) {
		t.Errorf("SaveScan() while run-a owns the job: error = %v, want ErrNotScanOwner", err)
	}
	if err := b.ReleaseScan("mfa", "run-b", true); !errors.Is(err, etcdstore.ErrNotScanOwner) {
		t.Errorf("ReleaseScan(run-b, finished) of run-a's job: error = %v, want ErrNotScanOwner", err)
	}
	if err := b.WaitScanFree(t.Context(), "free"); err != nil {
		t.Fatalf("WaitScanFree() of a job none owns = %v", err)
	}
	// A waiter checks, as soon as it is woken, that nobody owns the job.
	free := make(chan error, 1)
	go func() {
		if err := b.WaitScanFree(t.Context(), "mfa"); err != nil {
			free <- err
			return
		}
		owner, err := cli.Get(t.Context(), etcdstore.DefaultPrefix+"scanOwners/mfa")
		if err == nil && len(owner.Kvs) > 0 {
			err = fmt.Errorf("it returned while %s owns the job", owner.Kvs[0].Value)
		}
		free <- err
	}()
	if err := a.SaveScanAs("mfa", "run-a", []byte("a2"), []byte("chunk-a2")); err != nil {
		t.Fatal(err)
	}

	// run-a's replica crashes: its lease ends.
	owner, err := cli.Get(t.Context(), etcdstore.DefaultPrefix+"scanOwners/mfa")
	if err != nil || len(owner.Kvs) != 1 || owner.Kvs[0].Lease == 0 {
		t.Fatalf("the owner key = %v, %v; want one, on a lease", owner, err)
	}
	if _, err := cli.Revoke(t.Context(), clientv3.LeaseID(owner.Kvs[0].Lease)); err != nil {
		t.Fatal(err)
	}
	<-aLost
	if err := <-free; err != nil {
		t.Fatalf("WaitScanFree() while run-a owned the job: %v", err)
	}
	bLost, ok, err := b.ClaimScan("mfa", "run-b")
	if err != nil || !ok {
		t.Fatalf("ClaimScan(run-b) after run-a's lease ended = %v, %v", ok, err)
	}
	if err := a.SaveScanAs("mfa", "run-a", []byte("a3"), []byte("chunk-a3")); !errors.Is(err, etcdstore.ErrNotScanOwner) {
		t.Errorf("SaveScanAs(run-a) after run-b took over: error = %v, want ErrNotScanOwner", err)
	}
	state, chunks, err := b.LoadScan("mfa")
	if err != nil || string(state) != "a2" || fmt.Sprintf("%s", chunks) != "[chunk-a1 chunk-a2]" {
		t.Fatalf("LoadScan() after the takeover = %q, %q, %v; want run-a's last state and its chunks", state, chunks, err)
	}
	if err := b.SaveScanAs("mfa", "run-b", []byte("b1"), []byte("chunk-b1")); err != nil {
		t.Fatal(err)
	}
	if _, chunks, _ := a.LoadScan("mfa"); fmt.Sprintf("%s", chunks) != "[chunk-a1 chunk-a2 chunk-b1]" {
		t.Errorf("chunks after run-b's save = %q", chunks)
	}
	if err := a.ReleaseScan("mfa", "run-a", true); !errors.Is(err, etcdstore.ErrNotScanOwner) {
		t.Errorf("ReleaseScan(run-a, finished) after the takeover: error = %v, want ErrNotScanOwner", err)
	}
	if err := b.ReleaseScan("mfa", "run-b", true); err != nil {
		t.Fatal(err)
	}
	<-bLost
	if state, chunks, _ := a.LoadScan("mfa"); state != nil || chunks != nil {
		t.Errorf("after the finished release: %q, %q", state, chunks)
	}
	// Released unfinished, the progress stays and the job is free.
	if _, ok, err := a.ClaimScan("mfa", "run-c"); err != nil || !ok {
		t.Fatalf("ClaimScan(run-c) after run-b released = %v, %v", ok, err)
	}
	if err := a.SaveScanAs("mfa", "run-c", []byte("c1"), []byte("chunk-c1")); err != nil {
		t.Fatal(err)
	}
	if err := a.ReleaseScan("mfa", "run-c", false); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := b.ClaimScan("mfa", "run-d"); err != nil || !ok {
		t.Fatalf("ClaimScan(run-d) after run-c released = %v, %v", ok, err)
	}
	if state, chunks, _ := b.LoadScan("mfa"); string(state) != "c1" || len(chunks) != 1 {
		t.Errorf("after an unfinished release: %q, %q; want run-c's progress kept", state, chunks)
	}
}
