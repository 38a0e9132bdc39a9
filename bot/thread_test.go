package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

const (
	rachel = "rachel.adams@company.com"
	chris  = "chris.morgan@company.com"
)

// mentionIn sends the analyst's mention with ts ("": a fresh one) as a
// reply in thread ("": none).
func (h *harness) mentionIn(thread, ts, text string) {
	h.t.Helper()
	if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: text, TS: ts, ThreadTS: thread}); err != nil {
		h.t.Fatalf("Mention(%q): %v", text, err)
	}
}

// about reports a message the bot marked as about user.
func about(m slackfake.Message, user string) bool {
	md := string(m.Metadata)
	return strings.Contains(md, `"user":"`+user+`"`)
}

// isProposal reports a posted proposal message.
func isProposal(m slackfake.Message) bool {
	return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove)
}

// pendingFor lists the kinds of the pending proposals about login.
func (h *harness) pendingFor(login string) map[intents.Kind]intents.Proposal {
	h.t.Helper()
	ps, err := h.store.Pending()
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[intents.Kind]intents.Proposal{}
	for _, p := range ps {
		if u := p.Preview.Action.User; u != nil && u.Name == login {
			out[p.Preview.Action.Kind] = p
		}
	}
	return out
}

// A thread reply "suspend him" under rachel's investigation proposes
// suspending rachel, in that thread.
func TestThreadPronounUnderInvestigation(t *testing.T) {
	h := approvalHarness(t, nil)
	const thread = "1700000100.000100"
	h.mentionIn("", thread, "investigate "+rachel)
	h.answer("the investigation, marked as about rachel", func(m slackfake.Message) bool {
		return isAnswer(m) && m.ThreadTS == thread && about(m, rachel)
	})
	n := len(h.slack.Messages())
	h.mentionIn(thread, "1700000100.000200", "suspend him")
	prop := h.answerAfter(n, "the proposal", isProposal)
	if prop.ThreadTS != thread || !has(prop, rachel) || !about(prop, rachel) {
		t.Errorf("proposal in thread %q about rachel %v, marked %s; want in %s, about %s:\n%s", prop.ThreadTS, has(prop, rachel), prop.Metadata, thread, rachel, prop.Text)
	}
	if _, ok := h.pendingFor(rachel)[intents.SuspendUser]; !ok {
		t.Errorf("no pending suspension of %s after %q in its investigation's thread", rachel, "suspend him")
	}
	h.stop()
	if st := h.user(rachel)["status"]; st != "ACTIVE" {
		t.Errorf("%s is %v before any approval", rachel, st)
	}
}

// "clear her sessions" in an incident's thread proposes clearing the
// sessions of the incident's subject.
func TestThreadPronounUnderIncident(t *testing.T) {
	const sarah = "sarah.johnson@company.com"
	h, _, incs := watchOne(t, harnessOpts{scopes: allScopes, cfg: bot.Config{Approvers: []string{approver}}}, "lockout")
	inc, ok := incs[sarah]
	if !ok || inc.TS == "" {
		t.Fatalf("no posted incident about %s: %v", sarah, incs)
	}
	if m := incidentMessage(t, h, inc); !about(m, sarah) {
		t.Errorf("the incident's message metadata %s does not name %s", m.Metadata, sarah)
	}
	n := len(h.slack.Messages())
	h.mentionIn(inc.TS, "", "clear her sessions")
	h.answerAfter(n, "the clear-sessions proposal", func(m slackfake.Message) bool {
		return isProposal(m) && m.ThreadTS == inc.TS && has(m, sarah)
	})
	if _, ok := h.pendingFor(sarah)[intents.ClearSessions]; !ok {
		t.Errorf("no pending clear-sessions for %s", sarah)
	}
}

// A pronoun outside a thread is asked back, and nothing is proposed.
func TestPronounOutsideThreadAsksBack(t *testing.T) {
	h := approvalHarness(t, nil)
	h.mentionIn("", "", "suspend him")
	ask := h.answer("the question back", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "Who do you mean?") })
	if ask.User != analyst {
		t.Errorf("the question went to %q, want the asker", ask.User)
	}
	h.stop()
	if ps, err := h.store.Pending(); err != nil || len(ps) != 0 {
		t.Errorf("pending after an unresolved pronoun: %d, %v; want none", len(ps), err)
	}
}

