package detect

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// client makes the actor an OAuth client app as the System Log names one.
func client(typ, id, name string) opt {
	return func(e *intents.Event) { e.Actor = intents.Actor{ID: id, Type: typ, AlternateID: id, DisplayName: name} }
}

const pythonUA = "python-requests/2.31.0"

func TestOAuthTokenAbuse(t *testing.T) {
	mobile := client("PublicClientApp", "0oamobile", "Expense Mobile")
	script := agent(pythonUA, "UNKNOWN", "Unknown")
	cc := func(scopes string) opt {
		return debug("grantType", "client_credentials", "requestedScopes", scopes)
	}
	var reuse, reuseAS, ccScope, ccLogs, ccOkta, ccConfidential, ccGranted, secret, secretNight, redirect, otherFail, authorize orgLog
	reuse.add("app.oauth2.token.detect_reuse", 0, mobile, targetUserOpt(john), message("Token Reuse"),
		debug("grantType", "refresh_token"))
	reuseAS.add("app.oauth2.as.token.detect_reuse", 0, mobile, targetUserOpt(john), from(torIP, frankfurt))
	reuseAS.add("app.oauth2.as.token.detect_reuse", 10*time.Minute, mobile, targetUserOpt(john), from(torIP, frankfurt))
	for i := range 3 {
		ccScope.add("app.oauth2.as.token.grant", time.Duration(i)*time.Minute, client("PublicClientApp", "0oasync", "Inventory Sync"),
			script, failure("no_matching_scope"), cc("okta.users.manage okta.groups.manage"))
	}
	ccLogs.add("app.oauth2.as.token.grant", 0, client("PublicClientApp", "0oasiem", "SIEM"), script, failure("no_matching_scope"), cc("okta.logs.read"))
	ccOkta.add("app.oauth2.as.token.grant", 0, client("PublicClientApp", "0oaint", "Sync"), agent("Okta-Integrations", "UNKNOWN", "Unknown"),
		failure("no_matching_scope"), cc("okta.users.read"))
	ccConfidential.add("app.oauth2.as.token.grant", 0, client("ServiceApp", "0oasvc", "Terraform"), script, failure("no_matching_scope"), cc("okta.users.manage"))
	ccGranted.add("app.oauth2.as.token.grant", 0, client("PublicClientApp", "0oasync", "Inventory Sync"), script, cc("okta.users.manage"))
	secret.add("app.oauth2.client.read_client_secret", 0, as(admin), target("AppInstance", "0oaci", "CI deploy"))
	secretNight.add("app.oauth2.client.read_client_secret", sundayNight, as(admin), target("AppInstance", "0oaci", "CI deploy"))
	redirect.add("app.oauth2.token.grant", 0, mobile, targetUserOpt(alice), failure("mismatched_redirect_uri"),
		debug("redirectUri", "https://login.company-okta.example/callback"))
	otherFail.add("app.oauth2.token.grant", 0, mobile, failure("invalid_grant"))
	authorize.add("app.oauth2.authorize.code", 0, mobile, targetUserOpt(john), debug("grantType", "authorization_code"))

	runCases(t, OAuthTokenAbuse, []detCase{
		{name: "a refresh token reused", events: reuse.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "reused twice from Tor on a custom authorization server", events: reuseAS.events, want: []got{{john, intents.SeverityHigh, 2}}},
		{name: "a public client reaching for admin scopes", events: ccScope.events, want: []got{{"", intents.SeverityMedium, 3}}},
		{name: "a log reader asking for log scopes", events: ccLogs.events},
		{name: "Okta's own integration", events: ccOkta.events},
		{name: "a confidential client refused", events: ccConfidential.events},
		{name: "a grant that succeeded", events: ccGranted.events},
		{name: "a client secret read", events: secret.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a client secret read on Sunday night", events: secretNight.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an unlisted redirect URI", events: redirect.events, want: []got{{alice, intents.SeverityMedium, 1}}},
		{name: "a grant refused for another reason", events: otherFail.events},
		{name: "an ordinary authorization code", events: authorize.events},
	})
}

