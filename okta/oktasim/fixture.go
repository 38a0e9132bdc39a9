package oktasim

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Object is one Okta API object in Okta's own JSON shape (a user, group,
// app, policy, rule, factor or System Log event), so that real API output
// drops into a fixture unchanged.
type Object = map[string]any

// Fixture is an org: the simulator's starting state.
//
// Besides Okta's own fields, a group may carry "members" (user ids or
// logins) and "apps" (app ids), an app "users" and "groups", and a policy
// "rules" (rule objects). Factors are keyed by user id or login. A User
// actor in Logs with no entry in Users is added as an ACTIVE user. A user
// may carry "_sessions", its open sessions (default: 1 when ACTIVE, else 0).
// A user or group may carry "_roles", the admin roles assigned to it
// (roles.go).
//
// Fields Okta always sends are filled in when missing (ids, timestamps,
// status ACTIVE, an app's name and signOnMode, a rule's type…), and events
// without a "uuid" get one that is stable for the same fixture.
type Fixture struct {
	// Now, when set, shifts every event (and the timestamps of users,
	// groups, apps, policies and factors) so that this instant is the
	// present.
	Now       time.Time           `json:"now,omitzero"`
	Users     []Object            `json:"users"`
	Groups    []Object            `json:"groups"`
	Apps      []Object            `json:"apps"`
	Policies  []Object            `json:"policies"`
	Factors   map[string][]Object `json:"factors"`
	Logs      []Object            `json:"logs"`
	AdminRole *bool               `json:"admin_role,omitempty"` // nil: true
	// NoRoleLists is how lists are answered without an admin role:
	// NoRoleEmpty (the default when empty) or NoRoleForbidden.
	NoRoleLists string `json:"no_role_lists,omitempty"`
	// Dialect is the kind of org: DialectOIE (Identity Engine, the default
	// when empty) or DialectClassic. It decides which API features exist
	// (ACCESS_POLICY only on Identity Engine) and how generated events are
	// written.
	Dialect string `json:"dialect,omitempty"`
	// Features are optional Okta features of the org (FeatureITP).
	Features []string `json:"features,omitempty"`
	// MissingPolicyTypes is how the org answers a list of a policy type
	// whose feature it lacks: MissingRefused (the default) or MissingEmpty.
	MissingPolicyTypes string `json:"missing_policy_types,omitempty"`
	// FactorVerify is what push verifications do until
	// SetVerifyOutcome (or POST /_sim/factor-verify-outcome) changes it,
	// e.g. {"outcome":"reject","delay":"2s","challenge":true} (verify.go).
	// nil: an immediate success without a number challenge.
	FactorVerify *VerifyOutcome `json:"factor_verify,omitempty"`
}

// The two kinds of Okta org.
const (
	DialectOIE     = "oie"
	DialectClassic = "classic"
)

// LoadFixture reads a fixture from a JSON file.
func LoadFixture(path string) (*Fixture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("oktasim: load fixture: %w", err)
	}
	var fx Fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		return nil, fmt.Errorf("oktasim: load fixture %s: %w", path, err)
	}
	return &fx, nil
}
