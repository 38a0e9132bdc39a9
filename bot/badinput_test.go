package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// Bad input through the fake Slack, each answered with a clear refusal
// that changes nothing: no proposal, no write to Okta, nothing posted
// that pings anyone.

// oktaWrites counts the writes the simulator saw.
func (h *harness) oktaWrites() int {
	return h.sim.Calls("POST", "/api/v1/") + h.sim.Calls("PUT", "/api/v1/") + h.sim.Calls("DELETE", "/api/v1/")
}

// unchanged checks that no proposal was made and Okta was not written.
func (h *harness) unchanged(t *testing.T, what string, writesBefore int) {
	t.Helper()
	if n := h.oktaWrites() - writesBefore; n != 0 {
		t.Errorf("%s: %d writes to Okta", what, n)
	}
	if h.store != nil {
		if ps, err := h.store.Pending(); err != nil || len(ps) != 0 {
			t.Errorf("%s: pending proposals %v, %v; want none", what, ps, err)
		}
	}
}

// send runs a slash command as user, failing t (not the harness's test,
// so that it works in subtests).
func send(t *testing.T, h *harness, user, channel, text string) {
	t.Helper()
	if _, err := h.slack.SlashCommand(h.waitCtx(5*time.Second), slackfake.SlashCommand{UserID: user, ChannelID: channel, Text: text}); err != nil {
		t.Fatalf("SlashCommand(%q): %v", text, err)
	}
}

// waitAfter waits for a message after the first n that matches, failing
// t.
func waitAfter(t testing.TB, h *harness, n int, what string, match func(slackfake.Message) bool) slackfake.Message {
	t.Helper()
	var found slackfake.Message
	waitUntil(t, h, 15*time.Second, what, func() bool {
		ms := h.slack.Messages()
		for _, m := range ms[min(n, len(ms)):] {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// refusal waits for a private answer to user after the first n messages
// (an ack payload, a response_url post or an ephemeral message) that
// contains want, and checks it stays within Slack's limits.
func (h *harness) refusal(t *testing.T, user string, n int, want string) slackfake.Message {
	t.Helper()
	m := waitAfter(t, h, n, fmt.Sprintf("a private answer to %s saying %q", user, want), func(m slackfake.Message) bool {
		return m.Ephemeral && (m.User == user || m.User == "") && has(m, want)
	})
	if len(m.Text) > 4000 {
		t.Errorf("the refusal's text is %d bytes: it echoes the input", len(m.Text))
	}
	if r := h.slack.Rejections(); len(r) > 0 {
		t.Errorf("Slack refused messages: %+v", r)
	}
	return m
}

func TestBadInputOversized(t *testing.T) {
	h := newHarness(t, harnessOpts{store: true})
	w := h.oktaWrites()
	t.Run("slash command over 4,000 characters", func(t *testing.T) {
		n := len(h.slack.Messages())
		send(t, h, analyst, secChannel, "user "+strings.Repeat("a", 4500)+"@company.com")
		h.refusal(t, analyst, n, "longer than 4000 characters")
	})
	t.Run("mention of 40,000 characters", func(t *testing.T) {
		n := len(h.slack.Messages())
		if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "suspend " + strings.Repeat("b", 40000)}); err != nil {
			t.Fatal(err)
		}
		h.refusal(t, analyst, n, "longer than")
	})
	if n := h.sim.Calls("", "/api/v1/users"); n != 0 {
		t.Errorf("oversized input caused %d user lookups", n)
	}
	h.unchanged(t, "oversized input", w)
}

func TestBadInputBinary(t *testing.T) {
	h := newHarness(t, harnessOpts{store: true, scopes: allScopes, cfg: bot.Config{Approvers: []string{approver}}})
	w := h.oktaWrites()
	for _, text := range []string{
		"user \xff\xfe\xfdjohn@company.com",
		"user john@company.com\x00",
		"suspend \x00john@company.com",
		"\x00\x01\x02\x1b[31m",
		"suspend john@company.com\xc0\xaf",
	} {
		t.Run(fmt.Sprintf("%q", text), func(t *testing.T) {
			n := len(h.slack.Messages())
			send(t, h, analyst, secChannel, text)
			m := waitAfter(t, h, n, "the refusal", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "⚠️") })
			if strings.ContainsRune(m.Text, 0) || strings.Contains(string(m.Blocks), `\u0000`) {
				t.Errorf("the answer carries a NUL: %q", m.Text)
			}
		})
	}
	h.unchanged(t, "binary input", w)
}

// pingTokens are the Slack tokens that notify people when a message
// carries them unescaped.
var pingTokens = []string{"<!channel", "<!here", "<!everyone", "<!subteam^", "<@U0VICTIM"}