func TestOAuthTokenAbuseRemedy(t *testing.T) {
	var reuse, secret orgLog
	reuse.add("app.oauth2.token.detect_reuse", 0, client("PublicClientApp", "0oamobile", "Expense Mobile"), targetUserOpt(john))
	secret.add("app.oauth2.client.read_client_secret", 0, as(admin), target("AppInstance", "0oaci", "CI deploy"))
	ps := Analyze(testConfig(), reuse.events).Proposals
	if len(ps) != 1 || ps[0].Kind != intents.ClearSessions || ps[0].User == nil || ps[0].User.Name != john {
		t.Errorf("Analyze(token reuse) proposes %+v, want clear_sessions for %s", ps, john)
	}
	if ps := Analyze(testConfig(), secret.events).Proposals; len(ps) != 0 {
		t.Errorf("Analyze(secret read) proposes %+v, want nothing (no action rotates a secret)", ps)
	}
}

// TestOAuthTokenAbuseHeld: the engine keeps the debugData the detection
// reads (grantType, requestedScopes, redirectUri).
func TestOAuthTokenAbuseHeld(t *testing.T) {
	var l orgLog
	l.add("app.oauth2.as.token.grant", 0, client("PublicClientApp", "0oasync", "Inventory Sync"), agent(pythonUA, "UNKNOWN", "Unknown"),
		failure("no_matching_scope"), debug("grantType", "client_credentials", "requestedScopes", "okta.users.manage"))
	l.add("app.oauth2.token.grant", time.Minute, client("PublicClientApp", "0oamobile", "Expense Mobile"), failure("mismatched_redirect_uri"),
		debug("redirectUri", "https://login.company-okta.example/callback"))
	want := Run(testConfig(), l.events)
	e := NewEngine(testConfig(), Limits{})
	got := e.Feed(l.events)
	if len(want) != 2 || len(got) != len(want) {
		t.Fatalf("engine found %d, batch %d, want 2 each:%s", len(got), len(want), dump(got))
	}
	for i := range want {
		if got[i].Summary != want[i].Summary || got[i].Score != want[i].Score || len(got[i].Evidence) != len(want[i].Evidence) {
			t.Errorf("engine finding %d = %q %d %v, batch %q %d %v", i, got[i].Summary, got[i].Score, got[i].Evidence,
				want[i].Summary, want[i].Score, want[i].Evidence)
		}
	}
}

// TestOAuthAndPasswordAttack checks the techniques chosen per finding: a
// token used is T1550.001, a token or secret stolen T1528; a password
// push T1556, a reveal T1555 and T1552.
func TestOAuthAndPasswordAttack(t *testing.T) {
	mobile := client("PublicClientApp", "0oamobile", "Expense Mobile")
	var reuse, secret, redirect, push, revealed orgLog
	reuse.add("app.oauth2.token.detect_reuse", 0, mobile, targetUserOpt(john))
	secret.add("app.oauth2.client.read_client_secret", 0, as(admin), target("AppInstance", "0oaci", "CI deploy"))
	redirect.add("app.oauth2.token.grant", 0, mobile, failure("mismatched_redirect_uri"))
	push.add("application.lifecycle.update", 0, as(admin), target("AppInstance", "0oascim", "HR SCIM"), outcome("SUCCESS", "Pushing user passwords"))
	revealed.add("application.user_membership.show_password", 0, as(alice), reveal(john, "Netflix"))
	tests := []struct {
		name, id string
		events   []intents.Event
		want     []string
	}{
		{"token reuse", OAuthTokenAbuse, reuse.events, []string{"T1550.001"}},
		{"client secret read", OAuthTokenAbuse, secret.events, []string{"T1528"}},
		{"unlisted redirect", OAuthTokenAbuse, redirect.events, []string{"T1528"}},
		{"password push", AppPasswordExposure, push.events, []string{"T1556"}},
		{"password revealed", AppPasswordExposure, revealed.events, []string{"T1555", "T1552"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := detection(t, tc.id).Run(testConfig(), tc.events)
			if len(fs) != 1 {
				t.Fatalf("%s found %d:%s", tc.id, len(fs), dump(fs))
			}
			if diff := cmp.Diff(tc.want, fs[0].Attack); diff != "" {
				t.Errorf("%s finding %q attack (-want +got):\n%s", tc.id, fs[0].Summary, diff)
			}
		})
	}
}
