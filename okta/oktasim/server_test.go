package oktasim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRateLimit(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	clock := &fakeClock{t: time.Now()}
	s.SetClock(clock.now)
	tok := bearer(t, ts, allTestScopes)
	s.SetRateLimit(FamilyUsers, 2, time.Minute)
	for i, wantRemaining := range []string{"1", "0"} {
		res := call(t, ts, tok, "GET", "/api/v1/users", nil)
		if res.status != 200 || res.header.Get("X-Rate-Limit-Limit") != "2" || res.header.Get("X-Rate-Limit-Remaining") != wantRemaining {
			t.Fatalf("call %d = %d, limit %q remaining %q; want 200, 2, %s", i, res.status,
				res.header.Get("X-Rate-Limit-Limit"), res.header.Get("X-Rate-Limit-Remaining"), wantRemaining)
		}
	}
	res := call(t, ts, tok, "GET", "/api/v1/users", nil)
	if res.status != 429 || res.errorCode(t) != "E0000047" {
		t.Fatalf("third call = %d %s, want 429 E0000047", res.status, res.body)
	}
	reset, err := strconv.ParseInt(res.header.Get("X-Rate-Limit-Reset"), 10, 64)
	if err != nil || reset < clock.now().Unix() || reset > clock.now().Add(time.Minute+time.Second).Unix() {
		t.Errorf("X-Rate-Limit-Reset = %q, want epoch seconds within the minute", res.header.Get("X-Rate-Limit-Reset"))
	}
	// Other buckets have their own window; factors and a user's groups
	// are Okta's "other /api/v1" bucket, not the users list.
	for path, want := range map[string]string{"/api/v1/groups": "600", "/api/v1/users/00u1/factors": "600", "/api/v1/users/00u1/groups": "600", "/api/v1/logs": "50"} {
		if res := call(t, ts, tok, "GET", path, nil); res.status != 200 || res.header.Get("X-Rate-Limit-Limit") != want {
			t.Errorf("GET %s = %d with limit %q, want 200 under the default %s", path, res.status, res.header.Get("X-Rate-Limit-Limit"), want)
		}
	}
	clock.advance(time.Minute)
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != 200 {
		t.Errorf("call after the reset = %d, want 200", res.status)
	}
	s.SetRateLimit(FamilyToken, 1, time.Minute)
	bearer(t, ts, "okta.users.read")
	a := signJWT(t, testRSAKey(), map[string]any{"kid": testKid}, assertionClaims(ts, testClient))
	if resp, _ := postToken(t, ts, tokenForm(a, "okta.users.read"), ""); resp.StatusCode != 429 {
		t.Errorf("second token request with limit 1 = %d, want 429", resp.StatusCode)
	}
	s.SetRateLimit(FamilyUsers, 0, 0)
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != 200 || res.header.Get("X-Rate-Limit-Limit") != "" {
		t.Errorf("unlimited family = %d with limit header %q, want 200 and none", res.status, res.header.Get("X-Rate-Limit-Limit"))
	}
}

func TestFailNext(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.users.read")
	s.FailNext(2, 503)
	for i := range 2 {
		if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != 503 || res.errorCode(t) != "E0000009" {
			t.Errorf("call %d after FailNext(2, 503) = %d %s, want 503 in Okta's shape", i, res.status, res.body)
		}
	}
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != 200 {
		t.Errorf("third call = %d, want 200", res.status)
	}
	s.FailNext(1, 500)
	bearer(t, ts, "okta.users.read") // token requests are not failed
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != 500 {
		t.Errorf("API call after FailNext(1, 500) and a token request = %d, want 500", res.status)
	}
}

func TestNoAdminRole(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, allTestScopes)
	s.SetAdminRole(false)
	for _, path := range []string{"/api/v1/users", "/api/v1/groups", "/api/v1/apps", "/api/v1/logs",
		"/api/v1/policies?type=OKTA_SIGN_ON", "/api/v1/groups/00g1/users"} {
		if res := call(t, ts, tok, "GET", path, nil); res.status != 200 || string(res.body) != "[]" {
			t.Errorf("GET %s without admin role = %d %s, want 200 []", path, res.status, res.body)
		}
	}
	for _, c := range []struct{ method, path string }{{"GET", "/api/v1/users/00u1"},
		{"POST", "/api/v1/users/00u1/lifecycle/suspend"}, {"PUT", "/api/v1/groups/00g1/users/00u3"}} {
		if res := call(t, ts, tok, c.method, c.path, nil); res.status != 403 || res.errorCode(t) != "E0000006" {
			t.Errorf("%s %s without admin role = %d %s, want 403 E0000006", c.method, c.path, res.status, res.body)
		}
	}
	s.SetAdminRole(true)
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); len(res.list(t)) == 0 {
		t.Errorf("GET /api/v1/users with the role back = [], want users")
	}
	off := false
	s2, err := New(&Fixture{AdminRole: &off})
	if err != nil || s2.Snapshot().AdminRole == nil || *s2.Snapshot().AdminRole {
		t.Errorf("fixture admin_role false: Snapshot().AdminRole = %v, %v", s2.Snapshot().AdminRole, err)
	}
}

