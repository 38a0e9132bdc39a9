package detect

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// pantherRules maps Panther's Okta rules to our detections.
var pantherRules = map[string]string{
	"Okta.BruteForceLogins":                       FailedLoginBurst,
	"Okta.Support.Access":                         SupportImpersonation,
	"Okta.Support.Reset":                          SupportImpersonation,
	"Okta.Global.MFA.Disabled":                    MFAFactorReset,
	"Okta.AdminRoleAssigned":                      PrivilegeGrant,
	"Okta.Group.Admin.Role.Assigned":              PrivilegeGrant,
	"Okta.Anonymizing.VPN.Login":                  AnonymizingProxyLogin,
	"Okta.APIKeyCreated":                          APITokenCreated,
	"Okta.Identity.Provider.Created.Modified":     SecurityConfigChange,
	"Okta.New.Behavior.Accessing.Admin.Console":   AdminConsoleNewBehavior,
	"Okta.Phishing.Attempt.Blocked.FastPass":      FastPassPhishing,
	"Okta.PotentiallyStolenSession":               SessionRoaming,
	"Okta.ThreatInsight.Security.Threat.Detected": ThreatDetected,
	"Okta.User.Account.Locked":                    AccountLockout,
	"Okta.User.MFA.Factor.Suspend":                MFAFactorReset,
	"Okta.User.MFA.Reset.Single":                  MFAFactorReset,
	"Okta.User.MFA.Reset.All":                     MFAFactorReset,
	"Okta.User.Reported.Suspicious.Activity":      UserReportedSuspicious,
	"Okta.Refresh.Access.Token.Reuse":             OAuthTokenAbuse,
	"Okta.App.Unauthorized.Access.Attempt":        UnauthorizedAppAccess,
	"Okta.Identity.Provider.SignIn":               IdPSignIn,
	"Okta.Org2org.Creation.Modification":          Org2OrgAppChange,
	"Okta.PasswordAccess":                         AppPasswordExposure,
	"Okta.Password.Extraction.via.SCIM":           AppPasswordExposure,
	"Okta.APIKeyRevoked":                          APITokenRevoked,
	"Okta.Rate.Limits":                            RateLimitViolation,
}

// pantherSkipped are Panther rules with no counterpart in Catalogue, and why.
var pantherSkipped = map[string]string{
	"Okta.Login.Success":             "every successful sign-in: an inventory, not a detection",
	"Okta.Login.Without.Push.Marker": "needs an org-specific user-agent marker",
	"Okta.SSO.to.AWS":                "an inventory of AWS access, not a threat",
}

// explained are the test events on which we knowingly disagree with
// Panther, each with the reason.
var explained = map[[2]string]string{
	{"Okta.PotentiallyStolenSession", "Different device & ASN"}: "Panther compares the event with a session cached earlier " +
		"(a mocked KV store); one event alone has no earlier use of the session to roam from",
	{"Okta.User.MFA.Factor.Suspend", "Other Event"}: "the event is user.mfa.factor.reset_all, which mfa_factor_reset covers " +
		"and Panther's suspend-only rule does not",
	{"Okta.Rate.Limits", "application.integration.rate_limit_exceeded"}: "an integration exceeding its rate limit " +
		"counts for Elastic's possible-DoS rule; Panther counts only event types naming a violation",
	{"Okta.PasswordAccess", "User accessed their own password"}: "the reveal is at 04:26 UTC, outside office hours: " +
		"a Low finding after Panther's own off-hours rule (Okta.SWA.OffHoursAccess.Behavioral); Okta.PasswordAccess looks only at another user's password",
}

