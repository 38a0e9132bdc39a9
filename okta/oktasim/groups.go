package oktasim

import (
	"net/http"
	"strings"
	"time"
)

// Group types.
const (
	groupOkta    = "OKTA_GROUP"
	groupApp     = "APP_GROUP"
	groupBuiltIn = "BUILT_IN"
)

// addGroup stores a group object, filling in what Okta always sends.
// Callers hold o.mu for writing (or own o).
func (o *org) addGroup(obj Object, now time.Time) (*entity, error) {
	profile := child(obj, "profile")
	if name, _ := profile["name"].(string); strings.TrimSpace(name) == "" {
		return nil, errValidation("name", "name: The field cannot be left blank")
	}
	if _, ok := profile["description"]; !ok {
		profile["description"] = nil
	}
	if t, _ := obj["type"].(string); t == "" {
		obj["type"] = groupOkta
	}
	if _, ok := obj["objectClass"]; !ok {
		obj["objectClass"] = []any{"okta:user_group"}
	}
	stamp := formatTime(now)
	for _, f := range []string{"created", "lastUpdated", "lastMembershipUpdated"} {
		if _, ok := obj[f]; !ok {
			obj[f] = stamp
		}
	}
	e, err := o.newEntity("00g", obj)
	if err != nil {
		return nil, err
	}
	o.groups.add(e)
	return e, nil
}

func groupLinks(base string, g *entity) []byte {
	self := base + "/api/v1/groups/" + g.id
	ls := newLinkSet().add("self", self, "").add("users", self+"/users", "").add("apps", self+"/apps", "")
	b := ls.bytes()
	// logo is a list in Okta's shape.
	logo := `,"logo":[{"name":"medium","href":"` + base + `/assets/img/logos/groups/okta-medium.png","type":"image/png"}]}`
	return append(b[:len(b)-1], logo...)
}

// nameTaken reports whether another Okta group already has name.
func (o *org) nameTaken(name, exceptID string) bool {
	for _, g := range o.groups.list {
		if g.id != exceptID && g.str("type") == groupOkta && strings.EqualFold(g.str("profile", "name"), name) {
			return true
		}
	}
	return false
}

// listGroups is GET /api/v1/groups: q (name prefix), filter, search, limit,
// after.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, _ *caller) error {
	v := r.URL.Query()
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	var exprs []expr
	for _, param := range []string{"filter", "search"} {
		if f := v.Get(param); f != "" {
			e, err := parseFilter(f)
			if err != nil {
				return errBadSearch(param + ": " + err.Error())
			}
			exprs = append(exprs, e)
		}
	}
	q := strings.ToLower(v.Get("q"))
	keep := func(g *entity) bool {
		if q != "" && !strings.HasPrefix(strings.ToLower(g.str("profile", "name")), q) {
			return false
		}
		for _, e := range exprs {
			if !e.eval(objectResolver(g.obj)) {
				return false
			}
		}
		return true
	}
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	page, next, err := s.org.pageOf(s.org.groups.list, v.Get("after"), limit, keep)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, groupLinks)
	return nil
}

func (o *org) groupOr404(r *http.Request) (*entity, error) {
	id := r.PathValue("group")
	g := o.groups.byID[id]
	if g == nil {
		return nil, errNotFound(id + " (UserGroup)")
	}
	return g, nil
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	g, err := s.org.groupOr404(r)
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, g, groupLinks)
	return nil
}

// groupProfile reads {"profile":{"name","description"}} from a body.
func groupProfile(r *http.Request) (Object, string, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, "", err
	}
	profile, _ := body["profile"].(map[string]any)
	name, _ := profile["name"].(string)
	if strings.TrimSpace(name) == "" {
		return nil, "", errValidation("name", "name: The field cannot be left blank")
	}
	return profile, name, nil
}

// createGroup is POST /api/v1/groups.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	profile, name, err := groupProfile(r)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.nameTaken(name, "") {
		return errValidation("name", "name: An object with this field already exists in the current organization")
	}
	now := s.now()
	g, err := o.addGroup(Object{"profile": profile, "type": groupOkta}, now)
	if err != nil {
		return err
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "group.lifecycle.create",
		message: "Create okta group", targets: []Object{groupTarget(g)}})
	writeEntity(w, r, http.StatusOK, g, groupLinks)
	return nil
}

