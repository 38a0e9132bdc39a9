package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestHello(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	evt := h.next(t, ctx, socketmode.EventTypeHello)
	if evt.Request == nil || evt.Request.NumConnections != 1 || evt.Request.ConnectionInfo.AppID != DefaultAppID {
		t.Errorf("hello request = %+v, want num_connections 1 and app_id %s", evt.Request, DefaultAppID)
	}
	if got := h.fake.Connections(); got != 1 {
		t.Errorf("Connections() = %d, want 1", got)
	}
	if got := h.fake.Calls("apps.connections.open"); got != 1 {
		t.Errorf(`Calls("apps.connections.open") = %d, want 1`, got)
	}
	for _, a := range h.fake.Acks() {
		t.Errorf("Acks() has %+v; hello must not be acked", a)
	}
}

func TestSlashCommandAck(t *testing.T) {
	reply := map[string]any{"response_type": "ephemeral", "text": "⏳ Working…"}
	h, ctx := start(t, Options{Users: testUsers()}, func(sm *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = sm.Ack(*evt.Request, reply)
		}
	})
	id, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "user a@x.com"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	ack, err := h.fake.WaitAck(ctx, id)
	if err != nil {
		t.Fatalf("WaitAck(%s): %v", id, err)
	}
	var payload map[string]any
	if err := json.Unmarshal(ack.Payload, &payload); err != nil {
		t.Fatalf("ack payload %s: %v", ack.Payload, err)
	}
	if diff := cmp.Diff(reply, payload); diff != "" {
		t.Errorf("ack payload (-want +got):\n%s", diff)
	}
	if ack.SentAt.IsZero() || ack.At.Before(ack.SentAt) || ack.Latency() < 0 {
		t.Errorf("ack times: sent %v, acked %v", ack.SentAt, ack.At)
	}

	evt := h.next(t, ctx, socketmode.EventTypeSlashCommand)
	if !evt.Request.AcceptsResponsePayload {
		t.Errorf("slash_commands envelope: accepts_response_payload false, want true")
	}
	cmd := evt.Data.(slack.SlashCommand)
	got := slack.SlashCommand{UserID: cmd.UserID, UserName: cmd.UserName, ChannelID: cmd.ChannelID, Command: cmd.Command, Text: cmd.Text, TeamID: cmd.TeamID}
	want := slack.SlashCommand{UserID: "U1", UserName: "alice", ChannelID: "C1", Command: "/okta", Text: "user a@x.com", TeamID: DefaultTeamID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("slash command as the client saw it (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(cmd.ResponseURL, h.fake.URL()+"/hooks/") || cmd.TriggerID == "" {
		t.Errorf("response_url %q, trigger_id %q: want a fake response URL and a trigger", cmd.ResponseURL, cmd.TriggerID)
	}

	m, err := h.fake.WaitMessage(ctx, func(m Message) bool { return m.Method == "ack" })
	if err != nil {
		t.Fatalf("WaitMessage(ack): %v", err)
	}
	wantMsg := Message{Method: "ack", Channel: "C1", TS: m.TS, User: "U1", Text: "⏳ Working…", Ephemeral: true, ResponseType: "ephemeral"}
	if diff := cmp.Diff(wantMsg, m); diff != "" {
		t.Errorf("ack message (-want +got):\n%s", diff)
	}
}

func TestReconnect(t *testing.T) {
	tests := []struct {
		name string
		cut  func(*Server) error
	}{
		{"disconnect envelope", func(s *Server) error { return s.Disconnect("refresh_requested") }},
		{"dropped connection", (*Server).DropConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ctx := start(t, Options{}, nil)
			if err := tt.cut(h.fake); err != nil {
				t.Fatalf("cut: %v", err)
			}
			if err := h.fake.WaitConnections(ctx, 2); err != nil {
				t.Fatalf("WaitConnections(2): %v", err)
			}
			if got := h.fake.Calls("apps.connections.open"); got != 2 {
				t.Errorf(`Calls("apps.connections.open") = %d, want 2`, got)
			}
			id, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "help"})
			if err != nil {
				t.Fatalf("SlashCommand after reconnect: %v", err)
			}
			if _, err := h.fake.WaitAck(ctx, id); err != nil {
				t.Fatalf("WaitAck(%s) after reconnect: %v", id, err)
			}
			for _, a := range h.fake.Acks() {
				if a.Unknown {
					t.Errorf("Acks() has an ack of an unknown envelope: %+v", a)
				}
			}
		})
	}
}

