package demo

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoOrg indexes a demo fixture for the tests.
type demoOrg struct {
	dialect     string
	now         time.Time      // the present it was built for
	zone        *time.Location // the team's zone it was built for
	fx          *oktasim.Fixture
	stories     []Story
	users       map[string]oktasim.Object // by id
	logins      map[string]oktasim.Object // by login
	groups      map[string]oktasim.Object
	apps        map[string]oktasim.Object
	rules       map[string]oktasim.Object // rule id → rule
	ruleType    map[string]string         // rule id → its policy's type
	events      map[string]oktasim.Object // by uuid
	times       map[string]time.Time
	storyUsers  map[string]bool // logins
	storyEvents map[string]bool // uuids
	byActor     map[string][]oktasim.Object
	err         error
}

// newDemoOrg is the demo org (Identity Engine), indexed. It is built once:
// the tests only read it.
func newDemoOrg(t *testing.T) *demoOrg {
	t.Helper()
	return newDemoOrgIn(t, oktasim.DialectOIE)
}

// newDemoOrgIn is the demo org of a dialect, indexed, built once.
func newDemoOrgIn(t *testing.T, dialect string) *demoOrg {
	t.Helper()
	o := demoOrgs[dialect]()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o
}

var demoOrgs = map[string]func() *demoOrg{
	oktasim.DialectOIE:     sync.OnceValue(func() *demoOrg { return indexDemo(oktasim.DialectOIE) }),
	oktasim.DialectClassic: sync.OnceValue(func() *demoOrg { return indexDemo(oktasim.DialectClassic) }),
}

func indexDemo(dialect string) *demoOrg {
	return indexDemoAt(dialect, Now, time.UTC)
}

// indexDemoAt indexes OrgAt(dialect, now, zone).
func indexDemoAt(dialect string, now time.Time, zone *time.Location) *demoOrg {
	o := &demoOrg{dialect: dialect, now: now, zone: zone, fx: OrgAt(dialect, now, zone), byActor: map[string][]oktasim.Object{}, users: map[string]oktasim.Object{}, logins: map[string]oktasim.Object{}, groups: map[string]oktasim.Object{},
		apps: map[string]oktasim.Object{}, rules: map[string]oktasim.Object{}, ruleType: map[string]string{}, events: map[string]oktasim.Object{},
		times: map[string]time.Time{}, storyUsers: map[string]bool{}, storyEvents: map[string]bool{}}
	for _, u := range o.fx.Users {
		o.users[demoStr(u, "id")] = u
		o.logins[demoStr(u, "profile", "login")] = u
	}
	for _, g := range o.fx.Groups {
		o.groups[demoStr(g, "id")] = g
	}
	for _, a := range o.fx.Apps {
		o.apps[demoStr(a, "id")] = a
	}
	for _, p := range o.fx.Policies {
		for _, r := range demoVal(p, "rules").([]any) {
			o.rules[demoStr(r, "id")] = r.(oktasim.Object)
			o.ruleType[demoStr(r, "id")] = demoStr(p, "type")
		}
	}
	for _, e := range o.fx.Logs {
		id := demoStr(e, "uuid")
		o.events[id] = e
		at, err := time.Parse(time.RFC3339Nano, demoStr(e, "published"))
		if err != nil {
			o.err = fmt.Errorf("Org(): event %s: published %q: %v", id, demoStr(e, "published"), err)
		}
		o.times[id] = at
		login := demoStr(e, "actor", "alternateId")
		o.byActor[login] = append(o.byActor[login], e)
	}
	o.stories = StoriesAt(dialect, now, zone)
	for _, s := range o.stories {
		for _, l := range s.Users {
			o.storyUsers[l] = true
		}
		for _, id := range s.Events {
			o.storyEvents[id] = true
		}
	}
	return o
}

