package etcdstore_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/approvals/storetest"
)

// TestContract runs the store contract over both stores: bbolt under
// t.TempDir() and etcd started in the test, each handle of an etcd state
// on its own client, as separate oktabot processes would be.
func TestContract(t *testing.T) {
	for _, f := range []storetest.Factory{bboltFactory(), etcdFactory(t)} {
		t.Run(f.Name, func(t *testing.T) { storetest.Run(t, f) })
	}
}

func bboltFactory() storetest.Factory { return storetest.Bbolt() }

// etcdFactory shares one etcd member among the tests: each state lives
// under its own prefix.
func etcdFactory(t *testing.T) storetest.Factory {
	srv := etcdtest.Start(t)
	var states atomic.Int32
	return storetest.Factory{Name: "etcd", Open: func(t *testing.T, now func() time.Time, n int) []storetest.Store {
		prefix := fmt.Sprintf("/oktabot-test-%d/", states.Add(1))
		out := make([]storetest.Store, n)
		for i := range out {
			s := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: prefix, TTL: time.Hour, Now: now})
			t.Cleanup(func() { _ = s.Close() })
			out[i] = s
		}
		return out
	}}
}

var (
	_ storetest.Store     = (*etcdstore.Store)(nil)
	_ storetest.Incidents = (*etcdstore.Store)(nil)
)

// TestIncidentContract runs the watcher's side of the contract over both
// stores.
func TestIncidentContract(t *testing.T) {
	for _, f := range []storetest.Factory{bboltFactory(), etcdFactory(t)} {
		t.Run(f.Name, func(t *testing.T) { storetest.RunIncidents(t, f) })
	}
}
