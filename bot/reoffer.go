package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/intents"
)

// A crash between Approve and execution leaves a proposal approved and
// never begun: nothing would run it, and its message would say
// "executing shortly" for ever. At start-up such proposals, approved by an
// earlier run, are offered again to the approvers (or expired when their
// time is up): their message is redrawn with a note saying what happened,
// and the approver is told in its thread.
//
// The same can happen while oktabot runs: another replica stops between
// the two, or the store fails after recording the approval (on etcd a
// write that timed out, and was answered as failed, can still be
// committed once quorum returns). So every sweep also re-offers what was
// approved more than staleApproval ago and never begun: far longer than
// the step from Approve to execution takes.

// staleApproval is how long a proposal stays approved and not begun
// before a sweep offers it again.
const staleApproval = 5 * time.Minute

// Why a proposal is offered again, in its note: at start-up, or found by
// a sweep.
const (
	afterRestart     = "restarted"
	afterInterrupted = "was interrupted"
)

// reofferStale re-offers, at every sweep until ctx ends, the proposals
// approved more than staleApproval ago and never begun.
func (b *Bot) reofferStale(ctx context.Context) {
	tick := time.NewTicker(b.cfg.SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			b.reofferApproved(ctx, b.cfg.Now().Add(-staleApproval), afterInterrupted)
		}
	}
}

// reofferApproved re-offers the proposals approved before before and never
// begun; what says what happened to oktabot ("restarted").
func (b *Bot) reofferApproved(ctx context.Context, before time.Time, what string) {
	ps, err := b.cfg.Proposals.ReofferApproved(before)
	if err != nil {
		b.log.Error("cannot look for proposals approved before a restart and never run", "err", err)
		return
	}
	for _, p := range ps {
		approver := b.formerApprover(p.ID)
		b.log.Warn("a proposal approved before oktabot "+what+" was never run; nothing was changed", "proposal", p.ID, "now", p.State, "approver", approver)
		if p.Channel == "" {
			continue
		}
		if p.MessageTS == "" {
			// Its message was never recorded: post it (or withdraw it).
			if p.State == intents.StatePending {
				b.post(ctx, origin{via: "restart", channel: p.Channel, user: p.Requester, threadTS: p.ThreadTS}, []intents.Proposal{p})
			}
			continue
		}
		by, you := "an approver", ""
		if approver != "" {
			by, you = "<@"+approver+">", "<@"+approver+"> "
		}
		note := "🔁 oktabot " + what + " after " + by + " approved this and before it ran: nothing was changed in Okta. It waits for an approver again."
		tell := you + "oktabot " + what + " after this was approved and before it ran: nothing was changed in Okta. Approve it again if it should still happen."
		if p.State != intents.StatePending {
			note = "⌛ oktabot " + what + " after " + by + " approved this and before it ran, and it has expired since: nothing was changed in Okta."
			tell = you + "oktabot " + what + " after this was approved and before it ran, and it has expired since: nothing was changed in Okta. Ask again if it is still needed."
		}
		b.redraw(ctx, p, note)
		if _, _, err := b.postMessage(ctx, p.Channel, slack.MsgOptionText(tell, false), slack.MsgOptionTS(p.MessageTS)); err != nil {
			b.log.Error("cannot tell the approver that a proposal was offered again", "proposal", p.ID, "err", err)
		}
	}
}

// formerApprover is who had approved a re-offered (or so expired)
// proposal, from its last audit record.
func (b *Bot) formerApprover(id string) string {
	h, err := b.cfg.Proposals.History(id)
	if err != nil || len(h) == 0 {
		return ""
	}
	return h[len(h)-1].Approver
}
