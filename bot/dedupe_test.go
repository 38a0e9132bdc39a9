package bot

import (
	"fmt"
	"testing"
	"time"
)

func TestDedupe(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	d := newDedupe(time.Minute, 3)
	if !d.first("Ev1", t0) {
		t.Fatal("first(Ev1) = false on first sight")
	}
	if d.first("Ev1", t0.Add(time.Second)) {
		t.Fatal("first(Ev1) = true on a retry within the ttl")
	}
	if once, twice := d.first("", t0), d.first("", t0); !once || !twice {
		t.Fatal("first(\"\") = false: events without an id must never be dropped")
	}
	if !d.first("Ev1", t0.Add(2*time.Minute)) {
		t.Fatal("first(Ev1) = false after the ttl")
	}
	for i := range 5 {
		d.first(fmt.Sprintf("x%d", i), t0.Add(2*time.Minute))
	}
	if len(d.seen) > 3 || len(d.order) > 3 {
		t.Fatalf("dedupe holds %d keys, want at most 3", len(d.seen))
	}
}
