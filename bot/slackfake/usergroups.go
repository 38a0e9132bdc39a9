package slackfake

import "slices"

// User groups. usergroups.users.list lists the members of a user group
// (an S… id) as Slack does: {"users": ["U1", …]}, no_such_subteam for an
// unknown id, and, on a workspace whose plan has no user groups (the free
// plan), plan_upgrade_required for every group. A test changes a group's
// members while the bot runs (SetUserGroup), makes one group unreadable
// (FailUserGroup), or takes user groups away (SetNoUserGroups).

// userGroups is the user groups' state beyond Options.UserGroups; its zero
// value is ready. Guarded by Server.mu.
type userGroups struct {
	members map[string][]string // groups set while running, over Options.UserGroups
	failing map[string]string   // group → error code every read answers
	noPlan  bool                // the plan has no user groups
}

// SetUserGroup makes the members of user group id exactly members (none
// empties it), creating the group if needed.
func (s *Server) SetUserGroup(id string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups.members == nil {
		s.groups.members = map[string][]string{}
	}
	s.groups.members[id] = slices.Clone(members)
	if s.groups.members[id] == nil {
		s.groups.members[id] = []string{}
	}
	s.notifyLocked()
}

// FailUserGroup makes every read of user group id answer the error code
// (e.g. "internal_error", "ratelimited"), until called with "".
func (s *Server) FailUserGroup(id, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == "" {
		delete(s.groups.failing, id)
		return
	}
	if s.groups.failing == nil {
		s.groups.failing = map[string]string{}
	}
	s.groups.failing[id] = code
}

// SetNoUserGroups puts the workspace on a plan without user groups (true)
// or back on one with them: usergroups methods answer
// plan_upgrade_required meanwhile.
func (s *Server) SetNoUserGroups(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups.noPlan = on
}

// usergroupsUsersList serves usergroups.users.list.
func (s *Server) usergroupsUsersList(req *apiRequest) (map[string]any, error) {
	id := req.arg("usergroup")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups.noPlan {
		return nil, fail("plan_upgrade_required")
	}
	if code := s.groups.failing[id]; code == "ratelimited" {
		return nil, &apiError{Code: code, Status: 429}
	} else if code != "" {
		return nil, fail(code)
	}
	members, ok := s.groups.members[id]
	if !ok {
		members, ok = s.opts.UserGroups[id]
	}
	if !ok {
		return nil, fail("no_such_subteam")
	}
	return map[string]any{"users": slices.Clone(members)}, nil
}
