package okta

import (
	"context"
	"fmt"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// userExists is the state of create_user: whether the login is taken.
func userExists(ctx context.Context, c *Client, login string) (string, error) {
	u, err := c.getUser(ctx, login)
	switch {
	case isNotFound(err):
		return "no user with login " + login, nil
	case err != nil:
		return "", err
	default:
		return fmt.Sprintf("user %s exists (%s, %s)", login, u.ID, u.Status), nil
	}
}

// createUserSpec creates a user from a login and profile fields. Okta's
// default profile needs firstName, lastName, email and login; email
// defaults to the login. The field "activate" (true by default) says
// whether Okta activates the user and emails an activation link.
func createUserSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			login := strings.TrimSpace(in.User)
			op := "create user " + login
			fields, err := profileFields(op, in.Fields)
			if err != nil {
				return intents.Preview{}, err
			}
			activate := true
			if v, ok := fields["activate"]; ok {
				activate = !strings.EqualFold(v, "false") && v != "no"
				delete(fields, "activate")
			}
			if login == "" || strings.ContainsAny(login, " \t\"") {
				return intents.Preview{}, invalid(op, "give the new user's login, e.g. jane@company.com")
			}
			fields["login"] = login
			if fields["email"] == "" {
				if !strings.Contains(login, "@") {
					return intents.Preview{}, invalid(op, "give email:… (the login is not an email address)")
				}
				fields["email"] = login
			}
			var missing []string
			for _, k := range []string{"firstName", "lastName"} {
				if fields[k] == "" {
					missing = append(missing, k+":…")
				}
			}
			if len(missing) > 0 {
				return intents.Preview{}, invalid(op, "Okta needs "+strings.Join(missing, " and "))
			}
			before, err := userExists(ctx, c, login)
			if err != nil {
				return intents.Preview{}, err
			}
			if !strings.HasPrefix(before, "no user") {
				return intents.Preview{}, conflict(op, before)
			}
			after := "STAGED (not activated)"
			summary := fmt.Sprintf("Create user %s (%s %s), staged", login, fields["firstName"], fields["lastName"])
			if activate {
				after = "PROVISIONED (activation email sent)"
				summary = fmt.Sprintf("Create user %s (%s %s) and email an activation link", login, fields["firstName"], fields["lastName"])
			}
			fields["activate"] = fmt.Sprint(activate)
			return intents.Preview{
				Action:  intents.Action{User: ref("user", "", login), Fields: fields},
				Summary: summary, Before: before, After: after,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			if a.User == nil || a.User.Name == "" {
				return "", invalid(string(a.Kind), "the action has no login")
			}
			return userExists(ctx, c, a.User.Name)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			fields := map[string]string{}
			for k, v := range p.Action.Fields {
				if k != "activate" {
					fields[k] = v
				}
			}
			profile, err := profileOf(fields)
			if err != nil {
				return applied{}, invalid("create user", err.Error())
			}
			activate := p.Action.Fields["activate"] != "false"
			resp, body, err := c.sdkCall(ctx, "create user "+p.Action.User.Name, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				_, resp, err := c.api.UserAPI.CreateUser(ctx).Body(oktasdk.CreateUserRequest{Profile: profile}).Activate(activate).Execute()
				return resp, err
			})
			if err != nil {
				return applied{}, err
			}
			u, err := decodeUser(body)
			if err != nil {
				return applied{requestID: requestIDOf(resp.Header)}, nil
			}
			return applied{requestID: requestIDOf(resp.Header), created: userRef(u), after: u.Status}, nil
		},
	}
}

// updateUserSpec changes profile attributes (a partial update).
func updateUserSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			op := "update user " + in.User
			fields, err := profileFields(op, in.Fields)
			if err != nil {
				return intents.Preview{}, err
			}
			if len(fields) == 0 {
				return intents.Preview{}, invalid(op, "give the attributes to change, e.g. department:Finance")
			}
			u, err := c.ResolveUser(ctx, in.User)
			if err != nil {
				return intents.Preview{}, err
			}
			keys := sortedKeys(fields)
			before := profileState(u.Profile, keys)
			target := map[string]any{}
			for k, v := range fields {
				target[k] = v
			}
			after := profileState(target, keys)
			if before == after {
				return intents.Preview{}, conflict(op, u.Login+" already has "+after)
			}
			return intents.Preview{
				Action:  intents.Action{User: userRef(u), Fields: fields},
				Summary: fmt.Sprintf("Change %s of %s (%s)", strings.Join(keys, ", "), u.Login, u.Name()),
				Before:  before, After: after,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.User, "user")
			if err != nil {
				return "", err
			}
			u, err := c.getUser(ctx, r.ID)
			if err != nil {
				return "", err
			}
			return profileState(u.Profile, sortedKeys(a.Fields)), nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			profile, err := profileOf(p.Action.Fields)
			if err != nil {
				return applied{}, invalid("update user", err.Error())
			}
			id := p.Action.User.ID
			resp, _, err := c.sdkCall(ctx, "update user "+p.Action.User.Name, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				_, resp, err := c.api.UserAPI.UpdateUser(ctx, id).User(oktasdk.UpdateUserRequest{Profile: &profile}).Execute()
				return resp, err
			})
			if err != nil {
				return applied{}, err
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}
