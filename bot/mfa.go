package bot

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// MFAScanner is the Directory's MFA scan with progress reports, when it
// has one: mfa_status then shows its progress as it goes. A full scan runs
// in the background: when MFAStatus returns before it ends (the request's
// time is up), MFAScanEstimate says it still runs and how long it should
// still take, from Okta's rate limit.
type MFAScanner interface {
	MFAStatus(ctx context.Context, refresh bool, progress func(scanned, total int)) (intents.Result, error)
	MFAScanEstimate() (left time.Duration, running bool)
}

// mfaEstimate is the context line that gives the time a running scan
// should still take, from Okta's rate limit.
func mfaEstimate(m blocks.Message, s MFAScanner) blocks.Message {
	left, running := s.MFAScanEstimate()
	if !running || left <= 0 {
		return m
	}
	text := "Okta's rate limit for factor reads allows about " + roundLeft(left) + " more for the users listed so far."
	m.Blocks = append(m.Blocks, slack.NewContextBlock("mfa_estimate", slack.NewTextBlockObject(slack.MarkdownType, text, false, false)))
	return m
}

// roundLeft says a duration the way people estimate it.
func roundLeft(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return strconv.Itoa(int((d+30*time.Second)/time.Minute)) + " min"
	default:
		return strconv.FormatFloat(d.Hours(), 'f', 1, 64) + " h"
	}
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
		m := blocks.MFAProgress(0, 0, start, start)
		if o.via == "slash" {
			m = blocks.AskedBy(m, o.user, "/okta "+o.command)
		}
		opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
		if o.threadTS != "" {
			opts = append(opts, slack.MsgOptionTS(o.threadTS))
		}
		var err error
		if channel, ts, err = b.postMessage(ctx, o.channel, opts...); err != nil {
			b.fail(ctx, o, in, err)
			return
		}
	}
	update := func(m blocks.Message) {
		// The last update may come when the request's time is up (the scan
		// goes on in the background): it still reaches Slack.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		if _, _, _, err := b.api.UpdateMessageContext(uctx, channel, ts, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)); err != nil {
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
		update(mfaEstimate(blocks.MFAProgress(scanned, total, start, now), s))
	}
	res, err := s.MFAStatus(ctx, refresh, progress)
	b.observe(in.Kind, err, start)
	if err != nil {
		mu.Lock()
		last = b.cfg.Now().Add(time.Hour) // no progress after this
		mu.Unlock()
		if left, running := s.MFAScanEstimate(); running {
			// Not a failure: the scan goes on, and keeps its progress.
			detail := "It keeps its progress and goes on without this message."
			if left > 0 {
				detail += " Okta's rate limit allows about " + roundLeft(left) + " more."
			}
			update(blocks.Error(blocks.ErrorInfo{Title: "The MFA scan is still running in the background", Detail: detail,
				WhatToDo: "Ask again later (or click Refresh then) for the result."}))
			return
		}
		if errors.Is(err, intents.ErrElsewhere) {
			// Not a failure either: another replica runs the scan, and
			// this one offers no partial result.
			update(blocks.Error(blocks.ErrorInfo{Title: "The MFA scan is running on another oktabot replica",
				Detail: upperFirst(err.Error()) + ". Its result is not shown here until it is whole.", WhatToDo: "Ask again when it ends (or click Refresh then)."}))
			return
		}
		update(blocks.Error(blocks.ErrorInfo{Title: "The MFA scan stopped", Detail: "Its progress is kept: the next scan resumes it.", WhatToDo: "Click Refresh or ask again."}))
		b.fail(ctx, o, in, err)
		return
	}
	mu.Lock()
	defer mu.Unlock()
	last = b.cfg.Now().Add(time.Hour) // no progress after the result
	update(blocks.Result(res, blocks.Options{Page: 1, PageSize: b.cfg.PageSize, Now: b.cfg.Now(), TZ: tz}))
	b.chartScan(ctx, o, channel, ts, res, tz)
}
