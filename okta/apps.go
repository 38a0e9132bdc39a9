package okta

import (
	"context"
	"iter"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// appPages lists apps whose label or name starts with text, optionally in
// one status. Apps are decoded from the raw body: the SDK decodes apps
// whose signOnMode is null or unknown to its discriminator (and some SAML
// apps) to empty objects.
func (c *Client) appPages(ctx context.Context, text, status string, from cursor, limit int) iter.Seq2[page[intents.App], error] {
	size := pageSize(limit, listMax)
	const op = "list apps"
	var filter string
	if status != "" {
		filter = term("status", "eq", strings.ToUpper(status))
	}
	return listPages(ctx, c, op, intents.ScopeAppsRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.ApplicationAPI.ListApplications(ctx).Limit(size)
		if text != "" {
			r = r.Q(text)
		}
		if filter != "" {
			r = r.Filter(filter)
		}
		apps, resp, err := r.Execute()
		c.noteDropped(op, emptyOneOfs(apps))
		return resp, err
	}, decodeApp)
}

// getApp reads one app by id.
func (c *Client) getApp(ctx context.Context, id string) (intents.App, error) {
	op := "get app " + id
	_, body, err := c.sdkCall(ctx, op, intents.ScopeAppsRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		app, resp, err := c.api.ApplicationAPI.GetApplication(ctx, id).Execute()
		if app != nil && err == nil && app.GetActualInstance() == nil {
			c.noteDropped(op, 1)
		}
		return resp, err
	})
	if err != nil {
		return intents.App{}, err
	}
	return decodeApp(body)
}

// resolveApp finds an app by id or exact label (or Okta app name).
func (c *Client) resolveApp(ctx context.Context, idOrLabel string) (intents.App, error) {
	s := strings.TrimSpace(idOrLabel)
	op := "find app " + s
	if s == "" {
		return intents.App{}, invalid(op, "give an app's label or id")
	}
	if idLike(s, "0oa") {
		a, err := c.getApp(ctx, s)
		if err == nil || !isNotFound(err) {
			return a, err
		}
	}
	var found []intents.App
	for a, err := range items(c.appPages(ctx, s, "", cursor{}, listMax)) {
		if err != nil {
			return intents.App{}, err
		}
		if strings.EqualFold(a.Label, s) || a.Name == s {
			found = append(found, a)
		}
	}
	return pickOne(ctx, c, op, "app", s, found, func(a intents.App) (string, string) { return a.Label, a.ID })
}

// appUserPages lists an app's user assignments.
func (c *Client) appUserPages(ctx context.Context, appID string, from cursor, limit int) iter.Seq2[page[intents.Assignment], error] {
	size := pageSize(limit, listMax)
	return listPages(ctx, c, "list users of app "+appID, intents.ScopeAppsRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.ApplicationUsersAPI.ListApplicationUsers(ctx, appID).Limit(size).Expand("user")
		_, resp, err := r.Execute()
		return resp, err
	}, decodeAppUser)
}

// appGroupPages lists an app's group assignments, with group names.
func (c *Client) appGroupPages(ctx context.Context, appID string, from cursor, limit int) iter.Seq2[page[intents.Assignment], error] {
	size := pageSize(limit, listMax)
	return listPages(ctx, c, "list groups of app "+appID, intents.ScopeAppsRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.ApplicationGroupsAPI.ListApplicationGroupAssignments(ctx, appID).Limit(size).Expand("group")
		_, resp, err := r.Execute()
		return resp, err
	}, decodeAppGroup)
}

// nameGroups fills in group names the answer did not embed.
func (c *Client) nameGroups(ctx context.Context, as []intents.Assignment) error {
	for i := range as {
		if as[i].Type != "group" || as[i].Name != "" {
			continue
		}
		g, err := c.getGroup(ctx, as[i].ID)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return err
		}
		as[i].Name = g.Name
	}
	return nil
}
