package demo

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the stories' local times, wherever the tests run

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoCatalogue is okta/detect's list of detections, written out.
func demoCatalogue() []string {
	return []string{"failed_login_burst", "success_after_failures", "suspicious_country_login", "anonymizing_proxy_login",
		"impossible_travel", "mfa_push_fatigue", "mfa_failures", "account_lockout", "privilege_grant", "mfa_factor_reset",
		"threat_detected", "session_roaming", "admin_console_new_behavior", "fastpass_phishing", "api_token_created",
		"support_impersonation", "user_reported_suspicious", "security_config_change"}
}

func TestDemoStories(t *testing.T) {
	for _, d := range []string{oktasim.DialectOIE, oktasim.DialectClassic} {
		t.Run(d, func(t *testing.T) { testDemoStories(t, newDemoOrgIn(t, d)) })
	}
}

func testDemoStories(t *testing.T, o *demoOrg) {
	stories := o.stories
	checks := map[string]func(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object){
		"a": demoCheckTor, "b": demoCheckPushFatigue, "c": demoCheckCountries,
		"d": demoCheckGrant, "e": demoCheckPolicy, "f": demoCheckLockout, "g": demoCheckBlocked,
	}
	if len(stories) != len(checks) {
		t.Fatalf("Stories() = %d stories, want %d", len(stories), len(checks))
	}
	for i, s := range stories {
		letter := string(rune('a' + i))
		t.Run(letter+"_"+s.ID, func(t *testing.T) {
			if s.ID == "" || s.Title == "" || len(s.Users) == 0 || len(s.Detections) == 0 || len(s.Events) == 0 {
				t.Fatalf("Stories()[%d] = %+v: incomplete", i, s)
			}
			for _, d := range s.Detections {
				if !slices.Contains(demoCatalogue(), d) {
					t.Errorf("story %s: detection %q is not in the detection catalogue (detect.Catalogue)", s.ID, d)
				}
			}
			for _, l := range s.Users {
				if o.logins[l] == nil {
					t.Errorf("story %s: user %s is not in the org", s.ID, l)
				}
			}
			var evs []oktasim.Object
			for _, id := range s.Events {
				e := o.events[id]
				if e == nil {
					t.Fatalf("story %s: event %s is not in the log", s.ID, id)
				}
				if !strings.HasPrefix(id, strings.Repeat(demoStoryMark(i), 8)+"-") {
					t.Errorf("story %s: uuid %s is not recognisable as story %s's", s.ID, id, letter)
				}
				if !slices.Contains(s.Users, demoStr(e, "actor", "alternateId")) {
					t.Errorf("story %s: event %s is by %s, not one of %v", s.ID, id, demoStr(e, "actor", "alternateId"), s.Users)
				}
				evs = append(evs, e)
			}
			slices.SortStableFunc(evs, func(x, y oktasim.Object) int { return o.at(x).Compare(o.at(y)) })
			checks[letter](t, o, s, evs)
			for _, d := range s.Detections {
				check, ok := demoDetectionChecks()[d]
				if !ok {
					t.Errorf("story %s: no check for detection %s", s.ID, d)
					continue
				}
				if why := check(o, s, evs); why != "" {
					t.Errorf("story %s would not trigger %s: %s", s.ID, d, why)
				}
			}
		})
	}
}

