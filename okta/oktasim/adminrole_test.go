package oktasim

import "testing"

// Without an admin role an org may answer lists with 403 E0000006 instead
// of []: both are Okta's behaviour, chosen by fixture or SetNoRoleLists.
func TestNoAdminRoleForbiddenLists(t *testing.T) {
	fx := smallOrg()
	off := false
	fx.AdminRole, fx.NoRoleLists = &off, NoRoleForbidden
	s, ts := newSim(t, fx)
	tok := bearer(t, ts, allTestScopes)
	for _, path := range []string{"/api/v1/users", "/api/v1/groups", "/api/v1/apps", "/api/v1/logs",
		"/api/v1/policies?type=OKTA_SIGN_ON", "/api/v1/users/00u1"} {
		if res := call(t, ts, tok, "GET", path, nil); res.status != 403 || res.errorCode(t) != "E0000006" {
			t.Errorf("GET %s without admin role (forbidden lists) = %d %s, want 403 E0000006", path, res.status, res.body)
		}
	}
	if got := s.Snapshot().NoRoleLists; got != NoRoleForbidden {
		t.Errorf("Snapshot().NoRoleLists = %q, want %q", got, NoRoleForbidden)
	}
	if err := s.SetNoRoleLists(NoRoleEmpty); err != nil {
		t.Fatal(err)
	}
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != 200 || string(res.body) != "[]" {
		t.Errorf("GET /api/v1/users with empty lists = %d %s, want 200 []", res.status, res.body)
	}
	if err := s.SetNoRoleLists("maybe"); err == nil {
		t.Error(`SetNoRoleLists("maybe") accepted an unknown mode`)
	}
	if _, err := New(&Fixture{NoRoleLists: "maybe"}); err == nil {
		t.Error(`New(no_role_lists "maybe") accepted an unknown mode`)
	}
}
