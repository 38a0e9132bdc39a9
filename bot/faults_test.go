package bot_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// Faults on the Slack side and at the store, through the whole bot: the
// person still gets the answer or a clear message, no action runs twice,
// and no proposal or audit record is lost.

// The websocket dropped after an envelope was acked but before the answer
// (Okta is slow): slack-go reconnects, and the answer, which goes over
// HTTP, arrives once.
func TestFaultSocketDroppedMidCommand(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	t.Run("query", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		h.sim.SetLatency(time.Second)
		env := h.slash(analyst, secChannel, "user john@company.com")
		if _, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil {
			t.Fatalf("WaitAck: %v", err)
		}
		if err := h.slack.DropConnection(); err != nil {
			t.Fatalf("DropConnection: %v", err)
		}
		if err := h.slack.WaitConnections(h.waitCtx(15*time.Second), 2); err != nil {
			t.Fatalf("no reconnect after the drop: %v", err)
		}
		card := func(m slackfake.Message) bool {
			return isAnswer(m) && has(m, "john@company.com")
		}
		h.answer("the user card after the drop", card)
		h.stop() // any second answer would be posted before Run returns
		if n := count(h.slack.Messages(), card); n != 1 {
			t.Errorf("%d user cards, want 1", n)
		}
	})
	t.Run("approval", func(t *testing.T) {
		h := approvalHarness(t, nil)
		m := h.propose("suspend john@company.com reason: dropped socket")
		id := proposalID(t, m)
		h.sim.SetLatency(time.Second)
		env, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove})
		if err != nil {
			t.Fatalf("click Approve: %v", err)
		}
		if _, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil {
			t.Fatalf("WaitAck: %v", err)
		}
		if err := h.slack.DropConnection(); err != nil {
			t.Fatalf("DropConnection: %v", err)
		}
		if err := h.slack.WaitConnections(h.waitCtx(15*time.Second), 2); err != nil {
			t.Fatalf("no reconnect after the drop: %v", err)
		}
		h.settled(m, "Done")
		// The approver, who saw the message hang during the outage, clicks
		// the button again.
		h.sim.SetLatency(0)
		if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: "x", Value: id}); err != nil {
			t.Fatalf("second click: %v", err)
		}
		h.answer("the refusal of the second click", func(r slackfake.Message) bool {
			return r.Ephemeral && r.User == approver && has(r, "Already decided")
		})
		userID := fmt.Sprint(h.user("john@company.com")["id"])
		if n := h.sim.Calls("POST", "/api/v1/users/"+userID+"/lifecycle/suspend"); n != 1 {
			t.Errorf("%d suspend calls, want 1", n)
		}
		if got := auditEvents(h.audit(), id); !cmp.Equal(got, []string{"requested", "approved", "executing", "executed", "refused"}) {
			t.Errorf("audit of %s = %v, want requested, approved, executing, executed and the refused second click", id, got)
		}
	})
}

// failingStore is the real store with a disk that fills up on demand:
// Create and Decide fail as bbolt does when a write cannot be committed.
type failingStore struct {
	*approvals.Store
	mu                     sync.Mutex
	failCreate, failDecide bool
}

var errDiskFull = fmt.Errorf("approvals: commit: write oktabot.db: %w", syscall.ENOSPC)

func (s *failingStore) set(create, decide bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failCreate, s.failDecide = create, decide
}

func (s *failingStore) Create(p intents.Proposal) (intents.Proposal, error) {
	s.mu.Lock()
	fail := s.failCreate
	s.mu.Unlock()
	if fail {
		return intents.Proposal{}, errDiskFull
	}
	return s.Store.Create(p)
}

func (s *failingStore) Decide(d intents.Decision, pol intents.ApprovalPolicy) (intents.Proposal, error) {
	s.mu.Lock()
	fail := s.failDecide
	s.mu.Unlock()
	if fail {
		return intents.Proposal{}, errDiskFull
	}
	return s.Store.Decide(d, pol)
}

var _ bot.Proposals = (*failingStore)(nil)

