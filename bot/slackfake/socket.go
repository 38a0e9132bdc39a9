package slackfake

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// socketConn is one Socket Mode websocket.
type socketConn struct {
	id        int
	ws        *websocket.Conn
	writeMu   sync.Mutex
	done      chan struct{}
	closeOnce sync.Once
}

func (c *socketConn) write(data []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// close closes the socket abruptly, without a close frame.
func (c *socketConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// closeGracefully sends a close frame first, as Slack does after a
// disconnect envelope.
func (c *socketConn) closeGracefully() {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.close()
}

// handleLink upgrades a dial of the URL apps.connections.open returned.
func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket) // single use
	closed := s.closed
	s.mu.Unlock()
	if !valid || closed {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}

	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		s.opts.Logger.Warn("slackfake: websocket upgrade failed", "err", err)
		return
	}
	c := &socketConn{ws: ws, done: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	s.connections++
	c.id = s.connections
	s.conns[c] = true
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns),
		"connection_info": map[string]any{"app_id": s.opts.AppID},
		"debug_info": map[string]any{
			"host":                        "applink-fake-1",
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
	})
	s.goLocked(func() { s.ping(c) })
	s.goLocked(func() { s.readAcks(c) })
	s.mu.Unlock()

	if err := c.write(hello); err != nil {
		c.close()
		return
	}
	s.mu.Lock()
	if s.conns[c] {
		s.ready = append(s.ready, c) // each envelope goes to one of them
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.opts.Logger.Debug("slackfake: socket connected", "conn", c.id)
}

// ping sends websocket pings like Slack; slack-go reconnects without them.
func (s *Server) ping(c *socketConn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second)); err != nil {
				c.close()
				return
			}
		}
	}
}

// readAcks reads the client's frames (acks) until the socket closes.
func (s *Server) readAcks(c *socketConn) {
	defer s.dropConn(c)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		s.recordAck(c.id, data)
	}
}

// dropConn forgets a closed socket.
func (s *Server) dropConn(c *socketConn) {
	c.close()
	s.mu.Lock()
	delete(s.conns, c)
	s.unreadyLocked(c)
	s.notifyLocked()
	s.mu.Unlock()
	s.opts.Logger.Debug("slackfake: socket closed", "conn", c.id)
}

// Connections reports how many websocket connections were opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// Connected reports whether a socket is open and ready for envelopes.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ready) > 0
}

// Ready reports how many sockets take envelopes now. Slack allows an app up
// to 10 and sends each envelope to one of them.
func (s *Server) Ready() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ready)
}

// WaitReady waits until at least n sockets take envelopes.
func (s *Server) WaitReady(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return len(s.ready) >= n })
}

// unreadyLocked takes c out of the sockets that take envelopes.
func (s *Server) unreadyLocked(c *socketConn) {
	for i, r := range s.ready {
		if r == c {
			s.ready = append(s.ready[:i:i], s.ready[i+1:]...)
			return
		}
	}
}

// oldestLocked is the socket that has taken envelopes longest, or nil.
func (s *Server) oldestLocked() *socketConn {
	if len(s.ready) == 0 {
		return nil
	}
	return s.ready[0]
}

// pickLocked is the socket the next envelope goes to (round robin), or nil.
func (s *Server) pickLocked() *socketConn {
	if len(s.ready) == 0 {
		return nil
	}
	s.rr++
	return s.ready[s.rr%len(s.ready)]
}

// WaitConnections waits until at least n connections were opened and one is
// ready for envelopes.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.connections >= n && len(s.ready) > 0 })
}

// Disconnect sends {"type":"disconnect","reason":reason} on the oldest
// socket (reason "" means "refresh_requested"), stops using it for
// envelopes, and closes it after Options.DisconnectGrace unless the client
// closes it first. The client is expected to call apps.connections.open
// again; later envelopes go to the other sockets, or wait for a new one.
func (s *Server) Disconnect(reason string) error {
	if reason == "" {
		reason = "refresh_requested"
	}
	s.mu.Lock()
	c := s.oldestLocked()
	if c == nil {
		s.mu.Unlock()
		return ErrNoConnection
	}
	s.unreadyLocked(c)
	s.notifyLocked()
	s.afterFuncLocked(s.opts.DisconnectGrace, c.closeGracefully)
	s.mu.Unlock()

	msg, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": "applink-fake-1"},
	})
	return c.write(msg)
}

// DropConnection closes the oldest socket abruptly, without a disconnect
// envelope or close frame, as a network failure would.
func (s *Server) DropConnection() error {
	s.mu.Lock()
	c := s.oldestLocked()
	if c != nil {
		s.unreadyLocked(c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	if c == nil {
		return ErrNoConnection
	}
	c.close()
	return nil
}

// deliver writes an envelope to the current socket, waiting for one if
// none is ready. The envelope is registered before it is written, so an
// immediate ack is never missed.
func (s *Server) deliver(ctx context.Context, env *envelope) error {
	data, err := json.Marshal(env.wire())
	if err != nil {
		return err
	}
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		c, ch := s.pickLocked(), s.changed
		if c == nil {
			env.Waited = true
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-ch:
			}
			continue
		}
		env.SentAt, env.Conn = time.Now(), c.id
		if _, ok := s.envelopes[env.ID]; !ok {
			s.envelopes[env.ID] = env
			s.envOrder = append(s.envOrder, env.ID)
		}
		s.notifyLocked()
		s.mu.Unlock()

		if err := c.write(data); err != nil {
			s.opts.Logger.Debug("slackfake: envelope write failed; waiting for a new socket", "envelope", env.ID, "err", err)
			s.dropConn(c)
			continue
		}
		s.scheduleRedelivery(env)
		return nil
	}
}

// SendRaw writes bytes as one websocket text frame on the current socket,
// waiting for one if none is ready: a malformed envelope, or one the typed
// helpers cannot build. If the bytes are JSON with an envelope_id, that id
// is registered so WaitAck works for it.
func (s *Server) SendRaw(ctx context.Context, data []byte) error {
	var probe struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	_ = json.Unmarshal(data, &probe)
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		c, ch := s.pickLocked(), s.changed
		if c == nil {
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-ch:
			}
			continue
		}
		if probe.EnvelopeID != "" {
			if _, ok := s.envelopes[probe.EnvelopeID]; !ok {
				s.envelopes[probe.EnvelopeID] = &envelope{Envelope: Envelope{
					ID: probe.EnvelopeID, Type: probe.Type, Payload: append(json.RawMessage(nil), data...), SentAt: time.Now(),
				}}
				s.envOrder = append(s.envOrder, probe.EnvelopeID)
			}
		}
		s.mu.Unlock()
		if err := c.write(data); err != nil {
			s.dropConn(c)
			continue
		}
		return nil
	}
}
