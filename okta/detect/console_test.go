package detect

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const (
	accessAdmin = "user.session.access_admin_app"
	verify      = "user.authentication.verify"
)

var consoleTarget = target("AppInstance", "0oaadmin", "Okta Admin Console")

// method is the AuthenticatorEnrollment target of an Identity Engine
// verify: what the user proved themselves with.
func method(name, used string) opt {
	return targetDetail("AuthenticatorEnrollment", "lae1", name, map[string]string{"methodTypeUsed": used, "methodUsedVerifiedProperties": "[]"})
}

func TestAdminConsoleDenied(t *testing.T) {
	var once, thrice, policyDeny, allowed, otherDeny orgLog
	once.add(accessAdmin, 0, as(admin), failure("User attempted unauthorized access to app"), target("AppInstance", "0oaadmin", "Okta Admin Console"))
	for i := range 3 {
		thrice.add(accessAdmin, time.Duration(i)*5*time.Minute, as(admin), failure(""), from(torIP, frankfurt), proxied)
	}
	policyDeny.add("policy.evaluate_sign_on", 0, as(admin), consoleTarget, outcome("DENY", "Sign-on policy evaluation resulted in DENY"))
	allowed.add(accessAdmin, 0, as(admin), consoleTarget)
	otherDeny.add("policy.evaluate_sign_on", 0, as(admin), target("AppInstance", "0oa1", "Salesforce"), outcome("DENY", ""))

	runCases(t, AdminConsoleDenied, []detCase{
		{name: "refused once", events: once.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "refused three times from Tor", events: thrice.events, want: []got{{admin, intents.SeverityHigh, 3}}},
		{name: "the console's policy denied", events: policyDeny.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "let in", events: allowed.events},
		{name: "another app's policy denied", events: otherDeny.events},
	})
	fs := detection(t, AdminConsoleDenied).Run(testConfig(), thrice.events)
	if len(fs) != 1 || !has(fs[0].Evidence, "3 or more refusals within 1 h") {
		t.Errorf("three refusals: %s, want the repeat counted", dump(fs))
	}
	checkStreaming(t, AdminConsoleDenied, thrice.events)
}

func TestAdminConsoleWeakFactor(t *testing.T) {
	var password, email, withPush, withFastPass, withMFA, otherApp, otherSession orgLog
	password.add(verify, 0, as(admin), session("idxP"), method("Password", "Password"), consoleTarget)

	email.add(verify, 0, as(admin), session("idxE"), method("Email", "Email"), consoleTarget)

	withPush.add(verify, 0, as(admin), session("idxQ"), method("Password", "Password"), consoleTarget)
	withPush.add(verify, 20*time.Second, as(admin), session("idxQ"), method("Okta Verify", "Okta Verify Push"), consoleTarget)

	withFastPass.add(verify, 0, as(admin), session("idxF"), method("Okta Verify", "signed_nonce"), consoleTarget)

	// Classic-style MFA in the session before the console's password check
	withMFA.add(viaMFA, 0, as(admin), session("idxM"), debug("factor", "FIDO_WEBAUTHN"))
	withMFA.add(verify, time.Minute, as(admin), session("idxM"), method("Password", "Password"), consoleTarget)

	otherApp.add(verify, 0, as(admin), session("idxO"), method("Password", "Password"), target("AppInstance", "0oa1", "Salesforce"))

	// a push in another session does not make this one strong
	otherSession.add(verify, 0, as(admin), session("idxS1"), method("Okta Verify", "Okta Verify Push"), consoleTarget)
	otherSession.add(verify, time.Hour, as(admin), session("idxS2"), method("Password", "Password"), consoleTarget)

	runCases(t, AdminConsoleWeakFactor, []detCase{
		{name: "a password alone", events: password.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an email link", events: email.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a password and a push", events: withPush.events},
		{name: "FastPass", events: withFastPass.events},
		{name: "a security key earlier in the session", events: withMFA.events},
		{name: "a password for another app", events: otherApp.events},
		{name: "a push in another session", events: otherSession.events, want: []got{{admin, intents.SeverityHigh, 1}}},
	})
	checkStreaming(t, AdminConsoleWeakFactor, password.events)
}
