package approvals

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanProgressSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oktabot.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	if state, chunks, err := s.LoadScan("mfa"); err != nil || state != nil || chunks != nil {
		t.Fatalf("LoadScan() of no job = %q, %q, %v; want nothing", state, chunks, err)
	}
	for _, step := range []struct{ state, chunk string }{{"s1", "a"}, {"s2", ""}, {"s3", "b"}} {
		var chunk []byte
		if step.chunk != "" {
			chunk = []byte(step.chunk)
		}
		if err := s.SaveScan("mfa", []byte(step.state), chunk); err != nil {
			t.Fatalf("SaveScan() error = %v", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() error = %v", err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("Open() again error = %v", err)
	}
	defer func() { _ = s.Close() }() // teardown; a close error here decides nothing the test checks
	state, chunks, err := s.LoadScan("mfa")
	if err != nil {
		t.Fatalf("LoadScan() error = %v", err)
	}
	if string(state) != "s3" || !cmp.Equal(chunks, [][]byte{[]byte("a"), []byte("b")}) {
		t.Errorf("LoadScan() after reopening = %q, %q; want the last state and the chunks in order", state, chunks)
	}
	if err := s.DeleteScan("mfa"); err != nil {
		t.Fatalf("DeleteScan() error = %v", err)
	}
	if state, chunks, _ := s.LoadScan("mfa"); state != nil || chunks != nil {
		t.Errorf("LoadScan() after DeleteScan = %q, %q; want nothing", state, chunks)
	}
}
