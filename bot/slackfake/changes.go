package slackfake

// Changed returns a channel that is closed at the fake's next change of
// state: a message, an upload, a view, an ack, a call. Take it before
// reading the state (Messages, Uploads, Views, Acks), then wait on it; no
// change is missed between the two.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}
