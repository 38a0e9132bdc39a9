package bot

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// onEvent handles an Events API envelope (already acked): app mentions,
// and direct messages when enabled.
func (b *Bot) onEvent(evt socketmode.Event) {
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return
	}
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		if !b.seen.first(cb.EventID, b.cfg.Now()) {
			b.log.Debug("retried event ignored", "event_id", cb.EventID)
			return
		}
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if b.fromMe(e.User, e.BotID) {
			return
		}
		thread := e.ThreadTimeStamp
		if thread == "" {
			thread = e.TimeStamp
		}
		o := origin{via: "mention", channel: e.Channel, user: e.User, threadTS: thread}
		b.onText(o, e.Text)
	case *slackevents.MessageEvent:
		if e.ChannelType != "im" || !b.cfg.DirectMessages || e.SubType != "" || b.fromMe(e.User, e.BotID) {
			return
		}
		b.onText(origin{via: "dm", channel: e.Channel, user: e.User}, e.Text)
	}
}

func (b *Bot) fromMe(user, botID string) bool {
	return (botID != "" && botID == b.botID) || (user != "" && user == b.botUserID)
}

var leadingMention = regexp.MustCompile(`^\s*<@[A-Z0-9]+(\|[^>]*)?>\s*`)

// onText answers free text from a mention or a DM.
func (b *Bot) onText(o origin, text string) {
	if o.via == "mention" && !b.allowed(o.channel) {
		b.spawn("refusal", func(ctx context.Context) {
			if err := b.tell(ctx, o, b.notHere()); err != nil {
				b.log.Error("refusal failed", "err", err)
			}
		})
		return
	}
	text = strings.TrimSpace(leadingMention.ReplaceAllString(text, ""))
	b.request(o, "text", b.cfg.LongTimeout, func(ctx context.Context) {
		ctx = intents.WithLocation(ctx, b.zone(ctx, o.user))
		in, err := b.cfg.Classifier.Classify(ctx, text)
		if err != nil {
			b.fail(ctx, o, in, err)
			return
		}
		if in.Kind == intents.Unknown {
			if err := b.tell(ctx, o, b.askBack(in)); err != nil {
				b.log.Error("reply failed", "err", err)
			}
			return
		}
		b.serve(ctx, o, in)
	})
}

// askBack offers the likely meanings of an ambiguous request as buttons
// (only those that parse: a button must run as it reads).
func (b *Bot) askBack(in intents.Intent) blocks.Message {
	var runnable []string
	for _, c := range in.Suggestions {
		if got, err := intents.Parse(c); err == nil && got.Kind != intents.Unknown {
			runnable = append(runnable, c)
		}
	}
	return blocks.Suggestions("I'm not sure what you mean. Did you want one of these?", runnable)
}
