package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/okta/oktasim"
)

func TestDemoOrg(t *testing.T) {
	o := newDemoOrg(t)
	depts, statuses, factorTypes := map[string]int{}, map[string]int{}, map[string]bool{}
	for _, u := range o.fx.Users {
		depts[demoStr(u, "profile", "department")]++
		statuses[demoStr(u, "status")]++
		for _, k := range []string{"login", "email", "firstName", "lastName", "displayName", "department", "title"} {
			if demoStr(u, "profile", k) == "" {
				t.Errorf("Org(): user %s has no profile.%s", demoStr(u, "id"), k)
			}
		}
	}
	var none, weakOnly int
	for _, u := range o.fx.Users {
		if demoStr(u, "status") != "ACTIVE" || demoStr(u, "profile", "userType") == "Service" {
			continue
		}
		strong := false
		list := o.fx.Factors[demoStr(u, "id")]
		for _, f := range list {
			factorTypes[demoStr(f, "factorType")] = true
			switch demoStr(f, "factorType") {
			case "sms", "email", "call", "question":
			default:
				strong = true
			}
		}
		switch {
		case len(list) == 0:
			none++
		case !strong:
			weakOnly++
		}
	}
	john := o.logins["john@company.com"]
	policyTypes := map[string]int{}
	for _, p := range o.fx.Policies {
		if demoVal(p, "system") == true && len(demoVal(p, "rules").([]any)) > 0 {
			policyTypes[demoStr(p, "type")]++
		}
	}
	tests := []struct {
		name string
		ok   bool
		got  any
	}{
		{"at least 200 users", len(o.fx.Users) >= 200, len(o.fx.Users)},
		{"8 or more departments", len(depts) >= 8, depts},
		{"mostly ACTIVE", statuses["ACTIVE"] > len(o.fx.Users)*3/4, statuses},
		{"every other status", statuses["SUSPENDED"] > 0 && statuses["STAGED"] > 0 && statuses["PROVISIONED"] > 0 &&
			statuses["DEPROVISIONED"] > 0 && statuses["LOCKED_OUT"] > 0 && statuses["PASSWORD_EXPIRED"] > 0, statuses},
		{"john@company.com, ACTIVE, Engineering", john != nil && demoStr(john, "status") == "ACTIVE" &&
			demoStr(john, "profile", "department") == "Engineering" && demoStr(john, "profile", "displayName") == "John Smith", john},
		{"about 15 apps", len(o.fx.Apps) >= 15, len(o.fx.Apps)},
		{"a default policy with rules per type", policyTypes["OKTA_SIGN_ON"] == 1 && policyTypes["PASSWORD"] == 1 &&
			policyTypes["MFA_ENROLL"] == 1 && policyTypes["ACCESS_POLICY"] == 1, policyTypes},
		{"factor types", factorTypes["push"] && factorTypes["token:software:totp"] && factorTypes["webauthn"] &&
			factorTypes["signed_nonce"] && factorTypes["sms"] && factorTypes["email"], factorTypes},
		{"active users without factors", none > 0, none},
		{"active users with only weak factors", weakOnly > 0, weakOnly},
		{"Everyone is BUILT_IN", o.groupNamed("Everyone") != nil && demoStr(o.groupNamed("Everyone"), "type") == "BUILT_IN", o.groupNamed("Everyone")},
		{"admin groups", o.groupNamed("Okta Admins") != nil && o.groupNamed("Break Glass") != nil, len(o.fx.Groups)},
		{"at least 5,000 events", len(o.fx.Logs) >= 5000, len(o.fx.Logs)},
		{"Now is Now", o.fx.Now.Equal(Now), o.fx.Now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("Org(): %s: got %v", tt.name, tt.got)
			}
		})
	}
}

var demoUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDemoLogShape(t *testing.T) { testDemoLogShape(t, newDemoOrg(t)) }

