package oktasim

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// manyUsers is an org of n ACTIVE users 00u01… with logins userNN@company.com.
func manyUsers(n int) *Fixture {
	fx := &Fixture{}
	for i := 1; i <= n; i++ {
		fx.Users = append(fx.Users, Object{"id": fmt.Sprintf("00u%02d", i), "status": "ACTIVE",
			"profile": Object{"login": fmt.Sprintf("user%02d@company.com", i), "firstName": "User",
				"lastName": fmt.Sprintf("N%02d", i), "email": fmt.Sprintf("user%02d@company.com", i)}})
	}
	return fx
}

var linkRE = regexp.MustCompile(`^<([^>]+)>; rel="(self|next)"$`)

// links parses the Link headers: one rel per header line.
func links(t *testing.T, res apiResult) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, h := range res.header.Values("Link") {
		m := linkRE.FindStringSubmatch(h)
		if m == nil {
			t.Fatalf("Link header %q is not one <url>; rel=\"…\"", h)
		}
		if _, dup := out[m[2]]; dup {
			t.Fatalf("two Link headers with rel=%q", m[2])
		}
		out[m[2]] = m[1]
	}
	if out["self"] == "" {
		t.Fatalf("no self link in %v", res.header.Values("Link"))
	}
	return out
}

func TestUsersPaging(t *testing.T) {
	_, ts := newSim(t, manyUsers(7))
	tok := bearer(t, ts, "okta.users.read")
	var got []string
	pages := 0
	next := ts.URL + "/api/v1/users?limit=3&search=" + url.QueryEscape(`profile.firstName eq "User"`)
	for next != "" {
		res := call(t, ts, tok, "GET", next, nil)
		if res.status != 200 {
			t.Fatalf("GET %s = %d %s", next, res.status, res.body)
		}
		pages++
		got = append(got, ids(res.list(t))...)
		l := links(t, res)
		next = l["next"]
		if next != "" {
			u, _ := url.Parse(next)
			if u.Query().Get("limit") != "3" || u.Query().Get("search") == "" || u.Query().Get("after") == "" {
				t.Errorf("next link %q lost the request's parameters", next)
			}
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	want := []string{"00u01", "00u02", "00u03", "00u04", "00u05", "00u06", "00u07"}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("paged users in %d pages (-want +got):\n%s", pages, diff)
	}
}

func TestUsersQuery(t *testing.T) {
	fx := smallOrg()
	fx.Users = append(fx.Users, Object{"id": "00u7", "status": "ACTIVE",
		"profile": Object{"login": `x" or profile.login sw "`, "firstName": "Odd", "lastName": "Login", "email": "odd@company.com"}})
	_, ts := newSim(t, fx)
	tok := bearer(t, ts, "okta.users.read")
	tests := []struct {
		name  string
		query string
		want  []string
		code  string
	}{
		{"all but deprovisioned", "", []string{"00u1", "00u2", "00u3", "00u4", "00u6", "00u7"}, ""},
		{"q on first name", "q=ja", []string{"00u2"}, ""},
		{"q on email", "q=lock%40", []string{"00u3"}, ""},
		{"q leaves out deprovisioned", "q=gone", []string{}, ""},
		{"filter by status finds deprovisioned", "filter=" + url.QueryEscape(`status eq "DEPROVISIONED"`), []string{"00u5"}, ""},
		{"filter or", "filter=" + url.QueryEscape(`status eq "STAGED" or status eq "PROVISIONED"`), []string{"00u4", "00u6"}, ""},
		{"filter by login", "filter=" + url.QueryEscape(`profile.login eq "JOHN@company.com"`), []string{"00u1"}, ""},
		{"filter lastUpdated gt", "filter=" + url.QueryEscape(`lastUpdated gt "2000-01-01T00:00:00.000Z"`), []string{"00u1", "00u2", "00u3", "00u4", "00u5", "00u6", "00u7"}, ""},
		{"escaped quotes are a literal login", "filter=" + url.QueryEscape(`profile.login eq "x\" or profile.login sw \""`), []string{"00u7"}, ""},
		{"escaped quotes in search", "search=" + url.QueryEscape(`profile.login eq "x\" or profile.login sw \""`), []string{"00u7"}, ""},
		{"search sw", "search=" + url.QueryEscape(`profile.lastName sw "Lo"`), []string{"00u3", "00u7"}, ""},
		{"filter does not take sw", "filter=" + url.QueryEscape(`profile.login sw "j"`), nil, "E0000031"},
		{"filter does not take custom attributes", "filter=" + url.QueryEscape(`profile.department eq "x"`), nil, "E0000031"},
		{"malformed filter", "filter=" + url.QueryEscape(`status eq "ACTIVE`), nil, "E0000031"},
		{"malformed search", "search=" + url.QueryEscape(`status eq`), nil, "E0000031"},
		{"bad limit", "limit=x", nil, "E0000001"},
		{"unknown cursor", "after=00unope", nil, "E0000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, ts, tok, "GET", "/api/v1/users?"+tt.query, nil)
			if tt.code != "" {
				if res.status != 400 || res.errorCode(t) != tt.code {
					t.Errorf("GET /api/v1/users?%s = %d %s, want 400 %s", tt.query, res.status, res.body, tt.code)
				}
				return
			}
			if res.status != 200 {
				t.Fatalf("GET /api/v1/users?%s = %d %s", tt.query, res.status, res.body)
			}
			if diff := cmp.Diff(tt.want, ids(res.list(t))); diff != "" {
				t.Errorf("GET /api/v1/users?%s (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func TestUserReads(t *testing.T) {
	_, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.users.read")
	u := call(t, ts, tok, "GET", "/api/v1/users/john@company.com", nil).object(t)
	if u["id"] != "00u1" || u["created"] == nil || u["type"] == nil {
		t.Errorf("GET /api/v1/users/john@company.com = %v", u)
	}
	self, _ := lookup(u, "_links", "self", "href")
	if self != ts.URL+"/api/v1/users/00u1" {
		t.Errorf("user _links.self.href = %v, want %s", self, ts.URL+"/api/v1/users/00u1")
	}
	if _, ok := lookup(u, "_links", "suspend", "href"); !ok {
		t.Errorf("ACTIVE user links %v lack suspend", u["_links"])
	}
	if res := call(t, ts, tok, "GET", "/api/v1/users/nobody", nil); res.status != 404 || res.errorCode(t) != "E0000007" {
		t.Errorf("GET /api/v1/users/nobody = %d %s, want 404 E0000007", res.status, res.body)
	}
	if got := ids(call(t, ts, tok, "GET", "/api/v1/users/00u1/groups", nil).list(t)); !cmp.Equal(got, []string{"00gall", "00g1"}) {
		t.Errorf("GET /api/v1/users/00u1/groups = %v, want [00gall 00g1]", got)
	}
	links := call(t, ts, tok, "GET", "/api/v1/users/00u1/appLinks", nil).list(t)
	if len(links) != 1 || links[0].(map[string]any)["appInstanceId"] != "0oa1" {
		t.Errorf("GET /api/v1/users/00u1/appLinks = %v, want Salesforce (through Engineering)", links)
	}
	factors := call(t, ts, tok, "GET", "/api/v1/users/00u2/factors", nil).list(t)
	if len(factors) != 1 || factors[0].(map[string]any)["factorType"] != "sms" || !strings.HasPrefix(ids(factors)[0], "mbl") {
		t.Errorf("GET /api/v1/users/00u2/factors = %v, want one sms factor", factors)
	}
}

func TestUserWrites(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, allTestScopes)
	profile := Object{"login": "kim@company.com", "email": "kim@company.com", "firstName": "Kim", "lastName": "Lee"}

	res := call(t, ts, tok, "POST", "/api/v1/users?activate=false", Object{"profile": profile, "groupIds": []any{"00g1"}})
	if res.status != 200 || res.object(t)["status"] != "STAGED" {
		t.Fatalf("create staged user = %d %s", res.status, res.body)
	}
	id := res.object(t)["id"].(string)
	if !strings.HasPrefix(id, "00u") || len(id) != 20 {
		t.Errorf("new user id %q is not Okta-like", id)
	}
	res = call(t, ts, tok, "POST", "/api/v1/users", Object{"profile": profile})
	if res.status != 400 || res.errorCode(t) != "E0000001" {
		t.Errorf("create with a taken login = %d %s, want 400 E0000001", res.status, res.body)
	}
	res = call(t, ts, tok, "POST", "/api/v1/users", Object{"profile": Object{"login": "a@b.c"}})
	if res.status != 400 || res.errorCode(t) != "E0000001" {
		t.Errorf("create without names = %d %s, want 400 E0000001", res.status, res.body)
	}
	res = call(t, ts, tok, "POST", "/api/v1/users", Object{"credentials": Object{"password": Object{"value": "S3cret!pass"}},
		"profile": Object{"login": "pw@company.com", "email": "pw@company.com", "firstName": "P", "lastName": "W"}})
	if res.status != 200 || res.object(t)["status"] != "ACTIVE" || strings.Contains(string(res.body), "S3cret") {
		t.Errorf("create with a password = %d %s, want ACTIVE and no password echoed", res.status, res.body)
	}
	res = call(t, ts, tok, "POST", "/api/v1/users/"+id, Object{"profile": Object{"title": "Engineer"}})
	if p, _ := res.object(t)["profile"].(map[string]any); res.status != 200 || p["title"] != "Engineer" || p["firstName"] != "Kim" {
		t.Errorf("partial update = %d %s, want title added and first name kept", res.status, res.body)
	}
	res = call(t, ts, tok, "POST", "/api/v1/users/"+id, Object{"profile": Object{"login": "john@company.com"}})
	if res.status != 400 {
		t.Errorf("update to a taken login = %d %s, want 400", res.status, res.body)
	}
	if res = call(t, ts, tok, "DELETE", "/api/v1/users/"+id, nil); res.status != 204 {
		t.Errorf("first DELETE = %d %s, want 204 (deactivate)", res.status, res.body)
	}
	if st := call(t, ts, tok, "GET", "/api/v1/users/"+id, nil).object(t)["status"]; st != "DEPROVISIONED" {
		t.Errorf("status after first DELETE = %v, want DEPROVISIONED", st)
	}
	if res = call(t, ts, tok, "DELETE", "/api/v1/users/"+id, nil); res.status != 204 {
		t.Errorf("second DELETE = %d %s, want 204", res.status, res.body)
	}
	if res = call(t, ts, tok, "GET", "/api/v1/users/"+id, nil); res.status != 404 {
		t.Errorf("GET after delete = %d, want 404", res.status)
	}
	var types []string
	for _, ev := range s.Snapshot().Logs {
		types = append(types, ev["eventType"].(string))
	}
	want := []string{"user.lifecycle.create", "user.lifecycle.create", "user.lifecycle.activate",
		"user.account.update_profile", "user.lifecycle.deactivate", "user.lifecycle.delete.initiated"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("System Log after the writes (-want +got):\n%s", diff)
	}
}
