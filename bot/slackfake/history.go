package slackfake

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
)

// Paging of conversations.history, as Slack documents it: 100 messages by
// default, at most 999.
const (
	historyDefaultLimit = 100
	historyMaxLimit     = 999
	historyCursorPrefix = "next_ts:"
)

// historyOf is the conversation whose history req reads: one the bot is
// in (not_in_channel), with the history scope of its type.
func (s *Server) historyOf(req *apiRequest) (string, error) {
	id, ch, err := s.botConversation(req.arg("channel"), "history")
	if err != nil {
		return "", err
	}
	if ch.NotMember {
		return "", fail("not_in_channel")
	}
	return id, nil
}

// conversationsHistory serves conversations.history: the channel's
// messages as they stand now (updated, not deleted, not ephemeral), newest
// first. Thread replies are not in a channel's history unless they were
// broadcast (subtype thread_broadcast); a parent carries reply_count and
// latest_reply. oldest and latest bound the range, excluding the bounds
// unless inclusive; limit and cursor page it, with has_more and
// response_metadata.next_cursor. metadata is returned only with
// include_all_metadata. The bot reads only conversations it is in
// (not_in_channel), with the history scope of the channel's type.
//
// Only what the bot posted is kept; people's messages (Mention,
// DirectMessage) are not in the history.
func (s *Server) conversationsHistory(req *apiRequest) (map[string]any, error) {
	id, err := s.historyOf(req)
	if err != nil {
		return nil, err
	}
	pa, err := readPageArgs(req, historyDefaultLimit, historyMaxLimit)
	if err != nil {
		return nil, err
	}
	limit, oldest, latest, inclusive, start := pa.limit, pa.oldest, pa.latest, pa.inclusive, pa.cursor
	withMetadata := isTrue(req.arg("include_all_metadata"))

	s.mu.Lock()
	defer s.mu.Unlock()
	var in []Message
	for _, m := range s.channelMessagesLocked(id) {
		t, _ := tsMicros(m.TS)
		switch {
		case oldest >= 0 && (t < oldest || t == oldest && !inclusive),
			latest >= 0 && (t > latest || t == latest && !inclusive),
			start >= 0 && t > start:
			continue
		}
		in = append(in, m)
	}
	page, more := in, false
	if len(in) > limit {
		page, more = in[:limit], true
	}
	messages := make([]map[string]any, 0, len(page))
	for _, m := range page {
		messages = append(messages, s.historyMessageLocked(m, withMetadata))
	}
	next := ""
	if more {
		next = base64.StdEncoding.EncodeToString([]byte(historyCursorPrefix + in[limit].TS))
	}
	return map[string]any{
		"messages":          messages,
		"has_more":          more,
		"pin_count":         0,
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}

// channelMessagesLocked lists what a channel shows, newest first: the
// current state of every message that is not deleted, not ephemeral and
// not a reply kept in its thread.
func (s *Server) channelMessagesLocked(channel string) []Message {
	var out []Message
	for _, st := range s.store {
		m := st.msg
		if st.deleted || m.Ephemeral || m.Channel != channel || m.TS == "" {
			continue
		}
		if m.ThreadTS != "" && m.ThreadTS != m.TS && !m.Broadcast {
			continue
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := tsMicros(out[i].TS)
		b, _ := tsMicros(out[j].TS)
		return a > b
	})
	return out
}

// historyMessageLocked is a message as conversations.history returns it.
func (s *Server) historyMessageLocked(m Message, withMetadata bool) map[string]any {
	out := s.botMessage(m)
	delete(out, "channel") // history messages do not repeat the channel
	if withMetadata && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		return out
	}
	replies, latest := 0, ""
	for _, st := range s.store {
		r := st.msg
		if st.deleted || r.Ephemeral || r.Channel != m.Channel || r.ThreadTS != m.TS || r.TS == m.TS {
			continue
		}
		replies++
		if a, b := mustMicros(r.TS), mustMicros(latest); latest == "" || a > b {
			latest = r.TS
		}
	}
	if replies > 0 {
		out["thread_ts"] = m.TS
		out["reply_count"] = replies
		out["latest_reply"] = latest
	}
	return out
}

// tsMicros parses a Slack timestamp ("1700000000.000100", "1700000000")
// into microseconds, exactly.
func tsMicros(ts string) (int64, error) {
	secs, frac, _ := strings.Cut(ts, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || sec < 0 || len(frac) > 6 {
		return 0, fail("invalid_ts")
	}
	micro := int64(0)
	if frac != "" {
		n, err := strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		if err != nil || n < 0 {
			return 0, fail("invalid_ts")
		}
		micro = n
	}
	return sec*1e6 + micro, nil
}

// mustMicros is tsMicros for the fake's own timestamps; 0 if ts is not one.
func mustMicros(ts string) int64 {
	t, _ := tsMicros(ts)
	return t
}

// pageArgs are the paging and range arguments of conversations.history
// and conversations.replies; -1 for a bound or cursor not given.
type pageArgs struct {
	limit                  int
	oldest, latest, cursor int64
	inclusive              bool
}

// readPageArgs reads limit, oldest, latest, inclusive and cursor (a ts
// the page starts at) as Slack checks them.
func readPageArgs(req *apiRequest, defLimit, maxLimit int) (pageArgs, error) {
	pa := pageArgs{oldest: -1, latest: -1, cursor: -1, inclusive: isTrue(req.arg("inclusive"))}
	var err error
	if pa.limit, err = parseLimit(req.arg("limit"), defLimit, maxLimit); err != nil {
		return pageArgs{}, err
	}
	if v := req.arg("oldest"); v != "" {
		if pa.oldest, err = tsMicros(v); err != nil {
			return pageArgs{}, fail("invalid_ts_oldest")
		}
	}
	if v := req.arg("latest"); v != "" {
		if pa.latest, err = tsMicros(v); err != nil {
			return pageArgs{}, fail("invalid_ts_latest")
		}
	}
	if c := req.arg("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		ts, ok := strings.CutPrefix(string(raw), historyCursorPrefix)
		if err != nil || !ok {
			return pageArgs{}, fail("invalid_cursor")
		}
		if pa.cursor, err = tsMicros(ts); err != nil {
			return pageArgs{}, fail("invalid_cursor")
		}
	}
	return pa, nil
}
