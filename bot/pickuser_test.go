package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// `/okta failed-logins 3d user:john` answers about john@company.com (the
// only John of the demo org): his failed sign-ins, never "✅ none".
func TestFailedLoginsOfFirstName(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.slash(analyst, secChannel, "failed-logins 3d user:john")
	m := h.answer("the failed logins", func(m slackfake.Message) bool {
		return isAnswer(m) && !has(m, "Looking")
	})
	if !has(m, "john@company.com") || has(m, "✅") || has(m, ":white_check_mark:") {
		t.Errorf("answer %q, want john@company.com's failed sign-ins and no check mark", m.Text)
	}
}

// The same asked in words: "show failed logins for john in the last 3 days".
func TestFailedLoginsOfFirstNameInWords(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel,
		Text: "show failed logins for john in the last 3 days", TS: "1700000000.000200"}); err != nil {
		t.Fatal(err)
	}
	m := h.answer("the failed logins", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && !has(m, "Looking")
	})
	if !has(m, "john@company.com") || has(m, "✅") || has(m, ":white_check_mark:") {
		t.Errorf("answer %q, want john@company.com's failed sign-ins and no check mark", m.Text)
	}
}

// twoJohns is the demo org with a second John (john.baker@).
func twoJohns() *oktasim.Fixture {
	fx := demo.Org()
	fx.Users = append(fx.Users, oktasim.Object{"id": "00uJOHNB", "status": "ACTIVE", "created": "2026-01-05T10:00:00.000Z",
		"profile": oktasim.Object{"login": "john.baker@company.com", "email": "john.baker@company.com", "firstName": "John", "lastName": "Baker"}})
	return fx
}

// An action on a name two users have asks back too; the click proposes
// the action on the John picked (and changes nothing in Okta).
func TestTwoJohnsActionAskBack(t *testing.T) {
	h := approvalHarness(t, func(o *harnessOpts) { o.fixture = twoJohns() })
	h.slash(analyst, secChannel, "suspend john reason: tor login")
	ask := h.answer("the ask-back", func(m slackfake.Message) bool { return has(m, blocks.ActionPickUser) })
	pick := ""
	for id, v := range buttons(t, ask) {
		if strings.Contains(v, `"user":"john.baker@company.com"`) {
			pick = id
		}
	}
	if pick == "" || has(ask, blocks.ActionApprove) {
		t.Fatalf("ask-back %q: want a button for john.baker@ and no proposal yet", ask.Text)
	}
	h.click(analyst, ask, pick)
	h.answer("the proposal", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "john.baker@company.com")
	})
	ps, err := h.store.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Preview.Action.User == nil || ps[0].Preview.Action.User.ID != "00uJOHNB" {
		t.Errorf("pending %+v, want one suspend of 00uJOHNB", ps)
	}
	if st := h.user("john.baker@company.com")["status"]; st != "ACTIVE" {
		t.Errorf("john.baker is %v before any approval", st)
	}
}

// With two Johns the bot asks which one, a button each; clicking one
// answers about that John.
func TestTwoJohnsAskBack(t *testing.T) {
	h := newHarness(t, harnessOpts{fixture: twoJohns()})
	h.slash(analyst, secChannel, "failed-logins 3d user:john")
	ask := h.answer("the ask-back", func(m slackfake.Message) bool {
		return has(m, blocks.ActionPickUser)
	})
	bs := buttons(t, ask)
	if len(bs) != 2 || has(ask, "✅") || !has(ask, "2 users match") {
		t.Fatalf("ask-back %q with buttons %v, want 2 users match and a button per John", ask.Text, bs)
	}
	pick := ""
	for id, v := range bs {
		if strings.Contains(v, `"user":"john@company.com"`) {
			pick = id
		}
	}
	if pick == "" {
		t.Fatalf("no button for john@company.com among %v", bs)
	}
	n := len(h.slack.Messages())
	h.click(analyst, ask, pick)
	m := h.answerAfter(n, "the failed logins of john@", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, "john@company.com")
	})
	if has(m, "john.baker@company.com") || has(m, "✅") || has(m, ":white_check_mark:") {
		t.Errorf("answer %q, want john@company.com's failed sign-ins only", m.Text)
	}
}

// Without okta.users.read a name cannot be checked: the answer says so
// and carries no check mark.
func TestUncheckedNameIsNoAllClear(t *testing.T) {
	h := newHarness(t, harnessOpts{scopes: []string{"okta.logs.read"}})
	h.slash(analyst, secChannel, "failed-logins 3d user:john")
	m := h.answer("the failed logins", func(m slackfake.Message) bool {
		return isAnswer(m) && !has(m, "Looking")
	})
	if !has(m, "could not check") || has(m, "✅") || has(m, ":white_check_mark:") {
		t.Errorf("answer %q %s, want the name could not be checked and no check mark", m.Text, m.Blocks)
	}
}

// A policy name every policy type has is asked back with a button per
// policy; clicking one lists that policy's rules.
func TestDefaultPolicyAskedBack(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.slash(analyst, secChannel, `rules "Default Policy"`)
	ask := h.answer("the ask-back", func(m slackfake.Message) bool {
		return m.Ephemeral && m.Method != "ack" && has(m, "policies match")
	})
	id := blocks.ActionPickObject + "_0" // the first: OKTA_SIGN_ON's
	if _, ok := buttons(t, ask)[id]; !ok {
		id = ""
	}
	if id == "" || !has(ask, "OKTA_SIGN_ON") || !has(ask, "PASSWORD") {
		t.Fatalf("ask-back without a button per Default Policy:\n%s", ask.Blocks)
	}
	n := len(h.slack.Messages())
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: ask.TS,
		ActionID: id, Ephemeral: true}); err != nil {
		t.Fatal(err)
	}
	rules := h.answerAfter(n, "the rules of the policy picked", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, "Default Policy")
	})
	if has(rules, "policies match") || has(rules, "PASSWORD") {
		t.Errorf("the pick did not list the OKTA_SIGN_ON default policy's rules:\n%s", rules.Text)
	}
}
