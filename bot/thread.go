package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// A thread is context. The bot's messages about one person say so in
// their Slack metadata: an investigation's or another answer about one
// user, a proposal message for one person (subjectEventType, payload
// {"user": login}) and an incident's message (incidentEventType, whose
// payload carries "user" too). A mention in the thread that stands for a
// person by a pronoun ("suspend him", "clear his sessions", "what else did
// he do yesterday") is read with that person as its subject, found with
// conversations.replies. Outside a thread, or in a thread about nobody or
// about several people, the bot asks back whom the person means.

// subjectEventType marks, in its Slack metadata, a message about one
// person.
const subjectEventType = "oktabot_subject"

// maxThreadPages bounds the pages of a thread read to find its subject.
const maxThreadPages = 5

// subjectMetadata is the metadata option of a message about user; none
// when user is "".
func subjectMetadata(user string) []slack.MsgOption {
	if user == "" {
		return nil
	}
	return []slack.MsgOption{slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: subjectEventType, EventPayload: map[string]any{"user": user},
	})}
}

// answerSubject is the person an answer is about: the user the request
// named, as Okta resolved it when the answer says; "" for answers about
// no one user.
func answerSubject(in intents.Intent, res intents.Result) string {
	if in.User == "" {
		return ""
	}
	if res.Profile != nil && res.Profile.User.Login != "" {
		return res.Profile.User.Login
	}
	return in.User
}

// proposalsSubject is the one person proposals posted together act on;
// "" when they act on several or on none.
func proposalsSubject(ps []intents.Proposal) string {
	who := ""
	for _, p := range ps {
		u := p.Preview.Action.User
		if u == nil || u.Name == "" || (who != "" && !strings.EqualFold(who, u.Name)) {
			return ""
		}
		who = u.Name
	}
	return who
}

// threadSubjects lists the people the bot's messages in a thread are
// about, in the order the thread names them.
func (b *Bot) threadSubjects(ctx context.Context, channel, threadTS string) ([]string, error) {
	p := &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: threadTS, IncludeAllMetadata: true, Limit: 200}
	var out []string
	seen := map[string]bool{}
	for range maxThreadPages {
		msgs, more, next, err := b.api.GetConversationRepliesContext(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("bot: conversations.replies %s: %w", threadTS, err)
		}
		for _, m := range msgs {
			if !b.fromMe(m.User, m.BotID) {
				continue
			}
			if t := m.Metadata.EventType; t != subjectEventType && t != incidentEventType {
				continue
			}
			u, _ := m.Metadata.EventPayload["user"].(string)
			if u != "" && !seen[strings.ToLower(u)] {
				seen[strings.ToLower(u)] = true
				out = append(out, u)
			}
		}
		if !more || next == "" {
			break
		}
		p.Cursor = next
	}
	return out, nil
}

// withThreadSubject returns ctx carrying the person a text's pronoun
// stands for: the one person the mention's thread is about. When the text
// has no such pronoun ctx is returned as it is; when nobody, or several
// people, could be meant the asker is asked back and ok is false.
func (b *Bot) withThreadSubject(ctx context.Context, o origin, text string) (_ context.Context, ok bool) {
	if !freetext.Refers(text, b.cfg.Now()) {
		return ctx, true
	}
	var subjects []string
	if o.inThread {
		var err error
		subjects, err = b.threadSubjects(ctx, o.channel, o.threadTS)
		if err != nil {
			b.log.Warn("cannot read the thread to learn whom a pronoun means", "channel", o.channel, "thread", o.threadTS, "err", err)
		}
	}
	if len(subjects) == 1 {
		b.log.Debug("a pronoun resolved by its thread", "channel", o.channel, "thread", o.threadTS, "user", subjects[0])
		return freetext.WithSubject(ctx, subjects[0]), true
	}
	b.askWho(ctx, o, subjects)
	return ctx, false
}

// askWho asks the asker whom a pronoun means.
func (b *Bot) askWho(ctx context.Context, o origin, candidates []string) {
	var title string
	switch {
	case len(candidates) > 1:
		quoted := make([]string, len(candidates))
		for i, c := range candidates {
			quoted[i] = "`" + c + "`"
		}
		title = "Who do you mean? This thread is about " + joinOr(quoted) + ": name the person, e.g. `suspend " + candidates[0] + "`."
	default:
		title = "Who do you mean? Name the person — a login, an email or an @mention, e.g. `suspend john@company.com` — or ask in the thread of an investigation, an incident or a proposal about them."
	}
	if err := b.tell(ctx, o, blocks.Suggestions(title, nil)); err != nil {
		b.log.Error("reply failed", "err", err)
	}
}

// joinOr joins words as "a, b or c".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
