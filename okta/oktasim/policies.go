package oktasim

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// ruleType is the type of the rules of each policy type.
var ruleType = map[string]string{
	"OKTA_SIGN_ON": "SIGN_ON", "PASSWORD": "PASSWORD", "MFA_ENROLL": "MFA_ENROLL",
	"ACCESS_POLICY": "ACCESS_POLICY", "IDP_DISCOVERY": "IDP_DISCOVERY",
	"PROFILE_ENROLLMENT": "PROFILE_ENROLLMENT", "POST_AUTH_SESSION": "POST_AUTH_SESSION",
	"ENTITY_RISK": "ENTITY_RISK", "CONTINUOUS_ACCESS": "CONTINUOUS_ACCESS",
}

// fillPolicyObject sets the fields Okta always sends on a policy or rule.
func fillPolicyObject(obj Object, defaultName string, priority int, now time.Time) {
	if n, _ := obj["name"].(string); n == "" {
		obj["name"] = defaultName
	}
	if st, _ := obj["status"].(string); st == "" {
		obj["status"] = statusActive
	}
	if _, ok := obj["system"]; !ok {
		obj["system"] = false
	}
	if _, ok := obj["priority"]; !ok {
		obj["priority"] = float64(priority)
	}
	stamp := formatTime(now)
	for _, f := range []string{"created", "lastUpdated"} {
		if _, ok := obj[f]; !ok {
			obj[f] = stamp
		}
	}
}

// addPolicy stores a policy object. Callers hold o.mu for writing (or own o).
func (o *org) addPolicy(obj Object, now time.Time) (*entity, error) {
	typ, _ := obj["type"].(string)
	if ruleType[typ] == "" {
		return nil, errValidation("type", "type: "+quoteOrBlank(typ)+" is not a policy type")
	}
	if ok, _ := o.hasPolicyType(typ); !ok {
		return nil, errPolicyType()
	}
	n := 1
	for _, p := range o.policies.list {
		if p.str("type") == typ {
			n++
		}
	}
	fillPolicyObject(obj, strings.ToLower(typ)+" policy", n, now)
	e, err := o.newEntity("00p", obj)
	if err != nil {
		return nil, err
	}
	o.policies.add(e)
	o.rules[e.id] = newCollection()
	return e, nil
}

// addRule stores a rule of policy p. Callers hold o.mu for writing (or own o).
func (o *org) addRule(p *entity, obj Object, now time.Time) (*entity, error) {
	if t, _ := obj["type"].(string); t == "" {
		obj["type"] = ruleType[p.str("type")]
	}
	fillPolicyObject(obj, "Rule", len(o.rules[p.id].list)+1, now)
	e, err := o.newEntity("0pr", obj)
	if err != nil {
		return nil, err
	}
	o.rules[p.id].add(e)
	return e, nil
}

func quoteOrBlank(s string) string {
	if s == "" {
		return "(blank)"
	}
	return `"` + s + `"`
}

func lifecycleLinks(ls *linkSet, self string, e *entity) *linkSet {
	if e.str("status") == statusActive {
		return ls.add("deactivate", self+"/lifecycle/deactivate", "POST")
	}
	return ls.add("activate", self+"/lifecycle/activate", "POST")
}

func policyLinks(base string, p *entity) []byte {
	self := base + "/api/v1/policies/" + p.id
	ls := newLinkSet().add("self", self, "").add("rules", self+"/rules", "")
	return lifecycleLinks(ls, self, p).bytes()
}

func ruleLinks(policyID string) linker {
	return func(base string, rule *entity) []byte {
		self := base + "/api/v1/policies/" + policyID + "/rules/" + rule.id
		return lifecycleLinks(newLinkSet().add("self", self, ""), self, rule).bytes()
	}
}

// byPriority sorts policies or rules as Okta lists them.
func byPriority(list []*entity) []*entity {
	out := append([]*entity(nil), list...)
	sort.SliceStable(out, func(i, j int) bool {
		pi, _ := out[i].obj["priority"].(float64)
		pj, _ := out[j].obj["priority"].(float64)
		return pi < pj
	})
	return out
}

