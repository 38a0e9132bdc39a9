package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func TestSingleFactorSuccess(t *testing.T) {
	challenge := outcome("CHALLENGE", "Sign-on policy evaluation resulted in CHALLENGE")
	eval := "policy.evaluate_sign_on"
	var bypass, withPush, withVerify, noChallenge, allowed, otherSession orgLog
	bypass.add(eval, 0, session("idx1"), challenge, target("PolicyRule", "0pr1", "Require MFA"))
	bypass.add(verify, 5*time.Second, session("idx1"), method("Password", "Password"))
	bypass.add(signIn, 6*time.Second, session("idx1"))
	bypass.add(sso, 10*time.Second, session("idx1"), app(1))

	withPush.add(eval, 0, session("idx2"), challenge)
	withPush.add(viaMFA, 15*time.Second, session("idx2"), pushFactor)
	withPush.add(signIn, 16*time.Second, session("idx2"))

	withVerify.add(eval, 0, session("idx3"), challenge)
	withVerify.add(verify, 15*time.Second, session("idx3"), method("Okta Verify", "signed_nonce"))
	withVerify.add(signIn, 16*time.Second, session("idx3"))

	noChallenge.add(eval, 0, session("idx4"), outcome("ALLOW", ""))
	noChallenge.add(signIn, 6*time.Second, session("idx4"))

	allowed.add(eval, 0, session("idx5"), challenge)
	allowed.add(signIn, 6*time.Second, session("idx5"), failure("INVALID_CREDENTIALS"))

	otherSession.add(eval, 0, session("idx6"), challenge)
	otherSession.add(signIn, 6*time.Second, session("idx7"))

	runCases(t, SingleFactorSuccess, []detCase{
		{name: "challenged, in on a password, into an app", events: bypass.events, want: []got{{john, intents.SeverityHigh, 3}}},
		{name: "challenged, then a push", events: withPush.events},
		{name: "challenged, then FastPass", events: withVerify.events},
		{name: "not challenged", events: noChallenge.events},
		{name: "challenged, and the sign-in failed", events: allowed.events},
		{name: "a sign-in in another session", events: otherSession.events},
	})
	checkStreaming(t, SingleFactorSuccess, bypass.events)
}
