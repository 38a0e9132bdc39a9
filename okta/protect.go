package okta

import (
	"context"
	"encoding/json"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// Protection by identity: the entries of OKTABOT_PROTECTED (logins,
// emails, group names, app labels or ids) are resolved to the Okta ids
// they name when oktabot starts, so that a protected object stays
// protected after a rename, and oktabot's own service app is found by its
// OAuth client id instead of assumed to have it as its app id.

// ResolveProtected resolves each entry to the users (by id, login or
// email), groups (by id or name) and apps (by id, label or name) it names,
// all of them when it names several, and returns their ids, each mapped to
// its entry. unresolved lists the entries that name nothing. An entry is
// matched exactly, without regard to case; a read that fails for another
// reason than "not found" (a missing scope, Okta down) is an error when
// the entry named nothing else.
func (c *Client) ResolveProtected(ctx context.Context, entries []string) (ids map[string]string, unresolved []string, err error) {
	ids = map[string]string{}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		found, err := c.resolveProtected(ctx, e)
		if len(found) == 0 && err != nil {
			return nil, nil, err
		}
		if len(found) == 0 {
			unresolved = append(unresolved, e)
		}
		for _, id := range found {
			ids[id] = e
		}
	}
	return ids, unresolved, nil
}

// resolveProtected returns the ids of what e names, and the first error
// other than "not found" it met on the way.
func (c *Client) resolveProtected(ctx context.Context, e string) ([]string, error) {
	var found []string
	var firstErr error
	note := func(err error) {
		if err != nil && !isNotFound(err) && firstErr == nil {
			firstErr = err
		}
	}
	add := func(id string) {
		for _, f := range found {
			if f == id {
				return
			}
		}
		found = append(found, id)
	}
	if !strings.ContainsAny(e, " /") {
		if u, err := c.getUser(ctx, e); err == nil && exactUser(u, e) {
			add(u.ID)
		} else {
			note(err)
		}
		if strings.Contains(e, "@") {
			us, err := c.usersByEmail(ctx, e)
			note(err)
			for _, u := range us {
				add(u.ID)
			}
		}
	}
	gs, err := c.groupsNamed(ctx, e)
	note(err)
	for _, id := range gs {
		add(id)
	}
	as, err := c.appsNamed(ctx, e)
	note(err)
	for _, id := range as {
		add(id)
	}
	return found, firstErr
}

// groupsNamed returns the ids of the groups whose id or name is s.
func (c *Client) groupsNamed(ctx context.Context, s string) ([]string, error) {
	op := "find group " + s
	var out []string
	if idLike(s, "00g") {
		g, err := c.getGroup(ctx, s)
		if err == nil {
			return []string{g.ID}, nil
		}
		if !isNotFound(err) {
			return nil, err
		}
	}
	for g, err := range items(listPages(ctx, c, op, intents.ScopeGroupsRead, "", func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.GroupAPI.ListGroups(ctx).Search(term("profile.name", "eq", s)).Limit(listMax).Execute()
		return resp, err
	}, decodeGroup)) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(g.Name, s) {
			out = append(out, g.ID)
		}
	}
	return out, nil
}

// appsNamed returns the ids of the apps whose id, label or name is s.
func (c *Client) appsNamed(ctx context.Context, s string) ([]string, error) {
	if idLike(s, "0oa") {
		a, err := c.getApp(ctx, s)
		if err == nil {
			return []string{a.ID}, nil
		}
		if !isNotFound(err) {
			return nil, err
		}
	}
	var out []string
	for a, err := range items(c.appPages(ctx, s, "", cursor{}, listMax)) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(a.Label, s) || a.Name == s {
			out = append(out, a.ID)
		}
	}
	return out, nil
}

// ServiceApp finds oktabot's own service app among the org's apps: the
// one whose OAuth client (credentials.oauthClient.client_id) is this
// client's id. Okta gives an app made in the Admin Console its client id
// as app id, but one made through the API may have a client id of its
// own, so the app is looked for rather than assumed. It is ErrNotFound
// when no app the service app can list has the client id.
func (c *Client) ServiceApp(ctx context.Context) (intents.App, error) {
	op := "find the service app of client " + c.s.clientID
	if idLike(c.s.clientID, "0oa") {
		a, err := c.getApp(ctx, c.s.clientID)
		switch {
		case err == nil && oauthClientID(a.Raw) == c.s.clientID:
			return a, nil
		case err != nil && !isNotFound(err):
			return intents.App{}, err
		}
	}
	for a, err := range items(c.appPages(ctx, "", "", cursor{}, listMax)) {
		if err != nil {
			return intents.App{}, err
		}
		if oauthClientID(a.Raw) == c.s.clientID {
			return a, nil
		}
	}
	if err := c.checkAdminRole(ctx, op); err != nil {
		return intents.App{}, err
	}
	return intents.App{}, notFound(op, "no app of the org has the OAuth client id "+c.s.clientID)
}

// oauthClientID is credentials.oauthClient.client_id of an app's JSON.
func oauthClientID(raw json.RawMessage) string {
	var a struct {
		Credentials struct {
			OAuthClient struct {
				ClientID string `json:"client_id"`
			} `json:"oauthClient"`
		} `json:"credentials"`
	}
	_ = json.Unmarshal(raw, &a)
	return a.Credentials.OAuthClient.ClientID
}
