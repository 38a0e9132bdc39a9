package slackfake

// conversationsInfoAsBot serves conversations.info as Slack answers a bot
// token (see botConversation). The answer itself (is_private, is_member,
// …) is conversationsInfo's.
func (s *Server) conversationsInfoAsBot(req *apiRequest) (map[string]any, error) {
	if _, _, err := s.botConversation(req.arg("channel"), "read"); err != nil {
		return nil, err
	}
	return s.conversationsInfo(req)
}

// botConversation resolves a conversation a conversations.* method reads
// with the bot token, as Slack does: a private channel the bot is not in
// does not exist for it (channel_not_found, the same answer as for a wrong
// id), and reading a channel takes the scope of its type: channels:read
// for a public channel, groups:read for a private one, im:read for a
// direct message (access "read"); channels:history, groups:history and
// im:history for reading its messages (access "history").
func (s *Server) botConversation(channel, access string) (string, Channel, error) {
	id, ch, code := s.opts.channel(channel)
	if code != "" {
		return "", Channel{}, fail(code)
	}
	scope := "channels:" + access
	switch {
	case ch.IM:
		scope = "im:" + access
	case ch.Private:
		if ch.NotMember {
			return "", Channel{}, fail("channel_not_found")
		}
		scope = "groups:" + access
	}
	if err := s.needScope(scope); err != nil {
		return "", Channel{}, err
	}
	return id, ch, nil
}
