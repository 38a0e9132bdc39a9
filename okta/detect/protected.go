package detect

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// protected_action_change: the settings of Okta's protected actions
// changed (Okta's customer detection on
// security.protected_action.settings.update). Protected actions make an
// administrator prove themselves again before the most dangerous changes;
// an attacker with an admin session turns them off first. And a Super
// administrator's password reset, which Okta logs as a protected action
// attempted (security.protected_action.attempt, first target "Reset
// passwords for super admins"): rare, and the quickest way to the org for
// someone holding a lesser admin session (Okta's second protected-action
// rule).

const (
	baseProtectedAction = 40 // protected actions' settings changed: Medium
	wProtectedOff       = 20 // … turned off or narrowed: High
	baseSuperReset      = 50 // a Super administrator's password reset attempted: High
	wSuperResetFailed   = 10 // … and the re-authentication failed
	superAdminReset     = "reset passwords for super admins"
	evSuperResetFailed  = "the re-authentication failed"
)

// superAdminResetAttempt reports a protected action attempted to reset a
// Super administrator's password.
func superAdminResetAttempt(e intents.Event) bool {
	return e.EventType == "security.protected_action.attempt" && len(e.Targets) > 0 &&
		strings.EqualFold(strings.TrimSpace(e.Targets[0].DisplayName), superAdminReset)
}

// superAdminResets finds attempts to reset a Super administrator's
// password; the finding is about the Super administrator when Okta names
// them, else about the actor.
func (tl *timeline) superAdminResets() []finding {
	var out []finding
	for i, e := range tl.events {
		if !superAdminResetAttempt(e) {
			continue
		}
		actor := actorLogin(e)
		u, _ := targetUser(e)
		if u == "" {
			u = actor
		}
		var ev evidence
		who := "a Super administrator"
		if u != actor {
			who = "Super administrator " + u
		}
		ev.add(baseSuperReset, "%s reset the password of %s, a protected action: rare, and a way into the whole org", orName(actor, e.Actor), who)
		if failed(e) {
			ev.add(wSuperResetFailed, "%s (outcome %s): whoever held the session could not prove to be %s",
				evSuperResetFailed, strings.ToUpper(e.Outcome.Result), orName(actor, e.Actor))
		}
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, "the reset")
		summary := orName(actor, e.Actor) + " reset the password of " + who + " at " + tl.clock(e.Published) + " from " + tl.ipLabel(e)
		if failed(e) {
			summary += " (re-authentication failed)"
		}
		out = append(out, tl.newFinding(ProtectedActionChange, u, summary, ev, []int{i}))
	}
	return out
}

// protectedActionChange finds changes to the protected actions' settings.
func protectedActionChange(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if e.EventType != "security.protected_action.settings.update" {
			continue
		}
		actor := actorLogin(e)
		var ev evidence
		ev.add(baseProtectedAction, "the protected actions' settings changed: re-authentication before the riskiest admin changes")
		var changes []string
		off := false
		for _, c := range targetChanges(e) {
			changes = append(changes, c.String())
			if after := strings.ToLower(c.After()); after == "false" || after == "disabled" || after == "[]" ||
				(c.Before() != "" && after == "") {
				off = true
			}
		}
		if off {
			ev.add(wProtectedOff, "a protection turned off or removed: %s", strings.Join(changes, "; "))
		}
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, "the change")
		blockedEvidence(&ev, e, "the change")
		summary := "Protected actions' settings changed by " + orName(actor, e.Actor) + " at " + tl.clock(e.Published)
		if len(changes) > 0 {
			summary += " (" + shorten(strings.Join(changes, "; "), 100) + ")"
		}
		if blocked(e) {
			summary += " (it failed)"
		}
		out = append(out, tl.newFinding(ProtectedActionChange, actor, summary, ev, []int{i}))
	}
	return append(out, tl.superAdminResets()...)
}
