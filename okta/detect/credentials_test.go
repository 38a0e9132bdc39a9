package detect

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const signIn = "user.session.start"

func TestFailedLoginBurst(t *testing.T) {
	var torBurst, slow, below, spread, doubled, doubledFew, spray, stuffing orgLog
	repeat(&torBurst, 12, 0, time.Minute, signIn, from(torIP, frankfurt), proxied, failure("INVALID_CREDENTIALS"))
	repeat(&slow, 10, 0, 13*time.Minute, signIn, failure("INVALID_CREDENTIALS"))
	repeat(&below, 9, 0, 2*time.Minute, signIn, failure("INVALID_CREDENTIALS"))
	for i, p := range []place{london, frankfurt, newYork, sanFrancisco, london, frankfurt, newYork, sanFrancisco, london, frankfurt} {
		spread.add(signIn, time.Duration(i)*2*time.Minute, from(fmt.Sprintf("203.0.113.%d", i%4+1), p), failure("VERIFICATION_ERROR"))
	}
	// Okta logs one try as user.session.start and user.authentication.verify
	// in one transaction: 10 tries are 20 events, 6 tries are 12.
	for i := range 10 {
		opts := []opt{failure("INVALID_CREDENTIALS"), tx(fmt.Sprintf("try-%d", i))}
		doubled.add(signIn, time.Duration(i)*time.Minute, opts...)
		doubled.add("user.authentication.verify", time.Duration(i)*time.Minute+time.Second, opts...)
		if i < 6 {
			doubledFew.add(signIn, time.Duration(i)*time.Minute, opts...)
			doubledFew.add("user.authentication.verify", time.Duration(i)*time.Minute+time.Second, opts...)
		}
	}
	for i := range 18 {
		u := fmt.Sprintf("user%d@company.com", i%6)
		spray.add(signIn, time.Duration(i)*100*time.Second, as(u), from("203.0.113.50", london), failure("INVALID_CREDENTIALS"))
	}
	for i := range 32 {
		u := fmt.Sprintf("victim%d@company.com", i%16)
		stuffing.add(signIn, time.Duration(i)*15*time.Second, as(u), from("203.0.113.60", frankfurt), failure("INVALID_CREDENTIALS"))
	}
	// One IP failing once each for more than 9 users within 5 minutes
	// (Splunk's "multiple users failing to authenticate from an IP"):
	// neither stuffing (25 tries) nor spraying (2+ tries a user).
	var manyUsers, nineUsers, manySlow orgLog
	for i := range 12 {
		u := fmt.Sprintf("staff%d@company.com", i)
		manyUsers.add(signIn, time.Duration(i)*20*time.Second, as(u), from("203.0.113.70", frankfurt), failure("INVALID_CREDENTIALS"))
		if i < 9 {
			nineUsers.add(signIn, time.Duration(i)*20*time.Second, as(u), from("203.0.113.70", frankfurt), failure("INVALID_CREDENTIALS"))
		}
		manySlow.add(signIn, time.Duration(i)*2*time.Minute, as(u), from("203.0.113.70", frankfurt), failure("INVALID_CREDENTIALS"))
	}
	// A client discarding its cookie before each try: a fresh device token
	// (debugData.dtHash) every time (Elastic's device token rotation);
	// and a person retrying from one browser.
	var rotating, oneBrowser orgLog
	for i := range 10 {
		rotating.add(signIn, time.Duration(i)*time.Minute, from("203.0.113.90", frankfurt), failure("INVALID_CREDENTIALS"),
			debug("dtHash", fmt.Sprintf("%064x", i+1)))
		oneBrowser.add(signIn, time.Duration(i)*time.Minute, failure("INVALID_CREDENTIALS"), debug("dtHash", fmt.Sprintf("%064x", 7)))
	}
	rotationNamed := func(t *testing.T, l orgLog, want bool) {
		t.Helper()
		for _, f := range Run(testConfig(), l.events) {
			if f.Detection == FailedLoginBurst && has(f.Evidence, evTokenRotation) != want {
				t.Errorf("failed_login_burst names the rotation of device tokens: %v, want %v:%s", !want, want, dump([]intents.Finding{f}))
			}
		}
	}
	rotationNamed(t, rotating, true)
	rotationNamed(t, oneBrowser, false)

	runCases(t, FailedLoginBurst, []detCase{
		{name: "10 failures, each with a fresh device token", events: rotating.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "10 failures from one browser", events: oneBrowser.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "12 users failing once from one IP in 4 min", events: manyUsers.events, want: []got{{"", intents.SeverityMedium, 12}}},
		{name: "9 users failing once from one IP", events: nineUsers.events},
		{name: "12 users failing once over 22 min", events: manySlow.events},
		{name: "12 failures in 11 min from a Tor exit", events: torBurst.events, want: []got{{john, intents.SeverityHigh, 12}}},
		{name: "10 failures from 4 IPs in 3 countries", events: spread.events, want: []got{{john, intents.SeverityMedium, 10}}},
		{name: "one try logged twice counts once", events: doubled.events, want: []got{{john, intents.SeverityMedium, 20}}},
		{name: "6 tries logged twice stay below 10", events: doubledFew.events},
		{name: "9 failures in 16 min is below the threshold", events: below.events},
		{name: "10 failures over 2 hours is too slow", events: slow.events},
		{name: "password spray from one IP is org-wide", events: spray.events, want: []got{{"", intents.SeverityHigh, 18}}},
		{name: "credential stuffing from one IP", events: stuffing.events, want: []got{{"", intents.SeverityHigh, 32}}},
		{name: "threshold raised to 15", events: torBurst.events, cfg: func(c *Config) { c.Thresholds.FailedBurst.Count = 15 }},
	})
}

