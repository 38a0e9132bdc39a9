package detect

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// designIDs are the catalogue ids, in order, written out by hand: renaming,
// dropping or moving one fails here.
var designIDs = []string{
	"failed_login_burst", "success_after_failures", "suspicious_country_login", "anonymizing_proxy_login",
	"impossible_travel", "mfa_push_fatigue", "mfa_failures", "account_lockout", "privilege_grant",
	"mfa_factor_reset", "threat_detected", "session_roaming", "admin_console_new_behavior",
	"fastpass_phishing", "api_token_created", "support_impersonation", "user_reported_suspicious",
	"security_config_change",
	"unauthorized_app_access", "oauth_token_abuse", "idp_sign_in", "ad_agent_activity",
	"org2org_app_change", "app_password_exposure", "distributed_password_spray",
	"push_origin_mismatch", "shared_mfa_device", "device_nonstandard_name", "admin_console_denied",
	"admin_console_weak_factor", "concurrent_sessions", "reset_message_flood", "api_token_revoked",
	"rate_limit_violation", "app_changed", "rapid_app_access", "sso_unknown_client", "protected_action_change",
	"password_in_username", "user_created", "single_factor_success", "fastpass_untrusted_binary",
	"new_device_enrolled", "app_challenges_failed",
}

func TestCatalogue(t *testing.T) {
	var ids []string
	for i, d := range Catalogue() {
		ids = append(ids, d.ID)
		if d.Title == "" || d.Source == "" || d.run == nil {
			t.Errorf("Catalogue()[%d] %s lacks a title, source or run", i, d.ID)
		}
		if rank(d.ID) != i {
			t.Errorf("rank(%s) = %d, want its catalogue place %d", d.ID, rank(d.ID), i)
		}
	}
	if diff := cmp.Diff(designIDs, ids); diff != "" {
		t.Errorf("Catalogue() ids (-design +got):\n%s", diff)
	}
}

