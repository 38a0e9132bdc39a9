package approvals_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/storetest"
	"github.com/oktabot/oktabot/intents"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock = storetest.Clock

func newClock() *clock { return storetest.NewClock(t0) }

// TestStore is a Store on a file under t.TempDir() with a fake clock.
type TestStore struct {
	*approvals.Store
	Path  string
	Clock *clock
	t     testing.TB
}

// MustOpen opens a new store under t.TempDir() with a fake clock and a TTL
// of one hour, closed when the test ends.
func MustOpen(t testing.TB) *TestStore {
	t.Helper()
	ts := &TestStore{Path: filepath.Join(t.TempDir(), "oktabot.db"), Clock: newClock(), t: t}
	ts.open()
	t.Cleanup(func() { ts.Close() })
	return ts
}

func (ts *TestStore) options() approvals.Options {
	return approvals.Options{Timeout: time.Second, TTL: time.Hour, Now: ts.Clock.Now}
}

func (ts *TestStore) open() {
	ts.t.Helper()
	s, err := approvals.Open(ts.Path, ts.options())
	if err != nil {
		ts.t.Fatalf("Open(%s) = %v", ts.Path, err)
	}
	ts.Store = s
}

// Close closes the store once; later calls do nothing.
func (ts *TestStore) Close() {
	ts.t.Helper()
	if ts.Store == nil {
		return
	}
	if err := ts.Store.Close(); err != nil {
		ts.t.Errorf("Close() = %v", err)
	}
	ts.Store = nil
}

// Reopen closes and opens the same file again.
func (ts *TestStore) Reopen() {
	ts.t.Helper()
	ts.Close()
	ts.open()
}

// MustCreate creates a proposal or fails the test.
func (ts *TestStore) MustCreate(p intents.Proposal) intents.Proposal {
	ts.t.Helper()
	got, err := ts.Create(p)
	if err != nil {
		ts.t.Fatalf("Create() = %v", err)
	}
	return got
}

// MustState fails the test unless proposal id is in state want.
func (ts *TestStore) MustState(id string, want intents.State) intents.Proposal {
	ts.t.Helper()
	p, err := ts.Get(id)
	if err != nil {
		ts.t.Fatalf("Get(%s) = %v", id, err)
	}
	if p.State != want {
		ts.t.Fatalf("Get(%s).State = %s, want %s", id, p.State, want)
	}
	return p
}

// Events lists the audit events of one proposal.
func (ts *TestStore) Events(id string) []string {
	ts.t.Helper()
	h, err := ts.History(id)
	if err != nil {
		ts.t.Fatalf("History(%s) = %v", id, err)
	}
	var out []string
	for _, r := range h {
		out = append(out, r.Event)
	}
	return out
}

// AllRecords reads the whole audit log.
func (ts *TestStore) AllRecords() []intents.AuditRecord {
	ts.t.Helper()
	var out []intents.AuditRecord
	if err := ts.Audit(func(r intents.AuditRecord) error {
		out = append(out, r)
		return nil
	}); err != nil {
		ts.t.Fatalf("Audit() = %v", err)
	}
	return out
}

// Test identities.
const (
	requester = "U_REQ"
	approver  = "U_APPROVER"
	outsider  = "U_OUTSIDER"
	channel   = "C_SEC"
)

// suspendJohn is a proposal to suspend john@company.com, asked in channel.
func suspendJohn() intents.Proposal {
	return intents.Proposal{
		Requester: requester,
		Channel:   channel,
		Preview: intents.Preview{
			Action: intents.Action{
				Kind:   intents.SuspendUser,
				User:   &intents.Ref{Type: "user", ID: "00u1", Name: "john@company.com"},
				Reason: "tor login",
			},
			Summary: "Suspend john@company.com",
			Before:  "ACTIVE",
			After:   "SUSPENDED",
			Impact:  []string{"7 app assignments"},
			Scope:   "okta.users.manage",
			Granted: true,
		},
	}
}

// suspendUser is suspendJohn for another user, n: a different target, so
// not a duplicate of a pending suspendJohn (or of suspendUser(m), m ≠ n).
func suspendUser(n int) intents.Proposal {
	p := suspendJohn()
	login := fmt.Sprintf("user%d@company.com", n)
	p.Preview.Action.User = &intents.Ref{Type: "user", ID: fmt.Sprintf("00u-%d", n), Name: login}
	p.Preview.Summary = "Suspend " + login
	return p
}

// policy lets approver and requester approve, protects logins starting
// with "breakglass", and grants okta.users.manage.
func policy() approvals.Policy {
	return approvals.Policy{
		IsApprover: func(u string) bool { return u == approver || u == requester },
		Protected: func(p intents.Preview) (bool, string) {
			if u := p.Action.User; u != nil && len(u.Name) >= 10 && u.Name[:10] == "breakglass" {
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

func reject(id, by, reason string) approvals.Decision {
	return approvals.Decision{ProposalID: id, By: by, Reason: reason, Channel: channel}
}

// outcome is what suspending john returned.
func outcome() *intents.ActionOutcome {
	return &intents.ActionOutcome{
		Action:    suspendJohn().Preview.Action,
		Summary:   "Suspended john@company.com",
		Before:    "ACTIVE",
		After:     "SUSPENDED",
		RequestID: "req-123",
		At:        t0,
	}
}

// errorIs reports whether err matches want (nil matches nil).
func errorIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

func count[T comparable](xs []T, x T) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
