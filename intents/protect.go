package intents

import (
	"fmt"
	"strings"
)

// Protection names what oktabot never acts on, even when a proposal was
// approved: break-glass and super-admin logins, admin groups
// (OKTABOT_PROTECTED), and oktabot's own service app.
type Protection struct {
	// Names are logins, emails, group names, app labels or Okta ids,
	// matched without regard to case.
	Names []string
	// ServiceAppID is oktabot's own OAuth client id: an action on that app
	// would cut the bot off.
	ServiceAppID string
}

// Check reports whether the preview touches a protected object, and which.
// It has the shape of ApprovalPolicy.Protected.
func (p Protection) Check(pr Preview) (bool, string) {
	for _, r := range pr.Action.Targets() {
		if r.Type == "app" && p.ServiceAppID != "" && strings.EqualFold(r.ID, p.ServiceAppID) {
			return true, "it is oktabot's own service app"
		}
		for _, n := range p.Names {
			n = strings.TrimSpace(n)
			if n != "" && (strings.EqualFold(n, r.Name) || strings.EqualFold(n, r.ID)) {
				return true, fmt.Sprintf("%s %s is protected (OKTABOT_PROTECTED)", r.Type, r.Name)
			}
		}
	}
	return false, ""
}
