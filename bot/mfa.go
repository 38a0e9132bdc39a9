package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// MFAScanner is the Directory's MFA scan with progress reports, when it
// has one: mfa_status then shows its progress as it goes.
type MFAScanner interface {
	MFAStatus(ctx context.Context, refresh bool, progress func(scanned, total int)) (intents.Result, error)
}

// scanMFA answers mfa_status with a message that shows the scan's progress
// at least every Config.ProgressEvery, then the result with Refresh. A
// slash command's response URL is good for five posts only, so the
// progress lives in a message of its own, updated with chat.update.
func (b *Bot) scanMFA(ctx context.Context, o origin, s MFAScanner, refresh bool) {
	in := intents.Intent{Kind: intents.MFAStatus}
	tz := b.zone(ctx, o.user)
	start := b.cfg.Now().In(tz)
	channel, ts := o.channel, o.messageTS
	if o.via != "click" || ts == "" {
		if o.via == "slash" && o.responseURL != "" {
			_ = b.respond(ctx, o.responseURL, &slack.WebhookMessage{DeleteOriginal: true})
		}
		m := blocks.MFAProgress(0, 0, start, start)
		opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
		if o.threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(o.threadTS))
		}
		var err error
		if channel, ts, err = b.api.PostMessageContext(ctx, o.channel, opts...); err != nil {
			b.fail(ctx, o, in, err)
			return
		}
	}
	update := func(m blocks.Message) {
		if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)); err != nil {
			b.log.Warn("cannot update the MFA scan message", "err", err)
		}
	}
	var mu sync.Mutex
	last := time.Time{}
	progress := func(scanned, total int) {
		mu.Lock()
		defer mu.Unlock()
		now := b.cfg.Now().In(tz)
		if now.Sub(last) < b.cfg.ProgressEvery {
			return
		}
		last = now
		update(blocks.MFAProgress(scanned, total, start, now))
	}
	res, err := s.MFAStatus(ctx, refresh, progress)
	b.observe(in.Kind, err, start)
	if err != nil {
		update(blocks.Error(blocks.ErrorInfo{Title: "The MFA scan stopped", WhatToDo: "Click Refresh or ask again."}))
		b.fail(ctx, o, in, err)
		return
	}
	mu.Lock()
	defer mu.Unlock()
	last = b.cfg.Now().Add(time.Hour) // no progress after the result
	update(blocks.Result(res, blocks.Options{Page: 1, PageSize: b.cfg.PageSize, Now: b.cfg.Now(), TZ: tz}))
}
