package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// pointToPending answers a request for a change that a pending proposal
// already makes: it names that proposal instead of posting a second
// Approve/Reject message. An investigation's finding is answered where its
// proposal would have been posted; a person's request privately.
func (b *Bot) pointToPending(ctx context.Context, o origin, p intents.Proposal, finding bool) {
	m := pendingPointer(p, o.channel)
	b.log.Info("proposal not duplicated", "pending", p.ID, "kind", p.Preview.Action.Kind, "requester", o.user)
	if !finding {
		if err := b.tell(ctx, o, m); err != nil {
			b.log.Error("could not point to the pending proposal", "proposal", p.ID, "err", err)
		}
		return
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	if o.threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(o.threadTS))
	}
	if _, _, err := b.postMessage(ctx, o.channel, opts...); err != nil {
		b.log.Error("could not point to the pending proposal", "proposal", p.ID, "err", err)
	}
}

// pendingPointer says "A proposal to suspend john@company.com is already
// waiting: p-7Q2MXK", where its message is if elsewhere, and how to see it.
func pendingPointer(p intents.Proposal, here string) blocks.Message {
	a := p.Preview.Action
	what := string(a.Kind)
	if v := a.Kind.Info().Verbs; len(v) > 0 {
		what = strings.ReplaceAll(v[0], "-", " ")
	}
	var names []string
	for _, r := range a.Targets() {
		if n := r.Name; n != "" {
			names = append(names, n)
		} else if r.ID != "" {
			names = append(names, r.ID)
		}
	}
	if len(names) > 0 {
		what += " " + strings.Join(names, ", ")
	}
	line := "A proposal to " + slackEscape(what) + " is already waiting for approval: *" + p.ID + "*"
	if p.Channel != "" && p.Channel != here {
		line += " in <#" + p.Channel + ">"
	}
	line += ". Approve or reject that one; see it with `/okta proposal " + p.ID + "`."
	text := "A proposal to " + what + " is already waiting for approval: " + p.ID
	return blocks.Message{
		Text:   slackEscape(text),
		Blocks: []slack.Block{slack.NewSectionBlock(&slack.TextBlockObject{Type: slack.MarkdownType, Text: line, Verbatim: true}, nil, nil, slack.SectionBlockOptionBlockID("proposal_pending"))},
	}
}

// slackEscape escapes the three characters Slack's text formats reserve.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
