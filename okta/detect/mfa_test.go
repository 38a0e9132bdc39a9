package detect

import (
	"fmt"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const (
	sendPush = "system.push.send_factor_verify_push"
	denyPush = "user.mfa.okta_verify.deny_push"
	viaMFA   = "user.authentication.auth_via_mfa"
)

var pushFactor = debug("factor", "OKTA_VERIFY_PUSH")

func TestMFAPushFatigue(t *testing.T) {
	var accepted, unanswered, few, approved, slow, doubleLogged, doubleLoggedFive orgLog
	for i := range 6 {
		at := time.Duration(i) * time.Minute
		accepted.add(sendPush, at, from(torIP, frankfurt))
		accepted.add(denyPush, at+20*time.Second, failure("User rejected Okta push verify"))
	}
	accepted.add(sendPush, 7*time.Minute, from(torIP, frankfurt))
	accepted.add(viaMFA, 7*time.Minute+15*time.Second, pushFactor, from(torIP, frankfurt))

	repeat(&unanswered, 5, 0, time.Minute, sendPush, from("203.0.113.50", london))

	for i := range 3 {
		few.add(sendPush, time.Duration(i)*time.Minute)
		few.add(denyPush, time.Duration(i)*time.Minute+10*time.Second, failure(""))
	}
	for i := range 5 {
		approved.add(sendPush, time.Duration(i)*time.Minute)
		approved.add(viaMFA, time.Duration(i)*time.Minute+10*time.Second, pushFactor)
	}
	for i := range 5 {
		slow.add(sendPush, time.Duration(i)*12*time.Minute)
		slow.add(denyPush, time.Duration(i)*12*time.Minute+10*time.Second, failure(""))
	}
	// One denial logged as deny_push and auth_via_mfa FAILURE.
	for i := range 5 {
		at := time.Duration(i) * time.Minute
		if i < 4 {
			doubleLogged.add(sendPush, at)
			doubleLogged.add(denyPush, at+10*time.Second, failure(""))
			doubleLogged.add(viaMFA, at+11*time.Second, pushFactor, failure("INVALID_CREDENTIALS"))
		}
		doubleLoggedFive.add(sendPush, at)
		doubleLoggedFive.add(denyPush, at+10*time.Second, failure(""))
		doubleLoggedFive.add(viaMFA, at+11*time.Second, pushFactor, failure("INVALID_CREDENTIALS"))
	}

	runCases(t, MFAPushFatigue, []detCase{
		{name: "6 denied pushes from Tor, then one approved", events: accepted.events, want: []got{{john, intents.SeverityCritical, 13}}},
		{name: "5 unanswered pushes", events: unanswered.events, want: []got{{john, intents.SeverityMedium, 5}}},
		{name: "3 denied pushes", events: few.events},
		{name: "5 approved pushes", events: approved.events},
		{name: "5 denied pushes over an hour", events: slow.events},
		{name: "4 denials each logged twice", events: doubleLogged.events},
		{name: "5 denials each logged twice", events: doubleLoggedFive.events, want: []got{{john, intents.SeverityMedium, 15}}},
	})
}

func TestMFAFailures(t *testing.T) {
	var sms, smsThenOK, bypass, few, pushes orgLog
	repeat(&sms, 10, 0, 20*time.Second, viaMFA, debug("factor", "SMS_FACTOR"), failure("INVALID_CREDENTIALS"))
	repeat(&smsThenOK, 10, 0, 20*time.Second, viaMFA, debug("factor", "SMS_FACTOR"), failure("INVALID_CREDENTIALS"))
	smsThenOK.add(viaMFA, 5*time.Minute, debug("factor", "SMS_FACTOR"))
	bypass.add("user.mfa.attempt_bypass", 0, failure(""))
	repeat(&few, 9, 0, 20*time.Second, viaMFA, failure("INVALID_CREDENTIALS"))
	repeat(&pushes, 10, 0, 20*time.Second, viaMFA, pushFactor, failure("INVALID_CREDENTIALS"))

	runCases(t, MFAFailures, []detCase{
		{name: "10 failed SMS challenges in 3 min", events: sms.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "then MFA succeeded", events: smsThenOK.events, want: []got{{john, intents.SeverityHigh, 11}}},
		{name: "an attempt to bypass MFA", events: bypass.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "9 failures", events: few.events},
		{name: "push failures are push fatigue's", events: pushes.events},
	})
}

func TestMFAFactorReset(t *testing.T) {
	var takeover, self, support, orgWide, activate, night orgLog
	takeover.add("user.mfa.factor.reset_all", 0, as(admin), targetUserOpt(john))
	takeover.add(signIn, 2*time.Hour, from(torIP, frankfurt), proxied)
	self.add("user.mfa.factor.deactivate", 0, targetUserOpt(john), outcome("SUCCESS", "User reset FIDO_WEBAUTHN factor"))
	support.add("user.mfa.factor.deactivate", 0, func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "00usupport", Type: "User", AlternateID: "system@okta.com", DisplayName: "system@okta.com"}
	}, targetUserOpt(john))
	orgWide.add("system.mfa.factor.deactivate", 0, as(admin), target("Factor", "fct1", "Okta Verify"))
	activate.add("user.mfa.factor.activate", 0, targetUserOpt(john))
	night.add("user.mfa.factor.deactivate", -(14*time.Hour + 2*24*time.Hour - 3*time.Hour), as(admin), targetUserOpt(john))

	runCases(t, MFAFactorReset, []detCase{
		{name: "an admin resets all factors, then a sign-in", events: takeover.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "the user resets their own factor", events: self.events, want: []got{{john, intents.SeverityLow, 1}}},
		{name: "Okta support resets a factor", events: support.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a factor disabled org-wide", events: orgWide.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "a factor activated", events: activate.events},
		{name: "an admin resets a factor on Sunday night", events: night.events, want: []got{{john, intents.SeverityMedium, 1}}},
	})
}

