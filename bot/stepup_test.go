package bot_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// stepUpApprover approves in these tests: john@company.com in Slack and
// in Okta, where he has an active Okta Verify push factor.
const stepUpApprover = "U0JOHN"

// stepUpTarget is deactivated by the step-up proposals.
const stepUpTarget = "emily.chen@company.com"

// stepUpOpts makes deactivate_user step up, with john an approver and
// pushes polled at once.
func stepUpOpts(o *harnessOpts) {
	o.store, o.scopes = true, allScopes
	o.cfg.Approvers = []string{approver, stepUpApprover}
	o.cfg.StepUp = func(k intents.Kind) bool { return k == intents.DeactivateUser }
	o.okta = func(c *okta.Config) { c.PushInterval = time.Millisecond }
}

func stepUpHarness(t *testing.T, outcome oktasim.VerifyOutcome, mod func(*harnessOpts)) *harness {
	t.Helper()
	o := harnessOpts{}
	stepUpOpts(&o)
	if mod != nil {
		mod(&o)
	}
	h := newHarness(t, o)
	if err := h.sim.SetVerifyOutcome(outcome); err != nil {
		t.Fatal(err)
	}
	return h
}

// deactivations counts the deactivations of the target Okta saw.
func (h *harness) deactivations() int {
	h.t.Helper()
	return h.sim.Calls("POST", "/api/v1/users/"+h.user(stepUpTarget)["id"].(string)+"/lifecycle/deactivate")
}

// waitingForVerify waits for m redrawn as waiting for user's Okta Verify.
func (h *harness) waitingForVerify(m slackfake.Message, user string) slackfake.Message {
	h.t.Helper()
	return h.answer("the proposal waiting for Okta Verify", func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && has(u, "Waiting for <@"+user+">'s Okta Verify")
	})
}

// A step-up action runs only after the approver's push is answered
// SUCCESS: the message waits for their Okta Verify, the number challenge
// is told to them privately, and the audit log shows the verification
// before the execution; on each approvals store.
func TestStepUpExecutesAfterSuccess(t *testing.T) {
	eachStore(t, func(t *testing.T, backed func(*harnessOpts)) {
		h := stepUpHarness(t, oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Challenge: true}, backed)
		m := h.propose("deactivate-user " + stepUpTarget + " reason: left")
		id := proposalID(t, m)
		h.click(stepUpApprover, m, blocks.ActionApprove)
		h.waitingForVerify(m, stepUpApprover)
		h.settled(m, "Done")
		txns := h.sim.VerifyTransactions()
		if len(txns) != 1 {
			t.Fatalf("%d push verifications, want 1", len(txns))
		}
		h.answer("the number challenge, privately", func(u slackfake.Message) bool {
			return u.Ephemeral && u.User == stepUpApprover && has(u, "pick a number") && has(u, "*"+strconv.Itoa(txns[0].CorrectAnswer)+"*")
		})
		if n := h.deactivations(); n != 1 {
			t.Errorf("%d deactivations, want 1", n)
		}
		hist, err := h.store.History(id)
		if err != nil {
			t.Fatal(err)
		}
		var events []string
		for _, r := range hist {
			events = append(events, r.Event)
			if r.Event == "push-sent" && !strings.Contains(r.Detail, txns[0].ID) {
				t.Errorf("push-sent record %+v does not name the transaction %s", r, txns[0].ID)
			}
		}
		want := []string{"requested", "approved", "verifying", "push-sent", "verified", "executing", "executed"}
		if !slices.Equal(events, want) {
			t.Errorf("History() = %v, want %v", events, want)
		}
	})
}

