package bot_test

import (
	"testing"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// `/okta proposal ID` of a pending proposal carries its Approve and Reject
// (a click there decides that proposal, and its own message follows);
// once decided, the detail has no buttons.
func TestProposalDetailDecides(t *testing.T) {
	h := approvalHarness(t, nil)
	first := h.propose("suspend john@company.com reason: tor login")
	second := proposalID(t, h.propose("add-member john@company.com Finance"))
	id := proposalID(t, first)

	detail := func() slackfake.Message {
		t.Helper()
		n := len(h.slack.Messages())
		h.slash(approver, secChannel, "proposal "+id)
		return h.answerAfter(n, "the detail of "+id, func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && has(m, "History")
		})
	}
	d := detail()
	bs := buttons(t, d)
	if bs[blocks.ActionApprove] != id || bs[blocks.ActionReject] != id || len(bs) != 2 {
		t.Fatalf("the detail of pending %s has buttons %v, want only Approve and Reject for it", id, bs)
	}
	h.click(approver, d, blocks.ActionApprove)
	h.settled(first, "Done")
	if got := h.user("john@company.com")["status"]; got != "SUSPENDED" {
		t.Errorf("john after approving from the detail: %v, want SUSPENDED", got)
	}
	if p, err := h.store.Get(second); err != nil || p.State != intents.StatePending {
		t.Errorf("approving %s from its detail left %s %v (%v), want it pending", id, second, p.State, err)
	}
	if bs := buttons(t, detail()); bs[blocks.ActionApprove] != "" || bs[blocks.ActionReject] != "" {
		t.Errorf("the detail of decided %s still has %v", id, bs)
	}
}
