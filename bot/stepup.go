package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// Step-up. Slack says who clicked Approve, but a stolen Slack session
// clicks as its victim. For the actions Config.StepUp lists, an approval
// counts only once the approver confirms it in their own Okta Verify:
// after a valid Approve the proposal moves to verifying (the store's gate:
// of any number of clicks one sends a push), oktabot finds the approver's
// Okta user by the email of their Slack profile, sends a push to their
// Okta Verify and waits in the background for Okta's answer. SUCCESS runs
// the action, exactly once; REJECTED or TIMEOUT (or no push factor, or
// Okta not answering) runs nothing and offers the proposal again, and a
// REJECTED push is also posted as an alert: someone may hold that
// approver's Slack session. The wait ends with oktabot; a proposal left
// verifying is offered again at the next start (ReportUnknown).

// Verifier is what the bot needs from Okta to step up an approval (the
// okta adapter has it).
type Verifier interface {
	UserByEmail(ctx context.Context, email string) (intents.User, error)
	StartPushVerify(ctx context.Context, userID string) (intents.PushTxn, error)
	WaitPush(ctx context.Context, txn intents.PushTxn, onChallenge func(number int)) (intents.PushOutcome, error)
}

// verifyingStore is what the bot needs of the approvals store for a
// step-up (both stores have it).
type verifyingStore interface {
	BeginVerify(id, by string) (intents.Proposal, error)
	PushSent(id string, txn intents.PushTxn) (intents.Proposal, error)
	ExecuteVerified(ctx context.Context, id string, out intents.PushOutcome, cause error, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error)
}

// pushWait bounds the wait for one push: Okta's push lives five minutes,
// and WaitPush gives up a minute after it expired.
const pushWait = 7 * time.Minute

// verifier is Config.Verifier, else the Directory when it can verify
// (the okta adapter can); nil: none.
func (b *Bot) verifier() Verifier {
	if b.cfg.Verifier != nil {
		return b.cfg.Verifier
	}
	v, _ := b.dir.(Verifier)
	return v
}

// stepsUp is the approval policy's StepUp: whether approving pv must be
// confirmed in Okta Verify.
func (b *Bot) stepsUp(pv intents.Preview) bool {
	return b.cfg.StepUp != nil && b.cfg.StepUp(pv.Action.Kind)
}

// stepUp asks o.user, who just approved p (a step-up proposal, approved),
// to confirm in Okta Verify, and runs it only if they do. msgTS is the
// proposal's message.
func (b *Bot) stepUp(ctx context.Context, o origin, p intents.Proposal) {
	vs, ok := b.cfg.Proposals.(verifyingStore)
	if !ok {
		b.log.Error("the approvals store cannot hold a step-up; the approval stays unexecuted", "proposal", p.ID)
		b.tellProblem(ctx, o, "Could not ask for your Okta Verify", "This oktabot's approvals store cannot hold a step-up: nothing was changed.", p.ID, errors.New("bot: store without step-up"))
		return
	}
	msgTS := p.MessageTS
	p, err := vs.BeginVerify(p.ID, o.user)
	if p.MessageTS == "" {
		p.MessageTS = msgTS
	}
	switch {
	case errors.Is(err, intents.ErrStarted) || errors.Is(err, intents.ErrDecided):
		return // another click of the same approval sent the push
	case err != nil:
		b.log.Error("cannot begin a step-up", "proposal", p.ID, "err", err)
		b.tellProblem(ctx, o, "Could not ask for your Okta Verify", "Nothing was changed. Check the proposal with /okta proposal "+p.ID+".", p.ID, err)
		return
	}
	select {
	case b.pushes <- struct{}{}:
	default:
		b.notConfirmed(ctx, o, vs, p, intents.PushOutcome{}, errors.New("too many Okta Verify pushes are waiting for an answer"),
			"oktabot is waiting for too many Okta Verify answers just now. Nothing was changed: approve again in a minute.")
		return
	}
	release := func() { <-b.pushes }
	txn, hint, err := b.sendPush(ctx, o, p)
	if err != nil {
		release()
		b.notConfirmed(ctx, o, vs, p, intents.PushOutcome{}, err, hint)
		return
	}
	if p, err = vs.PushSent(p.ID, txn); err != nil {
		release()
		b.log.Error("the push was sent but could not be recorded; it is not waited for", "proposal", p.ID, "txn", txn.ID, "err", err)
		b.tellProblem(ctx, o, "Could not record your Okta Verify push", "Nothing was changed. Ignore the push; approve again in a minute.", p.ID, err)
		return
	}
	if p.MessageTS == "" {
		p.MessageTS = msgTS
	}
	b.redraw(ctx, p, fmt.Sprintf("📲 Waiting for <@%s>'s Okta Verify: nothing changes in Okta until they confirm the push on their phone.", o.user))
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer release()
		b.guarded(b.work, "verify", func(context.Context) { b.awaitPush(o, vs, p, txn) })
	}()
}

