package detect

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// Identity Engine writes a wrong password as user.authentication.auth_via_mfa
// (factor PASSWORD_AS_FACTOR) and a denied push as auth_via_mfa with
// OKTA_VERIFY_PUSH and INVALID_CREDENTIALS, with no deny_push event; an
// authenticator turned off for the org is
// security.authenticator.lifecycle.deactivate. These tests hold the
// detections to the same findings as for Classic's shapes.

// wrongPassword is an Identity Engine password check that failed.
func wrongPassword(e *intents.Event) {
	e.Outcome = intents.EventOutcome{Result: "FAILURE", Reason: "INVALID_CREDENTIALS"}
	e.Debug["factor"] = "PASSWORD_AS_FACTOR"
	e.Targets = append(e.Targets, userActor(e.Actor.AlternateID), intents.Actor{ID: "lae1", Type: "AuthenticatorEnrollment",
		AlternateID: "unknown", DisplayName: "Password", Detail: map[string]string{"methodTypeUsed": "Password"}})
}

func TestIdentityEngineWrongPasswords(t *testing.T) {
	var classic, oie, oieNoFactor orgLog
	repeat(&classic, 12, 0, time.Minute, signIn, from(torIP, frankfurt), proxied, failure("INVALID_CREDENTIALS"))
	repeat(&oie, 12, 0, time.Minute, viaMFA, from(torIP, frankfurt), proxied, wrongPassword)
	// the same without debugData.factor: the Password enrollment says it
	repeat(&oieNoFactor, 12, 0, time.Minute, viaMFA, from(torIP, frankfurt), proxied, wrongPassword,
		func(e *intents.Event) { delete(e.Debug, "factor") })
	want := []got{{john, intents.SeverityHigh, 12}}
	runCases(t, FailedLoginBurst, []detCase{
		{name: "Classic: user.session.start", events: classic.events, want: want},
		{name: "Identity Engine: auth_via_mfa PASSWORD_AS_FACTOR", events: oie.events, want: want},
		{name: "Identity Engine: Password enrollment target", events: oieNoFactor.events, want: want},
	})
	runCases(t, MFAFailures, []detCase{
		{name: "wrong passwords are no MFA failures", events: oie.events},
		{name: "nor without debugData.factor", events: oieNoFactor.events},
	})

	// then the right password and a session: success_after_failures in
	// both dialects
	for _, l := range []*orgLog{&classic, &oie} {
		l.add(viaMFA, 20*time.Minute, from(torIP, frankfurt), proxied, debug("factor", "PASSWORD_AS_FACTOR"))
		l.add(signIn, 20*time.Minute+2*time.Second, from(torIP, frankfurt), proxied)
	}
	runCases(t, SuccessAfterFailures, []detCase{
		{name: "Classic, then a sign-in", events: classic.events, want: []got{{john, intents.SeverityHigh, 13}}},
		{name: "Identity Engine, then a sign-in", events: oie.events, want: []got{{john, intents.SeverityHigh, 13}}},
	})
	if diff := cmp.Diff(detectionsOf(Run(testConfig(), classic.events)), detectionsOf(Run(testConfig(), oie.events))); diff != "" {
		t.Errorf("Run() finds other detections on the Identity Engine log (-classic +oie):\n%s", diff)
	}
}

// detectionsOf lists the findings as detection@user, sorted.
func detectionsOf(fs []intents.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Detection+"@"+f.User)
	}
	slices.Sort(out)
	return out
}

func TestIdentityEnginePushDenials(t *testing.T) {
	var classic, oie orgLog
	for i := range 6 {
		at := time.Duration(i) * time.Minute
		classic.add(sendPush, at, from(torIP, frankfurt))
		classic.add(denyPush, at+20*time.Second, from(torIP, frankfurt), failure("User rejected Okta push verify"))
		classic.add(viaMFA, at+20*time.Second+40*time.Millisecond, from(torIP, frankfurt), pushFactor, failure("User rejected Okta push verify"))
		oie.add(sendPush, at, from(torIP, frankfurt))
		oie.add(viaMFA, at+20*time.Second, from(torIP, frankfurt), pushFactor, failure("INVALID_CREDENTIALS"),
			debug("pushOnlyResponseType", "OV_RESPONSE_DENY"))
	}
	for _, l := range []*orgLog{&classic, &oie} {
		l.add(sendPush, 7*time.Minute, from(torIP, frankfurt))
		l.add(viaMFA, 7*time.Minute+15*time.Second, pushFactor, from(torIP, frankfurt))
	}
	runCases(t, MFAPushFatigue, []detCase{
		{name: "Classic: deny_push and auth_via_mfa", events: classic.events, want: []got{{john, intents.SeverityCritical, 19}}},
		{name: "Identity Engine: auth_via_mfa INVALID_CREDENTIALS", events: oie.events, want: []got{{john, intents.SeverityCritical, 13}}},
	})
	runCases(t, MFAFailures, []detCase{{name: "denied pushes are no MFA failures", events: oie.events}})
	if diff := cmp.Diff(detectionsOf(Run(testConfig(), classic.events)), detectionsOf(Run(testConfig(), oie.events))); diff != "" {
		t.Errorf("Run() finds other detections on the Identity Engine log (-classic +oie):\n%s", diff)
	}
}

