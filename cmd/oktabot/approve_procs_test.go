package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// Done when, issue 15: 50 concurrent Approve clicks delivered across two
// `oktabot run` processes sharing one etcd make exactly one Okta call,
// and everything shown ends on the same outcome: the proposal message
// shows it done, and every other click is told it was already decided.
func TestTwoProcessesApproveOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two oktabot processes on one etcd")
	}
	const clicks = 50
	w := newLiveWeek(t)
	etcd := etcdtest.Start(t)
	const prefix = "/approve/"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	replicas := startReplicas(ctx, t, w, etcd, prefix)

	m := slash(t, ctx, w.fake, "suspend john@company.com", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && bytes.Contains(m.Blocks, []byte(`"`+blocks.ActionApprove+`"`))
	})
	// The button as it is now: the first click to land redraws the
	// message without it, and the others are clicks on what the approver
	// still sees.
	block, id := approveButton(t, m)

	envs := make([]string, clicks)
	var wg sync.WaitGroup
	for i := range envs {
		wg.Go(func() {
			env, err := w.fake.Click(ctx, slackfake.Click{UserID: "U0LEAD", ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: block, Value: id})
			if err != nil {
				t.Errorf("click %d: %v", i, err)
			}
			envs[i] = env
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	sockets := map[int]int{}
	for _, env := range envs {
		ack, err := w.fake.WaitAck(ctx, env)
		if err != nil {
			t.Fatal(err)
		}
		sockets[ack.EnvConn]++
	}
	if _, err := w.fake.WaitMessage(ctx, func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && bytes.Contains(u.Blocks, []byte(`"`+blocks.ActionUndo+`"`))
	}); err != nil {
		t.Fatalf("the approved proposal was not shown executed: %v", err)
	}
	// SIGTERM drains what each process has in hand: every click's work
	// is done once both have exited.
	for _, r := range replicas {
		r.stop()
	}

	// Each process decided (or refused) some of the clicks, and every
	// click was handled by one process exactly.
	handled := 0
	for name, r := range replicas {
		n := 0
		for _, l := range strings.Split(r.stderr.String(), "\n") {
			if strings.Contains(l, "proposal="+id) && (strings.Contains(l, `msg="proposal decided"`) || strings.Contains(l, `msg="decision refused"`)) {
				n++
			}
		}
		t.Logf("replica %s handled %d clicks", name, n)
		if n == 0 {
			t.Errorf("replica %s handled none of the %d clicks: they did not reach both processes", name, clicks)
		}
		handled += n
	}
	t.Logf("the clicks went to the sockets %v", sockets)
	if handled != clicks {
		t.Errorf("the replicas handled %d clicks, want each of the %d once", handled, clicks)
	}

	store := etcdstore.New(etcd.Client(t), etcdstore.Options{Prefix: prefix})
	defer func() { _ = store.Close() }() // read only
	p, err := store.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if n := w.sim.Calls("POST", "/api/v1/users/"+p.Preview.Action.User.ID+"/lifecycle/suspend"); n != 1 {
		t.Errorf("%d Approve clicks across two processes made %d suspend calls, want 1", clicks, n)
	}
	if p.State != intents.StateExecuted {
		t.Errorf("the proposal is %s, want executed", p.State)
	}
	executing := 0
	if err := store.Audit(func(r intents.AuditRecord) error {
		if r.ProposalID == id && r.Event == "executing" {
			executing++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if executing != 1 {
		t.Errorf("%d executing audit records, want 1", executing)
	}
	if out, _, err := runCmd(t, ctx, replicaVars(w, etcd.Endpoints, prefix), "approvals", "verify"); err != nil {
		t.Errorf("approvals verify on the etcd both processes wrote = %q, %v", out, err)
	}

	// What people see ends on that outcome: the proposal message shows it
	// done, with Undo and no Approve; each other click, on either
	// process, was told it was already decided, and nothing else.
	if cur, ok := w.fake.Current(m.Channel, m.TS); !ok || !strings.Contains(string(cur.Blocks), ":white_check_mark:") ||
		!bytes.Contains(cur.Blocks, []byte(blocks.ActionUndo)) || bytes.Contains(cur.Blocks, []byte(blocks.ActionApprove)) {
		t.Errorf("the proposal message does not end showing it done:\n%s", cur.Blocks)
	}
	told := 0
	for _, u := range w.fake.Messages() {
		if !u.Ephemeral || u.User != "U0LEAD" {
			continue
		}
		// The state it names is the approval on its way to the same
		// outcome: approved, executing or executed.
		if strings.Contains(u.Text, "Already decided: It is approved") || strings.Contains(u.Text, "Already decided: It is execut") {
			told++
		} else {
			t.Errorf("a click was told %q, want already decided (approved, executing or executed)", u.Text)
		}
	}
	if told != clicks-1 {
		t.Errorf("%d clicks were told the proposal was already decided, want %d", told, clicks-1)
	}
}

// approveButton is the block_id and value (the proposal id) of m's
// Approve button.
func approveButton(t *testing.T, m slackfake.Message) (string, string) {
	t.Helper()
	var bs []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == blocks.ActionApprove && strings.HasPrefix(e.Value, "p-") {
				return b.BlockID, e.Value
			}
		}
	}
	t.Fatalf("no Approve button with a proposal id in %s", m.Blocks)
	return "", ""
}