// REJECTED and TIMEOUT run nothing: the message and the audit log say it
// was not confirmed, with the transaction; REJECTED also raises an alert
// in the channel. The approver may approve again.
func TestStepUpNotConfirmed(t *testing.T) {
	for _, tt := range []struct {
		outcome, result string
		alert           bool
	}{
		{oktasim.OutcomeReject, "REJECTED", true},
		{oktasim.OutcomeTimeout, "TIMEOUT", false},
	} {
		t.Run(tt.result, func(t *testing.T) {
			h := stepUpHarness(t, oktasim.VerifyOutcome{Outcome: tt.outcome}, nil)
			m := h.propose("deactivate-user " + stepUpTarget + " reason: left")
			id := proposalID(t, m)
			h.click(stepUpApprover, m, blocks.ActionApprove)
			redrawn := h.answer("the message saying not confirmed", func(u slackfake.Message) bool {
				return u.Method == "chat.update" && u.TS == m.TS && has(u, "not confirmed in Okta Verify") && hasButton(t, u, blocks.ActionApprove, id)
			})
			h.mustState(id, intents.StatePending)
			if n := h.deactivations(); n != 0 {
				t.Errorf("%d deactivations after %s, want 0", n, tt.result)
			}
			txns := h.sim.VerifyTransactions()
			if len(txns) != 1 {
				t.Fatalf("%d push verifications, want 1", len(txns))
			}
			rec := h.lastAudit(id)
			if rec.Event != "not-verified" || rec.Result != tt.result || !strings.Contains(rec.Detail, txns[0].ID) || rec.Approver != stepUpApprover {
				t.Errorf("last audit record %+v, want not-verified %s naming %s", rec, tt.result, txns[0].ID)
			}
			alerted := false
			for _, u := range h.slack.Messages() {
				if u.Method == "chat.postMessage" && !u.Ephemeral && u.Channel == secChannel && has(u, "rejected the Okta Verify push") {
					alerted = has(u, "<@"+stepUpApprover+">") && has(u, txns[0].ID)
				}
			}
			if tt.alert {
				h.answer("the rejected-push alert", func(u slackfake.Message) bool {
					return u.Method == "chat.postMessage" && !u.Ephemeral && u.Channel == secChannel && has(u, "rejected the Okta Verify push") && has(u, txns[0].ID)
				})
			} else if alerted {
				t.Errorf("a %s push raised a rejected-push alert", tt.result)
			}
			// Confirmed this time, it runs.
			if err := h.sim.SetVerifyOutcome(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess}); err != nil {
				t.Fatal(err)
			}
			h.click(stepUpApprover, redrawn, blocks.ActionApprove)
			h.settled(m, "Done")
			if n := h.deactivations(); n != 1 {
				t.Errorf("%d deactivations after the confirmed approval, want 1", n)
			}
		})
	}
}

// 50 Approve clicks at once on a step-up proposal (an impatient approver,
// or a replayed click) send one push and make at most one change in
// Okta.
func TestStepUpConcurrentClicks(t *testing.T) {
	const n = 50
	h := stepUpHarness(t, oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess}, nil)
	m := h.propose("deactivate-user " + stepUpTarget + " reason: left")
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, _ = h.slack.Click(h.waitCtx(10*time.Second), slackfake.Click{UserID: stepUpApprover, ChannelID: m.Channel, MessageTS: m.TS, ActionID: blocks.ActionApprove})
		})
	}
	wg.Wait()
	h.settled(m, "Done")
	if got := len(h.sim.VerifyTransactions()); got != 1 {
		t.Errorf("%d push verifications, want 1", got)
	}
	if got := h.deactivations(); got > 1 {
		t.Errorf("%d deactivations, want at most 1", got)
	}
}

