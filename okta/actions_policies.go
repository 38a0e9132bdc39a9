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

func policyRef(p intents.Policy) *intents.Ref { return ref("policy", p.ID, p.Name) }

func ruleRef(r intents.PolicyRule) *intents.Ref { return ref("rule", r.ID, r.Name) }

// policyByName is the state of create_policy.
func policyByName(ctx context.Context, c *Client, name, typ string) (string, error) {
	p, err := c.resolvePolicy(ctx, name, typ)
	switch {
	case isNotFound(err):
		return fmt.Sprintf("no %s policy named %s", typ, quote(name)), nil
	case err != nil:
		return "", err
	default:
		return fmt.Sprintf("%s policy %s exists (%s)", typ, quote(p.Name), p.ID), nil
	}
}

func createPolicySpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			const op = "create policy"
			body, err := parseBody(op, in.Body)
			if err != nil {
				return intents.Preview{}, err
			}
			typ, err := checkPolicyType(str(body, "type"))
			if err != nil {
				return intents.Preview{}, err
			}
			body["type"] = typ
			name := strings.TrimSpace(str(body, "name"))
			if name == "" {
				return intents.Preview{}, invalid(op, "Okta's policy JSON needs a name")
			}
			before, err := policyByName(ctx, c, name, typ)
			if err != nil {
				return intents.Preview{}, err
			}
			if !strings.HasPrefix(before, "no ") {
				return intents.Preview{}, conflict(op+" "+name, before)
			}
			b, _ := json.Marshal(body)
			return intents.Preview{
				Action:  intents.Action{Policy: ref("policy", "", name), Body: b},
				Summary: fmt.Sprintf("Create the %s policy %s, active", typ, quote(name)),
				Before:  before, After: fmt.Sprintf("%s policy %s exists", typ, quote(name)),
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			body, err := parseObject(a.Body)
			if err != nil || a.Policy == nil {
				return "", invalid(string(a.Kind), "the action has no policy body")
			}
			return policyByName(ctx, c, a.Policy.Name, str(body, "type"))
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			body, err := parseObject(p.Action.Body)
			if err != nil {
				return applied{}, invalid("create policy", "the action's body is not a JSON object")
			}
			resp, out, err := c.sendJSON(ctx, "create policy "+p.Action.Policy.Name, intents.ScopePoliciesManage, http.MethodPost, "/api/v1/policies", url.Values{"activate": {"true"}}, body)
			if err != nil {
				return applied{}, err
			}
			res := applied{requestID: requestIDOf(resp.Header)}
			if pol, err := decodePolicy(out); err == nil {
				res.created = policyRef(pol)
			}
			return res, nil
		},
	}
}

func policyObject() object {
	return object{
		what:  "policy",
		scope: intents.ScopePoliciesManage,
		resolve: func(ctx context.Context, c *Client, in intents.Intent) (intents.Action, json.RawMessage, error) {
			p, err := c.resolvePolicy(ctx, in.Policy, in.PolicyType)
			if err != nil {
				return intents.Action{}, nil, err
			}
			return intents.Action{Policy: policyRef(p)}, p.Raw, nil
		},
		read: func(ctx context.Context, c *Client, a intents.Action) (json.RawMessage, error) {
			r, err := needRef(a, a.Policy, "policy")
			if err != nil {
				return nil, err
			}
			p, err := c.getPolicy(ctx, r.ID)
			return p.Raw, err
		},
		path: func(a intents.Action) string { return "/api/v1/policies/" + url.PathEscape(a.Policy.ID) },
		name: func(a intents.Action) string { return "policy " + quote(a.Policy.Name) },
	}
}

func updatePolicySpec() actionSpec { return updateObjectSpec(policyObject()) }

