package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
)

const approver = "U0APPROVER"

// allScopes lets the bot ask for every manage scope.
var allScopes = []string{
	intents.ScopeUsersRead, intents.ScopeUsersManage, intents.ScopeGroupsRead, intents.ScopeGroupsManage,
	intents.ScopeAppsRead, intents.ScopeAppsManage, intents.ScopeLogsRead, intents.ScopePoliciesRead, intents.ScopePoliciesManage,
	intents.ScopeRolesRead,
}

func approvalHarness(t *testing.T, mod func(*harnessOpts)) *harness {
	o := harnessOpts{store: true, scopes: allScopes, cfg: bot.Config{Approvers: []string{approver}}}
	if mod != nil {
		mod(&o)
	}
	return newHarness(t, o)
}

// propose sends a slash command and returns the proposal message.
func (h *harness) propose(text string) slackfake.Message {
	h.t.Helper()
	n := len(h.slack.Messages())
	h.slash(analyst, secChannel, text)
	return h.answerAfter(n, "the proposal for "+text, func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove)
	})
}

// click clicks a button of a message as user.
func (h *harness) click(user string, m slackfake.Message, actionID string) {
	h.t.Helper()
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: user, ChannelID: m.Channel, MessageTS: m.TS, ActionID: actionID}); err != nil {
		h.t.Fatalf("click %s: %v", actionID, err)
	}
}

// clickValue clicks the button of m whose action is base (a proposal
// group numbers its rows' action ids) and whose value is value.
func (h *harness) clickValue(user string, m slackfake.Message, base, value string) {
	h.t.Helper()
	for id, v := range buttons(h.t, m) {
		if blocks.BaseAction(id) == base && v == value {
			h.click(user, m, id)
			return
		}
	}
	h.t.Fatalf("message %s has no %s button for %s", m.TS, base, value)
}

// hasButton reports whether m has a button for action base with value.
func hasButton(t *testing.T, m slackfake.Message, base, value string) bool {
	for id, v := range buttons(t, m) {
		if blocks.BaseAction(id) == base && v == value {
			return true
		}
	}
	return false
}

// settled waits until the proposal message shows a final state.
func (h *harness) settled(m slackfake.Message, want string) slackfake.Message {
	h.t.Helper()
	return h.answer("the proposal message to show "+want, func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && has(u, want)
	})
}

func (h *harness) user(login string) oktasim.Object {
	h.t.Helper()
	for _, u := range h.sim.Snapshot().Users {
		if p, _ := u["profile"].(map[string]any); p["login"] == login {
			return u
		}
	}
	h.t.Fatalf("no user %s in the simulator", login)
	return nil
}

