package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Ack is an acknowledgement the client sent over the socket.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil if the ack carried none
	Size       int             // bytes of the frame
	SentAt     time.Time       // when the envelope was written; zero if Unknown
	At         time.Time       // when the ack arrived
	Unknown    bool            // no envelope with this id was sent (e.g. an ack of hello)
	Dropped    bool            // MaxAckBytes or larger: Slack ignores it
	Conn       int             // the socket it arrived on
	EnvConn    int             // the socket the envelope was written to; zero if Unknown
}

// Latency is how long the client took to ack the envelope.
func (a Ack) Latency() time.Duration {
	if a.SentAt.IsZero() {
		return 0
	}
	return a.At.Sub(a.SentAt)
}

// Acks lists every frame the client sent, in order, including unknown and
// dropped ones.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// WaitAck waits for the ack of an envelope. It returns ErrAckDropped (with
// the dropped ack) if the client's ack was too large for Slack, and
// ErrUnknownEnvelope if no such envelope was sent.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	var (
		got   Ack
		state int // 1 acked, 2 dropped, 3 unknown
	)
	err := s.waitFor(ctx, func() bool {
		env, ok := s.envelopes[envelopeID]
		switch {
		case !ok:
			state = 3
		case env.ack != nil:
			got, state = *env.ack, 1
		case env.dropped != nil:
			got, state = *env.dropped, 2
		}
		return state != 0
	})
	switch {
	case err != nil:
		return Ack{}, fmt.Errorf("slackfake: wait ack %s: %w", envelopeID, err)
	case state == 2:
		return got, fmt.Errorf("slackfake: wait ack %s (%d bytes): %w", envelopeID, got.Size, ErrAckDropped)
	case state == 3:
		return Ack{}, fmt.Errorf("slackfake: wait ack %s: %w", envelopeID, ErrUnknownEnvelope)
	}
	return got, nil
}

// recordAck handles one frame from the client.
func (s *Server) recordAck(conn int, frame []byte) {
	data := bytes.TrimSpace(frame)
	var msg struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &msg); err != nil {
		s.opts.Logger.Warn("slackfake: unreadable frame from client", "bytes", len(data), "err", err)
	}
	a := Ack{EnvelopeID: msg.EnvelopeID, Size: len(data), At: time.Now(), Conn: conn}
	if p := bytes.TrimSpace(msg.Payload); len(p) > 0 && string(p) != "null" {
		a.Payload = append(json.RawMessage(nil), p...)
	}

	s.mu.Lock()
	env, ok := s.envelopes[msg.EnvelopeID]
	first := false
	switch {
	case !ok:
		a.Unknown = true
		s.opts.Logger.Warn("slackfake: ack of an unknown envelope", "envelope", msg.EnvelopeID)
	case a.Size >= MaxAckBytes:
		a.Dropped, a.SentAt, a.EnvConn = true, env.SentAt, env.Conn
		env.dropped = &a
		s.opts.Logger.Warn("slackfake: ack dropped for size", "envelope", msg.EnvelopeID, "bytes", a.Size)
	default:
		a.SentAt, a.EnvConn = env.SentAt, env.Conn
		if env.ack == nil {
			env.ack, first = &a, true
		}
	}
	s.acks = append(s.acks, a)
	var reply *responseURL
	if first && env.Type == "slash_commands" && a.Payload != nil {
		reply = env.reply
	}
	s.notifyLocked()
	s.mu.Unlock()

	if reply != nil {
		s.ackReply(reply, a.Payload)
	}
}

// ackReply shows a slash command's ack payload to the user, as Slack does
// with the first response to a command.
func (s *Server) ackReply(r *responseURL, payload json.RawMessage) {
	var body struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
		Attachments  json.RawMessage `json:"attachments"`
	}
	if err := json.Unmarshal(payload, &body); err != nil {
		s.reject("ack", r.channel, "", nil, &apiError{Code: "invalid_payload"})
		return
	}
	if b := bytes.TrimSpace(body.Blocks); body.Text == "" && (len(b) == 0 || string(b) == "null" || string(b) == "[]") {
		return // an empty ack payload shows nothing
	}
	blocks, err := s.checkMessage(body.Text, body.Blocks, len(body.Attachments) > 0 && string(body.Attachments) != "null")
	if err != nil {
		s.reject("ack", r.channel, body.Text, body.Blocks, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := Message{
		Method: "ack", Channel: r.channel, TS: s.nextTSLocked(), Text: body.Text, Blocks: blocks,
		ResponseType: body.ResponseType, Ephemeral: body.ResponseType != "in_channel",
	}
	if m.Ephemeral {
		m.User = r.user
	}
	r.originTS, r.originEphemeral = m.TS, m.Ephemeral
	s.recordLocked(m)
}
