package okta

import (
	"context"
	"fmt"
	"slices"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// groupFields checks the fields of create_group and update_group: Okta
// groups have a name and a description.
func groupFields(op string, fields map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range fields {
		if k != "name" && k != "description" {
			return nil, invalid(op, "a group has only a name and a description; "+quote(k)+" is neither")
		}
		out[k] = strings.TrimSpace(v)
	}
	if n, ok := out["name"]; ok && n == "" {
		return nil, invalid(op, "a group's name cannot be empty")
	}
	return out, nil
}

// groupByName is the state of create_group: whether the name is taken.
func groupByName(ctx context.Context, c *Client, name string) (string, error) {
	g, err := c.resolveGroup(ctx, name)
	switch {
	case isNotFound(err):
		return "no group named " + quote(name), nil
	case err != nil:
		return "", err
	default:
		return fmt.Sprintf("group %s exists (%s)", quote(g.Name), g.ID), nil
	}
}

// oktaGroupOnly refuses changes to BUILT_IN and APP_GROUP groups, which
// Okta does not let an API change.
func oktaGroupOnly(op string, g intents.Group) error {
	if g.Type != "" && g.Type != "OKTA_GROUP" {
		return invalid(op, fmt.Sprintf("%s is a %s group; Okta does not let the API change it", g.Name, g.Type))
	}
	return nil
}

func groupRef(g intents.Group) *intents.Ref { return ref("group", g.ID, g.Name) }

func createGroupSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			name := strings.TrimSpace(in.Group)
			op := "create group " + name
			fields, err := groupFields(op, in.Fields)
			if err != nil {
				return intents.Preview{}, err
			}
			if name == "" {
				return intents.Preview{}, invalid(op, "give the new group's name")
			}
			delete(fields, "name")
			before, err := groupByName(ctx, c, name)
			if err != nil {
				return intents.Preview{}, err
			}
			if !strings.HasPrefix(before, "no group") {
				return intents.Preview{}, conflict(op, before)
			}
			fields["name"] = name
			return intents.Preview{
				Action:  intents.Action{Group: ref("group", "", name), Fields: fields},
				Summary: "Create the Okta group " + quote(name),
				Before:  before, After: "group " + quote(name) + " exists",
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			if a.Group == nil || a.Group.Name == "" {
				return "", invalid(string(a.Kind), "the action has no group name")
			}
			return groupByName(ctx, c, a.Group.Name)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			name, desc := p.Action.Group.Name, p.Action.Fields["description"]
			gp := oktasdk.GroupProfile{Name: &name}
			if desc != "" {
				gp.Description = &desc
			}
			resp, body, err := c.sdkCall(ctx, "create group "+name, intents.ScopeGroupsManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				_, resp, err := c.api.GroupAPI.CreateGroup(ctx).Group(oktasdk.Group{Profile: &gp}).Execute()
				return resp, err
			})
			if err != nil {
				return applied{}, err
			}
			res := applied{requestID: requestIDOf(resp.Header)}
			if g, err := decodeGroup(body); err == nil {
				res.created = groupRef(g)
			}
			return res, nil
		},
	}
}

// groupState words a group's name and description.
func groupState(g intents.Group, keys []string) string {
	return profileState(map[string]any{"name": g.Name, "description": g.Description}, keys)
}

func updateGroupSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			op := "update group " + in.Group
			fields, err := groupFields(op, in.Fields)
			if err != nil {
				return intents.Preview{}, err
			}
			if len(fields) == 0 {
				return intents.Preview{}, invalid(op, "give name:… or description:…")
			}
			g, err := c.resolveGroup(ctx, in.Group)
			if err != nil {
				return intents.Preview{}, err
			}
			if err := oktaGroupOnly(op, g); err != nil {
				return intents.Preview{}, err
			}
			keys := sortedKeys(fields)
			target := g
			if v, ok := fields["name"]; ok {
				target.Name = v
			}
			if v, ok := fields["description"]; ok {
				target.Description = v
			}
			before, after := groupState(g, keys), groupState(target, keys)
			if before == after {
				return intents.Preview{}, conflict(op, g.Name+" already has "+after)
			}
			return intents.Preview{
				Action:  intents.Action{Group: groupRef(g), Fields: fields},
				Summary: fmt.Sprintf("Change the %s of group %s", strings.Join(keys, " and "), quote(g.Name)),
				Before:  before, After: after,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.Group, "group")
			if err != nil {
				return "", err
			}
			g, err := c.getGroup(ctx, r.ID)
			if err != nil {
				return "", err
			}
			return groupState(g, sortedKeys(a.Fields)), nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.Group.ID
			g, err := c.getGroup(ctx, id)
			if err != nil {
				return applied{}, err
			}
			name, desc := g.Name, g.Description
			if v, ok := p.Action.Fields["name"]; ok {
				name = v
			}
			if v, ok := p.Action.Fields["description"]; ok {
				desc = v
			}
			gp := oktasdk.GroupProfile{Name: &name, Description: &desc}
			resp, _, err := c.sdkCall(ctx, "update group "+g.Name, intents.ScopeGroupsManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				_, resp, err := c.api.GroupAPI.ReplaceGroup(ctx, id).Group(oktasdk.Group{Profile: &gp}).Execute()
				return resp, err
			})
			if err != nil {
				return applied{}, err
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// maxCount bounds the counts of a blast radius.
const maxCount = 10000

func deleteGroupSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			g, err := c.resolveGroup(ctx, in.Group)
			if err != nil {
				return intents.Preview{}, err
			}
			op := "delete group " + g.Name
			if err := oktaGroupOnly(op, g); err != nil {
				return intents.Preview{}, err
			}
			members, moreMembers, err := count(items(c.memberPages(ctx, g.ID, cursor{}, listMax)), maxCount)
			if err != nil {
				return intents.Preview{}, err
			}
			var apps []intents.App
			for a, err := range items(c.groupAppPages(ctx, g.ID, cursor{}, listMax)) {
				if err != nil {
					return intents.Preview{}, err
				}
				apps = append(apps, a)
			}
			return intents.Preview{
				Action:  intents.Action{Group: groupRef(g)},
				Summary: "Delete the group " + quote(g.Name),
				Before:  "group " + quote(g.Name) + " exists", After: "group deleted",
				Impact: []string{
					countOf(members, moreMembers) + " members lose the membership",
					fmt.Sprintf("%d apps assigned through the group%s", len(apps), names(apps, func(a intents.App) string { return a.Label })),
				},
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.Group, "group")
			if err != nil {
				return "", err
			}
			g, err := c.getGroup(ctx, r.ID)
			if err != nil {
				return "", err
			}
			return "group " + quote(g.Name) + " exists", nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.Group.ID
			resp, _, err := c.sdkCall(ctx, "delete group "+p.Action.Group.Name, intents.ScopeGroupsManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				return c.api.GroupAPI.DeleteGroup(ctx, id).Execute()
			})
			if err != nil {
				return applied{}, err
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// membership words whether a user is in a group.
func membership(ctx context.Context, c *Client, userID, groupID string) (string, error) {
	gs, err := c.userGroups(ctx, userID)
	if err != nil {
		return "", err
	}
	if slices.ContainsFunc(gs, func(g intents.Group) bool { return g.ID == groupID }) {
		return "member", nil
	}
	return "not a member", nil
}

func memberSpec(add bool) actionSpec {
	before, after, verb := "not a member", "member", "Add"
	if !add {
		before, after, verb = after, before, "Remove"
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			u, err := c.ResolveUser(ctx, in.User)
			if err != nil {
				return intents.Preview{}, err
			}
			g, err := c.resolveGroup(ctx, in.Group)
			if err != nil {
				return intents.Preview{}, err
			}
			op := strings.ToLower(verb) + " " + u.Login + " in group " + g.Name
			if err := oktaGroupOnly(op, g); err != nil {
				return intents.Preview{}, err
			}
			cur, err := membership(ctx, c, u.ID, g.ID)
			if err != nil {
				return intents.Preview{}, err
			}
			if cur != before {
				state := "already a member of"
				if !add {
					state = "not a member of"
				}
				return intents.Preview{}, conflict(op, fmt.Sprintf("%s is %s %s", u.Login, state, quote(g.Name)))
			}
			var apps []intents.App
			for a, err := range items(c.groupAppPages(ctx, g.ID, cursor{}, listMax)) {
				if err != nil {
					return intents.Preview{}, err
				}
				apps = append(apps, a)
			}
			gains := "gains"
			summary := fmt.Sprintf("Add %s (%s) to the group %s", u.Login, u.Name(), quote(g.Name))
			if !add {
				gains = "loses (unless assigned otherwise)"
				summary = fmt.Sprintf("Remove %s (%s) from the group %s", u.Login, u.Name(), quote(g.Name))
			}
			return intents.Preview{
				Action:  intents.Action{User: userRef(u), Group: groupRef(g)},
				Summary: summary, Before: before, After: after,
				Impact: []string{fmt.Sprintf("%s %s %d apps assigned to the group%s", u.Login, gains, len(apps), names(apps, func(a intents.App) string { return a.Label }))},
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			u, err := needRef(a, a.User, "user")
			if err != nil {
				return "", err
			}
			g, err := needRef(a, a.Group, "group")
			if err != nil {
				return "", err
			}
			if _, err := c.getGroup(ctx, g.ID); err != nil {
				return "", err
			}
			return membership(ctx, c, u.ID, g.ID)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			uid, gid := p.Action.User.ID, p.Action.Group.ID
			resp, _, err := c.sdkCall(ctx, strings.ToLower(verb)+" member "+p.Action.User.Name, intents.ScopeGroupsManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				if add {
					return c.api.GroupAPI.AssignUserToGroup(ctx, gid, uid).Execute()
				}
				return c.api.GroupAPI.UnassignUserFromGroup(ctx, gid, uid).Execute()
			})
			if err != nil {
				return applied{}, err
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}
