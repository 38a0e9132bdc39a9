package freetext_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// TestGrounded checks a model's answers against the request they answer.
func TestGrounded(t *testing.T) {
	tests := []struct {
		name string
		text string
		in   I
		want I // the zero Intent: rejected
	}{
		{"user in the text", "is John@Company.com compromised?", I{Kind: intents.Investigate, User: "john@company.com"}, I{Kind: intents.Investigate, User: "john@company.com"}},
		{"mention in the text", "look into <@U024BE7LH|bob>", I{Kind: intents.Investigate, User: "<@U024BE7LH>"}, I{Kind: intents.Investigate, User: "<@U024BE7LH>"}},
		{"invented user", "is anyone compromised?", I{Kind: intents.Investigate, User: "john@company.com"}, I{}},
		{"invented group", "who is in the admins group?", I{Kind: intents.GroupMembers, Group: "Okta Super Admins"}, I{}},
		{"invented proposal", "show the proposal", I{Kind: intents.ShowProposal, ID: "p-7Q2MXK"}, I{}},
		{"explicit action", "please suspend john@company.com, he clicked a link", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a link"}, I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a link"}},
		{"log out for clear sessions", "log jdoe out", I{Kind: intents.ClearSessions, User: "jdoe"}, I{Kind: intents.ClearSessions, User: "jdoe"}},
		{"disable an app", "disable the Zoom app", I{Kind: intents.DeactivateApp, App: "Zoom"}, I{Kind: intents.DeactivateApp, App: "Zoom"}},
		{"action from a worry", "john@company.com looks compromised", I{Kind: intents.SuspendUser, User: "john@company.com"}, I{}},
		{"action from a question", "should we suspend john@company.com?", I{Kind: intents.SuspendUser, User: "john@company.com"}, I{}},
		{"action negated", "don't suspend john@company.com", I{Kind: intents.SuspendUser, User: "john@company.com"}, I{}},
		{"action under a condition", "if john@company.com is hacked, suspend him", I{Kind: intents.SuspendUser, User: "john@company.com"}, I{}},
		{"another action than asked", "unlock john@company.com", I{Kind: intents.DeactivateUser, User: "john@company.com"}, I{}},
		{"one of two actions", "suspend john@company.com and reset his mfa", I{Kind: intents.SuspendUser, User: "john@company.com"}, I{}},
		{"disable a user is vague", "disable john@company.com", I{Kind: intents.DeactivateUser, User: "john@company.com"}, I{}},
		{"an idiom of the catalogue", "freeze john@company.com", I{Kind: intents.SuspendUser, User: "john@company.com"}, I{Kind: intents.SuspendUser, User: "john@company.com"}},
		{"an idiom around its target", "let jdoe back in", I{Kind: intents.UnsuspendUser, User: "jdoe"}, I{Kind: intents.UnsuspendUser, User: "jdoe"}},
		{"an idiom of a membership", "take jdoe out of Admins", I{Kind: intents.RemoveGroupMember, User: "jdoe", Group: "Admins"}, I{Kind: intents.RemoveGroupMember, User: "jdoe", Group: "Admins"}},
		{"an idiom of another action", "freeze john@company.com", I{Kind: intents.DeactivateUser, User: "john@company.com"}, I{}},
		{"an app's idiom on a user", "turn off jdoe", I{Kind: intents.DeactivateUser, User: "jdoe"}, I{}},
		{"an idiom negated", "don't freeze jdoe", I{Kind: intents.SuspendUser, User: "jdoe"}, I{}},
		{"window from a day", "failed logins yesterday", I{Kind: intents.FailedLogins}, I{Kind: intents.FailedLogins, Since: ftYesterday, Until: ftToday}},
		{"window of the model kept", "failed logins in the last day", I{Kind: intents.FailedLogins, Window: hrs(24)}, I{Kind: intents.FailedLogins, Window: hrs(24)}},
		{"no window for a kind without one", "users created yesterday", I{Kind: intents.ListUsers}, I{Kind: intents.ListUsers}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.Grounded(tt.text, tt.in, ftNow)
			if tt.want.Kind == "" {
				if !errors.Is(err, intents.ErrInvalid) || !cmp.Equal(I{}, got) {
					t.Errorf("Grounded(%q, %+v) = %+v, %v; want it rejected", tt.text, tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Grounded(%q, %+v) error: %v", tt.text, tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Grounded(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestIsSlashAndPlainText(t *testing.T) {
	for _, tt := range []struct {
		text  string
		slash bool
	}{
		{"/okta logs 48h", true},
		{"/okta suspnd john", true},
		{"investigate john@company.com 7d", true},
		{"@oktabot users status:SUSPENDED", true},
		{"", true},
		{"investigate john@company.com for suspicious activity", false},
		{"add john@company.com to the Finance Team group", false},
		{"show me admin actions in the last 48 hours", false},
	} {
		if got := freetext.IsSlash(tt.text); got != tt.slash {
			t.Errorf("IsSlash(%q) = %v, want %v", tt.text, got, tt.slash)
		}
	}
	const in = "  @oktabot hey, who is <mailto:a@b.co|a@b.co> &amp; <@U1|x>?"
	if got, want := freetext.PlainText(in), "who is a@b.co & <@U1>?"; got != want {
		t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
	}
}
