package okta

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// policyTypes are the policy types oktabot lists; Okta's ListPolicies
// needs one.
func policyTypes() []string { return intents.PolicyTypes() }

// checkPolicyType normalises a policy type, refusing unknown ones.
func checkPolicyType(t string) (string, error) {
	t = strings.ToUpper(strings.TrimSpace(t))
	if !slices.Contains(policyTypes(), t) {
		return "", invalid("list policies", "policy type "+quote(t)+" is not one of "+strings.Join(policyTypes(), ", "))
	}
	return t, nil
}

// policyPages lists the policies of one type. The SDK's ListPolicies
// needs Type_ and takes its limit as a string; policies are decoded from
// the raw body (the SDK's oneOf drops types it does not know).
func (c *Client) policyPages(ctx context.Context, typ string, from cursor, limit int) iter.Seq2[page[intents.Policy], error] {
	size := strconv.Itoa(int(pageSize(limit, listMax)))
	op := "list " + typ + " policies"
	return listPages(ctx, c, op, intents.ScopePoliciesRead, from.page, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		r := c.api.PolicyAPI.ListPolicies(ctx).Type_(typ).Limit(size)
		ps, resp, err := r.Execute()
		c.noteDropped(op, emptyOneOfs(ps))
		return resp, err
	}, decodePolicy)
}

// refusedTypes remembers the policy types the org refused to list (a 400:
// ACCESS_POLICY on a Classic Engine org, ENTITY_RISK without Identity
// Threat Protection). An org does not change engine or features under a
// running client, so a refused type is not asked for again. Its zero value
// is ready.
type refusedTypes struct {
	mu sync.Mutex
	m  map[string]string // type → Okta's errorSummary
}

func (r *refusedTypes) get(typ string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	why, ok := r.m[typ]
	return why, ok
}

func (r *refusedTypes) set(typ, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]string{}
	}
	r.m[typ] = why
}

// typeRefusedError is a policy type the org does not have. It unwraps to
// the ErrInvalid people see when they name a policy of it; listings skip
// the type with a note.
type typeRefusedError struct{ e *intents.Error }

func (e *typeRefusedError) Error() string { return e.e.Error() }
func (e *typeRefusedError) Unwrap() error { return e.e }

func refusedType(typ, why string) error {
	detail := typ + " policies are not available on this org"
	if info, ok := intents.PolicyTypeInfo(typ); ok && info.Needs != "" {
		detail += " (they need " + info.Needs + ")"
	}
	detail += ": Okta refuses the type"
	if why != "" {
		detail += " (" + strings.TrimSuffix(why, ".") + ")"
	}
	return &typeRefusedError{e: &intents.Error{Err: intents.ErrInvalid, Op: "okta: list " + typ + " policies",
		Status: http.StatusBadRequest, Detail: detail}}
}

// typedPolicyPages is policyPages from the start for the listings of a
// type: a 400 on the type's first page is Okta refusing the type itself
// (the only parameters are the type and a valid limit), remembered and
// returned as a *typeRefusedError, as is a type refused before.
func (c *Client) typedPolicyPages(ctx context.Context, typ string, limit int) iter.Seq2[page[intents.Policy], error] {
	return func(yield func(page[intents.Policy], error) bool) {
		if why, ok := c.refusedPolicies.get(typ); ok {
			yield(page[intents.Policy]{}, refusedType(typ, why))
			return
		}
		first := true
		for p, err := range c.policyPages(ctx, typ, cursor{}, limit) {
			if e, ok := intents.AsError(err); ok && first && e.Err == intents.ErrInvalid && e.Status == http.StatusBadRequest {
				c.refusedPolicies.set(typ, e.Detail)
				err = refusedType(typ, e.Detail)
			}
			first = false
			if !yield(p, err) {
				return
			}
		}
	}
}

// isRefusedType reports whether err is a policy type the org refused.
func isRefusedType(err error) (*typeRefusedError, bool) {
	var tr *typeRefusedError
	return tr, errors.As(err, &tr)
}

