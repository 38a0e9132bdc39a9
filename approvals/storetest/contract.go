package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// t0 is the clock's start.
var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// Test identities.
const (
	requester = "U_REQ"
	approver  = "U_APPROVER"
	outsider  = "U_OUTSIDER"
	channel   = "C_SEC"
)

// Clock is a settable clock for a store's Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one test's stores on one state and its clock.
type env struct {
	t      *testing.T
	stores []Store
	clock  *Clock
}

func open(t *testing.T, f Factory, n int) *env {
	t.Helper()
	c := NewClock(t0)
	return &env{t: t, stores: f.Open(t, c.Now, n), clock: c}
}

func (e *env) s() Store { return e.stores[0] }

func (e *env) create(p intents.Proposal) intents.Proposal {
	e.t.Helper()
	got, err := e.s().Create(p)
	if err != nil {
		e.t.Fatalf("Create() = %v", err)
	}
	return got
}

// state fails the test unless every handle sees id in state want.
func (e *env) state(id string, want intents.State) intents.Proposal {
	e.t.Helper()
	var p intents.Proposal
	for i, s := range e.stores {
		got, err := s.Get(id)
		if err != nil {
			e.t.Fatalf("store %d: Get(%s) = %v", i, id, err)
		}
		if got.State != want {
			e.t.Fatalf("store %d: Get(%s).State = %s, want %s", i, id, got.State, want)
		}
		p = got
	}
	return p
}

func (e *env) events(id string) []string {
	e.t.Helper()
	h, err := e.s().History(id)
	if err != nil {
		e.t.Fatalf("History(%s) = %v", id, err)
	}
	var out []string
	for _, r := range h {
		out = append(out, r.Event)
	}
	return out
}

func (e *env) approve(id string) {
	e.t.Helper()
	if _, err := e.s().Decide(approve(id, approver), policy()); err != nil {
		e.t.Fatalf("Decide(approve %s) = %v", id, err)
	}
}

// intact fails the test unless every handle finds the audit chain intact
// and holding want records.
func (e *env) intact(want uint64) {
	e.t.Helper()
	for i, s := range e.stores {
		rep, err := s.Verify()
		if err != nil || rep.Break != nil {
			e.t.Fatalf("store %d: Verify() = %v, %v; want the chain intact", i, rep.Break, err)
		}
		if rep.Records != want {
			e.t.Fatalf("store %d: Verify() read %d records, want %d", i, rep.Records, want)
		}
	}
}

func suspendUser(n int) intents.Proposal {
	login := fmt.Sprintf("user%d@company.com", n)
	return intents.Proposal{
		Requester: requester,
		Channel:   channel,
		Preview: intents.Preview{
			Action: intents.Action{
				Kind:   intents.SuspendUser,
				User:   &intents.Ref{Type: "user", ID: fmt.Sprintf("00u-%d", n), Name: login},
				Reason: "tor login",
			},
			Summary: "Suspend " + login,
			Before:  "ACTIVE",
			After:   "SUSPENDED",
			Scope:   "okta.users.manage",
			Granted: true,
		},
	}
}

// policy lets approver and requester approve, protects logins starting
// with "breakglass", and grants okta.users.manage.
func policy() approvals.Policy {
	return approvals.Policy{
		IsApprover: func(u string) bool { return u == approver || u == requester },
		Protected: func(p intents.Preview) (bool, string) {
			if u := p.Action.User; u != nil && strings.HasPrefix(u.Name, "breakglass") {
				return true, "break-glass account " + u.Name
			}
			return false, ""
		},
		HasScope: func(s string) bool { return s == "okta.users.manage" },
	}
}

func approve(id, by string) approvals.Decision {
	return approvals.Decision{ProposalID: id, By: by, Approve: true, Channel: channel}
}

func succeed(calls *atomic.Int32) func(context.Context, intents.Preview) (intents.ActionOutcome, error) {
	return func(_ context.Context, pv intents.Preview) (intents.ActionOutcome, error) {
		calls.Add(1)
		return intents.ActionOutcome{Action: pv.Action, Summary: "suspended", RequestID: "req-1"}, nil
	}
}

// Run checks the contract on stores from f.
func Run(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f Factory)
	}{
		{"CreateGet", testCreateGet},
		{"Decide", testDecide},
		{"Refusals", testRefusals},
		{"ExecuteOnce", testExecuteOnce},
		{"Expire", testExpire},
		{"Withdraw", testWithdraw},
		{"Reoffer", testReoffer},
		{"GroupMessage", testGroupMessage},
		{"AuditChain", testAuditChain},
		{"ConcurrentClicks", testConcurrentClicks},
		{"ConcurrentAppends", testConcurrentAppends},
		{"ConcurrentExpiry", testConcurrentExpiry},
		{"StepUp", testStepUp},
		{"StepUpConcurrent", testStepUpConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}
