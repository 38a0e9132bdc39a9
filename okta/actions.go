package okta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// actionSpec is how one action kind is previewed and executed.
type actionSpec struct {
	// prepare resolves the intent's targets and states what the action
	// will do. It refuses (ErrConflict) an action that does not apply to
	// the current state, and ErrInvalid arguments.
	prepare func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error)
	// state reads the target's current state in the words of Before.
	state func(ctx context.Context, c *Client, a intents.Action) (string, error)
	// apply changes Okta once.
	apply func(ctx context.Context, c *Client, p intents.Preview) (applied, error)
}

// applied is what a change did.
type applied struct {
	requestID string
	created   *intents.Ref
	after     string // the state reached, when it differs from Preview.After
}

// actionSpecs is how each action kind of the catalogue is previewed and
// executed; a test checks that every action has an entry.
var actionSpecs = map[intents.Kind]actionSpec{
	intents.SuspendUser:          userLifecycleSpec(intents.SuspendUser),
	intents.UnsuspendUser:        userLifecycleSpec(intents.UnsuspendUser),
	intents.UnlockUser:           userLifecycleSpec(intents.UnlockUser),
	intents.DeactivateUser:       userLifecycleSpec(intents.DeactivateUser),
	intents.ExpirePassword:       userLifecycleSpec(intents.ExpirePassword),
	intents.ResetPassword:        userLifecycleSpec(intents.ResetPassword),
	intents.ActivateUser:         activateUserSpec(),
	intents.ClearSessions:        clearSessionsSpec(),
	intents.ResetFactors:         resetFactorsSpec(),
	intents.CreateUser:           createUserSpec(),
	intents.UpdateUser:           updateUserSpec(),
	intents.CreateGroup:          createGroupSpec(),
	intents.UpdateGroup:          updateGroupSpec(),
	intents.DeleteGroup:          deleteGroupSpec(),
	intents.AddGroupMember:       memberSpec(true),
	intents.RemoveGroupMember:    memberSpec(false),
	intents.CreateApp:            createAppSpec(),
	intents.UpdateApp:            updateAppSpec(),
	intents.ActivateApp:          appLifecycleSpec(true),
	intents.DeactivateApp:        appLifecycleSpec(false),
	intents.CreatePolicy:         createPolicySpec(),
	intents.UpdatePolicy:         updatePolicySpec(),
	intents.ActivatePolicy:       policyLifecycleSpec(true),
	intents.DeactivatePolicy:     policyLifecycleSpec(false),
	intents.CreatePolicyRule:     createRuleSpec(),
	intents.UpdatePolicyRule:     updateRuleSpec(),
	intents.ActivatePolicyRule:   ruleLifecycleSpec(true),
	intents.DeactivatePolicyRule: ruleLifecycleSpec(false),
}

// specFor returns the spec of an action kind.
func specFor(k intents.Kind) (actionSpec, bool) {
	spec, ok := actionSpecs[k]
	return spec, ok
}

// Preview computes what an action intent will do, from Okta's current
// state, before anyone approves it: targets resolved to ids, Before and
// After, the blast radius, the scope it needs and whether the token has
// it. An action that does not apply now (suspending a suspended user,
// adding a member twice) is ErrConflict; an ambiguous name is ErrInvalid
// listing the candidates. An action on a user who holds an admin role, or
// on a group that grants one, is ErrProtected unless
// Config.AllowAdminTargets (roles.go).
func (c *Client) Preview(ctx context.Context, in intents.Intent) (intents.Preview, error) {
	spec, ok := specFor(in.Kind)
	if !ok {
		return intents.Preview{}, invalid("preview", fmt.Sprintf("%q is not an action", in.Kind))
	}
	p, err := spec.prepare(ctx, c, in)
	if err != nil {
		return intents.Preview{}, err
	}
	p.Action.Kind = in.Kind
	p.Action.Reason = in.Reason
	if err := c.checkAdminTargets(ctx, p.Action); err != nil {
		return intents.Preview{}, err
	}
	p.Scope = in.Kind.Info().Scope
	granted, err := c.granted(ctx)
	if err != nil {
		return intents.Preview{}, err
	}
	p.Granted = hasScope(granted, p.Scope)
	return p, nil
}

