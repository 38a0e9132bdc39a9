package detect

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// device is the Device target Okta logs with device.user.add and
// device.enrollment.create: the Okta device id, the computer's name, and
// its platform and management in detailEntry.
func device(id, name, platform string, managed bool) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, intents.Actor{ID: id, Type: "Device", AlternateID: "unknown", DisplayName: name,
			Detail: map[string]string{"osPlatform": platform, "osVersion": "10.0.22631", "managed": fmt.Sprint(managed),
				"registered": "true", "oktaDeviceId": id}})
	}
}

// phone is the MobilePhone target of a phone verification SMS or call:
// its id is the same for one number.
func phone(id string) opt {
	return func(e *intents.Event) {
		e.Targets = append(e.Targets, intents.Actor{ID: id, Type: "MobilePhone", AlternateID: "unknown", DisplayName: "unknown"})
	}
}

const (
	deviceAdd   = "device.user.add"
	enrolDevice = "device.enrollment.create"
	smsVerify   = "system.sms.send_phone_verification_message"
	voiceVerify = "system.voice.send_phone_verification_call"
)

func TestSharedMFADevice(t *testing.T) {
	var sharedDevice, threeDevices, sharedPhone, sharedToken, ownDevices, twoOnToken, onePhone orgLog
	sharedDevice.add(deviceAdd, 0, as(john), device("guo1evil", "DESKTOP-4F7Q2ZK", "WINDOWS", false), from(attackerIP, frankfurt))
	sharedDevice.add(deviceAdd, time.Hour, as(alice), device("guo1evil", "DESKTOP-4F7Q2ZK", "WINDOWS", false), from(attackerIP, frankfurt))

	for i, u := range []string{john, alice, admin} {
		threeDevices.add(deviceAdd, time.Duration(i)*time.Hour, as(u), device("guo1evil", "DESKTOP-4F7Q2ZK", "WINDOWS", false))
	}

	sharedPhone.add(smsVerify, 0, as(john), phone("mbl1"))
	sharedPhone.add(voiceVerify, 2*time.Hour, as(alice), phone("mbl1"))

	for i, u := range []string{john, alice, admin} {
		sharedToken.add(signIn, time.Duration(i)*10*time.Minute, as(u), debug("dtHash", "9e1c0ffee"), from(attackerIP, frankfurt))
	}

	// negatives: each user on their own device; a shared computer two
	// people sign in on; one user verifying their phone twice
	ownDevices.add(deviceAdd, 0, as(john), device("guo1john", "LT-004211", "MACOS", true))
	ownDevices.add(deviceAdd, time.Hour, as(alice), device("guo1alice", "LT-004212", "MACOS", true))
	twoOnToken.add(signIn, 0, as(john), debug("dtHash", "9e1c0ffee"))
	twoOnToken.add(signIn, time.Hour, as(alice), debug("dtHash", "9e1c0ffee"))
	twoOnToken.add(signIn, 2*time.Hour, as(admin), debug("dtHash", "9e1c0ffee"), failure("INVALID_CREDENTIALS"))
	onePhone.add(smsVerify, 0, as(john), phone("mbl1"))
	onePhone.add(smsVerify, time.Minute, as(john), phone("mbl1"))

	runCases(t, SharedMFADevice, []detCase{
		// The finding is the later user's, as things stood when they
		// came: the first to register a device is likely its owner, and a
		// user who joins later changes no earlier user's finding.
		{name: "one device registered for two users", events: sharedDevice.events,
			want: []got{{alice, intents.SeverityMedium, 2}}},
		{name: "one device registered for three users", events: threeDevices.events,
			want: []got{{admin, intents.SeverityHigh, 3}, {alice, intents.SeverityMedium, 2}}},
		{name: "one phone number verified for two users", events: sharedPhone.events,
			want: []got{{alice, intents.SeverityMedium, 2}}},
		{name: "one device token signing three users in", events: sharedToken.events,
			want: []got{{admin, intents.SeverityMedium, 3}}},
		{name: "each user's own device", events: ownDevices.events},
		{name: "two sign-ins and a failure on one device token", events: twoOnToken.events},
		{name: "one user's phone verified twice", events: onePhone.events},
		{name: "two users on one device token, threshold 2", events: twoOnToken.events,
			cfg:  func(c *Config) { c.Thresholds.SharedTokenUsers = 2 },
			want: []got{{alice, intents.SeverityMedium, 2}}},
	})

	fs := detection(t, SharedMFADevice).Run(testConfig(), sharedDevice.events)
	if len(fs) == 0 || !slices.Equal(suggest(fs[0]), []intents.Kind{intents.ClearSessions, intents.ResetFactors}) {
		t.Errorf("suggest(shared device) = %v, want clear sessions and reset factors", suggestions(fs))
	}
	// The second user's device registration arrives hours after the
	// first's: the device's window brings them together.
	checkStreaming(t, SharedMFADevice, sharedDevice.events)
	checkStreaming(t, SharedMFADevice, sharedPhone.events)
	checkStreaming(t, SharedMFADevice, sharedToken.events)
}

func suggestions(fs []intents.Finding) [][]intents.Kind {
	var out [][]intents.Kind
	for _, f := range fs {
		out = append(out, suggest(f))
	}
	return out
}

func TestDeviceNonstandardName(t *testing.T) {
	var windowsDefault, kali, fleet, phoneName, outside, inside orgLog
	windowsDefault.add(deviceAdd, 0, device("guo1", "DESKTOP-4F7Q2ZK", "WINDOWS", false))
	kali.add(enrolDevice, 0, device("guo2", "kali", "LINUX", false), from(attackerIP, frankfurt))
	fleet.add(deviceAdd, 0, device("guo3", "LT-004211", "MACOS", true))
	phoneName.add(deviceAdd, 0, device("guo4", "John's iPhone", "IOS", false))
	outside.add(deviceAdd, 0, device("guo5", "Johns-MacBook-Pro", "MACOS", false))
	inside.add(deviceAdd, 0, device("guo6", "LT-004211", "MACOS", true))
	fleetNaming := func(c *Config) { c.DeviceNamePattern = `^LT-[0-9]{6}$` }

	runCases(t, DeviceNonstandardName, []detCase{
		{name: "Windows' default name", events: windowsDefault.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "a Kali machine", events: kali.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a fleet name, no convention set", events: fleet.events},
		{name: "a phone's name", events: phoneName.events, cfg: fleetNaming},
		{name: "outside the org's naming", events: outside.events, cfg: fleetNaming, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "the org's naming", events: inside.events, cfg: fleetNaming},
		{name: "a bad pattern falls back to the defaults", events: outside.events, cfg: func(c *Config) { c.DeviceNamePattern = "(" }},
	})
	checkStreaming(t, DeviceNonstandardName, kali.events)
}