// demoVal follows a path of keys through nested objects; nil when absent.
func demoVal(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(oktasim.Object)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func demoStr(v any, path ...string) string {
	s, _ := demoVal(v, path...).(string)
	return s
}

// member reports whether the user (id) is in the group named name.
func (o *demoOrg) member(userID, name string) bool {
	for _, g := range o.fx.Groups {
		if demoStr(g, "profile", "name") == name {
			return slices.Contains(demoVal(g, "members").([]any), any(userID))
		}
	}
	return false
}

// assigned lists the apps a user is assigned, directly or through a group.
func (o *demoOrg) assigned(userID string) map[string]bool {
	out := map[string]bool{}
	for _, a := range o.fx.Apps {
		if slices.Contains(demoVal(a, "users").([]any), any(userID)) {
			out[demoStr(a, "id")] = true
		}
	}
	for _, g := range o.fx.Groups {
		if !slices.Contains(demoVal(g, "members").([]any), any(userID)) {
			continue
		}
		for _, a := range demoVal(g, "apps").([]any) {
			out[a.(string)] = true
		}
	}
	return out
}

// actorEvents lists the events a login is the actor of, in time order.
func (o *demoOrg) actorEvents(login string) []oktasim.Object { return o.byActor[login] }

func (o *demoOrg) at(e oktasim.Object) time.Time { return o.times[demoStr(e, "uuid")] }

func demoFailedSignIn(e oktasim.Object) bool {
	switch demoStr(e, "eventType") {
	case "user.session.start", "user.authentication.verify":
		return demoStr(e, "outcome", "result") == "FAILURE"
	case "user.authentication.auth_via_mfa": // Identity Engine's password check
		return demoStr(e, "outcome", "result") == "FAILURE" && demoStr(e, "debugContext", "debugData", "factor") == "PASSWORD_AS_FACTOR"
	}
	return false
}

// demoDeniedPush reports a push the user denied: Classic's deny_push, or
// Identity Engine's failed Okta Verify push check.
func demoDeniedPush(e oktasim.Object) bool {
	switch demoStr(e, "eventType") {
	case "user.mfa.okta_verify.deny_push":
		return true
	case "user.authentication.auth_via_mfa":
		return demoStr(e, "outcome", "result") == "FAILURE" && demoStr(e, "outcome", "reason") == "INVALID_CREDENTIALS" &&
			demoStr(e, "debugContext", "debugData", "factor") == "OKTA_VERIFY_PUSH"
	}
	return false
}

// maxInWindow is the most of times that fall within any window.
func demoMaxInWindow(times []time.Time, window time.Duration) int {
	best := 0
	for i := range times {
		n := 0
		for _, t := range times[i:] {
			if t.Sub(times[i]) < window {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// maxAttempts is the lockout threshold of the password policy that applies
// to a user: the first by priority that includes one of their groups.
func (o *demoOrg) maxAttempts(userID string) int {
	var policies []oktasim.Object
	for _, p := range o.fx.Policies {
		if demoStr(p, "type") == "PASSWORD" {
			policies = append(policies, p)
		}
	}
	slices.SortFunc(policies, func(x, y oktasim.Object) int {
		return int(demoVal(x, "priority").(float64) - demoVal(y, "priority").(float64))
	})
	for _, p := range policies {
		for _, g := range demoVal(p, "conditions", "people", "groups", "include").([]any) {
			if slices.Contains(demoVal(o.groups[g.(string)], "members").([]any), any(userID)) {
				return int(demoVal(p, "settings", "password", "lockout", "maxAttempts").(float64))
			}
		}
	}
	return 0
}

func (o *demoOrg) groupNamed(name string) oktasim.Object {
	for _, g := range o.fx.Groups {
		if demoStr(g, "profile", "name") == name {
			return g
		}
	}
	return nil
}

func demoCountry(code string) string {
	return map[string]string{"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany"}[code]
}

// demoKm is the great-circle distance between two geographicalContexts.
func demoKm(a, b oktasim.Object) float64 {
	rad := func(g oktasim.Object, k string) float64 {
		return demoVal(g, "geolocation", k).(float64) * math.Pi / 180
	}
	lat1, lon1, lat2, lon2 := rad(a, "lat"), rad(a, "lon"), rad(b, "lat"), rad(b, "lon")
	h := math.Pow(math.Sin((lat2-lat1)/2), 2) + math.Cos(lat1)*math.Cos(lat2)*math.Pow(math.Sin((lon2-lon1)/2), 2)
	return 2 * 6371 * math.Asin(math.Sqrt(h))
}
