package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

// cliStore is an approvals file with one pending proposal to suspend john
// on a running simulator, and the environment the command line needs.
type cliStore struct {
	db   string
	vars map[string]string
	sim  *embeddedSim
	pv   intents.Preview
	p    intents.Proposal
}

func newCLIStore(t *testing.T) cliStore {
	t.Helper()
	ctx := context.Background()
	sim, err := startSim(nil, "", newLogger(io.Discard, env(func(string) string { return "" })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() }) // teardown; a close error here decides nothing the test checks
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
	_ = st.Close() // teardown; a close error here decides nothing the test checks
	return cliStore{db: db, sim: sim, pv: pv, p: p, vars: map[string]string{
		"OKTABOT_DB": db, "OKTABOT_APPROVERS": "U0APPROVER",
		"OKTA_ORG_URL": sim.OrgURL, "OKTA_CLIENT_ID": sim.Client.ClientID, "OKTA_PRIVATE_KEY": string(sim.Client.PrivateKey),
	}}
}

// The approvals command line decides under the bot's policy, executes an
// approval against Okta once, and prints the audit log as JSON lines.
func TestApprovalsCommandLine(t *testing.T) {
	ctx := context.Background()
	cs := newCLIStore(t)
	sim, pv, p, vars := cs.sim, cs.pv, cs.p, cs.vars
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
	osUser, host := wantOrigin(t)
	decisions := 0
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("audit line %q is not JSON: %v", l, err)
		}
		for _, k := range []string{"requester", "approver", "action", "target", "result", "okta_request_id", "via", "os_user", "host", "prev_hash", "hash"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("audit line lacks %q: %s", k, l)
			}
		}
		switch rec["event"] {
		case "executed":
			executed = rec
		case "approved", "refused":
			// Each command-line decision, refused or not, says so and
			// who ran it where.
			decisions++
			if rec["via"] != "cli" || rec["os_user"] != osUser || rec["host"] != host {
				t.Errorf("%s audit line has via %q, os_user %q, host %q; want cli, %q, %q", rec["event"], rec["via"], rec["os_user"], rec["host"], osUser, host)
			}
		}
	}
	if decisions != 4 { // 3 refused (two policy refusals, one already decided) and 1 approved
		t.Errorf("%d decision records, want 4:\n%s", decisions, out)
	}
	if executed == nil || executed["requester"] != "U0ANALYST" || executed["approver"] != "U0APPROVER" || executed["action"] != "suspend_user" || executed["okta_request_id"] == "" {
		t.Errorf("executed audit line = %v", executed)
	}
}

// wantOrigin is who the command line should record: this process's OS
// user and host, found the plain way.
func wantOrigin(t *testing.T) (string, string) {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Skipf("no OS user to compare with: %v", err)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Skipf("no host name: %v", err)
	}
	return u.Username, host
}

// `approvals verify` passes on an untouched file and, after the file is
// edited directly, names the broken record and exits non-zero: an edited
// record, a removed one.
func TestApprovalsVerify(t *testing.T) {
	ctx := context.Background()
	cs := newCLIStore(t)
	if _, _, err := runCmd(t, ctx, cs.vars, "approvals", "reject", cs.p.ID, "--as", "U0APPROVER", "--reason", "false positive"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, ctx, cs.vars, "approvals", "verify")
	if err != nil || !strings.Contains(out, "The audit log holds: 2 records") {
		t.Fatalf("approvals verify on an untouched file = %q, %v; want it to hold 2 records", out, err)
	}

	// Someone with the file rewrites who rejected.
	editAudit(t, cs.db, func(audit *bolt.Bucket) {
		k := binary.BigEndian.AppendUint64(nil, 2)
		v := bytes.Replace(audit.Get(k), []byte(`"approver":"U0APPROVER"`), []byte(`"approver":"U0SOMEONE"`), 1)
		if err := audit.Put(k, v); err != nil {
			t.Fatal(err)
		}
	})
	_, _, err = runCmd(t, ctx, cs.vars, "approvals", "verify")
	if err == nil || exitCode(err) == 0 || !strings.Contains(err.Error(), "audit record 2 (proposal "+cs.p.ID+"): hash mismatch") {
		t.Errorf("approvals verify after an edit = %v, want a failure naming record 2 of %s and a hash mismatch", err, cs.p.ID)
	}

	// The first record removed.
	cs = newCLIStore(t)
	editAudit(t, cs.db, func(audit *bolt.Bucket) {
		if err := audit.Delete(binary.BigEndian.AppendUint64(nil, 1)); err != nil {
			t.Fatal(err)
		}
	})
	_, _, err = runCmd(t, ctx, cs.vars, "approvals", "verify")
	if err == nil || !strings.Contains(err.Error(), "audit record 1 (proposal "+cs.p.ID+"): missing record") {
		t.Errorf("approvals verify after a removal = %v, want a failure naming the missing record 1 of %s", err, cs.p.ID)
	}
}