func (h *harness) audit() []intents.AuditRecord {
	h.t.Helper()
	var out []intents.AuditRecord
	if err := h.store.Audit(func(r intents.AuditRecord) error { out = append(out, r); return nil }); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func proposalID(t *testing.T, m slackfake.Message) string {
	t.Helper()
	v := buttons(t, m)[blocks.ActionApprove]
	if !strings.HasPrefix(v, "p-") {
		t.Fatalf("no proposal id on the Approve button: %q", v)
	}
	return v
}

// The whole loop for each kind the issue names: request, proposal
// message, Approve by an approver, Okta changed, message updated, audit;
// on each approvals store.
func TestApprovalLoop(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	groupMembers := func(h *harness, name string) []any {
		for _, g := range h.sim.Snapshot().Groups {
			if p, _ := g["profile"].(map[string]any); p["name"] == name {
				m, _ := g["members"].([]any)
				return m
			}
		}
		return nil
	}
	isMember := func(h *harness, group, login string) bool {
		id := h.user(login)["id"]
		for _, m := range groupMembers(h, group) {
			if m == id || m == login {
				return true
			}
		}
		return false
	}
	appStatus := func(h *harness, label string) any {
		for _, a := range h.sim.Snapshot().Apps {
			if a["label"] == label {
				return a["status"]
			}
		}
		return nil
	}
	policyStatus := func(h *harness, typ, name string) any {
		for _, p := range h.sim.Snapshot().Policies {
			if p["type"] == typ && p["name"] == name {
				return p["status"]
			}
		}
		return nil
	}
	tests := []struct {
		name    string
		command string
		check   func(h *harness) error
	}{
		{"suspend", "suspend john@company.com reason: tor login", func(h *harness) error {
			return want(h.user("john@company.com")["status"], "SUSPENDED")
		}},
		{"unsuspend", "unsuspend pamela.wilson@company.com", func(h *harness) error {
			return want(h.user("pamela.wilson@company.com")["status"], "ACTIVE")
		}},
		{"clear sessions", "clear-sessions john@company.com reason: stolen laptop", func(h *harness) error {
			return want(h.sim.Sessions(fmt.Sprint(h.user("john@company.com")["id"])), 0)
		}},
		{"expire password", "expire-password john@company.com reason: reused password", func(h *harness) error {
			id := fmt.Sprint(h.user("john@company.com")["id"])
			return errors.Join(want(h.user("john@company.com")["status"], "PASSWORD_EXPIRED"),
				want(h.sim.Calls("POST", "/api/v1/users/"+id+"/lifecycle/expire_password"), 1))
		}},
		{"reset password", "reset-password john@company.com reason: password phished", func(h *harness) error {
			id := fmt.Sprint(h.user("john@company.com")["id"])
			return errors.Join(want(h.user("john@company.com")["status"], "RECOVERY"),
				want(h.sim.Calls("POST", "/api/v1/users/"+id+"/lifecycle/reset_password"), 1),
				want(h.sim.PasswordResetEmails(id), 1))
		}},
		{"deactivate user", "deactivate-user john@company.com reason: left", func(h *harness) error {
			return want(h.user("john@company.com")["status"], "DEPROVISIONED")
		}},
		{"add member", "add-member john@company.com Finance", func(h *harness) error {
			return want(isMember(h, "Finance", "john@company.com"), true)
		}},
		{"remove member", "remove-member john@company.com Engineering", func(h *harness) error {
			return want(isMember(h, "Engineering", "john@company.com"), false)
		}},
		{"deactivate app", "deactivate-app Zoom reason: vendor breach", func(h *harness) error {
			return want(appStatus(h, "Zoom"), "INACTIVE")
		}},
		{"deactivate policy", "deactivate-policy Engineering", func(h *harness) error {
			return want(policyStatus(h, "OKTA_SIGN_ON", "Engineering"), "INACTIVE")
		}},
	}
	eachStore(t, func(t *testing.T, backed func(*harnessOpts)) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h := approvalHarness(t, backed)
				writes := func() int {
					return h.sim.Calls("POST", "/api/v1/") + h.sim.Calls("PUT", "/api/v1/") + h.sim.Calls("DELETE", "/api/v1/")
				}
				before := writes()
				m := h.propose(tt.command)
				if after := writes(); after != before {
					t.Fatalf("making the proposal sent %d writes to Okta, want 0", after-before)
				}
				id := proposalID(t, m)
				h.click(approver, m, blocks.ActionApprove)
				done := h.settled(m, "Done")
				if bs := buttons(t, done); bs[blocks.ActionApprove] != "" || bs[blocks.ActionReject] != "" {
					t.Errorf("the decided message still has Approve/Reject: %v", bs)
				}
				if !has(done, approver) {
					t.Errorf("the decided message does not say who approved")
				}
				if err := tt.check(h); err != nil {
					t.Errorf("Okta after approval: %v", err)
				}
				var executed *intents.AuditRecord
				for _, r := range h.audit() {
					if r.ProposalID == id && r.Event == "executed" {
						executed = &r
					}
				}
				if executed == nil {
					t.Fatalf("no executed audit record for %s: %+v", id, h.audit())
				}
				if executed.Requester != analyst || executed.Approver != approver || executed.RequestID == "" || executed.Target == "" || executed.Result == "" {
					t.Errorf("audit record %+v lacks requester, approver, target, result or Okta request id", *executed)
				}
			})
		}
	})
}

