package oktasim

import (
	"net/http"
	"strings"
	"time"
)

// addApp stores an app object, filling in what Okta always sends (the SDK
// needs signOnMode and name to pick the app's type).
// Callers hold o.mu for writing (or own o).
func (o *org) addApp(obj Object, now time.Time) (*entity, error) {
	label, _ := obj["label"].(string)
	name, _ := obj["name"].(string)
	if label == "" {
		label = name
		obj["label"] = label
	}
	if strings.TrimSpace(label) == "" {
		return nil, errValidation("label", "label: The field cannot be left blank")
	}
	if name == "" {
		obj["name"] = appName(label)
	}
	if m, _ := obj["signOnMode"].(string); m == "" {
		obj["signOnMode"] = "SAML_2_0"
	}
	if st, _ := obj["status"].(string); st == "" {
		obj["status"] = statusActive
	}
	stamp := formatTime(now)
	for _, f := range []string{"created", "lastUpdated"} {
		if _, ok := obj[f]; !ok {
			obj[f] = stamp
		}
	}
	if _, ok := obj["features"]; !ok {
		obj["features"] = []any{}
	}
	if _, ok := obj["accessibility"]; !ok {
		obj["accessibility"] = Object{"selfService": false, "errorRedirectUrl": nil, "loginRedirectUrl": nil}
	}
	if _, ok := obj["visibility"]; !ok {
		obj["visibility"] = Object{"autoSubmitToolbar": false,
			"hide": Object{"iOS": false, "web": false}, "appLinks": Object{}}
	}
	if id, _ := obj["id"].(string); id == "" {
		obj["id"] = o.newID("0oa")
	}
	if _, ok := obj["settings"]; !ok {
		// Every app has settings, even with nothing set.
		obj["settings"] = Object{"app": Object{}, "notes": Object{"admin": nil, "enduser": nil},
			"notifications": Object{"vpn": Object{"network": Object{"connection": "DISABLED"}, "message": nil, "helpUrl": nil}}}
	}
	if _, ok := obj["credentials"]; !ok {
		// Every app has credentials: a user name template, a signing key
		// for SAML and OIDC, and an OAuth client for OIDC.
		creds := Object{"userNameTemplate": Object{"template": "${source.login}", "type": "BUILT_IN"}, "signing": Object{}}
		if obj["signOnMode"] == "OPENID_CONNECT" {
			creds["oauthClient"] = Object{"autoKeyRotation": true, "client_id": obj["id"],
				"token_endpoint_auth_method": "client_secret_basic"}
		}
		obj["credentials"] = creds
	}
	e, err := o.newEntity("0oa", obj)
	if err != nil {
		return nil, err
	}
	o.apps.add(e)
	return e, nil
}

