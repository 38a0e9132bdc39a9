package bot

import (
	"sync"
	"time"
)

// Seen tells, across replicas, whether a Slack event was already taken:
// Slack delivers an event to one connection, but retries it (to any
// connection, so to any replica) when the ack is late.
type Seen interface {
	// First reports whether this replica is the first to take key, and
	// records it for ttl; an error means it cannot tell (the event is
	// then answered: a rare double answer beats a lost one).
	First(key string, ttl time.Duration) (bool, error)
}

// seenTTL is how long an event id is remembered: Slack retries an event
// three times within about five minutes.
const seenTTL = 15 * time.Minute

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
