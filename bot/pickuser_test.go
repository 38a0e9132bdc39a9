package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// `/okta failed-logins 3d user:john` answers about john@company.com (the
// only John of the demo org): his failed sign-ins, never "✅ none".
func TestFailedLoginsOfFirstName(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.slash(analyst, secChannel, "failed-logins 3d user:john")
	m := h.answer("the failed logins", func(m slackfake.Message) bool {
		return m.Method == "response_url" && m.ReplaceOriginal && !has(m, "Looking")
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

// With two Johns the bot asks which one, a button each; clicking one
// answers about that John.
func TestTwoJohnsAskBack(t *testing.T) {
	fx := oktasim.Demo()
	fx.Users = append(fx.Users, oktasim.Object{"id": "00uJOHNB", "status": "ACTIVE", "created": "2026-01-05T10:00:00.000Z",
		"profile": oktasim.Object{"login": "john.baker@company.com", "email": "john.baker@company.com", "firstName": "John", "lastName": "Baker"}})
	h := newHarness(t, harnessOpts{fixture: fx})
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
