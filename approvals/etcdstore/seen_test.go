package etcdstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// seen is a copy of the bot's Seen: the package must not import bot, and
// its Seen must still fit there.
type seen interface {
	First(key string, ttl time.Duration) (bool, error)
}

var _ seen = (*etcdstore.Seen)(nil)

const seenPrefix = "/seen-test/"

func mustFirst(t *testing.T, name string, s seen, key string, ttl time.Duration, want bool) {
	t.Helper()
	got, err := s.First(key, ttl)
	if err != nil || got != want {
		t.Fatalf("%s: First(%q, %s) = %v, %v; want %v, nil", name, key, ttl, got, err, want)
	}
}

// TestSeenAcrossClients: of two processes taking one key, the first is
// first and no later call is, until the key's ttl has passed: etcd
// deletes it no sooner than ttl after the first call, and then it is new
// again.
func TestSeenAcrossClients(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	watcher := srv.Client(t)
	a := etcdstore.NewSeen(srv.Client(t), etcdstore.SeenOptions{Prefix: seenPrefix})
	b := etcdstore.NewSeen(srv.Client(t), etcdstore.SeenOptions{Prefix: seenPrefix})
	// Above etcd's minimum lease (2 s), so that a lease too short
	// shows.
	const key, ttl = "Ev0123ABC", 3 * time.Second
	deleted := watcher.Watch(t.Context(), seenPrefix+"seen/"+key)
	start := time.Now()
	mustFirst(t, "a", a, key, ttl, true)
	mustFirst(t, "b", b, key, ttl, false)
	mustFirst(t, "a again", a, key, ttl, false)
	mustFirst(t, "b, another key", b, "Ev0456DEF", ttl, true)

	// A key lives at most ttl plus a bucket (a second here), and etcd
	// looks for expired leases twice a second.
	within := ttl + time.Second + margin
	for {
		select {
		case wr := <-deleted:
			if wr.Err() != nil {
				t.Fatalf("watch = %v", wr.Err())
			}
			if len(wr.Events) == 0 || wr.Events[0].Type != clientv3.EventTypeDelete {
				continue // the put
			}
		case <-time.After(within):
			t.Fatalf("etcd did not delete %s within %s", key, within)
		}
		break
	}
	if lived := time.Since(start); lived < ttl {
		t.Errorf("%s was deleted %s after the first call; want at least its ttl %s", key, lived, ttl)
	}
	mustFirst(t, "b after the ttl", b, key, ttl, true)
	mustFirst(t, "a after the ttl", a, key, ttl, false)
}

// TestSeenSharesLeases: keys taken within a bucket share one lease,
// rather than costing etcd a lease each.
func TestSeenSharesLeases(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	s := etcdstore.NewSeen(cli, etcdstore.SeenOptions{Prefix: seenPrefix})
	const keys = 50
	for i := range keys {
		// A 16-minute ttl has buckets of a minute: the keys fall in at
		// most two.
		mustFirst(t, "s", s, fmt.Sprintf("Ev%04d", i), 16*time.Minute, true)
	}
	resp, err := cli.Leases(context.Background())
	if err != nil {
		t.Fatalf("Leases() = %v", err)
	}
	if n := len(resp.Leases); n == 0 || n > 2 {
		t.Errorf("%d keys took %d leases; want 1 or 2", keys, n)
	}
}

// TestSeenBadInput: an empty key or a ttl that is not positive is
// refused, and nothing is written.
func TestSeenBadInput(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	s := etcdstore.NewSeen(cli, etcdstore.SeenOptions{Prefix: seenPrefix})
	for _, tc := range []struct {
		key string
		ttl time.Duration
	}{{"", time.Minute}, {"Ev1", 0}, {"Ev1", -time.Second}} {
		if got, err := s.First(tc.key, tc.ttl); err == nil {
			t.Errorf("First(%q, %s) = %v, nil; want an error", tc.key, tc.ttl, got)
		}
	}
	resp, err := cli.Get(context.Background(), seenPrefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil || resp.Count != 0 {
		t.Errorf("after refusals: %v keys, %v; want none", resp, err)
	}
}

// TestSeenCutOff: with etcd out of reach First answers an error within
// its timeout, which the bot takes as "answer the event anyway".
func TestSeenCutOff(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	proxy := srv.Proxy(t)
	const timeout = time.Second
	s := etcdstore.NewSeen(proxy.Client(t), etcdstore.SeenOptions{Prefix: seenPrefix, Timeout: timeout})
	mustFirst(t, "before the cut", s, "Ev1", time.Minute, true)
	proxy.Cut()
	start := time.Now()
	if got, err := s.First("Ev2", time.Minute); err == nil {
		t.Fatalf("First() cut off = %v, nil; want an error", got)
	}
	if took := time.Since(start); took > timeout+margin {
		t.Errorf("First() cut off took %s; want its timeout %s", took, timeout)
	}
}