// demoDetectionChecks tell whether a story's events hold what a detection
// looks for, with okta/detect's default thresholds (the strictest source's
// where the public sources differ); "" when they do.
func demoDetectionChecks() map[string]func(o *demoOrg, s Story, evs []oktasim.Object) string {
	is := func(e oktasim.Object, typ, result string) bool {
		return demoStr(e, "eventType") == typ && (result == "" || demoStr(e, "outcome", "result") == result)
	}
	count := func(o *demoOrg, evs []oktasim.Object, ok func(oktasim.Object) bool, window time.Duration) int {
		var times []time.Time
		for _, e := range evs {
			if ok(e) {
				times = append(times, o.at(e))
			}
		}
		return demoMaxInWindow(times, window)
	}
	has := func(evs []oktasim.Object, ok func(oktasim.Object) bool) bool { return slices.ContainsFunc(evs, ok) }
	return map[string]func(o *demoOrg, s Story, evs []oktasim.Object) string{
		"failed_login_burst": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if n := count(o, evs, demoFailedSignIn, 30*time.Minute); n < 10 {
				return fmt.Sprintf("%d failed sign-ins in 30 min, Elastic wants 10", n)
			}
			return ""
		},
		"success_after_failures": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			for i, e := range evs {
				if is(e, "user.session.start", "SUCCESS") && count(o, evs[:i], demoFailedSignIn, 3*time.Hour) >= 5 {
					return ""
				}
			}
			return "no success after 5 failures within 3 h"
		},
		"anonymizing_proxy_login": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool { return demoVal(e, "securityContext", "isProxy") == true }) {
				return ""
			}
			return "no sign-in through a proxy"
		},
		"threat_detected": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool {
				return strings.Contains(demoStr(e, "debugContext", "debugData", "risk"), "level=HIGH")
			}) {
				return ""
			}
			return "no event with risk HIGH"
		},
		"suspicious_country_login": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool {
				return is(e, "user.session.start", "SUCCESS") &&
					slices.Contains([]string{"Russia", "China", "North Korea", "Iran"}, demoStr(e, "client", "geographicalContext", "country"))
			}) {
				return ""
			}
			return "no sign-in from a watch-listed country"
		},
		"impossible_travel": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			for _, l := range s.Users {
				var prev oktasim.Object
				for _, e := range o.actorEvents(l) {
					if !is(e, "user.session.start", "SUCCESS") {
						continue
					}
					if prev != nil && (o.storyEvents[demoStr(e, "uuid")] || o.storyEvents[demoStr(prev, "uuid")]) {
						km := demoKm(demoVal(prev, "client", "geographicalContext").(oktasim.Object), demoVal(e, "client", "geographicalContext").(oktasim.Object))
						if h := o.at(e).Sub(o.at(prev)).Hours(); km > 50 && km/h > 900 {
							return ""
						}
					}
					prev = e
				}
			}
			return "no consecutive sign-ins faster than 900 km/h"
		},
		"mfa_push_fatigue": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if n := count(o, evs, demoDeniedPush, 10*time.Minute); n < 5 {
				return fmt.Sprintf("%d denied pushes in 10 min, want 5", n)
			}
			return ""
		},
		"account_lockout": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool { return is(e, "user.account.lock", "") }) {
				return ""
			}
			return "no user.account.lock"
		},
		"privilege_grant": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool { return is(e, "user.account.privilege.grant", "SUCCESS") }) {
				return ""
			}
			return "no user.account.privilege.grant"
		},
		"mfa_factor_reset": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool {
				return is(e, "system.mfa.factor.deactivate", "SUCCESS") || is(e, "security.authenticator.lifecycle.deactivate", "SUCCESS")
			}) {
				return ""
			}
			return "no factor type or authenticator deactivated for the org"
		},
		"security_config_change": func(o *demoOrg, s Story, evs []oktasim.Object) string {
			if has(evs, func(e oktasim.Object) bool { return strings.HasPrefix(demoStr(e, "eventType"), "policy.rule.") }) {
				return ""
			}
			return "no policy rule change"
		},
	}
}

