package detect

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const sso = "user.authentication.sso"

// app is an AppInstance target as SSO logs it.
func app(i int) opt { return target("AppInstance", fmt.Sprintf("0oa%d", i), fmt.Sprintf("App %d", i)) }

// unidentified is a client Okta could not name: no browser, no OS, device
// "Unknown".
func unidentified(ua string) opt {
	return func(e *intents.Event) {
		e.Client.UserAgent, e.Client.Browser, e.Client.OS, e.Client.Device = ua, "UNKNOWN", "Unknown", "Unknown"
	}
}

func TestRapidAppAccess(t *testing.T) {
	var ten, many, slow, sameApp, twoRuns orgLog
	for i := range 10 {
		ten.add(sso, time.Duration(i)*5*time.Second, app(i), debug("initiationType", "IDP_INITIATED"))
	}
	for i := range 22 {
		many.add(sso, time.Duration(i)*2*time.Second, app(i), from(torIP, frankfurt), unidentified("python-requests/2.31.0"))
	}
	for i := range 10 {
		slow.add(sso, time.Duration(i)*10*time.Second, app(i)) // 90 s
	}
	repeat(&sameApp, 15, 0, 2*time.Second, sso, app(1))
	for i := range 10 {
		twoRuns.add(sso, time.Duration(i)*time.Second, app(i))
		twoRuns.add(sso, time.Hour+time.Duration(i)*time.Second, app(i))
	}

	runCases(t, RapidAppAccess, []detCase{
		{name: "10 apps in 45 s", events: ten.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "22 apps in 42 s by a script through Tor", events: many.events, want: []got{{john, intents.SeverityCritical, 22}}},
		{name: "10 apps in 90 s", events: slow.events},
		{name: "one app 15 times", events: sameApp.events},
		{name: "twice, an hour apart", events: twoRuns.events,
			want: []got{{john, intents.SeverityMedium, 10}, {john, intents.SeverityMedium, 10}}},
	})
	checkStreaming(t, RapidAppAccess, ten.events)
}

func TestSSOUnknownClient(t *testing.T) {
	var script, knownFirst, browser, noDevice, failedSSO orgLog
	script.add(sso, 0, app(1), unidentified("python-requests/2.31.0"))
	script.add(sso, time.Minute, app(2), unidentified("python-requests/2.31.0"))

	knownFirst.add(signIn, 0, func(e *intents.Event) { e.Client.Device = "Computer" })
	knownFirst.add(sso, time.Hour, app(1), unidentified("Go-http-client/2.0"), from(attackerIP, frankfurt))

	browser.add(sso, 0, app(1))
	noDevice.add(sso, 0, app(1), func(e *intents.Event) { e.Client.Device = "" })
	failedSSO.add(sso, 0, app(1), unidentified("python-requests/2.31.0"), failure("INVALID_CREDENTIALS"))

	runCases(t, SSOUnknownClient, []detCase{
		{name: "a script into two apps", events: script.events, want: []got{{john, intents.SeverityMedium, 2}}},
		{name: "after sign-ins from a known computer", events: knownFirst.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a browser", events: browser.events},
		{name: "no device logged", events: noDevice.events},
		{name: "a failed SSO", events: failedSSO.events},
	})
	checkStreaming(t, SSOUnknownClient, knownFirst.events)
}

// TestSSOUnknownClientRare: an unidentified client seen for none of the
// user's earlier SSOs in the events read weighs more than one seen for an
// earlier SSO (Elastic's rare client), and the evidence says how far back
// the events read reach.
func TestSSOUnknownClientRare(t *testing.T) {
	var rare, seen, nothingBefore orgLog
	for _, l := range []*orgLog{&rare, &seen} {
		l.add(sso, 0, app(1), debug("dtHash", "dt-laptop"))
	}
	rare.add(sso, 2*time.Hour, app(2), unidentified("Mozilla/5.0 (X11; Linux x86_64)"), debug("dtHash", "dt-other"))
	seen.add(sso, 2*time.Hour, app(2), unidentified("Mozilla/5.0 (X11; Linux x86_64)"), debug("dtHash", "dt-laptop"))
	nothingBefore.add(sso, 2*time.Hour, app(2), unidentified("Mozilla/5.0 (X11; Linux x86_64)"), debug("dtHash", "dt-other"))
	runCases(t, SSOUnknownClient, []detCase{
		{name: "a client new to the user's SSOs", events: rare.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a client seen for an earlier SSO", events: seen.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "no earlier SSO to compare with", events: nothingBefore.events, want: []got{{john, intents.SeverityMedium, 1}}},
	})
	checkStreaming(t, SSOUnknownClient, rare.events)
	for _, c := range []struct {
		name   string
		events []intents.Event
		want   string
	}{
		{"rare", rare.events, evUnknownClientRare + " " + john},
		{"nothing before", nothingBefore.events, "no earlier SSO of " + john},
	} {
		f := only(Analyze(testConfig(), c.events).Findings, SSOUnknownClient)
		if len(f) != 1 || !has(f[0].Evidence, c.want) {
			t.Fatalf("%s: findings %+v, want evidence %q", c.name, f, c.want)
		}
		for _, e := range f[0].Evidence {
			if strings.HasPrefix(e.Text, c.want) && !strings.Contains(e.Text, "reach back") {
				t.Errorf("%s: evidence %q does not say how far back the events read reach", c.name, e.Text)
			}
		}
	}
}