func policyLifecycleSpec(activate bool) actionSpec {
	verb := "Activate"
	if !activate {
		verb = "Deactivate"
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			p, err := c.resolvePolicy(ctx, in.Policy, in.PolicyType)
			if err != nil {
				return intents.Preview{}, err
			}
			before, after, err := lifecycleCheck(strings.ToLower(verb)+" policy "+p.Name, "policy "+quote(p.Name), p.Status, p.System, activate)
			if err != nil {
				return intents.Preview{}, err
			}
			rs, err := c.rules(ctx, p.ID)
			if err != nil {
				return intents.Preview{}, err
			}
			effect := "stop applying"
			if activate {
				effect = "apply again"
			}
			return intents.Preview{
				Action:  intents.Action{Policy: policyRef(p)},
				Summary: fmt.Sprintf("%s the %s policy %s (priority %d)", verb, p.Type, quote(p.Name), p.Priority),
				Before:  before, After: after,
				Impact: []string{fmt.Sprintf("its %d rules %s%s", len(rs), effect, names(rs, func(r intents.PolicyRule) string { return r.Name }))},
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			r, err := needRef(a, a.Policy, "policy")
			if err != nil {
				return "", err
			}
			p, err := c.getPolicy(ctx, r.ID)
			if err != nil {
				return "", err
			}
			return activeState(p.Status), nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			id := p.Action.Policy.ID
			resp, _, err := c.sdkCall(ctx, strings.ToLower(verb)+" policy "+p.Action.Policy.Name, intents.ScopePoliciesManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				if activate {
					return c.api.PolicyAPI.ActivatePolicy(ctx, id).Execute()
				}
				return c.api.PolicyAPI.DeactivatePolicy(ctx, id).Execute()
			})
			if err != nil {
				return applied{}, asConflict(err)
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}

// ruleByName is the state of create_policy_rule.
func ruleByName(ctx context.Context, c *Client, policyID, policyName, name string) (string, error) {
	r, err := c.resolveRule(ctx, policyID, name)
	switch {
	case isNotFound(err):
		return fmt.Sprintf("policy %s has no rule named %s", quote(policyName), quote(name)), nil
	case err != nil:
		return "", err
	default:
		return fmt.Sprintf("rule %s exists in policy %s (%s)", quote(r.Name), quote(policyName), r.ID), nil
	}
}

func createRuleSpec() actionSpec {
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			const op = "create policy rule"
			body, err := parseBody(op, in.Body)
			if err != nil {
				return intents.Preview{}, err
			}
			name := strings.TrimSpace(str(body, "name"))
			if name == "" {
				return intents.Preview{}, invalid(op, "Okta's rule JSON needs a name")
			}
			p, err := c.resolvePolicy(ctx, in.Policy, in.PolicyType)
			if err != nil {
				return intents.Preview{}, err
			}
			before, err := ruleByName(ctx, c, p.ID, p.Name, name)
			if err != nil {
				return intents.Preview{}, err
			}
			if !strings.Contains(before, "has no rule") {
				return intents.Preview{}, conflict(op+" "+name, before)
			}
			b, _ := json.Marshal(body)
			return intents.Preview{
				Action:  intents.Action{Policy: policyRef(p), Rule: ref("rule", "", name), Body: b},
				Summary: fmt.Sprintf("Add the rule %s to the %s policy %s, active", quote(name), p.Type, quote(p.Name)),
				Before:  before, After: fmt.Sprintf("rule %s exists in policy %s", quote(name), quote(p.Name)),
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			p, err := needRef(a, a.Policy, "policy")
			if err != nil {
				return "", err
			}
			if a.Rule == nil {
				return "", invalid(string(a.Kind), "the action has no rule name")
			}
			if _, err := c.getPolicy(ctx, p.ID); err != nil {
				return "", err
			}
			return ruleByName(ctx, c, p.ID, p.Name, a.Rule.Name)
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			body, err := parseObject(p.Action.Body)
			if err != nil {
				return applied{}, invalid("create policy rule", "the action's body is not a JSON object")
			}
			path := "/api/v1/policies/" + url.PathEscape(p.Action.Policy.ID) + "/rules"
			resp, out, err := c.sendJSON(ctx, "create rule "+p.Action.Rule.Name, intents.ScopePoliciesManage, http.MethodPost, path, url.Values{"activate": {"true"}}, body)
			if err != nil {
				return applied{}, err
			}
			res := applied{requestID: requestIDOf(resp.Header)}
			if r, err := decodeRule(p.Action.Policy.ID)(out); err == nil {
				res.created = ruleRef(r)
			}
			return res, nil
		},
	}
}

// resolvePolicyRule resolves an intent's policy and rule.
func (c *Client) resolvePolicyRule(ctx context.Context, in intents.Intent) (intents.Policy, intents.PolicyRule, error) {
	p, err := c.resolvePolicy(ctx, in.Policy, in.PolicyType)
	if err != nil {
		return intents.Policy{}, intents.PolicyRule{}, err
	}
	r, err := c.resolveRule(ctx, p.ID, in.Rule)
	return p, r, err
}

func ruleObject() object {
	return object{
		what:  "rule",
		scope: intents.ScopePoliciesManage,
		resolve: func(ctx context.Context, c *Client, in intents.Intent) (intents.Action, json.RawMessage, error) {
			p, r, err := c.resolvePolicyRule(ctx, in)
			if err != nil {
				return intents.Action{}, nil, err
			}
			return intents.Action{Policy: policyRef(p), Rule: ruleRef(r)}, r.Raw, nil
		},
		read: func(ctx context.Context, c *Client, a intents.Action) (json.RawMessage, error) {
			p, err := needRef(a, a.Policy, "policy")
			if err != nil {
				return nil, err
			}
			r, err := needRef(a, a.Rule, "rule")
			if err != nil {
				return nil, err
			}
			rule, err := c.getRule(ctx, p.ID, r.ID)
			return rule.Raw, err
		},
		path: func(a intents.Action) string {
			return "/api/v1/policies/" + url.PathEscape(a.Policy.ID) + "/rules/" + url.PathEscape(a.Rule.ID)
		},
		name: func(a intents.Action) string {
			return "rule " + quote(a.Rule.Name) + " of policy " + quote(a.Policy.Name)
		},
	}
}

func updateRuleSpec() actionSpec { return updateObjectSpec(ruleObject()) }

func ruleLifecycleSpec(activate bool) actionSpec {
	verb := "Activate"
	if !activate {
		verb = "Deactivate"
	}
	return actionSpec{
		prepare: func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
			p, r, err := c.resolvePolicyRule(ctx, in)
			if err != nil {
				return intents.Preview{}, err
			}
			name := "rule " + quote(r.Name) + " of policy " + quote(p.Name)
			before, after, err := lifecycleCheck(strings.ToLower(verb)+" "+name, name, r.Status, r.System, activate)
			if err != nil {
				return intents.Preview{}, err
			}
			var impact []string
			if r.Summary != "" {
				impact = append(impact, "the rule: "+r.Summary)
			}
			return intents.Preview{
				Action:  intents.Action{Policy: policyRef(p), Rule: ruleRef(r)},
				Summary: fmt.Sprintf("%s the %s (priority %d)", verb, name, r.Priority),
				Before:  before, After: after, Impact: impact,
			}, nil
		},
		state: func(ctx context.Context, c *Client, a intents.Action) (string, error) {
			p, err := needRef(a, a.Policy, "policy")
			if err != nil {
				return "", err
			}
			r, err := needRef(a, a.Rule, "rule")
			if err != nil {
				return "", err
			}
			rule, err := c.getRule(ctx, p.ID, r.ID)
			if err != nil {
				return "", err
			}
			return activeState(rule.Status), nil
		},
		apply: func(ctx context.Context, c *Client, p intents.Preview) (applied, error) {
			pid, rid := p.Action.Policy.ID, p.Action.Rule.ID
			resp, _, err := c.sdkCall(ctx, strings.ToLower(verb)+" rule "+p.Action.Rule.Name, intents.ScopePoliciesManage, func(ctx context.Context) (*oktasdk.APIResponse, error) {
				if activate {
					return c.api.PolicyAPI.ActivatePolicyRule(ctx, pid, rid).Execute()
				}
				return c.api.PolicyAPI.DeactivatePolicyRule(ctx, pid, rid).Execute()
			})
			if err != nil {
				return applied{}, asConflict(err)
			}
			return applied{requestID: requestIDOf(resp.Header)}, nil
		},
	}
}
