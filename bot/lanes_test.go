package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// The lanes through the whole bot: Okta calls held on a gate (not slowed
// by time) keep workers busy, and what must not wait behind them is
// answered while they are held. Behind them, it would never be answered,
// and the test would fail at its wait's deadline.

// gate is the real directory with some of its calls held until the gate
// opens.
type gate struct {
	bot.Directory
	hold     func(intents.Intent) bool // queries to hold
	holdExec bool                      // hold every Execute
	held     chan string               // told of each held call as it starts to wait
	open     chan struct{}
	once     sync.Once
}

func newGate(hold func(intents.Intent) bool, holdExec bool) *gate {
	return &gate{hold: hold, holdExec: holdExec, held: make(chan string, 256), open: make(chan struct{})}
}

func (g *gate) Query(ctx context.Context, in intents.Intent) (intents.Result, error) {
	if g.hold != nil && g.hold(in) {
		if err := g.wait(ctx, string(in.Kind)); err != nil {
			return intents.Result{}, err
		}
	}
	return g.Directory.Query(ctx, in)
}

func (g *gate) Execute(ctx context.Context, p intents.Preview) (intents.ActionOutcome, error) {
	if g.holdExec {
		if err := g.wait(ctx, "execute "+string(p.Action.Kind)); err != nil {
			return intents.ActionOutcome{}, err
		}
	}
	return g.Directory.Execute(ctx, p)
}

func (g *gate) wait(ctx context.Context, what string) error {
	g.held <- what
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// gated runs the harness on g; the gate opens before the bot stops.
func gated(t *testing.T, g *gate, o harnessOpts) *harness {
	o.wrap = func(d bot.Directory) bot.Directory { g.Directory = d; return g }
	h := newHarness(t, o)
	t.Cleanup(g.release)
	return h
}

// waitHeld waits until n more calls are held at the gate.
func (h *harness) waitHeld(g *gate, n int, what string) {
	h.t.Helper()
	ctx := h.waitCtx(15 * time.Second)
	for i := range n {
		select {
		case <-g.held:
		case <-ctx.Done():
			h.t.Fatalf("%s: %d of %d calls held at the gate\nmessages so far:\n%s", what, i, n, dump(h.slack.Messages()))
		}
	}
}

// answers waits until n messages match.
func (h *harness) answers(n int, what string, match func(slackfake.Message) bool) {
	h.t.Helper()
	h.until(what, func() bool { return count(h.slack.Messages(), match) >= n })
}

// until waits until done reports true, rechecking it at each change of the
// fake Slack.
func (h *harness) until(what string, done func() bool) {
	h.t.Helper()
	ctx := h.waitCtx(15 * time.Second)
	for {
		changed := h.slack.Changed()
		if done() {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			h.t.Fatalf("waiting for %s: it never came\nmessages so far:\n%s", what, dump(h.slack.Messages()))
		}
	}
}

func isCard(login string) func(slackfake.Message) bool {
	return func(m slackfake.Message) bool { return isAnswer(m) && has(m, "/okta user "+login) }
}

// person is the i-th of the 50 people every harness has.
func person(i int) string { return fmt.Sprintf("U0APP%02d", i) }

// Ten user lookups behind eight running threat sweeps are all answered
// while the sweeps are held: sweeps are long jobs in a lane of their own.
func TestLookupsNotBehindSweeps(t *testing.T) {
	g := newGate(func(in intents.Intent) bool { return in.Kind == intents.Threats }, false)
	h := gated(t, g, harnessOpts{})
	for i := range 8 {
		h.slash(person(i), secChannel, "threats")
	}
	h.waitHeld(g, 2, "the sweeps the long lane works on") // the other six wait in its queue
	for i := range 10 {
		h.slash(person(10+i), secChannel, "user john@company.com")
	}
	h.answers(10, "ten user cards while eight sweeps run", isCard("john@company.com"))

	// The sweeps were queued, not dropped: each is answered once the gate
	// opens.
	g.release()
	h.answers(8, "the eight sweeps", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "/okta threats") })
}

