package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
)

// App Home. views.publish sets the view of a user's Home tab: user_id is a
// workspace member, the view is of type home and passes the Block Kit
// checks of views (at most 100 blocks), and a hash, when given, must be
// the hash of the view published last for that user (hash_conflict
// otherwise, as when two publishes race). Each publish keeps the view id
// and gives a new hash. OpenHome plays the user opening the tab: an
// app_home_opened event carrying the view published last, if any.

// viewsPublish serves views.publish.
func (s *Server) viewsPublish(req *apiRequest) (map[string]any, error) {
	user := req.arg("user_id")
	if _, ok := s.opts.Users[user]; !ok {
		err := &apiError{Code: "invalid_arguments", Messages: []string{"invalid `user_id`"}}
		s.reject(req.method, "", "", nil, err)
		return nil, err
	}
	view, raw, err := s.checkedView(req, "home")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.homes[user]
	if h := req.arg("hash"); h != "" && (sv == nil || h != sv.hash) {
		return nil, fail("hash_conflict")
	}
	if sv == nil {
		sv = &storedView{id: s.nextIDLocked("V"), user: user}
		sv.root = sv.id
		s.homes[user] = sv
	}
	sv.view, sv.hash = view, s.nextHashLocked()
	s.logViewLocked(req.method, "", sv, raw)
	return map[string]any{"view": s.viewObjectLocked(sv)}, nil
}

// Home returns the view a user's Home tab shows: the last views.publish
// for them; ok is false if none was published.
func (s *Server) Home(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.homeLocked(userID)
}

func (s *Server) homeLocked(userID string) (View, bool) {
	for i := len(s.viewLog) - 1; i >= 0; i-- {
		if v := s.viewLog[i]; v.Method == "views.publish" && v.UserID == userID {
			return v, true
		}
	}
	return View{}, false
}

// WaitHome returns the first Home tab view of a user, already published or
// yet to be, for which match reports true (a nil match takes any).
func (s *Server) WaitHome(ctx context.Context, userID string, match func(View) bool) (View, error) {
	var found View
	err := s.waitFor(ctx, func() bool {
		for _, v := range s.viewLog {
			if v.Method == "views.publish" && v.UserID == userID && (match == nil || match(v)) {
				found = v
				return true
			}
		}
		return false
	})
	return found, err
}

// OpenHome plays a user opening the app's Home tab: an events_api envelope
// with an app_home_opened event (user, channel: their DM with the bot,
// tab home, event_ts, and the view published last for them, if any). It
// returns the envelope id. The user must be one of Options.Users.
func (s *Server) OpenHome(ctx context.Context, userID string) (string, error) {
	s.mu.Lock()
	if _, ok := s.opts.Users[userID]; !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: open home: unknown user %q", userID)
	}
	inner := map[string]any{
		"type":     "app_home_opened",
		"user":     userID,
		"channel":  dmOf(userID),
		"tab":      "home",
		"event_ts": s.nextTSLocked(),
	}
	if sv := s.homes[userID]; sv != nil {
		inner["view"] = s.viewObjectLocked(sv)
	}
	s.mu.Unlock()
	raw, err := json.Marshal(inner)
	if err != nil {
		return "", fmt.Errorf("slackfake: open home: %w", err)
	}
	return s.EventCallback(ctx, EventCallback{Inner: raw})
}
