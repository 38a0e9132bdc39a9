package slackfake

import (
	"sort"
	"strconv"
	"strings"
)

// Paging of conversations.members, as Slack documents it.
const (
	membersDefaultLimit = 100
	membersMaxLimit     = 1000
	membersCursorPrefix = "members:"
)

// conversationsMembers serves conversations.members: the channel's members
// from Options.Members, with the bot when it belongs to the channel, a
// page of at most limit ids at a time with response_metadata.next_cursor
// for the rest. The channel is resolved, and its scope needed, as
// botConversation says.
func (s *Server) conversationsMembers(req *apiRequest) (map[string]any, error) {
	id, ch, err := s.botConversation(req.arg("channel"), "read")
	if err != nil {
		return nil, err
	}
	limit, err := parseLimit(req.arg("limit"), membersDefaultLimit, membersMaxLimit)
	if err != nil {
		return nil, err
	}
	start := 0
	if c := req.arg("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, membersCursorPrefix))
		if err != nil || !strings.HasPrefix(c, membersCursorPrefix) || n < 0 {
			return nil, fail("invalid_cursor")
		}
		start = n
	}
	all := s.membersOf(id, ch)
	start = min(start, len(all))
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = membersCursorPrefix + strconv.Itoa(end)
	}
	return map[string]any{
		"members":           append([]string{}, all[start:end]...),
		"response_metadata": map[string]any{"next_cursor": next},
	}, nil
}

// membersOf lists a conversation's members in a stable order: the
// configured ones (a direct message: its user), then the bot.
func (s *Server) membersOf(id string, ch Channel) []string {
	members := append([]string{}, s.opts.Members[id]...)
	if ch.IM && len(members) == 0 {
		if u := s.opts.imUser(id); u != "" {
			members = append(members, u)
		}
	}
	sort.Strings(members)
	if !ch.NotMember {
		members = append(members, s.opts.BotUserID)
	}
	return members
}

// imUser is the user a direct-message id belongs to ("D0ANA" is U0ANA's
// DM with the bot, as channel opens it), or "".
func (o Options) imUser(dm string) string {
	rest, ok := strings.CutPrefix(dm, "D")
	if !ok {
		return ""
	}
	for _, prefix := range []string{"U", "W"} {
		if _, known := o.Users[prefix+rest]; known {
			return prefix + rest
		}
	}
	return ""
}

// parseLimit reads a paged method's limit argument: empty or 0 is def,
// more than max is max, anything but a number is invalid_limit.
func parseLimit(arg string, def, max int) (int, error) {
	if arg == "" {
		return def, nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 {
		return 0, fail("invalid_limit")
	}
	if n == 0 {
		return def, nil
	}
	return min(n, max), nil
}
