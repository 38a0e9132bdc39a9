package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// View is one views.open, views.push, views.update or views.publish call
// that succeeded.
type View struct {
	Method          string // views.open, views.push, views.update, views.publish
	ID              string // the view id ("V…")
	TriggerID       string // open and push
	UserID          string // who sees the view
	CallbackID      string
	ExternalID      string
	PrivateMetadata string
	Hash            string          // the view's hash after the call
	View            json.RawMessage // the view as the bot sent it
}

// storedView is a view as it stands now.
type storedView struct {
	id, user, hash, root, previous string
	view                           map[string]any
	closed                         bool // the user closed it (CloseView)
}

// Views lists every successful views.open, views.push, views.update and
// views.publish, in order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.viewLog...)
}

func (s *Server) viewsOpen(req *apiRequest) (map[string]any, error) {
	return s.openView(req, "")
}

func (s *Server) viewsPush(req *apiRequest) (map[string]any, error) {
	return s.openView(req, "push")
}

// openView serves views.open and views.push: a fresh trigger_id and a valid
// modal.
func (s *Server) openView(req *apiRequest, mode string) (map[string]any, error) {
	view, raw, err := s.checkedView(req, "modal")
	if err != nil {
		return nil, err
	}
	triggerID := req.arg("trigger_id")
	user, err := s.useTrigger(triggerID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := &storedView{id: s.nextIDLocked("V"), user: user, view: view}
	sv.root = sv.id
	if mode == "push" {
		// The stack grows on the view this user saw last.
		for i := len(s.viewLog) - 1; i >= 0; i-- {
			if prev := s.views[s.viewLog[i].ID]; prev != nil && prev.user == user {
				sv.root, sv.previous = prev.root, prev.id
				break
			}
		}
	}
	sv.hash = s.nextHashLocked()
	s.views[sv.id] = sv
	s.logViewLocked(req.method, triggerID, sv, raw)
	return map[string]any{"view": s.viewObjectLocked(sv)}, nil
}

func (s *Server) viewsUpdate(req *apiRequest) (map[string]any, error) {
	view, raw, err := s.checkedView(req, "modal")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sv *storedView
	if id := req.arg("view_id"); id != "" {
		sv = s.views[id]
	} else if ext := req.arg("external_id"); ext != "" {
		for _, v := range s.views {
			if v.view["external_id"] == ext {
				sv = v
			}
		}
	} else {
		return nil, fail("invalid_arguments")
	}
	if sv == nil || sv.closed {
		return nil, fail("not_found")
	}
	if h := req.arg("hash"); h != "" && h != sv.hash {
		return nil, fail("hash_conflict")
	}
	sv.view, sv.hash = view, s.nextHashLocked()
	s.logViewLocked(req.method, "", sv, raw)
	return map[string]any{"view": s.viewObjectLocked(sv)}, nil
}

func (s *Server) nextHashLocked() string {
	s.seq++
	return fmt.Sprintf("1700000000.%08x", s.seq)
}

func (s *Server) logViewLocked(method, triggerID string, sv *storedView, raw json.RawMessage) {
	str := func(k string) string { v, _ := sv.view[k].(string); return v }
	s.viewLog = append(s.viewLog, View{
		Method: method, ID: sv.id, TriggerID: triggerID, UserID: sv.user,
		CallbackID: str("callback_id"), ExternalID: str("external_id"), PrivateMetadata: str("private_metadata"),
		Hash: sv.hash, View: raw,
	})
	s.notifyLocked()
}

// viewObjectLocked is the view object Slack returns and puts in
// view_submission payloads.
func (s *Server) viewObjectLocked(sv *storedView) map[string]any {
	out := map[string]any{}
	for k, v := range sv.view {
		out[k] = v
	}
	out["id"] = sv.id
	out["team_id"] = s.opts.TeamID
	out["hash"] = sv.hash
	out["root_view_id"] = sv.root
	out["previous_view_id"] = nil
	if sv.previous != "" {
		out["previous_view_id"] = sv.previous
	}
	out["app_id"] = s.opts.AppID
	out["bot_id"] = s.opts.BotID
	out["app_installed_team_id"] = s.opts.TeamID
	out["state"] = map[string]any{"values": map[string]any{}}
	for _, k := range []string{"private_metadata", "callback_id", "external_id"} {
		if _, ok := out[k]; !ok {
			out[k] = ""
		}
	}
	return out
}

// checkedView decodes and validates the view argument like Slack, a view
// of type kind (modal, or home for views.publish): problems answer
// invalid_arguments with response_metadata.messages, and are recorded as
// rejections. Modals and home tabs both take up to 100 blocks.
func (s *Server) checkedView(req *apiRequest, kind string) (map[string]any, json.RawMessage, error) {
	raw := req.raw("view")
	var view map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &view) != nil || view == nil {
		err := &apiError{Code: "invalid_arguments", Messages: []string{"[ERROR] missing required field: view"}}
		s.reject(req.method, "", "", nil, err)
		return nil, nil, err
	}
	c := newChecker()
	if view["type"] != kind {
		c.bad("/view/type", "must be %s", kind)
	}
	if kind == "modal" {
		c.text(view["title"], "/view/title", MaxModalTitle, true)
		for _, k := range []string{"submit", "close"} {
			if v, ok := view[k]; ok && v != nil {
				c.text(v, "/view/"+k, MaxModalTitle, true)
			}
		}
	}
	for _, f := range []struct {
		key string
		max int
	}{{"private_metadata", 3000}, {"callback_id", MaxID}, {"external_id", MaxID}} {
		if v, ok := view[f.key].(string); ok && utf8.RuneCountInString(v) > f.max {
			c.bad("/view/"+f.key, "must be less than %d characters", f.max+1)
		}
	}
	list, _ := view["blocks"].([]any)
	c.blocks(list, "/view/blocks", MaxModalBlocks)
	if len(c.problems) > 0 {
		blocks, _ := json.Marshal(view["blocks"])
		err := &apiError{Code: "invalid_arguments", Messages: c.problems}
		s.reject(req.method, "", "", blocks, err)
		return nil, nil, err
	}
	return view, raw, nil
}

