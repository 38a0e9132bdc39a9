package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func TestConcurrentSessions(t *testing.T) {
	pythonAgent := agent("python-requests/2.31.0", "UNKNOWN", "Unknown")
	var three, spread, ended, slow, two orgLog
	// a laptop, a phone, and a third from elsewhere
	three.add(signIn, 0, session("idx1"))
	three.add(signIn, 10*time.Minute, session("idx2"), agent("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)", "SAFARI", "iOS"))
	three.add(signIn, 40*time.Minute, session("idx3"), from("203.0.113.90", oakland))
	three.add("user.authentication.sso", 41*time.Minute, session("idx3"), from("203.0.113.90", oakland), target("AppInstance", "0oa1", "Salesforce"))

	spread.add(signIn, 0, session("idxA"))
	spread.add(signIn, 5*time.Minute, session("idxB"), from("203.0.113.91", london))
	spread.add(signIn, 6*time.Minute, session("idxC"), from(attackerIP, frankfurt), pythonAgent)

	// negatives: sessions ended before the next started; three over a
	// day; two at once
	ended.add(signIn, 0, session("idxE1"))
	ended.add("user.session.end", 5*time.Minute, session("idxE1"))
	ended.add(signIn, 10*time.Minute, session("idxE2"))
	ended.add("user.session.end", 15*time.Minute, session("idxE2"))
	ended.add(signIn, 20*time.Minute, session("idxE3"))
	for i := range 3 {
		slow.add(signIn, time.Duration(i)*3*time.Hour, session("idxS"+itoa(i)))
	}
	two.add(signIn, 0, session("idxT1"))
	two.add(signIn, time.Minute, session("idxT2"))
	two.add(signIn, 2*time.Minute, session("idxT2"))

	runCases(t, ConcurrentSessions, []detCase{
		{name: "three sessions in 40 min", events: three.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "three sessions from three countries, one a script", events: spread.events, want: []got{{john, intents.SeverityHigh, 3}}},
		{name: "each ended before the next", events: ended.events},
		{name: "three sessions over six hours", events: slow.events},
		{name: "two sessions", events: two.events},
	})
	fs := detection(t, ConcurrentSessions).Run(testConfig(), spread.events)
	for _, want := range []string{"from 3 IPs", "in 3 countries", "one from a script"} {
		if len(fs) != 1 || !has(fs[0].Evidence, want) {
			t.Errorf("three sessions from three countries: %s, want evidence %q", dump(fs), want)
		}
	}
	checkStreaming(t, ConcurrentSessions, spread.events)
}
