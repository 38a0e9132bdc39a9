package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// serve answers one parsed request.
func (b *Bot) serve(ctx context.Context, o origin, in intents.Intent) {
	if !b.moveTo(ctx, o, in.Kind) {
		return // a long job from free text or a button found the long lane full
	}
	if err := b.resolvePerson(ctx, &in); err != nil {
		b.fail(ctx, o, in, err)
		return
	}
	switch {
	case in.Kind == intents.Help:
		if err := b.answer(ctx, o, blocks.Help(intents.Area(in.Query))); err != nil {
			b.fail(ctx, o, in, err)
		}
		return
	case in.Kind.IsAction() && (o.via == "dm" || isDM(o.channel)):
		b.fail(ctx, o, in, errNoChangesInDM)
		return
	case in.Kind.IsAction():
		b.propose(ctx, o, in, "")
		return
	case in.Kind == intents.Pending:
		b.pending(ctx, o)
		return
	case in.Kind == intents.ShowProposal:
		b.showProposal(ctx, o, in)
		return
	case in.Kind == intents.Suppressions:
		b.showSuppressions(ctx, o)
		return
	case in.Kind == intents.MFAStatus:
		if s, ok := b.dir.(MFAScanner); ok {
			b.scanMFA(ctx, o, s, false)
			return
		}
	}
	b.page(ctx, o, in, 1)
}

// page answers a query with one page of its result.
func (b *Bot) page(ctx context.Context, o origin, in intents.Intent, page int) {
	start := time.Now()
	res, err := b.dir.Query(ctx, in)
	defer func() { b.observe(in.Kind, err, start) }()
	if err != nil {
		b.fail(ctx, o, in, err)
		return
	}
	if b.cfg.ReadOnly && len(res.Proposals) > 0 {
		// A read-only oktabot proposes nothing, so its answers do not
		// announce proposals either.
		res.Proposals = nil
		res.Notes = append(res.Notes, "This oktabot is read-only (OKTABOT_READ_ONLY=true): it proposes no fixes.")
	}
	opts := blocks.Options{Page: page, PageSize: b.cfg.PageSize, Now: b.cfg.Now(), TZ: b.zone(ctx, o.user)}
	ts, err := b.answerTS(ctx, o, blocks.Result(res, opts), subjectMetadata(answerSubject(in, res))...)
	if err != nil {
		b.fail(ctx, o, in, err)
		return
	}
	// What follows the answer up goes in its thread: the mention's, or
	// the answer's own.
	thread := o.threadTS
	if thread == "" {
		thread = ts
	}
	first := page <= 1 && in.After == ""
	if in.Kind == intents.Investigate && first {
		b.postDetails(ctx, o, thread, res, opts)
	}
	b.chartThread(ctx, o, thread, res, page)
	if in.Kind == intents.Investigate && first {
		if isDM(o.channel) {
			b.notProposedInDM(ctx, o, res) // approvers cannot see a DM
		} else {
			b.proposeFindings(ctx, o, res)
		}
	}
}

// postDetails posts an investigation's full report (every finding with
// its points, the timeline) in the answer's thread, so that the answer
// fits on a screen. Without a thread (an ephemeral answer) it is left
// out: Export CSV has every event.
func (b *Bot) postDetails(ctx context.Context, o origin, thread string, res intents.Result, opts blocks.Options) {
	m, ok := blocks.InvestigationDetails(res, opts)
	if !ok || thread == "" {
		return
	}
	if _, _, err := b.postMessage(ctx, o.channel, slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionTS(thread)); err != nil {
		b.log.Error("cannot post the investigation's details in its thread", "channel", o.channel, "err", err)
	}
}