// demoCheckTor: ≥ 5 failures from the Tor exit node, then a success from
// it, then SSO from it into 7 distinct apps assigned to the user.
func demoCheckTor(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	const tor = "185.220.101.1"
	user := o.logins[s.Users[0]]
	var failures []time.Time
	var success time.Time
	apps := map[string]bool{}
	for _, e := range evs {
		if demoStr(e, "client", "ipAddress") != tor || demoVal(e, "securityContext", "isProxy") != true {
			continue
		}
		switch {
		case demoFailedSignIn(e) && success.IsZero():
			failures = append(failures, o.at(e))
		case demoStr(e, "eventType") == "user.session.start" && demoStr(e, "outcome", "result") == "SUCCESS" && success.IsZero():
			success = o.at(e)
		case demoStr(e, "eventType") == "user.authentication.sso" && !success.IsZero():
			apps[demoStr(demoVal(e, "target").([]any)[0], "id")] = true
		}
	}
	if len(failures) < 5 || demoMaxInWindow(failures, 30*time.Minute) < 5 {
		t.Errorf("story %s: %d failed sign-ins from %s (at most %d in 30 min), want ≥ 5 in a burst", s.ID, len(failures), tor, demoMaxInWindow(failures, 30*time.Minute))
	}
	if success.IsZero() || len(failures) > 0 && success.Sub(failures[len(failures)-1]) > time.Hour {
		t.Errorf("story %s: success from %s at %v, want one within the hour after the failures", s.ID, tor, success)
	}
	mine := o.assigned(demoStr(user, "id"))
	for app := range apps {
		if !mine[app] {
			t.Errorf("story %s: SSO into %s, which %s is not assigned", s.ID, demoStr(o.apps[app], "label"), s.Users[0])
		}
	}
	if len(apps) < 7 {
		t.Errorf("story %s: SSO into %d distinct apps from %s, want ≥ 7", s.ID, len(apps), tor)
	}
	if demoStr(user, "status") != "ACTIVE" {
		t.Errorf("story %s: %s is %s, want ACTIVE", s.ID, s.Users[0], demoStr(user, "status"))
	}
	if limit := o.maxAttempts(demoStr(user, "id")); len(failures) >= limit {
		t.Errorf("story %s: %d failures would have locked %s out (lockout after %d)", s.ID, len(failures), s.Users[0], limit)
	}
}

// demoCheckPushFatigue: ≥ 5 denied pushes in 10 minutes, then an accepted
// push and a session within 15 minutes.
func demoCheckPushFatigue(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	user := o.logins[s.Users[0]]
	var denies []time.Time
	var sent int
	var accepted, session time.Time
	for _, e := range evs {
		factor := demoStr(e, "debugContext", "debugData", "factor")
		switch typ, result := demoStr(e, "eventType"), demoStr(e, "outcome", "result"); {
		case typ == "system.push.send_factor_verify_push":
			sent++
		case demoDeniedPush(e):
			denies = append(denies, o.at(e))
		case typ == "user.authentication.auth_via_mfa" && result == "SUCCESS" && factor == "OKTA_VERIFY_PUSH":
			accepted = o.at(e)
		case typ == "user.session.start" && result == "SUCCESS":
			session = o.at(e)
		}
	}
	if n := demoMaxInWindow(denies, 10*time.Minute); n < 5 {
		t.Errorf("story %s: at most %d denied pushes in 10 minutes, want ≥ 5", s.ID, n)
	}
	if sent <= len(denies) {
		t.Errorf("story %s: %d pushes sent for %d denials", s.ID, sent, len(denies))
	}
	if len(denies) == 0 || accepted.Before(denies[len(denies)-1]) || accepted.Sub(denies[len(denies)-1]) > 15*time.Minute || session.Before(accepted) {
		t.Errorf("story %s: push accepted at %v, session at %v: want both within 15 min after the last denial", s.ID, accepted, session)
	}
	hasPush := false
	for _, f := range o.fx.Factors[demoStr(user, "id")] {
		hasPush = hasPush || demoStr(f, "factorType") == "push"
	}
	if !hasPush {
		t.Errorf("story %s: %s has no push factor", s.ID, s.Users[0])
	}
}

