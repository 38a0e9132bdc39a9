package oktasim

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGroupReads(t *testing.T) {
	_, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.groups.read")
	tests := []struct {
		path string
		want []string
		code string
	}{
		{"/api/v1/groups", []string{"00gall", "00g1", "00gapp"}, ""},
		{"/api/v1/groups?q=eng", []string{"00g1"}, ""},
		{"/api/v1/groups?search=" + url.QueryEscape(`type eq "APP_GROUP"`), []string{"00gapp"}, ""},
		{"/api/v1/groups?filter=" + url.QueryEscape(`type eq "OKTA_GROUP" or type eq "BUILT_IN"`), []string{"00gall", "00g1"}, ""},
		{"/api/v1/groups?search=" + url.QueryEscape(`profile.name sw "AD"`), []string{"00gapp"}, ""},
		{"/api/v1/groups?search=" + url.QueryEscape(`profile.name sw AD`), nil, "E0000031"},
		{"/api/v1/groups/00g1/users", []string{"00u1", "00u2"}, ""},
		{"/api/v1/groups/00gall/users?limit=200", []string{"00u1", "00u2", "00u3", "00u4", "00u5", "00u6"}, ""},
		{"/api/v1/groups/00g1/apps", []string{"0oa1"}, ""},
		{"/api/v1/groups/00gnope/users", nil, "E0000007"},
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
	g := call(t, ts, tok, "GET", "/api/v1/groups/00g1", nil).object(t)
	if g["type"] != "OKTA_GROUP" || g["objectClass"] == nil || g["lastMembershipUpdated"] == nil {
		t.Errorf("GET /api/v1/groups/00g1 = %v, want Okta's group shape", g)
	}
}

func TestGroupWrites(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.groups.manage okta.users.read")
	steps := []struct {
		method, path string
		body         any
		status       int
		code         string
		event        string
	}{
		{"POST", "/api/v1/groups", Object{"profile": Object{"name": "Security", "description": "SOC"}}, 200, "", "group.lifecycle.create"},
		{"POST", "/api/v1/groups", Object{"profile": Object{"name": "engineering"}}, 400, "E0000001", ""},
		{"POST", "/api/v1/groups", Object{"profile": Object{}}, 400, "E0000001", ""},
		{"PUT", "/api/v1/groups/00g1", Object{"profile": Object{"name": "Eng"}}, 200, "", "group.profile.update"},
		{"PUT", "/api/v1/groups/00gall", Object{"profile": Object{"name": "All"}}, 403, "E0000006", ""},
		{"DELETE", "/api/v1/groups/00gall", nil, 403, "E0000006", ""},
		{"DELETE", "/api/v1/groups/00gapp", nil, 403, "E0000006", ""},
		{"PUT", "/api/v1/groups/00g1/users/00u3", nil, 204, "", "group.user_membership.add"},
		{"PUT", "/api/v1/groups/00g1/users/00u3", nil, 204, "", ""}, // already a member: idempotent
		{"PUT", "/api/v1/groups/00g1/users/nobody", nil, 404, "E0000007", ""},
		{"PUT", "/api/v1/groups/00gall/users/00u3", nil, 403, "E0000006", ""},
		{"DELETE", "/api/v1/groups/00g1/users/00u1", nil, 204, "", "group.user_membership.remove"},
		{"DELETE", "/api/v1/groups/00g1/users/00u1", nil, 204, "", ""},
		{"DELETE", "/api/v1/groups/00g1", nil, 204, "", "group.lifecycle.delete"},
		{"GET", "/api/v1/groups/00g1", nil, 404, "E0000007", ""},
	}
	for _, st := range steps {
		before := len(s.Snapshot().Logs)
		res := call(t, ts, tok, st.method, st.path, st.body)
		if res.status != st.status {
			t.Fatalf("%s %s = %d %s, want %d", st.method, st.path, res.status, res.body, st.status)
		}
		if st.code != "" && res.errorCode(t) != st.code {
			t.Errorf("%s %s errorCode = %q, want %q", st.method, st.path, res.errorCode(t), st.code)
		}
		logs := s.Snapshot().Logs[before:]
		var got []string
		for _, ev := range logs {
			got = append(got, ev["eventType"].(string))
		}
		var want []string
		if st.event != "" {
			want = []string{st.event}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %s events (-want +got):\n%s", st.method, st.path, diff)
		}
	}
	// Membership is visible from the user's side; the deleted group is gone.
	utok := bearer(t, ts, "okta.users.read")
	if got := ids(call(t, ts, utok, "GET", "/api/v1/users/00u3/groups", nil).list(t)); !cmp.Equal(got, []string{"00gall"}) {
		t.Errorf("groups of 00u3 after deleting Engineering = %v, want [00gall]", got)
	}
	fx := s.Snapshot()
	if len(fx.Groups) != 3 || fx.Groups[2]["profile"].(map[string]any)["name"] != "Security" {
		t.Errorf("Snapshot groups = %v", fx.Groups)
	}
}
