package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// postRaw posts a JSON body to a response URL and returns the status and
// the error code of the answer.
func postRaw(t *testing.T, ctx context.Context, url string, body any) (int, string) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	var out struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("POST %s: answer: %v", url, err)
	}
	return resp.StatusCode, out.Error
}

func TestResponseURLSlashCommand(t *testing.T) {
	clk := newClock()
	h, ctx := start(t, Options{Users: testUsers(), Now: clk.Now}, func(sm *socketmode.Client, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = sm.Ack(*evt.Request, map[string]any{"text": "⏳"})
		}
	})
	id, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "user alice"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	cmd := h.next(t, ctx, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Fatalf("WaitAck: %v", err)
	}
	first, err := h.fake.WaitMessage(ctx, func(m Message) bool { return m.Method == "ack" })
	if err != nil {
		t.Fatalf("WaitMessage(ack): %v", err)
	}

	// Use 1: replace_original on a command's response_url does not touch
	// the ⏳ reply: it is a new ephemeral message (Slack's documented
	// advice is chat.update).
	if _, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(cmd.ResponseURL), slack.MsgOptionText("alice: ACTIVE", false)); err != nil {
		t.Fatalf("replace_original via %s: %v", cmd.ResponseURL, err)
	}
	// Use 2: a new message everyone sees.
	if _, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("shared", false)); err != nil {
		t.Fatalf("in_channel via response_url: %v", err)
	}
	// A refused post does not count as a use.
	long := strings.Repeat("x", MaxSectionText+1)
	_, _, err = h.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(cmd.ResponseURL),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, long, false, false), nil, nil)))
	if got := slackErr(err); got != "invalid_blocks" {
		t.Errorf("response_url post with a %d-character section = %v, want invalid_blocks", len(long), err)
	}

	msgs := h.fake.Messages()
	if len(msgs) != 3 {
		t.Fatalf("Messages() has %d messages, want 3: %+v", len(msgs), msgs)
	}
	want := []Message{
		{Method: "response_url", Channel: "C1", TS: msgs[1].TS, User: "U1", Text: "alice: ACTIVE", Ephemeral: true, ReplaceOriginal: true},
		{Method: "response_url", Channel: "C1", TS: msgs[2].TS, Text: "shared", ResponseType: "in_channel"},
	}
	if diff := cmp.Diff(want, msgs[1:]); diff != "" {
		t.Errorf("response_url messages (-want +got):\n%s", diff)
	}
	if msgs[1].TS == first.TS {
		t.Errorf("replace_original on a slash command's response_url replaced the ack %s", first.TS)
	}
	if cur, ok := h.fake.Current("C1", first.TS); !ok || cur.Text != "⏳" {
		t.Errorf("Current(C1, %s) = %+v, %v; want the ⏳ ack untouched", first.TS, cur, ok)
	}
	if rej := h.fake.Rejections(); len(rej) != 1 || rej[0].Method != "response_url" || rej[0].Error != "invalid_blocks" {
		t.Errorf("Rejections() = %+v, want one invalid_blocks from response_url", rej)
	}

	// Use 3: delete_original leaves the ack too.
	if status, code := postRaw(t, ctx, cmd.ResponseURL, map[string]any{"delete_original": true}); status != http.StatusOK {
		t.Fatalf("delete_original via %s: %d %s", cmd.ResponseURL, status, code)
	}
	if cur, ok := h.fake.Current("C1", first.TS); !ok || cur.Text != "⏳" {
		t.Errorf("after delete_original Current(C1, %s) = %+v, %v; want the ⏳ ack untouched", first.TS, cur, ok)
	}

	// Uses 4..5 succeed, the 6th is refused.
	for i := 4; i <= ResponseURLUses; i++ {
		if status, code := postRaw(t, ctx, cmd.ResponseURL, map[string]any{"text": "more"}); status != http.StatusOK {
			t.Fatalf("use %d of %s: %d %s", i, cmd.ResponseURL, status, code)
		}
	}
	if status, code := postRaw(t, ctx, cmd.ResponseURL, map[string]any{"text": "one too many"}); status != http.StatusNotFound || code != "used_url" {
		t.Errorf("use 6 of a response_url = %d %q, want 404 used_url", status, code)
	}
}

func TestResponseURLExpires(t *testing.T) {
	clk := newClock()
	h, ctx := start(t, Options{Now: clk.Now}, nil)
	if _, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "x"}); err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	cmd := h.next(t, ctx, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	clk.Advance(ResponseURLTTL + time.Second)
	if status, code := postRaw(t, ctx, cmd.ResponseURL, map[string]any{"text": "late"}); status != http.StatusNotFound || code != "expired_url" {
		t.Errorf("post after %v = %d %q, want 404 expired_url", ResponseURLTTL, status, code)
	}
	if status, code := postRaw(t, ctx, h.fake.URL()+"/hooks/commands/T0/1/nope", map[string]any{"text": "x"}); status != http.StatusNotFound || code != "expired_url" {
		t.Errorf("post to an unknown response URL = %d %q, want 404 expired_url", status, code)
	}
	if len(h.fake.Messages()) != 0 {
		t.Errorf("Messages() = %+v, want none", h.fake.Messages())
	}
}