// ViewClose is a user closing a modal with its Cancel button.
type ViewClose struct {
	UserID string // default: the user the view was opened for
	ViewID string // default: the view opened or pushed last
}

// CloseView closes a view the bot opened, as the user's Cancel does:
// views.update and submissions of it fail afterwards. If the view set
// notify_on_close, the bot gets a view_closed interactive envelope, whose
// id is returned; otherwise, as with Slack, the bot hears nothing and the
// id is "".
func (s *Server) CloseView(ctx context.Context, c ViewClose) (string, error) {
	s.mu.Lock()
	sv, err := s.viewLocked(c.ViewID)
	if err != nil {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: close view: %w", err)
	}
	if c.UserID == "" {
		c.UserID = sv.user
	}
	sv.closed = true
	s.notifyLocked()
	if notify, _ := sv.view["notify_on_close"].(bool); !notify {
		s.mu.Unlock()
		return "", nil
	}
	payload := map[string]any{
		"type":                  "view_closed",
		"team":                  map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain},
		"user":                  s.userRefLocked(c.UserID),
		"api_app_id":            s.opts.AppID,
		"token":                 verificationToken,
		"view":                  s.viewObjectLocked(sv),
		"is_cleared":            false,
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	env := &envelope{Envelope: Envelope{ID: s.envelopeIDLocked(), Type: "interactive"}}
	s.mu.Unlock()
	return s.send(ctx, env, payload)
}

// viewLocked is the open view with id, or the view opened or pushed last
// if id is "".
func (s *Server) viewLocked(id string) (*storedView, error) {
	if id == "" {
		for i := len(s.viewLog) - 1; i >= 0; i-- {
			if m := s.viewLog[i].Method; m == "views.open" || m == "views.push" {
				id = s.viewLog[i].ID
				break
			}
		}
	}
	sv, ok := s.views[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("no such view %q", id)
	case sv.closed:
		return nil, fmt.Errorf("view %s was closed", id)
	}
	return sv, nil
}
