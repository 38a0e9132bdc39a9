package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// Admin roles. Okta makes a person an administrator by assigning a role to
// their user or to a group they are in. oktabot keeps its hands off both:
// unless Config.AllowAdminTargets, an action on a user who holds a role,
// or on a group that grants one, is refused with intents.ErrProtected when
// it is proposed (Preview) and again when it runs (Execute), each time
// from the roles Okta lists then (GET /api/v1/users/{id}/roles, which
// includes the roles a user holds through groups, and GET
// /api/v1/groups/{id}/roles; both need okta.roles.read). And no approver
// changes their own account: OwnAccount says whether an action targets the
// approver's Okta user or a group that grants them their role.

// adminRole is one admin role a user holds or a group grants.
type adminRole struct {
	Type  string // SUPER_ADMIN, ORG_ADMIN, …, CUSTOM
	Label string // "Super Administrator"
	// Group is the id of the group the role is assigned to (assignment
	// type GROUP), "" when it is assigned to the user.
	Group string
}

// decodeRoles decodes a list of Okta Role objects.
func decodeRoles(op string, body []byte) ([]adminRole, error) {
	var raw []struct {
		Type           string `json:"type"`
		Label          string `json:"label"`
		AssignmentType string `json:"assignmentType"`
		Links          struct {
			Assignee struct {
				Href string `json:"href"`
			} `json:"assignee"`
		} `json:"_links"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a list of roles"}
	}
	out := make([]adminRole, 0, len(raw))
	for _, r := range raw {
		role := adminRole{Type: r.Type, Label: r.Label}
		if role.Label == "" {
			role.Label = r.Type
		}
		if r.AssignmentType == "GROUP" {
			role.Group = lastSegment(r.Links.Assignee.Href, "/groups/")
		}
		out = append(out, role)
	}
	return out, nil
}

// lastSegment is the path segment after marker in href ("" if none).
func lastSegment(href, marker string) string {
	_, rest, ok := strings.Cut(href, marker)
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "/")
	rest, _, _ = strings.Cut(rest, "?")
	return rest
}

// needRoles refuses a role read the token cannot make, naming the scope.
func (c *Client) needRoles(ctx context.Context, op string) error {
	granted, err := c.granted(ctx)
	if err != nil {
		return err
	}
	if !hasScope(granted, intents.ScopeRolesRead) {
		return &intents.Error{Err: intents.ErrForbidden, Op: "okta: " + op, Scope: intents.ScopeRolesRead,
			Detail: "oktabot reads admin roles to keep its hands off administrators and needs the scope for it: grant it to the service app on its Okta API Scopes tab and request it"}
	}
	return nil
}

// userRoles lists the admin roles a user holds, directly or through a
// group.
func (c *Client) userRoles(ctx context.Context, userID string) ([]adminRole, error) {
	return c.listRoles(ctx, "list admin roles of user "+userID, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.RoleAssignmentAPI.ListAssignedRolesForUser(ctx, userID).Execute()
		return resp, err
	})
}

// groupRoles lists the admin roles a group grants its members.
func (c *Client) groupRoles(ctx context.Context, groupID string) ([]adminRole, error) {
	return c.listRoles(ctx, "list admin roles of group "+groupID, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.RoleAssignmentAPI.ListGroupAssignedRoles(ctx, groupID).Execute()
		return resp, err
	})
}

// listRoles makes one role read (Okta does not page these lists).
func (c *Client) listRoles(ctx context.Context, op string, fetch func(context.Context) (*oktasdk.APIResponse, error)) ([]adminRole, error) {
	if err := c.needRoles(ctx, op); err != nil {
		return nil, err
	}
	_, body, err := c.sdkCall(ctx, op, intents.ScopeRolesRead, fetch)
	if err != nil {
		return nil, err
	}
	return decodeRoles(op, body)
}

// roleNames lists roles' labels once each: "Super Administrator and
// Help Desk Administrator".
func roleNames(rs []adminRole) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Label] {
			seen[r.Label] = true
			names = append(names, r.Label)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// checkAdminTargets refuses, with intents.ErrProtected, an action on a user
// who holds an admin role or on a group that grants one, unless admin
// targets are allowed. Roles it cannot read refuse the action too.
func (c *Client) checkAdminTargets(ctx context.Context, a intents.Action) error {
	if c.s.allowAdmins {
		return nil
	}
	op := string(a.Kind) + " " + targetName(a)
	if u := a.User; u != nil && u.ID != "" {
		rs, err := c.userRoles(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(rs) > 0 {
			return adminTarget(op, fmt.Sprintf("%s holds the Okta admin role %s", orID(u.Name, u.ID), roleNames(rs)))
		}
	}
	if g := a.Group; g != nil && g.ID != "" {
		rs, err := c.groupRoles(ctx, g.ID)
		if err != nil {
			return err
		}
		if len(rs) > 0 {
			return adminTarget(op, fmt.Sprintf("the group %s grants its members the Okta admin role %s", orID(g.Name, g.ID), roleNames(rs)))
		}
	}
	return nil
}

// adminTarget is the refusal of an action on an administrator.
func adminTarget(op, what string) error {
	return &intents.Error{Err: intents.ErrProtected, Op: "okta: " + op,
		Detail: "oktabot does not act on Okta administrators: " + what + ". An Okta admin can make this change in the Admin Console (or oktabot can be allowed to with OKTABOT_ALLOW_ADMIN_TARGETS=true)."}
}

// orID is name, or id when the name is empty.
func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// OwnAccount reports whether action a changes the Okta account of the
// person with this email (an approver, by the email of their Slack
// profile): their own Okta user (the one whose login or email it is), or a
// group that grants them an admin role. why says which, for that person.
// Someone with no Okta user of that login or email owns nothing in Okta.
// Apps that grant an admin role are not considered.
func (c *Client) OwnAccount(ctx context.Context, email string, a intents.Action) (own bool, why string, err error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return false, "", invalid("find own account", "no email to match an Okta user with")
	}
	users, err := c.usersByEmail(ctx, email)
	if err != nil {
		return false, "", err
	}
	for _, u := range users {
		if a.User != nil && a.User.ID == u.ID {
			return true, "it is your own Okta account (" + u.Login + ")", nil
		}
	}
	if a.Group == nil || a.Group.ID == "" {
		return false, "", nil
	}
	for _, u := range users {
		rs, err := c.userRoles(ctx, u.ID)
		if err != nil {
			return false, "", err
		}
		var through []adminRole
		for _, r := range rs {
			if r.Group == a.Group.ID {
				through = append(through, r)
			}
		}
		if len(through) > 0 {
			return true, fmt.Sprintf("the group %s gives you your own Okta admin role %s", orID(a.Group.Name, a.Group.ID), roleNames(through)), nil
		}
	}
	return false, "", nil
}

// usersByEmail finds the users whose login or email is email, without
// regard to case.
func (c *Client) usersByEmail(ctx context.Context, email string) ([]intents.User, error) {
	op := "find users with email " + email
	var out []intents.User
	seen := map[string]bool{}
	search := anyOf(term("profile.login", "eq", email), term("profile.email", "eq", email))
	for u, err := range items(c.searchPages(ctx, op, search)) {
		if err != nil {
			return nil, err
		}
		if !seen[u.ID] && (strings.EqualFold(u.Login, email) || strings.EqualFold(u.Email, email)) {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// AdminTargetsAllowed reports Config.AllowAdminTargets: whether actions on
// Okta administrators are let through.
func (c *Client) AdminTargetsAllowed() bool { return c.s.allowAdmins }
