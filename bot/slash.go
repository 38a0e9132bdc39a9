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

// ackPayload is a slash command's immediate reply.
type ackPayload struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

// onSlash answers /okta. Everything decided without Okta (not allowed here,
// bad input, unknown verb) is answered in the ack itself, privately; the
// rest is acked with "⏳" (or "busy") and worked on in its lane, first
// checking who may read here (readersOnly).
func (b *Bot) onSlash(evt socketmode.Event) {
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		b.ack(evt.Request, nil)
		return
	}
	o := origin{via: "slash", channel: cmd.ChannelID, user: cmd.UserID, responseURL: cmd.ResponseURL, command: cmd.Text}
	if !b.openIn(cmd.ChannelID) {
		b.ackPrivately(evt.Request, b.notHere())
		return
	}
	if kind, ok := formVerb(cmd.Text); ok {
		b.ack(evt.Request, nil)
		b.openNow(o, "form", b.readersOnly(o, func(ctx context.Context) {
			if isDM(o.channel) {
				b.fail(ctx, o, intents.Intent{Kind: kind}, errNoChangesInDM)
				return
			}
			b.openForm(ctx, o, kind, cmd.TriggerID)
		}))
		return
	}
	zone := b.knownZone(cmd.UserID)
	in, err := intents.ParseIn(cmd.Text, intents.ReadOptions{Now: b.cfg.Now(), Location: zone})
	if err != nil {
		id := newCorrelationID()
		b.log.Info("refused slash command", "correlation_id", id, "user", cmd.UserID, "err", err)
		p := explain(err, in, id)
		b.ackPrivately(evt.Request, blocks.Error(blocks.ErrorInfo{Title: p.Title, WhatToDo: p.Hint, CorrelationID: id}))
		return
	}
	switch {
	case in.Kind == intents.Unknown:
		b.ackPrivately(evt.Request, b.unknown(cmd.Text, in))
		return
	case in.Kind == intents.Help:
		b.ackRequest(evt.Request, ackPayload{ResponseType: slack.ResponseTypeEphemeral, Text: "⏳ Looking that up…"}, o, "help", b.readersOnly(o, func(ctx context.Context) {
			if err := b.tell(ctx, o, blocks.Help(intents.Area(in.Query))); err != nil {
				b.log.Error("help reply failed", "err", err)
			}
		}))
		return
	}
	// The ack is the asker's alone: the answer is posted to the channel on
	// its own (see answerTS).
	w := blocks.Working("")
	b.ackRequest(evt.Request, ackPayload{ResponseType: slack.ResponseTypeEphemeral, Text: w.Text, Blocks: w.Blocks}, o, string(in.Kind),
		b.readersOnly(o, func(ctx context.Context) {
			if z := b.zone(ctx, o.user); z != zone {
				// The person's own zone, just learnt: read their days in it.
				var err error
				if in, err = intents.ParseIn(cmd.Text, intents.ReadOptions{Now: b.cfg.Now(), Location: z}); err != nil {
					b.fail(ctx, o, in, err)
					return
				}
			}
			b.serve(ctx, o, in)
		}))
}

func (b *Bot) ackPrivately(req *socketmode.Request, m blocks.Message) {
	b.ack(req, ackPayload{ResponseType: slack.ResponseTypeEphemeral, Text: m.Text, Blocks: m.Blocks})
}

// notHere is the refusal outside the allowed channels.
func (b *Bot) notHere() blocks.Message {
	return blocks.Error(blocks.ErrorInfo{
		Title:    "oktabot doesn't answer in this channel",
		WhatToDo: "Ask in one of the channels below: Okta data stays in the security team's channels.",
		Channels: b.cfg.Channels,
	})
}

func (b *Bot) unknown(text string, in intents.Intent) blocks.Message {
	hint := "Type `/okta help` to see what I can do."
	if len(in.Suggestions) > 0 {
		hint = "Did you mean " + strings.Join(quoteAll(in.Suggestions), " or ") + "? " + hint
	}
	return blocks.Error(blocks.ErrorInfo{Title: fmt.Sprintf("I don't know %q", firstWord(text)), WhatToDo: hint})
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = "`" + v + "`"
	}
	return out
}

func firstWord(s string) string {
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(s), "/okta"))
	if len(f) == 0 {
		return ""
	}
	w := []rune(f[0])
	if len(w) > 40 {
		return string(w[:40]) + "…"
	}
	return string(w)
}
