package slackfake

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// conversations.members through slack-go: a channel's members page by
// page, the bot among them where it belongs; a DM's are its user and the
// bot; a private channel the bot is not in does not exist for it.
func TestConversationsMembers(t *testing.T) {
	big := make([]string, 250)
	for i := range big {
		big[i] = fmt.Sprintf("U%04d", i)
	}
	h, ctx := start(t, Options{
		Users: testUsers(),
		Channels: map[string]Channel{
			"C1": {Name: "security"}, "C2": {Name: "everyone"},
			"G1": {Name: "secret", Private: true, NotMember: true}, "C3": {Name: "elsewhere", NotMember: true},
		},
		Members: map[string][]string{"C1": {"U2", "U1"}, "C2": big, "C3": {"U1"}},
		Scopes:  append(DefaultScopes(), "im:read"),
	}, nil)
	all := func(channel string, limit int) ([]string, int, error) {
		var out []string
		cursor, pages := "", 0
		for {
			ids, next, err := h.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: limit})
			if err != nil {
				return out, pages, err
			}
			out, pages = append(out, ids...), pages+1
			if next == "" {
				return out, pages, nil
			}
			cursor = next
		}
	}
	got, _, err := all("C1", 0)
	if err != nil {
		t.Fatalf("conversations.members C1: %v", err)
	}
	if diff := cmp.Diff([]string{"U1", "U2", DefaultBotUserID}, got); diff != "" {
		t.Errorf("members of C1 (-want +got):\n%s", diff)
	}
	got, pages, err := all("C2", 0)
	if err != nil || len(got) != 251 || pages != 3 {
		t.Errorf("members of C2 = %d ids in %d pages, %v; want 251 in 3 pages of at most 100", len(got), pages, err)
	}
	if got, _, err := all("C3", 1); err != nil || !cmp.Equal(got, []string{"U1"}) {
		t.Errorf("members of C3, which the bot is not in = %v, %v; want [U1]", got, err)
	}
	for _, dm := range []string{"U1", "D1"} {
		if got, _, err := all(dm, 0); err != nil || !cmp.Equal(got, []string{"U1", DefaultBotUserID}) {
			t.Errorf("members of U1's DM (%s) = %v, %v; want U1 and the bot", dm, got, err)
		}
	}
	for _, tt := range []struct{ channel, cursor, want string }{
		{"G1", "", "channel_not_found"},
		{"C9", "", "channel_not_found"},
		{"C1", "bogus", "invalid_cursor"},
	} {
		_, _, err := h.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: tt.channel, Cursor: tt.cursor})
		if got := slackErr(err); got != tt.want {
			t.Errorf("conversations.members %s cursor %q: error %q, want %q", tt.channel, tt.cursor, got, tt.want)
		}
	}
}

// conversations.members takes the scope of the channel's type.
func TestConversationsMembersScopes(t *testing.T) {
	h, ctx := start(t, Options{
		Users:    testUsers(),
		Channels: map[string]Channel{"C1": {Name: "security"}, "G1": {Name: "secret", Private: true}},
		Scopes:   []string{"channels:read"},
	}, nil)
	if _, _, err := h.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C1"}); err != nil {
		t.Errorf("members of a public channel with channels:read: %v", err)
	}
	for _, ch := range []string{"G1", "U1"} {
		_, _, err := h.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: ch})
		if got := slackErr(err); got != "missing_scope" {
			t.Errorf("members of %s with channels:read only: error %q, want missing_scope", ch, got)
		}
	}
}

// Guests and another organization's users as users.info and interactions
// report them.
func TestGuestsAndOtherTeams(t *testing.T) {
	users := testUsers()
	users["U4"] = User{Name: "gus", IsRestricted: true}
	users["U5"] = User{Name: "ulla", IsUltraRestricted: true}
	users["U6"] = User{Name: "xena", TeamID: "T0OTHER"}
	users["U7"] = User{Name: "robot", IsBot: true}
	h, ctx := start(t, Options{Users: users}, nil)
	type flags struct {
		Restricted, Ultra, Bot bool
		Team                   string
	}
	for id, want := range map[string]flags{
		"U1": {Team: DefaultTeamID},
		"U4": {Restricted: true, Team: DefaultTeamID},
		"U5": {Restricted: true, Ultra: true, Team: DefaultTeamID},
		"U6": {Team: "T0OTHER"},
		"U7": {Bot: true, Team: DefaultTeamID},
	} {
		u, err := h.api.GetUserInfoContext(ctx, id)
		if err != nil {
			t.Fatalf("users.info %s: %v", id, err)
		}
		if got := (flags{u.IsRestricted, u.IsUltraRestricted, u.IsBot, u.TeamID}); got != want {
			t.Errorf("users.info %s = %+v, want %+v", id, got, want)
		}
	}
	if _, err := h.fake.DirectMessage(ctx, DirectMessage{UserID: "U6", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent)
	var inner struct {
		Team string `json:"team"`
	}
	if err := json.Unmarshal(*ev.Data.(*slackevents.EventsAPICallbackEvent).InnerEvent, &inner); err != nil || inner.Team != "T0OTHER" {
		t.Errorf("the Slack Connect user's message names team %q (%v), want T0OTHER", inner.Team, err)
	}
}

// Direct messages and mentions from people, bots, workflows and message
// subtypes, as the real client decodes them.
func TestDirectMessagesAndBotEvents(t *testing.T) {
	h, ctx := start(t, Options{Users: testUsers()}, nil)
	if _, err := h.fake.DirectMessage(ctx, DirectMessage{UserID: "U1", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	msg, ok := h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.Channel != "D1" || msg.ChannelType != "im" || msg.User != "U1" || msg.BotID != "" || msg.SubType != "" {
		t.Errorf("DM = %+v, want U1's message.im in D1", msg)
	}
	if _, err := h.fake.DirectMessage(ctx, DirectMessage{UserID: "U2", BotID: "B9", SubType: "bot_message", Text: "from a bot"}); err != nil {
		t.Fatal(err)
	}
	msg, ok = h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.BotID != "B9" || msg.SubType != "bot_message" || msg.User != "" || msg.Channel != "D2" {
		t.Errorf("bot DM = %+v, want a bot_message from B9 without a user", msg)
	}
	if _, err := h.fake.Mention(ctx, Mention{UserID: "U1", ChannelID: "C1", BotID: "B8", SubType: "thread_broadcast", Text: "user x"}); err != nil {
		t.Fatal(err)
	}
	ev := h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent)
	mention, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	var raw struct {
		SubType string `json:"subtype"`
	}
	_ = json.Unmarshal(*ev.Data.(*slackevents.EventsAPICallbackEvent).InnerEvent, &raw)
	if !ok || mention.BotID != "B8" || mention.User != "U1" || raw.SubType != "thread_broadcast" {
		t.Errorf("bot mention = %+v subtype %q, want B8's thread_broadcast", mention, raw.SubType)
	}
	id, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "D1", Text: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	cmd, ok := h.next(t, ctx, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	if !ok || cmd.ChannelID != "D1" || cmd.ChannelName != "directmessage" {
		t.Errorf("slash command in a DM = %+v, want channel D1 named directmessage", cmd)
	}
}