func want[T comparable](got, want T) error {
	if got != want {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

// A create from a modal: the bare verb opens a form; its submission makes a
// proposal; Approve creates the group.
func TestCreateGroupFromModal(t *testing.T) {
	h := approvalHarness(t, nil)
	h.slash(analyst, secChannel, "create-group")
	view := waitView(t, h, 0)
	values := map[string]map[string]string{
		"name":        {"name": "Incident Responders"},
		"description": {"description": "IR on-call"},
		"reason":      {"reason": "new rota"},
	}
	if _, err := h.slack.SubmitView(h.waitCtx(5*time.Second), slackfake.ViewSubmission{UserID: analyst, ViewID: view.ID, Values: values}); err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	m := h.answer("the proposal from the form", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "Incident Responders")
	})
	h.click(approver, m, blocks.ActionApprove)
	h.settled(m, "Done")
	found := false
	for _, g := range h.sim.Snapshot().Groups {
		if p, _ := g["profile"].(map[string]any); p["name"] == "Incident Responders" && p["description"] == "IR on-call" {
			found = true
		}
	}
	if !found {
		t.Error("the group was not created in Okta")
	}
}

// Clicks that must change nothing, each with a clear private reply.
func TestRefusedClicks(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	suspendCalls := func(h *harness) int {
		return h.sim.Calls("POST", "/api/v1/users/"+fmt.Sprint(h.user("john@company.com")["id"])+"/lifecycle/suspend")
	}
	expectRefusal := func(t *testing.T, h *harness, user, wantText string) {
		t.Helper()
		h.answer("the refusal for "+user, func(m slackfake.Message) bool {
			return m.Ephemeral && m.User == user && has(m, wantText)
		})
	}
	eachStore(t, func(t *testing.T, backed func(*harnessOpts)) {
		open := func(t *testing.T, mod func(*harnessOpts)) *harness {
			return approvalHarness(t, func(o *harnessOpts) {
				backed(o)
				if mod != nil {
					mod(o)
				}
			})
		}
		t.Run("not an approver", func(t *testing.T) {
			h := open(t, nil)
			m := h.propose("suspend john@company.com")
			h.click("U0INTRUDER", m, blocks.ActionApprove)
			expectRefusal(t, h, "U0INTRUDER", "Only approvers")
			if n := suspendCalls(h); n != 0 {
				t.Errorf("%d suspend calls after a non-approver's click", n)
			}
		})
		t.Run("requester's own click", func(t *testing.T) {
			h := open(t, func(o *harnessOpts) { o.cfg.Approvers = []string{analyst} })
			m := h.propose("suspend john@company.com")
			h.click(analyst, m, blocks.ActionApprove)
			expectRefusal(t, h, analyst, "your own proposal")
			if n := suspendCalls(h); n != 0 {
				t.Errorf("%d suspend calls after self-approval", n)
			}
		})
		t.Run("after expiry", func(t *testing.T) {
			var clock atomic.Int64 // nanoseconds added to the real time
			now := func() time.Time { return time.Now().Add(time.Duration(clock.Load())) }
			h := open(t, func(o *harnessOpts) { o.ttl, o.now, o.cfg.Now = time.Minute, now, now })
			m := h.propose("suspend john@company.com")
			clock.Store(int64(2 * time.Minute)) // past the proposal's expiry
			h.click(approver, m, blocks.ActionApprove)
			expectRefusal(t, h, approver, "expired")
			if n := suspendCalls(h); n != 0 {
				t.Errorf("%d suspend calls after expiry", n)
			}
		})
		t.Run("decided already", func(t *testing.T) {
			h := open(t, nil)
			m := h.propose("suspend john@company.com")
			id := proposalID(t, m)
			h.click(approver, m, blocks.ActionApprove)
			h.settled(m, "Done")
			// A second click on the stale button (the message no longer has it).
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: secChannel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: "x", Value: id}); err != nil {
				t.Fatal(err)
			}
			expectRefusal(t, h, approver, "Already decided")
			if n := suspendCalls(h); n != 1 {
				t.Errorf("%d suspend calls, want exactly 1", n)
			}
		})
		t.Run("forged id and other channel", func(t *testing.T) {
			h := open(t, func(o *harnessOpts) { o.cfg.Channels = []string{secChannel, otherChannel} })
			m := h.propose("suspend john@company.com")
			id := proposalID(t, m)
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: secChannel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: "x", Value: "p-NOSUCH"}); err != nil {
				t.Fatal(err)
			}
			expectRefusal(t, h, approver, "No such proposal")
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: otherChannel, MessageTS: "1.1", ActionID: blocks.ActionApprove, BlockID: "x", Value: id}); err != nil {
				t.Fatal(err)
			}
			expectRefusal(t, h, approver, "Not from here")
			if n := suspendCalls(h); n != 0 {
				t.Errorf("%d suspend calls after forged clicks", n)
			}
		})
	})
}

