package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// app_changed: an app integration modified, deactivated or deleted
// (Elastic's attempts to modify, deactivate and delete an Okta
// application). A changed app can send its users' sign-ins somewhere
// else (a new SAML endpoint), a deactivated or deleted one locks
// everyone out of it. Okta logs a SCIM password push as
// application.lifecycle.update too; that is scim_password_push's, not
// this. An administrator changing many apps within Thresholds.AppChanges'
// window is one finding, weighing more.

const (
	baseAppUpdate     = 20 // an app modified: Low, Medium with one more signal
	baseAppDeactivate = 30 // deactivated: Medium
	baseAppDelete     = 35 // deleted: Medium
	wAppMass          = 15 // Thresholds.AppChanges apps or more at once
)

// appChange reports an app lifecycle change and its verb.
func appChange(e intents.Event) (verb string, base int, ok bool) {
	switch e.EventType {
	case "application.lifecycle.update":
		if strings.Contains(strings.ToLower(e.Outcome.Reason), "pushing user passwords") {
			return "", 0, false // a SCIM password push, not a change to the app
		}
		return "modified", baseAppUpdate, true
	case "application.lifecycle.deactivate":
		return "deactivated", baseAppDeactivate, true
	case "application.lifecycle.delete":
		return "deleted", baseAppDelete, true
	}
	return "", 0, false
}

// appTarget is the app an event names.
func appTarget(e intents.Event) (intents.Actor, bool) {
	for _, t := range e.Targets {
		if strings.EqualFold(t.Type, "AppInstance") {
			return t, true
		}
	}
	return intents.Actor{}, false
}

// appChanged finds apps modified, deactivated or deleted: one finding per
// administrator while the changes come less than the window apart.
func appChanged(tl *timeline) []finding {
	byActor := map[string][]int{}
	for i, e := range tl.events {
		if _, _, ok := appChange(e); ok {
			a := orName(actorLogin(e), e.Actor)
			byActor[a] = append(byActor[a], i)
		}
	}
	r := tl.cfg.Thresholds.AppChanges
	var out []finding
	for _, a := range sortedKeys(byActor) {
		for _, part := range tl.episodes(byActor[a], r.Window) {
			out = append(out, tl.appChanges(part))
		}
	}
	return out
}

func (tl *timeline) appChanges(idx []int) finding {
	r := tl.cfg.Thresholds.AppChanges
	// the worst change leads
	top, topBase := idx[0], 0
	var apps, verbs []string
	for _, i := range idx {
		e := tl.events[i]
		verb, base, _ := appChange(e)
		if base > topBase {
			top, topBase = i, base
		}
		if t, ok := appTarget(e); ok && !slices.Contains(apps, t.Label()) {
			apps = append(apps, t.Label())
		}
		if !slices.Contains(verbs, verb) {
			verbs = append(verbs, verb)
		}
	}
	e := tl.events[top]
	verb, _, _ := appChange(e)
	actor := actorLogin(e)
	app := "an app"
	if t, ok := appTarget(e); ok {
		app = "app \"" + t.Label() + "\""
	}
	var ev evidence
	switch verb {
	case "modified":
		ev.add(topBase, "%s modified: its sign-in settings can send users elsewhere", app)
	case "deactivated":
		ev.add(topBase, "%s deactivated: nobody can sign in to it", app)
	default:
		ev.add(topBase, "%s deleted: its assignments and settings are gone", app)
	}
	if len(apps) >= r.Count {
		ev.add(wAppMass, "%d apps changed within %s (threshold %d in %s)", len(apps),
			span(tl.events[idx[len(idx)-1]].Published.Sub(tl.events[idx[0]].Published)), r.Count, span(r.Window))
	}
	tl.offHoursEvidence(&ev, e.Published)
	tl.origin(&ev, e, "the change")
	if tl.allBlocked(idx) {
		blockedEvidence(&ev, e, "the change")
	}
	summary := capitalize(app) + " " + verb + " by " + orName(actor, e.Actor) + " at " + tl.clock(e.Published)
	if len(apps) > 1 {
		summary += "; " + plural(len(apps), "app", "apps") + " " + strings.Join(verbs, ", ") + " in all"
	}
	if blocked(e) {
		summary += " (it failed)"
	}
	f := tl.newFinding(AppChanged, actor, summary, ev, idx)
	for _, i := range idx {
		d := tl.events[i]
		if t, ok := appTarget(d); ok && d.EventType == "application.lifecycle.deactivate" && !blocked(d) && t.ID != "" {
			f.reversal = append(f.reversal, intents.Action{Kind: intents.ActivateApp,
				App: &intents.Ref{Type: "app", ID: t.ID, Name: t.Label()}, Reason: "revert: app \"" + t.Label() + "\" deactivated by " +
					orName(actorLogin(d), d.Actor) + " at " + tl.clock(d.Published)})
		}
	}
	return f
}
