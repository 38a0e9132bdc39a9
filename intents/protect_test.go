package intents

import "testing"

func TestProtection(t *testing.T) {
	p := Protection{Names: []string{"breakglass@company.com", "Okta Admins", "00u000000000000000XX"}, ServiceAppID: "0oabot"}
	tests := []struct {
		name string
		a    Action
		want bool
	}{
		{"protected login, any case", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u1", Name: "BreakGlass@Company.com"}}, true},
		{"protected by id", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u000000000000000XX", Name: "x@y.z"}}, true},
		{"protected group as target of a membership change", Action{Kind: AddGroupMember, User: &Ref{Type: "user", ID: "00u2", Name: "eve@company.com"}, Group: &Ref{Type: "group", ID: "00g1", Name: "okta admins"}}, true},
		{"own service app", Action{Kind: DeactivateApp, App: &Ref{Type: "app", ID: "0oaBOT", Name: "oktabot"}}, true},
		{"ordinary user", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u3", Name: "john@company.com"}}, false},
		{"prefix is not a match", Action{Kind: SuspendUser, User: &Ref{Type: "user", ID: "00u4", Name: "breakglass@company.com.evil"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := p.Check(Preview{Action: tt.a})
			if got != tt.want {
				t.Errorf("Check(%+v) = %v (%q), want %v", tt.a, got, why, tt.want)
			}
			if got && why == "" {
				t.Error("a refusal without a reason")
			}
		})
	}
}
