package slackfake

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestChat(t *testing.T) {
	h, ctx := start(t, Options{
		Users: testUsers(),
		Channels: map[string]Channel{
			"C1": {Name: "security"},
			"C2": {Name: "elsewhere", NotMember: true},
		},
	}, nil)
	api := h.api
	button := slack.NewButtonBlockElement("approve", "p-1", slack.NewTextBlockObject(slack.PlainTextType, "Approve", false, false))
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Suspend* alice?", false, false), nil, nil),
		slack.NewActionBlock("p-1", button),
	}

	channel, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Suspend alice?", false), slack.MsgOptionBlocks(blocks...))
	if err != nil || channel != "C1" || ts != "1700000000.000100" {
		t.Fatalf("PostMessage(C1) = %q, %q, %v; want C1, 1700000000.000100", channel, ts, err)
	}
	_, reply, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("in thread", false), slack.MsgOptionTS(ts))
	if err != nil || reply <= ts {
		t.Fatalf("PostMessage(thread) = %q, %v; want a ts after %s", reply, err, ts)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("⏳ Processing… (by @bob)", false)); err != nil {
		t.Fatalf("UpdateMessage(%s): %v", ts, err)
	}
	ephTS, err := api.PostEphemeralContext(ctx, "C1", "U2", slack.MsgOptionText("Only you can see this", false))
	if err != nil || ephTS == "" {
		t.Fatalf("PostEphemeral(U2) = %q, %v", ephTS, err)
	}
	dm, _, err := api.PostMessageContext(ctx, "U1", slack.MsgOptionText("hello in DM", false))
	if err != nil || dm != "D1" {
		t.Fatalf("PostMessage(U1) = %q, %v; want the DM channel D1", dm, err)
	}

	errs := []struct {
		name string
		call func() error
		want string
	}{
		{"update unknown ts", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C1", "1.000001", slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"update ephemeral", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C1", ephTS, slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"update in another channel", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C2", ts, slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"post unknown channel", func() error {
			_, _, err := api.PostMessageContext(ctx, "C9", slack.MsgOptionText("x", false))
			return err
		}, "channel_not_found"},
		{"post where the bot is not", func() error {
			_, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText("x", false))
			return err
		}, "not_in_channel"},
		{"ephemeral to unknown user", func() error {
			_, err := api.PostEphemeralContext(ctx, "C1", "U9", slack.MsgOptionText("x", false))
			return err
		}, "user_not_found"},
		{"post no text", func() error {
			_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("", false))
			return err
		}, "no_text"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call()); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}

	wantBlocks := `[{"type":"section","text":{"type":"mrkdwn","text":"*Suspend* alice?"}},` +
		`{"type":"actions","block_id":"p-1","elements":[{"type":"button","text":{"type":"plain_text","text":"Approve","emoji":false},"action_id":"approve","value":"p-1"}]}]`
	want := []Message{
		{Method: "chat.postMessage", Channel: "C1", TS: ts, Text: "Suspend alice?", Blocks: []byte(wantBlocks)},
		{Method: "chat.postMessage", Channel: "C1", TS: reply, ThreadTS: ts, Text: "in thread"},
		{Method: "chat.update", Channel: "C1", TS: ts, Text: "⏳ Processing… (by @bob)"},
		{Method: "chat.postEphemeral", Channel: "C1", TS: ephTS, User: "U2", Text: "Only you can see this", Ephemeral: true},
		{Method: "chat.postMessage", Channel: "D1", TS: "1700000000.000400", Text: "hello in DM"},
	}
	if diff := cmp.Diff(want, h.fake.Messages()); diff != "" {
		t.Errorf("Messages() (-want +got):\n%s", diff)
	}
	cur, ok := h.fake.Current("C1", ts)
	if !ok || cur.Text != "⏳ Processing… (by @bob)" || cur.Blocks != nil {
		t.Errorf("Current(C1, %s) = %+v, %v; want the updated text without blocks", ts, cur, ok)
	}
	if got := h.fake.Calls("chat.postMessage"); got != 6 {
		t.Errorf(`Calls("chat.postMessage") = %d, want 6`, got)
	}

	if _, _, err := api.DeleteMessageContext(ctx, "C1", reply); err != nil {
		t.Fatalf("DeleteMessage(%s): %v", reply, err)
	}
	if _, ok := h.fake.Current("C1", reply); ok {
		t.Errorf("Current(C1, %s) after chat.delete: still there", reply)
	}
}
