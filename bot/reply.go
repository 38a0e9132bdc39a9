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
	via         string // "slash", "mention", "dm", "click", "modal"
	channel     string
	user        string
	threadTS    string // mentions: the thread to answer in; clicks: the clicked message's thread
	inThread    bool   // mentions: written as a reply in a thread (threadTS is that thread)
	responseURL string // slash commands and clicks
	messageTS   string // clicks: the message clicked
	ephemeral   bool   // clicks: the clicked message is ephemeral
	command     string // slash commands: the text after /okta
}

// answer posts m where people expect it; see answerTS.
func (b *Bot) answer(ctx context.Context, o origin, m blocks.Message) error {
	_, err := b.answerTS(ctx, o, m)
	return err
}

// answerTS posts m where people expect it and returns its ts ("" when
// Slack does not say): a slash command's answer is a channel message
// headed by who asked what (a slash command's response_url cannot
// reliably replace its own reply, so the "⏳" ack is ephemeral and the
// answer is posted anew); a click updates the clicked message (through
// its response_url when that message is ephemeral); a mention is answered
// in its thread. extra options (metadata) go with a posted or updated
// message.
func (b *Bot) answerTS(ctx context.Context, o origin, m blocks.Message, extra ...slack.MsgOption) (string, error) {
	opts := func(m blocks.Message) []slack.MsgOption {
		return append([]slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}, extra...)
	}
	switch {
	case o.via == "slash":
		m = blocks.AskedBy(m, o.user, "/okta "+o.command)
		_, ts, err := b.postMessage(ctx, o.channel, opts(m)...)
		if err != nil {
			return "", fmt.Errorf("bot: chat.postMessage: %w", err)
		}
		return ts, nil
	case o.via == "click" && o.messageTS != "" && !o.ephemeral:
		if _, _, _, err := b.api.UpdateMessageContext(ctx, o.channel, o.messageTS, opts(m)...); err != nil {
			return "", fmt.Errorf("bot: chat.update: %w", err)
		}
		return o.messageTS, nil
	case o.via == "click":
		return "", b.respond(ctx, o.responseURL, &slack.WebhookMessage{
			ResponseType:    slack.ResponseTypeEphemeral,
			ReplaceOriginal: true,
			Text:            m.Text,
			Blocks:          &slack.Blocks{BlockSet: m.Blocks},
		})
	default:
		_, ts, err := b.postMessage(ctx, o.channel, append(opts(m), slack.MsgOptionTS(o.threadTS))...)
		if err != nil {
			return "", fmt.Errorf("bot: chat.postMessage: %w", err)
		}
		return ts, nil
	}
}

// tell sends m to the asker alone: through the response_url of a slash
// command, else as an ephemeral message (in the thread when there is
// one).
func (b *Bot) tell(ctx context.Context, o origin, m blocks.Message) error {
	if o.via == "slash" && o.responseURL != "" {
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
	if b.askWhichUser(ctx, o, in, err) || b.askWhichObject(ctx, o, in, err) {
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