// demoCheckCountries: successful sign-ins from Russia and North Korea, new
// countries to Okta's behavior detection.
func demoCheckCountries(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	for _, country := range []string{"Russia", "North Korea"} {
		found := false
		for _, e := range evs {
			if demoStr(e, "eventType") == "user.session.start" && demoStr(e, "outcome", "result") == "SUCCESS" &&
				demoStr(e, "client", "geographicalContext", "country") == country &&
				demoStr(e, "client", "geographicalContext", "city") != "" &&
				strings.Contains(demoStr(e, "debugContext", "debugData", "behaviors"), "New Country=POSITIVE") {
				found = true
			}
		}
		if !found {
			t.Errorf("story %s: no successful sign-in from %s with New Country=POSITIVE", s.ID, country)
		}
	}
}

// demoCheckGrant: Super administrator granted by an admin to a member of
// Okta Admins, on a Saturday at 03:12 in the team's zone.
func demoCheckGrant(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	found := false
	for _, e := range evs {
		if demoStr(e, "eventType") != "user.account.privilege.grant" {
			continue
		}
		found = true
		if !strings.Contains(demoStr(e, "debugContext", "debugData", "privilegeGranted"), "Super administrator") {
			t.Errorf("story %s: privilegeGranted = %q", s.ID, demoStr(e, "debugContext", "debugData", "privilegeGranted"))
		}
		actor := o.logins[demoStr(e, "actor", "alternateId")]
		targets, _ := demoVal(e, "target").([]any)
		if len(targets) != 1 || demoStr(targets[0], "type") != "User" || !slices.Contains(s.Users, demoStr(targets[0], "alternateId")) {
			t.Fatalf("story %s: grant targets %v, want one story user", s.ID, targets)
		}
		if grantee := demoStr(targets[0], "id"); !o.member(grantee, "Okta Admins") || !o.member(demoStr(actor, "id"), "Okta Admins") {
			t.Errorf("story %s: grantee and granter should both be in Okta Admins", s.ID)
		}
		if local := o.at(e).In(o.zone); local.Weekday() != time.Saturday || local.Format("15:04") != "03:12" {
			t.Errorf("story %s: granted at %s in the team's zone, want on a Saturday at 03:12", s.ID, local.Format(time.RFC1123))
		}
	}
	if !found {
		t.Errorf("story %s: no user.account.privilege.grant", s.ID)
	}
}

// demoCheckPolicy: a global session rule loses its MFA requirement, and
// the fixture's rule says so.
func demoCheckPolicy(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	found := false
	for _, e := range evs {
		if demoStr(e, "eventType") != "policy.rule.update" {
			continue
		}
		for _, target := range demoVal(e, "target").([]any) {
			rule := o.rules[demoStr(target, "id")]
			if rule == nil {
				continue
			}
			found = true
			if o.ruleType[demoStr(rule, "id")] != "OKTA_SIGN_ON" {
				t.Errorf("story %s: rule %s belongs to a %s policy", s.ID, demoStr(rule, "id"), o.ruleType[demoStr(rule, "id")])
			}
			if demoVal(rule, "actions", "signon", "requireFactor") != false || demoStr(rule, "lastUpdated") != demoStr(e, "published") {
				t.Errorf("story %s: rule %s now %v (updated %s), want requireFactor false since %s", s.ID, demoStr(rule, "name"),
					demoVal(rule, "actions"), demoStr(rule, "lastUpdated"), demoStr(e, "published"))
			}
			if demoVal(target, "changeDetails", "from", "actions", "signon", "requireFactor") != true {
				t.Errorf("story %s: changeDetails %v, want requireFactor true before", s.ID, demoVal(target, "changeDetails"))
			}
		}
		if !o.member(demoStr(e, "actor", "id"), "Okta Admins") {
			t.Errorf("story %s: %s is no admin", s.ID, demoStr(e, "actor", "alternateId"))
		}
	}
	if !found {
		t.Errorf("story %s: no policy.rule.update of a rule in the org", s.ID)
	}
}