// An approver without an active Okta Verify push factor cannot approve a
// step-up action: they are told why, nothing is sent or changed, and the
// proposal waits for another approver.
func TestStepUpWithoutOktaVerify(t *testing.T) {
	fx := demo.Org()
	var johnID string
	for _, u := range fx.Users {
		if p, _ := u["profile"].(map[string]any); p["login"] == "john@company.com" {
			johnID = u["id"].(string)
		}
	}
	var kept []oktasim.Object
	for _, f := range fx.Factors[johnID] {
		if f["factorType"] != "push" {
			kept = append(kept, f)
		}
	}
	if len(kept) == len(fx.Factors[johnID]) {
		t.Fatal("the demo's john has no push factor to remove")
	}
	fx.Factors[johnID] = kept
	h := stepUpHarness(t, oktasim.VerifyOutcome{}, func(o *harnessOpts) { o.fixture = fx })
	m := h.propose("deactivate-user " + stepUpTarget + " reason: left")
	id := proposalID(t, m)
	n := len(h.slack.Messages())
	h.click(stepUpApprover, m, blocks.ActionApprove)
	h.refusal(t, stepUpApprover, n, "no active Okta Verify push factor")
	h.answer("the message offered again", func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && hasButton(t, u, blocks.ActionApprove, id)
	})
	h.mustState(id, intents.StatePending)
	if got := len(h.sim.VerifyTransactions()); got != 0 {
		t.Errorf("%d push verifications, want 0", got)
	}
	if got := h.deactivations(); got != 0 {
		t.Errorf("%d deactivations, want 0", got)
	}
	if rec := h.lastAudit(id); rec.Event != "not-verified" || !strings.Contains(rec.Detail, "no active Okta Verify push factor") {
		t.Errorf("last audit record %+v, want not-verified naming the missing push factor", rec)
	}
}

// An action OKTABOT_STEP_UP does not list is approved as before: no push.
func TestStepUpNotListed(t *testing.T) {
	h := stepUpHarness(t, oktasim.VerifyOutcome{}, nil)
	m := h.propose("suspend " + stepUpTarget + " reason: tor login")
	id := proposalID(t, m)
	h.click(stepUpApprover, m, blocks.ActionApprove)
	h.settled(m, "Done")
	if got := len(h.sim.VerifyTransactions()); got != 0 {
		t.Errorf("%d push verifications for an action not listed, want 0", got)
	}
	for _, r := range mustHistory(t, h, id) {
		if strings.HasPrefix(r.Event, "verif") || r.Event == "push-sent" {
			t.Errorf("audit record %+v for an action not listed", r)
		}
	}
}

// oktabot stops while it waits for the approver's push; started again on
// the same bbolt file it never runs the action: the proposal is offered
// again, its message says the verification was interrupted, and so does
// the audit log, with the transaction.
func TestStepUpInterruptedByRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oktabot.db")
	mod := func(o *harnessOpts) { o.storePath = path }
	// The push is never answered while oktabot runs.
	h1 := stepUpHarness(t, oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Delay: 4 * time.Minute}, mod)
	m := h1.propose("deactivate-user " + stepUpTarget + " reason: left")
	id := proposalID(t, m)
	h1.click(stepUpApprover, m, blocks.ActionApprove)
	h1.waitingForVerify(m, stepUpApprover)
	h1.stop()
	if err := h1.store.Close(); err != nil {
		t.Fatal(err)
	}
	waitSocketsClosed(t, h1.slack)
	txns := h1.sim.VerifyTransactions()
	if len(txns) != 1 {
		t.Fatalf("%d push verifications, want 1", len(txns))
	}

	o := harnessOpts{reuse: h1}
	stepUpOpts(&o)
	mod(&o)
	o.store = false
	h2 := newHarness(t, o)
	h2.answer("the proposal redrawn as interrupted", func(u slackfake.Message) bool {
		return u.Method == "chat.update" && u.TS == m.TS && has(u, "verification was interrupted") && hasButton(t, u, blocks.ActionApprove, id)
	})
	h2.mustState(id, intents.StatePending)
	rec := h2.lastAudit(id)
	if rec.Event != "not-verified" || rec.Result != "interrupted" || !strings.Contains(rec.Detail, txns[0].ID) {
		t.Errorf("last audit record %+v, want the interrupted verification of %s", rec, txns[0].ID)
	}
	if n := h2.deactivations(); n != 0 {
		t.Errorf("%d deactivations after the restart, want 0", n)
	}
}

func mustHistory(t *testing.T, h *harness, id string) []intents.AuditRecord {
	t.Helper()
	hist, err := h.store.History(id)
	if err != nil {
		t.Fatal(err)
	}
	return hist
}
