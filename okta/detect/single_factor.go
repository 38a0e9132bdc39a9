package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// single_factor_success: a session that got in on one factor although the
// sign-on policy asked for more. Okta's policy evaluation said CHALLENGE
// (policy.evaluate_sign_on), yet the session went on to sign in or reach
// an app with no second factor verified in it (Splunk's successful single
// factor authentication; Elastic's unknown-client SSO, which exploited
// Classic Engine policies that could be bypassed). Either the policy is
// not what the admins think, or something skipped it.

const (
	baseSingleFactor = 40 // the policy asked for MFA, the session got in without: Medium
	wSingleFactorApp = 10 // … and reached apps
)

// sessionFactors is what one session proved and reached.
type sessionFactors struct {
	user      string
	challenge int   // the policy evaluation that asked for more; -1: none
	mfa       bool  // a second factor verified
	success   []int // sign-ins and SSO
}

// secondFactor reports a verified factor other than the password.
func secondFactor(e intents.Event) bool {
	if !succeeded(e) {
		return false
	}
	switch {
	case isMFAChallenge(e):
		return true
	case e.EventType == "user.authentication.verify":
		m := methodUsed(e)
		return m != "" && !strings.Contains(m, "password")
	}
	return false
}

// singleFactorSuccess finds sessions that the policy challenged and that
// got in without a second factor.
func singleFactorSuccess(tl *timeline) []finding {
	sessions := map[string]*sessionFactors{}
	var order []string
	for i, e := range tl.events {
		s, u := sessionOf(e), subject(e)
		if s == "" || u == "" {
			continue
		}
		k := u + "\x00" + s
		sf := sessions[k]
		if sf == nil {
			sf = &sessionFactors{user: u, challenge: -1}
			sessions[k] = sf
			order = append(order, k)
		}
		switch {
		case e.EventType == "policy.evaluate_sign_on" && strings.EqualFold(e.Outcome.Result, "CHALLENGE"):
			if sf.challenge < 0 {
				sf.challenge = i
			}
		case secondFactor(e):
			sf.mfa = true
		case isSignIn(e) || isSSO(e):
			if sf.challenge >= 0 {
				sf.success = append(sf.success, i)
			}
		}
	}
	var out []finding
	for _, k := range order {
		sf := sessions[k]
		if sf.challenge < 0 || sf.mfa || len(sf.success) == 0 {
			continue
		}
		c := tl.events[sf.challenge]
		s := tl.events[sf.success[0]]
		var apps []string
		for _, i := range sf.success {
			if a := appName(tl.events[i]); a != "" && isSSO(tl.events[i]) && !slices.Contains(apps, a) {
				apps = append(apps, a)
			}
		}
		var ev evidence
		ev.add(baseSingleFactor, "the sign-on policy asked for more at %s, yet the session got in at %s with no second factor",
			tl.clock(c.Published), tl.clock(s.Published))
		if len(apps) > 0 {
			ev.add(wSingleFactorApp, "and reached %s: %s", plural(len(apps), "app", "apps"), strings.Join(apps, ", "))
		}
		tl.origin(&ev, s, "the sign-in")
		tl.adminEvidence(&ev, sf.user)
		summary := sf.user + " got in at " + tl.clock(s.Published) + " from " + tl.ipLabel(s) +
			" with one factor, though the sign-on policy asked for more"
		if len(apps) > 0 {
			summary += "; then " + strings.Join(apps, ", ")
		}
		out = append(out, tl.newFinding(SingleFactorSuccess, sf.user, summary, ev, append([]int{sf.challenge}, sf.success...)))
	}
	return out
}
