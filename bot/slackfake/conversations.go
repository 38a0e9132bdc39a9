package slackfake

// conversationsInfoAsBot serves conversations.info as Slack answers a bot
// token: a private channel the bot is not in does not exist for it
// (channel_not_found, the same answer as for a wrong id), and reading a
// channel takes the scope of its type: channels:read for a public channel,
// groups:read for a private one, im:read for a direct message. The answer
// itself (is_private, is_member, …) is conversationsInfo's.
func (s *Server) conversationsInfoAsBot(req *apiRequest) (map[string]any, error) {
	_, ch, code := s.opts.channel(req.arg("channel"))
	if code != "" {
		return nil, fail(code)
	}
	scope := "channels:read"
	switch {
	case ch.IM:
		scope = "im:read"
	case ch.Private:
		if ch.NotMember {
			return nil, fail("channel_not_found")
		}
		scope = "groups:read"
	}
	if err := s.needScope(scope); err != nil {
		return nil, err
	}
	return s.conversationsInfo(req)
}
