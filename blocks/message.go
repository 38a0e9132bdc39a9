package blocks

import (
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Message is a Block Kit message. Text is the plain-text fallback Slack
// shows in notifications and to clients without blocks; it is always set.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Block Kit limits, as Slack documents them (bot/slackfake enforces the
// same in tests). Lengths are in characters, counted here as UTF-16 code
// units.
const (
	MaxBlocks          = 50
	MaxSectionText     = 3000
	MaxFields          = 10
	MaxFieldText       = 2000
	MaxHeaderText      = 150
	MaxContextElements = 10
	MaxActionElements  = 25
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxURL             = 3000
	MaxID              = 255
	MaxMessageText     = 40000
	// MaxBlocksJSON bounds the compact JSON of a message's blocks. Slack
	// rejects large messages with msg_blocks_too_long at an undocumented
	// cumulative size (about 12,000 characters of text); counting the whole
	// JSON, not only its text, keeps a margin.
	MaxBlocksJSON = 12000
)

// Action ids of the buttons this package renders. They are stable: the bot
// routes block_actions by them.
const (
	ActionPrev   = "page_prev"
	ActionNext   = "page_next"
	ActionExport = "export_csv"
)

// Page sizes of lists.
const (
	DefaultPageSize = 15
	MaxPageSize     = 25
)

// Options tune how a Result is rendered. The zero value works: first page,
// DefaultPageSize items, UTC, no ages.
type Options struct {
	// Page is the 1-based page of a list to show. Below 1 means the first;
	// past the last means the last.
	Page int
	// PageSize is how many items a page shows: 0 means DefaultPageSize,
	// more than MaxPageSize means MaxPageSize.
	PageSize int
	// Now is the present, used for ages such as "no sign-in for 143 days"
	// and token expiry. Zero: ages are left out (times are still shown).
	Now time.Time
	// TZ is the zone of the plain-text fallback of times (Slack shows each
	// reader the time in their own zone). nil means UTC.
	TZ *time.Location
}

func (o Options) pageSize() int {
	switch {
	case o.PageSize <= 0:
		return DefaultPageSize
	case o.PageSize > MaxPageSize:
		return MaxPageSize
	default:
		return o.PageSize
	}
}

// zoneOf is the zone of times shown beside now (given in the zone of the
// reader, as Pending, ProposalDetail and MFAProgress take it): UTC when
// now is zero.
func zoneOf(now time.Time) *time.Location {
	if now.IsZero() {
		return time.UTC
	}
	return now.Location()
}

func (o Options) zone() *time.Location {
	if o.TZ == nil {
		return time.UTC
	}
	return o.TZ
}

// DefaultWorking is the text of Working("").
const DefaultWorking = "Looking that up…"

// Working is the immediate reply to a request: "⏳ Looking that up…", or
// text instead when given.
func Working(text string) Message {
	text = clip(sanitize(text), 500)
	if text == "" {
		text = DefaultWorking
	}
	return Message{
		Text:   "⏳ " + esc(text),
		Blocks: []slack.Block{section("working", ":hourglass_flowing_sand: "+esc(text))},
	}
}

// ErrorInfo is what an error message says. The bot words it; every field
// is plain text (escaped here), so it may quote Okta's own summary.
type ErrorInfo struct {
	// Title says what went wrong in one line: "Okta authentication failed".
	Title string
	// Detail is optional: more about what happened.
	Detail string
	// WhatToDo says what the person can do next.
	WhatToDo string
	// CorrelationID is the short id that also appears in the log.
	CorrelationID string
	// Channels are channel ids to point the person to; each becomes a
	// channel link. Anything that is not a channel id is left out.
	Channels []string
	// People are Slack user ids WhatToDo names, each in place of a
	// "{user}" in it: they show as mentions, as no text from a person or
	// from Okta ever does.
	People []string
}

// Error renders an error for the person who asked (the bot sends it
// ephemerally).
func Error(e ErrorInfo) Message {
	title := md(e.Title, 200)
	if title == "" {
		title = "Something went wrong"
	}
	text := ":warning: *" + title + "*"
	if d := md(e.Detail, 1200); d != "" {
		text += "\n" + d
	}
	blocks := []slack.Block{section("error", text)}
	fallback := "⚠️ " + title
	if w := withPeople(md(e.WhatToDo, 1500), e.People); w != "" {
		blocks = append(blocks, section("error_todo", "*What to do:* "+w))
		fallback += ": " + w
	}
	if links := channelLinks(e.Channels); links != "" {
		blocks = append(blocks, section("error_channels", "*Where:* "+links))
		fallback += " Where: " + links
	}
	if id := md(e.CorrelationID, 64); id != "" {
		blocks = append(blocks, contextBlock("error_ref", "Reference `"+stripTicks(id)+"`: quote it to whoever runs oktabot."))
		fallback += " (ref " + id + ")"
	}
	return Message{Text: fallback, Blocks: blocks}
}

// withPeople puts a mention of each of people (Slack user ids the bot
// itself names, never text from a person or from Okta) in place of the
// "{user}" placeholders of escaped text, in order.
func withPeople(text string, people []string) string {
	for _, id := range people {
		if !slackUserID.MatchString(id) || !strings.Contains(text, "{user}") {
			continue
		}
		text = strings.Replace(text, "{user}", "<@"+id+">", 1)
	}
	return text
}

// Builders of single blocks. Every one clips its text to the limit that
// applies, so no builder can produce an invalid block; callers still keep
// their text under the limits so that nothing is cut in practice.

// mrkdwn is a verbatim mrkdwn text object: Slack processes our formatting
// and tokens but does not auto-link anything in it.
func mrkdwn(text string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: text, Verbatim: true}
}

