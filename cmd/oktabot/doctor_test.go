package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/bot/slackfake"
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
	t.Cleanup(func() { _ = s.Close() }) // teardown; a close error here decides nothing the test checks
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

// Every bad setting is printed once, each on its own line, and counted.
func TestDoctorListsEveryProblem(t *testing.T) {
	vars := doctorOrg(t, oktasim.NoRoleEmpty)
	delete(vars, "OKTA_CLIENT_ID")
	vars["OKTA_RATE_SHARE"] = "2"
	vars["OKTABOT_TZ"] = "Central Time"
	out, stderr, err := runCmd(t, context.Background(), vars, "doctor")
	if err == nil || !strings.Contains(err.Error(), "3 problems") {
		t.Errorf("doctor = %v, want 3 problems to fix", err)
	}
	all := out + stderr + err.Error()
	for _, want := range []string{"✗ configuration: OKTA_CLIENT_ID is not set", "✗ configuration: OKTA_RATE_SHARE", "✗ configuration: OKTABOT_TZ"} {
		if n := strings.Count(all, want); n != 1 {
			t.Errorf("doctor printed %q %d times, want once:\n%s%s", want, n, out, stderr)
		}
	}
}

// With the Slack tokens set, doctor checks what `run` checks at start-up:
// the settings run needs and each channel; without them it says Slack was
// not checked rather than "All good".
func TestDoctorChecksSlack(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	out, stderr, err := runCmd(t, context.Background(), vars, "doctor")
	if err != nil || !strings.Contains(out, "✓ slack") || !strings.Contains(out, "All good.") {
		t.Errorf("doctor on a good setup = %v:\n%s%s", err, out, stderr)
	}

	vars["OKTABOT_CHANNELS"] = secChannel + "," + generalChannel
	vars["OKTABOT_APPROVERS"] = ""
	out, stderr, err = runCmd(t, context.Background(), vars, "doctor")
	if err == nil || !strings.Contains(err.Error(), "2 problems") {
		t.Errorf("doctor = %v, want 2 problems to fix:\n%s%s", err, out, stderr)
	}
	for _, want := range []string{"✗ configuration: OKTABOT_APPROVERS is not set", "✗ slack: OKTABOT_CHANNELS: #general (C0GEN) is a public channel"} {
		if n := strings.Count(out+stderr, want); n != 1 {
			t.Errorf("doctor printed %q %d times, want once:\n%s%s", want, n, out, stderr)
		}
	}
	if strings.Contains(out, "All good") || strings.Contains(out, "✓ slack") {
		t.Errorf("doctor with problems says all is well:\n%s", out)
	}
	if fake.Connections() != 0 {
		t.Errorf("doctor opened %d Socket Mode connections", fake.Connections())
	}

	delete(vars, "SLACK_BOT_TOKEN")
	delete(vars, "SLACK_APP_TOKEN")
	out, _, err = runCmd(t, context.Background(), vars, "doctor")
	if err != nil || strings.Contains(out, "All good") || !strings.Contains(out, "slack: not checked") {
		t.Errorf("doctor without Slack tokens = %v, want Okta checked and Slack said to be unchecked:\n%s", err, out)
	}
}

// With the watcher on (the default), doctor checks that the token has
// okta.logs.read and says what to grant when it lacks it; with
// OKTABOT_WATCH=off it does not ask for it.
func TestDoctorWatcherNeedsLogsRead(t *testing.T) {
	_, vars := runSetup(t, slackfake.Options{})
	delete(vars, "SLACK_BOT_TOKEN")
	delete(vars, "SLACK_APP_TOKEN")
	out, _, err := runCmd(t, context.Background(), vars, "doctor")
	if err != nil || !strings.Contains(out, "✓ watcher: okta.logs.read is granted") {
		t.Errorf("doctor with every scope = %v, want the watcher's scope confirmed:\n%s", err, out)
	}
	vars["OKTA_SCOPES"] = "okta.users.read okta.groups.read"
	out, stderr, err := runCmd(t, context.Background(), vars, "doctor")
	const want = "✗ watcher: the token lacks okta.logs.read"
	if err == nil || strings.Count(out, want) != 1 || !strings.Contains(out, "Okta API Scopes tab") || !strings.Contains(out, "OKTABOT_WATCH=off") {
		t.Errorf("doctor without okta.logs.read = %v, want %q once with what to grant:\n%s%s", err, want, out, stderr)
	}
	vars["OKTABOT_WATCH"] = "off"
	out, _, err = runCmd(t, context.Background(), vars, "doctor")
	if err != nil || strings.Contains(out, "watcher") {
		t.Errorf("doctor with OKTABOT_WATCH=off = %v, want no watcher check:\n%s", err, out)
	}
}