// errNotOktaGroup refuses changes to BUILT_IN and APP_GROUP groups.
func errNotOktaGroup(g *entity) error {
	if g.str("type") == groupOkta {
		return nil
	}
	return &apiError{status: http.StatusForbidden, code: codeForbidden, summary: summaryForbidden,
		causes: []string{"Group " + g.str("profile", "name") + " is of type " + g.str("type") + " and can't be changed through this API"}}
}

// updateGroup is PUT /api/v1/groups/{id}: the profile is replaced.
func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	profile, name, err := groupProfile(r)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	g, err := o.groupOr404(r)
	if err != nil {
		return err
	}
	if err := errNotOktaGroup(g); err != nil {
		return err
	}
	if o.nameTaken(name, g.id) {
		return errValidation("name", "name: An object with this field already exists in the current organization")
	}
	now := s.now()
	obj := mustCopy(g.obj)
	if _, ok := profile["description"]; !ok {
		profile["description"] = nil
	}
	obj["profile"] = profile
	obj["lastUpdated"] = formatTime(now)
	g.set(obj)
	o.recordLocked(audit{r: r, c: c, now: now, typ: "group.profile.update",
		message: "Update group profile", targets: []Object{groupTarget(g)}})
	writeEntity(w, r, http.StatusOK, g, groupLinks)
	return nil
}

// deleteGroup is DELETE /api/v1/groups/{id}.
func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	g, err := o.groupOr404(r)
	if err != nil {
		return err
	}
	if err := errNotOktaGroup(g); err != nil {
		return err
	}
	now := s.now()
	o.recordLocked(audit{r: r, c: c, now: now, typ: "group.lifecycle.delete",
		message: "Delete Okta group", targets: []Object{groupTarget(g)}})
	o.groups.remove(g.id)
	delete(o.members, g.id)
	for _, set := range o.appGroups {
		delete(set, g.id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// groupUsers is GET /api/v1/groups/{id}/users.
func (s *Server) groupUsers(w http.ResponseWriter, r *http.Request, _ *caller) error {
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	g, err := s.org.groupOr404(r)
	if err != nil {
		return err
	}
	users := s.org.sortedUsers(s.org.groupMembers(g))
	page, next, err := s.org.pageOf(users, r.URL.Query().Get("after"), limit, nil)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, userLinks)
	return nil
}

// groupApps is GET /api/v1/groups/{id}/apps.
func (s *Server) groupApps(w http.ResponseWriter, r *http.Request, _ *caller) error {
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	g, err := s.org.groupOr404(r)
	if err != nil {
		return err
	}
	var apps []*entity
	for _, a := range s.org.apps.list {
		if s.org.appGroups[a.id][g.id] {
			apps = append(apps, a)
		}
	}
	page, next, err := s.org.pageOf(apps, r.URL.Query().Get("after"), limit, nil)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, appLinks)
	return nil
}

// addMember is PUT /api/v1/groups/{gid}/users/{uid}: 204, also when the
// user already is a member.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.changeMember(w, r, c, true)
}

// removeMember is DELETE /api/v1/groups/{gid}/users/{uid}: 204, also when
// the user was no member.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.changeMember(w, r, c, false)
}

func (s *Server) changeMember(w http.ResponseWriter, r *http.Request, c *caller, add bool) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	g, err := o.groupOr404(r)
	if err != nil {
		return err
	}
	u, err := o.userOr404(r)
	if err != nil {
		return err
	}
	if err := errNotOktaGroup(g); err != nil {
		return err
	}
	changed := false
	if add {
		changed = addTo(o.members, g.id, u.id)
	} else if o.members[g.id][u.id] {
		delete(o.members[g.id], u.id)
		changed = true
	}
	if changed {
		now := s.now()
		obj := mustCopy(g.obj)
		obj["lastMembershipUpdated"] = formatTime(now)
		g.set(obj)
		typ, msg := "group.user_membership.add", "Add user to group membership"
		if !add {
			typ, msg = "group.user_membership.remove", "Remove user from group membership"
		}
		o.recordLocked(audit{r: r, c: c, now: now, typ: typ, message: msg,
			targets: []Object{userTarget(u), groupTarget(g)}})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
