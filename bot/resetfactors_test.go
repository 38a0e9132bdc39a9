package bot_test

import (
	"testing"

	"github.com/oktabot/oktabot/blocks"
)

// Resetting the factors of the demo's push-fatigue victim warns the
// approver that whoever holds her password enrolls the next factor, and
// names the companion proposals: clear sessions, reset the password.
func TestResetFactorsWarns(t *testing.T) {
	h := approvalHarness(t, nil)
	m := h.propose("reset-factors emily.chen@company.com reason: push fatigue accepted")
	for _, want := range []string{
		"can then sign in and enroll a new factor",
		"/okta clear-sessions emily.chen@company.com",
		"/okta reset-password emily.chen@company.com",
	} {
		if !has(m, want) {
			t.Errorf("the reset-factors proposal does not say %q:\n%s", want, m.Blocks)
		}
	}
	if _, ok := buttons(t, m)[blocks.ActionApprove]; !ok {
		t.Error("the proposal has no Approve")
	}
	// The warning does not make the companions happen: one proposal.
	if ps, err := h.store.Pending(); err != nil || len(ps) != 1 {
		t.Errorf("pending proposals = %d, %v; want only the reset", len(ps), err)
	}
}
