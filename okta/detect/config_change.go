package detect

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// security_config_change: policies, rules, network zones, identity
// providers, log streams and (Identity Engine) authenticators changed.

const (
	baseConfigChange = 25 // one change: Medium
	wProtectionOff   = 15 // a policy, rule or zone deactivated or deleted
	wLogStreamOff    = 25 // log streaming stopped: the SIEM goes blind
	wIdPChange       = 25 // an identity provider created or changed (Panther: high)
	wSignOnPolicy    = 5  // the policy governs sign-on or MFA
)

// configObject names what an event type changes.
func configObject(t string) string {
	switch {
	case strings.HasPrefix(t, "policy.rule."):
		return "policy rule"
	case strings.HasPrefix(t, "policy.lifecycle."):
		return "policy"
	case strings.HasPrefix(t, "zone."):
		return "network zone"
	case strings.HasPrefix(t, "network_zone.rule."):
		return "network zone rule"
	case strings.HasPrefix(t, "system.idp.lifecycle."):
		return "identity provider"
	case strings.HasPrefix(t, "application.policy.sign_on."):
		return "app sign-on policy"
	case strings.HasPrefix(t, "system.log_stream.lifecycle."):
		return "log stream"
	case strings.HasPrefix(t, "security.authenticator.lifecycle."):
		return "authenticator"
	}
	return "configuration"
}

// pastTense words the last part of an event type: "deactivate" →
// "deactivated".
func pastTense(t string) (verb, word string) {
	verb = t[strings.LastIndex(t, ".")+1:]
	switch verb {
	case "add", "create", "update", "activate", "deactivate", "delete", "remove":
		word = strings.TrimSuffix(verb, "e") + "ed"
	case "disabled", "enabled":
		word = verb
	case "make_blacklist":
		word = "made a block list"
	case "remove_blacklist":
		word = "no longer a block list"
	default:
		word = "changed (" + verb + ")"
	}
	return verb, word
}

// securityConfigChange finds every change to a security setting, one
// finding per change so that each can be reverted on its own.
func securityConfigChange(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if !isConfigChange(e.EventType) {
			continue
		}
		actor := actorLogin(e)
		object := configObject(e.EventType)
		verb, word := pastTense(e.EventType)
		names := configNames(e)
		var ev evidence
		ev.add(baseConfigChange, "%s %s%s", object, word, names)
		strongest := changeEvidence(&ev, targetChanges(e))
		off := verb == "deactivate" || verb == "delete" || verb == "remove_blacklist" || verb == "disabled"
		switch {
		case object == "log stream" && off:
			ev.add(wLogStreamOff, "log streaming stopped: events no longer reach the SIEM")
		case object == "identity provider" && (verb == "create" || verb == "update" || verb == "activate"):
			ev.add(wIdPChange, "an identity provider can sign users in as anyone it names")
		case off:
			ev.add(wProtectionOff, "the protection it gave no longer applies")
		}
		if governsSignOn(e) {
			ev.add(wSignOnPolicy, "it governs sign-on or MFA")
		}
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, "the change")
		blockedEvidence(&ev, e, "the change")
		idx := []int{i}
		if _, rule := policyRefs(e); strongest != "" && rule != nil && !blocked(e) {
			if j, k, n, ok := tl.firstUseWithoutMFA(i, rule); ok {
				tl.useEvidence(&ev, tl.events[k], n)
				idx = append(idx, j, k)
			}
		}
		if strongest != "" {
			word = "weakened"
		}
		summary := capitalize(object) + names + " " + word + " by " + orName(actor, e.Actor) + " at " + tl.clock(e.Published)
		switch c := targetChanges(e); {
		case strongest != "":
			summary += " (" + strongest + ")"
		case len(c) == 1:
			summary += " (" + c[0].String() + ")"
		case len(c) > 1:
			summary += " (" + plural(len(c), "field", "fields") + " changed)"
		}
		if blocked(e) {
			summary += " (it failed)"
		}
		f := tl.newFinding(SecurityConfigChange, actor, summary, ev, idx)
		if !blocked(e) {
			f.reversal = reversal(e, verb, summary)
		}
		out = append(out, f)
	}
	return out
}

// configNames is ` "Require MFA" of policy "Default Policy"` for the rule
// and policy an event names, ` "BlockedIpZone"` for another object, or "".
func configNames(e intents.Event) string {
	policy, rule := policyRefs(e)
	switch {
	case rule != nil && policy != nil:
		return " \"" + rule.Name + "\" of policy \"" + policy.Name + "\""
	case rule != nil:
		return " \"" + rule.Name + "\""
	case policy != nil:
		return " \"" + policy.Name + "\""
	}
	var ns []string
	for _, t := range e.Targets {
		if isUserActor(t) || t.DisplayName == "" {
			continue
		}
		ns = append(ns, "\""+t.DisplayName+"\"")
	}
	if len(ns) == 0 {
		return ""
	}
	return " " + strings.Join(ns, ", ")
}

// governsSignOn reports a policy or rule about sign-on, MFA or access.
func governsSignOn(e intents.Event) bool {
	if strings.HasPrefix(e.EventType, "application.policy.sign_on.") || strings.HasPrefix(e.EventType, "security.authenticator.") {
		return true
	}
	for _, t := range e.Targets {
		s := strings.ToLower(t.Detail["policyType"] + " " + t.DisplayName)
		s = strings.NewReplacer("_", "", " ", "", "-", "").Replace(s)
		for _, k := range []string{"signon", "mfa", "accesspolicy", "authenticat"} {
			if strings.Contains(s, k) {
				return true
			}
		}
	}
	return false
}

// policyRefs are the policy and rule an event names, with their ids.
func policyRefs(e intents.Event) (policy, rule *intents.Ref) {
	for _, t := range e.Targets {
		ty := strings.ToLower(t.Type)
		if t.ID == "" || !strings.Contains(ty, "policy") {
			continue
		}
		r := &intents.Ref{ID: t.ID, Name: t.DisplayName}
		if strings.Contains(ty, "rule") {
			if rule == nil {
				r.Type = "rule"
				rule = r
			}
		} else if policy == nil {
			r.Type = "policy"
			policy = r
		}
	}
	return policy, rule
}

// reversal is the action that undoes a policy or rule change, when one
// exists: re-activate what was deactivated, deactivate a rule that was added
// or activated.
func reversal(e intents.Event, verb, summary string) []intents.Action {
	policy, rule := policyRefs(e)
	var kind intents.Kind
	switch {
	case strings.HasPrefix(e.EventType, "policy.lifecycle.") && verb == "deactivate" && policy != nil:
		kind = intents.ActivatePolicy
		rule = nil
	case strings.HasPrefix(e.EventType, "policy.rule.") && rule != nil && policy != nil:
		switch verb {
		case "deactivate":
			kind = intents.ActivatePolicyRule
		case "add", "create", "activate":
			kind = intents.DeactivatePolicyRule
		default:
			return nil
		}
	default:
		return nil
	}
	return []intents.Action{{Kind: kind, Policy: policy, Rule: rule, Reason: "revert: " + summary}}
}
