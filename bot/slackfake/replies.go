package slackfake

import (
	"encoding/base64"
	"sort"
)

// Paging of conversations.replies, as Slack documents it: up to 1000
// messages a page (the default), fewer when limit says so.
const (
	repliesDefaultLimit = 1000
	repliesMaxLimit     = 1000
)

// conversationsReplies serves conversations.replies: a thread, its parent
// first and then its replies oldest first, as they stand now (updated, not
// deleted, not ephemeral). ts is the parent's or any reply's; a ts that is
// no message of the channel is thread_not_found, and a message with no
// replies is returned alone. Every message carries thread_ts, the parent
// reply_count and latest_reply. oldest and latest bound the replies
// (inclusive includes the bounds; the parent is always first), limit and
// cursor page them with has_more and response_metadata.next_cursor, and
// metadata comes only with include_all_metadata. The bot reads only
// conversations it is in (not_in_channel), with the history scope of the
// channel's type.
//
// Only what the bot posted is kept: a thread under a person's message
// (a mention the bot answered in its thread) is found by the ts of that
// message, and lists the bot's replies without the parent.
func (s *Server) conversationsReplies(req *apiRequest) (map[string]any, error) {
	id, err := s.historyOf(req)
	if err != nil {
		return nil, err
	}
	ts := req.arg("ts")
	if ts == "" {
		return nil, fail("invalid_arguments")
	}
	if _, err := tsMicros(ts); err != nil {
		return nil, fail("thread_not_found")
	}
	pa, err := readPageArgs(req, repliesDefaultLimit, repliesMaxLimit)
	if err != nil {
		return nil, err
	}
	limit, oldest, latest, inclusive, after := pa.limit, pa.oldest, pa.latest, pa.inclusive, pa.cursor
	withMetadata := isTrue(req.arg("include_all_metadata"))

	s.mu.Lock()
	defer s.mu.Unlock()
	parentTS := ts
	var parent *Message
	var thread []Message
	for _, st := range s.store {
		m := st.msg
		if st.deleted || m.Ephemeral || m.Channel != id || m.TS != ts {
			continue
		}
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			parentTS = m.ThreadTS
		}
	}
	for _, st := range s.store {
		m := st.msg
		if st.deleted || m.Ephemeral || m.Channel != id || m.TS == "" {
			continue
		}
		switch {
		case m.TS == parentTS:
			parent = &m
		case m.ThreadTS == parentTS:
			thread = append(thread, m)
		}
	}
	if parent == nil && len(thread) == 0 {
		return nil, fail("thread_not_found")
	}
	sort.Slice(thread, func(i, j int) bool { return mustMicros(thread[i].TS) < mustMicros(thread[j].TS) })
	var in []Message
	for _, m := range thread {
		t := mustMicros(m.TS)
		switch {
		case oldest >= 0 && (t < oldest || t == oldest && !inclusive),
			latest >= 0 && (t > latest || t == latest && !inclusive),
			after >= 0 && t < after:
			continue
		}
		in = append(in, m)
	}
	if parent != nil && after < 0 {
		in = append([]Message{*parent}, in...)
	}
	page, more := in, false
	if len(in) > limit {
		page, more = in[:limit], true
	}
	messages := make([]map[string]any, 0, len(page))
	for _, m := range page {
		out := s.historyMessageLocked(m, withMetadata)
		out["thread_ts"] = parentTS
		messages = append(messages, out)
	}
	next := ""
	if more {
		next = base64.StdEncoding.EncodeToString([]byte(historyCursorPrefix + in[limit].TS))
	}
	return map[string]any{
		"messages":          messages,
		"has_more":          more,
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}
