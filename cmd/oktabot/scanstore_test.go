package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/okta"
)

// The MFA scan's progress lives in the approvals store as run wires it:
// a scan stopped half-way, the store closed and opened again (a restart),
// and a new client resumes it without reading any user's factors twice.
func TestMFAScanResumesFromTheApprovalsStore(t *testing.T) {
	sim, err := startSim(nil, "", newLogger(io.Discard, env(func(string) string { return "" })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() }) // teardown; a close error here decides nothing the test checks
	path := filepath.Join(t.TempDir(), "oktabot.db")

	store, err := approvals.Open(path, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := okta.New(sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	jobs, stop := context.WithCancel(t.Context())
	defer stop()
	if _, err := dir.StartJobs(jobs, store); err != nil {
		t.Fatalf("StartJobs() error = %v", err)
	}
	if _, err := dir.ScanMFA(t.Context(), okta.MFAScanOptions{Progress: func(scanned, _ int) {
		if scanned == 50 {
			stop()
		}
	}}); err == nil {
		t.Fatal("ScanMFA() stopped half-way: error = nil")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	store, err = approvals.Open(path, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }() // teardown; a close error here decides nothing the test checks
	again, err := okta.New(sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	if resumed, err := again.StartJobs(t.Context(), store); err != nil || !resumed {
		t.Fatalf("StartJobs() after the restart = %v, %v; want the scan resumed", resumed, err)
	}
	res, err := again.ScanMFA(t.Context(), okta.MFAScanOptions{})
	if err != nil {
		t.Fatalf("ScanMFA() after the restart error = %v", err)
	}
	reads := 0
	for _, line := range sim.Sim.CallLog() {
		if strings.HasPrefix(line, "GET /api/v1/users/") && strings.Contains(line, "/factors ×") {
			reads++
			if !strings.HasSuffix(line, "×1") {
				t.Errorf("a user's factors were read more than once: %s", line)
			}
		}
	}
	if res.MFA == nil || reads != res.MFA.Active {
		t.Errorf("the two runs read the factors of %d users, want each of the %v scanned", reads, res.MFA)
	}
	if state, _, _ := store.LoadScan("mfa-scan"); state != nil {
		t.Errorf("the finished scan's progress is still in the store")
	}
}
