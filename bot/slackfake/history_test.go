package slackfake

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// conversations.history shows a channel as it stands, newest first, paged
// by cursor and bounded by oldest/latest, with metadata only on request;
// it takes the history scope of the channel's type and needs the bot in
// the channel.
func TestConversationsHistory(t *testing.T) {
	fake := New(Options{
		Users: testUsers(),
		Channels: map[string]Channel{
			"C1": {Name: "security"},
			"C2": {Name: "random", NotMember: true},
			"G1": {Name: "soc", Private: true},
		},
		Scopes: historyScopes(),
	})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	ctx := t.Context()
	post := func(text string, opts ...slack.MsgOption) string {
		t.Helper()
		_, ts, err := api.PostMessageContext(ctx, "C1", append([]slack.MsgOption{slack.MsgOptionText(text, false)}, opts...)...)
		if err != nil {
			t.Fatalf("PostMessage(%q): %v", text, err)
		}
		return ts
	}
	ts1 := post("one")
	ts2 := post("two", slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "oktabot_incident", EventPayload: map[string]any{"id": "inc-1"}}))
	ts3 := post("three")
	ts4 := post("four")
	ts5 := post("five")
	reply := post("reply to one", slack.MsgOptionTS(ts1))
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("only alice", false)); err != nil {
		t.Fatalf("PostEphemeral: %v", err)
	}
	if _, _, err := api.DeleteMessageContext(ctx, "C1", ts3); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts4, slack.MsgOptionText("four (edited)", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}

	type row struct {
		TS, Text, EventType string
		Replies             int
		LatestReply         string
	}
	history := func(p slack.GetConversationHistoryParameters) ([]row, *slack.GetConversationHistoryResponse) {
		t.Helper()
		if p.ChannelID == "" {
			p.ChannelID = "C1"
		}
		resp, err := api.GetConversationHistoryContext(ctx, &p)
		if err != nil {
			t.Fatalf("GetConversationHistory(%+v): %v", p, err)
		}
		var rows []row
		for _, m := range resp.Messages {
			rows = append(rows, row{m.Timestamp, m.Text, m.Metadata.EventType, m.ReplyCount, m.LatestReply})
		}
		return rows, resp
	}
	check := func(name string, got, want []row) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}

	all, resp := history(slack.GetConversationHistoryParameters{})
	check("whole history", all, []row{
		{TS: ts5, Text: "five"}, {TS: ts4, Text: "four (edited)"}, {TS: ts2, Text: "two"},
		{TS: ts1, Text: "one", Replies: 1, LatestReply: reply},
	})
	if resp.HasMore || resp.ResponseMetaData.NextCursor != "" {
		t.Errorf("whole history: has_more %v, next_cursor %q; want neither", resp.HasMore, resp.ResponseMetaData.NextCursor)
	}
	withMD, _ := history(slack.GetConversationHistoryParameters{IncludeAllMetadata: true})
	if withMD[2].EventType != "oktabot_incident" {
		t.Errorf("include_all_metadata: message %s has event_type %q, want oktabot_incident", ts2, withMD[2].EventType)
	}

	page1, resp := history(slack.GetConversationHistoryParameters{Limit: 2})
	check("page 1", page1, all[:2])
	if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
		t.Fatalf("page 1: has_more %v, next_cursor %q; want more", resp.HasMore, resp.ResponseMetaData.NextCursor)
	}
	page2, resp := history(slack.GetConversationHistoryParameters{Limit: 2, Cursor: resp.ResponseMetaData.NextCursor})
	check("page 2", page2, all[2:])
	if resp.HasMore || resp.ResponseMetaData.NextCursor != "" {
		t.Errorf("page 2: has_more %v, next_cursor %q; want the end", resp.HasMore, resp.ResponseMetaData.NextCursor)
	}

	between, _ := history(slack.GetConversationHistoryParameters{Oldest: ts2, Latest: ts5})
	check("oldest..latest", between, all[1:2])
	inclusive, _ := history(slack.GetConversationHistoryParameters{Oldest: ts2, Latest: ts5, Inclusive: true})
	check("oldest..latest inclusive", inclusive, all[:3])
	after, _ := history(slack.GetConversationHistoryParameters{Oldest: "1700000000.0002"})
	check("oldest with fewer digits", after, all[:2])

	errs := []struct {
		name         string
		p            slack.GetConversationHistoryParameters
		want, needed string
	}{
		{"bot not in channel", slack.GetConversationHistoryParameters{ChannelID: "C2"}, "not_in_channel", ""},
		{"unknown channel", slack.GetConversationHistoryParameters{ChannelID: "C9"}, "channel_not_found", ""},
		{"bad cursor", slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: "bm9wZQ=="}, "invalid_cursor", ""},
		{"bad oldest", slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: "yesterday"}, "invalid_ts_oldest", ""},
		{"bad latest", slack.GetConversationHistoryParameters{ChannelID: "C1", Latest: "1.2.3"}, "invalid_ts_latest", ""},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.GetConversationHistoryContext(ctx, &tt.p)
			if got := slackErr(err); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
	if rows, _ := history(slack.GetConversationHistoryParameters{ChannelID: "G1"}); len(rows) != 0 {
		t.Errorf("private channel G1 history = %+v, want empty", rows)
	}

	// Each channel type takes its own history scope.
	narrow := New(Options{Channels: map[string]Channel{"C1": {}, "G1": {Private: true}}, Scopes: []string{"chat:write", "channels:history"}})
	defer narrow.Close()
	napi := slack.New(narrow.Options().BotToken, slack.OptionAPIURL(narrow.APIURL()))
	if _, err := napi.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"}); err != nil {
		t.Errorf("public channel with channels:history: %v", err)
	}
	_, err := napi.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "G1"})
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "missing_scope" || se.Needed != "groups:history" {
		t.Errorf("private channel without groups:history = %v, want missing_scope needing groups:history", err)
	}
	defaults := New(Options{})
	defer defaults.Close()
	dapi := slack.New(defaults.Options().BotToken, slack.OptionAPIURL(defaults.APIURL()))
	if _, err := dapi.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"}); err != nil {
		t.Errorf("history with DefaultScopes = %v, want it allowed: the manifest asks for channels:history", err)
	}
}