// TestPantherRuleTests runs our matching detection on each of Panther's
// labelled test events and compares the verdicts.
func TestPantherRuleTests(t *testing.T) {
	samples := readSamples(t, "panther_rule_tests.ndjson")
	if len(samples) != 57 {
		t.Errorf("panther_rule_tests.ndjson has %d events, want 57", len(samples))
	}
	cfg := DefaultConfig()
	used := map[[2]string]bool{}
	compared := 0
	for _, s := range samples {
		id, mapped := pantherRules[s.RuleID]
		if !mapped {
			if why, ok := pantherSkipped[s.RuleID]; ok {
				t.Logf("skip %s / %s: %s", s.RuleID, s.TestName, why)
			} else {
				t.Errorf("Panther rule %s is neither mapped nor skipped", s.RuleID)
			}
			continue
		}
		compared++
		events := []intents.Event{s.event}
		fs := detection(t, id).Run(cfg, events)
		checkFindings(t, events, fs)
		ours := len(fs) > 0
		verdict := "agree"
		key := [2]string{s.RuleID, s.TestName}
		if ours != s.ExpectedMatch {
			verdict = "DISAGREE"
			if why, ok := explained[key]; ok {
				verdict = "disagree (explained: " + why + ")"
				used[key] = true
			} else {
				t.Errorf("%s / %q: Panther expects %v, our %s says %v:%s", s.RuleID, s.TestName, s.ExpectedMatch, id, ours, dump(fs))
			}
		}
		line := ""
		if len(fs) > 0 {
			line = " — " + string(fs[0].Severity) + " " + itoa(fs[0].Score) + ": " + fs[0].Summary
		}
		t.Logf("%s / %q: panther=%v %s=%v %s%s", s.RuleID, s.TestName, s.ExpectedMatch, id, ours, verdict, line)
	}
	for key := range explained {
		if !used[key] {
			t.Errorf("explained disagreement %v no longer happens: remove it", key)
		}
	}
	if compared < 30 {
		t.Errorf("compared %d Panther test events, want at least 30", compared)
	}
}

// TestPantherAttackScenarios runs every detection over Panther's attack
// scenarios, one log per scenario file and all of them as one org's log.
func TestPantherAttackScenarios(t *testing.T) {
	samples := readSamples(t, "panther_attack_scenarios.ndjson")
	byFile := map[string][]intents.Event{}
	var all []intents.Event
	for _, s := range samples {
		byFile[s.SourceFile] = append(byFile[s.SourceFile], s.event)
		all = append(all, s.event)
	}
	const jack = "jack.naglieri@runpanther.io"
	type hit struct{ Detection, User string }
	tests := []struct {
		name   string
		events []intents.Event
		want   []hit
	}{
		{"legit logins", byFile["test_scenarios/okta-add-administrator/legit_login.yml"], nil},
		{"a new user", byFile["test_scenarios/okta-add-administrator/new-user.yml"], nil},
		{"9 failed logins from 4 countries, then a success",
			byFile["test_scenarios/okta-add-administrator/brute_force_logins.yml"], []hit{{SuccessAfterFailures, jack}}},
		{"an admin privilege grant", byFile["test_scenarios/okta-add-administrator/admin_privs_assigned.yml"], []hit{{PrivilegeGrant, jack}}},
		{"the victim signs in", byFile["test_scenarios/compromised-root-creds/victim_okta.yml"], nil},
		{"2 failures days apart", byFile["test_scenarios/compromised-root-creds/attacker_okta.yml"], nil},
		{"all of it as one org's log", all, []hit{{SuccessAfterFailures, jack}, {PrivilegeGrant, jack}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.events) == 0 {
				t.Fatalf("no events for %s", tc.name)
			}
			a := Analyze(DefaultConfig(), tc.events)
			checkFindings(t, tc.events, a.Findings)
			var got []hit
			for _, f := range a.Findings {
				got = append(got, hit{f.Detection, f.User})
				t.Logf("%s %s %d: %s", f.Detection, f.Severity, f.Score, f.Summary)
			}
			less := func(a, b hit) int { return rank(a.Detection) - rank(b.Detection) }
			slices.SortFunc(got, less)
			slices.SortFunc(tc.want, less)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Analyze(%s) findings (-want +got):\n%s", tc.name, diff)
			}
			for _, u := range a.Users {
				t.Logf("user %q: %s %d", u.User, u.Severity, u.Score)
			}
		})
	}
}
