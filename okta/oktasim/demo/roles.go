package demo

import "github.com/oktabot/oktabot/okta/oktasim"

// The demo org's administrators. Derek Wilson (IT Manager) holds Super
// Administrator himself, and so does Ryan Patel since Derek granted it to
// him at 03:12 on a Saturday (story d). The group Okta Admins grants
// Organizational Administrator to the IT team and the security leads in
// it, and the group Break Glass grants Super Administrator to the
// emergency accounts.
var (
	demoUserRoles  = map[string][]string{"derek": {"SUPER_ADMIN"}, "ryan": {"SUPER_ADMIN"}}
	demoGroupRoles = map[string][]string{"Okta Admins": {"ORG_ADMIN"}, "Break Glass": {"SUPER_ADMIN"}}
)

// assignRoles adds the demo's admin roles to the fixture's users and
// groups as "_roles".
func (b *demoBuilder) assignRoles(fx *oktasim.Fixture) {
	ids := map[string][]string{}
	for role, types := range demoUserRoles {
		ids[b.role(role).id] = types
	}
	for name, types := range demoGroupRoles {
		ids[b.group(name).id] = types
	}
	for _, list := range [][]oktasim.Object{fx.Users, fx.Groups} {
		for _, obj := range list {
			id, _ := obj["id"].(string)
			if types := ids[id]; types != nil {
				rs := make([]any, len(types))
				for i, t := range types {
					rs[i] = t
				}
				obj["_roles"] = rs
			}
		}
	}
}
