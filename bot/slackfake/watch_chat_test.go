package slackfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// A threaded reply with reply_broadcast is recorded as broadcast and shows
// in the channel as Slack's thread_broadcast; reply_broadcast without a
// thread is a plain message; a reply without it stays in its thread.
func TestReplyBroadcast(t *testing.T) {
	fake := New(Options{Channels: map[string]Channel{"C1": {Name: "security"}}, Scopes: historyScopes()})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	ctx := t.Context()
	post := func(opts ...slack.MsgOption) string {
		t.Helper()
		_, ts, err := api.PostMessageContext(ctx, "C1", opts...)
		if err != nil {
			t.Fatalf("PostMessage: %v", err)
		}
		return ts
	}
	parent := post(slack.MsgOptionText("🔴 Incident: john@company.com", false))
	quiet := post(slack.MsgOptionText("new evidence", false), slack.MsgOptionTS(parent))
	loud := post(slack.MsgOptionText("severity rose to critical", false), slack.MsgOptionTS(parent), slack.MsgOptionBroadcast())
	plain := post(slack.MsgOptionText("no thread", false), slack.MsgOptionBroadcast())

	type rec struct {
		TS, ThreadTS string
		Broadcast    bool
	}
	var got []rec
	for _, m := range fake.Messages() {
		got = append(got, rec{m.TS, m.ThreadTS, m.Broadcast})
	}
	want := []rec{{parent, "", false}, {quiet, parent, false}, {loud, parent, true}, {plain, "", false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Messages() (-want +got):\n%s", diff)
	}

	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatalf("GetConversationHistory: %v", err)
	}
	type shown struct{ TS, SubType, ThreadTS string }
	var inChannel []shown
	for _, m := range h.Messages {
		inChannel = append(inChannel, shown{m.Timestamp, m.SubType, m.ThreadTimestamp})
	}
	wantShown := []shown{{plain, "", ""}, {loud, "thread_broadcast", parent}, {parent, "", parent}}
	if diff := cmp.Diff(wantShown, inChannel); diff != "" {
		t.Errorf("channel history (-want +got):\n%s", diff)
	}
}

// chat.postMessage to a user id posts into the bot's DM with them and
// answers with the DM's id; an unknown user is channel_not_found, and a
// deactivated user's DM still takes the message, as Slack does.
func TestPostToUser(t *testing.T) {
	users := testUsers()
	users["W7"] = User{Name: "grid", Email: "grid@example.com"}
	fake := New(Options{Users: users}) // no Channels: any channel id exists, but not any user
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	ctx := t.Context()

	tests := []struct {
		user, wantChannel, wantErr string
	}{
		{"U1", "D1", ""},
		{"W7", "D7", ""},
		{"U3", "D3", ""}, // deactivated
		{"U9", "", "channel_not_found"},
		{"W404", "", "channel_not_found"},
	}
	for _, tt := range tests {
		channel, ts, err := api.PostMessageContext(ctx, tt.user, slack.MsgOptionText("Was this you?", false))
		if slackErr(err) != tt.wantErr || channel != tt.wantChannel {
			t.Errorf("PostMessage(%s) = %q, %v; want %q, %q", tt.user, channel, err, tt.wantChannel, tt.wantErr)
			continue
		}
		if tt.wantErr != "" {
			continue
		}
		if m, ok := fake.Current(tt.wantChannel, ts); !ok || m.Text != "Was this you?" {
			t.Errorf("Current(%s, %s) = %+v, %v; want the DM", tt.wantChannel, ts, m, ok)
		}
	}
	if n := len(fake.Messages()); n != 3 {
		t.Errorf("len(Messages()) = %d, want 3: the refused posts post nothing", n)
	}
}

