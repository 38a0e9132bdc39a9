package slackfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// responseURL is one response_url Slack handed out with a slash command or
// an interaction.
type responseURL struct {
	path    string // /hooks/commands/T…/n/secret
	kind    string // commands, actions
	channel string
	user    string
	issued  time.Time
	uses    int
	// The "original" message replace_original and delete_original act on:
	// the clicked message for actions; the latest response for commands.
	originTS        string
	originEphemeral bool
}

// newResponseURLLocked issues a response_url. s.mu must be held.
func (s *Server) newResponseURLLocked(kind, channel, user, originTS string, originEphemeral bool) *responseURL {
	n := s.nextIDLocked("")
	r := &responseURL{
		path:    "/hooks/" + kind + "/" + s.opts.TeamID + "/" + n + "/s3cr3t" + n[len(n)-4:],
		kind:    kind,
		channel: channel, user: user,
		issued:   s.opts.Now(),
		originTS: originTS, originEphemeral: originEphemeral,
	}
	s.responses[r.path] = r
	return r
}

// responseBody is what slack-go posts to a response_url.
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	Attachments     json.RawMessage `json:"attachments"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

// handleResponseURL serves posts to response URLs. Success answers 200
// {"ok":true}; content errors (invalid_blocks, no_text, …) answer 200 with
// ok false so slack-go reports the code; an unknown, expired (30 minutes)
// or used-up (5 posts) URL answers 404 with expired_url or used_url.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"ok": false, "error": "method_not_allowed"})
		return
	}
	s.mu.Lock()
	s.calls["response_url"]++
	s.notifyLocked()
	ru, ok := s.responses[r.URL.Path]
	var code string
	switch {
	case !ok || s.opts.Now().Sub(ru.issued) > ResponseURLTTL:
		code = "expired_url"
	case ru.uses >= ResponseURLUses:
		code = "used_url"
	}
	s.mu.Unlock()
	if code != "" {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": code})
		return
	}

	data, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	var body responseBody
	if err == nil {
		err = json.Unmarshal(data, &body)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	if err := s.respond(ru, body); err != nil {
		writeAPI(w, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// respond applies one response_url post.
//
// A slash command's response_url does not reliably replace or delete the
// command's own reply in real Slack (Slack staff advise chat.update
// instead), so here it never does: replace_original posts a new message
// and delete_original changes nothing, and a bot that relies on either
// leaves its "⏳" in the channel. Interactions' response URLs act on the
// clicked message.
func (s *Server) respond(ru *responseURL, body responseBody) error {
	m := Message{
		Method: "response_url", Channel: ru.channel, ThreadTS: body.ThreadTS,
		ResponseType: body.ResponseType, ReplaceOriginal: body.ReplaceOriginal, DeleteOriginal: body.DeleteOriginal,
	}
	if ru.kind == "commands" && body.DeleteOriginal {
		s.mu.Lock()
		ru.uses++
		s.mu.Unlock()
		return nil
	}
	if body.DeleteOriginal {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ru.originTS == "" {
			return fail("message_not_found")
		}
		ru.uses++
		m.TS, m.Ephemeral = ru.originTS, ru.originEphemeral
		if m.Ephemeral {
			m.User = ru.user
		}
		s.recordLocked(m)
		return nil
	}

	attachments := len(bytes.TrimSpace(body.Attachments)) > 0 && string(body.Attachments) != "null"
	blocks, err := s.checkMessage(body.Text, body.Blocks, attachments)
	if err != nil {
		s.reject("response_url", ru.channel, body.Text, body.Blocks, err)
		return err
	}
	m.Text, m.Blocks = body.Text, blocks

	s.mu.Lock()
	defer s.mu.Unlock()
	ru.uses++
	if body.ReplaceOriginal && ru.originTS != "" && ru.kind != "commands" {
		m.TS, m.Ephemeral = ru.originTS, ru.originEphemeral
		if st, ok := s.store[storeKey(ru.channel, ru.originTS)]; ok && m.ThreadTS == "" {
			m.ThreadTS = st.msg.ThreadTS
		}
	} else {
		m.TS, m.Ephemeral = s.nextTSLocked(), body.ResponseType != "in_channel"
	}
	if m.Ephemeral {
		m.User = ru.user
	}
	s.recordLocked(m)
	return nil
}
