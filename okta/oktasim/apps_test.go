package oktasim

import (
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAppReads(t *testing.T) {
	_, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.apps.read")
	tests := []struct {
		path string
		want []string
		code string
	}{
		{"/api/v1/apps", []string{"0oa1", "0oa2"}, ""},
		{"/api/v1/apps?q=git", []string{"0oa2"}, ""},
		{"/api/v1/apps?q=SALES", []string{"0oa1"}, ""},
		{"/api/v1/apps?filter=" + url.QueryEscape(`status eq "ACTIVE"`), []string{"0oa1"}, ""},
		{"/api/v1/apps?filter=" + url.QueryEscape(`user.id eq "00u2"`), []string{"0oa1"}, ""}, // through Engineering
		{"/api/v1/apps?filter=" + url.QueryEscape(`user.id eq "00u3"`), []string{"0oa1"}, ""}, // direct
		{"/api/v1/apps?filter=" + url.QueryEscape(`group.id eq "00g1"`), []string{"0oa1"}, ""},
		{"/api/v1/apps?filter=" + url.QueryEscape(`name eq "github"`), []string{"0oa2"}, ""},
		{"/api/v1/apps?filter=" + url.QueryEscape(`label sw "G"`), nil, "E0000031"},
		{"/api/v1/apps/0oa1/users", []string{"00u1", "00u2", "00u3"}, ""},
		{"/api/v1/apps/0oa1/groups", []string{"00g1"}, ""},
		{"/api/v1/apps/0oanope", nil, "E0000007"},
	}
	for _, tt := range tests {
		res := call(t, ts, tok, "GET", tt.path, nil)
		if tt.code != "" {
			if res.errorCode(t) != tt.code {
				t.Errorf("GET %s = %d %s, want %s", tt.path, res.status, res.body, tt.code)
			}
			continue
		}
		if res.status != 200 {
			t.Errorf("GET %s = %d %s", tt.path, res.status, res.body)
			continue
		}
		if diff := cmp.Diff(tt.want, ids(res.list(t))); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
	}
	users := call(t, ts, tok, "GET", "/api/v1/apps/0oa1/users", nil).list(t)
	scopes := map[string]any{}
	for _, u := range users {
		m := u.(map[string]any)
		scopes[m["id"].(string)] = m["scope"]
	}
	if diff := cmp.Diff(map[string]any{"00u1": "GROUP", "00u2": "GROUP", "00u3": "USER"}, scopes); diff != "" {
		t.Errorf("app user scopes (-want +got):\n%s", diff)
	}
}

func TestAppWrites(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.apps.manage")
	app := Object{"name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
		"settings": Object{"app": Object{"url": "https://wiki.company.com"}}}
	res := call(t, ts, tok, "POST", "/api/v1/apps?activate=false", app)
	if res.status != 200 || res.object(t)["status"] != "INACTIVE" {
		t.Fatalf("POST /api/v1/apps = %d %s", res.status, res.body)
	}
	id := res.object(t)["id"].(string)
	steps := []struct {
		method, path string
		body         any
		status       int
		wantStatus   string
		events       int
	}{
		{"POST", "/api/v1/apps", Object{"label": "No mode"}, 400, "", 0},
		{"POST", "/api/v1/apps/" + id + "/lifecycle/activate", nil, 200, "ACTIVE", 1},
		{"POST", "/api/v1/apps/" + id + "/lifecycle/activate", nil, 200, "ACTIVE", 0}, // idempotent
		{"POST", "/api/v1/apps/" + id + "/lifecycle/deactivate", nil, 200, "INACTIVE", 1},
		{"PUT", "/api/v1/apps/" + id, Object{"name": "bookmark", "label": "Wiki 2", "signOnMode": "BOOKMARK", "status": "ACTIVE"}, 200, "INACTIVE", 1},
		{"PUT", "/api/v1/apps/0oanope", app, 404, "", 0},
	}
	for _, st := range steps {
		before := len(s.Snapshot().Logs)
		res := call(t, ts, tok, st.method, st.path, st.body)
		if res.status != st.status {
			t.Fatalf("%s %s = %d %s, want %d", st.method, st.path, res.status, res.body, st.status)
		}
		if n := len(s.Snapshot().Logs) - before; n != st.events {
			t.Errorf("%s %s wrote %d events, want %d", st.method, st.path, n, st.events)
		}
		if st.wantStatus != "" {
			got := call(t, ts, tok, "GET", "/api/v1/apps/"+id, nil).object(t)["status"]
			if got != st.wantStatus {
				t.Errorf("status after %s %s = %v, want %s", st.method, st.path, got, st.wantStatus)
			}
		}
	}
	a := call(t, ts, tok, "GET", "/api/v1/apps/"+id, nil).object(t)
	if a["label"] != "Wiki 2" || a["created"] == nil {
		t.Errorf("app after PUT = %v", a)
	}

	// Assigning a group (what okta-sdk-golang's group tests do).
	tokAll := bearer(t, ts, "okta.apps.manage okta.groups.read")
	for range 2 { // the second time changes nothing
		res := call(t, ts, tokAll, "PUT", "/api/v1/apps/"+id+"/groups/00gall", Object{})
		if res.status != 200 || res.object(t)["id"] != "00gall" {
			t.Fatalf("PUT /api/v1/apps/%s/groups/00gall = %d %s", id, res.status, res.body)
		}
	}
	if got := ids(call(t, ts, tokAll, "GET", "/api/v1/groups/00gall/apps", nil).list(t)); !slices.Contains(got, id) {
		t.Errorf("the apps of Everyone = %v, want %s among them", got, id)
	}
	if n := len(ids(call(t, ts, tokAll, "GET", "/api/v1/apps/"+id+"/groups", nil).list(t))); n != 1 {
		t.Errorf("the app has %d groups, want 1", n)
	}

	// Deleting: an active app must be deactivated first.
	call(t, ts, tok, "POST", "/api/v1/apps/"+id+"/lifecycle/activate", nil)
	if res := call(t, ts, tok, "DELETE", "/api/v1/apps/"+id, nil); res.status != 403 || res.errorCode(t) != "E0000056" {
		t.Errorf("DELETE an active app = %d %s, want 403 E0000056", res.status, res.body)
	}
	call(t, ts, tok, "POST", "/api/v1/apps/"+id+"/lifecycle/deactivate", nil)
	if res := call(t, ts, tok, "DELETE", "/api/v1/apps/"+id, nil); res.status != 204 {
		t.Errorf("DELETE an inactive app = %d %s, want 204", res.status, res.body)
	}
	if res := call(t, ts, tok, "GET", "/api/v1/apps/"+id, nil); res.errorCode(t) != "E0000007" {
		t.Errorf("GET a deleted app = %d %s, want E0000007", res.status, res.body)
	}
}