// listPolicies is GET /api/v1/policies?type= (required), status, limit, after.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, _ *caller) error {
	v := r.URL.Query()
	typ := v.Get("type")
	if ruleType[typ] == "" {
		return errValidation("type", "type: "+quoteOrBlank(typ)+" is not a policy type")
	}
	switch ok, missing := s.org.hasPolicyType(typ); {
	case !ok && missing == MissingEmpty:
		writeRaw(w, http.StatusOK, []byte("[]"))
		return nil
	case !ok:
		return errPolicyType()
	}
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	status := v.Get("status")
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	keep := func(p *entity) bool {
		return p.str("type") == typ && (status == "" || p.str("status") == status)
	}
	page, next, err := s.org.pageOf(byPriority(s.org.policies.list), v.Get("after"), limit, keep)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, policyLinks)
	return nil
}

func (o *org) policyOr404(r *http.Request) (*entity, error) {
	id := r.PathValue("policy")
	p := o.policies.byID[id]
	if p == nil {
		return nil, errNotFound(id + " (Policy)")
	}
	return p, nil
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	p, err := s.org.policyOr404(r)
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, p, policyLinks)
	return nil
}

// policyBody reads a policy or rule from a body; name is required.
func policyBody(r *http.Request) (Object, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if n, _ := body["name"].(string); strings.TrimSpace(n) == "" {
		return nil, errValidation("name", "name: The field cannot be left blank")
	}
	for _, f := range []string{"id", "_links", "_embedded", "created", "lastUpdated", "system"} {
		delete(body, f)
	}
	return body, nil
}

// createPolicy is POST /api/v1/policies?activate=.
func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := policyBody(r)
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
	p, err := o.addPolicy(body, now)
	if err != nil {
		return err
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "policy.lifecycle.create",
		message: "Create policy", targets: []Object{policyTarget(p)}})
	writeEntity(w, r, http.StatusOK, p, policyLinks)
	return nil
}

// replaceKeeping replaces e's object with body, keeping some fields.
func replaceKeeping(e *entity, body Object, now time.Time, keep ...string) {
	for _, f := range keep {
		if v, ok := e.obj[f]; ok {
			body[f] = v
		}
	}
	if _, ok := body["priority"]; !ok {
		body["priority"] = e.obj["priority"]
	}
	body["lastUpdated"] = formatTime(now)
	e.set(body)
}

// updatePolicy is PUT /api/v1/policies/{id}.
func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := policyBody(r)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	p, err := o.policyOr404(r)
	if err != nil {
		return err
	}
	if t, _ := body["type"].(string); t != "" && t != p.str("type") {
		return errValidation("type", "type: The type of a policy cannot be changed")
	}
	now := s.now()
	before := p.obj
	replaceKeeping(p, body, now, "id", "type", "status", "system", "created")
	o.recordLocked(audit{r: r, c: c, now: now, typ: "policy.lifecycle.update",
		message: "Update policy", targets: []Object{withChanges(policyTarget(p), before, p.obj)}})
	writeEntity(w, r, http.StatusOK, p, policyLinks)
	return nil
}

// setActive runs an activate/deactivate operation on a policy or rule:
// idempotent; the default (system) one cannot be deactivated. changed is
// false when nothing was to do.
func setActive(e *entity, op string, now time.Time) (changed bool, err error) {
	to := map[string]string{"activate": statusActive, "deactivate": "INACTIVE"}[op]
	if op == "deactivate" && e.obj["system"] == true {
		return false, errValidation("status", "Cannot deactivate the default "+strings.ToLower(e.str("name"))+"; it is a system object")
	}
	if e.str("status") == to {
		return false, nil
	}
	obj := mustCopy(e.obj)
	obj["status"] = to
	obj["lastUpdated"] = formatTime(now)
	e.set(obj)
	return true, nil
}

