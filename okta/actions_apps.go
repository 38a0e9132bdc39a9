package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

func appRef(a intents.App) *intents.Ref { return ref("app", a.ID, a.Label) }

// appByLabel is the state of create_app: whether an app has the label.
// Okta allows duplicate labels; oktabot does not create one.
func appByLabel(ctx context.Context, c *Client, label string) (string, error) {
	a, err := c.resolveApp(ctx, label)
	switch {
	case isNotFound(err):
		return "no app labelled " + quote(label), nil
	case err != nil:
		return "", err
	default:
		return fmt.Sprintf("app %s exists (%s, %s)", quote(a.Label), a.ID, a.Status), nil
	}
}

func createAppSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			const op = "create app"
			body, err := parseBody(op, in.Body)
			if err != nil {
				return intents.Preview{}, err
			}
			var missing []string
			for _, k := range []string{"name", "label", "signOnMode"} {
				if strings.TrimSpace(str(body, k)) == "" {
					missing = append(missing, k)
				}
			}
			if len(missing) > 0 {
				return intents.Preview{}, invalid(op, "Okta's app JSON needs "+strings.Join(missing, ", "))
			}
			label := str(body, "label")
			before, err := appByLabel(ctx, c, label)
			if err != nil {
				return intents.Preview{}, err
			}
			if !strings.HasPrefix(before, "no app") {
				return intents.Preview{}, conflict(op+" "+label, before)
			}
			b, _ := json.Marshal(body)
			return intents.Preview{
				Action:  intents.Action{App: ref("app", "", label), Body: b},
				Summary: fmt.Sprintf("Create the %s app %s (%s), active", str(body, "signOnMode"), quote(label), str(body, "name")),
				Before:  before, After: "app " + quote(label) + " exists (ACTIVE)",
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			if a.App == nil || a.App.Name == "" {
				return "", invalid(string(a.Kind), "the action has no app label")
			}
			return appByLabel(ctx, c, a.App.Name)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			body, err := parseObject(p.Action.Body)
			if err != nil {
				return applied{}, invalid("create app", "the action's body is not a JSON object")
			}
			resp, out, err := c.sendJSON(ctx, "create app "+p.Action.App.Name, intents.ScopeAppsManage, http.MethodPost, "/api/v1/apps", url.Values{"activate": {"true"}}, body)
			if err != nil {
				return applied{}, err
			}
			res := applied{requestID: requestIDOf(resp.Header)}
			if a, err := decodeApp(out); err == nil {
				res.created = appRef(a)
			}
			return res, nil
		},
	}
}

func appObject() object {
	return object{
		what:  "app",
		scope: intents.ScopeAppsManage,
		resolve: func(ctx context.Context, c *Client, in intents.Intent) (intents.Action, json.RawMessage, error) {
			a, err := c.resolveApp(ctx, in.App)
			if err != nil {
				return intents.Action{}, nil, err
			}
			return intents.Action{App: appRef(a)}, a.Raw, nil
		},
		read: func(ctx context.Context, c *Client, a intents.Action) (json.RawMessage, error) {
			r, err := needRef(a, a.App, "app")
			if err != nil {
				return nil, err
			}
			app, err := c.getApp(ctx, r.ID)
			return app.Raw, err
		},
		path: func(a intents.Action) string { return "/api/v1/apps/" + url.PathEscape(a.App.ID) },
		name: func(a intents.Action) string { return "app " + quote(a.App.Name) },
	}
}

func updateAppSpec() actionSpec { return updateObjectSpec(appObject()) }

func appLifecycleSpec(activate bool) actionSpec {
	verb := "Activate"
	if !activate {
		verb = "Deactivate"
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			a, err := c.resolveApp(ctx, in.App)
			if err != nil {
				return intents.Preview{}, err
			}
			before, after, err := lifecycleCheck(strings.ToLower(verb)+" app "+a.Label, "app "+quote(a.Label), a.Status, false, activate)
			if err != nil {
				return intents.Preview{}, err
			}
			users, moreUsers, err := count(items(c.appUserPages(ctx, a.ID, cursor{}, listMax)), maxCount)
			if err != nil {
				return intents.Preview{}, err
			}
			groups, moreGroups, err := count(items(c.appGroupPages(ctx, a.ID, cursor{}, listMax)), maxCount)
			if err != nil {
				return intents.Preview{}, err
			}
			who := "can no longer sign in to it"
			if activate {
				who = "can sign in to it again"
			}
			return intents.Preview{
				Action:  intents.Action{App: appRef(a)},
				Summary: fmt.Sprintf("%s the app %s (%s)", verb, quote(a.Label), a.ID),
				Before:  before, After: after,
				Impact: []string{
					fmt.Sprintf("%s assigned users %s", countOf(users, moreUsers), who),
					fmt.Sprintf("%s assigned groups", countOf(groups, moreGroups)),
				},
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.App, "app")
			if err != nil {
				return "", err
			}
			app, err := c.getApp(ctx, r.ID)
			if err != nil {
				return "", err
			}
			return activeState(app.Status), nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.App.ID
			resp, _, err := c.sdkCall(ctx, strings.ToLower(verb)+" app "+p.Action.App.Name, intents.ScopeAppsManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				if activate {
					return c.api.ApplicationAPI.ActivateApplication(ctx, id).Execute()
				}
				return c.api.ApplicationAPI.DeactivateApplication(ctx, id).Execute()
			})
			if err != nil {
				return applied{}, asConflict(err)
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}
