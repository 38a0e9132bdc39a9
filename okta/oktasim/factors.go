package oktasim

import (
	"net/http"
	"time"
)

// A user's MFA factors: GET …/factors, GET and DELETE …/factors/{id}.

// factorPrefix gives factor ids Okta-like prefixes.
var factorPrefix = map[string]string{
	"push": "opf", "token:software:totp": "ost", "sms": "mbl", "call": "clf", "email": "emf",
	"question": "ufs", "webauthn": "fwf", "u2f": "fuf", "token:hardware": "ykf",
	"signed_nonce": "pfd", "token": "rsa", "token:hotp": "chf", "web": "dsf",
}

var factorProvider = map[string]string{
	"webauthn": "FIDO", "u2f": "FIDO", "token:hardware": "YUBICO", "token": "RSA", "web": "DUO",
}

// addFactor stores a factor of user uid. Callers hold o.mu for writing (or
// own o).
func (o *org) addFactor(uid string, obj Object, now time.Time) (*entity, error) {
	ft, _ := obj["factorType"].(string)
	if ft == "" {
		return nil, errValidation("factorType", "factorType: The field cannot be left blank")
	}
	prefix := factorPrefix[ft]
	if prefix == "" {
		prefix = "fac"
	}
	if _, ok := obj["provider"]; !ok {
		p := factorProvider[ft]
		if p == "" {
			p = "OKTA"
		}
		obj["provider"] = p
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
	if _, ok := obj["profile"]; !ok {
		obj["profile"] = Object{}
	}
	e, err := o.newEntity(prefix, obj)
	if err != nil {
		return nil, err
	}
	list := o.factors[uid]
	if list == nil {
		list = newCollection()
		o.factors[uid] = list
	}
	list.add(e)
	return e, nil
}

func factorLinks(uid string) linker {
	return func(base string, f *entity) []byte {
		self := base + "/api/v1/users/" + uid + "/factors/" + f.id
		return newLinkSet().add("self", self, "").add("user", base+"/api/v1/users/"+uid, "").bytes()
	}
}

// listFactors is GET /api/v1/users/{id}/factors (not paged, as Okta's).
func (s *Server) listFactors(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	u, err := s.org.userOr404(r)
	if err != nil {
		return err
	}
	var list []*entity
	if fs := s.org.factors[u.id]; fs != nil {
		list = fs.list
	}
	writeEntities(w, r, list, "", factorLinks(u.id))
	return nil
}

func (o *org) factorOr404(r *http.Request) (*entity, *entity, error) {
	u, err := o.userOr404(r)
	if err != nil {
		return nil, nil, err
	}
	id := r.PathValue("factor")
	if fs := o.factors[u.id]; fs != nil {
		if f := fs.byID[id]; f != nil {
			return u, f, nil
		}
	}
	return nil, nil, errNotFound(id + " (UserFactor)")
}

func (s *Server) getFactor(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	u, f, err := s.org.factorOr404(r)
	if err != nil {
		return err
	}
	writeEntity(w, r, http.StatusOK, f, factorLinks(u.id))
	return nil
}

// deleteFactor is DELETE /api/v1/users/{id}/factors/{fid}: unenroll.
func (s *Server) deleteFactor(w http.ResponseWriter, r *http.Request, c *caller) error {
	o := s.org
	o.mu.Lock()
	defer o.mu.Unlock()
	u, f, err := o.factorOr404(r)
	if err != nil {
		return err
	}
	o.factors[u.id].remove(f.id)
	now := s.now()
	o.recordLocked(audit{r: r, c: c, now: now, typ: "user.mfa.factor.deactivate",
		message: "Reset factor for user", targets: []Object{userTarget(u),
			{"id": f.id, "type": "Factor", "alternateId": "unknown", "displayName": f.str("factorType"), "detailEntry": nil}}})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
