package oktasim

import (
	"strings"
	"testing"
)

// statusFixture holds a user of every status Okta has.
func statusFixture() *Fixture {
	user := func(id, status string, creds Object) Object {
		u := Object{"id": id, "status": status, "profile": Object{"login": id + "@company.com"}}
		if creds != nil {
			u["credentials"] = creds
		}
		return u
	}
	pw := Object{"password": Object{}}
	return &Fixture{Users: []Object{
		user("00uA", statusActive, pw), user("00uE", statusPasswordExpired, pw), user("00uR", statusRecovery, pw),
		user("00uL", statusLockedOut, pw), user("00uS", statusSuspended, pw), user("00uP", statusProvisioned, nil),
		user("00uT", statusStaged, pw), user("00uN", statusStaged, nil), user("00uD", statusDeprovisioned, nil),
	}}
}

// Okta's transitions for the lifecycle operations, from every status.
func TestUserStatusTransitions(t *testing.T) {
	tests := []struct {
		user, op string
		status   int
		want     string // status afterwards
		code     string // Okta's errorCode of a refusal, when not E0000001
	}{
		{"00uA", "expire_password", 200, statusPasswordExpired, ""},
		{"00uE", "expire_password", 200, statusPasswordExpired, ""},
		{"00uS", "expire_password", 403, statusSuspended, codeUserStatus},
		{"00uA", "expire_password_with_temp_password", 200, statusPasswordExpired, ""},
		{"00uA", "reset_password?sendEmail=false", 200, statusRecovery, ""},
		{"00uE", "reset_password?sendEmail=false", 200, statusRecovery, ""},
		{"00uL", "reset_password?sendEmail=true", 200, statusRecovery, ""},
		{"00uD", "reset_password?sendEmail=false", 403, statusDeprovisioned, codePasswordReset},
		{"00uS", "reset_password?sendEmail=true", 403, statusSuspended, codePasswordReset},
		{"00uR", "reset_password?sendEmail=true", 200, statusRecovery, ""},
		{"00uE", "suspend", 400, statusPasswordExpired, ""},
		{"00uR", "suspend", 400, statusRecovery, ""},
		{"00uL", "suspend", 400, statusLockedOut, ""},
		{"00uE", "unsuspend", 400, statusPasswordExpired, ""},
		{"00uR", "unlock", 400, statusRecovery, ""},
		{"00uR", "reactivate", 400, statusRecovery, ""},
		{"00uE", "deactivate", 200, statusDeprovisioned, ""},
		{"00uR", "deactivate", 200, statusDeprovisioned, ""},
		{"00uE", "reset_factors", 200, statusPasswordExpired, ""},
		{"00uT", "activate?sendEmail=false", 200, statusActive, ""}, // a password: ACTIVE at once
		{"00uN", "activate?sendEmail=false", 200, statusProvisioned, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.op, func(t *testing.T) {
			_, ts := newSim(t, statusFixture())
			tok := bearer(t, ts, "okta.users.manage")
			path := "/api/v1/users/" + tt.user + "/lifecycle/" + tt.op
			res := call(t, ts, tok, "POST", path, nil)
			if res.status != tt.status {
				t.Fatalf("POST %s = %d %s, want %d", path, res.status, res.body, tt.status)
			}
			u := call(t, ts, tok, "GET", "/api/v1/users/"+tt.user, nil).object(t)
			if u["status"] != tt.want {
				t.Errorf("after POST %s the user is %v, want %s", path, u["status"], tt.want)
			}
			body := string(res.body)
			switch op, _, _ := strings.Cut(tt.op, "?"); {
			case res.status != 200:
				want := tt.code
				if want == "" {
					want = codeValidation
				}
				if code := res.object(t)["errorCode"]; code != want {
					t.Errorf("POST %s refused with %v, want %s", path, code, want)
				}
			case op == "expire_password":
				if res.object(t)["status"] != statusPasswordExpired {
					t.Errorf("expire_password answered %s, want the user, PASSWORD_EXPIRED", body)
				}
			case op == "expire_password_with_temp_password":
				if res.object(t)["tempPassword"] == "" {
					t.Errorf("expire_password_with_temp_password answered %s, want a tempPassword", body)
				}
			case tt.op == "reset_password?sendEmail=false":
				if !strings.Contains(body, `"resetPasswordUrl"`) {
					t.Errorf("reset_password answered %s, want a resetPasswordUrl", body)
				}
			}
		})
	}
	// Links offer only what the status allows: no suspend once the
	// password expired or a reset is under way.
	_, ts := newSim(t, statusFixture())
	tok := bearer(t, ts, "okta.users.read")
	for _, id := range []string{"00uE", "00uR"} {
		u := call(t, ts, tok, "GET", "/api/v1/users/"+id, nil).object(t)
		links, _ := u["_links"].(map[string]any)
		if links["suspend"] != nil || links["resetPassword"] == nil || links["deactivate"] == nil {
			t.Errorf("user %s (%s) links = %v, want resetPassword and deactivate, no suspend", id, u["status"], links)
		}
	}
}