func TestSuccessAfterFailures(t *testing.T) {
	var tor, otherIP, sprayIP, few, late, otherUser, twice orgLog
	repeat(&tor, 6, 0, time.Minute, signIn, from(torIP, frankfurt), proxied, failure("INVALID_CREDENTIALS"))
	tor.add(signIn, 25*time.Minute, from(torIP, frankfurt), proxied)
	for i, app := range []string{"Salesforce", "Slack", "GitHub", "AWS", "Workday", "Zoom", "Google Workspace"} {
		tor.add("user.authentication.sso", 26*time.Minute+time.Duration(i)*time.Minute, from(torIP, frankfurt), proxied,
			target("AppInstance", fmt.Sprintf("0oa%d", i), app))
	}

	repeat(&otherIP, 5, 0, time.Minute, signIn, from("203.0.113.9", frankfurt), failure("INVALID_CREDENTIALS"))
	otherIP.add(signIn, 30*time.Minute)

	for i := range 8 {
		u := fmt.Sprintf("user%d@company.com", i%4)
		sprayIP.add(signIn, time.Duration(i)*time.Minute, as(u), from("203.0.113.77", london), failure("INVALID_CREDENTIALS"))
	}
	sprayIP.add(signIn, 20*time.Minute, from("203.0.113.77", london))

	repeat(&few, 4, 0, time.Minute, signIn, failure("INVALID_CREDENTIALS"))
	few.add(signIn, 10*time.Minute)

	repeat(&late, 6, 0, time.Minute, signIn, failure("INVALID_CREDENTIALS"))
	late.add(signIn, 4*time.Hour)

	repeat(&otherUser, 6, 0, time.Minute, signIn, as(alice), failure("INVALID_CREDENTIALS"))
	otherUser.add(signIn, 10*time.Minute)

	repeat(&twice, 6, 0, time.Minute, signIn, failure("INVALID_CREDENTIALS"))
	twice.add(signIn, 10*time.Minute)
	twice.add(signIn, 20*time.Minute)

	// The attacker sprays from one IP, then signs in as a victim from
	// another (group by user, after Elastic's sign-in after a credential
	// attack): john failed once, from the spraying IP.
	var rotated, rotatedFew orgLog
	for i := range 6 {
		u := fmt.Sprintf("user%d@company.com", i)
		if i == 0 {
			u = john
		}
		rotated.add(signIn, time.Duration(i)*30*time.Second, as(u), from("203.0.113.80", frankfurt), failure("INVALID_CREDENTIALS"))
	}
	rotated.add(signIn, 20*time.Minute, from("203.0.113.81", frankfurt))
	for i := range 6 { // an IP failing for two people, 3 times each, is not an attack
		u := []string{john, alice}[i%2]
		rotatedFew.add(signIn, time.Duration(i)*30*time.Second, as(u), from("203.0.113.80", frankfurt), failure("INVALID_CREDENTIALS"))
	}
	rotatedFew.add(signIn, 20*time.Minute, from("203.0.113.81", frankfurt))

	runCases(t, SuccessAfterFailures, []detCase{
		{name: "the attacker rotates IP after spraying", events: rotated.events, want: []got{{john, intents.SeverityHigh, 7}}},
		{name: "an IP that failed for two users, then a success elsewhere", events: rotatedFew.events},
		{name: "Tor failures, success from the same IP, SSO into 7 apps", events: tor.events, want: []got{{john, intents.SeverityCritical, 14}}},
		{name: "failures from elsewhere, success from home", events: otherIP.events, want: []got{{john, intents.SeverityMedium, 6}}},
		{name: "success from an IP that sprayed other users", events: sprayIP.events, want: []got{{john, intents.SeverityHigh, 9}}},
		{name: "4 failures are not an attack", events: few.events},
		{name: "a success 4 h later is outside the window", events: late.events},
		{name: "failures for another user", events: otherUser.events},
		{name: "a second success after the same attack", events: twice.events, want: []got{{john, intents.SeverityMedium, 7}}},
	})
}

