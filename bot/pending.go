package bot

import (
	"context"

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
	if err := b.answer(ctx, o, blocks.ProposalDetail(p, h, b.cfg.Now().In(b.zone(ctx, o.user)))); err != nil {
		b.fail(ctx, o, in, err)
	}
}
