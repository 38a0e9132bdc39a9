package intents

import (
	"strings"
	"testing"
)

// Every policy type and alias of the table parses to its type, the help
// names every type, and an unknown type's error lists them.
func TestPolicyTypeTable(t *testing.T) {
	for _, p := range policyTypeTable {
		for _, s := range append([]string{p.Type, strings.ToLower(p.Type)}, p.Aliases...) {
			if got, err := ValidPolicyType(s); got != p.Type || err != nil {
				t.Errorf("validPolicyType(%q) = %q, %v; want %s", s, got, err, p.Type)
			}
		}
		if p.Short != "" {
			if got, _ := ValidPolicyType(p.Short); got != p.Type {
				t.Errorf("validPolicyType(%q) = %q, want %s", p.Short, got, p.Type)
			}
		}
	}
	for _, typ := range []string{"PROFILE_ENROLLMENT", "IDP_DISCOVERY", "POST_AUTH_SESSION", "ENTITY_RISK"} {
		if !strings.Contains(HelpText(AreaPolicies), typ) {
			t.Errorf("the policies help does not name %s", typ)
		}
		in, err := Parse("/okta policies " + typ)
		if err != nil || in.PolicyType != typ {
			t.Errorf("Parse(policies %s) = %+v, %v", typ, in, err)
		}
	}
	_, err := ValidPolicyType("ROLES")
	if err == nil || !strings.Contains(err.Error(), "ENTITY_RISK (risk)") || !strings.Contains(err.Error(), "OKTA_SIGN_ON (sign-on)") {
		t.Errorf("validPolicyType(ROLES) error = %v, want the list of types", err)
	}
}