func TestAuthenticatorLifecycle(t *testing.T) {
	var classicOff, oieOff, update, activate, support orgLog
	classicOff.add("system.mfa.factor.deactivate", 0, as(admin), target("Factor", "fct1", "Security Question"))
	oieOff.add(authenticatorOff, 0, as(admin), target("Authenticator", "aut1", "Security Question"))
	update.add("security.authenticator.lifecycle.update", 0, as(admin), target("Authenticator", "aut2", "Okta Verify"))
	activate.add("security.authenticator.lifecycle.activate", 0, as(admin), target("Authenticator", "aut3", "Phone"))
	support.add(authenticatorOff, 0, func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "00usupport", Type: "User", AlternateID: oktaSupport, DisplayName: oktaSupport}
		e.TransactionID, e.Client = "", intents.EventClient{}
	}, target("Authenticator", "aut1", "Security Question"))
	runCases(t, MFAFactorReset, []detCase{
		{name: "Classic: a factor type deactivated", events: classicOff.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "Identity Engine: an authenticator deactivated", events: oieOff.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an authenticator updated is a config change", events: update.events},
	})
	runCases(t, SecurityConfigChange, []detCase{
		{name: "an authenticator updated", events: update.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "an authenticator activated", events: activate.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "an authenticator deactivated is mfa_factor_reset's", events: oieOff.events},
	})
	runCases(t, SupportImpersonation, []detCase{
		{name: "Okta support deactivates an authenticator", events: support.events, want: []got{{"", intents.SeverityHigh, 1}}},
	})
	f := Run(testConfig(), oieOff.events)
	if len(f) != 1 || f[0].Summary != fmt.Sprintf("Authenticator Security Question deactivated for the whole org by %s at %s", admin, "14:00 UTC Nov 24") {
		t.Errorf("Run(authenticator deactivated) = %s", dump(f))
	}
}

func TestBehaviorsInEveryShape(t *testing.T) {
	shapes := []struct{ name, behaviors, risk string }{
		{"braced", "{New Geo-Location=POSITIVE, New Device=POSITIVE, New IP=POSITIVE, New Country=POSITIVE, Velocity=NEGATIVE}",
			"{reasons=Anomalous Device, New Country, level=HIGH}"},
		{"array", `["New Geo-Location=POSITIVE","New Device=POSITIVE","New IP=POSITIVE","New Country=POSITIVE","Velocity=NEGATIVE"]`,
			`["reasons=Anomalous Device, New Country","level=HIGH"]`},
		{"object", `{"New Geo-Location":"POSITIVE","New Device":"POSITIVE","New IP":"POSITIVE","New Country":"POSITIVE","Velocity":"NEGATIVE"}`,
			`{"reasons":["Anomalous Device","New Country"],"level":"HIGH"}`},
	}
	wantBehaviors := map[string]string{"New Geo-Location": "POSITIVE", "New Device": "POSITIVE", "New IP": "POSITIVE",
		"New Country": "POSITIVE", "Velocity": "NEGATIVE"}
	var want []intents.Finding
	for i, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			e := intents.Event{Debug: map[string]string{"behaviors": s.behaviors, "risk": s.risk}}
			if diff := cmp.Diff(wantBehaviors, behaviors(e)); diff != "" {
				t.Errorf("behaviors(%s) (-want +got):\n%s", s.behaviors, diff)
			}
			if level, reasons := risk(e); level != "HIGH" || reasons != "Anomalous Device, New Country" {
				t.Errorf("risk(%s) = %q, %q; want HIGH, \"Anomalous Device, New Country\"", s.risk, level, reasons)
			}
			var l orgLog
			l.add(signIn, 0, from("95.24.117.201", moscow), debug("behaviors", s.behaviors, "risk", s.risk))
			l.add("user.session.access_admin_app", time.Minute, from("95.24.117.201", moscow), debug("behaviors", s.behaviors, "risk", s.risk))
			got := Run(testConfig(), l.events)
			if len(got) == 0 {
				t.Fatal("Run() found nothing")
			}
			if i == 0 {
				want = got
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Run() with behaviors as %s differs from the braced string's (-braced +%s):\n%s", s.name, s.name, diff)
			}
		})
	}
}

func TestLockFromNewDevices(t *testing.T) {
	var l orgLog
	l.add(lock, 0, failure(""), message("Account Locked from New Devices - Max sign-in attempts exceeded."))
	runCases(t, AccountLockout, []detCase{{name: "blocked from new devices", events: l.events, want: []got{{john, intents.SeverityMedium, 1}}}})
	a := Analyze(testConfig(), l.events)
	if len(a.Users) != 1 || !strings.Contains(a.Users[0].Findings[0].Summary, "blocked from new devices") {
		t.Errorf("Analyze() = %+v, want one user blocked from new devices", a.Users)
	}
	if len(a.Proposals) != 1 || a.Proposals[0].Kind != intents.UnlockUser {
		t.Errorf("Analyze() proposals %+v, want unlock_user", a.Proposals)
	}
}
