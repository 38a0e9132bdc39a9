package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// unauthorized_app_access: a user opening apps they are not assigned to.
// Okta answers 403 and logs app.generic.unauth_app_access_attempt. One
// attempt is usually a stale bookmark or a shared link (Panther rates it
// Low, Sigma Medium); several apps tried in a short time is someone
// finding out what a session can reach.

const (
	baseUnauthApp     = 20 // one denied app: Low
	wUnauthRepeated   = 15 // UnauthAppAccess attempts within its window
	wUnauthManyApps   = 10 // … across several apps
	unauthManyApps    = 3  // how many apps are "several"
	evUnauthRepeated  = "repeated attempts"
	unauthAccessEvent = "app.generic.unauth_app_access_attempt"
)

// unauthorizedAppAccess finds users denied access to apps they are not
// assigned to, one finding per user and run of attempts (a gap longer
// than the UnauthAppAccess window starts a new run).
func unauthorizedAppAccess(tl *timeline) []finding {
	byUser := map[string][]int{}
	for i, e := range tl.events {
		if e.EventType != unauthAccessEvent {
			continue
		}
		u := subject(e)
		if u == "" {
			u = e.Actor.AlternateID // an unnamed actor still belongs somewhere
		}
		byUser[u] = append(byUser[u], i)
	}
	r := tl.cfg.Thresholds.UnauthAppAccess
	var out []finding
	for _, u := range sortedKeys(byUser) {
		for _, idx := range tl.runs(byUser[u], r.Window) {
			var apps []string
			var ts []time.Time
			for _, i := range idx {
				e := tl.events[i]
				ts = append(ts, e.Published)
				if a := appName(e); a != "" && !slices.Contains(apps, a) {
					apps = append(apps, a)
				}
			}
			what := "an app"
			if len(apps) > 0 {
				what = strings.Join(apps, ", ")
			}
			var ev evidence
			ev.add(baseUnauthApp, "%s denied: %s is not assigned to %s", plural(len(idx), "attempt", "attempts"), u, what)
			if bursts(ts, r) != nil {
				ev.add(wUnauthRepeated, "%s: %d or more within %s", evUnauthRepeated, r.Count, span(r.Window))
				if len(apps) >= unauthManyApps {
					ev.add(wUnauthManyApps, "%d different apps: someone is finding out what the account can reach", len(apps))
				}
			}
			top := tl.worst(idx)
			tl.origin(&ev, top, "an attempt")
			tl.adminEvidence(&ev, u)
			summary := orName(u, top.Actor) + " was denied " + plural(len(idx), "time", "times") + " opening " + what +
				" (not assigned)" + tl.fromIPs(idx) + " at " + tl.clock(tl.events[idx[0]].Published)
			out = append(out, tl.newFinding(UnauthorizedAppAccess, u, summary, ev, idx))
		}
	}
	return out
}

// runs splits idx (indices of tl.events, in time order) where two
// neighbours are more than gap apart.
func (tl *timeline) runs(idx []int, gap time.Duration) [][]int {
	var out [][]int
	start := 0
	for k := 1; k <= len(idx); k++ {
		if k == len(idx) || tl.events[idx[k]].Published.Sub(tl.events[idx[k-1]].Published) > gap {
			out = append(out, idx[start:k])
			start = k
		}
	}
	return out
}

// worst is the event of idx whose origin weighs most: a proxy, a
// watch-listed country, Okta's behaviors and risk; the first on a tie.
func (tl *timeline) worst(idx []int) intents.Event {
	best, bestScore := idx[0], -1
	for _, i := range idx {
		var ev evidence
		tl.origin(&ev, tl.events[i], "")
		if s, _ := Score(ev); s > bestScore {
			best, bestScore = i, s
		}
	}
	return tl.events[best]
}
