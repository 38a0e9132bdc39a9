package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// Who may read Okta: the people tests act as (see slackUsers).
const (
	guest       = "U0GUEST"   // a multi-channel guest
	singleGuest = "U0SINGLE"  // a single-channel guest
	partner     = "U0PARTNER" // a Slack Connect user of another organization
	reader      = "U0READER"  // in OKTABOT_READERS
	groupie     = "U0GROUPIE" // in a reader user group
	member      = "U0MEMBER"  // a member of the security channel
	stranger    = "U0STRANGER"
	readerGroup = "S0READERS"
)

// accessHarness answers DMs, has an approver, a reader, a reader user
// group and the security channel's members, and an approvals store.
func accessHarness(t *testing.T, mod func(*harnessOpts)) *harness {
	o := harnessOpts{
		store: true, scopes: allScopes,
		cfg: bot.Config{DirectMessages: true, Approvers: []string{approver}, Readers: []string{reader, readerGroup}},
		slack: func(so *slackfake.Options) {
			so.UserGroups = map[string][]string{readerGroup: {groupie}}
			so.Members = map[string][]string{secChannel: {analyst, member}}
		},
	}
	if mod != nil {
		mod(&o)
	}
	return newHarness(t, o)
}

// dmOf is user's direct message with the bot, as the fake names it.
func dmOf(user string) string { return "D" + strings.TrimLeft(user, "UW") }

// dm sends text to the bot in user's DM with it.
func (h *harness) dm(t *testing.T, user, text string) {
	t.Helper()
	if _, err := h.slack.DirectMessage(h.waitCtx(5*time.Second), slackfake.DirectMessage{UserID: user, Text: text}); err != nil {
		t.Fatalf("DirectMessage(%s, %q): %v", user, text, err)
	}
}

func (h *harness) mention(t *testing.T, m slackfake.Mention) {
	t.Helper()
	env, err := h.slack.Mention(h.waitCtx(5*time.Second), m)
	if err != nil {
		t.Fatalf("Mention(%+v): %v", m, err)
	}
	if _, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil {
		t.Fatalf("WaitAck(mention): %v", err)
	}
}

// noOktaData stops the bot (so that nothing is still on its way) and
// checks that Okta was not read, nothing was posted for everyone to see
// but what allowed says, and nothing was proposed.
func (h *harness) noOktaData(t *testing.T, allowed func(slackfake.Message) bool) {
	t.Helper()
	h.stop()
	if n := h.sim.Calls("", "/api/v1/"); n != 0 {
		t.Errorf("the simulator saw %d Okta API calls, want none", n)
	}
	for _, m := range h.slack.Messages() {
		if allowed(m) {
			continue
		}
		if has(m, "John Smith") || has(m, "john@company.com") || (!m.Ephemeral && m.Method != "ack") {
			t.Errorf("%s in %s to %q: %s", m.Method, m.Channel, m.User, m.Text)
		}
	}
	if ps, err := h.store.Pending(); err != nil || len(ps) != 0 {
		t.Errorf("pending proposals %v, %v; want none", ps, err)
	}
}

// Strangers in a DM, guests and another organization's users get a private
// refusal and nothing from Okta, whichever way they ask.
func TestNoOktaDataForStrangersGuestsAndOtherTeams(t *testing.T) {
	h := accessHarness(t, nil)
	page, err := blocks.EncodePageValue(intents.Intent{Kind: intents.ListUsers}, 2)
	if err != nil {
		t.Fatal(err)
	}
	click := func(t *testing.T, user, channel string) {
		if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: user, ChannelID: channel, MessageTS: "1.000001",
			ActionID: blocks.ActionNext, BlockID: "pager", Value: page, Ephemeral: true}); err != nil {
			t.Fatalf("click: %v", err)
		}
	}
	const ask = "user john@company.com"
	notReader, notGuests, notOthers := "can't read Okta in a direct message", "doesn't answer guests", "only people of this workspace"
	tests := []struct {
		name, user, want string
		send             func(t *testing.T, user string)
	}{
		{"a stranger's DM", stranger, notReader, func(t *testing.T, u string) { h.dm(t, u, ask) }},
		{"a stranger's slash command in a DM", stranger, notReader, func(t *testing.T, u string) { send(t, h, u, dmOf(u), ask) }},
		{"a stranger's click in a DM", stranger, notReader, func(t *testing.T, u string) { click(t, u, dmOf(u)) }},
		{"a guest's slash command", guest, notGuests, func(t *testing.T, u string) { send(t, h, u, secChannel, ask) }},
		{"a single-channel guest's slash command", singleGuest, notGuests, func(t *testing.T, u string) { send(t, h, u, secChannel, ask) }},
		{"a guest's mention", guest, notGuests, func(t *testing.T, u string) {
			h.mention(t, slackfake.Mention{UserID: u, ChannelID: secChannel, Text: ask})
		}},
		{"a guest's click", singleGuest, notGuests, func(t *testing.T, u string) { click(t, u, secChannel) }},
		{"another organization's slash command", partner, notOthers, func(t *testing.T, u string) { send(t, h, u, secChannel, ask) }},
		{"another organization's mention", partner, notOthers, func(t *testing.T, u string) {
			h.mention(t, slackfake.Mention{UserID: u, ChannelID: secChannel, Text: ask})
		}},
		{"another organization's DM", partner, notOthers, func(t *testing.T, u string) { h.dm(t, u, ask) }},
		{"another organization's click", partner, notOthers, func(t *testing.T, u string) { click(t, u, secChannel) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(h.slack.Messages())
			tt.send(t, tt.user)
			h.refusal(t, tt.user, n, tt.want)
		})
	}

	// A form: opened by the analyst, submitted by a guest.
	h.slash(analyst, secChannel, "create-group")
	view := waitView(t, h, 0)
	n := len(h.slack.Messages())
	if _, err := h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: guest, ViewID: view.ID, Values: map[string]map[string]string{
		"name": {"name": "Guests"}, "description": {"description": "x"}, "reason": {"reason": "x"},
	}}); err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	h.refusal(t, guest, n, notGuests)

	h.noOktaData(t, func(slackfake.Message) bool { return false })
	if n := h.slack.Calls("users.info"); n > 5 {
		t.Errorf("users.info called %d times for 5 people: the lookups are not kept", n)
	}
}