// Execute carries out an approved preview. It re-reads the target and
// refuses with ErrConflict, naming expected and actual state, when the
// target drifted from p.Before (a repeated action finds the state it
// left, so it is refused the same way: never a second change). Otherwise
// it acts once, without retrying a non-idempotent write that may have
// reached Okta, and returns Okta's request id. A target that has become an
// administrator since the preview is refused as in Preview.
func (c *Client) Execute(ctx context.Context, p intents.Preview) (intents.ActionOutcome, error) {
	a := p.Action
	spec, ok := specFor(a.Kind)
	if !ok {
		return intents.ActionOutcome{}, invalid("execute", fmt.Sprintf("%q is not an action", a.Kind))
	}
	op := string(a.Kind) + " " + targetName(a)
	scope := a.Kind.Info().Scope
	granted, err := c.granted(ctx)
	if err != nil {
		return intents.ActionOutcome{}, err
	}
	if !hasScope(granted, scope) {
		return intents.ActionOutcome{}, &intents.Error{Err: intents.ErrForbidden, Op: "okta: " + op, Scope: scope,
			Detail: "the access token lacks the scope: grant it to the service app on its Okta API Scopes tab and add it to the requested scopes"}
	}
	cur, err := spec.state(ctx, c, a)
	if err != nil {
		if isNotFound(err) {
			return intents.ActionOutcome{}, conflict(op, targetName(a)+" no longer exists; nothing was changed")
		}
		return intents.ActionOutcome{}, err
	}
	if cur != p.Before {
		detail := fmt.Sprintf("%s changed since the proposal: expected %s, found %s; nothing was changed", targetName(a), p.Before, cur)
		if cur == p.After {
			detail = fmt.Sprintf("already done: %s is %s; nothing was changed", targetName(a), cur)
		}
		return intents.ActionOutcome{}, conflict(op, detail)
	}
	// Roles may have been granted since the proposal: read them again.
	if err := c.checkAdminTargets(ctx, a); err != nil {
		if isNotFound(err) {
			return intents.ActionOutcome{}, conflict(op, targetName(a)+" no longer exists; nothing was changed")
		}
		return intents.ActionOutcome{}, err
	}
	res, err := spec.apply(ctx, c, p)
	if err != nil {
		return intents.ActionOutcome{}, err
	}
	out := intents.ActionOutcome{
		Action: a, Summary: doneSummary(p), Before: p.Before, After: p.After,
		RequestID: res.requestID, At: time.Now().UTC(), Created: res.created,
	}
	if res.after != "" {
		out.After = res.after
	}
	c.log.Info("okta: action executed", "kind", a.Kind, "target", targetName(a), "request_id", res.requestID)
	return out, nil
}

// targetName names an action's main target for messages.
func targetName(a intents.Action) string {
	var names []string
	for _, r := range a.Targets() {
		n := r.Name
		if n == "" {
			n = r.ID
		}
		names = append(names, r.Type+" "+n)
	}
	if len(names) == 0 {
		return "the target"
	}
	return strings.Join(names, ", ")
}

// doneSummary turns a preview's summary ("Suspend …") into what was done.
func doneSummary(p intents.Preview) string {
	return "Done: " + p.Summary
}

// requestID is Okta's id of the changing call.
func requestIDOf(h interface{ Get(string) string }) string {
	if h == nil {
		return ""
	}
	return h.Get("X-Okta-Request-Id")
}

// asConflict turns Okta's refusal of a state change (400 validation, e.g.
// "Cannot suspend a user that is not active", after the state changed in
// between) into ErrConflict.
func asConflict(err error) error {
	var e *intents.Error
	if errors.As(err, &e) && errors.Is(err, intents.ErrInvalid) && e.Status == 400 {
		cp := *e
		cp.Err = intents.ErrConflict
		return &cp
	}
	return err
}

// ref makes a Ref.
func ref(typ, id, name string) *intents.Ref { return &intents.Ref{Type: typ, ID: id, Name: name} }

// needRef returns a resolved target of an action, or ErrInvalid.
func needRef(a intents.Action, r *intents.Ref, what string) (*intents.Ref, error) {
	if r == nil || r.ID == "" {
		return nil, invalid(string(a.Kind), "the action has no resolved "+what)
	}
	return r, nil
}

// countOf words a count with a cap: "3", "1000+".
func countOf(n int, more bool) string {
	if more {
		return fmt.Sprintf("%d+", n)
	}
	return fmt.Sprint(n)
}

// count counts a stream's items up to max.
func count[T any](seq func(yield func(T, error) bool), max int) (int, bool, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, false, err
		}
		n++
		if n >= max {
			return n, true, nil
		}
	}
	return n, false, nil
}
