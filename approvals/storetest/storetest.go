// Package storetest is the contract every proposal store keeps: the bbolt
// Store of package approvals and the etcd one of approvals/etcdstore. Run
// checks a store through a Factory: the state machine's edges and
// refusals, the exactly-once gate under concurrent clicks from several
// handles (processes) on one state, and the audit chain. It is for tests
// only and must not be imported by a program.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Store is what the contract checks: the proposal side of a store.
type Store interface {
	Create(p intents.Proposal) (intents.Proposal, error)
	Get(id string) (intents.Proposal, error)
	SetMessage(id, channel, ts string) error
	SetGroupMessage(ids []string, channel, ts string) error
	Pending() ([]intents.Proposal, error)
	Approved() ([]intents.Proposal, error)
	History(id string) ([]intents.AuditRecord, error)
	Audit(fn func(intents.AuditRecord) error) error
	Decide(d intents.Decision, pol intents.ApprovalPolicy) (intents.Proposal, error)
	BeginExecute(id string) (intents.Proposal, error)
	Finish(id string, out *intents.ActionOutcome, execErr error) (intents.Proposal, error)
	Execute(ctx context.Context, id string, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error)
	Withdraw(id, why string) (intents.Proposal, error)
	ExpireDue(now time.Time) ([]intents.Proposal, error)
	ReofferApproved(before time.Time) ([]intents.Proposal, error)
	Verify() (approvals.ChainReport, error)
}

var _ Store = (*approvals.Store)(nil)

// Factory makes stores for the contract.
type Factory struct {
	// Name names the store in subtests ("bbolt", "etcd").
	Name string
	// Open returns n handles on one new, empty state, with now as their
	// clock and a TTL of one hour, closed when the test ends. Each handle
	// is what a separate oktabot process would hold where the store
	// allows several (etcd: its own client); otherwise all n are the
	// same store (bbolt, which one process holds).
	Open func(t *testing.T, now func() time.Time, n int) []Store
}