// appName makes an app name from a label, as Okta names custom apps.
func appName(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

func appLinks(base string, a *entity) []byte {
	self := base + "/api/v1/apps/" + a.id
	ls := newLinkSet().add("self", self, "").add("users", self+"/users", "").add("groups", self+"/groups", "").
		add("appLinks", base+"/home/"+a.str("name")+"/"+a.id+"/aln1", "")
	if a.str("status") == statusActive {
		ls.add("deactivate", self+"/lifecycle/deactivate", "POST")
	} else {
		ls.add("activate", self+"/lifecycle/activate", "POST")
	}
	b := ls.bytes()
	logo := `,"logo":[{"name":"medium","href":"` + base + `/assets/img/logos/default.png","type":"image/png"}]}`
	return append(b[:len(b)-1], logo...)
}

// appFilterFields are what GET /api/v1/apps?filter= supports (eq only).
var appFilterFields = map[string]bool{"status": true, "user.id": true, "group.id": true, "name": true,
	"id": true, "credentials.signing.kid": true}

// appResolver resolves app attributes, with user.id and group.id meaning
// the users (directly or through a group) and groups assigned.
func (o *org) appResolver(a *entity) resolver {
	plain := objectResolver(a.obj)
	return func(path string, parts []string) []any {
		switch path {
		case "user.id":
			var ids []any
			for uid := range o.appUsers[a.id] {
				ids = append(ids, uid)
			}
			for gid := range o.appGroups[a.id] {
				if g := o.groups.byID[gid]; g != nil {
					for uid := range o.groupMembers(g) {
						ids = append(ids, uid)
					}
				}
			}
			return ids
		case "group.id":
			var ids []any
			for gid := range o.appGroups[a.id] {
				ids = append(ids, gid)
			}
			return ids
		}
		return plain(path, parts)
	}
}

// listApps is GET /api/v1/apps: q (label or name prefix), filter, limit,
// after.
func (s *Server) listApps(w http.ResponseWriter, r *http.Request, _ *caller) error {
	v := r.URL.Query()
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	var filter expr
	if f := v.Get("filter"); f != "" {
		if filter, err = parseFilter(f); err != nil {
			return errBadSearch("filter: " + err.Error())
		}
		err = filter.walk(func(c *comparison) error {
			if !appFilterFields[c.path] || c.op != "eq" {
				return errBadSearch("filter: " + c.path + " " + c.op + " is not supported")
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	q := strings.ToLower(v.Get("q"))
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	keep := func(a *entity) bool {
		if q != "" && !strings.HasPrefix(strings.ToLower(a.str("label")), q) &&
			!strings.HasPrefix(strings.ToLower(a.str("name")), q) {
			return false
		}
		return filter == nil || filter.eval(s.org.appResolver(a))
	}
	page, next, err := s.org.pageOf(s.org.apps.list, v.Get("after"), limit, keep)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, appLinks)
	return nil
}

func (o *org) appOr404(r *http.Request) (*entity, error) {
	id := r.PathValue("app")
	a := o.apps.byID[id]
	if a == nil {
		return nil, errNotFound(id + " (AppInstance)")
	}
	return a, nil
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	a, err := s.org.appOr404(r)
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, a, appLinks)
	return nil
}

// appBody reads and checks an app from a request body.
func appBody(r *http.Request) (Object, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var causes []string
	for _, f := range []string{"label", "signOnMode", "name"} {
		if v, _ := body[f].(string); strings.TrimSpace(v) == "" {
			causes = append(causes, f+": The field cannot be left blank")
		}
	}
	if len(causes) > 0 {
		return nil, errValidation(strings.Join(causes, "; "), causes...)
	}
	for _, f := range []string{"id", "_links", "_embedded", "created", "lastUpdated", "status"} {
		delete(body, f)
	}
	return body, nil
}

// createApp is POST /api/v1/apps?activate=.
func (s *Server) createApp(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := appBody(r)
	if err != nil {
		return err
	}
	body["status"] = statusActive
	if r.URL.Query().Get("activate") == "false" {
		body["status"] = "INACTIVE"
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	now := s.now()
	stamp := formatTime(now)
	body["created"], body["lastUpdated"] = stamp, stamp
	a, err := o.addApp(body, now)
	if err != nil {
		return err
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "application.lifecycle.create",
		message: "Add application", targets: []Object{appTarget(a)}})
	writeEntity(w, r, http.StatusOK, a, appLinks)
	return nil
}

// updateApp is PUT /api/v1/apps/{id}: the app is replaced, keeping id,
// status and created.
func (s *Server) updateApp(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := appBody(r)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	a, err := o.appOr404(r)
	if err != nil {
		return err
	}
	now := s.now()
	for _, f := range []string{"id", "status", "created"} {
		body[f] = a.obj[f]
	}
	for _, f := range []string{"features", "accessibility", "visibility"} {
		if _, ok := body[f]; !ok {
			body[f] = a.obj[f]
		}
	}
	body["lastUpdated"] = formatTime(now)
	a.set(body)
	o.recordLocked(audit{r: r, c: c, now: now, typ: "application.lifecycle.update",
		message: "Update application", targets: []Object{appTarget(a)}})
	writeEntity(w, r, http.StatusOK, a, appLinks)
	return nil
}

// appUsers is GET /api/v1/apps/{id}/users: users assigned directly (scope
// USER) or through a group (scope GROUP).
func (s *Server) appUsers(w http.ResponseWriter, r *http.Request, _ *caller) error {
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	a, err := o.appOr404(r)
	if err != nil {
		return err
	}
	scope := map[string]string{}
	for gid := range o.appGroups[a.id] {
		if g := o.groups.byID[gid]; g != nil {
			for uid := range o.groupMembers(g) {
				scope[uid] = "GROUP"
			}
		}
	}
	for uid := range o.appUsers[a.id] {
		scope[uid] = "USER"
	}
	ids := make(map[string]bool, len(scope))
	for uid := range scope {
		ids[uid] = true
	}
	page, next, err := o.pageOf(o.sortedUsers(ids), r.URL.Query().Get("after"), limit, nil)
	if err != nil {
		return err
	}
	base := baseURL(r)
	out := make([]any, 0, len(page))
	for _, u := range page {
		out = append(out, Object{
			"id": u.id, "externalId": nil, "created": a.obj["created"], "lastUpdated": a.obj["lastUpdated"],
			"scope": scope[u.id], "status": "ACTIVE", "statusChanged": a.obj["created"],
			"passwordChanged": nil, "syncState": "DISABLED",
			"credentials": Object{"userName": u.str("profile", "login")},
			"profile":     Object{},
			"_links": Object{"app": Object{"href": base + "/api/v1/apps/" + a.id},
				"user": Object{"href": base + "/api/v1/users/" + u.id}},
		})
	}
	setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// appGroups is GET /api/v1/apps/{id}/groups.
func (s *Server) appGroups(w http.ResponseWriter, r *http.Request, _ *caller) error {
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.RLock()
	defer o.mu.RUnlock()
	a, err := o.appOr404(r)
	if err != nil {
		return err
	}
	var groups []*entity
	for gid := range o.appGroups[a.id] {
		if g := o.groups.byID[gid]; g != nil {
			groups = append(groups, g)
		}
	}
	sortBySeq(groups)
	page, next, err := o.pageOf(groups, r.URL.Query().Get("after"), limit, nil)
	if err != nil {
		return err
	}
	base := baseURL(r)
	out := make([]any, 0, len(page))
	for i, g := range page {
		out = append(out, groupAssignment(base, a, g, i))
	}
	setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// groupAssignment is an ApplicationGroupAssignment.
func groupAssignment(base string, a, g *entity, priority int) Object {
	return Object{
		"id": g.id, "lastUpdated": a.obj["lastUpdated"], "priority": priority, "profile": Object{},
		"_links": Object{"app": Object{"href": base + "/api/v1/apps/" + a.id},
			"group": Object{"href": base + "/api/v1/groups/" + g.id}},
	}
}

// assignGroup is PUT /api/v1/apps/{id}/groups/{gid}: the group's members
// get the app; 200 with the assignment.
func (s *Server) assignGroup(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	a, err := o.appOr404(r)
	if err != nil {
		return err
	}
	g, err := o.groupOr404(r)
	if err != nil {
		return err
	}
	if o.appGroups[a.id] == nil {
		o.appGroups[a.id] = map[string]bool{}
	}
	if !o.appGroups[a.id][g.id] {
		o.appGroups[a.id][g.id] = true
		o.recordLocked(audit{r: r, c: c, now: s.now(), typ: "group.application_assignment.add",
			message: "Add assigned application to group", targets: []Object{appTarget(a), groupTarget(g)}})
	}
	writeJSON(w, http.StatusOK, groupAssignment(baseURL(r), a, g, len(o.appGroups[a.id])-1))
	return nil
}

// appLifecycle is POST /api/v1/apps/{id}/lifecycle/{activate,deactivate}:
// idempotent, 200 {}.
func (s *Server) appLifecycle(w http.ResponseWriter, r *http.Request, c *caller) error {
	op := r.PathValue("op")
	to := map[string]string{"activate": statusActive, "deactivate": "INACTIVE"}[op]
	if to == "" {
		s.notFound(w, r)
		return nil
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	a, err := o.appOr404(r)
	if err != nil {
		return err
	}
	if a.str("status") != to {
		now := s.now()
		obj := mustCopy(a.obj)
		obj["status"] = to
		obj["lastUpdated"] = formatTime(now)
		a.set(obj)
		o.recordLocked(audit{r: r, c: c, now: now, typ: "application.lifecycle." + op,
			message: strings.ToUpper(op[:1]) + op[1:] + " application", targets: []Object{appTarget(a)}})
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// deleteApp is DELETE /api/v1/apps/{id}: 204 for an inactive app; an
// active app must be deactivated first (403 E0000056).
func (s *Server) deleteApp(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	a, err := o.appOr404(r)
	if err != nil {
		return err
	}
	if a.str("status") == statusActive {
		return &apiError{status: http.StatusForbidden, code: "E0000056", summary: "Delete application forbidden.",
			causes: []string{"The application must be deactivated before it can be deleted."}}
	}
	o.recordLocked(audit{r: r, c: c, now: s.now(), typ: "application.lifecycle.delete",
		message: "Delete application", targets: []Object{appTarget(a)}})
	o.apps.remove(a.id)
	delete(o.appUsers, a.id)
	delete(o.appGroups, a.id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
