package okta

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// demoLog reads the demo org's whole System Log from the simulator,
// oldest first.
func demoLog(t *testing.T) []intents.Event {
	t.Helper()
	h := demoHarness(t, Config{})
	var all []intents.Event
	for e, err := range h.client.Events(context.Background(), intents.LogFilter{Since: time.Now().Add(-8 * 24 * time.Hour)}) {
		if err != nil {
			t.Fatalf("Events() error = %v", err)
		}
		all = append(all, e)
	}
	if len(all) < 1000 {
		t.Fatalf("the demo log has %d events, want thousands", len(all))
	}
	return all
}

// feedPages feeds evs to a new engine in pages of n and returns its
// analysis.
func feedPages(evs []intents.Event, n int) detect.Analysis {
	e := detect.NewEngine(detect.DefaultConfig(), detect.Limits{})
	for page := range slices.Chunk(evs, n) {
		e.Feed(page)
	}
	return e.Analysis()
}

// pairs lists the findings as detection@user, sorted, without repeats.
func pairs(fs []intents.Finding) []string {
	out := summaries(fs)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestThreatEngineOnTheDemoStories feeds the demo org's System Log to the
// streaming engine page by page, oldest first, and holds it to
// detect.Analyze over all the events at once: every story gives the same
// detections on the same users, and nobody else gets a finding from one
// and not the other. Pages of 1, 1,000 and 10,000 events give the same
// analysis.
func TestThreatEngineOnTheDemoStories(t *testing.T) {
	all := demoLog(t)
	batch := detect.Analyze(detect.DefaultConfig(), all)
	got := feedPages(all, 1000)

	for _, s := range demo.Stories() {
		for _, det := range s.Detections {
			on := func(fs []intents.Finding) bool {
				return slices.ContainsFunc(fs, func(f intents.Finding) bool {
					return f.Detection == det && (f.User == "" || slices.Contains(s.Users, f.User)) &&
						slices.ContainsFunc(f.Events, func(u string) bool { return slices.Contains(s.Events, u) })
				})
			}
			if !on(batch.Findings) {
				t.Errorf("story %s: Analyze has no %s finding on %v", s.ID, det, s.Users)
			}
			if !on(got.Findings) {
				t.Errorf("story %s: the engine has no %s finding on %v naming the story's events; findings: %v", s.ID, det, s.Users, pairs(got.Findings))
			}
		}
	}
	if diff := cmp.Diff(pairs(batch.Findings), pairs(got.Findings)); diff != "" {
		t.Errorf("the engine finds other detections on other users than Analyze (-batch +engine):\n%s", diff)
	}
	if len(got.Proposals) == 0 {
		t.Error("the engine proposes nothing")
	}
	for _, n := range []int{1, 10_000} {
		if diff := cmp.Diff(got, feedPages(all, n)); diff != "" {
			t.Errorf("pages of %d give another analysis than pages of 1,000 (-1000 +%d):\n%s", n, n, diff)
		}
	}
}

// TestThreatsStoppedByOkta: a sweep that Okta's rate limit stops after its
// first page (oldest first) answers with what it read, never an
// all-clear: it says it stopped and that the newer events were not read.
func TestThreatsStoppedByOkta(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	signInBurst(t, h, 1500) // two pages of 1,000
	h.sim.SetRateLimit(oktasim.FamilyLogs, 1, time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // shorter than the wait for the reset
	defer cancel()
	res, err := h.client.Query(ctx, intents.Intent{Kind: intents.Threats, Window: intents.Duration(48 * time.Hour)})
	if err != nil {
		t.Fatalf("Query(threats 48h) error = %v; want the first page, marked incomplete", err)
	}
	if res.Stopped != intents.StopRateLimit || res.Read != logPageMax {
		t.Errorf("Query(threats 48h) stopped %q after %d events, want %q after the first page of %d", res.Stopped, res.Read, intents.StopRateLimit, logPageMax)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "events after it were not read") }) {
		t.Errorf("Query(threats 48h) notes %q, want where the read stopped", res.Notes)
	}
	if len(res.Findings) == 0 {
		t.Error("Query(threats 48h) found nothing in the 1,000 failed sign-ins it read")
	}
}