// editAudit changes the audit bucket of a closed approvals file directly.
func editAudit(t *testing.T, path string, fn func(*bolt.Bucket)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }() // teardown; a close error here decides nothing the test checks
	if err := db.Update(func(tx *bolt.Tx) error {
		fn(tx.Bucket([]byte("audit")))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A decision clicked in Slack is recorded as via slack, with no OS user or
// host, and the log the running bot wrote verifies.
func TestRunRecordsSlackDecisions(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	t.Run("approve in Slack", func(t *testing.T) { // run stops when it ends
		ctx := startRun(t, fake, vars)
		hasButton := func(m slackfake.Message, action string) bool { return bytes.Contains(m.Blocks, []byte(`"`+action+`"`)) }
		m := slash(t, ctx, fake, "suspend john@company.com", func(m slackfake.Message) bool { return hasButton(m, blocks.ActionApprove) })
		if _, err := fake.Click(ctx, slackfake.Click{UserID: "U0LEAD", ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove}); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.WaitMessage(ctx, func(u slackfake.Message) bool {
			return u.Method == "chat.update" && u.TS == m.TS && hasButton(u, blocks.ActionUndo)
		}); err != nil {
			t.Fatalf("the approved proposal was not executed: %v", err)
		}
	})

	out, _, err := runCmd(t, context.Background(), vars, "approvals", "audit")
	if err != nil {
		t.Fatal(err)
	}
	var approved *auditLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec auditLine
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Event == "approved" {
			approved = &rec
		}
	}
	if approved == nil || approved.Approver != "U0LEAD" || approved.Via != "slack" || approved.OSUser != "" || approved.Host != "" {
		t.Errorf("approved audit line = %+v, want U0LEAD via slack without an OS user or host\n%s", approved, out)
	}
	if out, _, err := runCmd(t, context.Background(), vars, "approvals", "verify"); err != nil {
		t.Errorf("approvals verify on the log oktabot run wrote = %q, %v", out, err)
	}
}

// TestApprovalsCommandLineOnEtcd: with OKTABOT_STORE=etcd the command line
// lists, approves (Okta called once) and verifies while another process
// (a running bot, here a second store) uses the same etcd.
func TestApprovalsCommandLineOnEtcd(t *testing.T) {
	ctx := context.Background()
	cs := newCLIStore(t)
	srv := etcdtest.Start(t)
	bot := etcdstore.New(srv.Client(t), etcdstore.Options{}) // the bot's handle, kept open
	p, err := bot.Create(intents.Proposal{Preview: cs.pv, Requester: "U0ANALYST", Channel: "C0SEC"})
	if err != nil {
		t.Fatal(err)
	}
	vars := cs.vars
	delete(vars, "OKTABOT_DB")
	vars["OKTABOT_STORE"], vars["OKTABOT_ETCD_ENDPOINTS"] = "etcd", strings.Join(srv.Endpoints, ",")
	out, _, err := runCmd(t, ctx, vars, "approvals", "list")
	if err != nil || !strings.Contains(out, p.ID) {
		t.Fatalf("approvals list on etcd = %q, %v; want %s listed", out, err, p.ID)
	}
	out, _, err = runCmd(t, ctx, vars, "approvals", "approve", p.ID, "--as", "U0APPROVER")
	if err != nil || !strings.Contains(out, "done") {
		t.Fatalf("approve on etcd = %q, %v", out, err)
	}
	if n := cs.sim.Sim.Calls("POST", "/api/v1/users/"+cs.pv.Action.User.ID+"/lifecycle/suspend"); n != 1 {
		t.Errorf("%d suspend calls, want 1", n)
	}
	if got, err := bot.Get(p.ID); err != nil || got.State != intents.StateExecuted {
		t.Errorf("the bot's store sees %s, %v; want executed", got.State, err)
	}
	if out, _, err = runCmd(t, ctx, vars, "approvals", "verify"); err != nil {
		t.Errorf("approvals verify on etcd = %q, %v", out, err)
	}
	// Retention works on etcd too (retention_etcd_test.go): nothing here
	// is old enough.
	if out, _, err := runCmd(t, ctx, vars, "approvals", "archive"); err != nil || !strings.Contains(out, "Nothing to archive") {
		t.Errorf("approvals archive on etcd = %q, %v; want nothing to archive", out, err)
	}
}
