package oktasim

import (
	"errors"
	"net/http"
)

// kind is what an endpoint does, for scopes and for a service app without an
// admin role.
type kind int

const (
	kindList  kind = iota // a list: [] (or 403) without an admin role
	kindRead              // one object: 403 without an admin role
	kindWrite             // a change: needs okta.<area>.manage; 403 without an admin role
)

// handlerFunc serves an authenticated, authorized API call. A returned
// *apiError is written in Okta's shape; nil means the handler answered.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *caller) error

func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m
	m.HandleFunc("/", s.notFound)
	m.HandleFunc("POST /oauth2/v1/token", s.handleToken)

	api := func(pattern, family, area string, k kind, h handlerFunc) {
		m.Handle(pattern, s.endpoint(family, area, k, h))
	}
	const u, g, a, p, l, ro = "users", "groups", "apps", "policies", "logs", "roles"

	api("GET /api/v1/users", FamilyUsers, u, kindList, s.listUsers)
	api("POST /api/v1/users", FamilyUsers, u, kindWrite, s.createUser)
	api("GET /api/v1/users/{user}", FamilyUsers, u, kindRead, s.getUser)
	api("POST /api/v1/users/{user}", FamilyUsers, u, kindWrite, s.updateUser)
	api("PUT /api/v1/users/{user}", FamilyUsers, u, kindWrite, s.replaceUser)
	api("DELETE /api/v1/users/{user}", FamilyUsers, u, kindWrite, s.deleteUser)
	api("GET /api/v1/users/{user}/groups", FamilyUsers, u, kindList, s.userGroups)
	api("GET /api/v1/users/{user}/appLinks", FamilyUsers, u, kindList, s.userAppLinks)
	api("POST /api/v1/users/{user}/lifecycle/{op}", FamilyUsers, u, kindWrite, s.userLifecycle)
	api("GET /api/v1/users/{user}/blocks", FamilyUsers, u, kindRead, s.listBlocks)
	api("DELETE /api/v1/users/{user}/sessions", FamilyUsers, u, kindWrite, s.clearSessions)
	api("GET /api/v1/users/{user}/roles", FamilyUsers, ro, kindList, s.userRoles)
	api("GET /api/v1/users/{user}/factors", FamilyFactors, u, kindList, s.listFactors)
	api("GET /api/v1/users/{user}/factors/{factor}", FamilyFactors, u, kindRead, s.getFactor)
	api("DELETE /api/v1/users/{user}/factors/{factor}", FamilyFactors, u, kindWrite, s.deleteFactor)
	api("POST /api/v1/users/{user}/factors/{factor}/verify", FamilyFactors, u, kindWrite, s.verifyFactor)
	api("GET /api/v1/users/{user}/factors/{factor}/transactions/{txn}", FamilyFactors, u, kindRead, s.factorTransaction)

	api("GET /api/v1/groups", FamilyGroups, g, kindList, s.listGroups)
	api("POST /api/v1/groups", FamilyGroups, g, kindWrite, s.createGroup)
	api("GET /api/v1/groups/{group}", FamilyGroups, g, kindRead, s.getGroup)
	api("PUT /api/v1/groups/{group}", FamilyGroups, g, kindWrite, s.updateGroup)
	api("DELETE /api/v1/groups/{group}", FamilyGroups, g, kindWrite, s.deleteGroup)
	api("GET /api/v1/groups/{group}/users", FamilyGroups, g, kindList, s.groupUsers)
	api("GET /api/v1/groups/{group}/apps", FamilyGroups, g, kindList, s.groupApps)
	api("GET /api/v1/groups/{group}/roles", FamilyGroups, ro, kindList, s.groupRoles)
	api("PUT /api/v1/groups/{group}/users/{user}", FamilyGroups, g, kindWrite, s.addMember)
	api("DELETE /api/v1/groups/{group}/users/{user}", FamilyGroups, g, kindWrite, s.removeMember)

	api("GET /api/v1/apps", FamilyApps, a, kindList, s.listApps)
	api("POST /api/v1/apps", FamilyApps, a, kindWrite, s.createApp)
	api("GET /api/v1/apps/{app}", FamilyApps, a, kindRead, s.getApp)
	api("PUT /api/v1/apps/{app}", FamilyApps, a, kindWrite, s.updateApp)
	api("DELETE /api/v1/apps/{app}", FamilyApps, a, kindWrite, s.deleteApp)
	api("GET /api/v1/apps/{app}/users", FamilyApps, a, kindList, s.appUsers)
	api("GET /api/v1/apps/{app}/groups", FamilyApps, a, kindList, s.appGroups)
	api("PUT /api/v1/apps/{app}/groups/{group}", FamilyApps, a, kindWrite, s.assignGroup)
	api("POST /api/v1/apps/{app}/lifecycle/{op}", FamilyApps, a, kindWrite, s.appLifecycle)

	api("GET /api/v1/policies", FamilyPolicies, p, kindList, s.listPolicies)
	api("POST /api/v1/policies", FamilyPolicies, p, kindWrite, s.createPolicy)
	api("GET /api/v1/policies/{policy}", FamilyPolicies, p, kindRead, s.getPolicy)
	api("PUT /api/v1/policies/{policy}", FamilyPolicies, p, kindWrite, s.updatePolicy)
	api("DELETE /api/v1/policies/{policy}", FamilyPolicies, p, kindWrite, s.deletePolicy)
	api("POST /api/v1/policies/{policy}/lifecycle/{op}", FamilyPolicies, p, kindWrite, s.policyLifecycle)
	api("GET /api/v1/policies/{policy}/rules", FamilyPolicies, p, kindList, s.listRules)
	api("POST /api/v1/policies/{policy}/rules", FamilyPolicies, p, kindWrite, s.createRule)
	api("GET /api/v1/policies/{policy}/rules/{rule}", FamilyPolicies, p, kindRead, s.getRule)
	api("PUT /api/v1/policies/{policy}/rules/{rule}", FamilyPolicies, p, kindWrite, s.updateRule)
	api("DELETE /api/v1/policies/{policy}/rules/{rule}", FamilyPolicies, p, kindWrite, s.deleteRule)
	api("POST /api/v1/policies/{policy}/rules/{rule}/lifecycle/{op}", FamilyPolicies, p, kindWrite, s.ruleLifecycle)

	api("GET /api/v1/logs", FamilyLogs, l, kindList, s.listLogs)
}

// endpoint wraps an API handler with what every Okta API call goes through:
// its bucket's rate limit, injected failures, the token, its scopes and the
// admin role. The family is documentation: Okta's bucket follows from the
// method and path (ratelimit.go).
func (s *Server) endpoint(_, area string, k kind, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.rateLimit(w, r) {
			// Okta spends the DPoP proof of a throttled call: a client that
			// retries with the same proof is refused (SDK issue #554).
			s.burnProof(r)
			return
		}
		if status, fail := s.takeFailure(); fail {
			writeAPIError(w, errStatus(status))
			return
		}
		c := s.authenticate(w, r)
		if c == nil {
			return
		}
		c.requestID = w.Header().Get("X-Okta-Request-Id")
		if !authorize(w, r, c, area, k == kindWrite) {
			return
		}
		if !s.hasAdminRole() {
			if k == kindList && !s.noRoleListsForbidden() {
				writeRaw(w, http.StatusOK, []byte("[]"))
				return
			}
			writeAPIError(w, errForbidden())
			return
		}
		if err := h(w, r, c); err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				ae = &apiError{status: http.StatusInternalServerError, code: codeInternal, summary: summaryInternal}
			}
			writeAPIError(w, ae)
		}
	})
}