// allEvents is one log with something for every detection.
func allEvents() []intents.Event {
	events := takeover()
	var l orgLog
	l.events = events
	repeat(&l, 12, time.Hour, time.Minute, signIn, as(alice), from("203.0.113.9", london), failure("INVALID_CREDENTIALS"))
	l.add(lock, 2*time.Hour, as(alice), failure("LOCKED_OUT"))
	l.add(signIn, 3*time.Hour, from("203.0.113.40", moscow), as(alice))
	l.add("user.account.privilege.grant", 4*time.Hour, as(admin), targetUserOpt(alice), debug("privilegeGranted", "Super administrator"))
	l.add("system.api_token.create", 4*time.Hour, as(admin), target("Token", "00T1", "ci"))
	l.add("policy.rule.deactivate", 5*time.Hour, as(admin), targetDetail("PolicyRule", "0pr1", "MFA", nil), targetDetail("PolicyEntity", "00p1", "Default", nil))
	l.add("user.mfa.factor.reset_all", 5*time.Hour, as(admin), targetUserOpt(alice))
	l.add(viaMFA, 6*time.Hour, as(alice), failure("FastPass declined phishing attempt"))
	l.add("user.account.report_suspicious_activity_by_enduser", 7*time.Hour, as(alice))
	l.add("user.session.impersonation.grant", 7*time.Hour, as(admin))
	l.add("security.threat.detected", 8*time.Hour, as(alice), outcome("SUCCESS", "Password Spray"))
	l.add("user.mfa.attempt_bypass", 8*time.Hour, as(alice))
	l.add("policy.evaluate_sign_on", 9*time.Hour, as(admin), target("AppInstance", "x", "Okta Admin Console"), debug("behaviors", "{New Device=POSITIVE, New IP=POSITIVE}"))
	l.add("security.session.detect_client_roaming", 9*time.Hour, as(alice))
	l.add(signIn, 10*time.Hour, as(alice), from("203.0.113.60", newYork))
	l.add(signIn, 10*time.Hour+30*time.Minute, as(alice), from("203.0.113.61", london))
	for i := range 5 {
		l.add(sendPush, 11*time.Hour+time.Duration(i)*time.Minute, as(alice))
	}
	l.add(unauthAccessEvent, 12*time.Hour, as(alice), target("AppInstance", "0oa7", "Workday"), failure(""))
	l.add("app.oauth2.client.read_client_secret", 12*time.Hour, as(admin), target("AppInstance", "0oa8", "CI deploy"))
	l.add("user.authentication.auth_via_IDP", 12*time.Hour, as(alice), func(e *intents.Event) {
		e.Issuer = intents.Issuer{ID: "http://www.okta.com/exkpartner", Type: "SAML2"}
	})
	l.add("system.agent.ad.create", 12*time.Hour, as(admin), target("Agent", "0agent", "DC01"))
	l.add("application.lifecycle.create", 12*time.Hour, as(admin), target("AppInstance", "0oao2o", "Okta Org2Org"))
	l.add("application.lifecycle.update", 12*time.Hour, as(admin), target("AppInstance", "0oascim", "SCIM app"), outcome("SUCCESS", "Pushing user passwords"))
	l.events = append(l.events, distributedAttack(13*time.Hour, 10, 30)...)
	requestPush(&l, 12*time.Hour, "idxAll", as(alice), newDeviceAndIP)
	l.add(viaMFA, 12*time.Hour+20*time.Second, as(alice), session("idxAll"), pushFactor, oktaVerifyApp)
	l.add(deviceAdd, 13*time.Hour, as(alice), device("guo1evil", "kali", "LINUX", false))
	l.add(deviceAdd, 13*time.Hour+time.Minute, as(john), device("guo1evil", "kali", "LINUX", false))
	l.add(accessAdmin, 14*time.Hour, as(admin), failure(""))
	l.add(verify, 14*time.Hour, as(admin), session("idxAdmin"), method("Password", "Password"), consoleTarget)
	for i := range 3 {
		l.add(signIn, 15*time.Hour+time.Duration(i)*time.Minute, as(admin), session("idxMany"+itoa(i)))
	}
	repeat(&l, 5, 16*time.Hour, time.Minute, resetEmail, as(alice), targetUserOpt(alice))
	l.add("system.api_token.revoke", 17*time.Hour, as(admin), target("Token", "00T1", "ci"))
	l.add("system.org.rate_limit.violation", 17*time.Hour, appActor("0oa9", "provisioning-bot"))
	l.add("application.lifecycle.delete", 17*time.Hour, as(admin), target("AppInstance", "0oa1sf", "Salesforce"))
	for i := range 10 {
		l.add(sso, 18*time.Hour+time.Duration(i)*time.Second, as(admin), app(i))
	}
	l.add(sso, 18*time.Hour, as(alice), app(1), unidentified("python-requests/2.31.0"))
	l.add("security.protected_action.settings.update", 19*time.Hour, as(admin), target("ProtectedActionSettings", "pa1", "Protected actions"))
	l.add(signIn, 19*time.Hour, typed(secret))
	l.add("user.lifecycle.create", 19*time.Hour, as(admin), targetUserOpt("bob@company.com"))
	l.add("user.account.privilege.grant", 19*time.Hour+time.Minute, as(admin), targetUserOpt("bob@company.com"))
	l.add("policy.evaluate_sign_on", 20*time.Hour, as(admin), session("idxOne"), outcome("CHALLENGE", ""))
	l.add(signIn, 20*time.Hour+time.Second, as(admin), session("idxOne"))
	l.add(viaMFA, 21*time.Hour, as(alice), fastPass("LOOPBACK", "NO_SIGNATURE", "/tmp/.x/agent"))
	l.add(signIn, 22*time.Hour, as(alice), from("203.0.113.70", sanFrancisco))
	agentWork := []opt{as(svcAD), target("Agent", "0agdc01", "DC01"), from("10.1.2.3", sanFrancisco)}
	repeat(&l, 72, 0, 10*time.Minute, "system.agent.ad.read_config", agentWork...)
	repeat(&l, 40, 14*time.Hour, 30*time.Second, "system.agent.ad.read_config", agentWork...)
	l.add("application.user_membership.show_password", 22*time.Hour+2*time.Minute, as(john), reveal(john, "Netflix"),
		from("198.51.100.77", frankfurt))
	l.add("", 22*time.Hour+5*time.Minute, factorActivated(alice, "OKTA_VERIFY_PUSH"), from("203.0.113.71", london))
	for i := range 6 {
		l.add("", 23*time.Hour+time.Duration(i)*time.Minute, as(alice), challengeFor(i), session("idxChallenged"))
	}
	l.add("security.protected_action.attempt", 23*time.Hour+30*time.Minute, as(alice),
		target("ProtectedAction", "", "Reset passwords for super admins"), targetUserOpt(admin))
	return l.events
}