// sendPush finds o.user's Okta user and sends them a push: the
// transaction, or why not (hint, for the approver).
func (b *Bot) sendPush(ctx context.Context, o origin, p intents.Proposal) (intents.PushTxn, string, error) {
	v := b.verifier()
	if v == nil {
		return intents.PushTxn{}, "This action must be confirmed in Okta Verify, and this oktabot cannot send a push. Nothing was changed.", errors.New("no Okta Verify client configured")
	}
	email, hint := b.approverEmail(ctx, o.user, p.ID)
	if hint != "" {
		return intents.PushTxn{}, hint, errors.New("the approver's Slack email is not known")
	}
	u, err := v.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, intents.ErrNotFound):
		return intents.PushTxn{}, "No Okta user has your Slack email " + email + ", so oktabot cannot send you an Okta Verify push. Nothing was changed: another approver can approve it.", err
	case err != nil:
		return intents.PushTxn{}, "Okta did not say which account is yours just now. Nothing was changed: try again in a minute.", err
	case u.Status != "" && u.Status != "ACTIVE":
		return intents.PushTxn{}, "Your Okta account " + email + " is " + u.Status + ", so it cannot confirm an approval. Nothing was changed: another approver can approve it.", fmt.Errorf("the approver's Okta user is %s", u.Status)
	}
	txn, err := v.StartPushVerify(ctx, u.ID)
	var npf *intents.NoPushFactorError
	switch {
	case errors.As(err, &npf):
		why := "you have no active Okta Verify push factor"
		if len(npf.Inactive) > 0 {
			why += " (your Okta Verify enrolment is not finished)"
		}
		return intents.PushTxn{}, "This action must be confirmed in Okta Verify, and " + why + ". Nothing was changed: set up Okta Verify, or another approver can approve it.", err
	case errors.Is(err, intents.ErrForbidden):
		return intents.PushTxn{}, "oktabot may not send Okta Verify pushes: its service app needs the okta.users.manage scope. Nothing was changed: ask an Okta admin to grant it.", err
	case err != nil:
		return intents.PushTxn{}, "Okta did not send the Okta Verify push just now. Nothing was changed: approve again in a minute.", err
	}
	return txn, "", nil
}

// awaitPush waits for Okta's answer to txn, telling the approver the
// number challenge privately, and then runs p or offers it again. A wait
// ended by oktabot stopping records nothing: the next start offers p
// again, its verification audited as interrupted.
func (b *Bot) awaitPush(o origin, vs verifyingStore, p intents.Proposal, txn intents.PushTxn) {
	wctx, cancel := context.WithTimeout(b.stopping, pushWait)
	defer cancel()
	out, err := b.verifier().WaitPush(wctx, txn, func(n int) {
		tctx, cancel := context.WithTimeout(b.work, 10*time.Second)
		defer cancel()
		m := blocks.Message{Text: fmt.Sprintf("📲 Okta Verify asks you to pick a number for %s: choose *%d* on your phone. If you did not approve it, tap \"No, it's not me\".", p.ID, n)}
		if err := b.tell(tctx, o, m); err != nil {
			b.log.Error("could not tell the approver the number challenge", "proposal", p.ID, "err", err)
		}
	})
	if b.stopping.Err() != nil {
		b.log.Warn("oktabot stopped while waiting for an approver's Okta Verify; the proposal is offered again at the next start", "proposal", p.ID, "txn", txn.ID)
		return
	}
	ctx, cancelWork := context.WithTimeout(b.work, b.cfg.Timeout)
	defer cancelWork()
	if err != nil || !out.Confirmed() {
		if out.TxnID == "" {
			out.TxnID = txn.ID
		}
		b.notConfirmed(ctx, o, vs, p, out, err, "")
		return
	}
	b.redraw(ctx, p, fmt.Sprintf("⏳ Executing… approved by <@%s>, confirmed in Okta Verify", o.user))
	got, err := vs.ExecuteVerified(ctx, p.ID, out, nil, b.execute)
	if got.MessageTS == "" {
		got.MessageTS = p.MessageTS
	}
	if err != nil {
		b.log.Error("a confirmed proposal could not be run or recorded", "proposal", p.ID, "err", err)
		b.tellProblem(ctx, o, "Could not record the result of "+p.ID, "Check the proposal with /okta proposal "+p.ID+".", p.ID, err)
		return
	}
	b.log.Info("proposal executed after Okta Verify", "proposal", p.ID, "state", got.State, "txn", txn.ID)
	b.redraw(ctx, got, "")
}

