package bot_test

import (
	"slices"
	"testing"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// Resetting the factors of the demo's push-fatigue victim warns the
// approver that whoever holds her password enrolls the next factor, and
// proposes clearing her sessions and resetting her password with it: one
// message, each action approvable on its own.
func TestResetFactorsWarns(t *testing.T) {
	h := approvalHarness(t, nil)
	m := h.propose("reset-factors emily.chen@company.com reason: push fatigue accepted")
	if !has(m, "can then sign in and enroll a new factor") {
		t.Errorf("the reset-factors proposal does not warn:\n%s", m.Blocks)
	}
	ps, err := h.store.Pending()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []intents.Kind
	for _, p := range ps {
		kinds = append(kinds, p.Preview.Action.Kind)
		if !hasButton(t, m, blocks.ActionApprove, p.ID) {
			t.Errorf("the message has no Approve for %s (%s)", p.ID, p.Preview.Action.Kind)
		}
	}
	slices.Sort(kinds)
	want := []intents.Kind{intents.ClearSessions, intents.ResetFactors, intents.ResetPassword}
	slices.Sort(want)
	if !slices.Equal(kinds, want) {
		t.Errorf("pending proposals %v, want %v", kinds, want)
	}
	// They are in the card, so it does not tell the approver to type them.
	if has(m, "Propose with it") {
		t.Errorf("the card asks for companions it already holds:\n%s", m.Blocks)
	}
	posted := 0
	for _, msg := range h.slack.Messages() {
		if msg.Method == "chat.postMessage" && has(msg, blocks.ActionApprove) {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d proposal messages, want 1", posted)
	}
}
