package slackfake

import (
	"sort"
	"strings"
	"time"
)

// userObject is a user as users.info returns it.
func (s *Server) userObject(id string, u User) map[string]any {
	display := u.Name
	tz, label, offset := "Europe/Paris", "Central European Time", 3600
	if u.TZ != "" {
		tz, label, offset = u.TZ, u.TZ, 0
		if loc, err := time.LoadLocation(u.TZ); err == nil {
			label, offset = time.Now().In(loc).Zone()
		}
	}
	team := s.teamOf(u)
	return map[string]any{
		"id":        id,
		"team_id":   team,
		"name":      u.Name,
		"deleted":   u.Deleted,
		"real_name": u.RealName,
		"tz":        tz,
		"tz_label":  label,
		"tz_offset": offset,
		"profile": map[string]any{
			"real_name":               u.RealName,
			"real_name_normalized":    u.RealName,
			"display_name":            display,
			"display_name_normalized": display,
			"email":                   u.Email,
			"team":                    team,
		},
		"is_admin":            u.IsAdmin,
		"is_owner":            false,
		"is_restricted":       u.IsRestricted || u.IsUltraRestricted,
		"is_ultra_restricted": u.IsUltraRestricted,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"updated":             1700000000,
	}
}

// teamOf is the workspace u belongs to: their own for a Slack Connect
// user, else the fake's.
func (s *Server) teamOf(u User) string {
	if u.TeamID != "" {
		return u.TeamID
	}
	return s.opts.TeamID
}

// usersInfo serves users.info for one user ("user") or several ("users",
// comma-separated). Deactivated users are returned with deleted true.
func (s *Server) usersInfo(req *apiRequest) (map[string]any, error) {
	if list := req.arg("users"); list != "" {
		var users []map[string]any
		for _, id := range strings.Split(list, ",") {
			u, ok := s.opts.Users[id]
			if !ok {
				return nil, fail("user_not_found")
			}
			users = append(users, s.userObject(id, u))
		}
		return map[string]any{"users": users}, nil
	}
	id := req.arg("user")
	u, ok := s.opts.Users[id]
	if !ok {
		return nil, fail("user_not_found")
	}
	return map[string]any{"user": s.userObject(id, u)}, nil
}

// usersLookupByEmail matches e-mail addresses case-insensitively, as Slack
// does, and ignores deactivated users.
func (s *Server) usersLookupByEmail(req *apiRequest) (map[string]any, error) {
	email := req.arg("email")
	ids := make([]string, 0, len(s.opts.Users))
	for id := range s.opts.Users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		u := s.opts.Users[id]
		if email != "" && !u.Deleted && strings.EqualFold(u.Email, email) {
			return map[string]any{"user": s.userObject(id, u)}, nil
		}
	}
	return nil, fail("users_not_found")
}

func (s *Server) conversationsInfo(req *apiRequest) (map[string]any, error) {
	id, ch, code := s.opts.channel(req.arg("channel"))
	if code != "" {
		return nil, fail(code)
	}
	if ch.IM {
		return map[string]any{"channel": map[string]any{
			"id": id, "is_im": true, "is_channel": false, "is_group": false, "is_private": true,
			"is_member": true, "is_archived": false, "created": 1700000000,
		}}, nil
	}
	return map[string]any{"channel": map[string]any{
		"id":              id,
		"name":            ch.Name,
		"name_normalized": ch.Name,
		"is_channel":      !ch.Private,
		"is_group":        ch.Private,
		"is_im":           false,
		"is_mpim":         false,
		"is_private":      ch.Private,
		"is_member":       !ch.NotMember,
		"is_archived":     false,
		"is_general":      false,
		"created":         1700000000,
		"creator":         "U0CREATOR",
	}}, nil
}
