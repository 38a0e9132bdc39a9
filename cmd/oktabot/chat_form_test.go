package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/bot/slackfake"
)

// accessReview is a modal with every kind of input the terminal asks for,
// and one it cannot fill.
func accessReview(title string) slack.ModalViewRequest {
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	opt := func(text, value string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(value, plain(text), nil)
	}
	read := opt("Read only", "read")
	app := slack.NewInputBlock("app", plain("App"), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Pick one"), "app_pick", opt("Zoom", "zoom"), opt("Slack", "slack")))
	radio := slack.NewRadioButtonsBlockElement("level_pick", read, opt("Admin", "admin"))
	radio.InitialOption = read
	level := slack.NewInputBlock("level", plain("Level"), nil, radio)
	checks := slack.NewInputBlock("checks", plain("Checks"), plain("What was verified."),
		slack.NewCheckboxGroupsBlockElement("checks_pick", opt("MFA enrolled", "mfa"), opt("On VPN", "vpn")))
	checks.Optional = true
	noteEl := slack.NewPlainTextInputBlockElement(plain("e.g. ticket IT-1"), "note_text")
	noteEl.Multiline, noteEl.MaxLength = true, 40
	note := slack.NewInputBlock("note", plain("Note"), nil, noteEl)
	note.Optional = true
	when := slack.NewInputBlock("when", plain("Review date"), nil, slack.NewDatePickerBlockElement("when_pick"))
	when.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain("Save"), Close: plain("Cancel"),
		CallbackID: "review", NotifyOnClose: true,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Review *access* for john", false, false), nil, nil),
			app, level, checks, note, when,
		}},
	}
}

// Any modal is asked field by field and submitted as Slack would: the
// real slack-go client reads the submission's state, its "errors" ask a
// field again, an update keeps what was answered, and cancel sends
// view_closed to a view that asked for it.
func TestChatFormsAsSlackSendsThem(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fake := slackfake.New(slackfake.Options{
		Users:    map[string]slackfake.User{demoUser: {Name: "analyst"}},
		Channels: map[string]slackfake.Channel{demoChannel: {Name: "security"}},
	})
	defer fake.Close()
	api := slack.New(slackfake.DefaultBotToken, slack.OptionAppLevelToken(slackfake.DefaultAppToken), slack.OptionAPIURL(fake.APIURL()))

	// The app's side: slash commands hand their trigger over, the first
	// submission gets errors back.
	sm := socketmode.New(api)
	triggers := make(chan string, 4)
	interactions := make(chan slack.InteractionCallback, 8)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { _ = sm.RunContext(ctx) })
	wg.Go(func() {
		submissions := 0
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				switch data := evt.Data.(type) {
				case slack.SlashCommand:
					_ = sm.Ack(*evt.Request) // a lost ack fails the test further on
					triggers <- data.TriggerID
				case slack.InteractionCallback:
					if data.Type == slack.InteractionTypeViewSubmission {
						if submissions++; submissions == 1 {
							_ = sm.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"app": "Only Zoom is under review."}))
							interactions <- data
							continue
						}
					}
					_ = sm.Ack(*evt.Request) // a lost ack fails the test further on
					interactions <- data
				}
			}
		}
	})
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}

	out := &syncBuffer{}
	in, typed := io.Pipe()
	done := make(chan error, 1)
	c := &chat{slack: fake, user: demoUser, channel: demoChannel, out: out, wait: time.Minute}
	go func() { done <- c.loop(ctx, in) }()
	pos := waitTerminal(t, ctx, out, done, "the prompt", "you> ", 0)
	typeLine := func(line string) {
		t.Helper()
		if _, err := io.WriteString(typed, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(want string) {
		t.Helper()
		pos = waitTerminal(t, ctx, out, done, want, want, pos)
	}
	step := func(line, want string) {
		t.Helper()
		typeLine(line)
		waitFor(want)
	}
	interaction := func(what string) slack.InteractionCallback {
		t.Helper()
		select {
		case cb := <-interactions:
			return cb
		case <-ctx.Done():
			t.Fatalf("waiting for %s; the terminal shows:\n%s", what, out.String())
		}
		return slack.InteractionCallback{}
	}
	open := func(title string) string {
		t.Helper()
		typeLine("/okta review")
		var tr string
		select {
		case tr = <-triggers:
		case <-ctx.Done():
			t.Fatal("no slash command reached the app")
		}
		v, err := api.OpenViewContext(ctx, tr, accessReview(title))
		if err != nil {
			t.Fatalf("OpenView: %v", err)
		}
		return v.ID
	}

	open("Access review")
	waitFor("📝 Access review: a form.")
	waitFor("Review access for john")
	waitFor("(This terminal cannot fill “Review date”, a datepicker; it is sent empty.)")
	waitFor("  1) [ ] Zoom\n  2) [ ] Slack\n")
	waitFor("App> ")
	step("3", "(Type a number from 1 to 2.)")
	step("1 2", "(Choose one option.)")
	step("2", "Level> ")
	step("", "Checks> ")
	step("2, 1", "Note> ")
	step("a note far too long for the forty characters", "… ")
	step("", "(At most 40 characters; that was 44.)")
	step("line one", "… ")
	step("line two", "… ")
	step("", "⚠️ App: Only Zoom is under review.")
	first := interaction("the first submission")
	waitFor("App> ")
	step("1", "→ submitted “Access review”")
	second := interaction("the second submission")

	values := func(cb slack.InteractionCallback) []string {
		v := cb.View.State.Values
		var checks []string
		for _, o := range v["checks"]["checks_pick"].SelectedOptions {
			checks = append(checks, o.Value)
		}
		_, when := v["when"]
		return []string{string(cb.Type), cb.View.CallbackID, v["app"]["app_pick"].SelectedOption.Value, v["level"]["level_pick"].SelectedOption.Value,
			strings.Join(checks, "+"), v["note"]["note_text"].Value, map[bool]string{true: "date sent", false: "no date"}[when]}
	}
	if diff := cmp.Diff([]string{"view_submission", "review", "slack", "read", "vpn+mfa", "line one\nline two", "no date"}, values(first)); diff != "" {
		t.Errorf("the first submission as slack-go read it (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"view_submission", "review", "zoom", "read", "vpn+mfa", "line one\nline two", "no date"}, values(second)); diff != "" {
		t.Errorf("the second submission as slack-go read it (-want +got):\n%s", diff)
	}
	if first.View.State.Values["app"]["app_pick"].SelectedOption.Text.Text != "Slack" {
		t.Errorf("the chosen option went without its text: %+v", first.View.State.Values["app"]["app_pick"].SelectedOption)
	}

	id := open("Access review")
	waitFor("App> ")
	step("2", "Enter keeps “Read only”.")
	waitFor("Level> ")
	if _, err := api.UpdateViewContext(ctx, accessReview("Access review 2"), "", "", id); err != nil {
		t.Fatalf("UpdateView: %v", err)
	}
	waitFor("📝 Access review 2: oktabot changed the form; what you answered is kept.")
	waitFor("Level> ") // the app was answered before the update
	step("cancel", "→ closed the form “Access review 2”; oktabot was told")
	if cb := interaction("view_closed"); cb.Type != slack.InteractionTypeViewClosed || cb.View.ID != id {
		t.Errorf("after cancel the app got %s for %s, want view_closed for %s", cb.Type, cb.View.ID, id)
	}
	waitFor("you> ")
	_ = typed.Close() // teardown; a close error here decides nothing the test checks
	if err := <-done; err != nil {
		t.Errorf("chat ended with %v", err)
	}
}
