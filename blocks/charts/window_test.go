package charts

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// A chart names a window set by the clock ("yesterday") by its start and
// end in the reader's zone, not as a length back from now.
func TestWindowWords(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	since, until := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	bounded := intents.Result{Intent: intents.Intent{Kind: intents.Investigate, Since: since, Until: until}, Since: since, Until: until}
	if got, want := windowWords(bounded, chicago), "Fri Nov 27 00:00 – Sat Nov 28 00:00"; got != want {
		t.Errorf("windowWords(yesterday) = %q, want %q", got, want)
	}
	back := intents.Result{Intent: intents.Intent{Kind: intents.Investigate}, Since: since, Until: until}
	if got, want := windowWords(back, chicago), "last 7 days"; got != want {
		t.Errorf("windowWords(investigate) = %q, want %q", got, want)
	}
}