// A full disk at the store: a proposal that cannot be written is refused
// with a message and nothing posted; a decision that cannot be written
// executes nothing; after the fault the store has every proposal and
// audit record, and the approval goes through once.
func TestFaultStoreWriteFails(t *testing.T) {
	real, err := approvals.Open(filepath.Join(t.TempDir(), "oktabot.db"), approvals.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("approvals.Open: %v", err)
	}
	t.Cleanup(func() { _ = real.Close() }) // after the bot stops: cleanups run last first
	store := &failingStore{Store: real}
	h := newHarness(t, harnessOpts{scopes: allScopes, cfg: bot.Config{
		Approvers: []string{approver}, Proposals: store, Protection: intents.Protection{ServiceAppID: "0oabot"},
	}})
	h.store = real
	userID := fmt.Sprint(h.user("john@company.com")["id"])
	suspends := func() int { return h.sim.Calls("POST", "/api/v1/users/"+userID+"/lifecycle/suspend") }
	writes := func() int {
		return h.sim.Calls("POST", "/api/v1/") + h.sim.Calls("PUT", "/api/v1/") + h.sim.Calls("DELETE", "/api/v1/")
	}
	// privateError waits for the error the person gets, and checks that it
	// carries a reference to quote and keeps the storage error's text for
	// the log.
	privateError := func(user, what string, after int) {
		t.Helper()
		m := h.answerAfter(after, what, func(m slackfake.Message) bool {
			return m.Ephemeral && m.User == user && m.Method != "ack"
		})
		if has(m, "no space left") || has(m, "oktabot.db") || has(m, "commit") {
			t.Errorf("%s shows the storage error's text: %s %s", what, m.Text, m.Blocks)
		}
		if !has(m, "(ref ") {
			t.Errorf("%s carries no reference to quote: %s %s", what, m.Text, m.Blocks)
		}
		if !has(m, "Nothing was changed in Okta") {
			t.Errorf("%s does not say that nothing changed in Okta: %s", what, m.Text)
		}
	}

	m := h.propose("suspend john@company.com reason: before the disk filled")
	id := proposalID(t, m)
	before := h.audit()

	t.Run("create fails", func(t *testing.T) {
		store.set(true, false)
		defer store.set(false, false)
		n, w := len(h.slack.Messages()), writes()
		h.slash(analyst, secChannel, "clear-sessions john@company.com reason: disk full")
		privateError(analyst, "the refused proposal", n) // the request's last step
		for _, m := range h.slack.Messages()[n:] {
			if has(m, blocks.ActionApprove) {
				t.Errorf("a proposal message was posted although it could not be stored: %s", m.Blocks)
			}
		}
		if ps, err := real.Pending(); err != nil || len(ps) != 1 || ps[0].ID != id {
			t.Errorf("pending after the failed create = %v, %v; want only %s", ps, err, id)
		}
		if got := writes(); got != w {
			t.Errorf("%d writes to Okta during the failed create", got-w)
		}
	})
	t.Run("decide fails", func(t *testing.T) {
		store.set(false, true)
		defer store.set(false, false)
		n := len(h.slack.Messages())
		h.click(approver, m, blocks.ActionApprove)
		privateError(approver, "the failed decision", n) // the click's last step
		if got := suspends(); got != 0 {
			t.Errorf("%d suspend calls after a decision that was not stored", got)
		}
		if p, err := real.Get(id); err != nil || p.State != intents.StatePending {
			t.Errorf("Get(%s) = %s, %v; want it still pending", id, p.State, err)
		}
	})
	t.Run("after the fault", func(t *testing.T) {
		h.click(approver, m, blocks.ActionApprove)
		h.settled(m, "Done")
		if got := suspends(); got != 1 {
			t.Errorf("%d suspend calls, want 1", got)
		}
		after := h.audit()
		if len(after) < len(before) || !cmp.Equal(before, after[:len(before)]) {
			t.Errorf("audit records were lost or changed:\nbefore %+v\nafter  %+v", before, after)
		}
		if got := auditEvents(after, id); !cmp.Equal(got, []string{"requested", "approved", "executing", "executed"}) {
			t.Errorf("audit of %s = %v, want requested, approved, executing, executed", id, got)
		}
	})
}

// count counts the messages that match.
func count(ms []slackfake.Message, match func(slackfake.Message) bool) int {
	n := 0
	for _, m := range ms {
		if match(m) {
			n++
		}
	}
	return n
}

// auditEvents lists the audit events of one proposal, in order.
func auditEvents(rs []intents.AuditRecord, id string) []string {
	var out []string
	for _, r := range rs {
		if r.ProposalID == id {
			out = append(out, r.Event)
		}
	}
	return out
}
