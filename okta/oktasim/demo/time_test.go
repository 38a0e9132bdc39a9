package demo

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoNows are presents to build the demo org for, in the team's zone:
// around the Saturday 03:12 grant, inside the spans of the weekly stories,
// a working day when engineers sign in between the rule change and the
// attack, a weekend, and both of Chicago's daylight-saving changes.
func demoNows(loc *time.Location) []struct {
	name string
	now  time.Time
} {
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	return []struct {
		name string
		now  time.Time
	}{
		{"Monday morning", at(2026, time.November, 16, 9, 15)},
		{"Tuesday noon, engineers at work before the attack", at(2026, time.November, 17, 12, 0)},
		{"Saturday 02:00, before 03:12", at(2026, time.November, 21, 2, 0)},
		{"Saturday 03:15, during the grant's session", at(2026, time.November, 21, 3, 15)},
		{"Saturday 04:00", at(2026, time.November, 21, 4, 0)},
		{"Sunday late evening", at(2026, time.November, 22, 23, 40)},
		{"Wednesday 01:10, Pyongyang a week ago", at(2026, time.November, 18, 1, 10)},
		{"Thursday 02:45, in the pushes a week ago", at(2026, time.November, 19, 2, 45)},
		{"DST ends in Chicago", at(2026, time.November, 1, 12, 30)},
		{"DST starts in Chicago", at(2026, time.March, 8, 3, 30)},
	}
}

// TestDemoStoriesAnyDay builds the demo org for several presents and
// zones: the stories keep their weekday and clock time in the team's zone,
// all of them lie in the seven days `threats 7d` reads (and what each
// detection looks for lies there), the Tor takeover in the last 24 hours,
// and the org is as sound as the one of Now.
func TestDemoStoriesAnyDay(t *testing.T) {
	for _, zone := range []string{"UTC", "America/Chicago"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range demoNows(loc) {
			t.Run(zone+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				o := indexDemoAt(oktasim.DialectOIE, tc.now, loc)
				if o.err != nil {
					t.Fatal(o.err)
				}
				if !o.fx.Now.Equal(tc.now) {
					t.Errorf("OrgAt(%s).Now = %s", tc.now, o.fx.Now)
				}
				testDemoStoriesInWindow(t, o)
				t.Run("stories", func(t *testing.T) { testDemoStories(t, o) })
				t.Run("log", func(t *testing.T) { testDemoLogShape(t, o) })
				t.Run("consistency", func(t *testing.T) { testDemoConsistency(t, o) })
				t.Run("ordinary", func(t *testing.T) { testDemoOrdinary(t, o) })
				t.Run("last sign-ins", func(t *testing.T) { testDemoLastLogins(t, o) })
			})
		}
	}
}

// testDemoStoriesInWindow: every story is within the seven days before
// now (the grant's own event at least), and what its detections need is
// among its events there; the Tor story is within 24 hours; the grant is
// on a Saturday at 03:12 in the team's zone; the weakened rule's first
// sign-in without MFA is the Tor one.
func testDemoStoriesInWindow(t *testing.T, o *demoOrg) {
	t.Helper()
	week, day := o.now.Add(-7*24*time.Hour), o.now.Add(-24*time.Hour)
	for _, s := range o.stories {
		var inWeek []oktasim.Object
		for _, id := range s.Events {
			e := o.events[id]
			at := o.at(e)
			switch {
			case !at.Before(o.now):
				t.Errorf("story %s: event %s at %s, after now (%s)", s.ID, id, at, o.now)
			case at.After(week):
				inWeek = append(inWeek, e)
			case s.ID != demoStoryGrant:
				t.Errorf("story %s: event %s (%s) at %s, more than 7 days before %s", s.ID, id, demoStr(e, "eventType"), at, o.now)
			}
			if s.ID == demoStoryTor && !at.After(day) {
				t.Errorf("story %s: event %s at %s, more than 24 hours before %s", s.ID, id, at, o.now)
			}
		}
		slices.SortStableFunc(inWeek, func(x, y oktasim.Object) int { return o.at(x).Compare(o.at(y)) })
		for _, d := range s.Detections {
			if why := demoDetectionChecks()[d](o, s, inWeek); why != "" {
				t.Errorf("story %s within threats 7d would not trigger %s: %s", s.ID, d, why)
			}
		}
	}
	grants := 0
	for _, e := range o.fx.Logs {
		if demoStr(e, "eventType") != "user.account.privilege.grant" {
			continue
		}
		grants++
		at := o.at(e)
		if local := at.In(o.zone); local.Weekday() != time.Saturday || local.Format("15:04") != "03:12" || !at.After(week) {
			t.Errorf("the grant is at %s in %s, %s before %s: want a Saturday at 03:12 within the last 7 days",
				local.Format(time.RFC1123), o.zone, o.now.Sub(at).Round(time.Minute), o.now.In(o.zone).Format(time.RFC1123))
		}
	}
	if grants != 1 {
		t.Errorf("%d privilege grants in the log, want the story's one", grants)
	}
	testDemoFirstUse(t, o)
}

