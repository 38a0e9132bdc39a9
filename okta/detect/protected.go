package detect

import (
	"strings"
)

// protected_action_change: the settings of Okta's protected actions
// changed (Okta's customer detection on
// security.protected_action.settings.update). Protected actions make an
// administrator prove themselves again before the most dangerous changes;
// an attacker with an admin session turns them off first.

const (
	baseProtectedAction = 40 // protected actions' settings changed: Medium
	wProtectedOff       = 20 // … turned off or narrowed: High
)

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
	return out
}
