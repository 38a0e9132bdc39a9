package bot_test

import (
	"testing"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// Asking twice for the same suspension gives one Approve/Reject message;
// the second request is pointed to it. Once it is decided, asking again
// makes a new proposal.
func TestSecondProposalPointsToPending(t *testing.T) {
	h := approvalHarness(t, nil)
	first := h.propose("suspend john@company.com reason: tor login")
	id := proposalID(t, first)

	n := len(h.slack.Messages())
	h.slash(analyst, secChannel, "suspend john@company.com")
	ptr := h.answerAfter(n, "the pointer to "+id, func(m slackfake.Message) bool {
		return has(m, "already waiting")
	})
	for _, want := range []string{"A proposal to suspend john@company.com is already waiting", id, "/okta proposal " + id} {
		if !has(ptr, want) {
			t.Errorf("pointer lacks %q: %s", want, ptr.Text)
		}
	}
	if !ptr.Ephemeral || has(ptr, blocks.ActionApprove) {
		t.Errorf("pointer: ephemeral=%v, with Approve=%v; want a private note without buttons", ptr.Ephemeral, has(ptr, blocks.ActionApprove))
	}
	approveMessages := func() int {
		c := 0
		for _, m := range h.slack.Messages() {
			if m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) {
				c++
			}
		}
		return c
	}
	if c := approveMessages(); c != 1 {
		t.Errorf("%d Approve messages after asking twice, want 1", c)
	}
	pending, err := h.store.Pending()
	if err != nil || len(pending) != 1 || pending[0].ID != id {
		t.Errorf("Pending() = %v, %v; want only %s", pending, err, id)
	}

	// Rejected, it no longer blocks a new request.
	if _, err := h.store.Decide(intents.Decision{ProposalID: id, By: approver, Channel: secChannel, Reason: "not now"},
		intents.ApprovalPolicy{IsApprover: func(string) bool { return true }}); err != nil {
		t.Fatalf("Decide(reject) = %v", err)
	}
	again := h.propose("suspend john@company.com")
	if got := proposalID(t, again); got == id {
		t.Errorf("new proposal after rejection has the old id %s", id)
	}
}

// An investigation that would propose suspending john while a suspension
// of john is pending points to it in the channel instead.
func TestInvestigationPointsToPendingSuspend(t *testing.T) {
	h := approvalHarness(t, nil)
	id := proposalID(t, h.propose("suspend john@company.com reason: tor login"))
	n := len(h.slack.Messages())
	h.slash(analyst, secChannel, "investigate john@company.com")
	ptr := h.answerAfter(n, "the pointer to "+id, func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, "already waiting")
	})
	if !has(ptr, "suspend john@company.com") || !has(ptr, id) || ptr.Ephemeral {
		t.Errorf("pointer = %q (ephemeral %v), want a channel note naming %s", ptr.Text, ptr.Ephemeral, id)
	}
	ps, err := h.store.Pending()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Preview.Action.Kind == intents.SuspendUser && p.ID != id {
			t.Errorf("the investigation made a second suspension %s besides %s", p.ID, id)
		}
	}
	for _, m := range h.slack.Messages()[n:] {
		if m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "Suspend john") {
			t.Errorf("a second suspend proposal message was posted: %s", m.Text)
		}
	}
}
