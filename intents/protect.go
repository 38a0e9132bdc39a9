package intents

import (
	"fmt"
	"strings"
)

// Protection names what oktabot never acts on, even when a proposal was
// approved: break-glass and super-admin logins, admin groups
// (OKTABOT_PROTECTED), and oktabot's own service app.
//
// Check answers from memory. Protection by identity needs the names
// resolved to Okta ids first (at start-up), so that a protected group
// stays protected after a rename; admin roles are checked by the Okta
// adapter, which reads them when a change is proposed and again when it
// runs.
type Protection struct {
	// Names are logins, emails, group names, app labels or Okta ids as
	// configured, matched without regard to case against a target's name
	// and id.
	Names []string
	// IDs are the Okta ids the Names resolved to, each mapped to the entry
	// of Names that named it.
	IDs map[string]string
	// ServiceAppID is the Okta id of oktabot's own service app (found by
	// its OAuth client id): an action on that app would cut the bot off.
	ServiceAppID string
}

// Check reports whether the preview touches a protected object, and which.
// It has the shape of ApprovalPolicy.Protected.
func (p Protection) Check(pr Preview) (bool, string) {
	for _, r := range pr.Action.Targets() {
		if r.Type == "app" && p.ServiceAppID != "" && strings.EqualFold(r.ID, p.ServiceAppID) {
			return true, "it is oktabot's own service app"
		}
		if entry, ok := p.IDs[r.ID]; ok && r.ID != "" {
			return true, fmt.Sprintf("%s %s is protected (OKTABOT_PROTECTED: %s)", r.Type, refLabel(r), entry)
		}
		for _, n := range p.Names {
			n = strings.TrimSpace(n)
			if n != "" && (strings.EqualFold(n, r.Name) || strings.EqualFold(n, r.ID)) {
				return true, fmt.Sprintf("%s %s is protected (OKTABOT_PROTECTED)", r.Type, refLabel(r))
			}
		}
	}
	return false, ""
}

// refLabel names an object by its name, or its id when it has none.
func refLabel(r Ref) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}
