package intents

import (
	"strings"
	"testing"
)

func TestProtection(t *testing.T) {
	p := Protection{
		Names:        []string{"breakglass@company.com", "Okta Admins", "00u000000000000000XX"},
		IDs:          map[string]string{"00g0ADMINS": "Okta Admins", "00u0GLASS": "breakglass@company.com"},
		ServiceAppID: "0oaSERVICE",
	}
	tests := []struct {
		name string
		a    Action
		want string // "" for not protected, else a part of the reason
	}{
		{"protected login, any case", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u1", Name: "BreakGlass@Company.com"}}, "OKTABOT_PROTECTED"},
		{"protected by id", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u000000000000000XX", Name: "x@y.z"}}, "OKTABOT_PROTECTED"},
		{"protected group as target of a membership change", Action{Kind: AddGroupMember, User: &Ref{Type: "user", ID: "00u2", Name: "eve@company.com"}, Group: &Ref{Type: "group", ID: "00g1", Name: "okta admins"}}, "okta admins"},
		{"renamed protected group, by its resolved id", Action{Kind: DeleteGroup, Group: &Ref{Type: "group", ID: "00g0ADMINS", Name: "Former Admins"}}, "OKTABOT_PROTECTED: Okta Admins"},
		{"protected user whose login changed", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u0GLASS", Name: "glass@company.com"}}, "breakglass@company.com"},
		{"own service app by its app id", Action{Kind: DeactivateApp, App: &Ref{Type: "app", ID: "0oaservice", Name: "oktabot"}}, "own service app"},
		{"ordinary user", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u3", Name: "john@company.com"}}, ""},
		{"ordinary group", Action{Kind: DeleteGroup, Group: &Ref{Type: "group", ID: "00g9", Name: "Engineering"}}, ""},
		{"prefix is not a match", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u4", Name: "breakglass@company.com.evil"}}, ""},
		{"a new user has no id", Action{Kind: CreateUser, User: &Ref{Type: "user", Name: "new@company.com"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := p.Check(Preview{Action: tt.a})
			if got != (tt.want != "") {
				t.Fatalf("Check(%+v) = %v (%q), want %v", tt.a, got, why, tt.want != "")
			}
			if got && !strings.Contains(why, tt.want) {
				t.Errorf("Check(%+v) reason %q, want it to name %q", tt.a, why, tt.want)
			}
		})
	}
}

// The zero Protection protects nothing, and never panics on an id-less
// target.
func TestProtectionZero(t *testing.T) {
	if got, why := (Protection{}).Check(Preview{Action: Action{Kind: SuspendUser, User: &Ref{Type: "user"}}}); got {
		t.Errorf("zero Protection protects: %q", why)
	}
}
