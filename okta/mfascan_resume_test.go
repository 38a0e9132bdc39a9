package okta

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// factorReadsByUser counts the successful factor reads per user id.
func factorReadsByUser(seen []string) map[string]int {
	out := map[string]int{}
	for _, line := range seen {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != http.MethodGet || f[2] != "200" {
			continue
		}
		p, _, _ := strings.Cut(f[1], "?")
		if id, ok := strings.CutPrefix(p, "/api/v1/users/"); ok && strings.HasSuffix(id, "/factors") {
			out[strings.TrimSuffix(id, "/factors")]++
		}
	}
	return out
}

// A full scan whose jobs' context ends half-way keeps its progress in the
// store; another Client (a restart) on the same store resumes it from
// there and finishes it without reading any user's factors twice. Every
// status that can sign in is scanned.
func TestMFAScanResumesFromStoredProgress(t *testing.T) {
	const n = 600
	fx := mfaOrg(n)
	type O = oktasim.Object
	for i, status := range []string{"PASSWORD_EXPIRED", "RECOVERY", "LOCKED_OUT"} {
		id := fmt.Sprintf("00uX%05d", i)
		fx.Users = append(fx.Users, O{"id": id, "status": status, "created": "2026-01-05T10:00:00.000Z", "statusChanged": "2026-01-05T10:00:00.000Z",
			"profile": O{"login": strings.ToLower(status) + "@company.com", "email": strings.ToLower(status) + "@company.com", "firstName": "X", "lastName": id}})
	}
	const users = n + 3 // who can sign in: the suspended ones of mfaOrg cannot
	h := newHarness(t, setup{fixture: fx})
	h.sim.SetRateLimit(oktasim.BucketOther, 0, 0) // speed is not the point here
	store := &memScanStore{}

	// The first run stops half-way: its jobs' context ends.
	jobs, stop := context.WithCancel(t.Context())
	defer stop()
	if resumed, err := h.client.StartJobs(jobs, store); err != nil || resumed {
		t.Fatalf("StartJobs() on an empty store = %v, %v; want nothing resumed", resumed, err)
	}
	_, err := h.client.ScanMFA(t.Context(), MFAScanOptions{Progress: func(scanned, _ int) {
		if scanned == users/2 {
			stop()
		}
	}})
	if err == nil {
		t.Fatalf("ScanMFA() whose jobs' context ended half-way: error = nil after %d reads", len(factorReadsByUser(h.seen.all())))
	}
	if _, ok := h.client.LastMFAScan(); ok {
		t.Fatal("LastMFAScan() = true after a scan that stopped half-way")
	}
	first := factorReadsByUser(h.seen.all())
	if len(first) < users/2 || len(first) >= users {
		t.Fatalf("the first run read the factors of %d users, want about half of %d", len(first), users)
	}
	if state, _, _ := store.LoadScan(mfaJobName); state == nil {
		t.Fatal("no progress in the store after the first run stopped")
	}

	// A restart: a new Client on the same store resumes the scan.
	cfg := Config{OrgURL: h.srv.URL, ClientID: testClientID, PrivateKey: rsaJWK(t, testRSA(), "kid-test")}
	again, err := New(cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if resumed, err := again.StartJobs(t.Context(), store); err != nil || !resumed {
		t.Fatalf("StartJobs() on the stopped scan's store = %v, %v; want it resumed", resumed, err)
	}
	res, err := again.ScanMFA(t.Context(), MFAScanOptions{})
	if err != nil {
		t.Fatalf("ScanMFA() after the restart error = %v", err)
	}
	reads := factorReadsByUser(h.seen.all())
	if len(reads) != users {
		t.Errorf("the two runs read the factors of %d users, want all %d who can sign in", len(reads), users)
	}
	for id, k := range reads {
		if k != 1 {
			t.Errorf("user %s's factors were read %d times, want once", id, k)
		}
	}
	wantNone, _ := simMFA(h.sim.Snapshot())
	if diff := cmp.Diff(wantNone, logins(res.Users)); diff != "" {
		t.Errorf("ScanMFA() users without MFA after resuming (-want +got):\n%s", diff)
	}
	if res.MFA.Active != users {
		t.Errorf("ScanMFA() scanned %d users, want %d (every status that can sign in)", res.MFA.Active, users)
	}
	if state, _, _ := store.LoadScan(mfaJobName); state != nil {
		t.Errorf("the finished scan's progress is still in the store")
	}
}