// testDemoFirstUse: after story e's change of the Engineering rule, the
// first sign-in the rule allows without MFA is story a's from Tor.
func testDemoFirstUse(t *testing.T, o *demoOrg) {
	t.Helper()
	var ruleID string
	var changed time.Time
	for _, e := range o.fx.Logs {
		if demoStr(e, "eventType") == "policy.rule.update" {
			ruleID, changed = demoStr(demoVal(e, "target").([]any)[0], "id"), o.at(e)
		}
	}
	if ruleID == "" {
		t.Fatal("no policy.rule.update in the log")
	}
	for _, e := range o.fx.Logs {
		if demoStr(e, "eventType") != "policy.evaluate_sign_on" || !o.at(e).After(changed) || demoStr(e, "outcome", "result") != "ALLOW" {
			continue
		}
		if !slices.ContainsFunc(demoVal(e, "target").([]any), func(x any) bool { return demoStr(x, "id") == ruleID }) {
			continue
		}
		if by, ip := demoStr(e, "actor", "alternateId"), demoStr(e, "client", "ipAddress"); by != "john@company.com" || ip != demoTorExitNodeIP {
			t.Errorf("the first sign-in the weakened rule allows is by %s from %s at %s, want john's from Tor", by, ip, o.at(e))
		}
		return
	}
	t.Error("the weakened rule allows no sign-in after the change")
}

// testDemoLastLogins: a user's lastLogin from before the window is in
// working hours of a weekday in their own zone, and no lastLogin shares
// now's clock time (as "exactly N days ago" would).
func testDemoLastLogins(t *testing.T, o *demoOrg) {
	t.Helper()
	week := o.now.Add(-7 * 24 * time.Hour)
	clock := func(t time.Time) string { return t.UTC().Format("15:04:05.000") }
	same := 0
	for _, u := range o.fx.Users {
		last, err := time.Parse(time.RFC3339Nano, demoStr(u, "lastLogin"))
		if err != nil {
			continue // never signed in
		}
		if clock(last) == clock(o.now) || last.Minute() == o.now.Minute() && last.Second() == o.now.Second() {
			same++
		}
		if last.After(week) {
			continue
		}
		loc, err := time.LoadLocation(demoStr(u, "profile", "timezone"))
		if err != nil {
			t.Fatal(err)
		}
		if l := last.In(loc); l.Weekday() == time.Saturday || l.Weekday() == time.Sunday || l.Hour() < 8 || l.Hour() >= 18 {
			t.Errorf("%s last signed in at %s, outside working hours", demoStr(u, "profile", "login"), l.Format(time.RFC1123))
		}
	}
	if same > len(o.fx.Users)/50 {
		t.Errorf("%d users last signed in at now's minute and second: whole hours or days before it", same)
	}
}

// TestDemoAtDeterministic: the same present and zone give the same org;
// another zone moves the stories.
func TestDemoAtDeterministic(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, time.November, 16, 9, 15, 0, 0, chicago)
	first, second := OrgAt(oktasim.DialectOIE, now, chicago), OrgAt(oktasim.DialectOIE, now.UTC(), chicago)
	if diff := demoDiff(first, second); diff != "" {
		t.Fatalf("OrgAt(%s) differs between calls (-first +second):\n%s", now, diff)
	}
	grant := func(fx *oktasim.Fixture) string {
		for _, e := range fx.Logs {
			if demoStr(e, "eventType") == "user.account.privilege.grant" {
				return demoStr(e, "published")
			}
		}
		return ""
	}
	if utc := OrgAt(oktasim.DialectOIE, now, time.UTC); grant(utc) == grant(first) {
		t.Errorf("the grant is at %s for a team in UTC and in Chicago alike", grant(utc))
	}
	if s := fmt.Sprint(StoriesAt(oktasim.DialectOIE, now, chicago)); s != fmt.Sprint(StoriesAt(oktasim.DialectOIE, now, chicago)) ||
		!strings.Contains(s, demoStoryGrant) {
		t.Errorf("StoriesAt differs between calls")
	}
}
