package slackfake

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestClick(t *testing.T) {
	h, ctx := start(t, Options{Users: testUsers()}, nil)
	text := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	approve := slack.NewButtonBlockElement("approve", "p-42", text("Approve"))
	deny := slack.NewButtonBlockElement("deny", "p-42", text("Deny"))
	_, ts, err := h.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Suspend alice?", false),
		slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Suspend alice?", false, false), nil, nil),
			slack.NewActionBlock("p-42", approve, deny)))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}

	id, err := h.fake.Click(ctx, Click{UserID: "U2", ChannelID: "C1", MessageTS: ts, ActionID: "approve"})
	if err != nil {
		t.Fatalf("Click(approve): %v", err)
	}
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Fatalf("WaitAck(click): %v", err)
	}
	evt := h.next(t, ctx, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	if len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("block actions = %+v, want one", cb.ActionCallback.BlockActions)
	}
	a := cb.ActionCallback.BlockActions[0]
	type seen struct {
		Type, User, Channel, MessageTS, ActionID, BlockID, Value, MessageText string
		Ephemeral                                                             bool
	}
	got := seen{string(cb.Type), cb.User.ID, cb.Container.ChannelID, cb.Container.MessageTs, a.ActionID, a.BlockID, a.Value, cb.Message.Text, cb.Container.IsEphemeral}
	want := seen{"block_actions", "U2", "C1", ts, "approve", "p-42", "p-42", "Suspend alice?", false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("click as the client saw it (-want +got):\n%s", diff)
	}
	if cb.ResponseURL == "" || cb.TriggerID == "" {
		t.Errorf("click: response_url %q trigger_id %q, want both", cb.ResponseURL, cb.TriggerID)
	}

	// The bot swaps the buttons for the outcome through the response_url.
	if _, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Approved by bob", false)); err != nil {
		t.Fatalf("replace_original: %v", err)
	}
	cur, ok := h.fake.Current("C1", ts)
	if !ok || cur.Text != "Approved by bob" || cur.Ephemeral {
		t.Errorf("Current(C1, %s) = %+v, %v; want the replaced, visible message", ts, cur, ok)
	}

	// The buttons are gone: a click needs explicit ids now (a stale click).
	if _, err := h.fake.Click(ctx, Click{UserID: "U2", ChannelID: "C1", MessageTS: ts, ActionID: "approve"}); err == nil {
		t.Errorf("Click(approve) on a message without buttons succeeded, want an error")
	}
	if _, err := h.fake.Click(ctx, Click{UserID: "U2", ChannelID: "C1", MessageTS: ts, ActionID: "approve", BlockID: "p-42", Value: "p-42"}); err != nil {
		t.Errorf("stale Click with explicit ids: %v", err)
	}
	stale := h.next(t, ctx, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	if got := stale.ActionCallback.BlockActions[0].Value; got != "p-42" {
		t.Errorf("stale click value = %q, want p-42", got)
	}
}

func TestClickEphemeralDelete(t *testing.T) {
	h, ctx := start(t, Options{Users: testUsers()}, nil)
	btn := slack.NewButtonBlockElement("retry", "again", slack.NewTextBlockObject(slack.PlainTextType, "Retry", false, false))
	ts, err := h.api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("Okta timed out", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("", btn)))
	if err != nil {
		t.Fatalf("PostEphemeral: %v", err)
	}
	if _, err := h.fake.Click(ctx, Click{UserID: "U1", ChannelID: "C1", MessageTS: ts, ActionID: "retry"}); err != nil {
		t.Fatalf("Click(retry): %v", err)
	}
	cb := h.next(t, ctx, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	a := cb.ActionCallback.BlockActions[0]
	if !cb.Container.IsEphemeral || cb.Message.Timestamp != "" || a.Value != "again" || !strings.HasPrefix(a.BlockID, "fk") {
		t.Errorf("ephemeral click: is_ephemeral %v, message ts %q, value %q, block_id %q; want true, none, again, a generated id",
			cb.Container.IsEphemeral, cb.Message.Timestamp, a.Value, a.BlockID)
	}
	if _, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(cb.ResponseURL)); err != nil {
		t.Fatalf("delete_original: %v", err)
	}
	if _, ok := h.fake.Current("C1", ts); ok {
		t.Errorf("Current(C1, %s) after delete_original: still there", ts)
	}
	msgs := h.fake.Messages()
	last := msgs[len(msgs)-1]
	if diff := cmp.Diff(Message{Method: "response_url", Channel: "C1", TS: ts, User: "U1", Ephemeral: true, DeleteOriginal: true}, last); diff != "" {
		t.Errorf("delete_original message (-want +got):\n%s", diff)
	}
	if _, err := h.fake.Click(ctx, Click{UserID: "U1", ChannelID: "C1", MessageTS: "1.000001", ActionID: "retry"}); err == nil {
		t.Errorf("Click on an unknown message without ids succeeded, want an error")
	}
}
