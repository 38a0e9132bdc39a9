package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Click is a user clicking a button (a block_actions interaction).
type Click struct {
	UserID    string
	ChannelID string
	MessageTS string
	ActionID  string
	// BlockID and Value default to those of the button with ActionID in the
	// message as it stands now; the click fails if there is none. Set both
	// to send a click on a button the message no longer has (a stale or
	// forged click).
	BlockID string
	Value   string
	// Ephemeral marks a click on an ephemeral message the fake does not
	// know; for known messages it is taken from the message.
	Ephemeral bool
}

// Click delivers a block_actions interactive envelope, with a fresh
// response_url and trigger_id, and returns its envelope id.
func (s *Server) Click(ctx context.Context, c Click) (string, error) {
	s.mu.Lock()
	st, known := s.store[storeKey(c.ChannelID, c.MessageTS)]
	if known && st.deleted {
		known = false
	}
	action := map[string]any{"type": "button", "action_id": c.ActionID}
	if known {
		c.Ephemeral = st.msg.Ephemeral
		if btn, blockID, ok := findAction(st.msg.Blocks, c.ActionID, c.BlockID); ok {
			for k, v := range btn {
				action[k] = v
			}
			if c.BlockID == "" {
				c.BlockID = blockID
			}
			if c.Value == "" {
				c.Value, _ = btn["value"].(string)
			}
		} else if c.BlockID == "" {
			s.mu.Unlock()
			return "", fmt.Errorf("slackfake: click %s: message %s has no button with action_id %q", c.ChannelID, c.MessageTS, c.ActionID)
		}
	} else if c.BlockID == "" {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: click %s: no message %s (set BlockID and Value for a forged click)", c.ChannelID, c.MessageTS)
	}
	action["block_id"] = c.BlockID
	if c.Value != "" {
		action["value"] = c.Value
	} else {
		delete(action, "value")
	}
	action["action_ts"] = fmt.Sprintf("%d.%06d", s.opts.Now().Unix(), s.seq)
	delete(action, "url")

	_, ch, _ := s.opts.channel(c.ChannelID)
	resp := s.newResponseURLLocked("actions", c.ChannelID, c.UserID, c.MessageTS, c.Ephemeral)
	payload := map[string]any{
		"type":       "block_actions",
		"user":       s.userRefLocked(c.UserID),
		"api_app_id": s.opts.AppID,
		"token":      verificationToken,
		"container": map[string]any{
			"type": "message", "message_ts": c.MessageTS, "channel_id": c.ChannelID, "is_ephemeral": c.Ephemeral,
		},
		"trigger_id":            s.newTriggerLocked(c.UserID),
		"team":                  map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": c.ChannelID, "name": ch.Name},
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          s.base + resp.path,
		"actions":               []any{action},
	}
	if known && !c.Ephemeral {
		payload["message"] = s.botMessage(st.msg)
	}
	if known && st.msg.ThreadTS != "" && st.msg.ThreadTS != st.msg.TS {
		// A message in a thread: Slack names the thread in the container.
		payload["container"].(map[string]any)["thread_ts"] = st.msg.ThreadTS
	}
	env := &envelope{Envelope: Envelope{ID: s.envelopeIDLocked(), Type: "interactive"}}
	s.mu.Unlock()
	return s.send(ctx, env, payload)
}

// findAction finds the interactive element with actionID (in blockID, if
// set) and returns it with its block's id; a block without one gets the
// id Slack would generate.
func findAction(blocks json.RawMessage, actionID, blockID string) (map[string]any, string, bool) {
	var list []map[string]any
	if json.Unmarshal(blocks, &list) != nil {
		return nil, "", false
	}
	for i, b := range list {
		id, _ := b["block_id"].(string)
		if id == "" {
			id = fmt.Sprintf("fk%03d", i)
		}
		if blockID != "" && id != blockID {
			continue
		}
		var elems []any
		if e, ok := b["elements"].([]any); ok {
			elems = e
		}
		if acc, ok := b["accessory"]; ok {
			elems = append(elems, acc)
		}
		for _, e := range elems {
			m, _ := e.(map[string]any)
			if m != nil && m["action_id"] == actionID {
				return m, id, true
			}
		}
	}
	return nil, "", false
}

// userRefLocked is the "user" object of an interaction payload.
func (s *Server) userRefLocked(id string) map[string]any {
	u := s.opts.Users[id]
	return map[string]any{"id": id, "username": u.Name, "name": u.Name, "team_id": s.teamOf(u)}
}

// trigger is a trigger_id: it opens one view within TriggerTTL.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func (s *Server) newTriggerLocked(user string) string {
	s.seq++
	id := fmt.Sprintf("%d.%d.%032x", 7000000000+s.seq, 1000+s.seq, s.seq)
	s.triggers[id] = &trigger{user: user, issued: s.opts.Now()}
	return id
}

// useTrigger exchanges a trigger_id as views.open and views.push do.
func (s *Server) useTrigger(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.triggers[id]
	switch {
	case id == "" || !ok:
		return "", fail("invalid_trigger_id")
	case t.used:
		return "", fail("exchanged_trigger_id")
	case s.opts.Now().Sub(t.issued) > TriggerTTL:
		return "", fail("expired_trigger_id")
	}
	t.used = true
	return t.user, nil
}

// ViewSubmission is a user submitting a modal.
type ViewSubmission struct {
	UserID string // default: the user the view was opened for
	ViewID string // default: the view opened or pushed last
	// Values are plain_text_input values by block_id, then action_id.
	Values map[string]map[string]string
	// State, if set, is sent as view.state.values instead of Values.
	State json.RawMessage
}

// SubmitView delivers a view_submission interactive envelope for a view
// the bot opened and returns its envelope id. The ack may carry a
// response_action; it is recorded with the ack.
func (s *Server) SubmitView(ctx context.Context, v ViewSubmission) (string, error) {
	s.mu.Lock()
	sv, err := s.viewLocked(v.ViewID)
	if err != nil {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: submit view: %w", err)
	}
	if v.UserID == "" {
		v.UserID = sv.user
	}
	values := any(map[string]any{})
	if v.State != nil {
		values = v.State
	} else if len(v.Values) > 0 {
		vals := map[string]any{}
		for block, actions := range v.Values {
			inner := map[string]any{}
			for action, value := range actions {
				inner[action] = map[string]any{"type": "plain_text_input", "value": value}
			}
			vals[block] = inner
		}
		values = vals
	}
	view := s.viewObjectLocked(sv)
	view["state"] = map[string]any{"values": values}
	payload := map[string]any{
		"type":                  "view_submission",
		"team":                  map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain},
		"user":                  s.userRefLocked(v.UserID),
		"api_app_id":            s.opts.AppID,
		"token":                 verificationToken,
		"trigger_id":            s.newTriggerLocked(v.UserID),
		"view":                  view,
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	env := &envelope{Envelope: Envelope{ID: s.envelopeIDLocked(), Type: "interactive", AcceptsResponsePayload: true}}
	s.mu.Unlock()
	return s.send(ctx, env, payload)
}
