package oktasim

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// logNow is the tests' present: the real one, since client assertions are
// signed with real times.
var logNow = time.Now().UTC().Truncate(time.Second)

// logOrg has events e01…e10 an hour apart ending an hour before its now;
// odd ones are failures, e05 from a proxy, and one older than 7 days.
func logOrg() *Fixture {
	fx := &Fixture{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	for i := 1; i <= 10; i++ {
		result := "SUCCESS"
		if i%2 == 1 {
			result = "FAILURE"
		}
		fx.Logs = append(fx.Logs, Object{
			"uuid":      fmt.Sprintf("e%02d", i),
			"published": formatTime(fx.Now.Add(time.Duration(i-11) * time.Hour)),
			"eventType": "user.session.start", "outcome": Object{"result": result},
			"actor":           Object{"id": "00u1", "type": "User", "alternateId": "john@company.com", "displayName": "John Smith"},
			"securityContext": Object{"isProxy": i == 5},
			"displayMessage":  fmt.Sprintf("User login to Okta attempt %d", i),
		})
	}
	fx.Logs = append(fx.Logs, Object{"uuid": "old", "published": formatTime(fx.Now.Add(-8 * 24 * time.Hour)), "eventType": "user.session.start"})
	// Out of order on purpose: logs are kept sorted.
	fx.Logs[0], fx.Logs[9] = fx.Logs[9], fx.Logs[0]
	return fx
}

func logSim(t *testing.T) (*Server, *httptest.Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: logNow}
	s, err := newServer(logOrg(), clock.now)
	if err != nil {
		t.Fatal(err)
	}
	s.AddServiceApp(ServiceApp{ClientID: testClient, PublicKey: &testRSAKey().PublicKey, KeyID: testKid})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts, clock
}

func uuids(list []any) []string {
	out := []string{}
	for _, e := range list {
		out = append(out, e.(map[string]any)["uuid"].(string))
	}
	return out
}

func at(hoursAgo int) string {
	return url.QueryEscape(formatTime(logNow.Add(time.Duration(-hoursAgo) * time.Hour)))
}

func TestLogsQuery(t *testing.T) {
	_, ts, _ := logSim(t)
	tok := bearer(t, ts, "okta.logs.read")
	tests := []struct {
		name  string
		query string
		want  []string
		code  string
	}{
		{"last 7 days by default, oldest first", "", []string{"e01", "e02", "e03", "e04", "e05", "e06", "e07", "e08", "e09", "e10"}, ""},
		{"since", "since=" + at(3), []string{"e08", "e09", "e10"}, ""},
		{"since and until (exclusive)", "since=" + at(5) + "&until=" + at(2), []string{"e06", "e07", "e08"}, ""},
		{"since 10 days", "since=" + at(240) + "&limit=2", []string{"old", "e01"}, ""},
		{"descending", "sortOrder=DESCENDING&limit=3", []string{"e10", "e09", "e08"}, ""},
		{"filter", "filter=" + url.QueryEscape(`outcome.result eq "FAILURE" and securityContext.isProxy eq true`), []string{"e05"}, ""},
		{"filter on actor", "filter=" + url.QueryEscape(`actor.alternateId eq "john@company.com"`) + "&limit=1", []string{"e01"}, ""},
		{"q keywords", "q=" + url.QueryEscape("attempt 7"), []string{"e07"}, ""},
		{"q no match", "q=nothing", []string{}, ""},
		{"bad filter", "filter=" + url.QueryEscape(`outcome.result eq`), nil, "E0000031"},
		{"bad since", "since=yesterday", nil, "E0000001"},
		{"bad sortOrder", "sortOrder=UP", nil, "E0000001"},
		{"bad cursor", "after=xyz", nil, "E0000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, ts, tok, "GET", "/api/v1/logs?"+tt.query, nil)
			if tt.code != "" {
				if res.status != 400 || res.errorCode(t) != tt.code {
					t.Errorf("GET /api/v1/logs?%s = %d %s, want 400 %s", tt.query, res.status, res.body, tt.code)
				}
				return
			}
			if res.status != 200 {
				t.Fatalf("GET /api/v1/logs?%s = %d %s", tt.query, res.status, res.body)
			}
			if diff := cmp.Diff(tt.want, uuids(res.list(t))); diff != "" {
				t.Errorf("GET /api/v1/logs?%s (-want +got):\n%s", tt.query, diff)
			}
			// A polling query (ascending, no until) always has a next link;
			// a bounded or descending one only while more events match.
			polling := !strings.Contains(tt.query, "until=") && !strings.Contains(tt.query, "DESCENDING")
			more := polling || tt.name == "descending"
			if next := links(t, res)["next"]; (next != "") != more {
				t.Errorf("GET /api/v1/logs?%s: next link %q, want one: %v", tt.query, next, more)
			}
		})
	}
}

