package oktasim

import (
	"fmt"
	"net/http"
	"slices"
)

// FeatureITP is Identity Threat Protection, the Identity Engine feature
// that brings the ENTITY_RISK, POST_AUTH_SESSION and CONTINUOUS_ACCESS
// policies (Fixture.Features).
const FeatureITP = "identity_threat_protection"

// How an org answers a list of a policy type whose feature it lacks
// (Fixture.MissingPolicyTypes). Okta documents neither; orgs are seen to
// refuse the type as a Classic org refuses ACCESS_POLICY, or to list none.
const (
	MissingRefused = "refused" // 400 E0000002 "Invalid policy type specified." (the default)
	MissingEmpty   = "empty"   // 200 []
)

// policyNeeds is what an org needs to have a policy type; types not listed
// exist on every org. ACCESS_POLICY and PROFILE_ENROLLMENT are Identity
// Engine's; a Classic org refuses them (400 E0000002 "The request was not
// valid: Invalid policy type specified.", as reported against GET
// /api/v1/policies?type=ACCESS_POLICY on Classic orgs).
var policyNeeds = map[string]struct {
	oie     bool
	feature string
}{
	"ACCESS_POLICY":      {oie: true},
	"PROFILE_ENROLLMENT": {oie: true},
	"ENTITY_RISK":        {oie: true, feature: FeatureITP},
	"POST_AUTH_SESSION":  {oie: true, feature: FeatureITP},
	"CONTINUOUS_ACCESS":  {oie: true, feature: FeatureITP},
}

// policyFeatures are the org's optional features and how it answers for a
// policy type it lacks.
type policyFeatures struct {
	features []string
	missing  string // MissingRefused or MissingEmpty
}

// setFeatures reads the fixture's features. Callers own o.
func (o *org) setFeatures(fx *Fixture) error {
	for _, f := range fx.Features {
		if f != FeatureITP {
			return fmt.Errorf("oktasim: fixture: feature %q: want %q", f, FeatureITP)
		}
	}
	switch fx.MissingPolicyTypes {
	case "", MissingRefused:
		o.policyOrg.missing = MissingRefused
	case MissingEmpty:
		o.policyOrg.missing = MissingEmpty
	default:
		return fmt.Errorf("oktasim: fixture: missing_policy_types %q: want %q or %q", fx.MissingPolicyTypes, MissingRefused, MissingEmpty)
	}
	o.policyOrg.features = slices.Clone(fx.Features)
	return nil
}

// hasPolicyType reports whether the org has policies of type typ (a known
// type); when it does not, missing says how Okta answers a list of them.
func (o *org) hasPolicyType(typ string) (ok bool, missing string) {
	need, gated := policyNeeds[typ]
	switch {
	case !gated:
		return true, ""
	case need.oie && o.classic():
		return false, MissingRefused
	case need.feature != "" && !slices.Contains(o.policyOrg.features, need.feature):
		return false, o.policyOrg.missing
	}
	return true, ""
}

// errPolicyType is Okta's answer to a policy type the org does not have.
func errPolicyType() *apiError {
	return &apiError{status: http.StatusBadRequest, code: "E0000002",
		summary: "The request was not valid: Invalid policy type specified."}
}
