package etcdstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

// BenchmarkDecideEtcd is BenchmarkDecide (package approvals) on etcd:
// one approval per iteration on a single-member etcd on loopback that
// fsyncs every commit, beside 1,000 other pending proposals, reporting
// the 99th percentile latency of Decide as decide-etcd-p99-ms. A Decide is
// one read and one Txn (the proposal, its audit record and the chain head
// compared), so the figure is etcd's round trip plus its fsync.
func BenchmarkDecideEtcd(b *testing.B) {
	srv := etcdtest.StartDurable(b)
	s := etcdstore.New(srv.Client(b), etcdstore.Options{})
	for i := range 1000 {
		if _, err := s.Create(suspend(fmt.Sprintf("other%04d@company.com", i))); err != nil {
			b.Fatal(err)
		}
	}
	ids := make([]string, b.N)
	for i := range b.N {
		p, err := s.Create(suspend(fmt.Sprintf("user%06d@company.com", i)))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = p.ID
	}
	pol := intents.ApprovalPolicy{IsApprover: func(u string) bool { return u == "U_APPROVER" }}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if _, err := s.Decide(intents.Decision{ProposalID: ids[i], By: "U_APPROVER", Approve: true, Channel: "C_SEC"}, pol); err != nil {
			b.Fatalf("Decide(%s) = %v", ids[i], err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p99)/float64(time.Millisecond), "decide-etcd-p99-ms")
}
