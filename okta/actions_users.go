package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// lifecycle is a user status change: the statuses it applies to, where it
// leads and Okta's operation.
type lifecycle struct {
	verb string
	from []string
	to   string
	call func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error)
	// check, when set, refuses a user whom the status alone does not rule
	// out, and returns what the change adds to the blast radius.
	check func(ctx context.Context, c *Client, u intents.User) ([]string, error)
	// says, when set, is what the change does in plain words, after the
	// "VERB login (name): FROM → TO" of every summary.
	says string
	// name is what a refusal calls the change ("a password reset applies
	// to …"); "" means the verb in lower case.
	name string
}

func lifecycleOf(k intents.Kind) lifecycle {
	switch k {
	case intents.SuspendUser:
		return lifecycle{verb: "Suspend", from: []string{"ACTIVE"}, to: "SUSPENDED", call: func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error) {
			return c.api.UserAPI.SuspendUser(ctx, id).Execute()
		}}
	case intents.UnsuspendUser:
		return lifecycle{verb: "Unsuspend", from: []string{"SUSPENDED"}, to: "ACTIVE", call: func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error) {
			return c.api.UserAPI.UnsuspendUser(ctx, id).Execute()
		}}
	case intents.UnlockUser:
		return lifecycle{verb: "Unlock", from: []string{"LOCKED_OUT"}, to: "ACTIVE", call: func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error) {
			return c.api.UserAPI.UnlockUser(ctx, id).Execute()
		}}
	case intents.ExpirePassword:
		return expirePassword
	case intents.ResetPassword:
		return resetPassword
	default: // DeactivateUser
		return lifecycle{verb: "Deactivate", from: []string{"STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED"}, to: "DEPROVISIONED",
			call: func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error) {
				return c.api.UserAPI.DeactivateUser(ctx, id).Execute()
			}}
	}
}

// userStatus is the state of status-based user actions.
func userStatus(ctx context.Context, c *Client, a intents.Action) (string, error) {
	u, err := actionUser(ctx, c, a)
	return u.Status, err
}

// actionUser reads the user an action is about, as it is now.
func actionUser(ctx context.Context, c *Client, a intents.Action) (intents.User, error) {
	r, err := needRef(a, a.User, "user")
	if err != nil {
		return intents.User{}, err
	}
	return c.getUser(ctx, r.ID)
}

// userRef is the Ref of a user.
func userRef(u intents.User) *intents.Ref {
	name := u.Login
	if name == "" {
		name = u.ID
	}
	return ref("user", u.ID, name)
}

