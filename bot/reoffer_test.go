package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// waitSocketsClosed waits until no socket of the fake takes envelopes.
func waitSocketsClosed(t *testing.T, fake *slackfake.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ch := fake.Changed()
		if fake.Ready() == 0 {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("the stopped bot's sockets are still open: %d", fake.Ready())
		}
	}
}

// oktabot stops after a proposal was approved and before it ran. Started
// again on the same bbolt file, it offers the proposal again: pending, its
// message redrawn with a note and an Approve button, the approver told in
// the thread, an audit record; nothing was changed in Okta until it is
// approved again.
func TestApprovedBeforeRestartIsOfferedAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oktabot.db")
	cfg := bot.Config{Approvers: []string{approver}}
	h1 := newHarness(t, harnessOpts{storePath: path, scopes: allScopes, cfg: cfg})
	m := h1.propose("suspend john@company.com")
	id := proposalID(t, m)
	// The click's decision is made, and oktabot stops before it begins the
	// execution.
	if _, err := h1.store.Decide(intents.Decision{ProposalID: id, By: approver, Approve: true, Channel: secChannel},
		intents.ApprovalPolicy{IsApprover: func(u string) bool { return u == approver }}); err != nil {
		t.Fatal(err)
	}
	h1.stop()
	if err := h1.store.Close(); err != nil {
		t.Fatal(err)
	}
	waitSocketsClosed(t, h1.slack)
	suspends := h1.sim.Calls("POST", "/api/v1/users/"+h1.user("john@company.com")["id"].(string)+"/lifecycle/suspend")

	h2 := newHarness(t, harnessOpts{storePath: path, scopes: allScopes, cfg: cfg, reuse: h1})
	redrawn := h2.answer("the proposal redrawn as offered again", func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && has(u, "oktabot restarted after <@"+approver+"> approved this") && hasButton(t, u, blocks.ActionApprove, id)
	})
	h2.answer("the approver told in the thread", func(u slackfake.Message) bool {
		return u.Method == "chat.postMessage" && u.ThreadTS == m.TS && has(u, "<@"+approver+">") && has(u, "Approve it again")
	})
	h2.mustState(id, intents.StatePending)
	if rec := h2.lastAudit(id); rec.Event != "reoffered" || rec.Approver != approver || !strings.Contains(rec.Detail, "reoffered after a restart") {
		t.Errorf("last audit record %+v, want reoffered after a restart", rec)
	}
	if n := h2.sim.Calls("POST", "/api/v1/users/"+h2.user("john@company.com")["id"].(string)+"/lifecycle/suspend"); n != suspends {
		t.Errorf("Okta was changed before the new approval: %d suspend calls", n-suspends)
	}
	h2.click(approver, redrawn, blocks.ActionApprove)
	h2.settled(m, "Done")
}

// A proposal whose message Slack refuses is withdrawn: expired with the
// reason, the asker told; the command line cannot approve it.
func TestProposalNotPostedIsWithdrawn(t *testing.T) {
	h := approvalHarness(t, nil)
	w := h.oktaWrites()
	n := len(h.slack.Messages())
	h.slack.FailNext("chat.postMessage", "internal_error")
	send(t, h, analyst, secChannel, "suspend john@company.com")
	h.refusal(t, analyst, n, "The proposal could not be posted")
	var id string
	for _, r := range h.audit() {
		if r.Event == "expired" && r.Detail == "withdrawn: its message could not be posted" {
			id = r.ProposalID
		}
	}
	if id == "" {
		t.Fatalf("no proposal was withdrawn; audit: %+v", h.audit())
	}
	h.mustState(id, intents.StateExpired)
	for _, m := range h.slack.Messages()[n:] {
		if has(m, blocks.ActionApprove) {
			t.Errorf("a proposal message was posted after all: %s", m.Text)
		}
	}
	// As `oktabot approvals approve` would.
	_, err := h.store.Decide(intents.Decision{ProposalID: id, By: approver, Approve: true},
		intents.ApprovalPolicy{IsApprover: func(string) bool { return true }})
	if !errors.Is(err, intents.ErrExpired) {
		t.Errorf("approving the withdrawn proposal = %v, want ErrExpired", err)
	}
	if ps, _ := h.store.Pending(); len(ps) != 0 {
		t.Errorf("pending after the failed post: %v", ps)
	}
	if got := h.oktaWrites() - w; got != 0 {
		t.Errorf("%d writes to Okta", got)
	}
}

