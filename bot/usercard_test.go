package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// userCard asks for a user's card and returns it as it stands in the
// channel, with the action_id of each of its user action buttons by the
// action it carries.
func (h *harness) userCard(t *testing.T, login string) (slackfake.Message, map[intents.Kind]string) {
	t.Helper()
	n := len(h.slack.Messages())
	h.slash(analyst, secChannel, "user "+login)
	m := waitAfter(t, h, n, "the user card of "+login, func(m slackfake.Message) bool {
		return isAnswer(m) && has(m, blocks.ActionUserAct)
	})
	acts := map[intents.Kind]string{}
	for id, v := range buttons(t, m) {
		if in, err := blocks.DecodeUserAction(v); err == nil {
			acts[in.Kind] = id
		}
	}
	return currentMessage(t, h, m), acts
}

// Suspend on john's card proposes suspending john, as /okta suspend would:
// nothing changes in Okta until an approver approves, and then exactly
// once. A second click points to the pending proposal.
func TestUserCardProposes(t *testing.T) {
	h := approvalHarness(t, nil)
	card, acts := h.userCard(t, "john@company.com")
	for _, k := range []intents.Kind{intents.SuspendUser, intents.ClearSessions, intents.ResetFactors, intents.ResetPassword} {
		if acts[k] == "" {
			t.Errorf("john's card has no %s button: %v", k, acts)
		}
	}
	if acts[intents.UnlockUser] != "" || acts[intents.UnsuspendUser] != "" {
		t.Errorf("john is ACTIVE, but his card offers unlock or unsuspend: %v", acts)
	}
	john := fmt.Sprint(h.user("john@company.com")["id"])
	w := h.oktaWrites()
	n := len(h.slack.Messages())
	h.click(analyst, card, acts[intents.SuspendUser])
	m := waitAfter(t, h, n, "the proposal", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove)
	})
	if h.oktaWrites() != w {
		t.Fatalf("the click changed Okta before any approval")
	}
	ps, err := h.store.Pending()
	if err != nil || len(ps) != 1 {
		t.Fatalf("pending proposals = %+v, %v; want one", ps, err)
	}
	a := ps[0].Preview.Action
	if a.Kind != intents.SuspendUser || a.User == nil || a.User.ID != john || ps[0].Requester != analyst || ps[0].Channel != secChannel {
		t.Fatalf("the click proposed %+v by %s in %s; want suspend_user of %s by %s in %s", a, ps[0].Requester, ps[0].Channel, john, analyst, secChannel)
	}
	if id := proposalID(t, m); id != ps[0].ID {
		t.Errorf("the message's Approve carries %s, the store holds %s", id, ps[0].ID)
	}

	// Again: the pending proposal is pointed to, not duplicated.
	n = len(h.slack.Messages())
	h.click(analyst, card, acts[intents.SuspendUser])
	h.refusal(t, analyst, n, ps[0].ID)
	if again, _ := h.store.Pending(); len(again) != 1 {
		t.Errorf("%d pending proposals after a second click, want 1", len(again))
	}

	h.click(approver, m, blocks.ActionApprove)
	h.settled(m, "Done")
	if s := h.user("john@company.com")["status"]; s != "SUSPENDED" {
		t.Errorf("john is %v after approval, want SUSPENDED", s)
	}
	if n := h.sim.Calls("POST", "/api/v1/users/"+john+"/lifecycle/suspend"); n != 1 {
		t.Errorf("%d suspend calls, want exactly 1", n)
	}
}

// A locked-out user's card and the list of locked-out users offer Unlock.
func TestLockedOutButtons(t *testing.T) {
	h := approvalHarness(t, nil)
	_, acts := h.userCard(t, "sarah.johnson@company.com")
	if acts[intents.UnlockUser] == "" || acts[intents.SuspendUser] != "" {
		t.Errorf("sarah is LOCKED_OUT: her card offers %v, want Unlock and no Suspend", acts)
	}
	n := len(h.slack.Messages())
	h.slash(analyst, secChannel, "users status:LOCKED_OUT")
	list := waitAfter(t, h, n, "the list of locked-out users", func(m slackfake.Message) bool {
		return isAnswer(m) && has(m, "sarah.johnson@company.com")
	})
	sarah := fmt.Sprint(h.user("sarah.johnson@company.com")["id"])
	found := false
	for _, v := range buttons(t, list) {
		if in, err := blocks.DecodeUserAction(v); err == nil && in.Kind == intents.UnlockUser && in.User == sarah {
			found = true
		}
	}
	if !found {
		t.Errorf("the list of locked-out users has no Unlock button for sarah: %v", buttons(t, list))
	}
}

// A button value that is not one a card makes, or names a protected
// account, is refused privately: nothing is read, proposed or changed.
func TestUserCardForged(t *testing.T) {
	h := approvalHarness(t, func(o *harnessOpts) {
		o.cfg.Protection.Names = []string{"john@company.com"}
	})
	john := fmt.Sprint(h.user("john@company.com")["id"])
	w := h.oktaWrites()
	reads := h.sim.Calls("GET", "/api/v1/")
	tests := []struct{ name, value, want string }{
		{"not JSON", "suspend_user " + john, "not valid"},
		{"an action no card offers", `{"v":1,"k":"deactivate_user","u":"` + john + `"}`, "not valid"},
		{"not an action", `{"v":1,"k":"list_users","u":"` + john + `"}`, "not valid"},
		{"a login, not an id", `{"v":1,"k":"suspend_user","u":"john@company.com"}`, "not valid"},
		{"markup", `{"v":1,"k":"suspend_user","u":"<!channel>"}`, "not valid"},
		{"an extra reason", `{"v":1,"k":"suspend_user","u":"` + john + `","r":"x"}`, "not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(h.slack.Messages())
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: "1.000001",
				ActionID: blocks.ActionUserAct + "_0", BlockID: "forged", Value: tt.value, Ephemeral: true}); err != nil {
				t.Fatalf("click: %v", err)
			}
			h.refusal(t, analyst, n, tt.want)
		})
	}
	if n := h.sim.Calls("GET", "/api/v1/") - reads; n != 0 {
		t.Errorf("forged values caused %d reads from Okta", n)
	}

	// A well-formed value on a protected account goes the slash command's
	// way: refused as protected.
	v, err := blocks.EncodeUserAction(intents.SuspendUser, john)
	if err != nil {
		t.Fatal(err)
	}
	n := len(h.slack.Messages())
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: "1.000001",
		ActionID: blocks.ActionUserAct + "_0", BlockID: "forged", Value: v, Ephemeral: true}); err != nil {
		t.Fatalf("click: %v", err)
	}
	h.refusal(t, analyst, n, "protected")
	h.unchanged(t, "forged and protected user buttons", w)
}
