package oktasim

import "testing"

// reset_password emails the user only with sendEmail=true; with false it
// answers with the reset link and sends nothing. A LOCKED_OUT user's links
// offer the reset Okta allows.
func TestPasswordResetEmails(t *testing.T) {
	s, ts := newSim(t, statusFixture())
	tok := bearer(t, ts, "okta.users.manage")
	if res := call(t, ts, tok, "POST", "/api/v1/users/00uA/lifecycle/reset_password?sendEmail=true", nil); res.status != 200 {
		t.Fatalf("reset_password?sendEmail=true = %d %s", res.status, res.body)
	}
	if res := call(t, ts, tok, "POST", "/api/v1/users/00uE/lifecycle/reset_password?sendEmail=false", nil); res.status != 200 {
		t.Fatalf("reset_password?sendEmail=false = %d %s", res.status, res.body)
	}
	if n := s.PasswordResetEmails("00uA"); n != 1 {
		t.Errorf("PasswordResetEmails(00uA) = %d after sendEmail=true, want 1", n)
	}
	if n := s.PasswordResetEmails("00uE"); n != 0 {
		t.Errorf("PasswordResetEmails(00uE) = %d after sendEmail=false, want 0", n)
	}
	if res := call(t, ts, tok, "POST", "/api/v1/users/00uS/lifecycle/reset_password?sendEmail=true", nil); res.status != 403 || s.PasswordResetEmails("00uS") != 0 {
		t.Errorf("a refused reset: %d, %d emails; want 403 and none", res.status, s.PasswordResetEmails("00uS"))
	}
	u := call(t, ts, tok, "GET", "/api/v1/users/00uL", nil).object(t)
	if links, _ := u["_links"].(map[string]any); links["unlock"] == nil || links["resetPassword"] == nil || links["expirePassword"] != nil {
		t.Errorf("LOCKED_OUT links = %v, want unlock and resetPassword, no expirePassword", links)
	}
}