// testDemoLogShape checks every event's shape and time: ordinary events
// within the seven days before the org's present, a story's before it.
func testDemoLogShape(t *testing.T, o *demoOrg) {
	start := o.now.Add(-7 * 24 * time.Hour)
	seen := map[string]bool{}
	var prev time.Time
	for i, e := range o.fx.Logs {
		id := demoStr(e, "uuid")
		at := o.at(e)
		if seen[id] {
			t.Errorf("Org(): event %d: uuid %s is not unique", i, id)
		}
		seen[id] = true
		if !demoUUID.MatchString(id) {
			t.Errorf("Org(): event %d: uuid %q is not a UUID", i, id)
		}
		if !at.After(start) && !o.storyEvents[id] || !at.Before(o.now) {
			t.Errorf("Org(): event %s at %s: outside the 7 days before %s", id, at, o.now)
		}
		if at.Before(prev) {
			t.Errorf("Org(): event %s at %s comes after one at %s", id, at, prev)
		}
		prev = at
		for _, path := range [][]string{
			{"eventType"}, {"displayMessage"}, {"severity"}, {"version"}, {"outcome", "result"},
			{"actor", "id"}, {"actor", "type"}, {"actor", "alternateId"}, {"actor", "displayName"},
			{"client", "ipAddress"}, {"client", "userAgent", "rawUserAgent"}, {"client", "userAgent", "browser"},
			{"client", "userAgent", "os"}, {"client", "device"}, {"client", "zone"},
			{"client", "geographicalContext", "city"}, {"client", "geographicalContext", "country"},
			{"securityContext", "asOrg"}, {"securityContext", "isp"},
			{"authenticationContext", "externalSessionId"}, {"transaction", "id"}, {"transaction", "type"},
			{"debugContext", "debugData", "requestUri"},
		} {
			if demoStr(e, path...) == "" {
				t.Errorf("Org(): event %s (%s) has no %s", id, demoStr(e, "eventType"), strings.Join(path, "."))
			}
		}
		for _, path := range [][]string{{"client", "geographicalContext", "geolocation", "lat"}, {"securityContext", "asNumber"}} {
			if _, ok := demoVal(e, path...).(float64); !ok {
				t.Errorf("Org(): event %s: %s is %T, want a number", id, strings.Join(path, "."), demoVal(e, path...))
			}
		}
		if _, ok := demoVal(e, "securityContext", "isProxy").(bool); !ok {
			t.Errorf("Org(): event %s: securityContext.isProxy missing", id)
		}
		if chain, _ := demoVal(e, "request", "ipChain").([]any); len(chain) == 0 || demoStr(chain[0], "ip") != demoStr(e, "client", "ipAddress") {
			t.Errorf("Org(): event %s: request.ipChain %v does not start with the client's address", id, chain)
		}
		for k, v := range demoVal(e, "debugContext", "debugData").(oktasim.Object) {
			if _, ok := v.(string); !ok {
				t.Errorf("Org(): event %s: debugData.%s is %T, want a string as Okta writes it", id, k, v)
			}
		}
		if demoStr(e, "eventType") == "user.authentication.sso" {
			targets, _ := demoVal(e, "target").([]any)
			if len(targets) == 0 || demoStr(targets[0], "type") != "AppInstance" || o.apps[demoStr(targets[0], "id")] == nil {
				t.Errorf("Org(): SSO event %s: target %v is not an app of the org", id, targets)
			}
		}
	}
}

