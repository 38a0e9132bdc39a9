package oktasim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// User statuses.
const (
	statusStaged        = "STAGED"
	statusProvisioned   = "PROVISIONED"
	statusActive        = "ACTIVE"
	statusRecovery      = "RECOVERY"
	statusLockedOut     = "LOCKED_OUT"
	statusSuspended     = "SUSPENDED"
	statusDeprovisioned = "DEPROVISIONED"
)

// defaultUserType is the id of the org's default user type.
const defaultUserType = "otysim00000000000001"

// addUser stores a user object, filling in what Okta always sends.
// Callers hold o.mu for writing (or own o).
func (o *org) addUser(obj Object, now time.Time) (*entity, error) {
	profile, _ := obj["profile"].(map[string]any)
	login, _ := profile["login"].(string)
	if login == "" {
		return nil, errValidation("login", "login: The field cannot be left blank")
	}
	if o.logins[strings.ToLower(login)] != nil {
		return nil, errValidation("login", "login: An object with this field already exists in the current organization")
	}
	if _, ok := profile["email"]; !ok {
		profile["email"] = login
	}
	if s, _ := obj["status"].(string); s == "" {
		obj["status"] = statusActive
	}
	stamp := formatTime(now)
	for _, f := range []string{"created", "lastUpdated"} {
		if _, ok := obj[f]; !ok {
			obj[f] = stamp
		}
	}
	if _, ok := obj["statusChanged"]; !ok {
		obj["statusChanged"] = nil
		if obj["status"] != statusStaged {
			obj["statusChanged"] = obj["created"]
		}
	}
	if _, ok := obj["activated"]; !ok {
		obj["activated"] = nil
		if st := obj["status"]; st != statusStaged && st != statusProvisioned {
			obj["activated"] = obj["created"]
		}
	}
	for _, f := range []string{"lastLogin", "passwordChanged", "transitioningToStatus"} {
		if _, ok := obj[f]; !ok {
			obj[f] = nil
		}
	}
	if _, ok := obj["type"].(map[string]any); !ok {
		obj["type"] = Object{"id": defaultUserType}
	}
	creds := child(obj, "credentials")
	if _, ok := creds["provider"]; !ok {
		creds["provider"] = Object{"type": "OKTA", "name": "OKTA"}
	}
	e, err := o.newEntity("00u", obj)
	if err != nil {
		return nil, err
	}
	o.users.add(e)
	o.logins[strings.ToLower(login)] = e
	return e, nil
}

// userLinks are the "_links" Okta sends with a user: self plus the
// lifecycle operations its status allows.
func userLinks(base string, u *entity) []byte {
	self := base + "/api/v1/users/" + u.id
	ls := newLinkSet().add("self", self, "")
	lc := self + "/lifecycle/"
	switch u.str("status") {
	case statusStaged:
		ls.add("activate", lc+"activate", "POST")
	case statusProvisioned:
		ls.add("reactivate", lc+"reactivate", "POST")
	case statusActive:
		ls.add("suspend", lc+"suspend", "POST").
			add("resetPassword", lc+"reset_password", "POST").
			add("expirePassword", lc+"expire_password", "POST").
			add("resetFactors", lc+"reset_factors", "POST")
	case statusRecovery, statusPasswordExpired:
		ls.add("resetPassword", lc+"reset_password", "POST").
			add("expirePassword", lc+"expire_password", "POST").
			add("resetFactors", lc+"reset_factors", "POST")
	case statusSuspended:
		ls.add("unsuspend", lc+"unsuspend", "POST")
	case statusLockedOut:
		ls.add("unlock", lc+"unlock", "POST").
			add("resetPassword", lc+"reset_password", "POST")
	case statusDeprovisioned:
		ls.add("activate", lc+"activate", "POST")
	}
	if u.str("status") != statusDeprovisioned {
		ls.add("deactivate", lc+"deactivate", "POST")
	}
	ls.add("schema", base+"/api/v1/meta/schemas/user/osc"+defaultUserType[3:], "")
	ls.add("type", base+"/api/v1/meta/types/user/"+defaultUserType, "")
	return ls.bytes()
}

// userFilterFields are the attributes GET /api/v1/users?filter= supports;
// only lastUpdated compares with more than eq.
var userFilterFields = map[string]bool{"status": true, "lastUpdated": true, "id": true, "type.id": true,
	"profile.login": true, "profile.email": true, "profile.firstName": true, "profile.lastName": true}

func checkUserFilter(c *comparison) error {
	if !userFilterFields[c.path] {
		return errBadSearch("filter: " + c.path + " is not a filterable attribute; use search")
	}
	if c.op != "eq" && (c.path != "lastUpdated" || c.op == "sw" || c.op == "co" || c.op == "ew" || c.op == "pr" || c.op == "ne") {
		return errBadSearch("filter: operator " + c.op + " is not supported for " + c.path + "; use search")
	}
	return nil
}

