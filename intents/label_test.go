package intents

import "testing"

func TestActorLabel(t *testing.T) {
	for _, tc := range []struct {
		a    Actor
		want string
	}{
		{Actor{Type: "AppInstance", AlternateID: "GitHub", DisplayName: "GitHub Enterprise Cloud - Organization"}, "GitHub"},
		{Actor{Type: "AppInstance", DisplayName: "Okta Dashboard"}, "Okta Dashboard"},
		{Actor{Type: "User", AlternateID: "john@company.com", DisplayName: "John Smith"}, "John Smith"},
		{Actor{Type: "User", AlternateID: "john@company.com"}, "john@company.com"},
	} {
		if got := tc.a.Label(); got != tc.want {
			t.Errorf("%+v.Label() = %q, want %q", tc.a, got, tc.want)
		}
	}
}
