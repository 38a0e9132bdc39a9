package etcdstore_test

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// TestQuorum: on three etcd members, losing one, the raft leader (the
// worst case: a new one is elected meanwhile), keeps the leader leading
// and Seen answering; losing a second (quorum) ends the term within its
// lease and makes Seen fail within its timeout.
func TestQuorum(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("three etcd members and two losses take about ten seconds")
	}
	start := time.Now()
	members := etcdtest.Cluster(t, 3)
	t.Logf("three members ready in %s", time.Since(start).Round(time.Millisecond))
	// The lease outlasts an election (about a second with the members'
	// timing) with room for the renewals: one is sent every third of it,
	// and the term ends at nine tenths after the last one answered.
	const ttl, timeout = 3 * time.Second, 2 * time.Second
	l := etcdstore.NewLeader(members.Client(t), etcdstore.LeaderOptions{Prefix: "/quorum/", TTL: ttl})
	s := etcdstore.NewSeen(members.Client(t), etcdstore.SeenOptions{Prefix: "/quorum/", Timeout: timeout})
	lctx := mustWin(t, "leader", campaign(t.Context(), l), ttl+margin)
	mustFirst(t, "three members", s, "Ev1", time.Minute, true)

	lead := members.Leader(t)
	members.Kill(t, lead)
	mustFirst(t, "two members", s, "Ev2", time.Minute, true)
	mustFirst(t, "two members, again", s, "Ev2", time.Minute, false)
	// For a whole lease the term must not end: without a renewal
	// through the members left it would end within nine tenths of it.
	select {
	case <-lctx.Done():
		t.Fatal("the term ended when one member of three was lost")
	case <-time.After(ttl):
	}
	mustFirst(t, "two members, a lease later", s, "Ev3", time.Minute, true)

	// The member left is the new raft leader (elected before the writes
	// above committed): the worst case again, as it goes on renewing
	// leases for an election timeout after it lost quorum.
	newLead := members.Leader(t)
	for i := range 3 {
		if i != lead && i != newLead {
			members.Kill(t, i)
		}
	}
	lost := time.Now()
	// Within the lease, and half a second for timers on a shared machine.
	mustEnd(t, "leader", lctx, ttl+time.Second/2)
	t.Logf("the term ended %s after quorum was lost", time.Since(lost).Round(time.Millisecond))
	asked := time.Now()
	if got, err := s.First("Ev4", time.Minute); err == nil {
		t.Errorf("First() without quorum = %v, nil; want an error", got)
	}
	if took := time.Since(asked); took > timeout+margin {
		t.Errorf("First() without quorum took %s; want its timeout %s", took, timeout)
	}
}