func TestDemoReferences(t *testing.T) {
	o := newDemoOrg(t)
	ids := map[string]bool{}
	unique := func(kind, id string) {
		if ids[id] {
			t.Errorf("Org(): %s id %s is used twice", kind, id)
		}
		ids[id] = true
	}
	for _, u := range o.fx.Users {
		unique("user", demoStr(u, "id"))
		if m := demoStr(u, "profile", "managerId"); m != "" && o.users[m] == nil {
			t.Errorf("Org(): user %s: managerId %s is no user", demoStr(u, "id"), m)
		}
	}
	if len(o.logins) != len(o.fx.Users) {
		t.Errorf("Org(): %d users but %d distinct logins", len(o.fx.Users), len(o.logins))
	}
	for _, g := range o.fx.Groups {
		unique("group", demoStr(g, "id"))
		for _, m := range demoVal(g, "members").([]any) {
			if o.users[m.(string)] == nil {
				t.Errorf("Org(): group %s: member %v is no user", demoStr(g, "profile", "name"), m)
			}
		}
		for _, a := range demoVal(g, "apps").([]any) {
			if o.apps[a.(string)] == nil || !slices.Contains(demoVal(o.apps[a.(string)], "groups").([]any), any(demoStr(g, "id"))) {
				t.Errorf("Org(): group %s: app %v is no app, or the app does not list the group", demoStr(g, "profile", "name"), a)
			}
		}
	}
	for _, a := range o.fx.Apps {
		unique("app", demoStr(a, "id"))
		for _, u := range demoVal(a, "users").([]any) {
			if o.users[u.(string)] == nil {
				t.Errorf("Org(): app %s: user %v is no user", demoStr(a, "label"), u)
			}
		}
		for _, g := range demoVal(a, "groups").([]any) {
			if o.groups[g.(string)] == nil || !slices.Contains(demoVal(o.groups[g.(string)], "apps").([]any), any(demoStr(a, "id"))) {
				t.Errorf("Org(): app %s: group %v is no group, or the group does not list the app", demoStr(a, "label"), g)
			}
		}
	}
	for ref, list := range o.fx.Factors {
		if o.users[ref] == nil && o.logins[ref] == nil {
			t.Errorf("Org(): factors of %q: no such user", ref)
		}
		for _, f := range list {
			unique("factor", demoStr(f, "id"))
		}
	}
	for id := range o.rules {
		unique("rule", id)
	}
	for _, e := range o.fx.Logs {
		people := []any{demoVal(e, "actor")}
		if targets, ok := demoVal(e, "target").([]any); ok {
			people = append(people, targets...)
		}
		for _, p := range people {
			switch demoStr(p, "type") {
			case "User":
				u := o.users[demoStr(p, "id")]
				if u == nil || demoStr(u, "profile", "login") != demoStr(p, "alternateId") {
					t.Errorf("Org(): event %s: user %s (%s) is not in the org", demoStr(e, "uuid"), demoStr(p, "id"), demoStr(p, "alternateId"))
				}
			case "AppInstance":
				if o.apps[demoStr(p, "id")] == nil {
					t.Errorf("Org(): event %s: app %s is not in the org", demoStr(e, "uuid"), demoStr(p, "id"))
				}
			case "UserGroup":
				if o.groups[demoStr(p, "id")] == nil {
					t.Errorf("Org(): event %s: group %s is not in the org", demoStr(e, "uuid"), demoStr(p, "id"))
				}
			}
		}
	}
}

// TestDemoConsistency checks that the objects agree with the log.
func TestDemoConsistency(t *testing.T) { testDemoConsistency(t, newDemoOrg(t)) }

func testDemoConsistency(t *testing.T, o *demoOrg) {
	lastLogin := map[string]time.Time{}
	for _, e := range o.fx.Logs {
		login := demoStr(e, "actor", "alternateId")
		switch demoStr(e, "eventType") {
		case "user.session.start":
			if demoStr(e, "outcome", "result") == "SUCCESS" {
				lastLogin[login] = o.at(e)
			}
		case "user.authentication.sso":
			app := demoStr(demoVal(e, "target").([]any)[0], "id")
			if u := o.logins[login]; !o.assigned(demoStr(u, "id"))[app] {
				t.Errorf("Org(): %s signs on to %s, which is not assigned to them", login, demoStr(o.apps[app], "label"))
			}
		}
	}
	for _, u := range o.fx.Users {
		login, status := demoStr(u, "profile", "login"), demoStr(u, "status")
		if last, ok := lastLogin[login]; ok && demoStr(u, "lastLogin") != last.Format(demoTime) {
			t.Errorf("Org(): %s lastLogin %s, but their last sign-in in the log is at %s", login, demoStr(u, "lastLogin"), last.Format(demoTime))
		}
		changed, _ := time.Parse(time.RFC3339Nano, demoStr(u, "statusChanged"))
		if status != "ACTIVE" && status != "PASSWORD_EXPIRED" && lastLogin[login].After(changed) {
			t.Errorf("Org(): %s is %s since %s but signed in at %s", login, status, changed, lastLogin[login])
		}
		if status == "STAGED" || status == "PROVISIONED" {
			if demoVal(u, "lastLogin") != nil || len(o.fx.Factors[demoStr(u, "id")]) > 0 {
				t.Errorf("Org(): %s is %s but has signed in or enrolled factors", login, status)
			}
		}
	}
}

