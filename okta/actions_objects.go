package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// This file holds what the app, policy and rule actions share: they take
// Okta's own JSON, which is sent as it is (not through an SDK oneOf model
// that could drop fields), and updates merge it into the current object
// because Okta's PUT replaces the whole object.

// object is an app, policy or rule action's view of one kind of object.
type object struct {
	what  string // "app", "policy", "rule"
	scope string // the manage scope
	// resolve finds the target of an intent: the action's refs and the
	// object's current JSON.
	resolve func(ctx context.Context, c *Client, in intents.Intent) (intents.Action, json.RawMessage, error)
	// read re-reads the target of a resolved action.
	read func(ctx context.Context, c *Client, a intents.Action) (json.RawMessage, error)
	// path is the object's API path.
	path func(a intents.Action) string
	// name names the target of an action.
	name func(a intents.Action) string
}

// sendJSON sends a JSON body through the client's transport.
func (c *Client) sendJSON(ctx context.Context, op, scope, method, path string, query url.Values, body map[string]any) (*http.Response, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, nil, invalid(op, "the body does not encode as JSON")
	}
	target := c.s.org.String() + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	return c.rawCall(ctx, op, scope, method, target, bytes.NewReader(b))
}

// updateObjectSpec merges the intent's body into the object and PUTs it.
// Before and After state the values at the body's paths; a body that
// changes nothing is refused.
func updateObjectSpec(o object) actionSpec {
	describeRaw := func(raw json.RawMessage, body map[string]any) (string, map[string]any, error) {
		cur, err := parseObject(raw)
		if err != nil {
			return "", nil, fmt.Errorf("okta: the current %s is not a JSON object", o.what)
		}
		return describe(cur, leafPaths(body)), cur, nil
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			op := "update " + o.what
			body, err := parseBody(op, in.Body)
			if err != nil {
				return intents.Preview{}, err
			}
			a, raw, err := o.resolve(ctx, c, in)
			if err != nil {
				return intents.Preview{}, err
			}
			before, cur, err := describeRaw(raw, body)
			if err != nil {
				return intents.Preview{}, err
			}
			if t := str(body, "type"); t != "" && t != str(cur, "type") {
				return intents.Preview{}, invalid(op, fmt.Sprintf("the type of %s cannot change (%s → %s)", o.name(a), str(cur, "type"), t))
			}
			after := describe(merge(cur, body), leafPaths(body))
			if before == after {
				return intents.Preview{}, conflict(op+" "+o.name(a), o.name(a)+" already has "+after)
			}
			a.Body, _ = json.Marshal(body)
			return intents.Preview{
				Action:  a,
				Summary: fmt.Sprintf("Change %s of %s", pathList(body), o.name(a)),
				Before:  before, After: after,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			body, err := parseObject(a.Body)
			if err != nil {
				return "", invalid(string(a.Kind), "the action's body is not a JSON object")
			}
			raw, err := o.read(ctx, c, a)
			if err != nil {
				return "", err
			}
			s, _, err := describeRaw(raw, body)
			return s, err
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			op := "update " + o.name(p.Action)
			body, err := parseObject(p.Action.Body)
			if err != nil {
				return applied{}, invalid(op, "the action's body is not a JSON object")
			}
			raw, err := o.read(ctx, c, p.Action)
			if err != nil {
				return applied{}, err
			}
			cur, err := parseObject(raw)
			if err != nil {
				return applied{}, invalid(op, "the current object is not a JSON object")
			}
			resp, _, err := c.sendJSON(ctx, op, o.scope, http.MethodPut, o.path(p.Action), nil, withoutReadOnly(merge(cur, body)))
			if err != nil {
				return applied{}, err
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// pathList names the fields a body sets: "label, settings.app.url".
func pathList(body map[string]any) string {
	var out []string
	for _, p := range leafPaths(body) {
		out = append(out, strings.Join(p, "."))
	}
	if len(out) > 6 {
		out = append(out[:6], fmt.Sprintf("and %d more", len(out)-6))
	}
	return strings.Join(out, ", ")
}

// activeState is the state of activate/deactivate actions.
func activeState(status string) string { return strings.ToUpper(status) }

// lifecycleCheck refuses an activate of an active object or a deactivate
// of an inactive or system one.
func lifecycleCheck(op, name, status string, system, activate bool) (before, after string, err error) {
	before, after = "INACTIVE", "ACTIVE"
	if !activate {
		before, after = after, before
		if system {
			return "", "", invalid(op, name+" is Okta's default (system) object; Okta does not let it be deactivated")
		}
	}
	if activeState(status) != before {
		return "", "", conflict(op, fmt.Sprintf("%s is already %s", name, activeState(status)))
	}
	return before, after, nil
}