func TestFastPassPhishing(t *testing.T) {
	var once, thrice, other orgLog
	once.add(viaMFA, 0, failure("FastPass declined phishing attempt"))
	repeat(&thrice, 3, 0, time.Minute, viaMFA, failure("FastPass declined phishing attempt"))
	other.add(viaMFA, 0, failure("INVALID_CREDENTIALS"))
	runCases(t, FastPassPhishing, []detCase{
		{name: "FastPass declined phishing", events: once.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "three times", events: thrice.events, want: []got{{john, intents.SeverityHigh, 3}}},
		{name: "a wrong code", events: other.events},
	})
}

// okVerify is the Identity Engine's Okta Verify enrolment a push answers,
// as auth_via_mfa names it in target[] (no debugData.factor).
func okVerify(e *intents.Event) {
	e.Targets = append(e.Targets, userActor(e.Actor.AlternateID), intents.Actor{ID: "pfd1", Type: "AuthenticatorEnrollment",
		AlternateID: "unknown", DisplayName: "Okta Verify", Detail: map[string]string{"methodTypeUsed": "Get a push notification"}})
}

// TestPushFatigueUnansweredAndNumberChallenge: pushes Okta logs as
// auth_via_mfa UNANSWERED or ABANDONED (Okta's MFA abandonment), and number
// challenges answered with the wrong number
// (pushWithNumberChallengeResponseType OV_WITH_CHALLENGE_RESPONSE_INVALID,
// Okta's "Hunt on Failed Number Challenge"), count toward push fatigue.
func TestPushFatigueUnansweredAndNumberChallenge(t *testing.T) {
	var unanswered, abandoned, wrongNumber, withSend, fourWrong orgLog
	for i := range 5 {
		at := time.Duration(i) * time.Minute
		unanswered.add(viaMFA, at, pushFactor, outcome("UNANSWERED", ""), from(torIP, frankfurt))
		abandoned.add(viaMFA, at, okVerify, outcome("ABANDONED", ""))
		wrongNumber.add(viaMFA, at, okVerify, failure("INVALID_CREDENTIALS"),
			debug("pushWithNumberChallengeResponseType", "OV_WITH_CHALLENGE_RESPONSE_INVALID"))
		// a push sent, then logged unanswered when it expires: one push
		withSend.add(sendPush, at*2)
		withSend.add(viaMFA, at*2+pushExpiry+time.Second, okVerify, outcome("UNANSWERED", ""))
		if i < 4 {
			fourWrong.add(viaMFA, at, okVerify, failure("INVALID_CREDENTIALS"),
				debug("pushWithNumberChallengeResponseType", "OV_WITH_CHALLENGE_RESPONSE_INVALID"))
		}
	}
	wrongNumber.add(viaMFA, 6*time.Minute, okVerify, debug("pushWithNumberChallengeResponseType", "OV_WITH_CHALLENGE_RESPONSE_VALID"))
	runCases(t, MFAPushFatigue, []detCase{
		{name: "5 pushes unanswered", events: unanswered.events, want: []got{{john, intents.SeverityHigh, 5}}},
		{name: "5 pushes abandoned", events: abandoned.events, want: []got{{john, intents.SeverityMedium, 5}}},
		{name: "5 wrong numbers, then the right one", events: wrongNumber.events, want: []got{{john, intents.SeverityCritical, 6}}},
		{name: "5 pushes sent and logged unanswered count 5", events: withSend.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "4 wrong numbers", events: fourWrong.events},
	})
	runCases(t, MFAFailures, []detCase{{name: "wrong numbers are push denials, not MFA failures", events: wrongNumber.events}})
}

// TestMFAAbandonmentAcrossUsers: one IP leaving MFA unanswered for more
// than 5 users within an hour (Okta's "Suspicious MFA Abandonment") is an
// org-wide finding.
func TestMFAAbandonmentAcrossUsers(t *testing.T) {
	var six, five orgLog
	for i := range 6 {
		u := fmt.Sprintf("staff%d@company.com", i)
		at := time.Duration(i) * 7 * time.Minute
		six.add(viaMFA, at, as(u), okVerify, outcome("ABANDONED", ""), from("203.0.113.90", frankfurt))
		if i < 5 {
			five.add(viaMFA, at, as(u), okVerify, outcome("ABANDONED", ""), from("203.0.113.90", frankfurt))
		}
	}
	runCases(t, MFAPushFatigue, []detCase{
		{name: "6 users' MFA abandoned from one IP in 35 min", events: six.events, want: []got{{"", intents.SeverityMedium, 6}}},
		{name: "5 users' MFA abandoned", events: five.events},
	})
}