// demoCheckLockout: failures, then the lock, the user LOCKED_OUT since then
// and never signed in again.
func demoCheckLockout(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	user := o.logins[s.Users[0]]
	_, locked := demoLockAfterFailures(t, o, s, evs, "Max sign in attempts exceeded")
	if demoStr(user, "status") != "LOCKED_OUT" || demoStr(user, "statusChanged") != locked.Format(demoTime) {
		t.Errorf("story %s: %s is %s since %s, want LOCKED_OUT since %s", s.ID, s.Users[0], demoStr(user, "status"),
			demoStr(user, "statusChanged"), locked.Format(demoTime))
	}
	for _, e := range o.actorEvents(s.Users[0]) {
		if o.at(e).After(locked) && demoStr(e, "eventType") == "user.session.start" && demoStr(e, "outcome", "result") == "SUCCESS" {
			t.Errorf("story %s: %s signs in at %s after being locked out", s.ID, s.Users[0], o.at(e))
		}
	}
}

// TestDemoDialects: each dialect writes its own shapes and only those;
// the org and its stories are the same in both.
func TestDemoDialects(t *testing.T) {
	oie, classic := newDemoOrgIn(t, oktasim.DialectOIE), newDemoOrgIn(t, oktasim.DialectClassic)
	type shapes struct{ wrongSession, wrongPasswordCheck, passwordCheck, denyPush, pushCheckDenied, factorOff, authenticatorOff int }
	count := func(o *demoOrg) shapes {
		var n shapes
		for _, e := range o.fx.Logs {
			typ, result := demoStr(e, "eventType"), demoStr(e, "outcome", "result")
			factor := demoStr(e, "debugContext", "debugData", "factor")
			switch {
			case typ == "user.session.start" && demoStr(e, "outcome", "reason") == "INVALID_CREDENTIALS":
				n.wrongSession++
			case typ == "user.authentication.auth_via_mfa" && factor == "PASSWORD_AS_FACTOR" && result == "FAILURE":
				n.wrongPasswordCheck++
			case typ == "user.authentication.auth_via_mfa" && factor == "PASSWORD_AS_FACTOR":
				n.passwordCheck++
			case typ == "user.mfa.okta_verify.deny_push":
				n.denyPush++
			case typ == "user.authentication.auth_via_mfa" && factor == "OKTA_VERIFY_PUSH" && demoStr(e, "outcome", "reason") == "INVALID_CREDENTIALS":
				n.pushCheckDenied++
			case typ == "system.mfa.factor.deactivate":
				n.factorOff++
			case typ == "security.authenticator.lifecycle.deactivate":
				n.authenticatorOff++
			}
		}
		return n
	}
	o, c := count(oie), count(classic)
	if o.wrongSession != 0 || o.denyPush != 0 || o.factorOff != 0 || o.wrongPasswordCheck < 27 || o.pushCheckDenied < 7 ||
		o.authenticatorOff != 1 || o.passwordCheck == 0 {
		t.Errorf("OrgIn(oie) writes %+v: want wrong passwords, denied pushes and the authenticator off in Identity Engine's shapes only", o)
	}
	if c.wrongPasswordCheck != 0 || c.passwordCheck != 0 || c.pushCheckDenied != 0 || c.authenticatorOff != 0 ||
		c.wrongSession != o.wrongPasswordCheck || c.denyPush != o.pushCheckDenied || c.factorOff != 1 {
		t.Errorf("OrgIn(classic) writes %+v (Identity Engine: %+v): want Classic's shapes only, as many as Identity Engine's", c, o)
	}
	hasAccess := func(o *demoOrg) bool {
		return slices.ContainsFunc(o.fx.Policies, func(p oktasim.Object) bool { return demoStr(p, "type") == "ACCESS_POLICY" })
	}
	if !hasAccess(oie) || hasAccess(classic) {
		t.Errorf("ACCESS_POLICY policies: Identity Engine %v, Classic %v; want them only on Identity Engine", hasAccess(oie), hasAccess(classic))
	}
	if oie.fx.Dialect != oktasim.DialectOIE || classic.fx.Dialect != oktasim.DialectClassic {
		t.Errorf("OrgIn() fixtures say dialect %q and %q", oie.fx.Dialect, classic.fx.Dialect)
	}
	if len(oie.fx.Users) != len(classic.fx.Users) || len(oie.stories) != len(classic.stories) {
		t.Fatalf("the dialects differ in people (%d, %d) or stories (%d, %d)", len(oie.fx.Users), len(classic.fx.Users), len(oie.stories), len(classic.stories))
	}
	for i, u := range oie.fx.Users {
		if demoStr(u, "id") != demoStr(classic.fx.Users[i], "id") {
			t.Fatalf("user %d is %s in one dialect and %s in the other", i, demoStr(u, "id"), demoStr(classic.fx.Users[i], "id"))
		}
	}
	for i, s := range oie.stories {
		cs := classic.stories[i]
		if s.ID != cs.ID || !slices.Equal(s.Users, cs.Users) || !slices.Equal(s.Detections, cs.Detections) {
			t.Errorf("story %d: %s %v %v in Identity Engine, %s %v %v in Classic", i, s.ID, s.Users, s.Detections, cs.ID, cs.Users, cs.Detections)
		}
	}
}

