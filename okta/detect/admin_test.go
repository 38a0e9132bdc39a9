package detect

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// sundayNight is 03:00 UTC on the Sunday before t0.
const sundayNight = -(2*24*time.Hour + 11*time.Hour)

func TestPrivilegeGrant(t *testing.T) {
	var super, group, readOnly, failedGrant, night, revoke, revokeOrg, revokeRO orgLog
	super.add("user.account.privilege.grant", 0, as(admin), targetUserOpt(alice), debug("privilegeGranted", "Super administrator, Read only admin"))
	group.add("group.privilege.grant", 0, as(admin), target("UserGroup", "00g1", "Engineering"), debug("privilegeGranted", "Help Desk administrator"))
	readOnly.add("user.account.privilege.grant", 0, as(admin), targetUserOpt(alice), debug("privilegeGranted", "Read only admin"))
	failedGrant.add("user.account.privilege.grant", 0, as(admin), targetUserOpt(alice), failure(""), debug("privilegeGranted", "Read only admin"))
	night.add("user.account.privilege.grant", sundayNight, as(admin), targetUserOpt(alice), debug("privilegeGranted", "Super administrator"))
	// Taking Super administrator away can lock the responders out (Okta's
	// "New Okta Super or Organization Admin Created or Removed").
	revoke.add("user.account.privilege.revoke", 0, as(admin), targetUserOpt(alice), debug("privilegeRevoked", "Super administrator"))
	revokeOrg.add("group.privilege.revoke", 0, as(admin), target("UserGroup", "00g2", "IT Admins"), debug("privilegeRevoked", "Organization administrator"))
	revokeRO.add("user.account.privilege.revoke", 0, as(admin), targetUserOpt(alice), debug("privilegeRevoked", "Read only admin"))

	runCases(t, PrivilegeGrant, []detCase{
		{name: "Super administrator granted", events: super.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an admin role granted to a group", events: group.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "Read only admin granted", events: readOnly.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a grant that failed", events: failedGrant.events, want: []got{{admin, intents.SeverityLow, 1}}},
		{name: "Super administrator on Sunday night", events: night.events, want: []got{{admin, intents.SeverityCritical, 1}}},
		{name: "Super administrator revoked", events: revoke.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "Organization administrator revoked from a group", events: revokeOrg.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "Read only admin revoked", events: revokeRO.events},
	})
}

func TestAPITokenCreated(t *testing.T) {
	var plain, viaProxy, revoke, anywhere, updAnywhere, updZone orgLog
	plain.add("system.api_token.create", 0, as(admin), target("Token", "00T1", "terraform"))
	// debugData.networkConnection is the token's network restriction:
	// ANYWHERE, or a zone condition (Okta's "API Token Excessive Network
	// Access").
	anywhere.add("system.api_token.create", 0, as(admin), target("Token", "00T1", "terraform"), debug("networkConnection", "ANYWHERE"))
	updAnywhere.add("system.api_token.update", 0, as(admin), target("Token", "00T1", "terraform"), debug("networkConnection", "ANYWHERE"))
	updZone.add("system.api_token.update", 0, as(admin), target("Token", "00T1", "terraform"), debug("networkConnection", "ZONE"))
	viaProxy.add("system.api_token.create", 0, as(admin), target("Token", "00T1", "terraform"), from("203.0.113.30", frankfurt), proxied)
	revoke.add("system.api_token.revoke", 0, as(admin), target("Token", "00T1", "terraform"))
	runCases(t, APITokenCreated, []detCase{
		{name: "a token created", events: plain.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a token created through a proxy", events: viaProxy.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "a token revoked", events: revoke.events},
		{name: "a token created usable from anywhere", events: anywhere.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "a token changed to be usable from anywhere", events: updAnywhere.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "a token changed, still restricted to a zone", events: updZone.events},
	})
}

func TestSupportImpersonation(t *testing.T) {
	oktaSupportActor := func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "00usys", Type: "User", AlternateID: "system@okta.com", DisplayName: "system@okta.com"}
		e.TransactionID = "unknown"
		e.Client = intents.EventClient{Browser: "CHROME", OS: "Mac OS X", Zone: "null", IP: "1.1.1.1"}
	}
	var grant, initiate, reset, byAdmin, automated orgLog
	grant.add("user.session.impersonation.grant", 0, as(admin))
	initiate.add("user.session.impersonation.initiate", 0, oktaSupportActor, targetUserOpt(admin))
	reset.add("user.account.reset_password", 0, oktaSupportActor, targetUserOpt(john))
	byAdmin.add("user.account.reset_password", 0, as(admin), targetUserOpt(john))
	automated.add("user.account.reset_password", 0, func(e *intents.Event) {
		e.Actor = intents.Actor{ID: "00usys", Type: "User", AlternateID: "system@okta.com"}
	}, targetUserOpt(john))
	runCases(t, SupportImpersonation, []detCase{
		{name: "support access granted", events: grant.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "support started a session", events: initiate.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "support reset a password", events: reset.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "an admin reset a password", events: byAdmin.events},
		{name: "system@okta.com with a browser and a place is not support", events: automated.events},
	})
}