// Slack markup in arguments: wherever it appears in an answer, a
// proposal, a modal or a refusal, it is escaped, never a live ping.
func TestBadInputMarkupNeverPings(t *testing.T) {
	h := approvalHarness(t, nil)
	const markup = "<!channel> <!here|here> <!everyone> <!subteam^S1|@security> <@U0VICTIM>"
	for _, text := range []string{
		"user " + markup,
		"user <!channel>",
		"user <!subteam^S1|@security>",
		"<!here> user john@company.com",
		"members <!everyone>",
		"logs 24h type:<!channel>",
		"logs 24h <!here>",
		"suspend john@company.com reason: " + markup,
		"clear-sessions <@U0VICTIM> reason: <!channel>",
		"add-member john@company.com <!subteam^S1|@security>",
		"frobnicate " + markup,
	} {
		n := len(h.slack.Messages())
		h.slash(analyst, secChannel, text)
		h.answerAfter(n, "an answer to "+text, func(m slackfake.Message) bool {
			return m.Method != "ack" || !has(m, "Looking that up")
		})
	}
	if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "user " + markup}); err != nil {
		t.Fatal(err)
	}
	// A form whose fields carry markup.
	h.slash(analyst, secChannel, "create-group")
	view := waitView(t, h, 0)
	if _, err := h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: analyst, ViewID: view.ID, Values: map[string]map[string]string{
		"name": {"name": "<!channel> responders"}, "description": {"description": markup}, "reason": {"reason": markup},
	}}); err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	h.answer("the proposal from the form", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "responders")
	})
	h.stop() // every request answered: Run returns once the work in flight is done

	posts := h.slack.Messages()
	if len(posts) < 12 {
		t.Fatalf("only %d messages for 13 requests:\n%s", len(posts), dump(posts))
	}
	mentions := 0 // the requester's own mention in proposals: proof the scan reads them
	for _, m := range posts {
		for _, text := range append([]string{m.Text}, mrkdwnTexts(t, m.Blocks)...) {
			mentions += strings.Count(text, "<@"+analyst+">")
			for _, tok := range pingTokens {
				if strings.Contains(text, tok) {
					t.Errorf("%s to %s carries a live %s…>: %q", m.Method, m.Channel, tok, text)
				}
			}
		}
	}
	if mentions == 0 {
		t.Errorf("no message mentions <@%s>: the scan does not see the proposals' mrkdwn", analyst)
	}
	for _, v := range h.slack.Views() {
		for _, text := range mrkdwnTexts(t, v.View) {
			for _, tok := range pingTokens {
				if strings.Contains(text, tok) {
					t.Errorf("%s %s carries a live %s…>: %q", v.Method, v.ID, tok, text)
				}
			}
		}
	}
}

