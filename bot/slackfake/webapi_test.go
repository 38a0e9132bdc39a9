package slackfake

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestTokens(t *testing.T) {
	fake := New(Options{})
	defer fake.Close()
	o := fake.Options()
	client := func(bot, app string) *slack.Client {
		return slack.New(bot, slack.OptionAppLevelToken(app), slack.OptionAPIURL(fake.APIURL()))
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"auth.test bot token", func() error { _, err := client(o.BotToken, "").AuthTest(); return err }, ""},
		{"auth.test wrong token", func() error { _, err := client("xoxb-wrong", "").AuthTest(); return err }, "invalid_auth"},
		{"auth.test no token", func() error { _, err := client("", "").AuthTest(); return err }, "not_authed"},
		{"auth.test app token", func() error { _, err := client(o.AppToken, "").AuthTest(); return err }, "not_allowed_token_type"},
		{"connections.open app token", func() error { _, _, err := client("", o.AppToken).StartSocketModeContext(t.Context()); return err }, ""},
		{"connections.open bot token", func() error { _, _, err := client("", o.BotToken).StartSocketModeContext(t.Context()); return err }, "not_allowed_token_type"},
		{"connections.open wrong token", func() error { _, _, err := client("", "xapp-wrong").StartSocketModeContext(t.Context()); return err }, "invalid_auth"},
		{"postMessage wrong token", func() error {
			_, _, err := client("xoxb-wrong", "").PostMessage("C1", slack.MsgOptionText("x", false))
			return err
		}, "invalid_auth"},
		{"views.open app token", func() error { _, err := client(o.AppToken, "").OpenView("1.2.3", modal("x")); return err }, "not_allowed_token_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call()); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
	if got := fake.Messages(); len(got) != 0 {
		t.Errorf("Messages() = %+v, want none", got)
	}
}

func TestAuthTest(t *testing.T) {
	fake := New(Options{BotUserID: "UOKTA", TeamID: "T1"})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	got, err := api.AuthTestContext(t.Context())
	if err != nil {
		t.Fatalf("AuthTest: %v", err)
	}
	if diff := cmp.Diff([]string{"UOKTA", "T1", DefaultBotID}, []string{got.UserID, got.TeamID, got.BotID}); diff != "" {
		t.Errorf("AuthTest (-want +got):\n%s", diff)
	}
}

func TestUnknownMethodAndFailNext(t *testing.T) {
	fake := New(Options{})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	ctx := t.Context()

	_, err := api.SetTopicOfConversationContext(ctx, "C1", "incidents")
	if got := slackErr(err); got != "unknown_method" {
		t.Errorf("SetTopicOfConversation = %v, want unknown_method", err)
	}
	if diff := cmp.Diff([]string{"conversations.setTopic"}, fake.UnknownCalls()); diff != "" {
		t.Errorf("UnknownCalls() (-want +got):\n%s", diff)
	}

	fake.FailNext("chat.postMessage", "ratelimited")
	fake.FailNext("chat.postMessage", "fatal_error")
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) {
		t.Errorf("PostMessage after FailNext(ratelimited) = %v, want *slack.RateLimitedError", err)
	}
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	if got := slackErr(err); got != "fatal_error" {
		t.Errorf("PostMessage after FailNext(fatal_error) = %v, want fatal_error", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Errorf("PostMessage after the injected failures: %v", err)
	}
	if got := fake.Calls("chat.postMessage"); got != 3 {
		t.Errorf(`Calls("chat.postMessage") = %d, want 3`, got)
	}
}