// plain is a plain_text object with emoji shortcodes rendered.
func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, true, false)
}

func header(id, text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(clip(text, MaxHeaderText)), slack.HeaderBlockOptionBlockID(id))
}

func section(id, text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(clipMarkup(text, MaxSectionText)), nil, nil, slack.SectionBlockOptionBlockID(id))
}

// field is one labelled value of a fields section.
type field struct {
	label string // our words, not escaped
	value string // mrkdwn
}

// fieldsSection shows up to MaxFields fields (empty values are skipped) and
// an optional text above them.
func fieldsSection(id, text string, fs []field) *slack.SectionBlock {
	var objs []*slack.TextBlockObject
	for _, f := range fs {
		if f.value == "" || len(objs) == MaxFields {
			continue
		}
		objs = append(objs, mrkdwn(clipMarkup("*"+f.label+"*\n"+f.value, MaxFieldText)))
	}
	var t *slack.TextBlockObject
	if text != "" {
		t = mrkdwn(clipMarkup(text, MaxSectionText))
	}
	if t == nil && len(objs) == 0 {
		t = mrkdwn("—")
	}
	return slack.NewSectionBlock(t, objs, nil, slack.SectionBlockOptionBlockID(id))
}

// contextBlock is a context line of mrkdwn parts (empty parts are skipped).
func contextBlock(id string, parts ...string) *slack.ContextBlock {
	var els []slack.MixedElement
	for _, p := range parts {
		if p != "" && len(els) < MaxContextElements {
			els = append(els, mrkdwn(clipMarkup(p, MaxSectionText)))
		}
	}
	if len(els) == 0 {
		els = append(els, mrkdwn("—"))
	}
	return slack.NewContextBlock(id, els...)
}

func divider(id string) *slack.DividerBlock {
	d := slack.NewDividerBlock()
	d.BlockID = id
	return d
}

func button(actionID, label, value string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, plain(clip(label, MaxButtonText)))
}

// channelLinks renders channel ids as Slack channel links, dropping
// anything that is not a channel id so no text can become a live token.
func channelLinks(ids []string) string {
	var links []string
	for _, id := range ids {
		if channelIDPattern.MatchString(id) && len(links) < 20 {
			links = append(links, "<#"+id+">")
		}
	}
	return strings.Join(links, " ")
}

var channelIDPattern = regexp.MustCompile(`^[CG][A-Z0-9]{2,20}$`)

// AskedBy heads an answer posted to the channel with who asked what:
// "@ana asked `/okta investigate john@company.com`". user is a Slack user
// id; command is shown as code, escaped. A message already at the block
// limit is returned as it is.
func AskedBy(m Message, user, command string) Message {
	if len(m.Blocks) >= MaxBlocks {
		return m
	}
	line := person(user, 80) + " asked " + code(strings.Join(strings.Fields(sanitize(command)), " "), 300)
	out := Message{Text: m.Text, Blocks: append([]slack.Block{contextBlock("asked", line)}, m.Blocks...)}
	if Validate(out) != nil {
		return m
	}
	return out
}
