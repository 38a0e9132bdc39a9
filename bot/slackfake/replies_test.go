package slackfake

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// conversations.replies returns a thread, parent first and replies oldest
// first, found by the parent's ts or a reply's, paged by cursor, with
// metadata only on request; an unknown ts is thread_not_found, and it
// takes the history scope of the channel's type.
func TestConversationsReplies(t *testing.T) {
	fake := New(Options{
		Users:    testUsers(),
		Channels: map[string]Channel{"C1": {Name: "security"}, "C2": {Name: "random", NotMember: true}},
		Scopes:   historyScopes(),
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
	meta := slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "oktabot_subject", EventPayload: map[string]any{"user": "john@company.com"}})
	parent := post("parent", meta)
	other := post("another thread")
	r1 := post("first reply", slack.MsgOptionTS(parent))
	post("elsewhere", slack.MsgOptionTS(other))
	r2 := post("second reply", slack.MsgOptionTS(parent))
	deleted := post("deleted reply", slack.MsgOptionTS(parent))
	if _, _, err := api.DeleteMessageContext(ctx, "C1", deleted); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	// A thread under a person's message, which the fake does not keep.
	const person = "1699999999.000100"
	r3 := post("answer to a mention", slack.MsgOptionTS(person))

	type row struct{ TS, Text, Thread, EventType string }
	replies := func(p slack.GetConversationRepliesParameters) ([]row, bool, string) {
		t.Helper()
		if p.ChannelID == "" {
			p.ChannelID = "C1"
		}
		msgs, more, next, err := api.GetConversationRepliesContext(ctx, &p)
		if err != nil {
			t.Fatalf("GetConversationReplies(%+v): %v", p, err)
		}
		var rows []row
		for _, m := range msgs {
			rows = append(rows, row{m.Timestamp, m.Text, m.ThreadTimestamp, m.Metadata.EventType})
		}
		return rows, more, next
	}
	want := []row{{parent, "parent", parent, "oktabot_subject"}, {r1, "first reply", parent, ""}, {r2, "second reply", parent, ""}}
	got, more, _ := replies(slack.GetConversationRepliesParameters{Timestamp: parent, IncludeAllMetadata: true})
	if diff := cmp.Diff(want, got); diff != "" || more {
		t.Errorf("replies(parent) has_more %v (-want +got):\n%s", more, diff)
	}
	if got, _, _ := replies(slack.GetConversationRepliesParameters{Timestamp: r2, IncludeAllMetadata: true}); !cmp.Equal(want, got) {
		t.Errorf("replies(a reply's ts) = %v, want the whole thread %v", got, want)
	}
	got, _, _ = replies(slack.GetConversationRepliesParameters{Timestamp: parent})
	if got[0].EventType != "" {
		t.Errorf("replies without include_all_metadata returned metadata %q", got[0].EventType)
	}
	page1, more, next := replies(slack.GetConversationRepliesParameters{Timestamp: parent, Limit: 2})
	page2, more2, _ := replies(slack.GetConversationRepliesParameters{Timestamp: parent, Limit: 2, Cursor: next})
	if len(page1) != 2 || !more || len(page2) != 1 || page2[0].TS != r2 || more2 {
		t.Errorf("paged by 2: %v (more %v) then %v (more %v); want parent, first reply, then second reply", page1, more, page2, more2)
	}
	if got, _, _ := replies(slack.GetConversationRepliesParameters{Timestamp: person}); !cmp.Equal([]row{{r3, "answer to a mention", person, ""}}, got) {
		t.Errorf("replies(a person's message) = %v, want the bot's reply alone", got)
	}

	for _, tt := range []struct {
		name string
		p    slack.GetConversationRepliesParameters
		want string
	}{
		{"unknown ts", slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: "1600000000.000100"}, "thread_not_found"},
		{"not in channel", slack.GetConversationRepliesParameters{ChannelID: "C2", Timestamp: parent}, "not_in_channel"},
	} {
		if _, _, _, err := api.GetConversationRepliesContext(ctx, &tt.p); slackErr(err) != tt.want {
			t.Errorf("%s: GetConversationReplies = %v, want %s", tt.name, err, tt.want)
		}
	}
	noHistory := New(Options{Channels: map[string]Channel{"C1": {Name: "security"}}, Scopes: []string{"chat:write"}})
	defer noHistory.Close()
	api2 := slack.New(noHistory.Options().BotToken, slack.OptionAPIURL(noHistory.APIURL()))
	if _, _, _, err := api2.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent}); slackErr(err) != "missing_scope" {
		t.Errorf("GetConversationReplies without channels:history = %v, want missing_scope", err)
	}
}
