package approvals_test

import (
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
)

// BenchmarkDecide approves one proposal per iteration in a store that
// holds 10,000 others (seeded in one transaction), and reports the 99th
// percentile latency of Decide as decide-p99-ms. Each Decide is a full
// fsynced commit, so the figure is mostly the disk's fsync time.
func BenchmarkDecide(b *testing.B) {
	ts := MustOpen(b)
	if _, err := approvals.SeedForTest(ts.Store, 10_000, suspendJohn()); err != nil {
		b.Fatalf("SeedForTest(10000) = %v", err)
	}
	ids, err := approvals.SeedForTest(ts.Store, b.N, suspendJohn())
	if err != nil {
		b.Fatalf("SeedForTest(%d) = %v", b.N, err)
	}
	pol := policy()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := ts.Decide(approve(ids[i], approver), pol); err != nil {
			b.Fatalf("Decide(%s) = %v", ids[i], err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p99)/float64(time.Millisecond), "decide-p99-ms")
}

// BenchmarkOpen opens a store of 10,000 proposals: the start-up cost of
// the integrity check (every page read, bbolt's Check) and recovery.
func BenchmarkOpen(b *testing.B) {
	ts := MustOpen(b)
	if _, err := approvals.SeedForTest(ts.Store, 10_000, suspendJohn()); err != nil {
		b.Fatalf("SeedForTest(10000) = %v", err)
	}
	ts.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := approvals.Open(ts.Path, approvals.Options{})
		if err != nil {
			b.Fatalf("Open() = %v", err)
		}
		_ = s.Close() // teardown; a close error here decides nothing the test checks
	}
}