// Events a bot, a workflow or a message subtype wrote are never answered.
func TestBotEventsIgnored(t *testing.T) {
	h := accessHarness(t, nil)
	const ask = "user john@company.com"
	h.mention(t, slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: ask, BotID: "B0WORKFLOW"})
	h.mention(t, slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: ask, SubType: "thread_broadcast"})
	h.mention(t, slackfake.Mention{UserID: "U0ROBOT", ChannelID: secChannel, Text: ask})
	for _, d := range []slackfake.DirectMessage{
		{UserID: reader, Text: ask, BotID: "B0WORKFLOW"},
		{UserID: reader, Text: ask, SubType: "message_changed"},
	} {
		env, err := h.slack.DirectMessage(h.waitCtx(5*time.Second), d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil {
			t.Fatal(err)
		}
	}
	// A person's mention is answered meanwhile: the bot was listening.
	n := len(h.slack.Messages())
	h.mention(t, slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "help"})
	help := h.answerAfter(n, "the answer to a person", func(m slackfake.Message) bool { return isAnswer(m) })
	h.noOktaData(t, func(m slackfake.Message) bool { return m.TS == help.TS })
	for _, m := range h.slack.Messages() {
		if m.Ephemeral && m.Method != "ack" {
			t.Errorf("a bot's event got a private answer: %s", m.Text)
		}
	}
}

// Readers (configured, through a user group, members of an allowed
// channel, approvers) are answered in their DM, and the buttons of the
// answer work there.
func TestReadersAnsweredInDM(t *testing.T) {
	h := accessHarness(t, func(o *harnessOpts) { o.fixture = bigOrg(30) })
	for _, u := range []string{reader, groupie, member, approver} {
		t.Run(u, func(t *testing.T) {
			h.dm(t, u, "user user0007@company.com")
			h.answer("the answer in "+u+"'s DM", func(m slackfake.Message) bool {
				return isAnswer(m) && m.Channel == dmOf(u) && has(m, "User0007")
			})
		})
	}
	t.Run("slash command in a DM", func(t *testing.T) {
		send(t, h, member, dmOf(member), "user user0008@company.com")
		h.answer("the answer in the member's DM", func(m slackfake.Message) bool {
			return isAnswer(m) && m.Channel == dmOf(member) && has(m, "User0008")
		})
	})
	t.Run("Next and Export", func(t *testing.T) {
		h.dm(t, reader, "users dept")
		first := h.answer("page 1 in the DM", func(m slackfake.Message) bool {
			return isAnswer(m) && m.Channel == dmOf(reader) && has(m, "Page 1 of")
		})
		h.click(reader, first, blocks.ActionNext)
		h.answer("page 2 in the DM", func(m slackfake.Message) bool {
			return m.Method == "chat.update" && m.Channel == dmOf(reader) && m.TS == first.TS && has(m, "Page 2 of")
		})
		h.click(reader, currentMessage(t, h, first), blocks.ActionExport)
		up, err := h.slack.WaitUpload(h.waitCtx(15*time.Second), func(u slackfake.Upload) bool { return true })
		if err != nil {
			t.Fatalf("no CSV upload: %v\n%s", err, dump(h.slack.Messages()))
		}
		if lines := strings.Split(strings.TrimRight(string(up.Content), "\n"), "\n"); up.Channel != dmOf(reader) || len(lines) != 31 {
			t.Errorf("CSV of %d lines uploaded to %s, want a header and 30 rows in %s", len(lines), up.Channel, dmOf(reader))
		}
	})
}