// Metadata is stored with the message, kept by an update that does not
// carry it and replaced by one that does; a malformed one is refused, one
// with a bad event_type is ignored with Slack's warning.
func TestMessageMetadata(t *testing.T) {
	fake := New(Options{Channels: map[string]Channel{"C1": {}}})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	ctx := t.Context()
	incident := slack.SlackMetadata{EventType: "oktabot_incident", EventPayload: map[string]any{"id": "inc-1", "severity": "high"}}

	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("incident", false), slack.MsgOptionMetadata(incident))
	if err != nil {
		t.Fatalf("PostMessage with metadata: %v", err)
	}
	wantMD := `{"event_payload":{"id":"inc-1","severity":"high"},"event_type":"oktabot_incident"}`
	if m, _ := fake.Current("C1", ts); string(m.Metadata) != wantMD {
		t.Errorf("Metadata after post = %s, want %s", m.Metadata, wantMD)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("incident (2)", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	if m, _ := fake.Current("C1", ts); string(m.Metadata) != wantMD {
		t.Errorf("Metadata after an update without it = %s, want it kept: %s", m.Metadata, wantMD)
	}
	incident.EventPayload["severity"] = "critical"
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("incident (3)", false), slack.MsgOptionMetadata(incident)); err != nil {
		t.Fatalf("UpdateMessage with metadata: %v", err)
	}
	wantMD = `{"event_payload":{"id":"inc-1","severity":"critical"},"event_type":"oktabot_incident"}`
	if m, _ := fake.Current("C1", ts); string(m.Metadata) != wantMD {
		t.Errorf("Metadata after an update with it = %s, want %s", m.Metadata, wantMD)
	}

	// Malformed: refused, nothing posted. slack-go sends a nil payload as
	// null; the other shapes it cannot send, so they go as raw form posts.
	before := len(fake.Messages())
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "x"}))
	if got := slackErr(err); got != "invalid_metadata_format" {
		t.Errorf("PostMessage(metadata without payload) = %v, want invalid_metadata_format", err)
	}
	for _, raw := range []string{`[1]`, `{"event_type":"x","event_payload":"s"}`, `not json`} {
		var resp struct{ Error string }
		postForm(t, fake, "chat.postMessage", url.Values{"channel": {"C1"}, "text": {"x"}, "metadata": {raw}}, &resp)
		if resp.Error != "invalid_metadata_format" {
			t.Errorf("chat.postMessage(metadata %s) error = %q, want invalid_metadata_format", raw, resp.Error)
		}
	}
	if n := len(fake.Messages()); n != before {
		t.Errorf("Messages grew by %d on refused metadata", n-before)
	}

	// A bad event_type: posted, metadata ignored, Slack's warning.
	var resp struct {
		OK               bool   `json:"ok"`
		Warning          string `json:"warning"`
		ResponseMetadata struct {
			Warnings []string `json:"warnings"`
		} `json:"response_metadata"`
		TS string `json:"ts"`
	}
	postForm(t, fake, "chat.postMessage", url.Values{"channel": {"C1"}, "text": {"y"},
		"metadata": {`{"event_type":"oktabot.incident","event_payload":{"id":"inc-2"}}`}}, &resp)
	if !resp.OK {
		t.Fatalf("chat.postMessage with a bad event_type: not ok")
	}
	if resp.Warning != "invalid_metadata_schema" || !cmp.Equal(resp.ResponseMetadata.Warnings, []string{"invalid_metadata_schema"}) {
		t.Errorf("answer warning %q, warnings %v; want invalid_metadata_schema", resp.Warning, resp.ResponseMetadata.Warnings)
	}
	if m, ok := fake.Current("C1", resp.TS); !ok || m.Metadata != nil {
		t.Errorf("Current(%s) = %+v, %v; want posted without metadata", resp.TS, m, ok)
	}
	var codes []string
	for _, r := range fake.Rejections() {
		codes = append(codes, r.Error)
	}
	want := []string{"invalid_metadata_format", "invalid_metadata_format", "invalid_metadata_format", "invalid_metadata_format", "invalid_metadata_schema"}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("Rejections() errors (-want +got):\n%s", diff)
	}
}

// historyScopes are DefaultScopes with those conversations.history needs.
func historyScopes() []string {
	return append(DefaultScopes(), "channels:history", "groups:history")
}

// postForm calls a Web API method with a raw form post and the bot token,
// for arguments slack-go cannot send, and decodes the answer into out.
func postForm(t *testing.T, fake *Server, method string, form url.Values, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, fake.APIURL()+method, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+fake.Options().BotToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("%s: decode answer: %v", method, err)
	}
}
