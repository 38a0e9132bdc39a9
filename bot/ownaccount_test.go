package bot_test

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// An approver cannot approve a change to their own Okta account (their
// Slack email is its login): the refusal is private, changes nothing and
// is audited; another approver can approve it.
func TestApproverCannotApproveOwnAccount(t *testing.T) {
	const john = "U0JOHN" // john@company.com in Slack and in Okta
	h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Approvers = []string{approver, john} })
	m := h.propose("suspend john@company.com")
	id := proposalID(t, m)
	w := h.oktaWrites()
	n := len(h.slack.Messages())
	h.click(john, m, blocks.ActionApprove)
	r := h.refusal(t, john, n, "You can't approve a change to your own Okta account")
	if !has(r, "john@company.com") {
		t.Errorf("the refusal does not name the account: %s", r.Text)
	}
	h.mustState(id, intents.StatePending)
	if got := h.oktaWrites() - w; got != 0 {
		t.Errorf("the refused approval wrote to Okta %d times", got)
	}
	if rec := h.lastAudit(id); rec.Event != "refused" || rec.Approver != john || !strings.Contains(rec.Detail, "own Okta account") {
		t.Errorf("last audit record %+v, want the refusal naming the approver's own account", rec)
	}
	for _, msg := range h.slack.Messages()[n:] {
		if !msg.Ephemeral && has(msg, "own Okta account") {
			t.Errorf("the refusal was shown to the channel: %s", msg.Text)
		}
	}
	// John can still approve what is not his, and another approver this.
	h.click(approver, m, blocks.ActionApprove)
	h.settled(m, "Done")
}

// Okta administrators are not targets by default: a user who holds an
// admin role and a group that grants one are refused when asked for, and
// nothing is proposed.
func TestAdminTargetsRefused(t *testing.T) {
	h := approvalHarness(t, nil)
	w := h.oktaWrites()
	for _, tt := range []struct{ command, want string }{
		{"suspend derek.wilson@company.com", "holds the Okta admin role Super Administrator"},
		{"suspend lisa.nguyen@company.com", "Organizational Administrator"}, // through Okta Admins
		{`add-member john@company.com "Okta Admins"`, "the group Okta Admins grants its members the Okta admin role"},
		{`remove-member breakglass-01@company.com "Break Glass"`, "Super Administrator"},
	} {
		t.Run(tt.command, func(t *testing.T) {
			n := len(h.slack.Messages())
			send(t, h, analyst, secChannel, tt.command)
			h.refusal(t, analyst, n, tt.want)
		})
	}
	h.unchanged(t, "actions on admins", w)
}

// The service app is protected under the app id the org lists it with,
// not its client id.
func TestServiceAppProtectedByItsAppID(t *testing.T) {
	h := approvalHarness(t, nil)
	w := h.oktaWrites()
	n := len(h.slack.Messages())
	send(t, h, analyst, secChannel, "deactivate-app "+serviceAppID)
	h.refusal(t, analyst, n, "oktabot's own service app")
	h.unchanged(t, "deactivating the service app", w)
}