func TestDisconnectWithoutConnection(t *testing.T) {
	fake := New(Options{})
	defer fake.Close()
	if err := fake.Disconnect(""); !errors.Is(err, ErrNoConnection) {
		t.Errorf("Disconnect() = %v, want ErrNoConnection", err)
	}
	if err := fake.DropConnection(); !errors.Is(err, ErrNoConnection) {
		t.Errorf("DropConnection() = %v, want ErrNoConnection", err)
	}
}

func TestMentionAndRedelivery(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	id, err := h.fake.Mention(ctx, Mention{UserID: "U1", ChannelID: "C1", Text: "help", ThreadTS: "1699999999.000100", EventID: "Ev1"})
	if err != nil {
		t.Fatalf("Mention: %v", err)
	}
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Fatalf("WaitAck(mention): %v", err)
	}
	first := h.next(t, ctx, socketmode.EventTypeEventsAPI)
	ev := first.Data.(slackevents.EventsAPIEvent)
	mention, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok {
		t.Fatalf("inner event = %T, want *slackevents.AppMentionEvent", ev.InnerEvent.Data)
	}
	got := slackevents.AppMentionEvent{Type: mention.Type, User: mention.User, Text: mention.Text, Channel: mention.Channel, ThreadTimeStamp: mention.ThreadTimeStamp}
	want := slackevents.AppMentionEvent{Type: "app_mention", User: "U1", Text: "<@U0BOT> help", Channel: "C1", ThreadTimeStamp: "1699999999.000100"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("app_mention (-want +got):\n%s", diff)
	}

	retryID, err := h.fake.RedeliverEvent(ctx, id, "")
	if err != nil {
		t.Fatalf("RedeliverEvent: %v", err)
	}
	if retryID == id {
		t.Errorf("RedeliverEvent returned the same envelope id %s", id)
	}
	retry := h.next(t, ctx, socketmode.EventTypeEventsAPI)
	cb := retry.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
	if retry.Request.RetryAttempt != 1 || retry.Request.RetryReason != "timeout" || cb.EventID != "Ev1" {
		t.Errorf("retry: attempt %d reason %q event_id %q, want 1, timeout, Ev1",
			retry.Request.RetryAttempt, retry.Request.RetryReason, cb.EventID)
	}
}

func TestEventRaw(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	inner := `{"type":"message","channel_type":"im","user":"U1","text":"hi","ts":"1700000001.000100","channel":"D1"}`
	id, err := h.fake.Event(ctx, json.RawMessage(inner))
	if err != nil {
		t.Fatalf("Event(message.im): %v", err)
	}
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Fatalf("WaitAck(message.im): %v", err)
	}
	ev := h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent)
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.Text != "hi" || msg.ChannelType != "im" || msg.User != "U1" {
		t.Errorf("inner event = %#v, want the message.im from U1", ev.InnerEvent.Data)
	}
	if cb := ev.Data.(*slackevents.EventsAPICallbackEvent); cb.EventID == "" || cb.TeamID != DefaultTeamID || cb.APIAppID != DefaultAppID {
		t.Errorf("event_callback = event_id %q team %q app %q", cb.EventID, cb.TeamID, cb.APIAppID)
	}
}

func TestAutomaticRedelivery(t *testing.T) {
	// The client never acks events: Slack retries three times.
	h, ctx := start(t, Options{RedeliverAfter: 20 * time.Millisecond}, func(*socketmode.Client, socketmode.Event) {})
	if _, err := h.fake.Mention(ctx, Mention{UserID: "U1", ChannelID: "C1", Text: "help"}); err != nil {
		t.Fatalf("Mention: %v", err)
	}
	var attempts []int
	for range MaxEventRetries + 1 {
		evt := h.next(t, ctx, socketmode.EventTypeEventsAPI)
		attempts = append(attempts, evt.Request.RetryAttempt)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3}, attempts); diff != "" {
		t.Errorf("retry_attempt of deliveries (-want +got):\n%s", diff)
	}
}

