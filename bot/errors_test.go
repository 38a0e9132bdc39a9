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
