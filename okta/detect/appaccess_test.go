package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// denied is app.generic.unauth_app_access_attempt as Okta writes it: the
// user as actor, the app as target, FAILURE, severity WARN.
func denied(app string) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, intents.Actor{ID: "0oa" + app, Type: "AppInstance", AlternateID: app, DisplayName: app})
		e.Outcome = intents.EventOutcome{Result: "FAILURE"}
		e.Severity = "WARN"
		e.DisplayMessage = "User attempted unauthorized access to app"
	}
}

func TestUnauthorizedAppAccess(t *testing.T) {
	var once, probe, spread, proxiedProbe, other, granted orgLog
	once.add(unauthAccessEvent, 0, denied("Workday"))
	for i, app := range []string{"Workday", "AWS Prod", "GitHub"} {
		probe.add(unauthAccessEvent, time.Duration(i)*5*time.Minute, denied(app))
	}
	for i, app := range []string{"Workday", "AWS Prod", "GitHub"} { // 3 apps, 2 h apart: three stale links
		spread.add(unauthAccessEvent, time.Duration(i)*2*time.Hour, denied(app))
	}
	for i, app := range []string{"Workday", "AWS Prod", "GitHub", "Salesforce"} {
		proxiedProbe.add(unauthAccessEvent, time.Duration(i)*time.Minute, denied(app), from(torIP, frankfurt))
	}
	other.add(unauthAccessEvent, 0, as(alice), denied("Workday"))
	other.add(unauthAccessEvent, time.Minute, denied("GitHub"))
	granted.add("user.authentication.sso", 0, target("AppInstance", "0oa1", "Workday"))

	runCases(t, UnauthorizedAppAccess, []detCase{
		{name: "one denied app", events: once.events, want: []got{{john, intents.SeverityLow, 1}}},
		{name: "three apps in 10 minutes", events: probe.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "three apps hours apart", events: spread.events,
			want: []got{{john, intents.SeverityLow, 1}, {john, intents.SeverityLow, 1}, {john, intents.SeverityLow, 1}}},
		{name: "four apps from a Tor exit", events: proxiedProbe.events, want: []got{{john, intents.SeverityHigh, 4}}},
		{name: "two users once each", events: other.events, want: []got{{alice, intents.SeverityLow, 1}, {john, intents.SeverityLow, 1}}},
		{name: "an SSO that succeeded", events: granted.events},
	})
}

func TestUnauthorizedAppAccessRemedy(t *testing.T) {
	var once, probe orgLog
	once.add(unauthAccessEvent, 0, denied("Workday"))
	for i, app := range []string{"Workday", "AWS Prod", "GitHub", "Salesforce"} {
		probe.add(unauthAccessEvent, time.Duration(i)*time.Minute, denied(app), from(torIP, frankfurt))
	}
	if ps := Analyze(testConfig(), once.events).Proposals; len(ps) != 0 {
		t.Errorf("Analyze(one denial) proposes %v, want nothing", ps)
	}
	ps := Analyze(testConfig(), probe.events).Proposals
	if len(ps) != 1 || ps[0].Kind != intents.ClearSessions || ps[0].User == nil || ps[0].User.Name != john {
		t.Errorf("Analyze(a probe from Tor) proposes %+v, want clear_sessions for %s", ps, john)
	}
}