func TestAdminConsoleNewBehavior(t *testing.T) {
	console := target("AppInstance", "0oaadmin", "Okta Admin Console")
	eval := "policy.evaluate_sign_on"
	var both, ipOnly, logOnly, known, otherApp orgLog
	both.add(eval, 0, as(admin), console, outcome("CHALLENGE", "Sign-on policy evaluation resulted in CHALLENGE"),
		debug("behaviors", "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}"))
	ipOnly.add(eval, 0, as(admin), console, debug("behaviors", "{New Device=NEGATIVE, New IP=POSITIVE}"))
	logOnly.add(eval, 0, as(admin), console, debug("logOnlySecurityData",
		`{"risk":{"level":"LOW"},"behaviors":{"New Geo-Location":"NEGATIVE","New Device":"POSITIVE","New IP":"POSITIVE"}}`))
	known.add(eval, 0, as(admin), console, debug("behaviors", "{New Device=NEGATIVE, New IP=NEGATIVE}"))
	otherApp.add(eval, 0, as(admin), target("AppInstance", "0oa1", "Salesforce"), debug("behaviors", "{New Device=POSITIVE, New IP=POSITIVE}"))
	runCases(t, AdminConsoleNewBehavior, []detCase{
		{name: "new device and new IP", events: both.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "new IP only", events: ipOnly.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "behaviors in logOnlySecurityData", events: logOnly.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "known device and IP", events: known.events},
		{name: "another app", events: otherApp.events},
	})
}

func TestSecurityConfigChange(t *testing.T) {
	signOn := map[string]string{"policyType": "OktaSignOn"}
	rule := targetDetail("PolicyRule", "0pr1", "Require MFA", signOn)
	policy := targetDetail("PolicyEntity", "00p1", "Default Policy", signOn)
	var ruleOff, ruleAdd, stream, idp, zone, night, eval orgLog
	ruleOff.add("policy.rule.deactivate", 0, as(admin), rule, policy)
	ruleAdd.add("policy.rule.add", 0, as(admin), rule, policy)
	stream.add("system.log_stream.lifecycle.deactivate", 0, as(admin), target("LogStream", "0ls1", "Splunk"))
	idp.add("system.idp.lifecycle.create", 0, as(admin), target("IdentityProvider", "0oaidp", "Partner SAML"))
	zone.add("zone.deactivate", 0, as(admin), target("NetworkZone", "nzo1", "BlockedIpZone"))
	night.add("policy.lifecycle.update", sundayNight, as(admin), target("PolicyEntity", "00p2", "Password Policy"))
	eval.add("policy.evaluate_sign_on", 0, as(admin), policy)
	runCases(t, SecurityConfigChange, []detCase{
		{name: "an MFA rule deactivated", events: ruleOff.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a rule added", events: ruleAdd.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "log streaming stopped", events: stream.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "an identity provider created", events: idp.events, want: []got{{admin, intents.SeverityHigh, 1}}},
		{name: "a blocking zone deactivated", events: zone.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a policy updated on Sunday night", events: night.events, want: []got{{admin, intents.SeverityMedium, 1}}},
		{name: "a policy evaluated is not a change", events: eval.events},
	})
}

func TestSecurityConfigChangeReversal(t *testing.T) {
	signOn := map[string]string{"policyType": "OktaSignOn"}
	rule := targetDetail("PolicyRule", "0pr1", "Require MFA", signOn)
	policy := targetDetail("PolicyEntity", "00p1", "Default Policy", signOn)
	tests := []struct {
		typ  string
		want intents.Kind // "": none
	}{
		{"policy.rule.deactivate", intents.ActivatePolicyRule},
		{"policy.rule.add", intents.DeactivatePolicyRule},
		{"policy.rule.activate", intents.DeactivatePolicyRule},
		{"policy.rule.update", ""},
		{"policy.lifecycle.deactivate", intents.ActivatePolicy},
		{"zone.deactivate", ""},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			var l orgLog
			l.add(tc.typ, 0, as(admin), rule, policy)
			a := Analyze(testConfig(), l.events)
			var kinds []intents.Kind
			for _, p := range a.Proposals {
				kinds = append(kinds, p.Kind)
				if p.Policy == nil || p.Policy.ID != "00p1" || p.Policy.Type != "policy" {
					t.Errorf("Analyze(%s) proposal %s policy = %+v, want 00p1", tc.typ, p.Kind, p.Policy)
				}
				if p.Kind != intents.ActivatePolicy && (p.Rule == nil || p.Rule.ID != "0pr1" || p.Rule.Type != "rule") {
					t.Errorf("Analyze(%s) proposal %s rule = %+v, want 0pr1", tc.typ, p.Kind, p.Rule)
				}
				if p.Confidence != a.Users[0].Score || len(p.Evidence) == 0 {
					t.Errorf("Analyze(%s) proposal confidence %d evidence %d, want %d and some", tc.typ, p.Confidence, len(p.Evidence), a.Users[0].Score)
				}
			}
			var want []intents.Kind
			if tc.want != "" {
				want = []intents.Kind{tc.want}
			}
			if diff := cmp.Diff(want, kinds); diff != "" {
				t.Errorf("Analyze(%s) proposals (-want +got):\n%s", tc.typ, diff)
			}
		})
	}
}
