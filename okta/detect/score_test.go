package detect

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

func TestScore(t *testing.T) {
	tests := []struct {
		points   []int
		want     int
		severity intents.Severity
	}{
		{nil, 0, intents.SeverityLow},
		{[]int{21}, 21, intents.SeverityLow},
		{[]int{20, 2}, 22, intents.SeverityMedium},
		{[]int{47}, 47, intents.SeverityMedium},
		{[]int{50, -2}, 48, intents.SeverityHigh},
		{[]int{73}, 73, intents.SeverityHigh},
		{[]int{74}, 74, intents.SeverityCritical},
		{[]int{80, 20, 30}, 100, intents.SeverityCritical},
		{[]int{10, -30}, 0, intents.SeverityLow},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.points), func(t *testing.T) {
			var ev []intents.Evidence
			for _, p := range tc.points {
				ev = append(ev, intents.Evidence{Text: "x", Points: p})
			}
			score, sev := Score(ev)
			if score != tc.want || sev != tc.severity {
				t.Errorf("Score(%v) = %d, %s; want %d, %s", tc.points, score, sev, tc.want, tc.severity)
			}
		})
	}
}

// takeover is the demo's Tor takeover: failed sign-ins from a Tor exit, a
// success from the same IP, then SSO into 7 apps.
func takeover() []intents.Event {
	var l orgLog
	repeat(&l, 6, 0, time.Minute, signIn, from(torIP, frankfurt), proxied, failure("INVALID_CREDENTIALS"))
	l.add(signIn, 25*time.Minute, from(torIP, frankfurt), proxied)
	for i := range 7 {
		l.add("user.authentication.sso", 26*time.Minute+time.Duration(i)*time.Minute, from(torIP, frankfurt), proxied,
			target("AppInstance", fmt.Sprintf("0oa%d", i), fmt.Sprintf("App %d", i)))
	}
	return l.events
}

func TestByUserCombined(t *testing.T) {
	var lockout orgLog
	lockout.add(lock, 0, as(alice), failure("LOCKED_OUT"), message("Max sign in attempts exceeded"))
	events := append(takeover(), lockout.events...)
	a := Analyze(testConfig(), events)
	checkFindings(t, events, a.Findings)
	byLogin := map[string]UserSummary{}
	for _, u := range a.Users {
		byLogin[u.User] = u
	}
	j := byLogin[john]
	if j.Score < 74 || j.Severity != intents.SeverityCritical {
		t.Errorf("Analyze(takeover).Users[john] = %d %s, want Critical ≥ 74:%s", j.Score, j.Severity, dump(j.Findings))
	}
	if j.UserID != "00ujohn" {
		t.Errorf("Users[john].UserID = %q, want 00ujohn", j.UserID)
	}
	var detections []string
	for _, f := range j.Findings {
		detections = append(detections, f.Detection)
	}
	slices.Sort(detections)
	if diff := cmp.Diff([]string{AnonymizingProxyLogin, SuccessAfterFailures}, detections); diff != "" {
		t.Errorf("Users[john] detections (-want +got):\n%s", diff)
	}
	al := byLogin[alice]
	if al.Severity != intents.SeverityMedium {
		t.Errorf("Analyze(one lockout).Users[alice] = %d %s, want Medium", al.Score, al.Severity)
	}
	if a.Users[0].User != john {
		t.Errorf("Users[0] = %q, want the worst user first", a.Users[0].User)
	}
}

