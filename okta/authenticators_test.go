package okta

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// An Identity Engine authenticator turned off or changed for the whole org
// can change anyone's MFA: the refresh after it scans everyone; an
// authenticator activated (nobody is enrolled in it yet) does not.
func TestMFARefreshAfterAuthenticatorChange(t *testing.T) {
	const n = 30
	for _, tc := range []struct {
		typ  string
		want int // factor reads of the refresh
	}{
		{"security.authenticator.lifecycle.deactivate", n},
		{"security.authenticator.lifecycle.update", n},
		{"security.authenticator.lifecycle.activate", 0},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			h := newHarness(t, setup{fixture: mfaOrg(n)})
			ctx := t.Context()
			if _, err := h.client.ScanMFA(ctx, MFAScanOptions{}); err != nil {
				t.Fatalf("ScanMFA() error = %v", err)
			}
			err := h.sim.AddLogs(oktasim.Object{"eventType": tc.typ, "published": time.Now().UTC().Format(time.RFC3339Nano),
				"actor":   oktasim.Object{"id": "00uadmin", "type": "User", "alternateId": "admin@company.com"},
				"outcome": oktasim.Object{"result": "SUCCESS"},
				"target":  []any{oktasim.Object{"id": "aut1", "type": "Authenticator", "alternateId": "okta_verify", "displayName": "Okta Verify"}}})
			if err != nil {
				t.Fatal(err)
			}
			mark := len(h.seen.all())
			if _, err := h.client.ScanMFA(ctx, MFAScanOptions{Refresh: true}); err != nil {
				t.Fatalf("ScanMFA(refresh) error = %v", err)
			}
			if reads, _ := factorReads(since(h, mark)); reads != tc.want {
				t.Errorf("ScanMFA(refresh) after %s read factors %d times, want %d", tc.typ, reads, tc.want)
			}
		})
	}
}
