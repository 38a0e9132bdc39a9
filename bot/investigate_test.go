package bot_test

import (
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// investigate answers with the findings and posts john's fixes together
// in one proposal message, each with its own buttons; an approver's click
// on Suspend suspends john in Okta and leaves the other fix waiting.
func TestInvestigateProposesAndApproveSuspends(t *testing.T) {
	h := approvalHarness(t, nil)
	h.slash(analyst, secChannel, "investigate john@company.com")
	h.answer("the investigation", func(m slackfake.Message) bool {
		return isAnswer(m) && has(m, "185.220.101.1")
	})
	prop := h.answer("the proposal message", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "Suspend")
	})
	ps, err := h.store.Pending()
	if err != nil {
		t.Fatal(err)
	}
	var suspend, clear *intents.Proposal
	for i, p := range ps {
		switch p.Preview.Action.Kind {
		case intents.SuspendUser:
			suspend = &ps[i]
		case intents.ClearSessions:
			clear = &ps[i]
		}
	}
	if suspend == nil || clear == nil {
		t.Fatalf("want a suspend and a clear-sessions proposal among %d pending", len(ps))
	}
	if suspend.Preview.Action.Confidence < 74 || len(suspend.Preview.Action.Evidence) == 0 {
		t.Errorf("suspend proposal confidence %d with %d evidence items, want ≥ 74 with evidence", suspend.Preview.Action.Confidence, len(suspend.Preview.Action.Evidence))
	}
	if !has(prop, "Confidence") || !has(prop, suspend.ID) || !has(prop, clear.ID) {
		t.Errorf("the proposal message does not show the confidence and both proposals:\n%s", prop.Text)
	}
	// One message for both, recorded as a group.
	posted := 0
	for _, m := range h.slack.Messages() {
		if m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d proposal messages, want 1 holding both fixes", posted)
	}
	h.clickValue(approver, prop, blocks.ActionApprove, suspend.ID)
	done := h.settled(prop, "Done")
	if st := h.user("john@company.com")["status"]; st != "SUSPENDED" {
		t.Errorf("john is %v after approval, want SUSPENDED", st)
	}
	if !hasButton(t, done, blocks.ActionApprove, clear.ID) {
		t.Errorf("after suspending, the clear-sessions fix lost its Approve button:\n%s", done.Text)
	}
	// The message was recorded before the redraw that showed "Done".
	c, err := h.store.Get(clear.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != intents.StatePending || c.MessageTS != prop.TS || len(c.Group) != 2 {
		t.Errorf("clear sessions is %s in message %q with group %v after approving suspend; want pending in %q, grouped with suspend",
			c.State, c.MessageTS, c.Group, prop.TS)
	}
}

// mfa_status shows its progress while it scans and offers Refresh.
func TestMFAScanShowsProgress(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	h := newHarness(t, harnessOpts{cfg: botConfigProgress()})
	h.sim.SetRateLimit("factors", 60, time.Second) // the scan uses half: about 4 s for 197 users
	h.slash(analyst, secChannel, "mfa-status")
	done := h.answer("the scan result", func(m slackfake.Message) bool {
		return m.Method == "chat.update" && has(m, blocks.ActionMFARefresh)
	})
	progress := 0
	for _, m := range h.slack.Messages() {
		if m.Method == "chat.update" && m.TS == done.TS && has(m, "Scanning") {
			progress++
		}
	}
	if progress == 0 {
		t.Errorf("no progress update was shown while scanning")
	}
	before := h.sim.Calls("GET", "/api/v1/users/")
	// Count before the click: a Refresh with nothing changed can answer
	// before the click returns.
	n := len(h.slack.Messages())
	h.click(analyst, currentMessage(t, h, done), blocks.ActionMFARefresh)
	h.answerAfter(n, "the refreshed result", func(m slackfake.Message) bool {
		return m.Method == "chat.update" && m.TS == done.TS && has(m, blocks.ActionMFARefresh)
	})
	if extra := h.sim.Calls("GET", "/api/v1/users/") - before; extra > 5 {
		t.Errorf("Refresh with no changes made %d user/factor calls, want a handful", extra)
	}
}

// A user Okta blocks from new devices stays ACTIVE: investigating them
// proposes the unlock, and approving it clears the block.
func TestInvestigateBlockedUserApproveUnlocks(t *testing.T) {
	h := approvalHarness(t, nil)
	stories := demo.Stories()
	login := stories[len(stories)-1].Users[0]
	if !h.sim.BlockedFromNewDevices(login) {
		t.Fatalf("the demo org's %s is not blocked from new devices", login)
	}
	h.slash(analyst, secChannel, "investigate "+login)
	prop := h.answer("the unlock proposal", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "Unlock")
	})
	h.click(approver, prop, blocks.ActionApprove)
	h.settled(prop, "Done")
	if h.sim.BlockedFromNewDevices(login) {
		t.Errorf("%s is still blocked from new devices after the approved unlock", login)
	}
	if st := h.user(login)["status"]; st != "ACTIVE" {
		t.Errorf("%s is %v after the unlock, want ACTIVE", login, st)
	}
}

// The investigation's answer fits on a screen; the full report (every
// finding with its points, the timeline) is in the answer's thread.
func TestInvestigateDetailsInThread(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.slash(analyst, secChannel, "investigate john@company.com")
	answer := h.answer("the investigation", func(m slackfake.Message) bool {
		return isAnswer(m) && m.ThreadTS == "" && has(m, "What matters")
	})
	if has(answer, "Timeline") || has(answer, "(+10)") {
		t.Errorf("the answer carries the details; they belong in its thread:\n%s", answer.Text)
	}
	details := h.answer("the details in the answer's thread", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && m.ThreadTS == answer.TS && has(m, "Timeline")
	})
	for _, want := range []string{"success_after_failures", "(+30)", "185.220.101.1"} {
		if !has(details, want) {
			t.Errorf("the details lack %q", want)
		}
	}
}