func TestSuccessAfterFailuresSummary(t *testing.T) {
	var l orgLog
	repeat(&l, 6, 0, time.Minute, signIn, from(torIP, frankfurt), proxied, failure("INVALID_CREDENTIALS"))
	l.add(signIn, 25*time.Minute, from(torIP, frankfurt), proxied)
	for i := range 7 {
		l.add("user.authentication.sso", 26*time.Minute+time.Duration(i)*time.Minute, from(torIP, frankfurt),
			target("AppInstance", fmt.Sprintf("0oa%d", i), fmt.Sprintf("App %d", i)))
	}
	fs := detection(t, SuccessAfterFailures).Run(testConfig(), l.events)
	if len(fs) != 1 {
		t.Fatalf("Run() = %d findings, want 1:%s", len(fs), dump(fs))
	}
	want := "6 failed sign-ins for john@company.com from 185.220.101.1 (Tor exit node), " +
		"then a successful sign-in from the same IP at 14:25 UTC Nov 24, then SSO into 7 applications"
	if fs[0].Summary != want {
		t.Errorf("Summary = %q\nwant      %q", fs[0].Summary, want)
	}
	for _, item := range []string{"6 failed sign-ins, then a successful sign-in", "the success came from the IP that failed",
		"the success from 185.220.101.1", evThenSSO + "7 applications"} {
		if !has(fs[0].Evidence, item) {
			t.Errorf("Evidence lacks %q:%s", item, dump(fs))
		}
	}
	if !strings.HasPrefix(fs[0].Events[0], "ev-001") {
		t.Errorf("Events[0] = %q, want the first failure", fs[0].Events[0])
	}
	if want := "Successful sign-in from a Tor exit node after 6 failed attempts"; fs[0].Reason != want {
		t.Errorf("Reason = %q, want %q", fs[0].Reason, want)
	}
	wantFacts := []string{"6 failed sign-ins from 185.220.101.1 (Tor exit node)", "successful sign-in from the same IP at 14:25 UTC Nov 24",
		"then SSO into 7 applications within 1 h"}
	if len(fs[0].Facts) < len(wantFacts) || !slices.Equal(fs[0].Facts[:len(wantFacts)], wantFacts) {
		t.Errorf("Facts = %q, want them to start with %q", fs[0].Facts, wantFacts)
	}
}

func TestBursts(t *testing.T) {
	at := func(mins ...int) []time.Time {
		var ts []time.Time
		for _, m := range mins {
			ts = append(ts, t0.Add(time.Duration(m)*time.Minute))
		}
		return ts
	}
	r := Rate{Count: 3, Window: 10 * time.Minute}
	tests := []struct {
		name string
		ts   []time.Time
		want [][2]int
	}{
		{"too few", at(0, 1), nil},
		{"exactly the count", at(0, 5, 10), [][2]int{{0, 2}}},
		{"just too slow", at(0, 6, 11), nil},
		{"leading stragglers are left out", at(0, 30, 31, 32), [][2]int{{1, 3}}},
		{"two bursts", at(0, 1, 2, 100, 101, 102), [][2]int{{0, 2}, {3, 5}}},
		{"one long burst", at(0, 5, 10, 15, 20), [][2]int{{0, 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := bursts(tc.ts, r)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("bursts(%v) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}
