package okta

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// sweepAndScan runs a threat sweep and a full MFA scan at the same time.
func sweepAndScan(t *testing.T, h *harness) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(168 * time.Hour)})
		if err != nil {
			t.Errorf("Query(threats 168h) error = %v", err)
		} else if len(res.Findings) == 0 {
			t.Errorf("Query(threats 168h) found nothing on the demo org")
		}
	})
	wg.Go(func() {
		res, err := h.client.ScanMFA(ctx, MFAScanOptions{})
		if err != nil {
			t.Errorf("ScanMFA() error = %v", err)
		} else if res.MFA == nil || res.MFA.Active == 0 {
			t.Errorf("ScanMFA() = %+v, want the demo org's users", res.MFA)
		}
	})
	wg.Wait()
}

// A threat sweep and an MFA scan together never have more than
// MaxConcurrency requests in flight, as the simulator counts them.
func TestMaxConcurrencyHolds(t *testing.T) {
	const limit = 3
	h := demoHarness(t, Config{MaxConcurrency: limit})
	h.sim.SetConcurrencyLimit(0)
	h.sim.SetLatency(2 * time.Millisecond) // calls overlap
	h.sim.ResetPeakInFlight()
	sweepAndScan(t, h)
	if got := h.sim.PeakInFlight(); got > limit {
		t.Errorf("the simulator saw %d requests in flight at once, want at most MaxConcurrency = %d", got, limit)
	}
}

// Okta's org-wide concurrency limit below our cap (other apps use it too):
// its 429s with X-Rate-Limit-Limit: 0 are retried after a short back-off,
// never reported, and our cap is still never exceeded. They are not a
// window's 429: with no retries for those (MaxRetries < 0) they are still
// retried.
func TestConcurrency429sAreSurvived(t *testing.T) {
	const limit = 8
	h := demoHarness(t, Config{MaxConcurrency: limit, MaxRetries: -1})
	h.sim.SetConcurrencyLimit(2)
	h.sim.SetLatency(2 * time.Millisecond)
	h.sim.ResetPeakInFlight()
	sweepAndScan(t, h)
	if h.sim.ConcurrencyRefusals() == 0 {
		t.Errorf("the simulator refused no request for its concurrency limit: the test proves nothing")
	}
	if got := h.sim.PeakInFlight(); got > limit {
		t.Errorf("the simulator saw %d requests in flight at once, want at most MaxConcurrency = %d", got, limit)
	}
}