func TestUnhandledAndCalls(t *testing.T) {
	s, err := New(smallOrg())
	if err != nil {
		t.Fatal(err)
	}
	s.AddServiceApp(ServiceApp{ClientID: testClient, PublicKey: &testRSAKey().PublicKey, KeyID: testKid})
	ts := httptest.NewServer(s)
	defer ts.Close()
	tok := bearer(t, ts, "okta.users.manage")
	call(t, ts, tok, "POST", "/api/v1/users/00u1/lifecycle/suspend", nil)
	call(t, ts, tok, "GET", "/api/v1/users/00u1", nil)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/nope"}, {"PATCH", "/api/v1/users/00u1"}, {"POST", "/api/v1/users/00u1/lifecycle/explode"},
		{"GET", "/oauth2/v1/token"}} {
		res := call(t, ts, tok, c.method, c.path, nil)
		if res.status != 404 || res.errorCode(t) != "E0000022" {
			t.Errorf("%s %s = %d %s, want 404 E0000022", c.method, c.path, res.status, res.body)
		}
	}
	want := []string{"GET /api/v1/nope", "PATCH /api/v1/users/00u1", "POST /api/v1/users/00u1/lifecycle/explode", "GET /oauth2/v1/token"}
	if diff := cmp.Diff(want, s.Unhandled()); diff != "" {
		t.Errorf("Unhandled() (-want +got):\n%s", diff)
	}
	counts := []struct {
		method, prefix string
		want           int
	}{
		{"POST", "/api/v1/users/00u1/lifecycle/suspend", 1},
		{"", "/api/v1/users/00u1", 4},
		{"GET", "/api/v1/users", 1},
		{"POST", "/oauth2/v1/token", 1},
		{"DELETE", "/", 0},
	}
	for _, c := range counts {
		if got := s.Calls(c.method, c.prefix); got != c.want {
			t.Errorf("Calls(%q, %q) = %d, want %d", c.method, c.prefix, got, c.want)
		}
	}
}

func TestLatency(t *testing.T) {
	s, ts := newSim(t, nil)
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/users", nil)
	_, err := ts.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GET with latency 1h and a 20ms deadline: err = %v, want the deadline", err)
	}
	s.SetLatency(0)
	if res := call(t, ts, "", "GET", "/api/v1/users", nil); res.status != 401 {
		t.Errorf("GET after SetLatency(0) = %d, want 401 at once", res.status)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		fx   *Fixture
		want string
	}{
		{"member is no user", &Fixture{Groups: []Object{{"id": "00g1", "profile": Object{"name": "Eng"}, "members": []any{"ghost@x.com"}}}}, `"ghost@x.com" is no user`},
		{"app user is no user", &Fixture{Apps: []Object{{"id": "0oa1", "label": "A", "users": []any{"00unope"}}}}, `"00unope" is no user`},
		{"group app is no app", &Fixture{Groups: []Object{{"id": "00g1", "profile": Object{"name": "Eng"}, "apps": []any{"0oanope"}}}}, `"0oanope" is no app`},
		{"factors of no user", &Fixture{Factors: map[string][]Object{"nobody": {{"factorType": "push"}}}}, `"nobody"`},
		{"duplicate id", &Fixture{Users: []Object{{"id": "00u1", "profile": Object{"login": "a@x.com"}}, {"id": "00u1", "profile": Object{"login": "b@x.com"}}}}, `duplicate id "00u1"`},
		{"duplicate login", &Fixture{Users: []Object{{"profile": Object{"login": "a@x.com"}}, {"profile": Object{"login": "A@x.com"}}}}, "login"},
		{"user without login", &Fixture{Users: []Object{{"id": "00u1"}}}, "login"},
		{"policy without type", &Fixture{Policies: []Object{{"id": "00p1"}}}, "policy 0 (00p1)"},
		{"event without time", &Fixture{Logs: []Object{{"uuid": "u1"}}}, "log event 0 (u1)"},
	}
	for _, tt := range tests {
		_, err := New(tt.fx)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "oktasim: ") {
			t.Errorf("New(%s) = %v, want an oktasim error naming %s", tt.name, err, tt.want)
		}
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	s, err := New(smallOrg())
	if err != nil {
		t.Fatal(err)
	}
	fx := s.Snapshot()
	fx.Now = time.Time{} // no shift: times must come back as they were
	s2, err := New(fx)
	if err != nil {
		t.Fatalf("New(Snapshot()): %v", err)
	}
	fx2 := s2.Snapshot()
	fx.Now, fx2.Now = time.Time{}, time.Time{}
	if diff := cmp.Diff(fx, fx2); diff != "" {
		t.Errorf("Snapshot of New(Snapshot()) differs (-first +second):\n%s", diff)
	}
	members := fx.Groups[1]["members"]
	if !cmp.Equal(members, []any{"00u1", "00u2"}) {
		t.Errorf("Snapshot members of Engineering = %v, want [00u1 00u2]", members)
	}
	fx.Users[0]["status"] = "MUTATED"
	if s.Snapshot().Users[0]["status"] != "ACTIVE" {
		t.Errorf("changing a Snapshot changed the simulator")
	}
}

func TestConcurrentUse(t *testing.T) {
	s, ts := newSim(t, manyUsers(50))
	tok := bearer(t, ts, allTestScopes)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				uid := fmt.Sprintf("00u%02d", 1+(g*20+i)%50)
				switch i % 5 {
				case 0:
					call(t, ts, tok, "POST", "/api/v1/users/"+uid+"/lifecycle/suspend", nil)
				case 1:
					call(t, ts, tok, "GET", "/api/v1/users?limit=7", nil)
				case 2:
					call(t, ts, tok, "GET", "/api/v1/logs?limit=5", nil)
				case 3:
					_ = s.Snapshot()
					s.SetLatency(0)
					s.SetRateLimit(FamilyApps, 100, time.Minute)
				case 4:
					call(t, ts, tok, "POST", "/api/v1/users/"+uid+"/lifecycle/unsuspend", nil)
					_ = s.Sessions(uid)
				}
			}
		}()
	}
	wg.Wait()
	if n := s.Calls("POST", "/api/v1/users/"); n != 64 {
		t.Errorf("Calls(POST, /api/v1/users/) = %d, want 64", n)
	}
}