// 50 approvers clicking Approve at once cause one Okta call.
func TestConcurrentApproveOnce(t *testing.T) {
	approvers := make([]string, 50)
	for i := range approvers {
		approvers[i] = fmt.Sprintf("U0APP%02d", i)
	}
	h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Approvers = approvers; o.cfg.DecideWorkers = 64 })
	m := h.propose("suspend john@company.com")
	// Everyone clicks the button they saw: once the first click redraws the
	// message the button is gone, so the clicks carry its block and value.
	block, value := blockOf(t, m, blocks.ActionApprove), proposalID(t, m)
	var wg sync.WaitGroup
	for _, a := range approvers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: a, ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: block, Value: value}); err != nil {
				t.Errorf("click by %s: %v", a, err)
			}
		}()
	}
	wg.Wait()
	h.settled(m, "Done")
	h.stop() // every click's work is done
	id := fmt.Sprint(h.user("john@company.com")["id"])
	if n := h.sim.Calls("POST", "/api/v1/users/"+id+"/lifecycle/suspend"); n != 1 {
		t.Errorf("50 concurrent Approve clicks caused %d suspend calls, want 1", n)
	}
	executing := 0
	for _, r := range h.audit() {
		if r.Event == "executing" {
			executing++
		}
	}
	if executing != 1 {
		t.Errorf("%d executing audit records, want 1", executing)
	}
}

// A target that changed after the proposal fails with the difference.
func TestDriftFailsWithDifference(t *testing.T) {
	h := approvalHarness(t, nil)
	// A second identical suspension would only point to the first, so the
	// drift comes from another pending action on the same user.
	first := h.propose("suspend john@company.com reason: first")
	second := h.propose("deactivate-user john@company.com reason: second")
	h.click(approver, second, blocks.ActionApprove)
	h.settled(second, "Done")
	h.click(approver, first, blocks.ActionApprove)
	failed := h.settled(first, "Not done")
	if !has(failed, "DEPROVISIONED") {
		t.Errorf("the failed proposal does not state the difference:\n%s", failed.Blocks)
	}
	id := fmt.Sprint(h.user("john@company.com")["id"])
	if n := h.sim.Calls("POST", "/api/v1/users/"+id+"/lifecycle/suspend"); n != 0 {
		t.Errorf("%d suspend calls on a drifted target, want 0", n)
	}
}

