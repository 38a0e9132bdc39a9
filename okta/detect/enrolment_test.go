package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// factorActivated is user.mfa.factor.activate as Okta logs it when a user
// sets up a factor: the user as actor and target, the factor in
// debugData.factor.
func factorActivated(user, factor string) opt {
	return func(e *intents.Event) {
		e.EventType = "user.mfa.factor.activate"
		e.Actor = userActor(user)
		e.Targets = append(e.Targets, userActor(user))
		e.Debug["factor"] = factor
		e.DisplayMessage = "User set up factor"
	}
}

func TestNewDeviceEnrolled(t *testing.T) {
	newDevice := debug("behaviors", "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}")
	// A new hire's first day: everything is new to Okta, nothing is off.
	var newHire orgLog
	newHire.add(signIn, 0, as(alice), newDevice)
	newHire.add("", 2*time.Minute, factorActivated(alice, "OKTA_VERIFY_PUSH"), newDevice)
	newHire.add(enrolDevice, 3*time.Minute, as(alice), device("guo1alice", "LT-004212", "MACOS", true), newDevice)
	newHire.add(deviceAdd, 3*time.Minute, as(alice), device("guo1alice", "LT-004212", "MACOS", true), newDevice)

	// A sign-in through Tor, then Okta Verify set up from home.
	var afterTor orgLog
	afterTor.add(signIn, 0, from(torIP, frankfurt))
	afterTor.add("", 4*time.Minute, factorActivated(john, "OKTA_VERIFY_PUSH"))
	afterTor.add(deviceAdd, 5*time.Minute, device("guo1evil", "DESKTOP-4F7Q2ZK", "WINDOWS", false))

	// The same, two hours apart: the sign-in is not what led to it.
	var longAfter orgLog
	longAfter.add(signIn, 0, from(torIP, frankfurt))
	longAfter.add("", 2*time.Hour, factorActivated(john, "OKTA_VERIFY_PUSH"))

	// A factor enrolled from a watch-listed country.
	var watched orgLog
	watched.add("", 0, factorActivated(john, "SMS"), from("203.0.113.40", moscow))

	// Signed in at home, a device enrolled from London five minutes later.
	var elsewhere orgLog
	elsewhere.add(signIn, 0)
	elsewhere.add(enrolDevice, 5*time.Minute, device("guo1x", "LT-004300", "WINDOWS", false), from("203.0.113.61", london))

	// Signed in in San Francisco, enrolled from Oakland: the same country.
	var nearby orgLog
	nearby.add(signIn, 0)
	nearby.add(enrolDevice, 5*time.Minute, device("guo1x", "LT-004300", "WINDOWS", false), from("203.0.113.62", oakland))

	// An enrolment through Tor that Okta refused.
	var refused orgLog
	refused.add(deviceAdd, 0, device("guo1evil", "kali", "LINUX", false), from(torIP, frankfurt), failure("INVALID_CREDENTIALS"))

	runCases(t, NewDeviceEnrolled, []detCase{
		{name: "a new hire enrolling Okta Verify and a laptop", events: newHire.events},
		{name: "a factor and a device enrolled after a sign-in through Tor", events: afterTor.events,
			want: []got{{john, intents.SeverityHigh, 3}}},
		{name: "a risky sign-in two hours before", events: longAfter.events},
		{name: "a factor enrolled from a watch-listed country", events: watched.events,
			want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "a device enrolled from another country than the sign-in", events: elsewhere.events,
			want: []got{{john, intents.SeverityMedium, 2}}},
		{name: "a device enrolled from a nearby city", events: nearby.events},
		{name: "an enrolment Okta refused", events: refused.events},
	})
	checkStreaming(t, NewDeviceEnrolled, afterTor.events)
	checkStreaming(t, NewDeviceEnrolled, elsewhere.events)
}