func TestRunFindsEveryDetection(t *testing.T) {
	events := allEvents()
	fs := Run(testConfig(), events)
	checkFindings(t, events, fs)
	seen := map[string]bool{}
	for _, f := range fs {
		seen[f.Detection] = true
	}
	for _, id := range designIDs {
		if !seen[id] {
			t.Errorf("Run(allEvents) found no %s:%s", id, dump(fs))
		}
	}
}

func TestRunIsDeterministic(t *testing.T) {
	events := allEvents()
	want := Run(testConfig(), events)
	perms := map[string][]intents.Event{
		"reversed": slices.Clone(events),
		"rotated":  append(slices.Clone(events[len(events)/3:]), events[:len(events)/3]...),
		"doubled":  append(slices.Clone(events), events...),
	}
	slices.Reverse(perms["reversed"])
	for name, in := range perms {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(want, Run(testConfig(), in)); diff != "" {
				t.Errorf("Run(%s events) differs (-sorted +%s):\n%s", name, name, diff)
			}
		})
	}
}

func TestRunEmpty(t *testing.T) {
	if got := Run(testConfig(), nil); got == nil || len(got) != 0 {
		t.Errorf("Run(nil) = %#v, want an empty list", got)
	}
	a := Analyze(Config{}, nil)
	if a.Findings == nil || a.Users == nil || a.Proposals == nil {
		t.Errorf("Analyze(nil) = %#v, want empty lists", a)
	}
}

// TestImports keeps the package pure: the standard library and intents only.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if path != "github.com/oktabot/oktabot/intents" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: detect may import only intents and the standard library", name, path)
			}
			switch path {
			case "os", "net/http", "io/ioutil", "log", "log/slog", "database/sql":
				t.Errorf("%s imports %s: detect does no I/O", name, path)
			}
		}
	}
}

// BenchmarkRun runs the catalogue over a day of a 2,000-person org: sign-ins,
// SSO, MFA, and one attack.
func BenchmarkRun(b *testing.B) {
	var l orgLog
	for i := range 2000 {
		u := "user" + strconv.Itoa(i) + "@company.com"
		at := time.Duration(i) * 20 * time.Second
		l.add(signIn, at, as(u), session("s"+strconv.Itoa(i)), debug("behaviors", "{New Device=NEGATIVE, New IP=NEGATIVE}"))
		l.add(viaMFA, at+5*time.Second, as(u), pushFactor)
		for j := range 8 {
			l.add("user.authentication.sso", at+time.Duration(j+1)*time.Minute, as(u), session("s"+strconv.Itoa(i)),
				target("AppInstance", "0oa"+strconv.Itoa(j), "App "+strconv.Itoa(j)))
		}
	}
	l.events = append(l.events, takeover()...)
	cfg := testConfig()
	b.ResetTimer()
	for b.Loop() {
		Run(cfg, l.events)
	}
}
