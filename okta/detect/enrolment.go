package detect

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// new_device_enrolled: a device or factor enrolled on an account in
// circumstances that make it look like someone else's. Splunk's rule
// flags every enrolment (device.enrollment.create) for a risk score; a new
// hire setting up Okta Verify, or anyone replacing a phone, does the same
// every day. What an attacker with a stolen password does next is enrol
// their own factor or device to keep the account, so an enrolment is a
// finding only when something about it is off: it came through an
// anonymizer or from a watch-listed country or Okta rated it risky; it
// followed a sign-in of the user that did; or it came from another country
// than the user's sign-in just before it. Okta's New Device behavior is no
// reason: every first enrolment has it.

const (
	baseEnrol        = 20 // a device or factor enrolled, with a reason to look: Low, more with the reasons
	wEnrolRiskySign  = 20 // … soon after a sign-in of the user that was risky
	wEnrolElsewhere  = 25 // … from another country than the user's sign-in just before
	enrolEpisodeGap  = 15 * time.Minute
	evEnrolAfterRisk = "enrolled soon after a risky sign-in"
	evEnrolElsewhere = "enrolled from another country"
)

// enrolment reports an event that adds a device or a factor to an
// account: a device enrolled, Okta Verify registered on a device, a factor
// activated.
func enrolment(e intents.Event) bool {
	switch e.EventType {
	case "device.enrollment.create", "device.user.add", "user.mfa.factor.activate":
		return succeeded(e)
	}
	return false
}

// newDeviceEnrolled finds devices and factors enrolled in odd
// circumstances, one finding per user and episode (enrolments less than
// 15 min apart: one device enrolment logs several events).
func newDeviceEnrolled(tl *timeline) []finding {
	byUser := tl.bySubject(enrolment)
	var out []finding
	for _, u := range sortedKeys(byUser) {
		for _, idx := range tl.episodes(byUser[u], enrolEpisodeGap) {
			if f, ok := tl.enrolled(u, idx); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// enrolled scores one episode of enrolments of user u; ok is false when
// nothing about it is off.
func (tl *timeline) enrolled(u string, idx []int) (finding, bool) {
	first := tl.events[idx[0]]
	what := tl.enrolledWhat(idx)
	var signals evidence
	top := tl.worst(idx)
	tl.riskyOrigin(&signals, top, "the enrolment")
	used := append([]int(nil), idx...)
	if j, ok := tl.signInBefore(u, idx[0], tl.cfg.Thresholds.EnrolAfterSignIn); ok {
		s := tl.events[j]
		var risky evidence
		tl.riskyOrigin(&risky, s, "that sign-in")
		if sc, _ := Score(risky); sc > 0 {
			signals.add(wEnrolRiskySign, "%s: %s after %s signed in from %s", evEnrolAfterRisk,
				span(first.Published.Sub(s.Published)), u, tl.ipLabel(s))
			signals = append(signals, risky...)
			used = append(used, j)
		}
		// a proxy's country says nothing about where its user is
		if c := enrolCountry(tl, idx, s); c != "" && tl.proxy(s) == notProxy && tl.proxy(top) == notProxy {
			signals.add(wEnrolElsewhere, "%s: %s, while %s signed in from %s %s before",
				evEnrolElsewhere, c, u, s.Client.Place(), span(first.Published.Sub(s.Published)))
			used = append(used, j)
		}
	}
	if len(signals) == 0 {
		return finding{}, false
	}
	var ev evidence
	ev.add(baseEnrol, "%s enrolled on %s's account", what, u)
	ev = append(ev, signals...)
	tl.adminEvidence(&ev, u)
	summary := capitalize(what) + " enrolled on " + u + "'s account from " + tl.ipLabel(top) + " at " + tl.clock(first.Published)
	return tl.newFinding(NewDeviceEnrolled, u, summary, ev, used), true
}

// riskyOrigin adds what makes e's origin risky: a proxy, a watch-listed
// country, Okta's risk rating. Okta's New Device and New IP behaviors are
// left out: every first sign-in and enrolment of a new hire has them.
func (tl *timeline) riskyOrigin(ev *evidence, e intents.Event, what string) {
	tl.proxyEvidence(ev, e, what)
	tl.watchEvidence(ev, e, what)
	riskEvidence(ev, e)
}

// enrolledWhat names what the enrolments idx added: "device LT-004211",
// "factor OKTA_VERIFY_PUSH", or "a device or factor".
func (tl *timeline) enrolledWhat(idx []int) string {
	var names []string
	add := func(s string) {
		for _, n := range names {
			if n == s {
				return
			}
		}
		names = append(names, s)
	}
	for _, i := range idx {
		e := tl.events[i]
		if e.EventType == "user.mfa.factor.activate" {
			if f := factorName(e); f != "" {
				add("factor " + f)
			}
			continue
		}
		if _, n, _, ok := deviceOf(e); ok && n != "" {
			add("device " + n)
		}
	}
	if len(names) == 0 {
		return "a device or factor"
	}
	return strings.Join(names, ", ")
}

// signInBefore is user's latest successful sign-in within d before event i.
func (tl *timeline) signInBefore(user string, i int, d time.Duration) (int, bool) {
	start := tl.events[i].Published.Add(-d)
	for j := i - 1; j >= 0 && !tl.events[j].Published.Before(start); j-- {
		if e := tl.events[j]; isSignIn(e) && actorLogin(e) == user {
			return j, true
		}
	}
	return 0, false
}

// enrolCountry is the country of the first enrolment of idx that came
// from another country than the sign-in s, or "".
func enrolCountry(tl *timeline, idx []int, s intents.Event) string {
	if s.Client.Country == "" {
		return ""
	}
	for _, i := range idx {
		c := tl.events[i].Client.Country
		if c != "" && !strings.EqualFold(c, s.Client.Country) {
			return tl.events[i].Client.Place()
		}
	}
	return ""
}
