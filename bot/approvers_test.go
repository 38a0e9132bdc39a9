package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// lastAudit is the last audit record of proposal id.
func (h *harness) lastAudit(id string) intents.AuditRecord {
	h.t.Helper()
	recs, err := h.store.History(id)
	if err != nil || len(recs) == 0 {
		h.t.Fatalf("History(%s) = %v, %v", id, recs, err)
	}
	return recs[len(recs)-1]
}

// mustState fails the test unless proposal id is in state want.
func (h *harness) mustState(id string, want intents.State) {
	h.t.Helper()
	p, err := h.store.Get(id)
	if err != nil || p.State != want {
		h.t.Fatalf("proposal %s is %s (%v), want %s", id, p.State, err, want)
	}
}

// An approver taken out of the approvers' user group cannot approve on
// their very next click: membership is read again at the click.
func TestApproverRemovedFromGroup(t *testing.T) {
	const group = "S0APPROVERS"
	h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Approvers = []string{group} })
	h.slack.SetUserGroup(group, approver, "U0APP01")
	first := h.propose("suspend john@company.com")
	h.click(approver, first, blocks.ActionApprove)
	h.settled(first, "Done")

	h.slack.SetUserGroup(group, "U0APP01")
	second := h.propose("unsuspend john@company.com")
	id := proposalID(t, second)
	w := h.oktaWrites()
	n := len(h.slack.Messages())
	h.click(approver, second, blocks.ActionApprove)
	h.refusal(t, approver, n, "Only approvers")
	h.mustState(id, intents.StatePending)
	if got := h.oktaWrites() - w; got != 0 {
		t.Errorf("a removed approver's click wrote to Okta %d times", got)
	}
	if rec := h.lastAudit(id); rec.Event != "refused" || rec.Approver != approver {
		t.Errorf("last audit record %+v, want the refused click", rec)
	}
	// Whoever is still in the group approves it.
	h.click("U0APP01", second, blocks.ActionApprove)
	h.settled(second, "Done")
}

// A group that cannot be read makes none of its members an approver, even
// one it listed a moment before; the members of the other groups are not
// affected. The person is told to try again.
func TestApproverGroupUnreadable(t *testing.T) {
	h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Approvers = []string{"S0LEADS", "S0ONCALL"} })
	h.slack.SetUserGroup("S0LEADS", approver)
	h.slack.SetUserGroup("S0ONCALL", "U0APP01")
	first := h.propose("suspend john@company.com")
	h.click("U0APP01", first, blocks.ActionApprove)
	h.settled(first, "Done")

	for _, fail := range []func(){
		func() { h.slack.FailUserGroup("S0ONCALL", "internal_error") },
		func() { h.slack.FailUserGroup("S0ONCALL", ""); h.slack.SetNoUserGroups(true) },
	} {
		fail()
		second := h.propose("unsuspend john@company.com")
		id := proposalID(t, second)
		n := len(h.slack.Messages())
		h.click("U0APP01", second, blocks.ActionApprove)
		h.refusal(t, "U0APP01", n, "Could not confirm you are an approver")
		h.mustState(id, intents.StatePending)
		if rec := h.lastAudit(id); rec.Event != "refused" || rec.Approver != "U0APP01" {
			t.Errorf("last audit record %+v, want the refused click", rec)
		}
		if _, err := h.store.Withdraw(id, "test: next round"); err != nil {
			t.Fatal(err)
		}
	}
	// The readable group's members still approve.
	h.slack.SetNoUserGroups(false)
	h.slack.FailUserGroup("S0ONCALL", "internal_error")
	third := h.propose("unsuspend john@company.com")
	h.click(approver, third, blocks.ActionApprove)
	h.settled(third, "Done")
}

// On a workspace whose plan has no user groups, start-up says so and names
// the group; user ids alone need no user groups.
func TestCheckApprovers(t *testing.T) {
	fake := slackfake.New(slackfake.Options{UserGroups: map[string][]string{"S0OK": {"U0A"}}})
	t.Cleanup(fake.Close)
	api := bot.NewSlackClient(slackfake.DefaultBotToken, "", fake.APIURL())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bot.CheckApprovers(ctx, api, []string{"U0A", "S0OK"}); err != nil {
		t.Errorf("CheckApprovers with a readable group = %v", err)
	}
	if err := bot.CheckApprovers(ctx, api, []string{"U0A", "S0GONE"}); err == nil || !strings.Contains(err.Error(), "S0GONE") || !strings.Contains(err.Error(), "no user group has this id") {
		t.Errorf("CheckApprovers with an unknown group = %v, want it named", err)
	}
	fake.SetNoUserGroups(true)
	err := bot.CheckApprovers(ctx, api, []string{"U0A", "S0OK", "S0TWO"})
	if err == nil || !strings.Contains(err.Error(), "S0OK") || !strings.Contains(err.Error(), "S0TWO") ||
		!strings.Contains(err.Error(), "plan has no user groups") || !strings.Contains(err.Error(), "user id (U…)") || strings.Contains(err.Error(), "\n") {
		t.Errorf("CheckApprovers on a plan without user groups = %v, want one line naming both groups and what to do", err)
	}
	if err := bot.CheckApprovers(ctx, api, []string{"U0A", "W0B"}); err != nil {
		t.Errorf("CheckApprovers with user ids only = %v", err)
	}
}
