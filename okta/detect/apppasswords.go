package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// org2org_app_change: an Okta Org2Org app created or changed. Org2Org
// pushes and matches users from this org to another: an attacker's
// Org2Org app, or one changed to point at their tenant, lets a user they
// create there sign in here as the user it matches (Panther: High on
// creation, Medium on a change).
//
// app_password_exposure: passwords leaving Okta in clear text. An app set
// to push users' passwords over SCIM ("Pushing user passwords", Panther)
// hands every assigned user's password to whoever runs the endpoint; a
// password revealed on the dashboard for someone else (Panther) or for
// many apps in a short time (Okta's hunt) is a harvest; one's own
// revealed outside office hours (Panther's off-hours SWA access) is a Low
// finding that weighs in the user's roll-up. A reveal from a source the
// revealer has not used in the events read (an IP, or a device: its
// device token, debugData.dtHash, else its user agent) is someone else
// holding their session (Panther's password access from a new source); it
// is claimed only when the revealer has earlier events, and the evidence
// says how far back the events read reach.

const (
	baseOrg2OrgCreate  = 50 // an Org2Org app created: High
	baseOrg2OrgChange  = 35 // … changed or activated: Medium
	basePasswordPush   = 50 // cleartext passwords pushed to an app: High
	baseRevealOther    = 40 // another user's app password revealed: Medium
	baseRevealOwn      = 15 // one's own app passwords revealed
	wRevealMany        = 20 // … for PasswordReveals apps within its window
	wRevealOffHours    = 5  // … outside office hours (Panther's off-hours SWA access): Low alone
	wRevealNewSource   = 15 // … from an IP or device new to the revealer: Medium
	evRevealNewSource  = "a source new to"
	evRevealOffHours   = "outside office hours"
	evRevealHarvest    = "passwords revealed"
	evRevealOther      = "another user's password revealed"
	passwordPushReason = "pushing user passwords"
)

// org2orgApp is the Okta Org2Org app an event targets, if any.
func org2orgApp(e intents.Event) (intents.Actor, bool) {
	for _, t := range e.Targets {
		if !strings.EqualFold(t.Type, "AppInstance") {
			continue
		}
		s := strings.ToLower(t.ID + " " + t.AlternateID + " " + t.DisplayName)
		if strings.Contains(s, "org2org") {
			return t, true
		}
	}
	return intents.Actor{}, false
}

// org2orgAppChange finds Org2Org apps created, activated or updated.
func org2orgAppChange(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		verb := ""
		switch e.EventType {
		case "application.lifecycle.create":
			verb = "created"
		case "application.lifecycle.activate":
			verb = "activated"
		case "application.lifecycle.update":
			verb = "changed"
		default:
			continue
		}
		app, ok := org2orgApp(e)
		if !ok {
			continue
		}
		actor := actorLogin(e)
		var ev evidence
		if verb == "created" {
			ev.add(baseOrg2OrgCreate, "Org2Org app %s created: it matches users of another Okta org to users here", app.Label())
		} else {
			ev.add(baseOrg2OrgChange, "Org2Org app %s %s: where it points decides who can sign in as users here", app.Label(), verb)
		}
		tl.offHoursEvidence(&ev, e.Published)
		tl.origin(&ev, e, "the change")
		blockedEvidence(&ev, e, "the change")
		summary := orName(actor, e.Actor) + " " + verb + " Org2Org app " + app.Label() + " from " + tl.ipLabel(e) +
			" at " + tl.clock(e.Published)
		if blocked(e) {
			summary += " (it failed)"
		}
		out = append(out, tl.newFinding(Org2OrgAppChange, actor, summary, ev, []int{i}))
	}
	return out
}