func TestLogsPollCursor(t *testing.T) {
	s, ts, clock := logSim(t)
	tok := bearer(t, ts, "okta.logs.read")
	next := ts.URL + "/api/v1/logs?limit=4&filter=" + url.QueryEscape(`eventType eq "user.session.start"`)
	var got []string
	for range 3 {
		res := call(t, ts, tok, "GET", next, nil)
		got = append(got, uuids(res.list(t))...)
		next = links(t, res)["next"]
	}
	want := []string{"e01", "e02", "e03", "e04", "e05", "e06", "e07", "e08", "e09", "e10"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("paged System Log (-want +got):\n%s", diff)
	}
	// Past the end: an empty page, and the next link still there.
	res := call(t, ts, tok, "GET", next, nil)
	if l := res.list(t); len(l) != 0 {
		t.Errorf("poll past the end = %v, want nothing", uuids(l))
	}
	if links(t, res)["next"] != next {
		t.Errorf("next link of an empty poll = %q, want the same cursor %q", links(t, res)["next"], next)
	}
	// New events arrive at the cursor.
	clock.advance(time.Minute)
	if err := s.AddLogs(Object{"uuid": "new", "published": formatTime(clock.now()), "eventType": "user.session.start"},
		Object{"uuid": "other", "published": formatTime(clock.now()), "eventType": "user.session.end"}); err != nil {
		t.Fatal(err)
	}
	res = call(t, ts, tok, "GET", next, nil)
	if diff := cmp.Diff([]string{"new"}, uuids(res.list(t))); diff != "" {
		t.Errorf("poll after AddLogs (-want +got):\n%s", diff)
	}
}

func TestLogsFixture(t *testing.T) {
	fx := logOrg()
	fx.Logs = append(fx.Logs,
		Object{"published": "2025-05-31T23:30:00.000Z", "eventType": "x"},
		Object{"published": "2025-05-31T23:30:00.000Z", "eventType": "x"},
		Object{"published": "2025-05-31T23:40:00.000Z", "eventType": "user.session.start",
			"actor": Object{"id": "00unew", "type": "User", "alternateId": "eve@evil.com", "displayName": "Eve Evil"}})
	s1, err := newServer(fx, func() time.Time { return logNow })
	if err != nil {
		t.Fatal(err)
	}
	s2, err := newServer(fx, func() time.Time { return logNow })
	if err != nil {
		t.Fatal(err)
	}
	l1, l2 := s1.Snapshot().Logs, s2.Snapshot().Logs
	n := len(l1)
	u1, u2, u3 := l1[n-3]["uuid"], l1[n-2]["uuid"], l2[n-3]["uuid"]
	if u1 == "" || u1 == u2 || u1 != u3 {
		t.Errorf("made-up uuids %v %v (other server %v): want stable and distinct", u1, u2, u3)
	}
	if got, want := l1[n-1]["published"], formatTime(logNow.Add(-20*time.Minute)); got != want {
		t.Errorf("published of the last event = %v, want it shifted onto now (%s)", got, want)
	}
	if fx.Logs[len(fx.Logs)-1]["published"] != "2025-05-31T23:40:00.000Z" {
		t.Errorf("New modified the fixture")
	}
	eve := userObj(s1.Snapshot(), "00unew")
	if eve == nil || eve["status"] != "ACTIVE" || eve["profile"].(map[string]any)["login"] != "eve@evil.com" {
		t.Errorf("log actor without a user = %v, want an ACTIVE user eve@evil.com", eve)
	}
	if err := s1.AddLogs(Object{"eventType": "no time"}); err == nil {
		t.Errorf("AddLogs(event without published) = nil, want an error")
	}
}

func TestLogsSeeWrites(t *testing.T) {
	_, ts, clock := logSim(t)
	tok := bearer(t, ts, "okta.logs.read okta.users.manage")
	clock.advance(time.Second)
	if res := call(t, ts, tok, "POST", "/api/v1/users/00u1/lifecycle/suspend", nil); res.status != 200 {
		t.Fatalf("suspend = %d %s", res.status, res.body)
	}
	res := call(t, ts, tok, "GET", "/api/v1/logs?sortOrder=DESCENDING&limit=1", nil)
	ev := res.list(t)[0].(map[string]any)
	target := ev["target"].([]any)[0].(map[string]any)
	if ev["eventType"] != "user.lifecycle.suspend" || target["alternateId"] != "john@company.com" ||
		ev["published"] != formatTime(clock.now()) {
		t.Errorf("latest event = %v, want the suspension of john@company.com now", ev)
	}
}