// Slack cannot say who someone is, or whether they are in a reader group
// or channel: they are refused, and let in once Slack answers again.
func TestAccessFailsClosed(t *testing.T) {
	const unsure = "Could not confirm you may read Okta here"
	tests := []struct {
		name, method, user string
		send               func(t *testing.T, h *harness)
	}{
		{"channel members", "conversations.members", member, func(t *testing.T, h *harness) { h.dm(t, member, "user john@company.com") }},
		{"user group", "usergroups.users.list", groupie, func(t *testing.T, h *harness) { h.dm(t, groupie, "user john@company.com") }},
		{"users.info", "users.info", analyst, func(t *testing.T, h *harness) { send(t, h, analyst, secChannel, "user john@company.com") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := accessHarness(t, nil)
			h.slack.FailNext(tt.method, "internal_error")
			n := len(h.slack.Messages())
			reads := h.sim.Calls("", "/api/v1/users")
			tt.send(t, h)
			h.refusal(t, tt.user, n, unsure)
			if got := h.sim.Calls("", "/api/v1/users"); got != reads {
				t.Errorf("Okta was read %d times for a refused request", got-reads)
			}
			tt.send(t, h)
			h.answerAfter(n, "the answer once Slack answers", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "John Smith") })
		})
	}
}

// An investigation asked in a DM answers there but proposes nothing; a
// change asked for there is refused.
func TestNoProposalsInDM(t *testing.T) {
	h := accessHarness(t, nil)
	h.dm(t, reader, "investigate john@company.com")
	h.answer("the investigation in the DM", func(m slackfake.Message) bool {
		return isAnswer(m) && m.Channel == dmOf(reader) && has(m, "185.220.101.1")
	})
	h.answer("the note that nothing was proposed", func(m slackfake.Message) bool {
		return m.Ephemeral && m.Channel == dmOf(reader) && has(m, "not proposed")
	})
	send(t, h, member, dmOf(member), "investigate john@company.com")
	h.answer("the slash investigation in the DM", func(m slackfake.Message) bool {
		return isAnswer(m) && m.Channel == dmOf(member) && has(m, "185.220.101.1")
	})
	h.answer("the note that nothing was proposed", func(m slackfake.Message) bool {
		return m.Ephemeral && m.Channel == dmOf(member) && has(m, "not proposed")
	})
	for _, text := range []string{"suspend john@company.com", "create-group"} {
		n := len(h.slack.Messages())
		send(t, h, member, dmOf(member), text)
		h.refusal(t, member, n, "where approvers can see them")
	}
	writes := h.oktaWrites()
	h.stop()
	if ps, err := h.store.Pending(); err != nil || len(ps) != 0 {
		t.Errorf("pending proposals after asking in DMs: %d, %v; want none", len(ps), err)
	}
	for _, m := range h.slack.Messages() {
		if has(m, blocks.ActionApprove) {
			t.Errorf("a proposal was posted in %s: %s", m.Channel, m.Text)
		}
	}
	if len(h.slack.Views()) != 0 {
		t.Errorf("a form opened in a DM")
	}
	if n := h.oktaWrites() - writes; n != 0 {
		t.Errorf("%d writes to Okta", n)
	}
}

// A form whose channel is no longer allowed (it was opened before the
// channel left OKTABOT_CHANNELS) says so in the modal and proposes
// nothing.
func TestFormFromChannelNotAllowed(t *testing.T) {
	h := accessHarness(t, nil)
	// The earlier bot's form: opened with the trigger of a command in the
	// other channel, the channel in private_metadata as the bot puts it.
	env := h.slash(analyst, otherChannel, "create-group")
	var trigger string
	for _, e := range h.slack.Envelopes() {
		if e.ID == env {
			var p struct {
				TriggerID string `json:"trigger_id"`
			}
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			trigger = p.TriggerID
		}
	}
	view, err := blocks.FormModal(intents.CreateGroup, intents.Intent{Kind: intents.CreateGroup})
	if err != nil {
		t.Fatal(err)
	}
	view.PrivateMetadata = otherChannel + "|" + view.PrivateMetadata
	api := slack.New(slackfake.DefaultBotToken, slack.OptionAPIURL(h.slack.APIURL()))
	opened, err := api.OpenViewContext(h.waitCtx(5*time.Second), trigger, view)
	if err != nil {
		t.Fatalf("views.open: %v", err)
	}
	sub, err := h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: analyst, ViewID: opened.ID, Values: map[string]map[string]string{
		"name": {"name": "Elsewhere"}, "description": {"description": "x"}, "reason": {"reason": "x"},
	}})
	if err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), sub)
	if err != nil {
		t.Fatal(err)
	}
	p := unescapeJSON(ack.Payload)
	if !strings.Contains(p, `"response_action":"update"`) || !strings.Contains(p, "doesn't answer in this channel") || !strings.Contains(p, "<#"+secChannel+">") {
		t.Errorf("the form's ack = %s, want the modal updated to say oktabot doesn't answer there and where it does", p)
	}
	h.noOktaData(t, func(slackfake.Message) bool { return false })
}
