package oktasim

import "fmt"

// How Okta answers a list call from a service app without an admin role
// (Fixture.NoRoleLists, SetNoRoleLists). Okta's documentation leaves it
// open, and orgs do both: an empty 200 or the 403 E0000006 that object
// reads and writes always get.
const (
	NoRoleEmpty     = "empty"     // 200 [] (the default)
	NoRoleForbidden = "forbidden" // 403 E0000006 "You do not have permission …"
)

func checkNoRoleLists(mode string) error {
	switch mode {
	case "", NoRoleEmpty, NoRoleForbidden:
		return nil
	}
	return fmt.Errorf("oktasim: fixture: no_role_lists %q: want %q or %q", mode, NoRoleEmpty, NoRoleForbidden)
}

// SetNoRoleLists chooses how lists are answered while the service app has
// no admin role (SetAdminRole(false)): NoRoleEmpty or NoRoleForbidden.
func (s *Server) SetNoRoleLists(mode string) error {
	if err := checkNoRoleLists(mode); err != nil {
		return err
	}
	s.mu.Lock()
	s.noRole = mode
	s.mu.Unlock()
	return nil
}

// noRoleListsForbidden reports whether lists without an admin role are 403s.
func (s *Server) noRoleListsForbidden() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noRole == NoRoleForbidden
}
