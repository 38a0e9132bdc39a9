package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// formVerb reports whether text is only the verb of a form kind
// ("/okta create-user").
func formVerb(text string) (intents.Kind, bool) {
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(text), "/okta"))
	if len(f) != 1 {
		return "", false
	}
	v := strings.ToLower(f[0])
	for _, info := range intents.Catalogue {
		if info.Form != intents.FormOpen {
			continue
		}
		k := info.Kind
		if v == string(k) || v == strings.ReplaceAll(string(k), "_", "-") {
			return k, true
		}
		for _, verb := range info.Verbs {
			if v == verb {
				return k, true
			}
		}
	}
	return "", false
}

// openForm opens the modal of a form kind with the slash command's
// trigger, at once (openNow: the trigger dies in 3 seconds).
func (b *Bot) openForm(ctx context.Context, o origin, kind intents.Kind, trigger string) {
	view, err := blocks.FormModal(kind, intents.Intent{Kind: kind})
	if err != nil {
		b.fail(ctx, o, intents.Intent{Kind: kind}, err)
		return
	}
	view.PrivateMetadata = o.channel + "|" + view.PrivateMetadata
	if _, err := b.api.OpenViewContext(ctx, trigger, view); err != nil {
		b.fail(ctx, o, intents.Intent{Kind: kind}, err)
	}
}

// onViewSubmission handles a submitted modal. Validation errors go back in
// the ack (Slack shows them under the fields), so it is done before the
// ack; who may submit is decided by admit, and the proposal is made in its
// lane. A form from a channel oktabot does not answer in (its channel is
// in private_metadata) is answered in the modal itself: the channel may
// not have the bot to tell anyone there.
func (b *Bot) onViewSubmission(evt socketmode.Event, cb slack.InteractionCallback) {
	channel, meta, _ := strings.Cut(cb.View.PrivateMetadata, "|")
	o := origin{via: "modal", channel: channel, user: cb.User.ID}
	switch cb.View.CallbackID {
	case blocks.CallbackReject:
		b.ack(evt.Request, nil)
		reason := blocks.RejectReason(cb.View.State)
		b.admit(o, func() {
			b.request(o, "reject", 0, func(ctx context.Context) { b.decide(ctx, o, meta, false, reason) })
		})
	case blocks.CallbackForm:
		if !b.openIn(channel) || isDM(channel) {
			m := b.notHere()
			if b.openIn(channel) {
				m = blocks.Error(blocks.ErrorInfo{Title: "Nothing was proposed", WhatToDo: errNoChangesInDM.Error()})
			}
			b.log.Info("refused a form from a channel that takes no proposals", "user", o.user, "channel", channel)
			b.ack(evt.Request, slack.NewUpdateViewSubmissionResponse(noticeView(m)))
			return
		}
		in, fieldErrs, err := blocks.FormIntent(meta, cb.View.State)
		if len(fieldErrs) > 0 && err == nil {
			b.ack(evt.Request, slack.NewErrorsViewSubmissionResponse(fieldErrs))
			return
		}
		b.ack(evt.Request, nil)
		b.admit(o, func() {
			if err != nil {
				b.openNow(o, "form", func(ctx context.Context) { b.fail(ctx, o, intents.Intent{}, err) })
				return
			}
			b.request(o, "form", 0, func(ctx context.Context) { b.propose(ctx, o, in, "") })
		})
	case blocks.CallbackFalsePositive:
		b.onFalsePositive(evt, cb, o, meta)
	default:
		b.ack(evt.Request, nil)
		b.log.Warn("unknown modal submitted", "callback_id", cb.View.CallbackID, "user", cb.User.ID)
	}
}

// openReject opens the reject-reason modal, at once (openNow: the trigger
// dies in 3 seconds); without a trigger, or when the modal cannot open, it
// rejects without a reason in the decide lane.
func (b *Bot) openReject(ctx context.Context, o origin, id, trigger string) {
	if b.cfg.Proposals == nil {
		return
	}
	reject := func() {
		b.request(o, "reject", 0, func(ctx context.Context) { b.decide(ctx, o, id, false, "") })
	}
	p, err := b.cfg.Proposals.Get(id)
	if err != nil || trigger == "" {
		reject()
		return
	}
	if !b.appr.is(o.user) && p.Requester != o.user {
		b.refused(ctx, o, id, p, intents.ErrNotApprover)
		return
	}
	view := blocks.RejectModal(p)
	view.PrivateMetadata = o.channel + "|" + view.PrivateMetadata
	if _, err := b.api.OpenViewContext(ctx, trigger, view); err != nil {
		b.log.Warn("cannot open the reject modal; rejecting without a reason", "proposal", id, "err", err)
		reject()
	}
}

// openDetails shows the whole of a proposal (blast radius, attributes,
// every scored item, history) in a modal, or privately when the modal
// cannot open. Only from the proposal's own channel: a forged id from
// elsewhere learns nothing.
func (b *Bot) openDetails(ctx context.Context, o origin, id, trigger string) {
	if b.cfg.Proposals == nil {
		return
	}
	p, err := b.cfg.Proposals.Get(id)
	if err != nil {
		b.refused(ctx, o, id, intents.Proposal{}, err)
		return
	}
	if p.Channel != o.channel {
		b.refused(ctx, o, id, intents.Proposal{}, intents.ErrWrongChannel)
		return
	}
	history, err := b.cfg.Proposals.History(p.ID)
	if err != nil {
		b.log.Warn("cannot read the proposal's history; showing it without", "proposal", p.ID, "err", err)
	}
	now := b.cfg.Now().In(b.orgZone())
	if trigger != "" {
		_, err := b.api.OpenViewContext(ctx, trigger, blocks.ProposalDetailModal(p, history, now))
		if err == nil {
			return
		}
		b.log.Warn("cannot open the details modal; answering privately", "proposal", p.ID, "err", err)
	}
	if err := b.tell(ctx, o, blocks.ProposalDetail(p, history, now)); err != nil {
		b.log.Error("could not show the proposal's details", "proposal", p.ID, "err", err)
	}
}

// noticeView replaces a submitted modal with a message (Close only).
func noticeView(m blocks.Message) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "oktabot", false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Close", false, false),
		Blocks: slack.Blocks{BlockSet: m.Blocks},
	}
}
