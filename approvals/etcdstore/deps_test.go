package etcdstore_test

import (
	"testing"

	"github.com/oktabot/oktabot/internal/archtest"
)

// TestDependencies: the store talks to etcd through its client only and
// knows nothing of oktabot but approvals and intents; the embedded etcd
// server and the test helpers are for tests, which no program imports.
func TestDependencies(t *testing.T) {
	archtest.Check(t, "github.com/oktabot/oktabot/approvals/etcdstore",
		"go.etcd.io/etcd/server",
		"github.com/oktabot/oktabot/bot", "github.com/oktabot/oktabot/okta",
		"github.com/oktabot/oktabot/blocks", "github.com/oktabot/oktabot/cmd",
		"github.com/oktabot/oktabot/approvals/storetest")
	for _, helper := range []string{
		"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest",
		"github.com/oktabot/oktabot/approvals/storetest",
	} {
		archtest.ImportedOnlyBy(t, "github.com/oktabot/oktabot/...", helper)
	}
}
