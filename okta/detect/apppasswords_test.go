package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// o2o is an Okta Org2Org app as the System Log targets it: its label as
// alternateId, the catalogue name as displayName.
func o2o(label string) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, intents.Actor{ID: "0oao2o", Type: "AppInstance", AlternateID: label, DisplayName: "Okta Org2Org"})
	}
}

func TestOrg2OrgAppChange(t *testing.T) {
	var created, changed, night, otherApp, failedCreate orgLog
	created.add("application.lifecycle.create", 0, as(admin), o2o("Partner tenant"))
	changed.add("application.lifecycle.update", 0, as(admin), o2o("Partner tenant"))
	night.add("application.lifecycle.update", sundayNight, as(admin), o2o("Partner tenant"), from(torIP, frankfurt))
	otherApp.add("application.lifecycle.create", 0, as(admin), target("AppInstance", "0oasf", "Salesforce"))
	failedCreate.add("application.lifecycle.create", 0, as(admin), o2o("Partner tenant"), failure("INSUFFICIENT_PERMISSIONS"))
	runCases(t, Org2OrgAppChange, []detCase{
		{name: "an Org2Org app created", events: created.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an Org2Org app changed", events: changed.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "changed on Sunday night from Tor", events: night.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "another app created", events: otherApp.events},
		{name: "a creation refused weighs less", events: failedCreate.events, want: []got{{admin, intents.SeverityMedium, 1}}},
	})
}

// reveal is application.user_membership.show_password: the revealer as
// actor, the user whose password it is and the app as targets.
func reveal(owner, app string) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, userActor(owner),
			intents.Actor{ID: "0oa" + app, Type: "AppInstance", AlternateID: app, DisplayName: app})
		e.DisplayMessage = "Show user password for application"
	}
}

func TestAppPasswordExposure(t *testing.T) {
	var push, otherUpdate, other, own, harvest, ownTor, spread orgLog
	push.add("application.lifecycle.update", 0, as(admin), target("AppInstance", "0oascim", "HR SCIM"),
		outcome("SUCCESS", "Pushing user passwords"))
	otherUpdate.add("application.lifecycle.update", 0, as(admin), target("AppInstance", "0oascim", "HR SCIM"))
	other.add("application.user_membership.show_password", 0, as(alice), reveal(john, "Netflix"))
	own.add("application.user_membership.show_password", 0, reveal(john, "Netflix"))
	for i, app := range []string{"Netflix", "AWS Root", "Bank"} {
		harvest.add("application.user_membership.show_password", time.Duration(i)*5*time.Minute, reveal(john, app))
	}
	ownTor.add("application.user_membership.show_password", 0, reveal(john, "Netflix"), from(torIP, frankfurt))
	var ownNight orgLog
	ownNight.add("application.user_membership.show_password", sundayNight, reveal(john, "Netflix"))
	for i, app := range []string{"Netflix", "AWS Root", "Bank"} {
		spread.add("application.user_membership.show_password", time.Duration(i)*90*time.Minute, reveal(john, app))
	}
	runCases(t, AppPasswordExposure, []detCase{
		{name: "an app set to push cleartext passwords", events: push.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an app updated otherwise", events: otherUpdate.events},
		{name: "another user's password revealed", events: other.events, want: []got{{alice, intents.SeverityMedium, 1}}},
		{name: "one's own password revealed", events: own.events},
		{name: "three own passwords in 10 minutes", events: harvest.events, want: []got{{john, intents.SeverityMedium, 3}}},
		{name: "one's own password from Tor", events: ownTor.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "one's own password on Sunday night", events: ownNight.events, want: []got{{john, intents.SeverityLow, 1}}},
		{name: "one's own password on Sunday night, office hours off", events: ownNight.events,
			cfg: func(c *Config) { c.OfficeHours = OfficeHours{Disabled: true} }},
		{name: "three own passwords hours apart", events: spread.events},
	})
}

// TestAppPasswordRevealNewSource: one's own password revealed from an IP
// or a device the user has not used in the events read (Panther's password
// access from a new source).
func TestAppPasswordRevealNewSource(t *testing.T) {
	var newIP, newDevice, newAgent, usual, usualDevice, first orgLog
	for _, l := range []*orgLog{&newIP, &newDevice, &newAgent, &usual, &usualDevice} {
		l.add(signIn, 0, debug("dtHash", "dt-laptop"))
	}
	newIP.add("application.user_membership.show_password", time.Hour, reveal(john, "Netflix"), from("198.51.100.77", frankfurt),
		debug("dtHash", "dt-laptop"))
	newDevice.add("application.user_membership.show_password", time.Hour, reveal(john, "Netflix"), debug("dtHash", "dt-other"))
	newAgent.add("application.user_membership.show_password", time.Hour, reveal(john, "Netflix"),
		agent("python-requests/2.31.0", "UNKNOWN", "Unknown"))
	usual.add("application.user_membership.show_password", time.Hour, reveal(john, "Netflix"))
	usualDevice.add("application.user_membership.show_password", time.Hour, reveal(john, "Netflix"), debug("dtHash", "dt-laptop"))
	first.add("application.user_membership.show_password", time.Hour, reveal(john, "Netflix"), from("198.51.100.77", frankfurt))
	runCases(t, AppPasswordExposure, []detCase{
		{name: "own password from a new IP", events: newIP.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "own password from a new device token", events: newDevice.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "own password from a new user agent", events: newAgent.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "own password from the usual IP and browser", events: usual.events},
		{name: "own password from the usual IP and device token", events: usualDevice.events},
		{name: "own password with nothing earlier to compare", events: first.events},
	})
	f := only(Analyze(testConfig(), newIP.events).Findings, AppPasswordExposure)
	if len(f) != 1 || !has(f[0].Evidence, evRevealNewSource) {
		t.Fatalf("Analyze(reveal from a new IP) = %+v, want a finding with %q", f, evRevealNewSource)
	}
	for _, e := range f[0].Evidence {
		if strings.HasPrefix(e.Text, evRevealNewSource) && !strings.Contains(e.Text, "reach back 1 h") {
			t.Errorf("evidence %q does not say how far back the events read reach (1 h)", e.Text)
		}
	}
}

func TestAppPasswordExposureRemedy(t *testing.T) {
	var other, push orgLog
	other.add("application.user_membership.show_password", 0, as(alice), reveal(john, "Netflix"))
	push.add("application.lifecycle.update", 0, as(admin), target("AppInstance", "0oascim", "HR SCIM"),
		outcome("SUCCESS", "Pushing user passwords"))
	ps := Analyze(testConfig(), other.events).Proposals
	if len(ps) != 1 || ps[0].Kind != intents.ClearSessions || ps[0].User == nil || ps[0].User.Name != alice {
		t.Errorf("Analyze(alice revealed john's password) proposes %+v, want clear_sessions for %s", ps, alice)
	}
	if ps := Analyze(testConfig(), push.events).Proposals; len(ps) != 0 {
		t.Errorf("Analyze(password push) proposes %+v, want nothing", ps)
	}
}