// TestDemoOrdinary checks that only the stories look like attacks.
func TestDemoOrdinary(t *testing.T) { testDemoOrdinary(t, newDemoOrg(t)) }

func testDemoOrdinary(t *testing.T, o *demoOrg) {
	watch := []string{"Russia", "China", "North Korea", "Iran", "Belarus", "Syria", "Cuba", "Venezuela"}
	storyOnly := []string{"user.account.privilege.", "group.privilege.", "iam.resourceset.bindings.", "policy.lifecycle.",
		"policy.rule.", "zone.", "system.idp.lifecycle.", "user.account.lock", "system.api_token.", "user.mfa.factor.reset_all",
		"user.mfa.factor.deactivate", "user.session.impersonation.", "security.threat.detected"}
	ipFailures := map[string][]time.Time{}
	for _, e := range o.fx.Logs {
		id, typ := demoStr(e, "uuid"), demoStr(e, "eventType")
		if o.storyEvents[id] {
			continue
		}
		for _, prefix := range storyOnly {
			if strings.HasPrefix(typ, prefix) {
				t.Errorf("Org(): %s event %s is in no story", typ, id)
			}
		}
		if demoFailedSignIn(e) {
			ip := demoStr(e, "client", "ipAddress")
			ipFailures[ip] = append(ipFailures[ip], o.at(e))
		}
		debug := demoVal(e, "debugContext", "debugData").(oktasim.Object)
		if strings.Contains(fmt.Sprint(debug["behaviors"]), "POSITIVE") || strings.Contains(fmt.Sprint(debug["risk"]), "HIGH") ||
			debug["threatSuspected"] != "false" {
			t.Errorf("Org(): event %s outside the stories has behaviors %v, risk %v", id, debug["behaviors"], debug["risk"])
		}
		for _, prefix := range []string{"user.lifecycle.", "group.user_membership.", "application.user_membership.", "user.account.reset_password"} {
			if !strings.HasPrefix(typ, prefix) {
				continue
			}
			admin := o.logins[demoStr(e, "actor", "alternateId")]
			loc, err := time.LoadLocation(demoStr(admin, "profile", "timezone"))
			if err != nil {
				t.Fatalf("Org(): %s's timezone: %v", demoStr(admin, "profile", "login"), err)
			}
			if local := o.at(e).In(loc); local.Weekday() == time.Saturday || local.Weekday() == time.Sunday || local.Hour() < 8 || local.Hour() >= 18 {
				t.Errorf("Org(): admin work %s (%s) at %s local, outside office hours", id, typ, local.Format(time.RFC1123))
			}
		}
	}
	for ip, times := range ipFailures {
		if n := demoMaxInWindow(times, time.Hour); n >= 3 {
			t.Errorf("Org(): %d failed sign-ins from %s within an hour outside the stories", n, ip)
		}
	}
	for _, u := range o.fx.Users {
		login := demoStr(u, "profile", "login")
		if o.storyUsers[login] {
			continue
		}
		var failures, signIns []time.Time
		var places []oktasim.Object
		cities := map[string]bool{}
		denies := 0
		for _, e := range o.actorEvents(login) {
			geo := demoVal(e, "client", "geographicalContext")
			cities[demoStr(geo, "city")+", "+demoStr(geo, "country")] = true
			if slices.Contains(watch, demoStr(geo, "country")) {
				t.Errorf("Org(): %s signs in from %s", login, demoStr(geo, "country"))
			}
			if demoVal(e, "securityContext", "isProxy") != false {
				t.Errorf("Org(): %s uses a proxy (event %s)", login, demoStr(e, "uuid"))
			}
			if demoFailedSignIn(e) {
				failures = append(failures, o.at(e))
			}
			if demoDeniedPush(e) {
				denies++
			}
			if demoStr(e, "eventType") == "user.session.start" && demoStr(e, "outcome", "result") == "SUCCESS" {
				signIns = append(signIns, o.at(e))
				places = append(places, geo.(oktasim.Object))
			}
		}
		if n := demoMaxInWindow(failures, time.Hour); n >= 3 {
			t.Errorf("Org(): %s has %d failed sign-ins within an hour", login, n)
		}
		if denies > 1 {
			t.Errorf("Org(): %s denied %d pushes", login, denies)
		}
		home := demoStr(u, "profile", "city")
		if len(cities) > 1 || len(cities) == 1 && !cities[home+", "+demoCountry(demoStr(u, "profile", "countryCode"))] {
			t.Errorf("Org(): %s (of %s) is seen in %v", login, home, cities)
		}
		for i := 1; i < len(signIns); i++ {
			km := demoKm(places[i-1], places[i])
			if h := signIns[i].Sub(signIns[i-1]).Hours(); km > 50 && km/h > 900 {
				t.Errorf("Org(): %s travels %.0f km in %.1f h", login, km, h)
			}
		}
	}
}

