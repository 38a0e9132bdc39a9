package okta

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// policiesOf is one ACTIVE policy per type, named after it.
func policiesOf(types ...string) []oktasim.Object {
	var out []oktasim.Object
	for _, t := range types {
		out = append(out, oktasim.Object{"type": t, "name": t + " policy", "status": "ACTIVE"})
	}
	return out
}

// typeCalls counts the policy lists the simulator saw for typ.
func (h *harness) typeCalls(typ string) int {
	n := 0
	for _, line := range h.seen.all() {
		f := strings.Fields(line)
		u, err := url.ParseRequestURI(f[1])
		if err == nil && u.Path == "/api/v1/policies" && u.Query().Get("type") == typ {
			n++
		}
	}
	return n
}

func policyTypesOf(ps []intents.Policy) []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.Type) {
			out = append(out, p.Type)
		}
	}
	slices.Sort(out)
	return out
}

// On a Classic org `/okta policies` lists every other type and says that
// ACCESS_POLICY (and the Identity Engine types) are not available, asking
// Okta for each refused type once in the client's life.
func TestPoliciesClassicOrg(t *testing.T) {
	classic := []string{"IDP_DISCOVERY", "MFA_ENROLL", "OKTA_SIGN_ON", "PASSWORD"}
	h := newHarness(t, setup{fixture: &oktasim.Fixture{Dialect: oktasim.DialectClassic,
		Users: testOrg().Users, Policies: policiesOf(classic...)}})
	for range 2 {
		r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListPolicies})
		if err != nil {
			t.Fatalf("Query(list_policies) on a Classic org: %v", err)
		}
		if got := policyTypesOf(r.Policies); !slices.Equal(got, classic) {
			t.Errorf("Query(list_policies) on a Classic org listed types %v, want %v", got, classic)
		}
		notes := strings.Join(r.Notes, "\n")
		if !strings.Contains(notes, "ACCESS_POLICY policies are not available on this org (they need Identity Engine)") {
			t.Errorf("Query(list_policies) notes = %q, want ACCESS_POLICY said not available", r.Notes)
		}
	}
	// Asked by name, the type lists nothing, saying why, without a call; a
	// policy named within it cannot exist; a name search over every type
	// skips it.
	r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListPolicies, PolicyType: "ACCESS_POLICY"})
	if err != nil || len(r.Policies) != 0 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "ACCESS_POLICY policies are not available on this org") {
		t.Errorf("Query(list_policies ACCESS_POLICY) on a Classic org = %v notes %q, %v; want none, saying it is not available", r.Policies, r.Notes, err)
	}
	_, err = h.client.Query(t.Context(), intents.Intent{Kind: intents.PolicyRules, Policy: "Apps", PolicyType: "ACCESS_POLICY"})
	if !errors.Is(err, intents.ErrInvalid) || !strings.Contains(err.Error(), "not available on this org") {
		t.Errorf("Query(policy_rules of an ACCESS_POLICY) on a Classic org: error = %v, want ErrInvalid saying the type is not available", err)
	}
	r, err = h.client.Query(t.Context(), intents.Intent{Kind: intents.PolicyRules, Policy: "PASSWORD policy"})
	if err != nil || r.Subject != "PASSWORD policy" {
		t.Errorf("Query(policy_rules by name) on a Classic org = %q, %v", r.Subject, err)
	}
	for _, typ := range []string{"ACCESS_POLICY", "PROFILE_ENROLLMENT", "ENTITY_RISK", "POST_AUTH_SESSION"} {
		if n := h.typeCalls(typ); n != 1 {
			t.Errorf("the adapter asked for %s policies %d times, want once (refused, then remembered)", typ, n)
		}
	}
}

// On an Identity Engine org the other types users ask about are listed
// where the org has them; without Identity Threat Protection the org
// refuses ENTITY_RISK and POST_AUTH_SESSION, or lists none: both work.
func TestPoliciesIdentityEngineTypes(t *testing.T) {
	all := []string{"ACCESS_POLICY", "ENTITY_RISK", "IDP_DISCOVERY", "MFA_ENROLL", "OKTA_SIGN_ON", "PASSWORD", "POST_AUTH_SESSION", "PROFILE_ENROLLMENT"}
	noITP := []string{"ACCESS_POLICY", "IDP_DISCOVERY", "MFA_ENROLL", "OKTA_SIGN_ON", "PASSWORD", "PROFILE_ENROLLMENT"}
	for _, tt := range []struct {
		name  string
		fx    *oktasim.Fixture
		want  []string
		notes []string // types the notes name
	}{
		{"itp", &oktasim.Fixture{Features: []string{oktasim.FeatureITP}, Policies: policiesOf(all...)}, all, nil},
		{"no itp, refused", &oktasim.Fixture{Policies: policiesOf(noITP...)}, noITP, []string{"POST_AUTH_SESSION", "ENTITY_RISK"}},
		{"no itp, empty", &oktasim.Fixture{MissingPolicyTypes: oktasim.MissingEmpty, Policies: policiesOf(noITP...)}, noITP, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.fx.Users = testOrg().Users
			h := newHarness(t, setup{fixture: tt.fx})
			r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListPolicies})
			if err != nil {
				t.Fatalf("Query(list_policies): %v", err)
			}
			if got := policyTypesOf(r.Policies); !slices.Equal(got, tt.want) {
				t.Errorf("Query(list_policies) listed types %v, want %v", got, tt.want)
			}
			if len(r.Notes) != len(tt.notes) {
				t.Errorf("Query(list_policies) notes = %q, want one for each of %v", r.Notes, tt.notes)
			}
			for i, typ := range tt.notes {
				if i < len(r.Notes) && !strings.Contains(r.Notes[i], typ+" policies are not available on this org (they need Identity Engine with Identity Threat Protection)") {
					t.Errorf("note %d = %q, want %s not available", i, r.Notes[i], typ)
				}
			}
			for _, typ := range []string{"PROFILE_ENROLLMENT", "IDP_DISCOVERY"} {
				r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListPolicies, PolicyType: typ})
				if err != nil || len(r.Policies) != 1 || r.Policies[0].Name != typ+" policy" {
					t.Errorf("Query(list_policies %s) = %v, %v; want its policy", typ, r.Policies, err)
				}
			}
		})
	}
}
