package demo

import "github.com/oktabot/oktabot/okta/oktasim"

// makeDefaultPolicies adds the policies every Okta org is created with
// beyond the demo's own: the IdP discovery policy (every org, one
// immutable default rule routing to the org's sign-in page) and, on
// Identity Engine, the default profile enrollment policy. It runs after
// everything else is built, so the rest of the demo stays as it was.
func (b *demoBuilder) makeDefaultPolicies() {
	org := demoOrgCreated()
	p := b.newPolicy("IDP_DISCOVERY", "Idp Discovery Policy", "The default IdP discovery policy", 1, true, org)
	b.newRule(p, "Default Rule", true, demoAnywhere(nil),
		oktasim.Object{"idp": oktasim.Object{"providers": []any{oktasim.Object{"type": "OKTA"}}, "idpSelectionType": "SPECIFIC"}})
	if b.classic() {
		return
	}
	p = b.newPolicy("PROFILE_ENROLLMENT", "Default Policy", "The default profile enrollment policy", 1, true, org)
	b.newRule(p, "Catch-all Rule", true, nil, oktasim.Object{"profileEnrollment": oktasim.Object{
		"access": "DENY", "preRegistrationInlineHooks": nil, "profileAttributes": []any{},
		"targetGroupIds": nil, "unknownUserAction": "DENY", "activationRequirements": oktasim.Object{"emailVerification": true}}})
}
