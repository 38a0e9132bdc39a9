package bot

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// TestExplainAuthCarriesOktasReason: a refused sign-in tells the person
// what Okta refused (a DPoP proof too far from Okta's clock names the
// clock), not only the generic three checks.
func TestExplainAuthCarriesOktasReason(t *testing.T) {
	err := &intents.Error{Err: intents.ErrAuth, Op: "okta: list users",
		Detail: "Okta refused the DPoP proof (The DPoP proof JWT was issued too far in the past): check this machine's clock (NTP)"}
	p := explain(err, intents.Intent{Kind: intents.ListUsers}, "c1")
	if !strings.Contains(p.Hint, "check this machine's clock") || !strings.Contains(p.Hint, "issued too far in the past") {
		t.Errorf("explain(ErrAuth with detail).Hint = %q, want Okta's reason and the clock hint", p.Hint)
	}
	p = explain(&intents.Error{Err: intents.ErrAuth, Op: "okta: token"}, intents.Intent{Kind: intents.ListUsers}, "c2")
	if !strings.Contains(p.Hint, "OKTA_CLIENT_ID") {
		t.Errorf("explain(ErrAuth without detail).Hint = %q, want the three checks", p.Hint)
	}
}

// TestExplainNoAdminRoleForbidden: Okta's 403 to a service app without a
// role is not worded as an empty answer.
func TestExplainNoAdminRoleForbidden(t *testing.T) {
	p := explain(&intents.Error{Err: intents.ErrNoAdminRole, Status: 403}, intents.Intent{Kind: intents.ListUsers}, "c1")
	if strings.Contains(p.Title, "returned nothing") || !strings.Contains(p.Hint, "Read-Only Administrator") {
		t.Errorf("explain(403 no role) = %q / %q, want a refusal with the role to assign", p.Title, p.Hint)
	}
	p = explain(&intents.Error{Err: intents.ErrNoAdminRole}, intents.Intent{Kind: intents.ListUsers}, "c2")
	if !strings.Contains(p.Title, "returned nothing") {
		t.Errorf("explain(empty no role).Title = %q, want the empty-answer wording", p.Title)
	}
}
