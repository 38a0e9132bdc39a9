package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// challengeFor is policy.evaluate_sign_on as Okta logs an app's sign-on
// policy asking the session for more: outcome CHALLENGE, the app and the
// policy rule as targets.
func challengeFor(i int) opt {
	return func(e *intents.Event) {
		e.EventType = "policy.evaluate_sign_on"
		e.Outcome = intents.EventOutcome{Result: "CHALLENGE", Reason: "Sign-on policy evaluation resulted in CHALLENGE"}
		app(i)(e)
		target("Rule", "0pr"+itoa(i), "Require MFA")(e)
	}
}

func TestAppChallengesFailed(t *testing.T) {
	// challenges adds n apps challenged a minute apart in session s,
	// each reached by SSO when pass(i).
	challenges := func(l *orgLog, s string, n int, start time.Duration, pass func(int) bool, opts ...opt) {
		for i := range n {
			at := start + time.Duration(i)*time.Minute
			l.add("", at, append([]opt{challengeFor(i), session(s)}, opts...)...)
			if pass(i) {
				l.add(sso, at+20*time.Second, append([]opt{app(i), session(s)}, opts...)...)
			}
		}
	}
	never := func(int) bool { return false }
	var stolen, person, few, tooFew, twoSessions, slow, tor orgLog
	challenges(&stolen, "idxStolen", 7, 0, never)
	challenges(&person, "idxJohn", 7, 0, func(int) bool { return true })
	challenges(&few, "idxFew", 7, 0, func(i int) bool { return i < 3 })
	challenges(&tooFew, "idxTwo", 2, 0, never)
	challenges(&twoSessions, "idxA", 2, 0, never)
	challenges(&twoSessions, "idxB", 2, 10*time.Minute, never)
	for i := range 3 {
		slow.add("", time.Duration(i)*90*time.Minute, challengeFor(i), session("idxSlow"))
	}
	challenges(&tor, "idxTor", 3, 0, never, from(torIP, frankfurt))
	// An administrator signing in: the Dashboard and the Admin Console
	// challenge (no SSO event follows either), one app challenged and
	// reached.
	var adminDay orgLog
	adminDay.add("policy.evaluate_sign_on", 0, as(admin), session("idxAdm"), outcome("CHALLENGE", ""), target("AppInstance", "0oadash", "Okta Dashboard"))
	adminDay.add("policy.evaluate_sign_on", time.Minute, as(admin), session("idxAdm"), outcome("CHALLENGE", ""), consoleTarget)
	adminDay.add("", 2*time.Minute, as(admin), session("idxAdm"), challengeFor(1))
	adminDay.add(sso, 2*time.Minute+10*time.Second, as(admin), session("idxAdm"), app(1))

	runCases(t, AppChallengesFailed, []detCase{
		{name: "a session challenged for 7 apps, none reached", events: stolen.events, want: []got{{john, intents.SeverityHigh, 7}}},
		{name: "a person passing each challenge", events: person.events},
		{name: "3 of 7 reached", events: few.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "2 apps challenged", events: tooFew.events},
		{name: "4 apps over two sessions", events: twoSessions.events},
		{name: "3 apps over 3 h", events: slow.events},
		{name: "an administrator's Dashboard and Admin Console", events: adminDay.events},
		{name: "3 apps through Tor", events: tor.events, want: []got{{john, intents.SeverityHigh, 3}}},
	})
	checkStreaming(t, AppChallengesFailed, stolen.events)
}