// userImpact is the blast radius of acting on a user: their groups and
// app assignments, read concurrently.
func (c *Client) userImpact(ctx context.Context, u intents.User) ([]string, error) {
	var (
		wg     sync.WaitGroup
		groups []intents.Group
		apps   []intents.App
		errs   [2]error
	)
	wg.Go(func() { groups, errs[0] = c.userGroups(ctx, u.ID) })
	wg.Go(func() { apps, errs[1] = c.userApps(ctx, u.ID) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return []string{
		fmt.Sprintf("member of %d groups%s", len(groups), names(groups, func(g intents.Group) string { return g.Name })),
		fmt.Sprintf("%d app assignments%s", len(apps), names(apps, func(a intents.App) string { return a.Label })),
	}, nil
}

// names lists up to five names: ": a, b, c …".
func names[T any](list []T, name func(T) string) string {
	if len(list) == 0 {
		return ""
	}
	var out []string
	for i, v := range list {
		if i == 5 {
			out = append(out, fmt.Sprintf("and %d more", len(list)-5))
			break
		}
		out = append(out, name(v))
	}
	return ": " + strings.Join(out, ", ")
}

func userLifecycleSpec(k intents.Kind) actionSpec {
	if k == intents.UnlockUser {
		return unlockUserSpec()
	}
	return statusSpec(k)
}

// statusSpec is the action of a plain status change.
func statusSpec(k intents.Kind) actionSpec {
	lc := lifecycleOf(k)
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			u, err := c.ResolveUser(ctx, in.User)
			if err != nil {
				return intents.Preview{}, err
			}
			if !slices.Contains(lc.from, u.Status) {
				return intents.Preview{}, conflict(string(k)+" "+u.Login, fmt.Sprintf("%s is %s; %s applies to %s users", u.Login, u.Status, nonEmpty(lc.name, strings.ToLower(lc.verb)), strings.Join(lc.from, ", "))+stoppingHint(k, u.Status))
			}
			var more []string
			if lc.check != nil {
				if more, err = lc.check(ctx, c, u); err != nil {
					return intents.Preview{}, err
				}
			}
			impact, err := c.userImpact(ctx, u)
			if err != nil {
				return intents.Preview{}, err
			}
			summary := fmt.Sprintf("%s %s (%s): %s → %s", lc.verb, u.Login, u.Name(), u.Status, lc.to)
			if lc.says != "" {
				summary += "; " + lc.says
			}
			return intents.Preview{
				Action:  intents.Action{User: userRef(u)},
				Summary: summary,
				Before:  u.Status, After: lc.to, Impact: append(more, impact...),
			}, nil
		},
		state: userStatus,
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.User.ID
			resp, _, err := c.sdkCall(ctx, strings.ToLower(lc.verb)+" "+p.Action.User.Name, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				return lc.call(ctx, c, id)
			})
			if err != nil {
				return applied{}, asConflict(err)
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// stoppingHint says how to stop a user Okta will not suspend although they
// can still sign in: Okta suspends only ACTIVE users.
func stoppingHint(k intents.Kind, status string) string {
	if k == intents.ExpirePassword || k == intents.ResetPassword {
		return passwordHint(k, status)
	}
	if k != intents.SuspendUser {
		return ""
	}
	switch status {
	case "PASSWORD_EXPIRED":
		return ". A PASSWORD_EXPIRED user can still sign in (Okta makes them choose a new password): deactivate them, or clear their sessions, to stop them"
	case "RECOVERY":
		return ". A RECOVERY user can still finish their password reset and sign in: deactivate them to stop them"
	case "LOCKED_OUT":
		return ". A LOCKED_OUT user cannot sign in until unlocked; deactivate them to keep them out for good"
	}
	return ""
}

// signInCredential reads how a user signs in, which the user objects
// decoded elsewhere leave out: whether they have an Okta password
// (credentials.password is present, its value never sent) and their
// credential provider (OKTA, ACTIVE_DIRECTORY, LDAP, FEDERATION, SOCIAL…).
func (c *Client) signInCredential(ctx context.Context, userID string) (hasPassword bool, provider string, err error) {
	_, body, err := c.sdkCall(ctx, "get user "+userID, intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.GetUser(ctx, userID).Execute()
		return resp, err
	})
	if err != nil {
		return false, "", err
	}
	var u struct {
		Credentials struct {
			Password *json.RawMessage `json:"password"`
			Provider struct {
				Type string `json:"type"`
			} `json:"provider"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(body, &u); err != nil {
		return false, "", &intents.Error{Err: intents.ErrUnavailable, Op: "okta: get user " + userID, Detail: "Okta's answer is not a user"}
	}
	return u.Credentials.Password != nil, nonEmpty(u.Credentials.Provider.Type, "OKTA"), nil
}

// activateUserSpec activates a STAGED or DEPROVISIONED user or re-sends
// the activation of a PROVISIONED one. Okta makes a user who has a
// password (or signs in through another provider) ACTIVE at once; one
// without is emailed an activation link and stays PROVISIONED until they
// set a password.
func activateUserSpec() actionSpec {
	state := func(ctx context.Context, c *Client, u intents.User) (string, error) {
		if u.Status != "PROVISIONED" {
			return u.Status, nil
		}
		last, err := c.lastUserEvent(ctx, u.ID, "activation last sent", "user.lifecycle.activate", "user.lifecycle.reactivate")
		return "PROVISIONED; " + last, err
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			u, err := c.ResolveUser(ctx, in.User)
			if err != nil {
				return intents.Preview{}, err
			}
			var summary, after string
			switch u.Status {
			case "STAGED", "DEPROVISIONED":
				hasPassword, provider, err := c.signInCredential(ctx, u.ID)
				if err != nil {
					return intents.Preview{}, err
				}
				switch {
				case hasPassword:
					summary = fmt.Sprintf("Activate %s (%s): %s → ACTIVE; they already have a password and can sign in at once", u.Login, u.Name(), u.Status)
					after = "ACTIVE"
				case provider != "OKTA":
					summary = fmt.Sprintf("Activate %s (%s): %s → ACTIVE; they sign in through %s and can sign in at once", u.Login, u.Name(), u.Status, provider)
					after = "ACTIVE"
				default:
					summary = fmt.Sprintf("Activate %s (%s): %s → PROVISIONED, Okta emails an activation link; they become ACTIVE once they set a password", u.Login, u.Name(), u.Status)
					after = "PROVISIONED (activation email sent)"
				}
			case "PROVISIONED":
				summary = fmt.Sprintf("Re-send the activation of %s (%s), who has not set a password yet", u.Login, u.Name())
				after = "PROVISIONED (activation email sent again)"
			default:
				return intents.Preview{}, conflict("activate "+u.Login, fmt.Sprintf("%s is %s; activation applies to STAGED, PROVISIONED or DEPROVISIONED users", u.Login, u.Status))
			}
			before, err := state(ctx, c, u)
			if err != nil {
				return intents.Preview{}, err
			}
			return intents.Preview{Action: intents.Action{User: userRef(u)}, Summary: summary, Before: before, After: after}, nil
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
			return state(ctx, c, u)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.User.ID
			reactivate := strings.HasPrefix(p.Before, "PROVISIONED")
			resp, _, err := c.sdkCall(ctx, "activate "+p.Action.User.Name, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				if reactivate {
					_, resp, err := c.api.UserAPI.ReactivateUser(ctx, id).SendEmail(true).Execute()
					return resp, err
				}
				_, resp, err := c.api.UserAPI.ActivateUser(ctx, id).SendEmail(true).Execute()
				return resp, err
			})
			if err != nil {
				return applied{}, asConflict(err)
			}
			res := applied{requestID: requestIDOf(resp.Header)}
			if u, err := c.getUser(ctx, id); err == nil {
				res.after = u.Status
			}
			return res, nil
		},
	}
}

// lastUserEvent states when a System Log event of the types last targeted
// the user within the last week. It is how a repeated session clear or
// activation is recognised: Okta has no other record of them.
func (c *Client) lastUserEvent(ctx context.Context, userID, what string, types ...string) (string, error) {
	const window = 7 * 24 * time.Hour
	f := intents.LogFilter{EventTypes: types, Target: userID}
	// No until: the newest events, however recent (until is exclusive and
	// would miss an event of this very millisecond).
	q := logQuery{since: time.Now().Add(-window), filter: logFilter(f, ""), descending: true, pageSize: 1}
	p, err := c.fetchLogPage(ctx, q, "")
	if err != nil {
		return "", err
	}
	if len(p.items) == 0 {
		return what + ": not in the last 7 days", nil
	}
	return what + ": " + p.items[0].Published.UTC().Format(time.RFC3339Nano), nil
}

func clearSessionsSpec() actionSpec {
	state := func(ctx context.Context, c *Client, userID string) (string, error) {
		s, err := c.lastUserEvent(ctx, userID, "sessions last cleared", "user.session.clear")
		switch {
		case intentsForbidden(err):
			return "sessions last cleared: unknown (no okta.logs.read)", nil
		case errors.Is(err, intents.ErrNoAdminRole):
			return "sessions last cleared: unknown (the admin role cannot read the System Log)", nil
		}
		return s, err
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			u, err := c.ResolveUser(ctx, in.User)
			if err != nil {
				return intents.Preview{}, err
			}
			before, err := state(ctx, c, u.ID)
			if err != nil {
				return intents.Preview{}, err
			}
			impact, err := c.userImpact(ctx, u)
			if err != nil {
				return intents.Preview{}, err
			}
			// What Okta's DELETE /users/{id}/sessions?oauthTokens=true does:
			// it ends the user's Okta (identity provider) sessions and
			// revokes the OAuth 2.0 and OpenID Connect tokens Okta issued;
			// it does not end the sessions web and native apps keep.
			impact = append(impact,
				"not ended: the sessions web and native apps keep themselves — they last until each app's own session expires (suspend or deactivate to stop app access)",
				"remembered MFA devices: forgotten on Identity Engine orgs, kept on Classic Engine (Okta's defaults)")
			return intents.Preview{
				Action:  intents.Action{User: userRef(u)},
				Summary: fmt.Sprintf("End the Okta sessions of %s (%s) and revoke the OAuth 2.0 and OpenID Connect access and refresh tokens Okta issued to them; they must sign in to Okta again. Sessions that web and native apps keep themselves are not ended", u.Login, u.Name()),
				Before:  before, After: "Okta sessions ended, OAuth and OpenID Connect tokens revoked; app sessions untouched", Impact: impact,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.User, "user")
			if err != nil {
				return "", err
			}
			if _, err := c.getUser(ctx, r.ID); err != nil {
				return "", err
			}
			return state(ctx, c, r.ID)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.User.ID
			resp, _, err := c.sdkCall(ctx, "clear sessions of "+p.Action.User.Name, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				return c.api.UserAPI.RevokeUserSessions(ctx, id).OauthTokens(true).Execute()
			})
			if err != nil {
				return applied{}, err
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// factorState words a user's factors: "2 factors: push ACTIVE, sms ACTIVE".
func factorState(fs []intents.Factor) string {
	if len(fs) == 0 {
		return "no factors"
	}
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Type+" "+f.Status)
	}
	slices.Sort(parts)
	return fmt.Sprintf("%d factors: %s", len(fs), strings.Join(parts, ", "))
}

func resetFactorsSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			u, err := c.ResolveUser(ctx, in.User)
			if err != nil {
				return intents.Preview{}, err
			}
			if u.Status == "DEPROVISIONED" {
				return intents.Preview{}, conflict("reset factors of "+u.Login, u.Login+" is DEPROVISIONED; Okta cannot reset the factors of a deactivated user")
			}
			fs, err := c.Factors(ctx, u.ID)
			if err != nil {
				return intents.Preview{}, err
			}
			if len(fs) == 0 {
				return intents.Preview{}, conflict("reset factors of "+u.Login, u.Login+" has no enrolled factors; there is nothing to reset")
			}
			warning, companions, err := factorsWarning(ctx, c, u)
			if err != nil {
				return intents.Preview{}, err
			}
			return intents.Preview{
				Action:  intents.Action{User: userRef(u)},
				Summary: fmt.Sprintf("Remove all %d MFA factors of %s (%s); they enroll again at their next sign-in", len(fs), u.Login, u.Name()),
				Before:  factorState(fs), After: factorState(nil),
				Impact:  []string{fmt.Sprintf("%d factors removed%s", len(fs), names(fs, func(f intents.Factor) string { return f.Type }))},
				Warning: warning, Companions: companions,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.User, "user")
			if err != nil {
				return "", err
			}
			fs, err := c.Factors(ctx, r.ID)
			if err != nil {
				return "", err
			}
			return factorState(fs), nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.User.ID
			resp, _, err := c.sdkCall(ctx, "reset factors of "+p.Action.User.Name, intents.ScopeUsersManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				return c.api.UserAPI.ResetFactors(ctx, id).Execute()
			})
			if err != nil {
				return applied{}, asConflict(err)
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// attrName is a profile attribute name a person may set.
var attrName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)

// profileFields checks the fields of create_user and update_user.
func profileFields(op string, fields map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range fields {
		if !attrName.MatchString(k) {
			return nil, invalid(op, quote(k)+" is not a profile attribute name")
		}
		out[k] = strings.TrimSpace(v)
	}
	return out, nil
}

// profileState words the values of keys in a profile, sorted by key.
func profileState(profile map[string]any, keys []string) string {
	obj := map[string]any{}
	for k, v := range profile {
		obj[k] = v
	}
	var paths [][]string
	for _, k := range keys {
		paths = append(paths, []string{k})
	}
	slices.SortFunc(paths, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return describe(obj, paths)
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// profileOf makes an SDK profile from string fields.
func profileOf(fields map[string]string) (oktasdk.UserProfile, error) {
	var p oktasdk.UserProfile
	b, err := json.Marshal(fields)
	if err != nil {
		return p, err
	}
	err = json.Unmarshal(b, &p)
	return p, err
}

// intentsForbidden reports whether err is an ErrForbidden.
func intentsForbidden(err error) bool {
	e, ok := intents.AsError(err)
	return ok && e.Err == intents.ErrForbidden
}
