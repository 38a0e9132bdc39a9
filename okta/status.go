package okta

import (
	"context"
	"errors"
	"slices"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// Status checks the connection for `status` and `oktabot doctor`: it gets
// a token (a failure is returned as the error: ErrAuth with the three
// checks), compares the granted scopes with the requested ones, and lists
// one user to learn whether the service app has an admin role.
func (c *Client) Status(ctx context.Context) (intents.OrgStatus, error) {
	st := intents.OrgStatus{OrgURL: c.OrgURL(), ClientID: c.s.clientID, Requested: slices.Clone(c.s.scopes)}
	tok, err := c.tokens.Token(ctx)
	if err != nil {
		return st, err
	}
	st.TokenType = tok.Type()
	st.TokenExpires = tok.Expires()
	st.Granted = slices.Clone(tok.Scopes())
	for _, s := range c.s.scopes {
		if !hasScope(tok.Scopes(), s) {
			st.Missing = append(st.Missing, s)
		}
	}
	_, body, err := c.sdkCall(ctx, "check admin role", intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.ListUsers(ctx).Limit(1).Execute()
		return resp, err
	})
	switch {
	case errors.Is(err, intents.ErrNoAdminRole):
		st.AdminRoleNote = "Okta refuses to list users (403): " + noRoleHint(intents.ScopeUsersRead)
		return st, nil
	case errors.Is(err, intents.ErrForbidden):
		st.AdminRoleNote = "could not check: listing users is forbidden (" + err.Error() + ")"
		return st, nil
	case err != nil:
		return st, err
	}
	raws, err := decodeList(body)
	if err == nil && len(raws) > 0 {
		st.AdminRole = true
		c.adminMu.Lock()
		c.adminOK = time.Now()
		c.adminMu.Unlock()
		return st, nil
	}
	st.AdminRoleNote = "Okta lists no users: the service app has no admin role; assign it the Read-Only Administrator role (Security › Administrators › Roles)"
	return st, nil
}
