package slackfake

import (
	"context"
	"encoding/json"
)

// Message is one thing the bot made users see: a post, an update, an
// ephemeral message, a response_url post, or a slash command's ack payload.
type Message struct {
	// Method is chat.postMessage, chat.update, chat.postEphemeral,
	// chat.delete, response_url or ack.
	Method   string
	Channel  string
	TS       string // the message's ts (for chat.update and replace_original, the one replaced)
	ThreadTS string
	User     string // who sees an ephemeral message
	Text     string
	Blocks   json.RawMessage // compact JSON array, nil if none
	// Ephemeral is true for chat.postEphemeral and for ephemeral responses.
	Ephemeral       bool
	ResponseType    string // response_url and ack: as sent ("" means ephemeral)
	ReplaceOriginal bool
	DeleteOriginal  bool
	// Broadcast marks a thread reply also sent to the channel
	// (reply_broadcast), which Slack shows in the channel as a
	// thread_broadcast message.
	Broadcast bool
	// Metadata is the message's metadata as compact JSON
	// {"event_payload":{…},"event_type":"…"}, nil if none.
	Metadata json.RawMessage
}

// stored is a message as it currently stands in a channel.
type stored struct {
	msg     Message
	deleted bool
}

func storeKey(channel, ts string) string { return channel + "/" + ts }

// Messages lists everything the bot posted, updated, deleted or answered,
// in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitMessage returns the first message, already recorded or yet to come,
// for which match reports true.
func (s *Server) WaitMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	var found Message
	err := s.waitFor(ctx, func() bool {
		for _, m := range s.messages {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// Current returns a message as it stands now, after updates and
// replacements; ok is false if there is no such message or it was deleted.
func (s *Server) Current(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.store[storeKey(channel, ts)]
	if !ok || st.deleted {
		return Message{}, false
	}
	return st.msg, true
}

// recordLocked appends a message to the log and stores its current state.
func (s *Server) recordLocked(m Message) {
	s.messages = append(s.messages, m)
	if m.DeleteOriginal || m.Method == "chat.delete" {
		if st, ok := s.store[storeKey(m.Channel, m.TS)]; ok {
			st.deleted = true
		}
	} else {
		s.store[storeKey(m.Channel, m.TS)] = &stored{msg: m}
	}
	s.notifyLocked()
}

// botMessage is the message object Slack returns and puts in interaction
// payloads for a bot post.
func (s *Server) botMessage(m Message) map[string]any {
	out := map[string]any{
		"type":    "message",
		"user":    s.opts.BotUserID,
		"bot_id":  s.opts.BotID,
		"app_id":  s.opts.AppID,
		"team":    s.opts.TeamID,
		"text":    m.Text,
		"ts":      m.TS,
		"blocks":  json.RawMessage("[]"),
		"channel": m.Channel,
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Broadcast {
		out["subtype"] = "thread_broadcast"
	}
	return out
}

// checkedContent validates a chat method's text and blocks, recording a
// rejection.
func (s *Server) checkedContent(req *apiRequest, channel string) (string, json.RawMessage, error) {
	text, blocks := req.arg("text"), req.raw("blocks")
	compact, err := s.checkMessage(text, blocks, req.arg("attachments") != "")
	if err != nil {
		s.reject(req.method, channel, text, blocks, err)
		return "", nil, err
	}
	return text, compact, nil
}

func (s *Server) chatPostMessage(req *apiRequest) (map[string]any, error) {
	channel, ch, code := s.opts.channel(req.arg("channel"))
	if code != "" {
		return nil, fail(code)
	}
	if ch.NotMember {
		return nil, fail("not_in_channel")
	}
	text, blocks, err := s.checkedContent(req, channel)
	if err != nil {
		return nil, err
	}
	md, err := s.checkedMetadata(req, channel)
	if err != nil {
		return nil, err
	}
	threadTS := req.arg("thread_ts")
	s.mu.Lock()
	m := Message{
		Method: req.method, Channel: channel, TS: s.nextTSLocked(), ThreadTS: threadTS,
		Text: text, Blocks: blocks, Metadata: md.value,
		// Without thread_ts, reply_broadcast means nothing: a plain message.
		Broadcast: threadTS != "" && isTrue(req.arg("reply_broadcast")),
	}
	s.recordLocked(m)
	s.mu.Unlock()
	return md.withWarning(map[string]any{"channel": channel, "ts": m.TS, "message": s.botMessage(m)}), nil
}

// isTrue reads a boolean argument as Slack does: true or 1.
func isTrue(v string) bool { return v == "true" || v == "1" }

func (s *Server) chatUpdate(req *apiRequest) (map[string]any, error) {
	channel, _, code := s.opts.channel(req.arg("channel"))
	if code != "" {
		return nil, fail(code)
	}
	ts := req.arg("ts")
	if !s.updatable(channel, ts) {
		return nil, fail("message_not_found")
	}
	text, blocks, err := s.checkedContent(req, channel)
	if err != nil {
		return nil, err
	}
	md, err := s.checkedMetadata(req, channel)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.store[storeKey(channel, ts)]
	if !ok || st.deleted { // deleted meanwhile
		return nil, fail("message_not_found")
	}
	// An update without (valid) metadata leaves the message's metadata as
	// it was;
	// reply_broadcast can broadcast a reply afterwards, never un-broadcast it.
	m := Message{
		Method: req.method, Channel: channel, TS: ts, ThreadTS: st.msg.ThreadTS, Text: text, Blocks: blocks,
		Metadata:  st.msg.Metadata,
		Broadcast: st.msg.Broadcast || (st.msg.ThreadTS != "" && st.msg.ThreadTS != ts && isTrue(req.arg("reply_broadcast"))),
	}
	if md.value != nil {
		m.Metadata = md.value
	}
	s.recordLocked(m)
	return md.withWarning(map[string]any{"channel": channel, "ts": ts, "text": text, "message": s.botMessage(m)}), nil
}

// updatable reports whether chat.update and chat.delete can act on a
// message: it exists, is not deleted and is not ephemeral.
func (s *Server) updatable(channel, ts string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.store[storeKey(channel, ts)]
	return ok && !st.deleted && !st.msg.Ephemeral
}

func (s *Server) chatPostEphemeral(req *apiRequest) (map[string]any, error) {
	channel, ch, code := s.opts.channel(req.arg("channel"))
	if code != "" {
		return nil, fail(code)
	}
	user := req.arg("user")
	if user == "" {
		return nil, fail("user_not_found")
	}
	if len(s.opts.Users) > 0 {
		if _, ok := s.opts.Users[user]; !ok {
			return nil, fail("user_not_found")
		}
	}
	if ch.NotMember {
		return nil, fail("not_in_channel")
	}
	text, blocks, err := s.checkedContent(req, channel)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	m := Message{
		Method: req.method, Channel: channel, TS: s.nextTSLocked(), ThreadTS: req.arg("thread_ts"),
		User: user, Text: text, Blocks: blocks, Ephemeral: true,
	}
	s.recordLocked(m)
	s.mu.Unlock()
	return map[string]any{"message_ts": m.TS}, nil
}

func (s *Server) chatDelete(req *apiRequest) (map[string]any, error) {
	channel, _, code := s.opts.channel(req.arg("channel"))
	if code != "" {
		return nil, fail(code)
	}
	ts := req.arg("ts")
	if !s.updatable(channel, ts) {
		return nil, fail("message_not_found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked(Message{Method: req.method, Channel: channel, TS: ts})
	return map[string]any{"channel": channel, "ts": ts}, nil
}