func TestSendRawBadMessage(t *testing.T) {
	h, ctx := start(t, Options{}, nil)
	raw := `{"envelope_id":"bad-1","type":"events_api","accepts_response_payload":false,"payload":{"type":"event_callback","event":{"type":"no_such_event"}}}`
	if err := h.fake.SendRaw(ctx, []byte(raw)); err != nil {
		t.Fatalf("SendRaw: %v", err)
	}
	h.next(t, ctx, socketmode.EventTypeErrorBadMessage)
	if _, err := h.fake.WaitAck(ctx, "bad-1"); err != nil {
		t.Errorf("WaitAck(bad-1): %v", err)
	}
}

// TestAckLimits uses a bare websocket client: slack-go refuses to send
// acks of 20 KB or more itself.
func TestAckLimits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	fake := New(Options{})
	defer fake.Close()

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fake.APIURL()+"apps.connections.open", nil)
	req.Header.Set("Authorization", "Bearer "+fake.Options().AppToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("apps.connections.open: %v", err)
	}
	var open struct {
		OK  bool   `json:"ok"`
		URL string `json:"url"`
	}
	err = json.NewDecoder(resp.Body).Decode(&open)
	_ = resp.Body.Close() // the body is done with; a close error changes nothing
	if err != nil || !open.OK {
		t.Fatalf("apps.connections.open = %+v, %v", open, err)
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, open.URL, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", open.URL, err)
	}
	defer func() { _ = ws.Close() }() // teardown; a close error here decides nothing the test checks
	var hello map[string]any
	if err := ws.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("first frame = %v, %v; want hello", hello, err)
	}
	if _, _, err := websocket.DefaultDialer.DialContext(ctx, open.URL, nil); err == nil {
		t.Errorf("second dial of %s succeeded; the URL must be single-use", open.URL)
	}

	id, err := fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "x"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	var env map[string]any
	if err := ws.ReadJSON(&env); err != nil || env["envelope_id"] != id {
		t.Fatalf("envelope = %v, %v; want id %s", env, err, id)
	}

	big := map[string]any{"envelope_id": id, "payload": map[string]any{"text": strings.Repeat("x", MaxAckBytes)}}
	if err := ws.WriteJSON(big); err != nil {
		t.Fatalf("write big ack: %v", err)
	}
	if ack, err := fake.WaitAck(ctx, id); !errors.Is(err, ErrAckDropped) || !ack.Dropped || ack.Size < MaxAckBytes {
		t.Errorf("WaitAck after a %d-byte ack = dropped %v size %d, %v; want ErrAckDropped", MaxAckBytes, ack.Dropped, ack.Size, err)
	}
	if err := ws.WriteJSON(map[string]any{"envelope_id": id}); err != nil {
		t.Fatalf("write ack: %v", err)
	}
	if err := ws.WriteJSON(map[string]any{"envelope_id": "nope"}); err != nil {
		t.Fatalf("write unknown ack: %v", err)
	}
	if err := fake.waitFor(ctx, func() bool { return len(fake.acks) == 3 }); err != nil {
		t.Fatalf("waiting for 3 acks: %v", err)
	}
	if ack, err := fake.WaitAck(ctx, id); err != nil || ack.Dropped || ack.Payload != nil {
		t.Errorf("WaitAck after a small ack = dropped %v payload %s, %v; want the ack", ack.Dropped, ack.Payload, err)
	}
	var unknown []string
	for _, a := range fake.Acks() {
		if a.Unknown {
			unknown = append(unknown, a.EnvelopeID)
		}
	}
	if diff := cmp.Diff([]string{"nope"}, unknown); diff != "" {
		t.Errorf("unknown acks (-want +got):\n%s", diff)
	}
	if _, err := fake.WaitAck(ctx, "never-sent"); !errors.Is(err, ErrUnknownEnvelope) {
		t.Errorf("WaitAck(never-sent) = %v, want ErrUnknownEnvelope", err)
	}
}

func TestSocketModeInvalidAppToken(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	fake := New(Options{})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAppLevelToken("xapp-1-wrong"), slack.OptionAPIURL(fake.APIURL()))
	sm := socketmode.New(api)
	go func() {
		for {
			select {
			case <-sm.Events:
			case <-ctx.Done():
				return
			}
		}
	}()
	err := sm.RunContext(ctx)
	if slackErr(err) != "invalid_auth" {
		t.Errorf("RunContext with a wrong app token = %v, want invalid_auth", err)
	}
	if got := fake.Connections(); got != 0 {
		t.Errorf("Connections() = %d, want 0", got)
	}
}
