package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/oktabot/oktabot/intents"
)

// checkStreaming feeds events to an Engine one at a time and in pages of
// three, and holds the engine to the batch's findings of detection id:
// the same findings, and at least one (a streaming run that finds nothing
// agrees with a batch that finds nothing, and proves nothing).
func checkStreaming(t *testing.T, id string, events []intents.Event) {
	t.Helper()
	cfg := testConfig()
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
	want := only(Analyze(cfg, sorted).Findings, id)
	if len(want) == 0 {
		t.Fatalf("Analyze() finds no %s: the streaming check needs a positive case", id)
	}
	for _, n := range []int{1, 3} {
		e := NewEngine(cfg, Limits{})
		fed := feedAll(e, sorted, n)
		if diff := cmp.Diff(want, only(e.Analysis().Findings, id), cmpopts.IgnoreFields(intents.Finding{}, "IPs", "Last")); diff != "" {
			t.Errorf("pages of %d: the engine's %s findings differ from Analyze (-batch +engine):\n%s", n, id, diff)
		}
		if len(only(fed, id)) == 0 {
			t.Errorf("pages of %d: Feed() never reported a %s finding", n, id)
		}
	}
}

// only keeps the findings of detection id.
func only(fs []intents.Finding, id string) []intents.Finding {
	var out []intents.Finding
	for _, f := range fs {
		if f.Detection == id {
			out = append(out, f)
		}
	}
	return out
}

// TestEngineFindsEveryDetectionAsABatch: a busy day with something for
// every detection in it, fed page by page, gives the engine Analyze's
// findings of the day at once, for every detection.
func TestEngineFindsEveryDetectionAsABatch(t *testing.T) {
	cfg := testConfig()
	evs := append(orgDay(4000), allEvents()...)
	slices.SortStableFunc(evs, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
	want := Analyze(cfg, evs)
	for _, id := range designIDs {
		if len(only(want.Findings, id)) == 0 {
			t.Errorf("Analyze(the day) finds no %s", id)
		}
	}
	for _, n := range []int{7, 100} {
		// Windows that reach over the whole day: the engine then sees
		// what a batch sees before each event (whether an identity
		// provider's issuer is new looks back further than DefaultWindow).
		e := NewEngine(cfg, Limits{Window: 7 * 24 * time.Hour})
		feedAll(e, evs, n)
		if diff := cmp.Diff(want, e.Analysis(), cmpopts.IgnoreFields(intents.Finding{}, "IPs", "Last")); diff != "" {
			t.Errorf("pages of %d: the engine's analysis differs from Analyze (-batch +engine):\n%s", n, diff)
		}
	}
}