// "/okta create-user" and Reject open their modals while every worker of
// every lane is held in Okta: views.open does not wait for a worker (its
// trigger id would be dead after 3 seconds).
func TestModalsOpenWithEveryWorkerBusy(t *testing.T) {
	g := newGate(func(in intents.Intent) bool {
		return in.Kind == intents.UserDetails || in.Kind == intents.Threats
	}, true)
	h := gated(t, g, harnessOpts{store: true, scopes: allScopes, cfg: bot.Config{
		Approvers: []string{approver}, Workers: 2, LongWorkers: 1, DecideWorkers: 1,
	}})
	toApprove := h.propose("suspend john@company.com reason: held")
	toReject := h.propose("clear-sessions sarah.johnson@company.com reason: to reject")

	// Every worker busy: two lookups (quick), a sweep (long), an Approve
	// whose Okta call is held (decide).
	h.slash(analyst, secChannel, "user john@company.com")
	h.slash("U0STRANGER", secChannel, "user sarah.johnson@company.com")
	h.slash("U0JOHN", secChannel, "threats")
	h.click(approver, toApprove, blocks.ActionApprove)
	h.waitHeld(g, 4, "every worker")

	h.slash(analyst, secChannel, "create-user")
	form := h.view("the create-user form", func(v slackfake.View) bool {
		return v.Method == "views.open" && v.UserID == analyst && v.CallbackID == blocks.CallbackForm
	})
	h.click(approver, toReject, blocks.ActionReject)
	reject := h.view("the reject modal", func(v slackfake.View) bool {
		return v.Method == "views.open" && v.UserID == approver && v.CallbackID == blocks.CallbackReject
	})
	if n := count(h.slack.Messages(), isCard("john@company.com")); n != 0 || form.ID == "" || reject.ID == "" {
		t.Errorf("the modals (%q, %q) were opened after a held lookup was answered (%d)", form.ID, reject.ID, n)
	}
	g.release()
	h.settled(toApprove, "Done")
}

// view waits for a successful views.open or views.push that matches.
func (h *harness) view(what string, match func(slackfake.View) bool) slackfake.View {
	h.t.Helper()
	var found slackfake.View
	h.until(what, func() bool {
		for _, v := range h.slack.Views() {
			if match(v) {
				found = v
				return true
			}
		}
		return false
	})
	return found
}

// An Approve click is executed while six investigations run and every
// quick worker is busy too: decisions have a lane of their own.
func TestApproveNotBehindInvestigations(t *testing.T) {
	g := newGate(func(in intents.Intent) bool {
		return in.Kind == intents.Investigate || in.Kind == intents.UserDetails
	}, false)
	h := gated(t, g, harnessOpts{store: true, scopes: allScopes, cfg: bot.Config{Approvers: []string{approver}, Workers: 2}})
	m := h.propose("suspend john@company.com reason: decide lane")
	for i := range 6 {
		h.slash(person(i), secChannel, "investigate sarah.johnson@company.com")
	}
	h.waitHeld(g, 2, "the investigations the long lane works on")
	h.slash(analyst, secChannel, "user john@company.com")
	h.slash("U0STRANGER", secChannel, "user sarah.johnson@company.com")
	h.waitHeld(g, 2, "the quick lane's workers")

	h.click(approver, m, blocks.ActionApprove)
	h.settled(m, "Done")
	if st := h.user("john@company.com")["status"]; st != "SUSPENDED" {
		t.Errorf("john is %v after the approval, want SUSPENDED", st)
	}
	if n := count(h.slack.Messages(), isCard("john@company.com")); n != 0 {
		t.Errorf("a held lookup was answered (%d) before the approval was checked", n)
	}
}

// A person's fourth request at once is answered "busy" at once, privately,
// in the slash command's ack (and an Export click is told the same),
// while another person is still served; once theirs are answered, they
// are served again.
func TestPerUserLimit(t *testing.T) {
	g := newGate(func(in intents.Intent) bool {
		return in.Kind == intents.UserDetails && in.User == "john@company.com"
	}, false)
	h := gated(t, g, harnessOpts{})
	for range 3 {
		h.slash(analyst, secChannel, "user john@company.com")
	}
	h.waitHeld(g, 3, "the analyst's three lookups")

	env := h.slash(analyst, secChannel, "user john@company.com")
	ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
	if err != nil {
		t.Fatalf("WaitAck: %v", err)
	}
	if !has(slackfake.Message{Blocks: ack.Payload}, "You already have 3 requests running") {
		t.Errorf("the fourth request's ack = %s, want the busy answer", ack.Payload)
	}

	// An export re-queries Okta: it counts against the same limit.
	n := len(h.slack.Messages())
	value, err := blocks.EncodePageValue(intents.Intent{Kind: intents.ListUsers}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: "1.000001",
		ActionID: blocks.ActionExport, BlockID: "pager", Value: value, Ephemeral: true}); err != nil {
		t.Fatalf("click Export: %v", err)
	}
	h.answerAfter(n, "the busy answer to the export", func(m slackfake.Message) bool {
		return m.Ephemeral && m.User == analyst && has(m, "You already have 3 requests running")
	})

	// Someone else is served meanwhile.
	h.slash("U0STRANGER", secChannel, "user sarah.johnson@company.com")
	h.answer("the other person's card", isCard("sarah.johnson@company.com"))

	g.release()
	h.answers(3, "the analyst's three cards", isCard("john@company.com"))
	h.slash(analyst, secChannel, "user sarah.johnson@company.com")
	h.answers(2, "the analyst's next request", isCard("sarah.johnson@company.com"))
	if n := count(h.slack.Messages(), isCard("john@company.com")); n != 3 {
		t.Errorf("%d john cards, want 3: the refused fourth was run", n)
	}
	if n := len(h.slack.Uploads()); n != 0 {
		t.Errorf("%d uploads: the refused export ran", n)
	}
}
