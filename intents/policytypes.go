package intents

import (
	"slices"
	"strings"
)

// PolicyType is an Okta policy type oktabot reads: Okta's name, the words
// people use for it, and the orgs that have it.
type PolicyType struct {
	Type    string   // Okta's type, e.g. OKTA_SIGN_ON
	Aliases []string // other names accepted (upper case, words joined by _)
	Short   string   // the alias shown in help ("" : none)
	Needs   string   // the orgs that have it ("" : every org)
}

// policyTypeTable is the one list of policy types: validation, the help,
// the model's tool schema and the Okta adapter all read it.
var policyTypeTable = []PolicyType{
	{Type: "OKTA_SIGN_ON", Aliases: []string{"SIGN_ON", "SIGNON", "OKTA_SIGNON", "GLOBAL_SESSION"}, Short: "sign-on"},
	{Type: "PASSWORD"},
	{Type: "MFA_ENROLL", Aliases: []string{"MFA", "MFA_ENROLLMENT", "AUTHENTICATOR_ENROLLMENT"}, Short: "mfa"},
	{Type: "ACCESS_POLICY", Aliases: []string{"ACCESS", "AUTHENTICATION", "APP_SIGN_ON"}, Short: "access",
		Needs: "Identity Engine"},
	{Type: "PROFILE_ENROLLMENT", Aliases: []string{"PROFILE", "REGISTRATION", "SELF_SERVICE_REGISTRATION"}, Short: "profile",
		Needs: "Identity Engine"},
	{Type: "IDP_DISCOVERY", Aliases: []string{"IDP", "ROUTING", "ROUTING_RULES", "IDP_ROUTING"}, Short: "idp"},
	{Type: "POST_AUTH_SESSION", Aliases: []string{"SESSION_PROTECTION", "POST_AUTH"}, Short: "session-protection",
		Needs: "Identity Engine with Identity Threat Protection"},
	{Type: "ENTITY_RISK", Aliases: []string{"RISK", "ENTITY_RISK_POLICY"}, Short: "risk",
		Needs: "Identity Engine with Identity Threat Protection"},
}

// PolicyTypes lists the policy types oktabot reads, in the order it lists
// them.
func PolicyTypes() []string {
	out := make([]string, len(policyTypeTable))
	for i, p := range policyTypeTable {
		out[i] = p.Type
	}
	return out
}

// PolicyTypeInfo returns the entry of an Okta policy type.
func PolicyTypeInfo(typ string) (PolicyType, bool) {
	i := slices.IndexFunc(policyTypeTable, func(p PolicyType) bool { return p.Type == typ })
	if i < 0 {
		return PolicyType{}, false
	}
	return policyTypeTable[i], true
}

// ValidPolicyType accepts Okta's policy types and their aliases.
func ValidPolicyType(s string) (string, error) {
	w := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToUpper(strings.TrimSpace(s)))
	for _, p := range policyTypeTable {
		if w == p.Type || slices.Contains(p.Aliases, w) {
			return p.Type, nil
		}
	}
	return "", Invalid("%q is not a policy type: use %s", Excerpt(s), policyTypeList())
}

// policyTypeList words the types for people: "OKTA_SIGN_ON (sign-on),
// PASSWORD, … or ENTITY_RISK (risk)".
func policyTypeList() string {
	var parts []string
	for _, p := range policyTypeTable {
		s := p.Type
		if p.Short != "" {
			s += " (" + p.Short + ")"
		}
		parts = append(parts, s)
	}
	return orList(parts)
}

// orList words choices for people: "A, B or C".
func orList(parts []string) string {
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
