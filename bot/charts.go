package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks/charts"
	"github.com/oktabot/oktabot/intents"
)

// Pictures: an investigation, a threat sweep and an MFA scan attach a
// chart (blocks/charts) to the thread of their answer, uploaded with
// Slack's files v2 flow (files.getUploadURLExternal, the bytes,
// files.completeUploadExternal with channel_id and thread_ts) with a title
// and alt text. Config.Charts turns them on. A chart is drawn after its
// answer is posted, and one that cannot be drawn or uploaded is logged:
// the answer always stands.

// charted reports whether the answer to res gets a chart: charts are on,
// the result has one, and it is a request's first answer, not a page
// turn or a click on an answer (whose thread the bot does not know).
func (b *Bot) charted(o origin, res intents.Result, page int) bool {
	return b.cfg.Charts && o.via != "click" && page <= 1 && res.Intent.After == "" && charts.Has(res)
}

// chartThread attaches res's chart, when it has one, to thread: the
// thread that follows up the answer to res.
func (b *Bot) chartThread(ctx context.Context, o origin, thread string, res intents.Result, page int) {
	if thread == "" || !b.charted(o, res, page) {
		return
	}
	b.attachChart(ctx, o.channel, thread, res, b.zone(ctx, o.user))
}

// chartScan attaches an MFA scan's chart in the thread of its message
// (channel, ts), unless the scan was a Refresh click.
func (b *Bot) chartScan(ctx context.Context, o origin, channel, ts string, res intents.Result, tz *time.Location) {
	if !b.charted(o, res, 1) {
		return
	}
	thread := o.threadTS
	if thread == "" {
		thread = ts
	}
	b.attachChart(ctx, channel, thread, res, tz)
}

// attachChart draws res's chart and uploads it to thread in channel.
// Failures are logged (without the upload URL, which grants the upload)
// and go no further.
func (b *Bot) attachChart(ctx context.Context, channel, thread string, res intents.Result, tz *time.Location) {
	kind := res.Intent.Kind
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("chart: drawing panicked; the answer stands", "kind", kind, "panic", fmt.Sprint(r))
		}
	}()
	c, ok, err := charts.For(res, tz)
	if err != nil {
		b.log.Error("chart not drawn; the answer stands", "kind", kind, "err", err)
		return
	}
	if !ok {
		return
	}
	_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename:        c.Filename,
		Title:           c.Title,
		AltTxt:          c.AltText,
		Reader:          bytes.NewReader(c.PNG),
		FileSize:        len(c.PNG),
		Channel:         channel,
		ThreadTimestamp: thread,
	})
	if err != nil {
		b.log.Warn("chart not uploaded; the answer stands", "kind", kind, "channel", channel, "err", withoutURL(err))
		return
	}
	b.log.Debug("chart uploaded", "kind", kind, "channel", channel, "thread", thread, "bytes", len(c.PNG))
}

// withoutURL is err's text with the URL of a failed HTTP request left
// out: a files v2 upload URL lets whoever holds it upload.
func withoutURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return "files upload: " + ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}
