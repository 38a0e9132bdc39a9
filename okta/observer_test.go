package okta

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// recorder is an Observer that keeps what it was told.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int // "family status" → count
	waits map[string]time.Duration
}

func (r *recorder) Call(family string, status int, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[family+" "+itoa(status)]++
}

func (r *recorder) Wait(family string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits[family] += d
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestObserverSeesCallsAndWaits(t *testing.T) {
	rec := &recorder{calls: map[string]int{}, waits: map[string]time.Duration{}}
	h := newHarness(t, setup{fixture: testOrg(), cfg: Config{Observer: rec, Scopes: allScopes()}})
	h.sim.SetRateLimit("users", 2, time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range 3 {
		if _, err := h.client.Query(ctx, intents.Intent{Kind: intents.ListUsers, Limit: 5}); err != nil {
			t.Fatalf("Query: %v", err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.calls[bucketUsers+" 200"] < 3 {
		t.Errorf("observer saw %v, want at least 3 users calls answered 200", rec.calls)
	}
	if rec.waits[bucketUsers] <= 0 {
		t.Errorf("observer saw no rate-limit wait with 2 calls a second: %v (calls %v)", rec.waits, rec.calls)
	}
}
