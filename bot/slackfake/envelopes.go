package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// verificationToken is the legacy token Slack still puts in payloads.
const verificationToken = "fake-verification-token"

// Envelope is one Socket Mode envelope the fake sent.
type Envelope struct {
	ID                     string
	Type                   string // slash_commands, events_api, interactive
	AcceptsResponsePayload bool
	RetryAttempt           int
	RetryReason            string
	Payload                json.RawMessage
	SentAt                 time.Time // when it was last written to a socket
	Conn                   int       // the socket it was last written to (1 = the first opened)
	Waited                 bool      // no socket was open when it was sent: it waited for one
}

// envelope is an Envelope with the fake's bookkeeping.
type envelope struct {
	Envelope
	ack     *Ack         // first accepted ack
	dropped *Ack         // last ack refused for size
	reply   *responseURL // slash command: where an ack payload is shown
}

func (e *envelope) wire() map[string]any {
	w := map[string]any{
		"envelope_id":              e.ID,
		"type":                     e.Type,
		"accepts_response_payload": e.AcceptsResponsePayload,
		"payload":                  e.Payload,
	}
	if e.Type == "events_api" {
		w["retry_attempt"] = e.RetryAttempt
		w["retry_reason"] = e.RetryReason
	}
	return w
}

// Envelopes lists every envelope sent, in order.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, 0, len(s.envOrder))
	for _, id := range s.envOrder {
		out = append(out, s.envelopes[id].Envelope)
	}
	return out
}

// SlashCommand is a user running a slash command.
type SlashCommand struct {
	UserID    string
	ChannelID string
	Command   string // default "/okta"
	Text      string
}

// SlashCommand delivers a slash_commands envelope, with a fresh
// response_url and trigger_id, and returns its envelope id. It waits for a
// socket if none is ready.
func (s *Server) SlashCommand(ctx context.Context, c SlashCommand) (string, error) {
	if c.Command == "" {
		c.Command = "/okta"
	}
	s.mu.Lock()
	channel, ch, _ := s.opts.channel(c.ChannelID)
	if channel == "" {
		channel, ch.Name = c.ChannelID, strings.ToLower(c.ChannelID)
	}
	if ch.IM {
		ch.Name = "directmessage" // as Slack names any DM in a slash command
	}
	resp := s.newResponseURLLocked("commands", channel, c.UserID, "", true)
	env := &envelope{
		Envelope: Envelope{ID: s.envelopeIDLocked(), Type: "slash_commands", AcceptsResponsePayload: true},
		reply:    resp,
	}
	payload := map[string]any{
		"token":                 verificationToken,
		"team_id":               s.opts.TeamID,
		"team_domain":           s.opts.TeamDomain,
		"channel_id":            channel,
		"channel_name":          ch.Name,
		"user_id":               c.UserID,
		"user_name":             s.opts.Users[c.UserID].Name,
		"command":               c.Command,
		"text":                  c.Text,
		"api_app_id":            s.opts.AppID,
		"is_enterprise_install": "false",
		"response_url":          s.base + resp.path,
		"trigger_id":            s.newTriggerLocked(c.UserID),
	}
	s.mu.Unlock()
	return s.send(ctx, env, payload)
}

// send marshals the payload into the envelope and delivers it.
func (s *Server) send(ctx context.Context, env *envelope, payload any) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("slackfake: %s payload: %w", env.Type, err)
	}
	env.Payload = raw
	if err := s.deliver(ctx, env); err != nil {
		return "", fmt.Errorf("slackfake: deliver %s: %w", env.Type, err)
	}
	return env.ID, nil
}

// EventCallback is an events_api delivery of an inner event.
type EventCallback struct {
	Inner        json.RawMessage // the inner "event" object, e.g. a message.im
	EventID      string          // default: a fresh "Ev…" id
	EventTime    int64           // default: the clock's Unix time
	RetryAttempt int
	RetryReason  string
}

// Event delivers an events_api envelope wrapping inner, an event object
// such as a message.im or the bot's own message, in an event_callback with
// a fresh event_id, and returns its envelope id.
func (s *Server) Event(ctx context.Context, inner json.RawMessage) (string, error) {
	return s.EventCallback(ctx, EventCallback{Inner: inner})
}

// EventCallback delivers an events_api envelope wrapping e.Inner in an
// event_callback, and returns its envelope id.
func (s *Server) EventCallback(ctx context.Context, e EventCallback) (string, error) {
	s.mu.Lock()
	if e.EventID == "" {
		e.EventID = s.nextIDLocked("Ev")
	}
	if e.EventTime == 0 {
		e.EventTime = s.opts.Now().Unix()
	}
	env := &envelope{Envelope: Envelope{
		ID: s.envelopeIDLocked(), Type: "events_api", RetryAttempt: e.RetryAttempt, RetryReason: e.RetryReason,
	}}
	payload := map[string]any{
		"token":      verificationToken,
		"team_id":    s.opts.TeamID,
		"api_app_id": s.opts.AppID,
		"event":      e.Inner,
		"type":       "event_callback",
		"event_id":   e.EventID,
		"event_time": e.EventTime,
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": s.opts.TeamID, "user_id": s.opts.BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-fake-event-context",
	}
	s.mu.Unlock()
	return s.send(ctx, env, payload)
}

