package slackfake

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func modal(title string) slack.ModalViewRequest {
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	input := slack.NewPlainTextInputBlockElement(plain("Why?"), "reason")
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(title),
		Submit:          plain("Submit"),
		CallbackID:      "deny-reason",
		PrivateMetadata: "p-42",
		Blocks:          slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("why", plain("Reason"), nil, input)}},
	}
}

func TestViews(t *testing.T) {
	clk := newClock()
	h, ctx := start(t, Options{Users: testUsers(), Now: clk.Now}, func(sm *socketmode.Client, evt socketmode.Event) {
		switch {
		case evt.Type == socketmode.EventTypeInteractive:
			_ = sm.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"why": "Too short"}))
		default:
			ackAll(sm, evt)
		}
	})
	trigger := func() string {
		t.Helper()
		if _, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "deny"}); err != nil {
			t.Fatalf("SlashCommand: %v", err)
		}
		return h.next(t, ctx, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand).TriggerID
	}

	t1 := trigger()
	opened, err := h.api.OpenViewContext(ctx, t1, modal("Deny request"))
	if err != nil {
		t.Fatalf("OpenView: %v", err)
	}
	if opened.ID == "" || opened.Hash == "" || opened.CallbackID != "deny-reason" {
		t.Errorf("OpenView = id %q hash %q callback %q", opened.ID, opened.Hash, opened.CallbackID)
	}

	errs := []struct {
		name string
		call func() error
		want string
	}{
		{"reused trigger", func() error { _, err := h.api.OpenViewContext(ctx, t1, modal("Again")); return err }, "exchanged_trigger_id"},
		{"unknown trigger", func() error { _, err := h.api.OpenViewContext(ctx, "1.2.3", modal("Again")); return err }, "invalid_trigger_id"},
		{"expired trigger", func() error {
			tr := trigger()
			clk.Advance(TriggerTTL + 1)
			_, err := h.api.OpenViewContext(ctx, tr, modal("Late"))
			return err
		}, "expired_trigger_id"},
		{"title too long", func() error {
			_, err := h.api.OpenViewContext(ctx, trigger(), modal(strings.Repeat("t", MaxModalTitle+1)))
			return err
		}, "invalid_arguments"},
		{"update with a stale hash", func() error {
			_, err := h.api.UpdateViewContext(ctx, modal("Deny"), "", "1.stale", opened.ID)
			return err
		}, "hash_conflict"},
		{"update unknown view", func() error { _, err := h.api.UpdateViewContext(ctx, modal("Deny"), "", "", "V404"); return err }, "not_found"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call()); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}

	updated, err := h.api.UpdateViewContext(ctx, modal("Deny request (2)"), "", opened.Hash, opened.ID)
	if err != nil {
		t.Fatalf("UpdateView(%s, hash %s): %v", opened.ID, opened.Hash, err)
	}
	if updated.Hash == opened.Hash || updated.Title.Text != "Deny request (2)" {
		t.Errorf("UpdateView = hash %q title %q; want a new hash and the new title", updated.Hash, updated.Title.Text)
	}

	id, err := h.fake.SubmitView(ctx, ViewSubmission{Values: map[string]map[string]string{"why": {"reason": "no"}}})
	if err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	cb := h.next(t, ctx, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	got := []string{string(cb.Type), cb.User.ID, cb.View.ID, cb.View.CallbackID, cb.View.PrivateMetadata, cb.View.State.Values["why"]["reason"].Value}
	want := []string{"view_submission", "U1", opened.ID, "deny-reason", "p-42", "no"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("view_submission as the client saw it (-want +got):\n%s", diff)
	}
	ack, err := h.fake.WaitAck(ctx, id)
	if err != nil {
		t.Fatalf("WaitAck(view_submission): %v", err)
	}
	var action map[string]any
	if err := json.Unmarshal(ack.Payload, &action); err != nil || action["response_action"] != "errors" {
		t.Errorf("view_submission ack payload = %s, want response_action errors", ack.Payload)
	}

	pushed, err := h.api.PushViewContext(ctx, cb.TriggerID, modal("Confirm"))
	if err != nil {
		t.Fatalf("PushView with the submission's trigger: %v", err)
	}
	if pushed.RootViewID != opened.ID || pushed.PreviousViewID != opened.ID {
		t.Errorf("PushView root %q previous %q, want both %s", pushed.RootViewID, pushed.PreviousViewID, opened.ID)
	}

	var methods []string
	for _, v := range h.fake.Views() {
		methods = append(methods, v.Method)
	}
	if diff := cmp.Diff([]string{"views.open", "views.update", "views.push"}, methods); diff != "" {
		t.Errorf("Views() methods (-want +got):\n%s", diff)
	}
	if rej := h.fake.Rejections(); len(rej) != 1 || rej[0].Method != "views.open" || !strings.Contains(rej[0].Messages[0], "/view/title/text") {
		t.Errorf("Rejections() = %+v, want the long title", rej)
	}
}

// Cancel closes a view: the bot hears of it only if the view asked for
// notify_on_close, and the view can be neither submitted nor updated.
func TestCloseView(t *testing.T) {
	h, ctx := start(t, Options{Users: testUsers()}, nil)
	open := func(notify bool) string {
		t.Helper()
		if _, err := h.fake.SlashCommand(ctx, SlashCommand{UserID: "U1", ChannelID: "C1", Text: "deny"}); err != nil {
			t.Fatalf("SlashCommand: %v", err)
		}
		tr := h.next(t, ctx, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand).TriggerID
		m := modal("Deny request")
		m.NotifyOnClose = notify
		v, err := h.api.OpenViewContext(ctx, tr, m)
		if err != nil {
			t.Fatalf("OpenView: %v", err)
		}
		return v.ID
	}

	quiet := open(false)
	changed := h.fake.Changed()
	if id, err := h.fake.CloseView(ctx, ViewClose{ViewID: quiet}); err != nil || id != "" {
		t.Errorf("CloseView(no notify_on_close) = %q, %v; want no envelope", id, err)
	}
	select {
	case <-changed:
	default:
		t.Error("Changed() was not closed by CloseView")
	}

	loud := open(true)
	id, err := h.fake.CloseView(ctx, ViewClose{})
	if err != nil || id == "" {
		t.Fatalf("CloseView(notify_on_close) = %q, %v; want an envelope", id, err)
	}
	cb := h.next(t, ctx, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	got := []string{string(cb.Type), cb.User.ID, cb.View.ID, cb.View.CallbackID, cb.View.PrivateMetadata}
	if diff := cmp.Diff([]string{"view_closed", "U1", loud, "deny-reason", "p-42"}, got); diff != "" {
		t.Errorf("view_closed as the client saw it (-want +got):\n%s", diff)
	}
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Errorf("WaitAck(view_closed): %v", err)
	}

	for _, v := range []string{quiet, loud} {
		if _, err := h.fake.SubmitView(ctx, ViewSubmission{ViewID: v}); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("SubmitView(closed %s) = %v, want an error saying it was closed", v, err)
		}
		if _, err := h.api.UpdateViewContext(ctx, modal("Deny"), "", "", v); slackErr(err) != "not_found" {
			t.Errorf("UpdateView(closed %s) = %v, want not_found", v, err)
		}
		if _, err := h.fake.CloseView(ctx, ViewClose{ViewID: v}); err == nil {
			t.Errorf("CloseView(closed %s) = nil error, want one", v)
		}
	}
}