// getPolicy reads one policy by id.
func (c *Client) getPolicy(ctx context.Context, id string) (intents.Policy, error) {
	op := "get policy " + id
	_, body, err := c.sdkCall(ctx, op, intents.ScopePoliciesRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		p, resp, err := c.api.PolicyAPI.GetPolicy(ctx, id).Execute()
		if p != nil && err == nil && p.GetActualInstance() == nil {
			c.noteDropped(op, 1)
		}
		return resp, err
	})
	if err != nil {
		return intents.Policy{}, err
	}
	return decodePolicy(body)
}

// resolvePolicy finds a policy by id or exact name, among the policies of
// typ (every type the org has when empty).
func (c *Client) resolvePolicy(ctx context.Context, idOrName, typ string) (intents.Policy, error) {
	s := strings.TrimSpace(idOrName)
	op := "find policy " + s
	if s == "" {
		return intents.Policy{}, invalid(op, "give a policy's name or id")
	}
	if idLike(s, "00p", "rst") {
		p, err := c.getPolicy(ctx, s)
		if err == nil || !isNotFound(err) {
			return p, err
		}
	}
	types := policyTypes()
	if typ != "" {
		t, err := checkPolicyType(typ)
		if err != nil {
			return intents.Policy{}, err
		}
		types = []string{t}
	}
	var found []intents.Policy
	for _, t := range types {
		for p, err := range items(c.typedPolicyPages(ctx, t, listMax)) {
			if _, refused := isRefusedType(err); refused && typ == "" {
				break // a type the org does not have holds no policy
			}
			if err != nil {
				return intents.Policy{}, err
			}
			if strings.EqualFold(p.Name, s) {
				found = append(found, p)
			}
		}
	}
	return pickOne(ctx, c, op, "policy", s, found, func(p intents.Policy) (string, string) { return p.Name + " [" + p.Type + "]", p.ID })
}

// rules lists a policy's rules, decoded from the raw body: the SDK decodes
// rules of types its oneOf does not know (MFA_ENROLL among them) to empty
// objects without an error.
func (c *Client) rules(ctx context.Context, policyID string) ([]intents.PolicyRule, error) {
	op := "list rules of policy " + policyID
	_, body, err := c.sdkCall(ctx, op, intents.ScopePoliciesRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		rs, resp, err := c.api.PolicyAPI.ListPolicyRules(ctx, policyID).Execute()
		c.noteDropped(op, emptyOneOfs(rs))
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return decodeAll(op, body, decodeRule(policyID))
}

// getRule reads one rule of a policy.
func (c *Client) getRule(ctx context.Context, policyID, ruleID string) (intents.PolicyRule, error) {
	op := "get rule " + ruleID + " of policy " + policyID
	_, body, err := c.sdkCall(ctx, op, intents.ScopePoliciesRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.PolicyAPI.GetPolicyRule(ctx, policyID, ruleID).Execute()
		return resp, err
	})
	if err != nil {
		return intents.PolicyRule{}, err
	}
	return decodeRule(policyID)(body)
}

// resolveRule finds a rule of a policy by id or exact name.
func (c *Client) resolveRule(ctx context.Context, policyID, idOrName string) (intents.PolicyRule, error) {
	s := strings.TrimSpace(idOrName)
	op := "find rule " + s
	if s == "" {
		return intents.PolicyRule{}, invalid(op, "give a rule's name or id")
	}
	rs, err := c.rules(ctx, policyID)
	if err != nil {
		return intents.PolicyRule{}, err
	}
	var found []intents.PolicyRule
	for _, r := range rs {
		if r.ID == s {
			return r, nil
		}
		if strings.EqualFold(r.Name, s) {
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		return intents.PolicyRule{}, notFound(op, "policy "+policyID+" has no rule named "+quote(s))
	}
	return pickOne(ctx, c, op, "rule", s, found, func(r intents.PolicyRule) (string, string) { return r.Name, r.ID })
}
