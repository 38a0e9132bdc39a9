package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// app_challenges_failed: one session asking for many apps and passing few
// of the challenges Okta puts in front of them (Splunk's and Okta's
// "multiple failed requests to access applications"). A session cookie
// stolen without the second factor reaches the dashboard, and each app
// whose sign-on policy asks for MFA stops it: Okta logs
// policy.evaluate_sign_on with outcome CHALLENGE for the app, and no
// user.authentication.sso follows. A person who is challenged passes and
// reaches the app.

const (
	baseAppChallenges  = 35 // Thresholds.AppChallenges apps challenged, few passed: Medium
	wAppChallengesNone = 15 // … none passed
	evAppChallengeNone = "no challenge passed"
)

// appChallenge reports an app's sign-on policy challenging a session.
// Okta's own apps are left out: the Dashboard and the Admin Console are
// reached without a user.authentication.sso, so a passed challenge for
// them would count as failed.
func appChallenge(e intents.Event) bool {
	if e.EventType != "policy.evaluate_sign_on" || !strings.EqualFold(e.Outcome.Result, "CHALLENGE") || appName(e) == "" {
		return false
	}
	switch a := appName(e); {
	case consoleApp(e), a == "Okta Dashboard", a == "Okta Browser Plugin":
		return false
	}
	return true
}

// appChallengesFailed finds sessions challenged for many apps that reached
// few of them, one finding per user, session and run (a gap longer than
// the AppChallenges window starts a new run).
func appChallengesFailed(tl *timeline) []finding {
	type key struct{ user, session string }
	groups := map[key][]int{}
	var keys []key
	for i, e := range tl.events {
		if !appChallenge(e) && !(isSSO(e) && appName(e) != "") {
			continue
		}
		u := subject(e)
		if u == "" {
			continue
		}
		s := sessionOf(e)
		if s == "" {
			s = "ip:" + e.Client.IP // no session: the IP stands in, as Splunk groups by both
		}
		k := key{u, s}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.user, b.user); c != 0 {
			return c
		}
		return strings.Compare(a.session, b.session)
	})
	r := tl.cfg.Thresholds.AppChallenges
	var out []finding
	for _, k := range keys {
		for _, idx := range tl.runs(groups[k], r.Window) {
			if f, ok := tl.appChallenges(k.user, idx, r); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// appChallenges weighs one run of challenges and SSO of one session.
func (tl *timeline) appChallenges(u string, idx []int, r Rate) (finding, bool) {
	var challenged, passed []string
	var chIdx []int
	for _, i := range idx {
		e := tl.events[i]
		a := appName(e)
		switch {
		case appChallenge(e):
			chIdx = append(chIdx, i)
			if !slices.Contains(challenged, a) {
				challenged = append(challenged, a)
			}
		case slices.Contains(challenged, a) && !slices.Contains(passed, a):
			passed = append(passed, a) // an SSO after the app's challenge
		}
	}
	if len(challenged) < r.Count || float64(len(passed)) >= tl.cfg.Thresholds.AppChallengeRatio*float64(len(challenged)) {
		return finding{}, false
	}
	var ev evidence
	ev.add(baseAppChallenges, "%d apps challenged %s within %s, %d reached: %s", len(challenged), u, span(r.Window), len(passed),
		shorten(strings.Join(challenged, ", "), 120))
	if len(passed) == 0 {
		ev.add(wAppChallengesNone, "%s: the session holds a sign-in but not the factors the apps ask for", evAppChallengeNone)
	}
	top := tl.worst(chIdx)
	tl.origin(&ev, top, "the requests")
	tl.adminEvidence(&ev, u)
	summary := "One session of " + u + " was challenged for " + itoa(len(challenged)) + " apps and reached " + itoa(len(passed)) +
		tl.fromIPs(chIdx) + " at " + tl.clock(tl.events[chIdx[0]].Published)
	return tl.newFinding(AppChallengesFailed, u, summary, ev, idx), true
}
