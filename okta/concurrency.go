package okta

import (
	"context"
	"sync"
)

// defaultMaxConcurrency is Config.MaxConcurrency's default: well under
// Okta's org-wide limit on requests in flight (75 on most editions, 35 on
// the smallest), which every app of the org shares.
const defaultMaxConcurrency = 15

// inflightCap caps the Client's requests in flight at max. After Okta refuses
// a request for its org-wide concurrency limit (other apps use it too) the
// cap drops to what was in flight then, less one, and grows back by one
// after every max answers without such a refusal.
type inflightCap struct {
	max int

	mu      sync.Mutex
	cap     int // current cap, 1 … max
	cur     int // requests in flight
	good    int // answers since the cap last changed
	changed chan struct{}
}

func newInflightCap(max int) *inflightCap {
	return &inflightCap{max: max, cap: max, changed: make(chan struct{})}
}

// acquire waits, bounded by ctx, for a slot. Every acquire that returns nil
// must be followed by one release.
func (f *inflightCap) acquire(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.cur < f.cap {
			f.cur++
			f.mu.Unlock()
			return nil
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release frees a slot. refused says Okta answered the request with a
// concurrency 429.
func (f *inflightCap) release(refused bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if refused {
		f.cap = max(1, min(f.cap, f.cur-1))
		f.good = 0
	} else if f.cap < f.max {
		if f.good++; f.good >= f.max {
			f.cap++
			f.good = 0
		}
	}
	f.cur--
	close(f.changed)
	f.changed = make(chan struct{})
}