// appPasswordExposure finds apps set to push cleartext passwords and app
// passwords revealed on the dashboard.
func appPasswordExposure(tl *timeline) []finding {
	var out []finding
	own := map[string][]int{} // revealer → reveals of their own passwords
	hist := sourceHistory{}
	newSource := map[int]string{} // reveal → what was new about its source
	for i, e := range tl.events {
		if e.EventType == "application.user_membership.show_password" {
			if what := hist.novel(e); what != "" {
				newSource[i] = what
			}
		}
		hist.see(e)
		switch e.EventType {
		case "application.lifecycle.update":
			if !strings.Contains(strings.ToLower(e.Outcome.Reason), passwordPushReason) || blocked(e) {
				continue
			}
			actor := actorLogin(e)
			app := appName(e)
			if app == "" {
				app = "an app"
			}
			var ev evidence
			ev.add(basePasswordPush, "%s set to push users' passwords in clear text: whoever runs its endpoint reads them all", app)
			tl.offHoursEvidence(&ev, e.Published)
			tl.origin(&ev, e, "the change")
			summary := orName(actor, e.Actor) + " set " + app + " to push cleartext user passwords at " + tl.clock(e.Published)
			out = append(out, tl.newFinding(AppPasswordExposure, actor, summary, ev, []int{i}))
		case "application.user_membership.show_password":
			if blocked(e) {
				continue
			}
			actor := actorLogin(e)
			if owner := revealedFor(e); owner != "" && owner != actor {
				out = append(out, tl.revealOther(i, actor, owner, newSource[i]))
			} else if actor != "" {
				own[actor] = append(own[actor], i)
			}
		}
	}
	r := tl.cfg.Thresholds.PasswordReveals
	for _, u := range sortedKeys(own) {
		for _, idx := range tl.runs(own[u], r.Window) {
			if f, ok := tl.revealOwn(u, idx, r, newSource); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// revealedFor is whose password a reveal showed: its target user.
func revealedFor(e intents.Event) string {
	l, _ := targetUser(e)
	return l
}

func (tl *timeline) revealOther(i int, actor, owner, novel string) finding {
	e := tl.events[i]
	app := appName(e)
	if app == "" {
		app = "an app"
	}
	var ev evidence
	ev.add(baseRevealOther, "%s: %s revealed the %s password of %s", evRevealOther, orName(actor, e.Actor), app, owner)
	tl.newSourceEvidence(&ev, i, orName(actor, e.Actor), novel)
	tl.origin(&ev, e, "the reveal")
	summary := orName(actor, e.Actor) + " revealed the " + app + " password of " + owner + " from " + tl.ipLabel(e) +
		" at " + tl.clock(e.Published)
	return tl.newFinding(AppPasswordExposure, actor, summary, ev, []int{i})
}

// revealOwn is the finding on one run of a user's reveals of their own
// passwords: many apps in a short time, or from an anonymizer.
func (tl *timeline) revealOwn(user string, idx []int, r Rate, newSource map[int]string) (finding, bool) {
	var apps []string
	var firsts []time.Time // when each app was first revealed
	for _, i := range idx {
		e := tl.events[i]
		if a := appName(e); !slices.Contains(apps, a) {
			apps = append(apps, a)
			firsts = append(firsts, e.Published)
		}
	}
	top := tl.worst(idx)
	many := bursts(firsts, r) != nil
	late := -1 // the first reveal outside office hours
	for _, i := range idx {
		if tl.offHours(tl.events[i].Published) {
			late = i
			break
		}
	}
	novel := -1 // the first reveal from a source new to the user
	for _, i := range idx {
		if newSource[i] != "" {
			novel = i
			break
		}
	}
	if !many && late < 0 && novel < 0 && tl.proxy(top) == notProxy {
		return finding{}, false
	}
	var ev evidence
	ev.add(baseRevealOwn, "%s revealed their own passwords for %s", user, plural(len(apps), "app", "apps"))
	if many {
		ev.add(wRevealMany, "%s for %d or more apps within %s: a harvest", evRevealHarvest, r.Count, span(r.Window))
	}
	if late >= 0 {
		t := tl.events[late].Published.In(tl.loc)
		o := tl.cfg.OfficeHours
		ev.add(wRevealOffHours, "%s: at %s %s, outside office hours (%02d–%02d)", evRevealOffHours, t.Format("15:04 MST"),
			t.Weekday().String()[:3], o.Start, o.End)
	}
	if novel >= 0 {
		tl.newSourceEvidence(&ev, novel, user, newSource[novel])
	}
	tl.origin(&ev, top, "a reveal")
	summary := user + " revealed passwords for " + plural(len(apps), "app", "apps") + tl.fromIPs(idx) + " at " +
		tl.clock(tl.events[idx[0]].Published)
	return tl.newFinding(AppPasswordExposure, user, summary, ev, idx), true
}

// newSourceEvidence weighs reveal i coming from a source new to who
// (novel says what was new; "" adds nothing), with how far back the
// events read reach.
func (tl *timeline) newSourceEvidence(ev *evidence, i int, who, novel string) {
	if novel == "" {
		return
	}
	e := tl.events[i]
	ev.add(wRevealNewSource, "%s %s: %s, not used by them in the events read, which reach back %s", evRevealNewSource, who, novel,
		span(tl.reach(e.Published)))
}

// sourceHistory is where each actor's events came from so far: IPs,
// device tokens and user agents.
type sourceHistory map[string]*sources

type sources struct{ ips, devices, agents map[string]bool }

// historyKey is whose history e adds to: its actor's alternate id (as the
// engine's user windows hold it), else its id.
func historyKey(e intents.Event) string {
	if a := e.Actor.AlternateID; a != "" && !strings.EqualFold(a, "unknown") {
		return a
	}
	return e.Actor.ID
}

// deviceToken is e's device token (debugData.dtHash), "" when it has none.
func deviceToken(e intents.Event) string {
	if h := e.Debug["dtHash"]; h != "" && h != "-" && !strings.EqualFold(h, "unknown") {
		return h
	}
	return ""
}

// novel says what about e's source its actor has not used before: "a new
// IP …", "a new device …", both, or "" (nothing new, or no earlier events
// of the actor to compare with).
func (h sourceHistory) novel(e intents.Event) string {
	s := h[historyKey(e)]
	if s == nil {
		return ""
	}
	var what []string
	if ip := e.Client.IP; ip != "" && !s.ips[ip] {
		what = append(what, "IP "+ip)
	}
	if dt := deviceToken(e); dt != "" {
		if !s.devices[dt] {
			what = append(what, "device token "+shorten(dt, 16))
		}
	} else if ua := e.Client.UserAgent; ua != "" && !s.agents[ua] {
		what = append(what, "client "+clientName(e.Client))
	}
	return strings.Join(what, " and ")
}

// see adds e's source to its actor's history.
func (h sourceHistory) see(e intents.Event) {
	k := historyKey(e)
	if k == "" {
		return
	}
	s := h[k]
	if s == nil {
		s = &sources{ips: map[string]bool{}, devices: map[string]bool{}, agents: map[string]bool{}}
		h[k] = s
	}
	s.ips[e.Client.IP] = true
	s.devices[deviceToken(e)] = true
	s.agents[e.Client.UserAgent] = true
}
