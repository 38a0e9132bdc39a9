package okta

import (
	"context"
	"iter"
	"regexp"
	"strings"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// groupPages lists groups whose name starts with text (all when empty).
func (c *Client) groupPages(ctx context.Context, text string, from cursor, limit int) iter.Seq2[page[intents.Group], error] {
	size := pageSize(limit, listMax)
	return listPages(ctx, c, "list groups", intents.ScopeGroupsRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.GroupAPI.ListGroups(ctx).Limit(size)
		if text != "" {
			r = r.Q(text)
		}
		_, resp, err := r.Execute()
		return resp, err
	}, decodeGroup)
}

// memberPages lists a group's members.
func (c *Client) memberPages(ctx context.Context, groupID string, from cursor, limit int) iter.Seq2[page[intents.User], error] {
	size := pageSize(limit, listMax)
	return listPages(ctx, c, "list members of "+groupID, intents.ScopeGroupsRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.GroupAPI.ListGroupUsers(ctx, groupID).Limit(size)
		_, resp, err := r.Execute()
		return resp, err
	}, decodeUser)
}

// groupAppPages lists the apps assigned to a group.
func (c *Client) groupAppPages(ctx context.Context, groupID string, from cursor, limit int) iter.Seq2[page[intents.App], error] {
	size := pageSize(limit, listMax)
	op := "list apps of group " + groupID
	return listPages(ctx, c, op, intents.ScopeGroupsRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.GroupAPI.ListAssignedApplicationsForGroup(ctx, groupID).Limit(size)
		apps, resp, err := r.Execute()
		c.noteDropped(op, emptyOneOfs(apps))
		return resp, err
	}, decodeApp)
}

// getGroup reads one group by id.
func (c *Client) getGroup(ctx context.Context, id string) (intents.Group, error) {
	_, body, err := c.sdkCall(ctx, "get group "+id, intents.ScopeGroupsRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.GroupAPI.GetGroup(ctx, id).Execute()
		return resp, err
	})
	if err != nil {
		return intents.Group{}, err
	}
	return decodeGroup(body)
}

// idLike reports whether s could be an Okta id with one of the prefixes
// (users 00u, groups 00g, apps 0oa, policies 00p/rst, rules 0pr/rul).
func idLike(s string, prefixes ...string) bool {
	if !okID.MatchString(s) {
		return false
	}
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

var okID = regexp.MustCompile(`^[0-9A-Za-z]{3,64}$`)

// resolveGroup finds a group by id or exact name (case-insensitive, an
// exact-case match preferred). Several groups of that name are ErrInvalid
// listing them.
func (c *Client) resolveGroup(ctx context.Context, idOrName string) (intents.Group, error) {
	s := strings.TrimSpace(idOrName)
	op := "find group " + s
	if s == "" {
		return intents.Group{}, invalid(op, "give a group's name or id")
	}
	if idLike(s, "00g") {
		g, err := c.getGroup(ctx, s)
		if err == nil || !isNotFound(err) {
			return g, err
		}
	}
	var found []intents.Group
	for g, err := range items(listPages(ctx, c, op, intents.ScopeGroupsRead, "", func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.GroupAPI.ListGroups(ctx).Search(term("profile.name", "eq", s)).Limit(listMax)
		_, resp, err := r.Execute()
		return resp, err
	}, decodeGroup)) {
		if err != nil {
			return intents.Group{}, err
		}
		if strings.EqualFold(g.Name, s) {
			found = append(found, g)
		}
	}
	return pickOne(ctx, c, op, "group", s, found, func(g intents.Group) (string, string) { return g.Name, g.ID })
}

// pickOne returns the single candidate (an exact-case match wins over
// case-insensitive ones), ErrInvalid listing several, or ErrNotFound (or
// ErrNoAdminRole when the app sees nothing at all).
func pickOne[T any](ctx context.Context, c *Client, op, arg, name string, found []T, key func(T) (name, id string)) (T, error) {
	var zero T
	if len(found) > 1 {
		var exact []T
		for _, f := range found {
			if n, _ := key(f); n == name {
				exact = append(exact, f)
			}
		}
		if len(exact) == 1 {
			return exact[0], nil
		}
		e := &intents.ObjectMatchError{Op: "okta: " + op, Arg: arg, Typed: name}
		for _, f := range found {
			n, id := key(f)
			e.Candidates = append(e.Candidates, intents.Choice{Label: n, ID: id})
		}
		return zero, e
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if err := c.checkAdminRole(ctx, op); err != nil {
		return zero, err
	}
	return zero, notFound(op, "nothing is named "+quote(name))
}

// adminRoleTTL is how long a list that proved the admin role is trusted.
const adminRoleTTL = 5 * time.Minute

// checkAdminRole tells an empty answer from a service app without an admin
// role apart from a real "none": Okta answers such an app's lists with
// 200 [], and every org has at least one user (the admin who made the
// app). It lists one user, unfiltered; none means no admin role.
func (c *Client) checkAdminRole(ctx context.Context, op string) error {
	c.adminMu.Lock()
	ok := !c.adminOK.IsZero() && time.Since(c.adminOK) < adminRoleTTL
	c.adminMu.Unlock()
	if ok {
		return nil
	}
	_, body, err := c.sdkCall(ctx, "check admin role", intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.ListUsers(ctx).Limit(1).Execute()
		return resp, err
	})
	if err != nil {
		return err
	}
	raws, err := decodeList(body)
	if err != nil || len(raws) > 0 {
		c.adminMu.Lock()
		c.adminOK = time.Now()
		c.adminMu.Unlock()
		return nil
	}
	return noAdminRole(op)
}

func noAdminRole(op string) error {
	return &intents.Error{
		Err:    intents.ErrNoAdminRole,
		Op:     "okta: " + op,
		Detail: "Okta lists no users at all, which is how it answers a service app without an admin role: assign the app the Read-Only Administrator role (Security › Administrators › Roles) or a role that covers what it manages",
	}
}
