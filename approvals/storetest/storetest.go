// Package storetest is the contract every proposal store keeps: the bbolt
// Store of package approvals and the etcd one of approvals/etcdstore. Run
// checks a store through a Factory: the state machine's edges and
// refusals, the exactly-once gate under concurrent clicks from several
// handles (processes) on one state, and the audit chain; RunIncidents the
// watcher's state: incidents, suppressions, the outbox and the cursor. It is for tests
// only and must not be imported by a program.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Incidents is what the bot needs of a store for the watcher (a copy of
// bot.Incidents, which this package must not import).
type Incidents interface {
	CommitWatch(b intents.WatchBatch, o intents.WatchOptions) ([]intents.IncidentChange, int, error)
	AddFindings(fs []intents.Finding, now time.Time, o intents.WatchOptions) ([]intents.IncidentChange, error)
	Incident(id string) (intents.Incident, error)
	Incidents(open bool) ([]intents.Incident, error)
	Unposted() ([]intents.Incident, error)
	SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error
	SetIncidentProposals(id string, proposalIDs []string) error
	Acknowledge(id, by string) (intents.Incident, error)
	CloseIncident(id, by, why string) (intents.Incident, error)
	Suppress(sp intents.Suppression) (intents.Suppression, error)
	Suppressions() ([]intents.Suppression, error)
	RemoveSuppression(id, by string) error
	SetAnswer(id, answer string, at time.Time) (intents.Incident, error)
}

// Store is what the contract checks: the proposals, the audit log and the
// watcher's state of a store.
type Store interface {
	Incidents
	// WatchState is what the watcher resumes from (okta.WatchConfig.Load).
	WatchState() (cursor string, windows map[string][]byte, err error)

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
	StepUp
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
