package oktasim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPolicies(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.policies.manage")
	reads := []struct {
		path string
		want []string
		code string
	}{
		{"/api/v1/policies?type=OKTA_SIGN_ON", []string{"00p1", "00pdef"}, ""}, // by priority
		{"/api/v1/policies?type=PASSWORD", []string{"00p2"}, ""},
		{"/api/v1/policies?type=MFA_ENROLL", []string{}, ""},
		{"/api/v1/policies", nil, "E0000001"},
		{"/api/v1/policies?type=NOPE", nil, "E0000001"},
		{"/api/v1/policies/00pdef/rules", []string{"0prdef"}, ""},
		{"/api/v1/policies/00pnope", nil, "E0000007"},
		{"/api/v1/policies/00p1/rules/0prdef", nil, "E0000007"},
	}
	for _, tt := range reads {
		res := call(t, ts, tok, "GET", tt.path, nil)
		if tt.code != "" {
			if res.errorCode(t) != tt.code {
				t.Errorf("GET %s = %d %s, want %s", tt.path, res.status, res.body, tt.code)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, ids(res.list(t))); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
	}
	rule := call(t, ts, tok, "GET", "/api/v1/policies/00p1/rules/0pr1", nil).object(t)
	if rule["type"] != "SIGN_ON" || rule["status"] != "ACTIVE" {
		t.Errorf("rule 0pr1 = %v, want an ACTIVE SIGN_ON rule", rule)
	}

	res := call(t, ts, tok, "POST", "/api/v1/policies", Object{"type": "MFA_ENROLL", "name": "Enroll"})
	if res.status != 200 {
		t.Fatalf("create policy = %d %s", res.status, res.body)
	}
	pid := res.object(t)["id"].(string)
	res = call(t, ts, tok, "POST", "/api/v1/policies/"+pid+"/rules", Object{"name": "Everyone"})
	if res.status != 200 || res.object(t)["type"] != "MFA_ENROLL" {
		t.Fatalf("create rule = %d %s", res.status, res.body)
	}
	rid := res.object(t)["id"].(string)
	steps := []struct {
		method, path string
		body         any
		status       int
		event        string
	}{
		{"POST", "/api/v1/policies", Object{"name": "No type"}, 400, ""},
		{"POST", "/api/v1/policies/" + pid + "/rules", Object{"name": "x", "type": "SIGN_ON"}, 400, ""},
		{"PUT", "/api/v1/policies/" + pid, Object{"name": "Enroll v2", "type": "MFA_ENROLL"}, 200, "policy.lifecycle.update"},
		{"PUT", "/api/v1/policies/" + pid, Object{"name": "x", "type": "PASSWORD"}, 400, ""},
		{"POST", "/api/v1/policies/" + pid + "/lifecycle/deactivate", nil, 204, "policy.lifecycle.deactivate"},
		{"POST", "/api/v1/policies/" + pid + "/lifecycle/deactivate", nil, 204, ""},
		{"POST", "/api/v1/policies/" + pid + "/lifecycle/activate", nil, 204, "policy.lifecycle.activate"},
		{"POST", "/api/v1/policies/00pdef/lifecycle/deactivate", nil, 400, ""},
		{"POST", "/api/v1/policies/00pdef/lifecycle/activate", nil, 204, ""},
		{"PUT", "/api/v1/policies/" + pid + "/rules/" + rid, Object{"name": "Everyone v2"}, 200, "policy.rule.update"},
		{"POST", "/api/v1/policies/" + pid + "/rules/" + rid + "/lifecycle/deactivate", nil, 204, "policy.rule.deactivate"},
		{"POST", "/api/v1/policies/" + pid + "/rules/" + rid + "/lifecycle/activate", nil, 204, "policy.rule.activate"},
		{"POST", "/api/v1/policies/00pdef/rules/0prdef/lifecycle/deactivate", nil, 400, ""},
	}
	for _, st := range steps {
		before := len(s.Snapshot().Logs)
		res := call(t, ts, tok, st.method, st.path, st.body)
		if res.status != st.status {
			t.Fatalf("%s %s = %d %s, want %d", st.method, st.path, res.status, res.body, st.status)
		}
		var got []string
		for _, ev := range s.Snapshot().Logs[before:] {
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
	p := call(t, ts, tok, "GET", "/api/v1/policies/"+pid, nil).object(t)
	if p["name"] != "Enroll v2" || p["status"] != "ACTIVE" || p["type"] != "MFA_ENROLL" {
		t.Errorf("policy after the steps = %v", p)
	}

	// Deleting a rule, then its policy (what okta-sdk-golang's own
	// integration tests do to clean up).
	deletes := []struct{ path, event string }{
		{"/api/v1/policies/" + pid + "/rules/" + rid, "policy.rule.delete"},
		{"/api/v1/policies/" + pid, "policy.lifecycle.delete"},
	}
	for _, d := range deletes {
		before := len(s.Snapshot().Logs)
		if res := call(t, ts, tok, "DELETE", d.path, nil); res.status != 204 {
			t.Fatalf("DELETE %s = %d %s, want 204", d.path, res.status, res.body)
		}
		if logs := s.Snapshot().Logs[before:]; len(logs) != 1 || logs[0]["eventType"] != d.event {
			t.Errorf("DELETE %s events = %v, want one %s", d.path, logs, d.event)
		}
		if res := call(t, ts, tok, "GET", d.path, nil); res.errorCode(t) != "E0000007" {
			t.Errorf("GET %s after the delete = %d %s, want E0000007", d.path, res.status, res.body)
		}
	}
}
