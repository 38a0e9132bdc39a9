package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoSim serves the demo org on the embedded simulator for the test.
func demoSim(t *testing.T) *embeddedSim {
	t.Helper()
	sim, err := startSim(nil, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() }) // teardown; a close error here decides nothing the test checks
	return sim
}

// runVars is a good `oktabot run` environment on a fake Slack and the
// embedded simulator with the demo org.
func runVars(t *testing.T, fake *slackfake.Server) map[string]string {
	t.Helper()
	sim := demoSim(t)
	return map[string]string{
		"SLACK_BOT_TOKEN": slackfake.DefaultBotToken, "SLACK_APP_TOKEN": slackfake.DefaultAppToken, "SLACK_API_URL": fake.APIURL(),
		"OKTA_ORG_URL": sim.OrgURL, "OKTA_CLIENT_ID": sim.Client.ClientID, "OKTA_PRIVATE_KEY": string(sim.Client.PrivateKey),
		"OKTABOT_CHANNELS": "C0SEC", "OKTABOT_APPROVERS": "U0APPROVER", "OKTABOT_DB": filepath.Join(t.TempDir(), "oktabot.db"),
		// The fake's channels are public: only the checks here should stop
		// start-up.
		"OKTABOT_ALLOW_PUBLIC_CHANNELS": "true",
	}
}

// runStops runs `oktabot run` and returns its error, failing the test if
// it started serving instead.
func runStops(t *testing.T, fake *slackfake.Server, vars map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := runCmd(t, ctx, vars, "run")
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("oktabot run = %v, want it to stop at start-up", err)
	}
	if n := fake.Connections(); n != 0 {
		t.Errorf("oktabot run opened %d Socket Mode connections before stopping", n)
	}
	return err
}

// Start-up stops, naming what is wrong: a protected entry that names
// nothing in Okta, an approver user group on a Slack plan without user
// groups, a token that cannot read admin roles while admins are protected.
func TestRunStopsOnProtectionProblems(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string
		fake   func(*slackfake.Server)
		want   []string
	}{
		{"protected entry naming nothing", map[string]string{"OKTABOT_PROTECTED": "Okta Admins, breakglass-01@company.com, Break Glas"},
			nil, []string{`OKTABOT_PROTECTED: "Break Glas" names no Okta user`}},
		{"approver group on a plan without user groups", map[string]string{"OKTABOT_APPROVERS": "U0APPROVER,S0SECTEAM"},
			func(f *slackfake.Server) { f.SetNoUserGroups(true) }, []string{"S0SECTEAM", "plan has no user groups", "user id (U…)"}},
		{"no okta.roles.read", map[string]string{"OKTA_SCOPES": "okta.users.read okta.users.manage okta.groups.read okta.logs.read"},
			nil, []string{"okta.roles.read", "OKTABOT_ALLOW_ADMIN_TARGETS=true"}},
		{"all at once", map[string]string{"OKTABOT_PROTECTED": "Nobody Here", "OKTABOT_APPROVERS": "S0SECTEAM",
			"OKTA_SCOPES": "okta.users.read okta.groups.read okta.apps.read"},
			func(f *slackfake.Server) { f.SetNoUserGroups(true) }, []string{"Nobody Here", "S0SECTEAM", "okta.roles.read"}},
		{"bad OKTABOT_ALLOW_ADMIN_TARGETS", map[string]string{"OKTABOT_ALLOW_ADMIN_TARGETS": "sometimes"}, nil, []string{"OKTABOT_ALLOW_ADMIN_TARGETS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := slackfake.New(slackfake.Options{})
			t.Cleanup(fake.Close)
			if tt.fake != nil {
				tt.fake(fake)
			}
			vars := runVars(t, fake)
			for k, v := range tt.change {
				vars[k] = v
			}
			err := runStops(t, fake, vars)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("oktabot run = %q, want it to say %q", err, w)
				}
			}
		})
	}
}

// With OKTABOT_ALLOW_ADMIN_TARGETS=true the roles need not be readable;
// the protected entries resolve to their ids.
func TestRunStartsWithProtection(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	vars := runVars(t, fake)
	vars["OKTA_SCOPES"] = "okta.users.read okta.users.manage okta.groups.read okta.apps.read okta.logs.read"
	vars["OKTABOT_ALLOW_ADMIN_TARGETS"] = "true"
	vars["OKTABOT_PROTECTED"] = "Okta Admins, breakglass-01@company.com"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := runCmd(t, ctx, vars, "run")
		done <- err
	}()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	err := fake.WaitConnections(wctx, 1)
	cancel()
	if runErr := <-done; runErr != nil {
		t.Fatalf("oktabot run: %v", runErr)
	}
	if err != nil {
		t.Fatalf("oktabot run never connected: %v", err)
	}
}

// resolveProtection protects by id: a protected group renamed since
// start-up stays protected; the service app is protected under the app id
// the org lists it with.
func TestResolveProtection(t *testing.T) {
	sim := demoSim(t)
	// The org lists the service app under an id that is not its client id.
	key, pub, err := oktasim.NewServiceAppKey("listed")
	if err != nil {
		t.Fatal(err)
	}
	sim.Sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oaLISTEDCLIENT", PublicKey: pub, KeyID: "listed", OrgAppID: "0oaLISTEDAPPID"})
	listed, err := okta.New(okta.Config{OrgURL: sim.OrgURL, ClientID: "0oaLISTEDCLIENT", PrivateKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := resolveProtection(t.Context(), listed, nil, slog.New(slog.DiscardHandler)); err != nil || p.ServiceAppID != "0oaLISTEDAPPID" {
		t.Errorf("ServiceAppID = %q, %v; want the app id the org lists it with", p.ServiceAppID, err)
	}

	dir, err := okta.New(sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	p, err := resolveProtection(t.Context(), dir, []string{"okta admins", "breakglass-01@company.com"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var adminsID string
	for _, g := range sim.Sim.Snapshot().Groups {
		if prof, _ := g["profile"].(map[string]any); prof["name"] == "Okta Admins" {
			adminsID, _ = g["id"].(string)
		}
	}
	renamed := intents.Preview{Action: intents.Action{Kind: intents.DeleteGroup, Group: &intents.Ref{Type: "group", ID: adminsID, Name: "Former Admins"}}}
	if bad, why := p.Check(renamed); !bad || !strings.Contains(why, "okta admins") {
		t.Errorf("Check(the protected group, renamed) = %v %q, want protected by its id", bad, why)
	}
	if len(p.IDs) != 2 {
		t.Errorf("IDs = %v, want the group and the user", p.IDs)
	}
	// The demo's service app is not among its apps: the client id stands in.
	if p.ServiceAppID != sim.Client.ClientID {
		t.Errorf("ServiceAppID = %q, want the client id %q", p.ServiceAppID, sim.Client.ClientID)
	}
}
