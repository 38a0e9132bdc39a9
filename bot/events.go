package bot

import (
	"context"
	"encoding/json"
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
		if b.cfg.Seen != nil && cb.EventID != "" {
			first, err := b.cfg.Seen.First("event/"+cb.EventID, seenTTL)
			switch {
			case err != nil:
				b.log.Warn("cannot tell whether another replica took this event; answering it", "event_id", cb.EventID, "err", err)
			case !first:
				b.log.Debug("event taken by another replica", "event_id", cb.EventID)
				return
			}
		}
		if by, ok := fromBot(cb); ok {
			b.log.Debug("event from a bot, a workflow or a message subtype ignored", "event_id", cb.EventID, "by", by)
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
		o := origin{via: "mention", channel: e.Channel, user: e.User, threadTS: thread, inThread: e.ThreadTimeStamp != ""}
		b.onText(o, e.Text)
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "home" {
			o := origin{via: "home", channel: e.Channel, user: e.User}
			b.openNow(o, "home", func(ctx context.Context) { b.publishHome(ctx, e.User) })
		}
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

// fromBot reports whether an event was written by a bot or a workflow
// (bot_id), or is a message subtype (an edit, a deletion, a bot_message, a
// channel join…) rather than a person writing: such events are never
// answered. slack-go's AppMentionEvent has no subtype, so the inner event
// is read as Slack sent it.
func fromBot(cb *slackevents.EventsAPICallbackEvent) (string, bool) {
	if cb.InnerEvent == nil {
		return "", false
	}
	var e struct {
		BotID   string `json:"bot_id"`
		SubType string `json:"subtype"`
	}
	if json.Unmarshal(*cb.InnerEvent, &e) != nil {
		return "", false
	}
	switch {
	case e.BotID != "":
		return "bot " + e.BotID, true
	case e.SubType != "":
		return "subtype " + e.SubType, true
	}
	return "", false
}

var leadingMention = regexp.MustCompile(`^\s*<@[A-Z0-9]+(\|[^>]*)?>\s*`)

// onText answers free text from a mention or a DM.
// Only people who may read there are answered (mayRead).
func (b *Bot) onText(o origin, text string) {
	text = strings.TrimSpace(leadingMention.ReplaceAllString(text, ""))
	b.admit(o, func() { b.answerText(o, text) })
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