func TestProtectedAndMissingScope(t *testing.T) {
	t.Run("protected", func(t *testing.T) {
		h := approvalHarness(t, func(o *harnessOpts) {
			o.cfg.Protection = intents.Protection{Names: []string{"john@company.com"}}
		})
		h.slash(analyst, secChannel, "suspend john@company.com")
		m := h.answer("the refusal", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "protected") })
		if m.User != analyst {
			t.Errorf("refusal to %s", m.User)
		}
		if ps, _ := h.store.Pending(); len(ps) != 0 {
			t.Errorf("a proposal was made for a protected account: %+v", ps)
		}
	})
	t.Run("scope missing", func(t *testing.T) {
		h := approvalHarness(t, func(o *harnessOpts) { o.scopes = nil }) // no okta.groups.manage
		h.slash(analyst, secChannel, "add-member john@company.com Finance")
		m := h.answer("the proposal", func(m slackfake.Message) bool { return m.Method == "chat.postMessage" && has(m, blocks.ActionReject) })
		if _, ok := buttons(t, m)[blocks.ActionApprove]; ok {
			t.Error("a proposal whose scope is missing offers Approve")
		}
		if !has(m, intents.ScopeGroupsManage) {
			t.Errorf("the proposal does not name the missing scope")
		}
		ps, _ := h.store.Pending()
		if len(ps) != 1 {
			t.Fatalf("%d pending proposals, want 1", len(ps))
		}
		if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: secChannel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: "x", Value: ps[0].ID}); err != nil {
			t.Fatal(err)
		}
		h.answer("the refusal", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "permission") })
		if n := h.sim.Calls("PUT", "/api/v1/groups/"); n != 0 {
			t.Errorf("%d membership calls without the scope", n)
		}
	})
}

// A proposal left executing by a crash is reported to its channel as
// unknown and never re-run.
func TestRecoveredUnknownReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oktabot.db")
	st, err := approvals.Open(path, approvals.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Create(intents.Proposal{
		Preview: intents.Preview{
			Action:  intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: "00uC9OtVDgxxFv0Gokif", Name: "john@company.com"}},
			Summary: "Suspend john@company.com", Before: "ACTIVE", After: "SUSPENDED", Scope: intents.ScopeUsersManage, Granted: true,
		},
		Requester: analyst, Channel: secChannel,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Decide(intents.Decision{ProposalID: p.ID, By: approver, Approve: true, Channel: secChannel}, intents.ApprovalPolicy{IsApprover: func(string) bool { return true }}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.BeginExecute(p.ID); err != nil {
		t.Fatal(err)
	}
	_ = st.Close() // the process "dies" here: executing, never finished

	h := approvalHarness(t, func(o *harnessOpts) { o.storePath = path })
	h.answer("the unknown report", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && m.Channel == secChannel && has(m, p.ID) && has(m, "not re-run")
	})
	got, err := h.store.Get(p.ID)
	if err != nil || got.State != intents.StateUnknown {
		t.Fatalf("after restart: %s, %v; want unknown", got.State, err)
	}
	h.stop() // whatever start-up did with the proposal is done
	if n := h.sim.Calls("POST", "/api/v1/users/00uC9OtVDgxxFv0Gokif/lifecycle/suspend"); n != 0 {
		t.Errorf("the unknown proposal was re-run (%d suspend calls)", n)
	}
}

// Free text that asks for a change only ever makes a proposal.
func TestMentionAskingForChangeMakesProposal(t *testing.T) {
	h := approvalHarness(t, nil)
	n := len(h.slack.Messages())
	if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "suspend john@company.com, he clicked a phishing link", TS: "1700000001.000100"}); err != nil {
		t.Fatal(err)
	}
	m := h.answerAfter(n, "the proposal", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove)
	})
	if m.ThreadTS != "1700000001.000100" || !has(m, "he clicked a phishing link") {
		t.Errorf("proposal in thread %q; reason shown: %v", m.ThreadTS, has(m, "he clicked a phishing link"))
	}
	h.stop() // the mention's work is done
	if st := h.user("john@company.com")["status"]; st != "ACTIVE" {
		t.Errorf("john is %v after a mention: nothing may change before Approve", st)
	}
}

// An ambiguous mention is asked back with buttons; a button runs its
// command.
func TestMentionAskBack(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "john@company.com"}); err != nil {
		t.Fatal(err)
	}
	ask := h.answer("the ask-back", func(m slackfake.Message) bool { return m.Ephemeral && has(m, blocks.ActionRun) })
	var action, value string
	for id, v := range buttons(t, ask) {
		if strings.HasPrefix(v, "/okta user ") {
			action, value = id, v
		}
	}
	if action == "" {
		t.Fatalf("no /okta user suggestion among %v", buttons(t, ask))
	}
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: ask.TS, ActionID: action, BlockID: "ask_choices", Value: value, Ephemeral: true}); err != nil {
		t.Fatal(err)
	}
	h.answer("the card", func(m slackfake.Message) bool { return m.Method == "chat.postMessage" && has(m, "John Smith") })
}