// A compound request makes both proposals in one message.
func TestCompoundRequestOneMessage(t *testing.T) {
	h := approvalHarness(t, nil)
	const thread = "1700000200.000100"
	h.mentionIn("", thread, "Suspend "+rachel+" and clear his sessions")
	prop := h.answer("the proposal message", isProposal)
	got := h.pendingFor(rachel)
	suspend, okS := got[intents.SuspendUser]
	clear, okC := got[intents.ClearSessions]
	if !okS || !okC {
		t.Fatalf("pending for %s: %v; want a suspension and a clear-sessions", rachel, got)
	}
	if !has(prop, suspend.ID) || !has(prop, clear.ID) || prop.ThreadTS != thread {
		t.Errorf("the proposal message (thread %q) does not hold both %s and %s:\n%s", prop.ThreadTS, suspend.ID, clear.ID, prop.Text)
	}
	h.stop()
	posted := 0
	for _, m := range h.slack.Messages() {
		if isProposal(m) {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d proposal messages, want 1 holding both", posted)
	}
}

// "investigate X and Y" investigates both, each whole; "suspend him" in
// the thread about both asks which one.
func TestInvestigateTwo(t *testing.T) {
	h := approvalHarness(t, nil)
	const thread = "1700000300.000100"
	h.mentionIn("", thread, "investigate "+rachel+" and "+chris)
	for _, who := range []string{rachel, chris} {
		h.answer("the investigation of "+who, func(m slackfake.Message) bool {
			return isAnswer(m) && m.ThreadTS == thread && about(m, who)
		})
	}
	n := len(h.slack.Messages())
	h.mentionIn(thread, "", "suspend him")
	ask := h.answerAfter(n, "which one", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "Who do you mean?") })
	if !has(ask, rachel) || !has(ask, chris) {
		t.Errorf("the question back does not name both people of the thread:\n%s", ask.Text)
	}
}

// An "and" inside a reason does not split the request.
func TestCompoundFalseSplit(t *testing.T) {
	h := approvalHarness(t, nil)
	h.mentionIn("", "", "suspend "+rachel+", reason: phished and reused password")
	prop := h.answer("the proposal", isProposal)
	h.stop()
	got := h.pendingFor(rachel)
	s, ok := got[intents.SuspendUser]
	if !ok || s.Preview.Action.Reason != "phished and reused password" || len(got) != 1 {
		t.Errorf("pending for %s: %d, suspension with reason %q; want the suspension alone, with the whole reason:\n%s", rachel, len(got), s.Preview.Action.Reason, prop.Text)
	}
}

// "clear her sessions" in a proposal message's thread means the person the
// proposal is about.
func TestThreadPronounUnderProposal(t *testing.T) {
	h := approvalHarness(t, nil)
	prop := h.propose("suspend " + rachel)
	if !about(prop, rachel) {
		t.Errorf("the proposal message's metadata %s does not name %s", prop.Metadata, rachel)
	}
	n := len(h.slack.Messages())
	h.mentionIn(prop.TS, "", "clear her sessions")
	h.answerAfter(n, "the clear-sessions proposal in the thread", func(m slackfake.Message) bool {
		return isProposal(m) && m.ThreadTS == prop.TS && has(m, rachel)
	})
	if _, ok := h.pendingFor(rachel)[intents.ClearSessions]; !ok {
		t.Errorf("no pending clear-sessions for %s", rachel)
	}
}

// "investigate john and emily", by the names people use, answers for
// both, each investigation whole.
func TestInvestigateJohnAndEmily(t *testing.T) {
	h := approvalHarness(t, nil)
	const thread = "1700000400.000100"
	h.mentionIn("", thread, "investigate john and emily")
	for _, who := range []string{"john@company.com", "emily.chen@company.com"} {
		h.answer("the investigation of "+who, func(m slackfake.Message) bool {
			return isAnswer(m) && m.ThreadTS == thread && about(m, who) && has(m, "Investigation")
		})
	}
}