// listUsers is GET /api/v1/users: q (prefix of first or last name, email or
// login), filter, search, limit, after. Without filter or search,
// DEPROVISIONED users are left out, as Okta does.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ *caller) error {
	v := r.URL.Query()
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	var preds []func(*entity) bool
	hideDeprovisioned := true
	if f := v.Get("filter"); f != "" {
		e, err := parseFilter(f)
		if err != nil {
			return errBadSearch("filter: " + err.Error())
		}
		if err := e.walk(checkUserFilter); err != nil {
			return err
		}
		preds = append(preds, func(u *entity) bool { return e.eval(objectResolver(u.obj)) })
		hideDeprovisioned = false
	}
	if f := v.Get("search"); f != "" {
		e, err := parseFilter(f)
		if err != nil {
			return errBadSearch("search: " + err.Error())
		}
		preds = append(preds, func(u *entity) bool { return e.eval(objectResolver(u.obj)) })
		hideDeprovisioned = false
	}
	if q := strings.ToLower(v.Get("q")); q != "" {
		preds = append(preds, func(u *entity) bool {
			for _, f := range []string{"firstName", "lastName", "email", "login"} {
				if strings.HasPrefix(strings.ToLower(u.str("profile", f)), q) {
					return true
				}
			}
			return false
		})
	}
	keep := func(u *entity) bool {
		if hideDeprovisioned && u.str("status") == statusDeprovisioned {
			return false
		}
		for _, p := range preds {
			if !p(u) {
				return false
			}
		}
		return true
	}
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	page, next, err := s.org.pageOf(s.org.users.list, v.Get("after"), limit, keep)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, userLinks)
	return nil
}

// userOr404 finds the user of the {user} path value. Callers hold o.mu.
func (o *org) userOr404(r *http.Request) (*entity, error) {
	ref := r.PathValue("user")
	u := o.user(ref)
	if u == nil {
		return nil, errNotFound(ref + " (User)")
	}
	return u, nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	u, err := s.org.userOr404(r)
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, u, userLinks)
	return nil
}

// readBody decodes a JSON request body into an object.
func readBody(r *http.Request) (Object, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, errValidation("body", "The request body could not be read")
	}
	var obj Object
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return nil, errValidation("body", "The request body was not well-formed.")
	}
	return obj, nil
}

// checkProfile enforces Okta's base user schema.
func checkProfile(profile map[string]any) error {
	var causes []string
	for _, f := range []string{"login", "email", "firstName", "lastName"} {
		if v, _ := profile[f].(string); strings.TrimSpace(v) == "" {
			causes = append(causes, f+": The field cannot be left blank")
		}
	}
	if login, _ := profile["login"].(string); login != "" && !strings.Contains(login, "@") {
		causes = append(causes, "login: Username must be in the form of an email address")
	}
	if email, _ := profile["email"].(string); email != "" && !strings.Contains(email, "@") {
		causes = append(causes, "email: Does not match required pattern")
	}
	if len(causes) > 0 {
		return errValidation(strings.Join(causes, "; "), causes...)
	}
	return nil
}

// createUser is POST /api/v1/users?activate=: STAGED when activate=false,
// else ACTIVE with a password and PROVISIONED without one.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	profile, _ := body["profile"].(map[string]any)
	if err := checkProfile(profile); err != nil {
		return err
	}
	groupIDs, err := stringList(body["groupIds"])
	if err != nil {
		return errValidation("groupIds", "groupIds: must be a list of group ids")
	}
	activate := r.URL.Query().Get("activate") != "false"
	obj := Object{"profile": profile}
	if t, ok := body["type"].(map[string]any); ok {
		obj["type"] = t
	}
	hasPassword := false
	if cr, ok := body["credentials"].(map[string]any); ok {
		creds := Object{}
		if pw, ok := cr["password"].(map[string]any); ok && len(pw) > 0 {
			creds["password"] = Object{} // never stored, never returned
			hasPassword = true
		}
		if rq, ok := cr["recovery_question"].(map[string]any); ok {
			creds["recovery_question"] = Object{"question": rq["question"]}
		}
		obj["credentials"] = creds
	}
	now := s.now()
	obj["status"] = statusStaged
	if activate {
		obj["status"] = statusProvisioned
		if hasPassword {
			obj["status"] = statusActive
		}
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, gid := range groupIDs {
		if g := o.groups.byID[gid]; g == nil || g.str("type") != "OKTA_GROUP" {
			return errValidation("groupIds", "groupIds: "+gid+" is not an Okta group")
		}
	}
	stamp := formatTime(now)
	obj["created"], obj["lastUpdated"] = stamp, stamp
	if activate {
		obj["activated"], obj["statusChanged"] = stamp, stamp
		if hasPassword {
			obj["passwordChanged"] = stamp
		}
	}
	u, err := o.addUser(obj, now)
	if err != nil {
		return err
	}
	for _, gid := range groupIDs {
		addTo(o.members, gid, u.id)
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "user.lifecycle.create",
		message: "Create okta user", targets: []Object{userTarget(u)}})
	if activate {
		o.recordLocked(audit{r: r, c: c, now: now, typ: "user.lifecycle.activate",
			message: "Activate Okta user", targets: []Object{userTarget(u)}})
	}
	writeEntity(w, r, http.StatusOK, u, userLinks)
	return nil
}

