package okta

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// TestInvestigateLockedOutUser investigates sarah.johnson@company.com,
// locked out on the demo org, over the last 5 hours: the result carries
// her state (LOCKED_OUT, blocked on every device) for the answer to lead
// with, and how many events the read covered.
func TestInvestigateLockedOutUser(t *testing.T) {
	h := demoHarness(t, Config{})
	in := intents.Intent{Kind: intents.Investigate, User: "sarah.johnson@company.com", Window: intents.Duration(5 * time.Hour)}
	res, err := h.client.Query(context.Background(), in)
	if err != nil {
		t.Fatalf("Query(investigate sarah 5h) error = %v", err)
	}
	p := res.Profile
	if p == nil || p.User.Status != "LOCKED_OUT" {
		t.Fatalf("Query(investigate sarah 5h) profile = %+v, want her LOCKED_OUT", p)
	}
	if !slices.Contains(p.Blocks, "ANY_DEVICES") {
		t.Errorf("Query(investigate sarah 5h) blocks = %q, want ANY_DEVICES", p.Blocks)
	}
	all, err := h.client.Query(context.Background(), intents.Intent{Kind: intents.Investigate, User: "sarah.johnson@company.com", Window: intents.Week})
	if err != nil {
		t.Fatalf("Query(investigate sarah 7d) error = %v", err)
	}
	if all.Read == 0 || all.Read < len(all.Events) || all.Read < res.Read {
		t.Errorf("Query(investigate sarah) read %d events in 7d (listing %d), %d in 5h; want the 7 days' read counted", all.Read, len(all.Events), res.Read)
	}
	if !res.Since.Equal(res.Until.Add(-5*time.Hour)) || len(res.Notes) != 0 {
		t.Errorf("Query(investigate sarah 5h) window %v → %v, notes %q; want 5 hours, complete", res.Since, res.Until, res.Notes)
	}
}