// Mention is a user mentioning the bot (an app_mention event).
type Mention struct {
	UserID    string
	ChannelID string
	Text      string // "<@BOT> " is prepended unless it mentions the bot
	TS        string // default: a fresh timestamp
	ThreadTS  string // set when the mention is a reply in a thread
	EventID   string // default: a fresh id; reuse one to simulate a duplicate
	// BotID marks a mention a bot or a workflow posted (bot_id); SubType
	// one of a message subtype (bot_message, message_changed, …).
	BotID   string
	SubType string
	// RetryAttempt and RetryReason mark the delivery as one of Slack's
	// retries.
	RetryAttempt int
	RetryReason  string
}

// Mention delivers an app_mention events_api envelope and returns its
// envelope id.
func (s *Server) Mention(ctx context.Context, m Mention) (string, error) {
	s.mu.Lock()
	mention := "<@" + s.opts.BotUserID + ">"
	if !strings.Contains(m.Text, mention) {
		m.Text = strings.TrimSpace(mention + " " + m.Text)
	}
	if m.TS == "" {
		m.TS = s.nextTSLocked()
	}
	inner := s.messageLocked("app_mention", m.UserID, m.ChannelID, m.Text, m.TS, m.BotID, m.SubType)
	s.mu.Unlock()
	if m.ThreadTS != "" {
		inner["thread_ts"] = m.ThreadTS
	}
	raw, err := json.Marshal(inner)
	if err != nil {
		return "", fmt.Errorf("slackfake: mention: %w", err)
	}
	return s.EventCallback(ctx, EventCallback{Inner: raw, EventID: m.EventID, RetryAttempt: m.RetryAttempt, RetryReason: m.RetryReason})
}

// messageLocked is the inner event of a message or mention as Slack sends
// it: a bot's carries bot_id (and a bot_message no user), a subtype its
// subtype, and the team is the speaker's own (another organization's for a
// Slack Connect user).
func (s *Server) messageLocked(typ, user, channel, text, ts, botID, subtype string) map[string]any {
	inner := map[string]any{
		"type":     typ,
		"text":     text,
		"ts":       ts,
		"channel":  channel,
		"event_ts": ts,
		"team":     s.teamOf(s.opts.Users[user]),
	}
	if user != "" && subtype != "bot_message" {
		inner["user"] = user
	}
	if botID != "" {
		inner["bot_id"] = botID
	}
	if subtype != "" {
		inner["subtype"] = subtype
	}
	return inner
}

// DirectMessage is a user writing to the bot in their direct message with
// it (a message.im event).
type DirectMessage struct {
	UserID    string
	ChannelID string // default: the user's DM with the bot ("D" + the id without U/W)
	Text      string
	TS        string // default: a fresh timestamp
	EventID   string // default: a fresh id
	// BotID marks a message a bot or a workflow posted; SubType one of a
	// message subtype (bot_message, message_changed, …).
	BotID   string
	SubType string
}

// DirectMessage delivers a message.im events_api envelope and returns its
// envelope id.
func (s *Server) DirectMessage(ctx context.Context, d DirectMessage) (string, error) {
	s.mu.Lock()
	if d.ChannelID == "" {
		d.ChannelID = dmOf(d.UserID)
	}
	if d.TS == "" {
		d.TS = s.nextTSLocked()
	}
	inner := s.messageLocked("message", d.UserID, d.ChannelID, d.Text, d.TS, d.BotID, d.SubType)
	s.mu.Unlock()
	inner["channel_type"] = "im"
	raw, err := json.Marshal(inner)
	if err != nil {
		return "", fmt.Errorf("slackfake: direct message: %w", err)
	}
	return s.EventCallback(ctx, EventCallback{Inner: raw, EventID: d.EventID})
}

// RedeliverEvent sends an events_api envelope again as Slack's retry does:
// same payload and event_id, a new envelope id, retry_attempt incremented
// and retry_reason set (default "timeout"). It returns the new envelope id.
func (s *Server) RedeliverEvent(ctx context.Context, envelopeID, reason string) (string, error) {
	if reason == "" {
		reason = "timeout"
	}
	s.mu.Lock()
	orig, ok := s.envelopes[envelopeID]
	if !ok || orig.Type != "events_api" {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: redeliver %s: %w", envelopeID, ErrUnknownEnvelope)
	}
	env := &envelope{Envelope: Envelope{
		ID:           s.envelopeIDLocked(),
		Type:         orig.Type,
		RetryAttempt: orig.RetryAttempt + 1,
		RetryReason:  reason,
		Payload:      orig.Payload,
	}}
	s.mu.Unlock()
	if err := s.deliver(ctx, env); err != nil {
		return "", fmt.Errorf("slackfake: redeliver %s: %w", envelopeID, err)
	}
	return env.ID, nil
}

// scheduleRedelivery arms Slack's retry of an unacknowledged events_api
// envelope when Options.RedeliverAfter is set.
func (s *Server) scheduleRedelivery(env *envelope) {
	d := s.opts.RedeliverAfter
	if d <= 0 || env.Type != "events_api" || env.RetryAttempt >= MaxEventRetries {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterFuncLocked(d, func() {
		s.mu.Lock()
		acked := env.ack != nil
		s.mu.Unlock()
		if acked {
			return
		}
		if _, err := s.RedeliverEvent(s.ctx, env.ID, "timeout"); err != nil {
			s.opts.Logger.Debug("slackfake: redelivery failed", "envelope", env.ID, "err", err)
		}
	})
}
