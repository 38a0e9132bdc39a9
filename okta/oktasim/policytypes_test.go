package oktasim

import (
	"strings"
	"testing"
)

// typedPolicies is one policy of each type the fixture's org may hold.
func typedPolicies(types ...string) []Object {
	var out []Object
	for i, t := range types {
		out = append(out, Object{"id": "00pt" + string(rune('a'+i)), "type": t, "name": t + " policy"})
	}
	return out
}

// Which policy types an org lists depends on its engine and features, and
// a type it lacks is refused as Okta refuses it (or, for a missing
// feature, optionally listed empty).
func TestPolicyTypesByOrg(t *testing.T) {
	everywhere := []string{"OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "IDP_DISCOVERY"}
	oie := []string{"ACCESS_POLICY", "PROFILE_ENROLLMENT"}
	itp := []string{"ENTITY_RISK", "POST_AUTH_SESSION", "CONTINUOUS_ACCESS"}
	all := append(append(append([]string{}, everywhere...), oie...), itp...)
	for _, tt := range []struct {
		name    string
		fx      *Fixture
		listed  []string // types listed with their one policy
		empty   []string // types listed as []
		refused []string // types answered 400 E0000002
	}{
		{"classic", &Fixture{Dialect: DialectClassic, Policies: typedPolicies(everywhere...)},
			everywhere, nil, append(append([]string{}, oie...), itp...)},
		{"oie", &Fixture{Policies: typedPolicies(append(append([]string{}, everywhere...), oie...)...)},
			append(append([]string{}, everywhere...), oie...), nil, itp},
		{"oie without itp, listed empty", &Fixture{MissingPolicyTypes: MissingEmpty, Policies: typedPolicies(everywhere...)},
			everywhere, append(append([]string{}, oie...), itp...), nil},
		{"oie with itp", &Fixture{Features: []string{FeatureITP}, Policies: typedPolicies(all...)},
			all, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := newSim(t, tt.fx)
			tok := bearer(t, ts, "okta.policies.read")
			for _, typ := range tt.listed {
				res := call(t, ts, tok, "GET", "/api/v1/policies?type="+typ, nil)
				if l := res.list(t); len(l) != 1 || l[0].(map[string]any)["type"] != typ {
					t.Errorf("GET ?type=%s = %d %s, want its one policy", typ, res.status, res.body)
				}
			}
			for _, typ := range tt.empty {
				if res := call(t, ts, tok, "GET", "/api/v1/policies?type="+typ, nil); res.status != 200 || string(res.body) != "[]" {
					t.Errorf("GET ?type=%s = %d %s, want 200 []", typ, res.status, res.body)
				}
			}
			for _, typ := range tt.refused {
				res := call(t, ts, tok, "GET", "/api/v1/policies?type="+typ, nil)
				if res.status != 400 || res.errorCode(t) != "E0000002" || !strings.Contains(string(res.body), "Invalid policy type specified.") {
					t.Errorf("GET ?type=%s = %d %s, want 400 E0000002 Invalid policy type specified.", typ, res.status, res.body)
				}
			}
		})
	}
	// A Classic org holds no access policy: neither a fixture nor a create.
	if _, err := New(&Fixture{Dialect: DialectClassic, Policies: typedPolicies("ACCESS_POLICY")}); err == nil {
		t.Error("a Classic fixture with an ACCESS_POLICY policy loaded")
	}
	_, ts := newSim(t, &Fixture{Dialect: DialectClassic})
	tok := bearer(t, ts, "okta.policies.manage")
	if res := call(t, ts, tok, "POST", "/api/v1/policies", Object{"type": "ACCESS_POLICY", "name": "Apps"}); res.status != 400 || res.errorCode(t) != "E0000002" {
		t.Errorf("POST an ACCESS_POLICY on Classic = %d %s, want 400 E0000002", res.status, res.body)
	}
	for _, fx := range []*Fixture{{Features: []string{"time_travel"}}, {MissingPolicyTypes: "maybe"}} {
		if _, err := New(fx); err == nil {
			t.Errorf("New(%+v) accepted an unknown feature or answer", fx)
		}
	}
}
