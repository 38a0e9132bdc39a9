package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// origin is where a request came from, and so where its answer goes.
type origin struct {
	via         string // "slash", "mention", "dm", "click"
	channel     string
	user        string
	threadTS    string // mentions: the thread to answer in
	responseURL string // slash commands and clicks
	messageTS   string // clicks: the message clicked
}

// answer posts m where people expect it: a slash command's "⏳" reply is
// replaced, a mention is answered in its thread, a click replaces the
// clicked message.
func (b *Bot) answer(ctx context.Context, o origin, m blocks.Message) error {
	switch o.via {
	case "slash", "click":
		return b.respond(ctx, o.responseURL, &slack.WebhookMessage{
			ResponseType:    slack.ResponseTypeInChannel,
			ReplaceOriginal: true,
			Text:            m.Text,
			Blocks:          &slack.Blocks{BlockSet: m.Blocks},
		})
	default:
		_, err := b.postMessage(ctx, o.channel, o.threadTS, m)
		return err
	}
}

// postMessage posts m to channel, in thread when it is set, and returns its ts.
func (b *Bot) postMessage(ctx context.Context, channel, thread string, m blocks.Message) (string, error) {
	_, ts, err := b.api.PostMessageContext(ctx, channel,
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...),
		slack.MsgOptionTS(thread))
	if err != nil {
		return "", fmt.Errorf("bot: chat.postMessage: %w", err)
	}
	return ts, nil
}

// tell sends m to the asker alone.
func (b *Bot) tell(ctx context.Context, o origin, m blocks.Message) error {
	if o.via == "slash" && o.responseURL != "" {
		// Remove the "⏳" reply, then answer privately.
		_ = b.respond(ctx, o.responseURL, &slack.WebhookMessage{DeleteOriginal: true})
		return b.respond(ctx, o.responseURL, &slack.WebhookMessage{
			ResponseType: slack.ResponseTypeEphemeral,
			Text:         m.Text,
			Blocks:       &slack.Blocks{BlockSet: m.Blocks},
		})
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	if o.threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(o.threadTS))
	}
	if _, err := b.api.PostEphemeralContext(ctx, o.channel, o.user, opts...); err != nil {
		return fmt.Errorf("bot: chat.postEphemeral: %w", err)
	}
	return nil
}

// fail logs err with a fresh correlation id and tells the asker what to do.
func (b *Bot) fail(ctx context.Context, o origin, in intents.Intent, err error) {
	if b.askWhichUser(ctx, o, in, err) {
		return
	}
	id := newCorrelationID()
	b.log.Error("request failed", "correlation_id", id, "via", o.via, "channel", o.channel, "user", o.user, "kind", in.Kind, "err", err)
	p := explain(err, in, id)
	m := blocks.Error(blocks.ErrorInfo{Title: p.Title, WhatToDo: p.Hint, CorrelationID: p.ID})
	if terr := b.tell(context.WithoutCancel(ctx), o, m); terr != nil {
		b.log.Error("could not tell the asker about an error", "correlation_id", id, "err", terr)
	}
}

func (b *Bot) respond(ctx context.Context, url string, msg *slack.WebhookMessage) error {
	if err := slack.PostWebhookCustomHTTPContext(ctx, url, b.cfg.HTTPClient, msg); err != nil {
		return fmt.Errorf("bot: response_url: %w", err)
	}
	return nil
}
