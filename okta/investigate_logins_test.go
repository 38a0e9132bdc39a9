package okta

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// hasFinding reports whether fs hold a finding of detection on user.
func hasFinding(fs []intents.Finding, detection, user string) bool {
	return slices.ContainsFunc(fs, func(f intents.Finding) bool { return f.Detection == detection && f.User == user })
}

// The demo's stories relative to its present (demo.Now, Friday
// 17:00 UTC): the Tor takeover of john (a) is 3 hours old and the policy
// change before it (e) 3.3 hours; Emily's push fatigue (b, 38 h) and
// Sarah's lockout (f, 27 h) fall within 48 hours; the Moscow (c, 4.6
// days) and Pyongyang (c, 2.7 days) sign-ins and the grant (d, 6.6 days)
// only within the week.

// TestSetupGuideQuestions runs the four questions of the setup guide's
// examples as the slash commands give them.
func TestSetupGuideQuestions(t *testing.T) {
	h := demoHarness(t, Config{})
	ctx := context.Background()
	tests := []struct {
		name  string
		in    intents.Intent
		check func(t *testing.T, r intents.Result, seen []string)
	}{
		{"suspicious-logins 24h", intents.Intent{Kind: intents.SuspiciousLogins, Window: intents.Day}, func(t *testing.T, r intents.Result, seen []string) {
			if !hasFinding(r.Findings, detect.AnonymizingProxyLogin, "john@company.com") {
				t.Errorf("findings %v, want anonymizing_proxy_login on john", summaries(r.Findings))
			}
			for _, f := range r.Findings {
				if f.Detection != detect.AnonymizingProxyLogin && f.Detection != detect.SuspiciousCountryLogin {
					t.Errorf("finding %s@%s is not one of suspicious_logins' detections", f.Detection, f.User)
				}
			}
			if len(r.Events) == 0 {
				t.Fatal("no events")
			}
			for _, e := range r.Events {
				if !e.Security.IsProxy && !slices.Contains(detect.DefaultCountries(), e.Client.Country) {
					t.Errorf("event %s (%s from %s, %s) is neither proxied nor from a watch-listed country", e.UUID, e.EventType, e.Client.IP, e.Client.Country)
				}
			}
			filters := sentFilters(seen, "/api/v1/logs")
			if len(filters) == 0 || !strings.Contains(filters[0], "securityContext.isProxy eq true") ||
				!strings.Contains(filters[0], `client.geographicalContext.country eq "North Korea"`) {
				t.Errorf("sent filters %q, want proxies and the watch-listed countries", filters)
			}
			if proposed(r.Proposals, intents.ClearSessions, "john@company.com") == nil {
				t.Errorf("proposals %+v, want clear_sessions for john", r.Proposals)
			}
		}},
		{"investigate john@company.com", intents.Intent{Kind: intents.Investigate, User: "john@company.com"}, func(t *testing.T, r intents.Result, _ []string) {
			if p := proposed(r.Proposals, intents.SuspendUser, "john@company.com"); p == nil || p.Confidence < 74 {
				t.Errorf("proposals %+v, want suspend_user for john at 74 or more", r.Proposals)
			}
		}},
		{"mfa-status", intents.Intent{Kind: intents.MFAStatus}, func(t *testing.T, r intents.Result, _ []string) {
			none, _ := simMFA(h.sim.Snapshot())
			if diff := cmp.Diff(none, logins(r.Users)); diff != "" {
				t.Errorf("users without MFA (-simulator +result):\n%s", diff)
			}
		}},
		{"admin-actions 48h", intents.Intent{Kind: intents.AdminActions, Window: intents.Duration(48 * time.Hour)}, func(t *testing.T, r intents.Result, seen []string) {
			if len(r.Events) == 0 {
				t.Fatal("no events")
			}
			for _, e := range r.Events {
				if time.Since(e.Published) > 48*time.Hour {
					t.Errorf("event %s published %v, outside the 48 hours", e.UUID, e.Published)
				}
			}
			if f := sentFilters(seen, "/api/v1/logs"); len(f) == 0 || !strings.Contains(f[0], `eventType sw "user.lifecycle."`) {
				t.Errorf("sent filters %q, want the admin event types", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mark := len(h.seen.all())
			r, err := h.client.Query(ctx, tt.in)
			if err != nil {
				t.Fatalf("Query(%+v) error = %v", tt.in, err)
			}
			tt.check(t, r, since(h, mark))
		})
	}
}

// proposed finds the proposal of kind for login.
func proposed(ps []intents.Action, kind intents.Kind, login string) *intents.Action {
	for i, p := range ps {
		if p.Kind == kind && p.User != nil && p.User.Name == login && strings.HasPrefix(p.User.ID, "00u") {
			return &ps[i]
		}
	}
	return nil
}

// simMFA lists, from a snapshot, the logins of the ACTIVE users with no
// ACTIVE factor and of those whose every ACTIVE factor is weak, sorted.
func simMFA(fx *oktasim.Fixture) (none, weak []string) {
	for _, u := range fx.Users {
		if status, _ := u["status"].(string); !canSignIn(status) {
			continue
		}
		login := u["profile"].(oktasim.Object)["login"].(string)
		active, strong := 0, 0
		for _, f := range fx.Factors[u["id"].(string)] {
			if f["status"] != "ACTIVE" {
				continue
			}
			active++
			if !(intents.Factor{Type: f["factorType"].(string)}).Weak() {
				strong++
			}
		}
		switch {
		case active == 0:
			none = append(none, login)
		case strong == 0:
			weak = append(weak, login)
		}
	}
	slices.Sort(none)
	slices.Sort(weak)
	return none, weak
}

func TestSignInListings(t *testing.T) {
	h := demoHarness(t, Config{})
	ctx := context.Background()
	tests := []struct {
		name  string
		in    intents.Intent
		check func(t *testing.T, r intents.Result, seen []string)
	}{
		{"failed logins 24h", intents.Intent{Kind: intents.FailedLogins, Window: intents.Day}, func(t *testing.T, r intents.Result, seen []string) {
			if !hasFinding(r.Findings, detect.FailedLoginBurst, "john@company.com") || hasFinding(r.Findings, detect.FailedLoginBurst, "sarah.johnson@company.com") {
				t.Errorf("findings %v, want failed_login_burst on john only (Sarah's lockout is 27 hours old)", summaries(r.Findings))
			}
			for _, e := range r.Events {
				if !failedSignIn(e) {
					t.Errorf("event %s (%s, %s) is not a failed sign-in", e.UUID, e.EventType, e.Outcome.Result)
				}
			}
			if f := sentFilters(seen, "/api/v1/logs"); len(f) == 0 || !strings.Contains(f[0], `outcome.result eq "FAILURE"`) {
				t.Errorf("sent filters %q, want the outcome pushed to Okta", f)
			}
		}},
		{"failed logins of sarah 48h", intents.Intent{Kind: intents.FailedLogins, User: "sarah.johnson@company.com", Window: intents.Duration(48 * time.Hour)}, func(t *testing.T, r intents.Result, seen []string) {
			if len(r.Events) != 17 || !hasFinding(r.Findings, detect.FailedLoginBurst, "sarah.johnson@company.com") {
				t.Errorf("%d events, findings %v; want Sarah's 17 failed sign-ins and a burst", len(r.Events), summaries(r.Findings))
			}
			if f := sentFilters(seen, "/api/v1/logs"); len(f) == 0 || !strings.Contains(f[0], `actor.alternateId eq "sarah.johnson@company.com"`) {
				t.Errorf("sent filters %q, want the actor pushed to Okta", f)
			}
		}},
		{"suspicious logins from Russia this week", intents.Intent{Kind: intents.SuspiciousLogins, Countries: []string{"RU"}, Window: intents.Week}, func(t *testing.T, r intents.Result, seen []string) {
			if !hasFinding(r.Findings, detect.SuspiciousCountryLogin, "rachel.adams@company.com") || hasFinding(r.Findings, detect.SuspiciousCountryLogin, "chris.morgan@company.com") {
				t.Errorf("findings %v, want Rachel's Moscow sign-ins and not Chris's Pyongyang ones", summaries(r.Findings))
			}
			f := sentFilters(seen, "/api/v1/logs")
			if len(f) == 0 || !strings.Contains(f[0], `client.geographicalContext.country eq "Russia"`) || strings.Contains(f[0], "North Korea") {
				t.Errorf("sent filters %q, want Russia only", f)
			}
			// From Russia means from Russia: john's Tor exit in Frankfurt
			// is a proxy, not a Russian sign-in.
			if len(f) > 0 && strings.Contains(f[0], "isProxy") {
				t.Errorf("sent filters %q, want no proxy term for a country asked by name", f)
			}
			for _, e := range r.Events {
				if e.Client.Country != "Russia" {
					t.Errorf("event %s from %s, %s listed under Russia", e.UUID, e.Client.City, e.Client.Country)
				}
			}
			if hasFinding(r.Findings, detect.AnonymizingProxyLogin, "john@company.com") {
				t.Errorf("findings %v, want no proxy finding under a country filter", summaries(r.Findings))
			}
		}},
		{"login history of john", intents.Intent{Kind: intents.LoginHistory, User: "john@company.com"}, func(t *testing.T, r intents.Result, seen []string) {
			if len(r.Events) == 0 || r.Subject != "john@company.com" {
				t.Fatalf("%d events for %q", len(r.Events), r.Subject)
			}
			for _, e := range r.Events {
				if e.Actor.AlternateID != "john@company.com" || !slices.Contains(primarySignIns(), e.EventType) {
					t.Errorf("event %s (%s by %s) is not one of john's sign-ins", e.UUID, e.EventType, e.Actor.AlternateID)
				}
			}
			if !slices.IsSortedFunc(r.Events, func(a, b intents.Event) int { return b.Published.Compare(a.Published) }) {
				t.Error("events are not newest first")
			}
			if !hasFinding(r.Findings, detect.ImpossibleTravel, "john@company.com") {
				t.Errorf("findings %v, want impossible_travel (Frankfurt, then San Francisco)", summaries(r.Findings))
			}
			if f := sentFilters(seen, "/api/v1/logs"); len(f) == 0 || !strings.Contains(f[0], `actor.id eq "00u`) {
				t.Errorf("sent filters %q, want john's id pushed to Okta", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mark := len(h.seen.all())
			r, err := h.client.Query(ctx, tt.in)
			if err != nil {
				t.Fatalf("Query(%+v) error = %v", tt.in, err)
			}
			tt.check(t, r, since(h, mark))
		})
	}
	t.Run("paging", func(t *testing.T) {
		in := intents.Intent{Kind: intents.FailedLogins, Window: intents.Week, Limit: 5}
		first, err := h.client.Query(ctx, in)
		if err != nil {
			t.Fatalf("Query(failed logins, limit 5) error = %v", err)
		}
		if len(first.Events) != 5 || !first.Truncated || first.Next == "" || len(first.Findings) == 0 {
			t.Fatalf("Query(failed logins, limit 5) = %d events, truncated %v, next %q, %d findings", len(first.Events), first.Truncated, first.Next, len(first.Findings))
		}
		in.After = first.Next
		second, err := h.client.Query(ctx, in)
		if err != nil {
			t.Fatalf("Query(failed logins, after %q) error = %v", in.After, err)
		}
		if len(second.Events) != 5 {
			t.Fatalf("Query(failed logins, after) = %d events, want 5", len(second.Events))
		}
		for _, e := range second.Events {
			if slices.ContainsFunc(first.Events, func(f intents.Event) bool { return f.UUID == e.UUID }) {
				t.Errorf("event %s is on both pages", e.UUID)
			}
			if e.Published.After(first.Events[4].Published) || !failedSignIn(e) {
				t.Errorf("second page event %s (%v, %s) is not an older failed sign-in", e.UUID, e.Published, e.Outcome.Result)
			}
		}
	})
}

func TestWatchFilter(t *testing.T) {
	tests := []struct {
		name    string
		cfg     detect.Config
		filter  string
		matches map[string]bool // ip → match, for an event from Germany without isProxy
	}{
		{"countries by name or code", detect.Config{SuspiciousCountries: []string{"RU", "north korea"}},
			`(securityContext.isProxy eq true or client.geographicalContext.country eq "Russia" or client.geographicalContext.country eq "North Korea")`,
			map[string]bool{"203.0.113.9": false}},
		{"tor list", detect.Config{ProxyIPs: []string{"185.220.101.1", "185.220.100.0/24"}},
			`(securityContext.isProxy eq true or client.ipAddress eq "185.220.101.1" or client.ipAddress sw "185.220.100.")`,
			map[string]bool{"185.220.101.1": true, "185.220.100.77": true, "185.220.102.1": false}},
		{"a prefix Okta's filter cannot say", detect.Config{ProxyIPs: []string{"185.220.100.0/22"}}, "",
			map[string]bool{"185.220.103.1": true, "185.220.104.1": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatch(tt.cfg)
			if got := w.filter(); got != tt.filter {
				t.Errorf("newWatch(%+v).filter() = %q, want %q", tt.cfg, got, tt.filter)
			}
			for ip, want := range tt.matches {
				e := intents.Event{Client: intents.EventClient{IP: ip, Country: "Germany"}}
				if got := w.matches(e); got != want {
					t.Errorf("matches(%s) = %v, want %v", ip, got, want)
				}
			}
			if !w.matches(intents.Event{Security: intents.Security{IsProxy: true}}) {
				t.Error("matches(isProxy) = false, want true")
			}
		})
	}
	t.Run("prefixes", func(t *testing.T) {
		for in, want := range map[string]string{"10.0.0.0/8": "10.", "10.1.0.0/16": "10.1.", "2001:db8::1": "2001:db8::1", "10.1.2.0/23": ""} {
			p, err := parsePrefix(in)
			if err != nil {
				t.Fatalf("parsePrefix(%q) error = %v", in, err)
			}
			if got, _ := ipFilterPrefix(p); got != want {
				t.Errorf("ipFilterPrefix(%s) = %q, want %q", in, got, want)
			}
		}
	})
}
