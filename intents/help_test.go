package intents_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		kind intents.Kind
		want string
	}{
		{intents.SuspendUser, "/okta suspend <user> [reason: …]"},
		{intents.Status, "/okta status"},
		{intents.Help, "/okta help [query]"},
		{intents.ListUsers, "/okta users [query] [status:…] [limit:…]"},
		{intents.Logs, "/okta logs [window] [type:…] [user:…] [outcome:…] [query:…] [limit:…]"},
		{intents.LoginHistory, "/okta login-history <user> [window] [limit:…]"},
		{intents.SuspiciousLogins, "/okta suspicious-logins [window] [countries:…] [user:…] [limit:…]"},
		{intents.ListPolicies, "/okta policies [type]"},
		{intents.AddGroupMember, "/okta add-member <user> <group> [reason: …]"},
		{intents.CreateUser, "/okta create-user <user> [attribute:value …] [reason: …]"},
		{intents.UpdateUser, "/okta update-user <user> <attribute:value …> [reason: …]"},
		{intents.CreateApp, "/okta create-app <{Okta JSON}> [reason: …]"},
		{intents.UpdatePolicyRule, "/okta update-rule <policy> <rule> <{Okta JSON}> [reason: …]"},
		{intents.ShowProposal, "/okta proposal <id>"},
		{intents.Unknown, "/okta help"},
		{intents.Kind("no_such_kind"), "/okta help"},
	}
	for _, tt := range tests {
		if got := intents.Usage(tt.kind); got != tt.want {
			t.Errorf("Usage(%s) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

// TestUsageMentionsEveryArgument checks that each kind's usage shows every
// argument it takes, so help never hides one.
func TestUsageMentionsEveryArgument(t *testing.T) {
	show := map[intents.Arg]string{
		intents.ArgFields:     "attribute:value",
		intents.ArgBody:       "{Okta JSON}",
		intents.ArgReason:     "reason:",
		intents.ArgEventType:  "type",
		intents.ArgPolicyType: "type",
	}
	for _, info := range intents.Catalogue {
		u := intents.Usage(info.Kind)
		for _, list := range [][]intents.Arg{info.Positional, info.Required, info.Optional} {
			for _, a := range list {
				want, ok := show[a]
				if !ok {
					want = string(a)
				}
				if !strings.Contains(u, want) {
					t.Errorf("Usage(%s) = %q does not mention %s", info.Kind, u, a)
				}
			}
		}
		for _, a := range info.Required {
			if !strings.Contains(u, "<") {
				t.Errorf("Usage(%s) = %q marks no required argument (needs %s)", info.Kind, u, a)
			}
		}
	}
}

func TestHelpTextAll(t *testing.T) {
	text := intents.HelpText("")
	for _, info := range intents.Catalogue {
		for _, want := range []string{intents.Usage(info.Kind), info.Summary} {
			if !strings.Contains(text, want) {
				t.Errorf("HelpText(\"\") lacks %q (%s)", want, info.Kind)
			}
		}
		for _, v := range info.Verbs[1:] {
			if !strings.Contains(text, v) {
				t.Errorf("HelpText(\"\") lacks the verb %q of %s", v, info.Kind)
			}
		}
	}
	for _, a := range intents.Areas() {
		title := strings.ToUpper(string(a)[:1]) + string(a)[1:]
		if !strings.Contains(text, "\n"+title+"\n") && !strings.HasPrefix(text, title+"\n") {
			t.Errorf("HelpText(\"\") lacks the heading %q", title)
		}
	}
	if !strings.Contains(text, "needs approval") || !strings.Contains(text, "Approve") {
		t.Errorf("HelpText(\"\") does not say that changes need approval")
	}
}

func TestHelpTextArea(t *testing.T) {
	for _, area := range intents.Areas() {
		text := intents.HelpText(area)
		if text == "" {
			t.Fatalf("HelpText(%q) is empty", area)
		}
		if upper := intents.HelpText(intents.Area(strings.ToUpper(string(area)))); upper != text {
			t.Errorf("HelpText(%q) differs from HelpText(%q)", strings.ToUpper(string(area)), area)
		}
		for _, info := range intents.Catalogue {
			has := strings.Contains(text, intents.Usage(info.Kind)+"\n")
			if want := info.Area == area; has != want {
				t.Errorf("HelpText(%q) shows %s: %v, want %v", area, info.Kind, has, want)
			}
		}
		if strings.Contains(text, "Notes") {
			t.Errorf("HelpText(%q) has the grammar notes; only the full help should", area)
		}
	}
	if got := intents.HelpText("no such area"); got != "" {
		t.Errorf("HelpText(\"no such area\") = %q, want \"\"", got)
	}
	if !slices.Contains(intents.Areas(), intents.AreaUserActions) {
		t.Fatalf("Areas() lacks %q", intents.AreaUserActions)
	}
	if !strings.Contains(intents.HelpText(intents.AreaUserActions), "(needs approval)") {
		t.Errorf("HelpText(%q) does not mark actions as needing approval", intents.AreaUserActions)
	}
}
