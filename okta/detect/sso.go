package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// SSO into apps: rapid_app_access, sso_unknown_client.
//
// Someone who holds a session opens every app it reaches, faster than a
// person clicks (Okta's "rapid application access": 10 apps or more in a
// minute, from the dashboard). A client Okta cannot identify — neither
// browser nor known OS, client.device "Unknown" — signing in to an app is
// a script using a stolen session or token (Elastic's "successful
// application SSO from a rare unknown client device").
//
// Rare is within the events read: the client (its device token,
// debugData.dtHash, else its user agent) was seen for none of the user's
// earlier SSOs. It is claimed only when the user has earlier SSOs; the
// evidence says how far back the events read reach, and when there is
// nothing earlier to compare with, that rarity is not known.

const (
	baseRapidSSO        = 35 // Thresholds.RapidSSO apps in its window: Medium
	wRapidSSOMany       = 10 // twice as many
	baseUnknownClient   = 25 // SSO from a client Okta cannot identify: Medium
	wUnknownScripted    = 15 // … a script's user agent
	wUnknownClientNever = 10 // … by a user who signed in from an identified device before
	wUnknownClientRare  = 15 // … from a client seen for none of the user's earlier SSOs

	evUnknownClientRare = "a client seen for no other SSO of"
)

// clientKey names the client of e for rarity: its device token, else its
// user agent.
func clientKey(e intents.Event) string {
	if dt := deviceToken(e); dt != "" {
		return "dt:" + dt
	}
	return "ua:" + e.Client.UserAgent
}

// rapidAppAccess finds users opening many apps within a minute.
func rapidAppAccess(tl *timeline) []finding {
	byUser := tl.bySubject(func(e intents.Event) bool { return isSSO(e) && appName(e) != "" })
	r := tl.cfg.Thresholds.RapidSSO
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		for _, run := range tl.distinctRuns(idx, r) {
			out = append(out, tl.rapidSSO(u, idx[run[0]:run[1]+1]))
		}
	}
	return out
}

// distinctRuns are the maximal runs [i, j] of idx in which every event lies
// in a window of r.Window reaching r.Count distinct apps.
func (tl *timeline) distinctRuns(idx []int, r Rate) [][2]int {
	return tl.distinctRunsBy(idx, r, appName)
}

// distinctRunsBy are the maximal runs [i, j] of idx in which every event
// lies in a window of r.Window reaching r.Count distinct values of key.
func (tl *timeline) distinctRunsBy(idx []int, r Rate, key func(intents.Event) string) [][2]int {
	var out [][2]int
	count := map[string]int{}
	i := 0
	for j := range idx {
		count[key(tl.events[idx[j]])]++
		for tl.events[idx[j]].Published.Sub(tl.events[idx[i]].Published) > r.Window {
			a := key(tl.events[idx[i]])
			if count[a]--; count[a] == 0 {
				delete(count, a)
			}
			i++
		}
		if len(count) < r.Count {
			continue
		}
		if n := len(out); n > 0 && i <= out[n-1][1] {
			out[n-1][1] = j
		} else {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

func (tl *timeline) rapidSSO(u string, idx []int) finding {
	r := tl.cfg.Thresholds.RapidSSO
	var apps []string
	for _, i := range idx {
		if a := appName(tl.events[i]); !slices.Contains(apps, a) {
			apps = append(apps, a)
		}
	}
	first, last := tl.events[idx[0]], tl.events[idx[len(idx)-1]]
	d := last.Published.Sub(first.Published)
	var ev evidence
	ev.add(baseRapidSSO, "SSO into %d apps in %s (threshold %d in %s)", len(apps), span(d), r.Count, span(r.Window))
	if len(apps) >= 2*r.Count {
		ev.add(wRapidSSOMany, "%d apps: far more than a person opens at once", len(apps))
	}
	if scripted(first.Client.UserAgent) {
		ev.add(wUnknownScripted, "from a script, not a browser: %s", shorten(first.Client.UserAgent, 60))
	}
	tl.originOf(&ev, idx, "SSO")
	tl.adminEvidence(&ev, u)
	shown := apps
	if len(shown) > 5 {
		shown = append(slices.Clone(apps[:5]), "…")
	}
	summary := u + " signed in to " + itoa(len(apps)) + " apps in " + span(d) + " from " + tl.clock(first.Published) +
		tl.fromIPs(idx) + " (" + strings.Join(shown, ", ") + ")"
	return tl.newFinding(RapidAppAccess, u, summary, ev, idx)
}

// unknownDevice reports a client Okta could not identify.
func unknownDevice(c intents.EventClient) bool {
	return strings.EqualFold(strings.TrimSpace(c.Device), "unknown")
}

// ssoUnknownClient finds users signing in to apps from a client Okta
// cannot identify.
func ssoUnknownClient(tl *timeline) []finding {
	byUser := tl.bySubject(func(e intents.Event) bool { return isSSO(e) && unknownDevice(e.Client) })
	known := map[string]time.Time{} // users' first sign-in from an identified device
	for _, e := range tl.events {
		u := subject(e)
		if _, ok := known[u]; !ok && (isSignIn(e) || isSSO(e)) && e.Client.Device != "" && !unknownDevice(e.Client) {
			known[u] = e.Published
		}
	}
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		e := tl.events[idx[0]]
		var apps []string
		for _, i := range idx {
			if a := appName(tl.events[i]); a != "" && !slices.Contains(apps, a) {
				apps = append(apps, a)
			}
		}
		var ev evidence
		ev.add(baseUnknownClient, "SSO into %s from a client Okta could not identify (%s)",
			plural(len(apps), "app", "apps"), clientName(e.Client))
		if scripted(e.Client.UserAgent) {
			ev.add(wUnknownScripted, "a script, not a browser: %s", shorten(e.Client.UserAgent, 60))
		}
		if k, ok := known[u]; ok && k.Before(e.Published) {
			ev.add(wUnknownClientNever, "%s signed in from an identified device before", u)
		}
		tl.clientRarity(&ev, u, idx[0])
		tl.origin(&ev, e, "SSO")
		tl.adminEvidence(&ev, u)
		summary := u + " signed in to " + strings.Join(apps, ", ") + " from an unidentified client (" + clientName(e.Client) +
			") at " + tl.ipLabel(e) + ", first at " + tl.clock(e.Published)
		out = append(out, tl.newFinding(SSOUnknownClient, u, summary, ev, idx))
	}
	return out
}

// clientRarity weighs the client of SSO i being seen for none of u's
// earlier SSOs in the events read, and says how far back they reach.
func (tl *timeline) clientRarity(ev *evidence, u string, i int) {
	e := tl.events[i]
	key := clientKey(e)
	earlier := 0
	for _, p := range tl.events[:i] {
		if !isSSO(p) || subject(p) != u {
			continue
		}
		if clientKey(p) == key {
			return // the client has been seen before
		}
		earlier++
	}
	reach := span(tl.reach(e.Published))
	if earlier == 0 {
		ev.add(0, "no earlier SSO of %s in the events read, which reach back %s: whether the client is rare is not known", u, reach)
		return
	}
	ev.add(wUnknownClientRare, "%s %s: none of their %s before it, in the events read, which reach back %s", evUnknownClientRare, u,
		plural(earlier, "SSO", "SSOs"), reach)
}