// demoDiff is cmp.Diff, run only when the much faster demoSame finds a
// difference: the fixture is large.
func demoDiff(x, y *oktasim.Fixture) string {
	if demoSame(x, y) {
		return ""
	}
	return cmp.Diff(x, y)
}

// demoSame compares two fixtures whose values are all JSON values
// (Object, []any, string, float64, bool, nil): any other type is a
// difference, so a fixture is the same as its JSON round trip only when
// it holds what LoadFixture would.
func demoSame(x, y *oktasim.Fixture) bool {
	if !x.Now.Equal(y.Now) || !reflect.DeepEqual(x.AdminRole, y.AdminRole) || len(x.Factors) != len(y.Factors) {
		return false
	}
	for _, pair := range [][2][]oktasim.Object{{x.Users, y.Users}, {x.Groups, y.Groups}, {x.Apps, y.Apps}, {x.Policies, y.Policies}, {x.Logs, y.Logs}} {
		if !demoSameList(pair[0], pair[1]) {
			return false
		}
	}
	for k, list := range x.Factors {
		if !demoSameList(list, y.Factors[k]) {
			return false
		}
	}
	return true
}

func demoSameList(x, y []oktasim.Object) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !demoSameValue(x[i], y[i]) {
			return false
		}
	}
	return true
}

func demoSameValue(x, y any) bool {
	switch x := x.(type) {
	case oktasim.Object:
		y, ok := y.(oktasim.Object)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !demoSameValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !demoSameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case string, float64, bool, nil:
		return x == y
	}
	return false // not a JSON value
}

