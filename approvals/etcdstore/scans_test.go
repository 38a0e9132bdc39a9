package etcdstore_test

import (
	"fmt"
	"testing"

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
