package etcdstore_test

import (
	"testing"

	"github.com/oktabot/oktabot/approvals/storetest"
)

// TestArchiveContract runs the retention contract over both stores: on
// etcd each handle is its own client, as separate replicas are, and a
// batch fits etcd's default --max-txn-ops, so that the contract's 85
// records take two.
func TestArchiveContract(t *testing.T) {
	for _, f := range []storetest.Factory{bboltFactory(), etcdFactory(t)} {
		t.Run(f.Name, func(t *testing.T) { storetest.RunArchive(t, f) })
	}
}