// TestDemoDeterministic checks that every call returns the same org, and
// a copy of its own: changing one result leaves the next unchanged.
func TestDemoDeterministic(t *testing.T) {
	first, second := Org(), Org()
	if diff := demoDiff(first, second); diff != "" {
		t.Fatalf("Org() differs between calls (-first +second):\n%s", diff)
	}
	second.Users[0]["profile"].(oktasim.Object)["login"] = "changed@example.com"
	second.Groups[0]["members"] = append(second.Groups[0]["members"].([]any)[:0], "00uchanged")
	second.Apps[3]["settings"].(oktasim.Object)["app"].(oktasim.Object)["changed"] = true
	second.Policies[0]["rules"].([]any)[0].(oktasim.Object)["actions"].(oktasim.Object)["signon"].(oktasim.Object)["requireFactor"] = false
	for _, list := range second.Factors {
		list[0]["status"] = "INACTIVE"
	}
	second.Logs[0]["client"].(oktasim.Object)["geographicalContext"].(oktasim.Object)["country"] = "Changed"
	second.Logs[len(second.Logs)-1]["target"] = nil
	if diff := demoDiff(first, Org()); diff != "" {
		t.Errorf("Org() after changing an earlier result (-want +got):\n%s", diff)
	}

	stories, again := Stories(), Stories()
	if diff := cmp.Diff(stories, again); diff != "" {
		t.Fatalf("Stories() differs between calls (-first +second):\n%s", diff)
	}
	again[0].Events[0], again[0].Users[0], again[0].Detections[0] = "x", "x", "x"
	if diff := cmp.Diff(stories, Stories()); diff != "" {
		t.Errorf("Stories() after changing an earlier result (-want +got):\n%s", diff)
	}
}

func TestDemoSame(t *testing.T) {
	for _, tt := range []struct {
		name string
		x, y any
		want bool
	}{
		{"equal objects", oktasim.Object{"a": []any{"x", 1.0, true, nil}}, oktasim.Object{"a": []any{"x", 1.0, true, nil}}, true},
		{"another value", oktasim.Object{"a": "x"}, oktasim.Object{"a": "y"}, false},
		{"a missing key", oktasim.Object{"a": nil}, oktasim.Object{"b": nil}, false},
		{"[]string is not JSON's []any", oktasim.Object{"a": []string{"x"}}, oktasim.Object{"a": []any{"x"}}, false},
		{"int is not JSON's float64", 1, 1.0, false},
		{"map[string]string is not an Object", map[string]string{}, oktasim.Object{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := demoSameValue(tt.x, tt.y); got != tt.want {
				t.Errorf("demoSameValue(%#v, %#v) = %v, want %v", tt.x, tt.y, got, tt.want)
			}
		})
	}
}

// TestDemoJSON checks that the fixture survives encoding/json unchanged: its
// values are what LoadFixture would produce from the same JSON.
func TestDemoJSON(t *testing.T) {
	fx := Org()
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatalf("json.Marshal(Org()): %v", err)
	}
	path := filepath.Join(t.TempDir(), "demo.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	back, err := oktasim.LoadFixture(path)
	if err != nil {
		t.Fatalf("LoadFixture(Org() as JSON): %v", err)
	}
	if diff := demoDiff(fx, back); diff != "" {
		t.Errorf("LoadFixture(json.Marshal(Org())) differs (-Demo +loaded):\n%s", diff)
	}
}

func TestDemoSimulator(t *testing.T) {
	fx := Org()
	sim, err := oktasim.New(fx)
	if err != nil {
		t.Fatalf("New(Org()): %v", err)
	}
	snap := sim.Snapshot()
	if len(snap.Users) != len(fx.Users) || len(snap.Logs) != len(fx.Logs) || len(snap.Apps) != len(fx.Apps) {
		t.Errorf("New(Org()).Snapshot() has %d users, %d apps, %d events; want %d, %d, %d (none made up)",
			len(snap.Users), len(snap.Apps), len(snap.Logs), len(fx.Users), len(fx.Apps), len(fx.Logs))
	}
	for _, tt := range []struct {
		login string
		want  int
	}{{"john@company.com", 2}, {"sarah.johnson@company.com", 0}} {
		if got := sim.Sessions(tt.login); got != tt.want {
			t.Errorf("New(Org()).Sessions(%q) = %d, want %d", tt.login, got, tt.want)
		}
	}
}

func BenchmarkDemo(b *testing.B) {
	for b.Loop() {
		Org()
	}
}