// policyLifecycle is POST /api/v1/policies/{id}/lifecycle/{op}: 204.
func (s *Server) policyLifecycle(w http.ResponseWriter, r *http.Request, c *caller) error {
	op := r.PathValue("op")
	if op != "activate" && op != "deactivate" {
		s.notFound(w, r)
		return nil
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	p, err := o.policyOr404(r)
	if err != nil {
		return err
	}
	now := s.now()
	changed, err := setActive(p, op, now)
	if err != nil {
		return err
	}
	if changed {
		o.recordLocked(audit{r: r, c: c, now: now, typ: "policy.lifecycle." + op,
			message: strings.ToUpper(op[:1]) + op[1:] + " policy", targets: []Object{policyTarget(p)}})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listRules is GET /api/v1/policies/{id}/rules.
func (s *Server) listRules(w http.ResponseWriter, r *http.Request, _ *caller) error {
	limit, err := pageLimit(r, defaultPageLimit, maxPageLimit)
	if err != nil {
		return err
	}
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	p, err := s.org.policyOr404(r)
	if err != nil {
		return err
	}
	page, next, err := s.org.pageOf(byPriority(s.org.rules[p.id].list), r.URL.Query().Get("after"), limit, nil)
	if err != nil {
		return err
	}
	writeEntities(w, r, page, next, ruleLinks(p.id))
	return nil
}

func (o *org) ruleOr404(r *http.Request) (*entity, *entity, error) {
	p, err := o.policyOr404(r)
	if err != nil {
		return nil, nil, err
	}
	id := r.PathValue("rule")
	rule := o.rules[p.id].byID[id]
	if rule == nil {
		return nil, nil, errNotFound(id + " (PolicyRule)")
	}
	return p, rule, nil
}

func (s *Server) getRule(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	p, rule, err := s.org.ruleOr404(r)
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, rule, ruleLinks(p.id))
	return nil
}

// createRule is POST /api/v1/policies/{id}/rules?activate=.
func (s *Server) createRule(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := policyBody(r)
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
	p, err := o.policyOr404(r)
	if err != nil {
		return err
	}
	if t, _ := body["type"].(string); t != "" && t != ruleType[p.str("type")] {
		return errValidation("type", "type: A "+p.str("type")+" policy holds rules of type "+ruleType[p.str("type")])
	}
	now := s.now()
	rule, err := o.addRule(p, body, now)
	if err != nil {
		return err
	}
	o.recordLocked(audit{r: r, c: c, now: now, typ: "policy.rule.add",
		message: "Add policy rule", targets: []Object{ruleTarget(rule), policyTarget(p)}})
	writeEntity(w, r, http.StatusOK, rule, ruleLinks(p.id))
	return nil
}

// updateRule is PUT /api/v1/policies/{id}/rules/{rid}.
func (s *Server) updateRule(w http.ResponseWriter, r *http.Request, c *caller) error {
	body, err := policyBody(r)
	if err != nil {
		return err
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	p, rule, err := o.ruleOr404(r)
	if err != nil {
		return err
	}
	now := s.now()
	before := rule.obj
	replaceKeeping(rule, body, now, "id", "type", "status", "system", "created")
	o.recordLocked(audit{r: r, c: c, now: now, typ: "policy.rule.update",
		message: "Update policy rule", targets: []Object{withChanges(ruleTarget(rule), before, rule.obj), policyTarget(p)}})
	writeEntity(w, r, http.StatusOK, rule, ruleLinks(p.id))
	return nil
}

// ruleLifecycle is POST /api/v1/policies/{id}/rules/{rid}/lifecycle/{op}: 204.
func (s *Server) ruleLifecycle(w http.ResponseWriter, r *http.Request, c *caller) error {
	op := r.PathValue("op")
	if op != "activate" && op != "deactivate" {
		s.notFound(w, r)
		return nil
	}
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	p, rule, err := o.ruleOr404(r)
	if err != nil {
		return err
	}
	now := s.now()
	changed, err := setActive(rule, op, now)
	if err != nil {
		return err
	}
	if changed {
		o.recordLocked(audit{r: r, c: c, now: now, typ: "policy.rule." + op,
			message: strings.ToUpper(op[:1]) + op[1:] + " policy rule",
			targets: []Object{ruleTarget(rule), policyTarget(p)}})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deletePolicy is DELETE /api/v1/policies/{id}: 204, with its rules. A
// default (system) policy cannot be deleted.
func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	p, err := o.policyOr404(r)
	if err != nil {
		return err
	}
	if err := deletable(p); err != nil {
		return err
	}
	o.recordLocked(audit{r: r, c: c, now: s.now(), typ: "policy.lifecycle.delete",
		message: "Delete policy", targets: []Object{policyTarget(p)}})
	o.policies.remove(p.id)
	delete(o.rules, p.id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteRule is DELETE /api/v1/policies/{id}/rules/{rid}: 204. A default
// (system) rule cannot be deleted.
func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	p, rule, err := o.ruleOr404(r)
	if err != nil {
		return err
	}
	if err := deletable(rule); err != nil {
		return err
	}
	o.recordLocked(audit{r: r, c: c, now: s.now(), typ: "policy.rule.delete",
		message: "Delete policy rule", targets: []Object{ruleTarget(rule), policyTarget(p)}})
	o.rules[p.id].remove(rule.id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deletable refuses to delete a default (system) policy or rule.
func deletable(e *entity) error {
	if e.obj["system"] == true {
		return errValidation("id", "Cannot delete the default "+strings.ToLower(e.str("name"))+"; it is a system object")
	}
	return nil
}
