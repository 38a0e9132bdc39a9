package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// onInteractive handles button clicks: it acks at once, lets in only who
// may read here (admit), and works on the click in the pool.
func (b *Bot) onInteractive(evt socketmode.Event) {
	cb, ok := evt.Data.(slack.InteractionCallback)
	if ok && cb.Type == slack.InteractionTypeViewSubmission {
		b.onViewSubmission(evt, cb)
		return
	}
	b.ack(evt.Request, nil)
	if !ok || cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	o := origin{via: "click", channel: channel, user: cb.User.ID, responseURL: cb.ResponseURL,
		messageTS: cb.Container.MessageTs, threadTS: cb.Container.ThreadTs, ephemeral: cb.Container.IsEphemeral}
	act := cb.ActionCallback.BlockActions[0]
	if a := blocks.BaseAction(act.ActionID); a == blocks.ActionWasThisYouYes || a == blocks.ActionWasThisYouNo {
		// The person asked answers in their DM; answered checks it is
		// them, whether or not they may read Okta.
		answer := intents.AnswerYes
		if a == blocks.ActionWasThisYouNo {
			answer = intents.AnswerNo
		}
		b.openNow(o, "was_this_you", func(ctx context.Context) { b.answered(ctx, o, act.Value, answer) })
		return
	}
	b.admit(o, func() { b.click(o, cb, act) })
}

// click works on a click by someone who may read here.
func (b *Bot) click(o origin, cb slack.InteractionCallback, act *slack.BlockAction) {
	if strings.HasPrefix(act.ActionID, blocks.ActionRun) {
		// A suggested command: parsed again like typed text, answered in
		// the channel like a slash command's answer.
		cmd := act.Value
		b.request(o, "suggestion", b.cfg.LongTimeout, func(ctx context.Context) {
			in, err := intents.Parse(cmd)
			if err == nil && in.Kind == intents.Unknown {
				err = intents.Invalidf("That suggestion is no longer valid; type the command instead.")
			}
			if err != nil {
				b.fail(ctx, o, in, err)
				return
			}
			o.via = "mention"
			b.serve(ctx, o, in)
		})
		return
	}
	if strings.HasPrefix(act.ActionID, blocks.ActionPickUser) || strings.HasPrefix(act.ActionID, blocks.ActionPickObject) {
		b.pickUser(o, act.Value)
		return
	}
	if strings.HasPrefix(act.ActionID, blocks.ActionUserAct) {
		b.userAction(o, act.Value)
		return
	}
	if b.incidentClick(o, cb, act) {
		return
	}
	switch blocks.BaseAction(act.ActionID) {
	case blocks.ActionPrev, blocks.ActionNext:
		in, page, err := blocks.DecodePageValue(act.Value)
		what := "page"
		if err == nil {
			what = string(in.Kind) // a page of a long query is a long job
		}
		b.request(o, what, 0, func(ctx context.Context) {
			if err != nil {
				b.fail(ctx, o, intents.Intent{}, intents.Invalidf("That button's data is not valid; run the command again."))
				return
			}
			b.page(ctx, o, in, page)
		})
	case blocks.ActionExport:
		in, _, err := blocks.DecodePageValue(act.Value)
		b.request(o, "export", 0, func(ctx context.Context) {
			if err != nil {
				b.fail(ctx, o, intents.Intent{}, intents.Invalidf("That button's data is not valid; run the command again."))
				return
			}
			b.export(ctx, o, in)
		})
	case blocks.ActionMFARefresh:
		if sc, ok := b.dir.(MFAScanner); ok {
			b.request(o, "mfa_refresh", 0, func(ctx context.Context) { b.scanMFA(ctx, o, sc, true) })
		}
	case blocks.ActionApprove:
		b.request(o, "approve", 0, func(ctx context.Context) { b.decide(ctx, o, act.Value, true, "") })
	case blocks.ActionReject:
		trigger := cb.TriggerID
		b.openNow(o, "reject", func(ctx context.Context) { b.openReject(ctx, o, act.Value, trigger) })
	case blocks.ActionUndo:
		b.request(o, "undo", 0, func(ctx context.Context) { b.undo(ctx, o, act.Value) })
	case blocks.ActionDetails:
		trigger := cb.TriggerID
		b.openNow(o, "details", func(ctx context.Context) { b.openDetails(ctx, o, act.Value, trigger) })
	default:
		b.log.Warn("unknown button", "action_id", act.ActionID, "user", o.user)
	}
}

// export uploads the whole result of a query as CSV to the channel.
func (b *Bot) export(ctx context.Context, o origin, in intents.Intent) {
	in.Limit = b.cfg.ExportLimit
	in.After = ""
	res, err := b.dir.Query(ctx, in)
	if err != nil {
		b.fail(ctx, o, in, err)
		return
	}
	name, data := blocks.CSV(res)
	comment := fmt.Sprintf("%d rows exported for <@%s>", res.Len(), o.user)
	if res.Truncated {
		comment += fmt.Sprintf(" (the first %d; narrow the query for the rest)", res.Len())
	}
	_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename:        name,
		Title:           name,
		Content:         string(data),
		FileSize:        len(data),
		Channel:         o.channel,
		ThreadTimestamp: o.threadTS,
		InitialComment:  comment,
	})
	if err != nil {
		b.fail(ctx, o, in, err)
	}
}