// updateUser is POST /api/v1/users/{id}: a partial update of the profile.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.changeProfile(w, r, c, true)
}

// replaceUser is PUT /api/v1/users/{id}: the profile is replaced.
func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.changeProfile(w, r, c, false)
}

func (s *Server) changeProfile(w http.ResponseWriter, r *http.Request, c *caller, partial bool) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	patch, _ := body["profile"].(map[string]any)
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	u, err := o.userOr404(r)
	if err != nil {
		return err
	}
	obj := mustCopy(u.obj)
	profile := patch
	if partial {
		profile = child(obj, "profile")
		for k, v := range patch {
			profile[k] = v
		}
	}
	if profile == nil {
		return errValidation("profile", "profile: The field cannot be left blank")
	}
	if err := checkProfile(profile); err != nil {
		return err
	}
	oldLogin := strings.ToLower(u.str("profile", "login"))
	newLogin := strings.ToLower(profile["login"].(string))
	if newLogin != oldLogin && o.logins[newLogin] != nil {
		return errValidation("login", "login: An object with this field already exists in the current organization")
	}
	now := s.now()
	obj["profile"] = profile
	obj["lastUpdated"] = formatTime(now)
	u.set(obj)
	if newLogin != oldLogin {
		delete(o.logins, oldLogin)
		o.logins[newLogin] = u
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "user.account.update_profile",
		message: "Update user profile for Okta", targets: []Object{userTarget(u)}})
	writeEntity(w, r, http.StatusOK, u, userLinks)
	return nil
}

// deleteUser is DELETE /api/v1/users/{id}: a user not yet DEPROVISIONED is
// deactivated; a DEPROVISIONED one is deleted.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	u, err := o.userOr404(r)
	if err != nil {
		return err
	}
	now := s.now()
	if u.str("status") != statusDeprovisioned {
		o.setStatusLocked(u, statusDeprovisioned, now)
		o.sessions[u.id] = 0
		o.recordLocked(audit{r: r, c: c, now: now, typ: "user.lifecycle.deactivate",
			message: "Deactivate Okta user", targets: []Object{userTarget(u)}})
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "user.lifecycle.delete.initiated",
		message: "Delete Okta user", targets: []Object{userTarget(u)}})
	o.users.remove(u.id)
	delete(o.logins, strings.ToLower(u.str("profile", "login")))
	delete(o.sessions, u.id)
	delete(o.factors, u.id)
	for _, set := range o.members {
		delete(set, u.id)
	}
	for _, set := range o.appUsers {
		delete(set, u.id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// setStatusLocked moves a user to status, bumping its timestamps.
func (o *org) setStatusLocked(u *entity, status string, now time.Time) {
	obj := mustCopy(u.obj)
	stamp := formatTime(now)
	obj["status"] = status
	obj["statusChanged"] = stamp
	obj["lastUpdated"] = stamp
	obj["transitioningToStatus"] = nil
	if status == statusActive && obj["activated"] == nil {
		obj["activated"] = stamp
	}
	u.set(obj)
}

// userGroups is GET /api/v1/users/{id}/groups.
func (s *Server) userGroups(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	u, err := s.org.userOr404(r)
	if err != nil {
		return err
	}
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	page, next, err := s.org.pageOf(s.org.userGroups(u.id), r.URL.Query().Get("after"), limit, nil)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, groupLinks)
	return nil
}

// userAppLinks is GET /api/v1/users/{id}/appLinks: the user's active apps.
func (s *Server) userAppLinks(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	u, err := s.org.userOr404(r)
	if err != nil {
		return err
	}
	base := baseURL(r)
	out := []any{}
	for i, a := range s.org.userApps(u.id) {
		if a.str("status") != statusActive {
			continue
		}
		out = append(out, Object{
			"id": "00a" + a.id[3:], "label": a.str("label"), "appName": a.str("name"),
			"appInstanceId": a.id, "appAssignmentId": "0ua" + u.id[3:],
			"linkUrl": base + "/home/" + a.str("name") + "/" + a.id + "/aln1",
			"logoUrl": base + "/assets/img/logos/default.png", "credentialsSetup": false,
			"hidden": false, "sortOrder": i,
		})
	}
	setLinks(w, r, "")
	writeJSON(w, http.StatusOK, out)
	return nil
}

// clearSessions is DELETE /api/v1/users/{id}/sessions (?oauthTokens=true):
// always 204, as Okta answers.
func (s *Server) clearSessions(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	u, err := o.userOr404(r)
	if err != nil {
		return err
	}
	now := s.now()
	o.sessions[u.id] = 0
	o.recordLocked(audit{r: r, c: c, now: now, typ: "user.session.clear",
		message: "Clear user session", targets: []Object{userTarget(u)}})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