func TestByUser(t *testing.T) {
	f := func(user, id string, score int) intents.Finding {
		return intents.Finding{Detection: id, User: user, Score: score, Severity: intents.Band(score),
			Summary: fmt.Sprintf("%s %d", id, score), Events: []string{"e"}}
	}
	tests := []struct {
		name     string
		findings []intents.Finding
		want     []int // combined score per user, worst first
		points   [][]int
	}{
		{"one finding", []intents.Finding{f(john, AccountLockout, 30)}, []int{30}, [][]int{{30}}},
		{"the worst in full, others half", []intents.Finding{f(john, AccountLockout, 30), f(john, FailedLoginBurst, 41)},
			[]int{56}, [][]int{{41, 15}}},
		{"repeats of one detection do not add", []intents.Finding{f(john, AnonymizingProxyLogin, 50), f(john, AnonymizingProxyLogin, 45)},
			[]int{50}, [][]int{{50}}},
		{"clamped at 100", []intents.Finding{f(john, SuccessAfterFailures, 90), f(john, AnonymizingProxyLogin, 60), f(john, ThreatDetected, 50)},
			[]int{100}, [][]int{{90, 30, 25}}},
		{"users apart, worst first", []intents.Finding{f(alice, AccountLockout, 30), f(john, PrivilegeGrant, 65), f("", FailedLoginBurst, 55)},
			[]int{65, 55, 30}, [][]int{{65}, {55}, {30}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ByUser(tc.findings)
			var scores []int
			var points [][]int
			for _, s := range got {
				scores = append(scores, s.Score)
				var ps []int
				for _, e := range s.Evidence {
					ps = append(ps, e.Points)
				}
				points = append(points, ps)
				if want, _ := Score(s.Evidence); want != s.Score || s.Severity != intents.Band(s.Score) {
					t.Errorf("ByUser(%s) %q: score %d %s, evidence scores %d", tc.name, s.User, s.Score, s.Severity, want)
				}
				if s.Summary != s.Findings[0].Summary {
					t.Errorf("ByUser(%s) %q: summary %q, want the worst finding's", tc.name, s.User, s.Summary)
				}
			}
			if diff := cmp.Diff(tc.want, scores); diff != "" {
				t.Errorf("ByUser(%s) scores (-want +got):\n%s", tc.name, diff)
			}
			if diff := cmp.Diff(tc.points, points); diff != "" {
				t.Errorf("ByUser(%s) evidence points (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestRemedies(t *testing.T) {
	var lone, lockAndBurst, pushAccepted, pushOnly, relay, spray orgLog
	lone.add(lock, 0, failure("LOCKED_OUT"))
	repeat(&lockAndBurst, 12, 0, time.Minute, signIn, from(torIP, frankfurt), failure("INVALID_CREDENTIALS"))
	lockAndBurst.add(lock, 12*time.Minute, failure("LOCKED_OUT"), from(torIP, frankfurt))
	for i := range 5 {
		pushAccepted.add(sendPush, time.Duration(i)*time.Minute)
		pushAccepted.add(denyPush, time.Duration(i)*time.Minute+10*time.Second, failure(""))
		pushOnly.add(sendPush, time.Duration(i)*time.Minute)
		pushOnly.add(denyPush, time.Duration(i)*time.Minute+10*time.Second, failure(""))
	}
	pushAccepted.add(viaMFA, 6*time.Minute, pushFactor)
	relay.add(signIn, 0, from("172.225.10.1", sanFrancisco), asn(36183, "akamai technologies inc."), proxied)
	for i := range 18 {
		spray.add(signIn, time.Duration(i)*100*time.Second, as(fmt.Sprintf("user%d@company.com", i%6)),
			from("203.0.113.50", london), failure("INVALID_CREDENTIALS"))
	}
	tests := []struct {
		name   string
		events []intents.Event
		user   string
		want   []intents.Kind
	}{
		{"a takeover: clear sessions and suspend", takeover(), john, []intents.Kind{intents.ClearSessions, intents.SuspendUser}},
		{"a lone lockout: unlock", lone.events, john, []intents.Kind{intents.UnlockUser}},
		{"a lockout after a Tor burst: no unlock", lockAndBurst.events, john, nil},
		{"a push storm then approval: clear, suspend, reset factors", pushAccepted.events, john,
			[]intents.Kind{intents.ClearSessions, intents.SuspendUser, intents.ResetFactors}},
		{"a push storm resisted: nothing", pushOnly.events, john, nil},
		{"a Private Relay sign-in is Low: nothing", relay.events, john, nil},
		{"an org-wide spray: no user to act on", spray.events, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Analyze(testConfig(), tc.events)
			var s UserSummary
			for _, u := range a.Users {
				if u.User == tc.user {
					s = u
				}
			}
			if s.User != tc.user || len(s.Findings) == 0 {
				t.Fatalf("Analyze(%s) has no summary for %q:%s", tc.name, tc.user, dump(a.Findings))
			}
			got := Remedies(s)
			var kinds []intents.Kind
			for _, act := range got {
				kinds = append(kinds, act.Kind)
				if act.Confidence != s.Score {
					t.Errorf("Remedies(%s) %s confidence %d, want the score %d", tc.name, act.Kind, act.Confidence, s.Score)
				}
				if diff := cmp.Diff(s.Evidence, act.Evidence); diff != "" {
					t.Errorf("Remedies(%s) %s evidence (-summary +action):\n%s", tc.name, act.Kind, diff)
				}
				want := &intents.Ref{Type: "user", ID: "00ujohn", Name: john}
				if diff := cmp.Diff(want, act.User); diff != "" {
					t.Errorf("Remedies(%s) %s user (-want +got):\n%s", tc.name, act.Kind, diff)
				}
				if act.Reason == "" {
					t.Errorf("Remedies(%s) %s has no reason", tc.name, act.Kind)
				}
			}
			if diff := cmp.Diff(tc.want, kinds); diff != "" {
				t.Errorf("Remedies(%s) kinds (-want +got):\n%s\nsummary %d %s:%s", tc.name, diff, s.Score, s.Severity, dump(s.Findings))
			}
		})
	}
}

func TestRemediesFromPlainFindings(t *testing.T) {
	// ByUser over findings alone has no user id: the ref names the login.
	s := ByUser(Run(testConfig(), takeover()))[0]
	got := Remedies(s)
	if len(got) == 0 || got[0].User == nil || got[0].User.ID != "" || got[0].User.Name != john {
		t.Fatalf("Remedies(ByUser(Run(takeover))) = %+v, want actions on %s with no id", got, john)
	}
}
