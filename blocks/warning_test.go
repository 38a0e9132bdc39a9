package blocks

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// resetFactorsProposal resets the factors of a push-fatigue victim; the
// preview warns and names the companions.
func resetFactorsProposal() intents.Proposal {
	p := suspendProposal()
	p.ID = "p-RST7FA"
	p.Preview.Action.Kind = intents.ResetFactors
	p.Preview.Action.Reason = "push fatigue accepted"
	p.Preview.Action.Confidence = 78
	p.Preview.Action.Evidence = []intents.Evidence{
		{Text: "9 Okta Verify pushes denied or unanswered in 12 minutes at 02:02", Points: 40},
		{Text: "the 10th push accepted at 02:14", Points: 30},
	}
	p.Preview.Summary = "Remove all 2 MFA factors of john.smith@company.com (John Smith); they enroll again at their next sign-in"
	p.Preview.Before, p.Preview.After = "2 factors: push ACTIVE, sms ACTIVE", "no factors"
	p.Preview.Impact = []string{"2 factors removed: push, sms"}
	p.Preview.Warning = "Whoever holds the password of john.smith@company.com can then sign in and enroll a new factor of their own (after push fatigue, the attacker does). Clear their sessions and reset their password with this"
	p.Preview.Companions = []intents.Kind{intents.ClearSessions, intents.ResetPassword}
	return p
}

func TestProposalWarning(t *testing.T) {
	m := Proposal(resetFactorsProposal(), ProposalOptions{Now: testNow})
	if err := Validate(m); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	golden(t, "proposal_reset_factors_warning.json", messageJSON(t, m))
	text, _ := Plain(m)
	golden(t, "proposal_reset_factors_warning.txt", []byte(text+"\n"))
	for _, want := range []string{"can then sign in and enroll a new factor", "/okta clear-sessions john.smith@company.com", "/okta reset-password john.smith@company.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("the proposal does not say %q:\n%s", want, text)
		}
	}
	// No warning, no block.
	if m := Proposal(suspendProposal(), ProposalOptions{Now: testNow}); strings.Contains(string(messageJSON(t, m)), `"warning"`) {
		t.Error("a proposal without a warning has a warning block")
	}
}
