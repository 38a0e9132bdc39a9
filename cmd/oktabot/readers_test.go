package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/bot/slackfake"
)

func TestLoadReaders(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{" U0ANA, S0SOC ,W0GRID", []string{"U0ANA", "S0SOC", "W0GRID"}, ""},
		{"U0ANA,#security", nil, `OKTABOT_READERS: "#security" is not a Slack user id`},
		{"C0SEC,U0ANA,#sec", nil, "2 problems to fix:\n  - OKTABOT_READERS: \"C0SEC\" is not a Slack user id (U…/W…) or user-group id (S…): copy it from the profile's ⋮ → Copy member ID\n  - OKTABOT_READERS: \"#sec\""},
	}
	for _, tt := range tests {
		vars := map[string]string{"OKTABOT_READERS": tt.in}
		got, err := loadReaders(env(func(k string) string { return vars[k] }))
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("loadReaders(OKTABOT_READERS=%q) = %v, want an error saying %s", tt.in, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("loadReaders(OKTABOT_READERS=%q): %v", tt.in, err)
		default:
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("loadReaders(OKTABOT_READERS=%q) (-want +got):\n%s", tt.in, diff)
			}
		}
	}
}

// `oktabot run` with OKTABOT_READERS answers a reader's DM and refuses a
// stranger's.
func TestRunAnswersReadersInDM(t *testing.T) {
	const reader, stranger = "U0READER", "U0STRANGER"
	fake, vars := runSetup(t, slackfake.Options{Users: map[string]slackfake.User{reader: {Name: "rita"}, stranger: {Name: "sam"}}})
	vars["OKTABOT_DIRECT_MESSAGES"], vars["OKTABOT_READERS"] = "true", reader
	ctx := startRun(t, fake, vars)
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	for _, u := range []string{stranger, reader} {
		if _, err := fake.DirectMessage(wctx, slackfake.DirectMessage{UserID: u, Text: "user john@company.com"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fake.WaitMessage(wctx, func(m slackfake.Message) bool {
		return m.Ephemeral && m.User == stranger && strings.Contains(m.Text, "can't read Okta in a direct message")
	}); err != nil {
		t.Fatalf("no refusal for the stranger: %v", err)
	}
	if _, err := fake.WaitMessage(wctx, func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && m.Channel == "D0READER" && strings.Contains(m.Text, "john@company.com")
	}); err != nil {
		t.Fatalf("no answer in the reader's DM: %v", err)
	}
}
