package blocks

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// A note on a pending or expired proposal (oktabot restarted after it was
// approved) comes before its state; the buttons of a pending one stay.
func TestProposalNoteBeforeState(t *testing.T) {
	note := "🔁 oktabot restarted after <@U0APPROVER> approved this and before it ran <!channel>"
	for _, tt := range []struct {
		state   intents.State
		state2  string
		buttons bool
	}{
		{intents.StatePending, "Waiting for an approver", true},
		{intents.StateExpired, "Expired", false},
	} {
		t.Run(string(tt.state), func(t *testing.T) {
			p := suspendProposal()
			p.State = tt.state
			m := Proposal(p, ProposalOptions{Note: note})
			texts := mrkdwnTexts(t, m)
			status := texts[len(texts)-1]
			first, rest, _ := strings.Cut(status, "\n")
			if first != "🔁 oktabot restarted after <@U0APPROVER> approved this and before it ran &lt;!channel&gt;" || !strings.Contains(rest, tt.state2) {
				t.Errorf("status = %q, want the note, escaped but for the mention, then %q", status, tt.state2)
			}
			if got := strings.Contains(mustJSON(t, m), ActionApprove); got != tt.buttons {
				t.Errorf("Approve button shown: %v, want %v", got, tt.buttons)
			}
			if !strings.Contains(m.Text, "oktabot restarted") || strings.Contains(m.Text, "\n") {
				t.Errorf("fallback %q lacks the note or is not one line", m.Text)
			}
		})
	}
}
