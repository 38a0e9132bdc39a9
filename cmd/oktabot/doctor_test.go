package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// doctorOrg serves a one-user org whose service app has no admin role,
// answering lists as mode says (oktasim.NoRoleEmpty or NoRoleForbidden).
func doctorOrg(t *testing.T, mode string) map[string]string {
	t.Helper()
	off := false
	fx := &oktasim.Fixture{AdminRole: &off, NoRoleLists: mode,
		Users: []oktasim.Object{{"profile": map[string]any{"login": "admin@company.com"}}}}
	s, err := startSim(fx, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return map[string]string{"OKTA_ORG_URL": s.OrgURL, "OKTA_CLIENT_ID": s.Client.ClientID,
		"OKTA_PRIVATE_KEY": string(s.Client.PrivateKey)}
}

// Doctor on an org that answers a service app without an admin role with
// 403s (or empty lists) says so once, with what to assign, and fails.
func TestDoctorNoAdminRole(t *testing.T) {
	for _, tt := range []struct{ mode, want string }{
		{oktasim.NoRoleForbidden, "no admin role, or a role without user access"},
		{oktasim.NoRoleEmpty, "Okta lists no users"},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			out, stderr, err := runCmd(t, context.Background(), doctorOrg(t, tt.mode), "doctor")
			if err == nil {
				t.Fatalf("doctor succeeded without an admin role:\n%s", out)
			}
			all := out + stderr + err.Error()
			if n := strings.Count(all, tt.want); n != 1 {
				t.Errorf("doctor printed %q %d times, want once; stdout:\n%s\nstderr:\n%s\nerror: %v", tt.want, n, out, stderr, err)
			}
			if !strings.Contains(out, "✗ admin role") || !strings.Contains(out, "Read-Only Administrator") {
				t.Errorf("doctor stdout = %q, want the admin-role problem and what to assign", out)
			}
			if strings.Count(all, "✗") != 1 {
				t.Errorf("doctor reported %d problems, want 1:\n%s%s", strings.Count(all, "✗"), out, stderr)
			}
		})
	}
}

// A configuration problem is printed once, not again as the error.
func TestDoctorConfigurationOnce(t *testing.T) {
	vars := doctorOrg(t, oktasim.NoRoleEmpty)
	delete(vars, "OKTA_CLIENT_ID")
	out, stderr, err := runCmd(t, context.Background(), vars, "doctor")
	if err == nil {
		t.Fatalf("doctor succeeded without OKTA_CLIENT_ID:\n%s", out)
	}
	const want = "OKTA_CLIENT_ID is not set"
	if n := strings.Count(out+stderr+err.Error(), want); n != 1 {
		t.Errorf("doctor printed %q %d times, want once; stdout:\n%s\nstderr:\n%s\nerror: %v", want, n, out, stderr, err)
	}
}
