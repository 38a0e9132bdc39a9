package oktasim

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// bigOrg is the benchmark org: 2,000 users and 200,000 events.
func bigOrg(users, events int) *Fixture {
	fx := &Fixture{Now: time.Now().UTC()}
	for i := range users {
		fx.Users = append(fx.Users, Object{"id": fmt.Sprintf("00u%06d", i), "status": "ACTIVE",
			"profile": Object{"login": fmt.Sprintf("user%d@company.com", i), "firstName": "User",
				"lastName": fmt.Sprint(i), "email": fmt.Sprintf("user%d@company.com", i)}})
	}
	start := fx.Now.Add(-6 * 24 * time.Hour)
	step := 6 * 24 * time.Hour / time.Duration(max(events, 1))
	for i := range events {
		result := "SUCCESS"
		if i%7 == 0 {
			result = "FAILURE"
		}
		u := i % users
		fx.Logs = append(fx.Logs, Object{
			"published": formatTime(start.Add(time.Duration(i) * step)), "eventType": "user.session.start",
			"displayMessage": "User login to Okta", "severity": "INFO",
			"actor":   Object{"id": fmt.Sprintf("00u%06d", u), "type": "User", "alternateId": fmt.Sprintf("user%d@company.com", u)},
			"outcome": Object{"result": result, "reason": nil},
			"client": Object{"ipAddress": "10.0.0.1", "zone": "null",
				"geographicalContext": Object{"country": "United States", "city": "Denver"}},
			"securityContext": Object{"isProxy": false},
			"target":          []any{},
		})
	}
	return fx
}

func BenchmarkLogs(b *testing.B) {
	s, err := New(bigOrg(2000, 200000))
	if err != nil {
		b.Fatal(err)
	}
	s.AddServiceApp(ServiceApp{ClientID: testClient, PublicKey: &testRSAKey().PublicKey, KeyID: testKid})
	s.SetRateLimit(FamilyLogs, 0, 0)
	ts := httptest.NewServer(s)
	defer ts.Close()
	tok := bearer(b, ts, "okta.logs.read")
	filter := url.QueryEscape(`eventType eq "user.session.start" and outcome.result eq "FAILURE"`)
	b.ResetTimer()
	for b.Loop() {
		next := ts.URL + "/api/v1/logs?limit=1000&filter=" + filter + "&since=" + url.QueryEscape(formatTime(time.Now().Add(-24*time.Hour)))
		for range 3 {
			res := call(b, ts, tok, "GET", next, nil)
			if res.status != 200 {
				b.Fatalf("GET %s = %d", next, res.status)
			}
			for _, h := range res.header.Values("Link") {
				if m := linkRE.FindStringSubmatch(h); m != nil && m[2] == "next" {
					next = m[1]
				}
			}
		}
	}
}

func BenchmarkUsers(b *testing.B) {
	s, err := New(bigOrg(2000, 0))
	if err != nil {
		b.Fatal(err)
	}
	s.AddServiceApp(ServiceApp{ClientID: testClient, PublicKey: &testRSAKey().PublicKey, KeyID: testKid})
	s.SetRateLimit(FamilyUsers, 0, 0)
	ts := httptest.NewServer(s)
	defer ts.Close()
	tok := bearer(b, ts, "okta.users.read")
	// A page in the middle, through the cursor the simulator gave.
	mid := ""
	for _, l := range call(b, ts, tok, "GET", "/api/v1/users?limit=200", nil).header.Values("Link") {
		if target, ok := strings.CutSuffix(l, `>; rel="next"`); ok {
			mid = strings.TrimPrefix(target, "<")
		}
	}
	if mid == "" {
		b.Fatal("the first page of users has no next link")
	}
	for b.Loop() {
		res := call(b, ts, tok, "GET", mid, nil)
		if res.status != 200 {
			b.Fatalf("GET = %d", res.status)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	fx := bigOrg(2000, 200000)
	for b.Loop() {
		if _, err := New(fx); err != nil {
			b.Fatal(err)
		}
	}
}