// notConfirmed offers p again (or expires it) because its approval was
// not confirmed: out is Okta's answer, if any, cause why there is none.
// The approver is told privately (hint, or Okta's answer), the message
// says so, and a REJECTED push is posted as an alert.
func (b *Bot) notConfirmed(ctx context.Context, o origin, vs verifyingStore, p intents.Proposal, out intents.PushOutcome, cause error, hint string) {
	if cause == nil && out.Result == "" {
		cause = errors.New("no answer from Okta")
	}
	if out.TxnID == "" && p.Verify != nil {
		out.TxnID = p.Verify.ID
	}
	msgTS := p.MessageTS
	got, err := vs.ExecuteVerified(ctx, p.ID, out, cause, b.execute)
	if got.MessageTS == "" {
		got.MessageTS = msgTS
	}
	if err != nil {
		b.log.Error("an unconfirmed approval could not be recorded", "proposal", p.ID, "err", err)
		b.tellProblem(ctx, o, "Could not record that your approval was not confirmed", "Nothing was changed. Check the proposal with /okta proposal "+p.ID+".", p.ID, err)
		return
	}
	b.log.Info("approval not confirmed in Okta Verify; nothing executed", "proposal", p.ID, "by", o.user, "result", out.Result, "txn", out.TxnID, "cause", cause)
	short, title, tell := "Okta did not answer", "Not confirmed in Okta Verify", "Okta did not answer about the push. Nothing was changed: approve again to get another push."
	switch {
	case hint != "":
		short, title, tell = "no push could be sent", "You can't approve this without Okta Verify", hint
	case out.Result == intents.PushRejected:
		short, tell = "the push was rejected", "The push was rejected in Okta Verify, so nothing was changed. If you clicked Approve yourself, approve again; if you did not, someone may be using your Slack session: tell your security team."
	case out.Result == intents.PushTimeout:
		short, tell = "no answer before the push expired", "Nobody answered the push before it expired. Nothing was changed: approve again to get another push."
	}
	b.redraw(ctx, got, fmt.Sprintf("📵 <@%s>'s approval was not confirmed in Okta Verify (%s). Nothing was changed in Okta.", o.user, short))
	if err := b.tell(ctx, o, blocks.Error(blocks.ErrorInfo{Title: title, WhatToDo: tell})); err != nil {
		b.log.Error("could not tell the approver", "err", err)
	}
	if out.Result == intents.PushRejected {
		b.alertRejectedPush(ctx, o, got, out)
	}
}

// alertRejectedPush posts, in the alert channel (else the proposal's),
// that the approver rejected the push for their own approval: someone
// else may have clicked Approve in their Slack session.
func (b *Bot) alertRejectedPush(ctx context.Context, o origin, p intents.Proposal, out intents.PushOutcome) {
	ch := b.cfg.AlertChannel
	if ch == "" {
		ch = p.Channel
	}
	if ch == "" {
		return
	}
	text := fmt.Sprintf("🚨 <@%s> rejected the Okta Verify push for an approval of %s (%s; Okta transaction %s). Nothing was changed. If they did not click Approve, someone else may hold their Slack session: check their Slack sessions and sign them out.",
		o.user, p.ID, p.Preview.Summary, out.TxnID)
	if _, _, err := b.postMessage(ctx, ch, slack.MsgOptionText(text, false)); err != nil {
		b.log.Error("cannot post the rejected-push alert", "proposal", p.ID, "err", err)
	}
}

// reportInterrupted redraws p, found verifying at start-up and offered
// again (or expired), saying its verification was interrupted.
func (b *Bot) reportInterrupted(ctx context.Context, p intents.Proposal) {
	b.log.Warn("oktabot stopped while waiting for an approver's Okta Verify; nothing was changed", "proposal", p.ID, "now", p.State)
	if p.Channel == "" {
		return
	}
	by := "the approver"
	if a := b.formerApprover(p.ID); a != "" {
		by = "<@" + a + ">"
	}
	note := "🔁 oktabot restarted while waiting for " + by + "'s Okta Verify: the verification was interrupted and nothing was changed in Okta. It waits for an approver again."
	if p.State != intents.StatePending {
		note = "⌛ oktabot restarted while waiting for " + by + "'s Okta Verify, and the proposal has expired since: nothing was changed in Okta."
	}
	b.redraw(ctx, p, note)
}
