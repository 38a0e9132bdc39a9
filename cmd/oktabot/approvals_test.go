package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

// The approvals command line decides under the bot's policy, executes an
// approval against Okta once, and prints the audit log as JSON lines.
func TestApprovalsCommandLine(t *testing.T) {
	ctx := context.Background()
	sim, err := startSim(nil, "", newLogger(io.Discard, env(func(string) string { return "" })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir, err := okta.New(sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "oktabot.db")
	st, err := approvals.Open(db, approvals.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	pv, err := dir.Preview(ctx, intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "tor login"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Create(intents.Proposal{Preview: pv, Requester: "U0ANALYST", Channel: "C0SEC"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	vars := map[string]string{
		"OKTABOT_DB": db, "OKTABOT_APPROVERS": "U0APPROVER",
		"OKTA_ORG_URL": sim.OrgURL, "OKTA_CLIENT_ID": sim.Client.ClientID, "OKTA_PRIVATE_KEY": string(sim.Client.PrivateKey),
	}
	out, _, err := runCmd(t, ctx, vars, "approvals", "list")
	if err != nil || !strings.Contains(out, p.ID) {
		t.Fatalf("approvals list = %q, %v; want %s listed", out, err, p.ID)
	}
	suspends := func() int { return sim.Sim.Calls("POST", "/api/v1/users/"+pv.Action.User.ID+"/lifecycle/suspend") }

	for _, bad := range []struct{ as, want string }{
		{"U0NOBODY", "not an approver"},
		{"U0ANALYST", "not an approver"},
		{"#general", "Slack user id"},
	} {
		_, _, err := runCmd(t, ctx, vars, "approvals", "approve", p.ID, "--as", bad.as)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("approve --as %s = %v, want a refusal mentioning %q", bad.as, err, bad.want)
		}
	}
	if n := suspends(); n != 0 {
		t.Fatalf("refused decisions made %d suspend calls", n)
	}
	out, _, err = runCmd(t, ctx, vars, "approvals", "approve", p.ID, "--as", "U0APPROVER")
	if err != nil || !strings.Contains(out, "done") {
		t.Fatalf("approve = %q, %v", out, err)
	}
	if _, _, err := runCmd(t, ctx, vars, "approvals", "approve", p.ID, "--as", "U0APPROVER"); err == nil || !strings.Contains(err.Error(), "already decided") {
		t.Errorf("a second approve = %v, want already decided", err)
	}
	if n := suspends(); n != 1 {
		t.Errorf("%d suspend calls, want 1", n)
	}

	out, _, err = runCmd(t, ctx, vars, "approvals", "audit")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var executed map[string]any
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("audit line %q is not JSON: %v", l, err)
		}
		for _, k := range []string{"requester", "approver", "action", "target", "result", "okta_request_id"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("audit line lacks %q: %s", k, l)
			}
		}
		if rec["event"] == "executed" {
			executed = rec
		}
	}
	if executed == nil || executed["requester"] != "U0ANALYST" || executed["approver"] != "U0APPROVER" || executed["action"] != "suspend_user" || executed["okta_request_id"] == "" {
		t.Errorf("executed audit line = %v", executed)
	}
}
