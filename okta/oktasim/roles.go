package oktasim

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Admin roles. Okta makes a person an administrator by assigning a role to
// their user or to a group they are in:
//
//	GET /api/v1/users/{id}/roles   the user's roles: assigned to the user
//	                               (assignmentType USER) and through each
//	                               of their groups (GROUP)
//	GET /api/v1/groups/{id}/roles  the roles assigned to the group
//
// Both need okta.roles.read. Each role is Okta's Role object:
//
//	{"id": "IFIFAX2BIRGUSTQ", "label": "Super Administrator", "type": "SUPER_ADMIN",
//	 "status": "ACTIVE", "created": …, "lastUpdated": …, "assignmentType": "USER",
//	 "_links": {"assignee": {"href": "https://…/api/v1/users/00u…"}}}
//
// where the assignee is the user, or the group the role came through.
//
// A fixture user or group gets roles with "_roles": a list of role types
// ("SUPER_ADMIN") or of objects {"type": "CUSTOM", "label": "…"}.

// roleLabels are Okta's labels of its standard role types (RoleType in
// Okta's OpenAPI description).
var roleLabels = map[string]string{
	"SUPER_ADMIN":                 "Super Administrator",
	"ORG_ADMIN":                   "Organizational Administrator",
	"APP_ADMIN":                   "Application Administrator",
	"USER_ADMIN":                  "Group Administrator",
	"GROUP_MEMBERSHIP_ADMIN":      "Group Membership Administrator",
	"HELP_DESK_ADMIN":             "Help Desk Administrator",
	"READ_ONLY_ADMIN":             "Read-Only Administrator",
	"MOBILE_ADMIN":                "Mobile Administrator",
	"API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
	"API_ADMIN":                   "API Access Management Administrator",
	"REPORT_ADMIN":                "Report Administrator",
}

// role is one role assigned to a user or a group.
type role struct {
	typ, label string
	created    time.Time
}

// roleID is the assignment's id: stable for the same assignee and role, in
// the shape of Okta's (upper-case base32).
func roleID(assignee, typ, label string) string {
	sum := sha256.Sum256([]byte(assignee + "\x00" + typ + "\x00" + label))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])[:24]
}

// parseRoles reads a fixture's "_roles".
func parseRoles(v any, now time.Time) ([]role, error) {
	list, ok := v.([]any)
	if !ok {
		if ss, isStrings := v.([]string); isStrings {
			for _, s := range ss {
				list = append(list, s)
			}
		} else {
			return nil, fmt.Errorf("_roles is %T, want a list of role types or role objects", v)
		}
	}
	var out []role
	for _, item := range list {
		r := role{created: now}
		switch x := item.(type) {
		case string:
			r.typ = x
		case map[string]any:
			r.typ, _ = x["type"].(string)
			r.label, _ = x["label"].(string)
		default:
			return nil, fmt.Errorf("_roles holds %T, want a role type or a role object", item)
		}
		if err := checkRole(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// checkRole checks a role's type and fills in its label.
func checkRole(r *role) error {
	if r.typ == "CUSTOM" {
		if r.label == "" {
			return fmt.Errorf("_roles: a CUSTOM role needs a label")
		}
		return nil
	}
	label, ok := roleLabels[r.typ]
	if !ok {
		return fmt.Errorf("_roles: %q is not an Okta role type (SUPER_ADMIN, ORG_ADMIN, HELP_DESK_ADMIN, … or CUSTOM)", r.typ)
	}
	if r.label == "" {
		r.label = label
	}
	return nil
}

// takeRoles removes a fixture object's "_roles" and returns them.
func takeRoles(obj Object, now time.Time) ([]role, error) {
	v, ok := obj["_roles"]
	delete(obj, "_roles")
	if !ok || v == nil {
		return nil, nil
	}
	return parseRoles(v, now)
}

// setRoles stores the roles of a user or group id. Callers hold o.mu for
// writing (or own o).
func (o *org) setRoles(id string, rs []role) {
	if len(rs) == 0 {
		delete(o.roles, id)
		return
	}
	if o.roles == nil {
		o.roles = map[string][]role{}
	}
	o.roles[id] = rs
}

// rolesOut is a stored object's "_roles" for a snapshot, or nil. Callers
// hold o.mu.
func (o *org) rolesOut(id string) []any {
	rs := o.roles[id]
	if len(rs) == 0 {
		return nil
	}
	out := make([]any, 0, len(rs))
	for _, r := range rs {
		if r.typ == "CUSTOM" {
			out = append(out, Object{"type": r.typ, "label": r.label})
		} else {
			out = append(out, r.typ)
		}
	}
	return out
}

// roleObject is a role as Okta lists it, assigned through assignee (a
// user's or a group's API path).
func roleObject(base, assigneeID, assigneePath, kind string, r role) Object {
	stamp := formatTime(r.created)
	return Object{
		"id": roleID(assigneeID, r.typ, r.label), "label": r.label, "type": r.typ, "status": "ACTIVE",
		"created": stamp, "lastUpdated": stamp, "assignmentType": kind,
		"_links": Object{"assignee": Object{"href": base + assigneePath}},
	}
}

// userRoles is GET /api/v1/users/{id}/roles: the roles assigned to the
// user, then those of each group they are in.
func (s *Server) userRoles(w http.ResponseWriter, r *http.Request, _ *caller) error {
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	u, err := o.userOr404(r)
	if err != nil {
		return err
	}
	base := baseURL(r)
	out := []Object{}
	for _, rl := range o.roles[u.id] {
		out = append(out, roleObject(base, u.id, "/api/v1/users/"+u.id, "USER", rl))
	}
	for _, g := range o.userGroups(u.id) {
		for _, rl := range o.roles[g.id] {
			out = append(out, roleObject(base, g.id, "/api/v1/groups/"+g.id, "GROUP", rl))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// groupRoles is GET /api/v1/groups/{id}/roles.
func (s *Server) groupRoles(w http.ResponseWriter, r *http.Request, _ *caller) error {
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	g, err := o.groupOr404(r)
	if err != nil {
		return err
	}
	base := baseURL(r)
	out := []Object{}
	for _, rl := range o.roles[g.id] {
		out = append(out, roleObject(base, g.id, "/api/v1/groups/"+g.id, "GROUP", rl))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// SetRoles replaces the admin roles assigned to a user (id or login) or a
// group (id or name): role types such as "SUPER_ADMIN"; none takes every
// role away. Tests use it to grant a role while a proposal waits.
func (s *Server) SetRoles(ref string, types ...string) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	id := ""
	if u := o.user(ref); u != nil {
		id = u.id
	} else if g := o.groupByRef(ref); g != nil {
		id = g.id
	}
	if id == "" {
		return fmt.Errorf("oktasim: set roles: %q is no user or group", ref)
	}
	now := s.now()
	var rs []role
	for _, t := range types {
		r := role{typ: t, created: now}
		if err := checkRole(&r); err != nil {
			return fmt.Errorf("oktasim: set roles of %s: %w", ref, err)
		}
		rs = append(rs, r)
	}
	o.setRoles(id, rs)
	return nil
}

// Admins lists the logins of the users who hold an admin role, directly or
// through a group, sorted.
func (s *Server) Admins() []string {
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	var out []string
	for _, u := range o.users.list {
		admin := len(o.roles[u.id]) > 0
		for _, g := range o.userGroups(u.id) {
			admin = admin || len(o.roles[g.id]) > 0
		}
		if admin {
			out = append(out, strings.ToLower(u.str("profile", "login")))
		}
	}
	slices.Sort(out)
	return out
}