// demoCheckBlocked: wrong passwords from one new device, too slow for a
// burst, then Okta's lock from new devices; the user stays ACTIVE with the
// block, and no sign-in follows within 3 hours (the lock is the story's
// only signal).
func demoCheckBlocked(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object) {
	user := o.logins[s.Users[0]]
	failures, locked := demoLockAfterFailures(t, o, s, evs, oktasim.NewDeviceLockMessage)
	for _, e := range evs {
		if demoFailedSignIn(e) && !strings.Contains(demoStr(e, "debugContext", "debugData", "behaviors"), "New Device=POSITIVE") {
			t.Errorf("story %s: failure %s from a device Okta knows", s.ID, demoStr(e, "uuid"))
		}
	}
	if n := demoMaxInWindow(failures, 30*time.Minute); n >= 10 {
		t.Errorf("story %s: %d failures in 30 minutes: a burst, want a slow trickle", s.ID, n)
	}
	blocks, _ := demoVal(user, "_blocks").([]any)
	if demoStr(user, "status") != "ACTIVE" || len(blocks) != 1 || demoStr(blocks[0], "appliesTo") != "UNKNOWN_DEVICES" {
		t.Errorf("story %s: %s is %s with blocks %v, want ACTIVE and blocked from unknown devices", s.ID, s.Users[0], demoStr(user, "status"), blocks)
	}
	for _, e := range o.actorEvents(s.Users[0]) {
		if at := o.at(e); at.After(failures[0]) && at.Sub(locked) < 3*time.Hour && demoStr(e, "eventType") == "user.session.start" &&
			demoStr(e, "outcome", "result") == "SUCCESS" {
			t.Errorf("story %s: %s signs in at %s, within 3 hours of the failures", s.ID, s.Users[0], at)
		}
	}
}

// demoLockAfterFailures reads a lockout story: the failed sign-ins before
// the lock and the lock's time. The lock (a failed user.account.lock) must
// say message and come after the password policy's number of attempts.
func demoLockAfterFailures(t *testing.T, o *demoOrg, s Story, evs []oktasim.Object, message string) (failures []time.Time, locked time.Time) {
	t.Helper()
	for _, e := range evs {
		switch {
		case demoStr(e, "eventType") == "user.account.lock":
			locked = o.at(e)
			if demoStr(e, "displayMessage") != message || demoStr(e, "outcome", "result") != "FAILURE" {
				t.Errorf("story %s: lock says %q (%s), want %q (FAILURE)", s.ID, demoStr(e, "displayMessage"), demoStr(e, "outcome", "result"), message)
			}
		case demoFailedSignIn(e) && locked.IsZero():
			failures = append(failures, o.at(e))
		}
	}
	if limit := o.maxAttempts(demoStr(o.logins[s.Users[0]], "id")); locked.IsZero() || len(failures) != limit {
		t.Fatalf("story %s: lock at %v after %d failures, want a lock after the policy's %d", s.ID, locked, len(failures), limit)
	}
	return failures, locked
}