// With replicas on etcd, one can stop between Approve and execution while
// the others run on (or an approval the click was told had failed can be
// committed late, once etcd has quorum again). The leader's sweep offers
// such a proposal again once it has been approved and not begun for far
// longer than that step takes; approved again, it runs once.
func TestStaleApprovalIsOfferedAgain(t *testing.T) {
	clk := &virtualClock{now: time.Now().UTC()}
	h := newHarness(t, harnessOpts{etcd: etcdtest.Start(t), now: clk.Now, ttl: 24 * time.Hour, scopes: allScopes,
		cfg: bot.Config{Approvers: []string{approver}, SweepEvery: 20 * time.Millisecond, Now: clk.Now}})
	m := h.propose("suspend john@company.com")
	id := proposalID(t, m)
	// Another replica records the approval and stops before it begins.
	if _, err := h.etcd.Decide(intents.Decision{ProposalID: id, By: approver, Approve: true, Channel: secChannel},
		intents.ApprovalPolicy{IsApprover: func(u string) bool { return u == approver }}); err != nil {
		t.Fatal(err)
	}
	clk.advance(6 * time.Minute)
	redrawn := h.answer("the proposal redrawn as offered again", func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && has(u, "oktabot was interrupted after <@"+approver+"> approved this") && hasButton(t, u, blocks.ActionApprove, id)
	})
	h.answer("the approver told in the thread", func(u slackfake.Message) bool {
		return u.Method == "chat.postMessage" && u.ThreadTS == m.TS && has(u, "<@"+approver+">") && has(u, "Approve it again")
	})
	john := "/api/v1/users/" + h.user("john@company.com")["id"].(string) + "/lifecycle/suspend"
	if n := h.sim.Calls("POST", john); n != 0 {
		t.Errorf("Okta was changed before the new approval: %d suspend calls", n)
	}
	h.click(approver, redrawn, blocks.ActionApprove)
	h.settled(m, "Done")
	if n := h.sim.Calls("POST", john); n != 1 {
		t.Errorf("%d suspend calls, want 1", n)
	}
}

// An approval that the store recorded after the click was told it had
// failed (on etcd, a write committed once quorum returned) leaves the
// proposal approved and never begun. The same approver's next Approve
// runs it, once, unless it comes so soon after the approval that this
// may still be on its way to execution; another approver's is refused as
// already decided.
func TestApproveAgainRunsLateRecordedApproval(t *testing.T) {
	const second = "U0APP07"
	clk := &virtualClock{now: time.Now().UTC()}
	h := approvalHarness(t, func(o *harnessOpts) {
		o.cfg.Approvers, o.now, o.cfg.Now, o.ttl = []string{approver, second}, clk.Now, clk.Now, time.Hour
	})
	m := h.propose("suspend john@company.com")
	id := proposalID(t, m)
	if _, err := h.store.Decide(intents.Decision{ProposalID: id, By: approver, Approve: true, Channel: secChannel},
		intents.ApprovalPolicy{IsApprover: func(u string) bool { return u == approver }}); err != nil {
		t.Fatal(err)
	}
	john := "/api/v1/users/" + h.user("john@company.com")["id"].(string) + "/lifecycle/suspend"
	refusedTo := func(user string, n int) {
		t.Helper()
		waitAfter(t, h, n, "the click of "+user+" refused", func(u slackfake.Message) bool {
			return u.Ephemeral && u.User == user && has(u, "Already decided")
		})
		if n := h.sim.Calls("POST", john); n != 0 {
			t.Fatalf("the click of %s ran it: %d suspend calls", user, n)
		}
	}
	// A click just after the approval: the approval may be on its way to
	// execution.
	n := len(h.slack.Messages())
	h.click(approver, m, blocks.ActionApprove)
	refusedTo(approver, n)
	clk.advance(10 * time.Second)
	n = len(h.slack.Messages())
	h.click(second, m, blocks.ActionApprove)
	refusedTo(second, n)
	h.click(approver, m, blocks.ActionApprove)
	h.settled(m, "Done")
	// A second click on the stale button (the message no longer has it).
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: secChannel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: "x", Value: id}); err != nil {
		t.Fatal(err)
	}
	h.answer("a click after it ran refused", func(u slackfake.Message) bool {
		return u.Ephemeral && u.User == approver && has(u, "Already decided")
	})
	if n := h.sim.Calls("POST", john); n != 1 {
		t.Errorf("%d suspend calls, want 1", n)
	}
}
