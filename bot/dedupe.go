package bot

import (
	"sync"
	"time"
)

// dedupe remembers keys (Events API event ids) for a while, so a retried
// delivery is answered once. It is bounded: the oldest keys go first.
type dedupe struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	seen  map[string]time.Time
	order []string
}

func newDedupe(ttl time.Duration, max int) *dedupe {
	return &dedupe{ttl: ttl, max: max, seen: make(map[string]time.Time)}
}

// first reports whether key is new, and remembers it.
func (d *dedupe) first(key string, now time.Time) bool {
	if key == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.seen[key]; ok && now.Sub(t) < d.ttl {
		return false
	}
	d.seen[key] = now
	d.order = append(d.order, key)
	for len(d.order) > d.max || (len(d.order) > 0 && now.Sub(d.seen[d.order[0]]) >= d.ttl) {
		delete(d.seen, d.order[0])
		d.order = d.order[1:]
	}
	return true
}