// TestTwoReplicasApproveOnce: two bots share one etcd, the fake Slack
// spreads envelopes over both bots' connections, and 50 approvers click
// Approve at once: Okta is called once, the audit log has one executing
// record, and the proposal message ends showing it done.
func TestTwoReplicasApproveOnce(t *testing.T) {
	approvers := make([]string, 50)
	for i := range approvers {
		approvers[i] = fmt.Sprintf("U0APP%02d", i)
	}
	srv := etcdtest.Start(t)
	opts := harnessOpts{etcd: srv, scopes: allScopes, cfg: bot.Config{Approvers: approvers, DecideWorkers: 64}}
	a := newHarness(t, opts)
	opts.reuse = a
	b := newHarness(t, opts)
	if err := b.slack.WaitReady(b.waitCtx(10*time.Second), 4); err != nil {
		t.Fatalf("the second replica's connections: %v", err)
	}
	m := a.propose("suspend john@company.com")
	block, value := blockOf(t, m, blocks.ActionApprove), proposalID(t, m)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var envs []string
	for _, ap := range approvers {
		wg.Go(func() {
			env, err := a.slack.Click(a.waitCtx(5*time.Second), slackfake.Click{UserID: ap, ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove, BlockID: block, Value: value})
			if err != nil {
				t.Errorf("click by %s: %v", ap, err)
			}
			mu.Lock()
			envs = append(envs, env)
			mu.Unlock()
		})
	}
	wg.Wait()
	a.settled(m, "Done")
	// The clicks went to both replicas: the first's connections were
	// opened first (1 and 2), the second's after (3 and 4).
	first, second := 0, 0
	for _, env := range envs {
		ack, err := a.slack.WaitAck(a.waitCtx(5*time.Second), env)
		if err != nil {
			t.Fatal(err)
		}
		if ack.EnvConn <= 2 {
			first++
		} else {
			second++
		}
	}
	if first == 0 || second == 0 {
		t.Fatalf("the clicks did not reach both replicas: %d and %d", first, second)
	}
	a.stop()
	b.stop() // every click's work is done, on both
	id := fmt.Sprint(a.user("john@company.com")["id"])
	if n := a.sim.Calls("POST", "/api/v1/users/"+id+"/lifecycle/suspend"); n != 1 {
		t.Errorf("50 Approve clicks across two replicas caused %d suspend calls, want 1", n)
	}
	executing := 0
	if err := a.etcd.Audit(func(r intents.AuditRecord) error {
		if r.Event == "executing" {
			executing++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if executing != 1 {
		t.Errorf("%d executing audit records, want 1", executing)
	}
	if cur, ok := a.slack.Current(m.Channel, m.TS); !ok || !has(cur, "Done") || has(cur, blocks.ActionApprove) {
		t.Errorf("the proposal message does not end showing it done: %s", cur.Text)
	}
	if rep, err := a.etcd.Verify(); err != nil || rep.Break != nil {
		t.Errorf("the audit chain: %+v, %v", rep, err)
	}
}

// TestDecisionsAcrossEtcdFailures runs the bot, its watcher and its
// election on a three-member etcd. Losing one member (the raft leader)
// fails no decision. Losing quorum: questions are still answered from
// Okta, an Approve is refused with a clear message, nothing is executed,
// and the watcher's term ends. When quorum returns, everything resumes:
// the same Approve executes once, the replica leads again and the next
// story is alerted once.
func TestDecisionsAcrossEtcdFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("three etcd members")
	}
	members := etcdtest.Cluster(t, 3)
	ld := newLiveDemo(t)
	leader := etcdstore.NewLeader(members.Client(t), etcdstore.LeaderOptions{TTL: 2 * time.Second})
	t.Cleanup(func() { _ = leader.Close() })
	terms := &termLog{Leadership: leader, won: make(chan struct{}, 8), ended: make(chan struct{}, 8)}
	p := newPolls()
	var ahead atomic.Int64 // nanoseconds the bot's and the store's clocks are ahead of real time
	now := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	h := newHarness(t, harnessOpts{fixture: ld.fx, etcdCluster: members, etcdTimeout: 3 * time.Second, scopes: allScopes,
		watch: true, polled: p.observe, watchCfg: func(c *okta.WatchConfig) { c.Backfill = 8 * 24 * time.Hour },
		now: now, cfg: bot.Config{Approvers: []string{approver}, Leadership: terms, Now: now}})
	terms.wait(t, terms.won, "the first term")
	first := h.propose("suspend john@company.com")
	second := h.propose("clear-sessions john@company.com")

	gone := members.Leader(t)
	members.Kill(t, gone)
	h.click(approver, first, blocks.ActionApprove)
	h.settled(first, "Done")

	other := -1
	for i := range members.Servers {
		if i != gone && i != members.Leader(t) {
			other = i
		}
	}
	members.Kill(t, other) // one of three left: no quorum
	n := len(h.slack.Messages())
	h.click(approver, second, blocks.ActionApprove)
	refused := waitAfter(t, h, n, "the refused Approve", func(m slackfake.Message) bool { return strings.Contains(m.Text, "could not record") })
	if !strings.Contains(plainOf(t, refused), "Nothing was changed in Okta") {
		t.Errorf("the refusal does not say nothing changed:\n%s", plainOf(t, refused))
	}
	id := fmt.Sprint(h.user("john@company.com")["id"])
	if n := h.sim.Calls("DELETE", "/api/v1/users/"+id+"/sessions"); n != 0 {
		t.Errorf("%d session clears without quorum, want none", n)
	}
	n = len(h.slack.Messages())
	h.slash(analyst, secChannel, "user john@company.com")
	waitAfter(t, h, n, "a question answered without quorum", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "john@company.com") })
	terms.wait(t, terms.ended, "the term to end without quorum")

	members.Restart(t, other)
	terms.wait(t, terms.won, "a term once quorum returned")
	// The refused approval may have been committed once quorum returned
	// (a time-out is not a refusal): the approver's new click, made well
	// after it, runs it either way.
	ahead.Add(int64(time.Minute))
	h.click(approver, second, blocks.ActionApprove)
	h.settled(second, "Done")
	if n := h.sim.Calls("DELETE", "/api/v1/users/"+id+"/sessions"); n != 1 {
		t.Errorf("%d session clears once quorum returned, want 1", n)
	}
	lock, _ := ld.storyEvents(t, "lockout")
	post(t, h, lock)
	waitUntil(t, h, 30*time.Second, "the lockout alerted once quorum returned", func() bool { return len(incidentMessages(h)) > 0 })
	p.caughtUp(t, h, time.Now(), 30*time.Second)
	for inc, n := range incidentMessages(h) {
		if n != 1 {
			t.Errorf("incident %s posted %d times, want once", inc, n)
		}
	}
	if rep, err := h.etcd.Verify(); err != nil || rep.Break != nil {
		t.Errorf("the audit chain: %+v, %v", rep, err)
	}
}

// termLog is a Leadership that tells a test each term won and ended.
type termLog struct {
	bot.Leadership
	won, ended chan struct{}
}

func (l *termLog) Campaign(ctx context.Context) (context.Context, error) {
	lctx, err := l.Leadership.Campaign(ctx)
	if err != nil {
		return nil, err
	}
	l.won <- struct{}{}
	go func() {
		<-lctx.Done()
		l.ended <- struct{}{}
	}()
	return lctx, nil
}

func (l *termLog) wait(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(30 * time.Second):
		t.Fatalf("waiting for %s", what)
	}
}
