package bot

import (
	"context"
	"slices"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// pending answers `/okta pending`.
func (b *Bot) pending(ctx context.Context, o origin) {
	if b.cfg.Proposals == nil {
		b.fail(ctx, o, intents.Intent{Kind: intents.Pending}, intents.Invalidf("this oktabot has no approvals store configured (OKTABOT_DB)"))
		return
	}
	ps, err := b.cfg.Proposals.Pending()
	if err != nil {
		b.fail(ctx, o, intents.Intent{Kind: intents.Pending}, err)
		return
	}
	var here []intents.Proposal
	for _, p := range ps {
		if p.Channel == o.channel || p.Channel == "" {
			here = append(here, p)
		}
	}
	if err := b.answer(ctx, o, blocks.Pending(here, b.cfg.Now().In(b.zone(ctx, o.user)))); err != nil {
		b.fail(ctx, o, intents.Intent{Kind: intents.Pending}, err)
	}
}

// showProposal answers `/okta proposal ID`.
func (b *Bot) showProposal(ctx context.Context, o origin, in intents.Intent) {
	if b.cfg.Proposals == nil {
		b.fail(ctx, o, in, intents.Invalidf("this oktabot has no approvals store configured (OKTABOT_DB)"))
		return
	}
	p, err := b.cfg.Proposals.Get(in.ID)
	if err == nil && p.Channel != "" && p.Channel != o.channel {
		err = &intents.Error{Err: intents.ErrNotFound, Detail: "no proposal " + in.ID + " in this channel"}
	}
	if err != nil {
		b.fail(ctx, o, in, err)
		return
	}
	h, err := b.cfg.Proposals.History(p.ID)
	if err != nil {
		b.fail(ctx, o, in, err)
		return
	}
	now := b.cfg.Now().In(b.zone(ctx, o.user))
	m := blocks.ProposalDetail(p, h, now)
	if p.State == intents.StatePending {
		// Whoever looks a pending proposal up can decide it there.
		m = withDecision(m, blocks.Proposal(p, blocks.ProposalOptions{Now: now, TZ: now.Location()}))
	}
	if err := b.answer(ctx, o, m); err != nil {
		b.fail(ctx, o, in, err)
	}
}

// withDecision puts the Approve and Reject buttons of a proposal's card
// (there while it is pending and not expired) into its detail, under the
// status line. If the detail cannot take them, the card is shown instead.
func withDecision(detail, card blocks.Message) blocks.Message {
	var decide []slack.BlockElement
	for _, bl := range card.Blocks {
		ab, ok := bl.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, el := range ab.Elements.ElementSet {
			if btn, ok := el.(*slack.ButtonBlockElement); ok && (btn.ActionID == blocks.ActionApprove || btn.ActionID == blocks.ActionReject) {
				decide = append(decide, btn)
			}
		}
	}
	if len(decide) == 0 {
		return detail
	}
	at := len(detail.Blocks)
	for i, bl := range detail.Blocks {
		if bl.ID() == "status" {
			at = i + 1
		}
	}
	buttons := slack.NewActionBlock("decision", decide...)
	out := blocks.Message{Text: detail.Text, Blocks: slices.Concat(detail.Blocks[:at:at], []slack.Block{buttons}, detail.Blocks[at:])}
	if blocks.Validate(out) != nil {
		return card
	}
	return out
}