// mrkdwnTexts lists the text of every mrkdwn text object in Block Kit
// JSON: where Slack turns <!channel> and <@U…> into pings. (plain_text,
// such as a button's label, shows them as typed.)
func mrkdwnTexts(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("blocks do not decode: %v", err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				if s, ok := x["text"].(string); ok {
					out = append(out, s)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// Logins that look like a real one but use other characters are not that
// user: never resolved to them, never acted on.
func TestBadInputLookalikeLogins(t *testing.T) {
	h := approvalHarness(t, nil)
	john := h.user("john@company.com")
	johnID := fmt.Sprint(john["id"])
	w := h.oktaWrites()
	for _, login := range []string{
		"john@c\u043empany.com",       // Cyrillic о
		"j\u043ehn@company.com",       // Cyrillic о
		"john@company.c\u043em",       // Cyrillic о
		"\u0458ohn@company.com",       // Cyrillic ј
		"john\uff20company.com",       // fullwidth @
		"jo\u0068\u0301n@company.com", // h with a combining acute
		"john@company.\u217Dom",       // Roman numeral one hundred
	} {
		for _, verb := range []string{"user", "suspend"} {
			t.Run(fmt.Sprintf("%s %+q", verb, login), func(t *testing.T) {
				n := len(h.slack.Messages())
				send(t, h, analyst, secChannel, verb+" "+login)
				m := waitAfter(t, h, n, "the answer", func(m slackfake.Message) bool {
					return m.Ephemeral && has(m, "⚠️")
				})
				if has(m, johnID) {
					t.Errorf("%s %+q was resolved to john (%s): %s", verb, login, johnID, m.Text)
				}
				for _, later := range h.slack.Messages()[n:] {
					if has(later, johnID) || has(later, blocks.ActionApprove) {
						t.Errorf("%s %+q answered with john's data or a proposal: %s", verb, login, later.Text)
					}
				}
			})
		}
	}
	h.unchanged(t, "look-alike logins", w)
}

// waitView waits for the modal opened after the first n views.
func waitView(t *testing.T, h *harness, n int) slackfake.View {
	t.Helper()
	var v slackfake.View
	waitUntil(t, h, 10*time.Second, "a modal", func() bool {
		vs := h.slack.Views()
		if len(vs) > n {
			v = vs[n]
			return true
		}
		return false
	})
	return v
}

// A create-app form submitted with broken JSON: Slack shows the error under
// the field (response_action errors in the ack), and no proposal is made.
func TestBadInputMalformedModalJSON(t *testing.T) {
	h := approvalHarness(t, nil)
	w := h.oktaWrites()
	for i, body := range []string{
		`{"name": "bookmark", "label": "Wiki", `,
		`{"name": "bookmark"} {"label": "two objects"}`,
		`["not", "an", "object"]`,
		"{\"label\": \"\xff\x00\"",
		strings.Repeat("{", 3000),
	} {
		t.Run(fmt.Sprintf("body %d", i), func(t *testing.T) {
			views := len(h.slack.Views())
			send(t, h, analyst, secChannel, "create-app")
			view := waitView(t, h, views)
			env, err := h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: analyst, ViewID: view.ID,
				Values: map[string]map[string]string{"body": {"body": body}, "reason": {"reason": "test"}}})
			if err != nil {
				t.Fatalf("SubmitView: %v", err)
			}
			ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
			if err != nil {
				t.Fatalf("WaitAck: %v", err)
			}
			var resp struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(ack.Payload, &resp); err != nil || resp.Action != "errors" || resp.Errors["body"] == "" {
				t.Errorf("ack of a broken body = %s, want response_action errors on the body field", ack.Payload)
			}
		})
	}
	h.stop() // whatever the submissions led to is done
	for _, m := range h.slack.Messages() {
		if has(m, blocks.ActionApprove) {
			t.Errorf("a proposal was posted for a broken body: %s", m.Text)
		}
	}
	h.unchanged(t, "broken modal JSON", w)
}

// Forged button values: a proposal that does not exist, one of another
// channel, a tampered page value, a forged undo. Each is refused and
// changes nothing.
func TestBadInputForgedButtons(t *testing.T) {
	h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Channels = []string{secChannel, otherChannel} })
	m := h.propose("suspend john@company.com reason: real")
	id := proposalID(t, m)
	w := h.oktaWrites()
	reads := h.sim.Calls("GET", "/api/v1/")
	page := func(in intents.Intent, p int) string {
		b, err := json.Marshal(map[string]any{"v": 1, "p": p, "q": in})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, channel, actionID, value, want string
	}{
		{"no such proposal", secChannel, blocks.ActionApprove, "p-FORGED", "No such proposal"},
		{"no such proposal, reject", secChannel, blocks.ActionReject, "p-FORGED", "No such proposal"},
		{"another channel's proposal", otherChannel, blocks.ActionApprove, id, "Not from here"},
		{"another channel's undo", otherChannel, blocks.ActionUndo, id, "Not from here"},
		{"page value not JSON", secChannel, blocks.ActionNext, "page=2", "not valid"},
		{"page value of an action", secChannel, blocks.ActionNext, page(intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"}, 2), "not valid"},
		{"page value past the last page", secChannel, blocks.ActionNext, page(intents.Intent{Kind: intents.ListUsers}, blocks.MaxPage+1), "not valid"},
		{"page value with extra fields", secChannel, blocks.ActionPrev, `{"v":1,"p":1,"q":{"kind":"list_users"},"x":"<!channel>"}`, "not valid"},
		{"export of an action", secChannel, blocks.ActionExport, page(intents.Intent{Kind: intents.DeactivateUser, User: "john@company.com"}, 1), "not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(h.slack.Messages())
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: tt.channel, MessageTS: "1.000001", ActionID: tt.actionID, BlockID: "forged", Value: tt.value, Ephemeral: true}); err != nil {
				t.Fatalf("click: %v", err)
			}
			h.refusal(t, approver, n, tt.want)
		})
	}
	if n := h.oktaWrites() - w; n != 0 {
		t.Errorf("forged clicks caused %d writes to Okta", n)
	}
	if n := h.sim.Calls("GET", "/api/v1/") - reads; n != 0 {
		t.Errorf("forged clicks caused %d reads from Okta", n)
	}
	if p, err := h.store.Get(id); err != nil || p.State != intents.StatePending {
		t.Errorf("the real proposal after forged clicks: %s, %v; want pending", p.State, err)
	}
}

// A click on a real proposal's button from a channel oktabot does not
// answer in, and from a person who may not decide: refused, nothing
// changes.
func TestBadInputClicksNotAllowed(t *testing.T) {
	h := approvalHarness(t, nil)
	m := h.propose("suspend john@company.com reason: real")
	id := proposalID(t, m)
	w := h.oktaWrites()
	tests := []struct {
		name, user, channel, want string
	}{
		{"channel not allowed", approver, otherChannel, "doesn't answer in this channel"},
		{"direct message", approver, "D0DIRECT", "doesn't answer in this channel"},
		{"not an approver", "U0JOHN", secChannel, "Only approvers"},
		{"the requester", analyst, secChannel, "Only approvers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(h.slack.Messages())
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: tt.user, ChannelID: tt.channel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: "forged", Value: id, Ephemeral: tt.channel != secChannel}); err != nil {
				t.Fatalf("click: %v", err)
			}
			h.refusal(t, tt.user, n, tt.want)
		})
	}
	if n := h.oktaWrites() - w; n != 0 {
		t.Errorf("refused clicks caused %d writes to Okta", n)
	}
	if p, err := h.store.Get(id); err != nil || p.State != intents.StatePending {
		t.Errorf("the proposal after refused clicks: %s, %v; want pending", p.State, err)
	}
}
