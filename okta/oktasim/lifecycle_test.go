package oktasim

import (
	"testing"
	"time"
)

func TestUserLifecycle(t *testing.T) {
	// smallOrg: 00u1 ACTIVE, 00u2 SUSPENDED, 00u3 LOCKED_OUT, 00u4 STAGED,
	// 00u5 DEPROVISIONED, 00u6 PROVISIONED.
	tests := []struct {
		user, op   string
		status     int
		code       string
		wantStatus string
		event      string
	}{
		{"00u1", "suspend", 200, "", "SUSPENDED", "user.lifecycle.suspend"},
		{"00u2", "suspend", 400, "E0000001", "SUSPENDED", ""},
		{"00u4", "suspend", 400, "E0000001", "STAGED", ""},
		{"00u2", "unsuspend", 200, "", "ACTIVE", "user.lifecycle.unsuspend"},
		{"00u1", "unsuspend", 400, "E0000001", "ACTIVE", ""},
		{"00u3", "unlock", 200, "", "ACTIVE", "user.account.unlock_by_admin"},
		{"00u1", "unlock", 400, "E0000001", "ACTIVE", ""},
		{"00u4", "activate", 200, "", "PROVISIONED", "user.lifecycle.activate"},
		{"00u5", "activate", 200, "", "PROVISIONED", "user.lifecycle.activate"},
		{"00u1", "activate", 403, "E0000016", "ACTIVE", ""},
		{"00u6", "activate", 403, "E0000016", "PROVISIONED", ""},
		{"00u6", "reactivate", 200, "", "PROVISIONED", "user.lifecycle.reactivate"},
		{"00u1", "reactivate", 400, "E0000001", "ACTIVE", ""},
		{"00u1", "deactivate", 200, "", "DEPROVISIONED", "user.lifecycle.deactivate"},
		{"00u2", "deactivate", 200, "", "DEPROVISIONED", "user.lifecycle.deactivate"},
		{"00u5", "deactivate", 400, "E0000001", "DEPROVISIONED", ""},
		{"00u1", "reset_factors", 200, "", "ACTIVE", "user.mfa.factor.reset_all"},
		{"00u5", "reset_factors", 400, "E0000001", "DEPROVISIONED", ""},
		{"nobody", "suspend", 404, "E0000007", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.op, func(t *testing.T) {
			s, ts := newSim(t, smallOrg())
			s.SetClock((&fakeClock{t: time.Now().Add(time.Minute)}).now) // writes visibly later than loading
			tok := bearer(t, ts, "okta.users.manage")
			before := s.Snapshot()
			path := "/api/v1/users/" + tt.user + "/lifecycle/" + tt.op
			res := call(t, ts, tok, "POST", path, nil)
			if res.status != tt.status {
				t.Fatalf("POST %s = %d %s, want %d", path, res.status, res.body, tt.status)
			}
			if tt.code != "" && res.errorCode(t) != tt.code {
				t.Errorf("POST %s errorCode = %q, want %q", path, res.errorCode(t), tt.code)
			}
			after := s.Snapshot()
			if tt.wantStatus != "" {
				u := call(t, ts, tok, "GET", "/api/v1/users/"+tt.user, nil).object(t)
				if u["status"] != tt.wantStatus {
					t.Errorf("status after POST %s = %v, want %s", path, u["status"], tt.wantStatus)
				}
				if tt.event != "" && u["lastUpdated"] == userObj(before, tt.user)["lastUpdated"] {
					t.Errorf("POST %s did not bump lastUpdated", path)
				}
			}
			newEvents := after.Logs[len(before.Logs):]
			if tt.event == "" {
				if len(newEvents) != 0 {
					t.Errorf("refused POST %s wrote events %v", path, newEvents)
				}
				return
			}
			if len(newEvents) != 1 || newEvents[0]["eventType"] != tt.event {
				t.Fatalf("POST %s wrote events %v, want one %s", path, newEvents, tt.event)
			}
			ev := newEvents[0]
			actor, _ := lookup(ev, "actor", "id")
			target, _ := lookup(ev["target"].([]any)[0].(map[string]any), "id")
			if actor != testClient || target != tt.user {
				t.Errorf("event %s actor %v target %v, want %s on %s", tt.event, actor, target, testClient, tt.user)
			}
		})
	}
}

func userObj(fx *Fixture, id string) Object {
	for _, u := range fx.Users {
		if u["id"] == id {
			return u
		}
	}
	return nil
}

func TestSessionsAndFactors(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, "okta.users.manage")
	if n := s.Sessions("00u1"); n != 1 {
		t.Errorf("Sessions(00u1) = %d, want 1 (ACTIVE users start with one)", n)
	}
	if n := s.Sessions("jane@company.com"); n != 0 {
		t.Errorf("Sessions(jane) = %d, want 0 (SUSPENDED)", n)
	}
	for range 2 { // 204 every time, as Okta
		if res := call(t, ts, tok, "DELETE", "/api/v1/users/00u1/sessions?oauthTokens=true", nil); res.status != 204 {
			t.Errorf("DELETE sessions = %d %s, want 204", res.status, res.body)
		}
	}
	if n := s.Sessions("00u1"); n != 0 {
		t.Errorf("Sessions(00u1) = %d after clearing, want 0", n)
	}
	if res := call(t, ts, tok, "POST", "/api/v1/users/00u1/lifecycle/reset_factors", nil); res.status != 200 {
		t.Fatalf("reset_factors = %d %s", res.status, res.body)
	}
	if f := call(t, ts, tok, "GET", "/api/v1/users/00u1/factors", nil).list(t); len(f) != 0 {
		t.Errorf("factors after reset_factors = %v, want none", f)
	}
	fx := smallOrg()
	fx.Users[0]["_sessions"] = 3
	s2, _ := newSim(t, fx)
	if n := s2.Sessions("00u1"); n != 3 {
		t.Errorf("Sessions(00u1) = %d with _sessions 3, want 3", n)
	}
	// deactivate drops sessions.
	if res := call(t, ts, tok, "POST", "/api/v1/users/00u3/lifecycle/unlock", nil); res.status != 200 {
		t.Fatalf("unlock = %d", res.status)
	}
	s.org.mu.Lock()
	s.org.sessions["00u3"] = 2
	s.org.mu.Unlock()
	call(t, ts, tok, "POST", "/api/v1/users/00u3/lifecycle/deactivate", nil)
	if n := s.Sessions("00u3"); n != 0 {
		t.Errorf("Sessions(00u3) = %d after deactivate, want 0", n)
	}
}
