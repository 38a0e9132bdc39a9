package oktasim

import (
	"crypto"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ServiceApp is a registered OAuth service app (client credentials with
// private_key_jwt).
type ServiceApp struct {
	ClientID    string
	PublicKey   crypto.PublicKey // *rsa.PublicKey or *ecdsa.PublicKey (P-256)
	KeyID       string           // kid the assertion header must carry ("": any or none accepted)
	Scopes      []string         // scopes the app was granted; nil: every okta.*.read/manage scope
	RequireDPoP bool             // tokens are DPoP-bound; token requests need a DPoP proof and nonce
	Inactive    bool             // a deactivated app: invalid_client
	// OrgAppID, when set, lists the service app among the org's apps, as
	// Okta does: an API Services app with this id whose OAuth client id
	// (credentials.oauthClient.client_id) is ClientID (serviceapp.go).
	OrgAppID string
}

// Server is the simulated Okta org. Its methods are safe for concurrent use.
type Server struct {
	clock atomic.Pointer[func() time.Time]
	mux   *http.ServeMux
	org   *org

	mu          sync.Mutex // guards everything below
	apps        map[string]ServiceApp
	tokens      map[string]*accessToken
	usedJTIs    map[string]time.Time // client assertion jti → when it may be forgotten
	usedProof   map[string]time.Time // DPoP proof jti → when it may be forgotten
	nonces      map[string]time.Time // DPoP nonce → issued
	revokeGen   int
	tokenTTL    time.Duration
	latency     time.Duration
	failN       int
	failCode    int
	limits      map[string]*window
	throttled   map[string]int // bucket → calls still to refuse with 429; <0: until Throttle(bucket, 0) (ratelimit.go)
	throttles   int            // calls Throttle refused
	concLimit   int            // org-wide requests in flight (ratelimit.go)
	inflight    int
	peak        int
	concRefused int
	logLimit    LogQueryLimit  // when System Log queries time out (logs.go)
	calls       map[string]int // "METHOD /path" → count
	unhandled   []string
	grantsOK    int
	grantsBad   int
	adminRole   bool
	dpopRS      dpopResource // the resource server's DPoP options and nonces (dpop_resource.go)
	noRole      string       // lists without an admin role: NoRoleEmpty or NoRoleForbidden

	verify verifier // push verifications and their programmed outcome (verify.go)
}

// New builds a simulator from a fixture (nil: an empty org). It copies what
// it needs; the fixture is not modified. Errors name the bad object (e.g. a
// group member that is no user).
func New(fx *Fixture) (*Server, error) {
	return newServer(fx, time.Now)
}

// newServer is New with a clock.
func newServer(fx *Fixture, now func() time.Time) (*Server, error) {
	s := &Server{
		apps:      map[string]ServiceApp{},
		tokens:    map[string]*accessToken{},
		usedJTIs:  map[string]time.Time{},
		usedProof: map[string]time.Time{},
		nonces:    map[string]time.Time{},
		tokenTTL:  time.Hour,
		limits:    map[string]*window{},
		throttled: map[string]int{},
		calls:     map[string]int{},
		adminRole: true,
		concLimit: DefaultConcurrency,
	}
	s.clock.Store(&now)
	if fx == nil {
		fx = &Fixture{}
	}
	if fx.AdminRole != nil {
		s.adminRole = *fx.AdminRole
	}
	if err := s.SetNoRoleLists(fx.NoRoleLists); err != nil {
		return nil, err
	}
	if fx.FactorVerify != nil {
		if err := s.SetVerifyOutcome(*fx.FactorVerify); err != nil {
			return nil, err
		}
	}
	o, err := loadOrg(fx, s.now())
	if err != nil {
		return nil, err
	}
	s.org = o
	s.routes()
	s.controlRoutes()
	return s, nil
}

// SetClock replaces the simulator's clock (default time.Now): token expiry,
// rate-limit windows, the System Log's "now" and the times of writes follow
// it. Client assertions and DPoP proofs are checked against it too, so keep
// it near the real time when a real client signs them.
func (s *Server) SetClock(now func() time.Time) {
	s.clock.Store(&now)
}

func (s *Server) now() time.Time { return (*s.clock.Load())() }

// ServeHTTP answers one request as Okta would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Okta-Request-Id", randomText(20))
	if !s.enter(w) {
		return
	}
	defer s.leave()
	s.mu.Lock()
	s.calls[r.Method+" "+r.URL.Path]++
	delay := s.latency
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// notFound is the loud catch-all: every request no route answers is recorded
// for Unhandled and answered as Okta answers an unknown endpoint.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.unhandled = append(s.unhandled, r.Method+" "+r.URL.RequestURI())
	s.mu.Unlock()
	writeAPIError(w, &apiError{status: http.StatusNotFound, code: codeNoSuchEndpoint,
		summary: summaryNoEndpoint, causes: []string{"Not found: " + r.Method + " " + r.URL.Path}})
}

// Unhandled lists the requests ("METHOD /path?query") that no route
// answered. A test should fail when it is not empty.
func (s *Server) Unhandled() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unhandled...)
}

// AddServiceApp registers (or replaces) an OAuth service app.
func (s *Server) AddServiceApp(app ServiceApp) {
	if app.Scopes != nil {
		app.Scopes = append([]string{}, app.Scopes...)
	}
	s.mu.Lock()
	s.apps[app.ClientID] = app
	s.mu.Unlock()
	if app.OrgAppID != "" {
		s.org.addServiceAppObject(app, s.now())
	}
}

// SetTokenTTL sets the lifetime of tokens issued from now on (default 1h);
// it is the expires_in of the token answer, in whole seconds rounded up.
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	s.tokenTTL = d
	s.mu.Unlock()
}

// RevokeTokens makes every token issued so far invalid (401 E0000011).
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	s.revokeGen++
	s.mu.Unlock()
}

// SetAdminRole sets whether the service app has an admin role.
// SetAdminRole(false) simulates a service app without an admin role: list
// endpoints return [] (or 403, see SetNoRoleLists), object reads and
// writes 403 E0000006.
func (s *Server) SetAdminRole(ok bool) {
	s.mu.Lock()
	s.adminRole = ok
	s.mu.Unlock()
}

// SetLatency adds d to every API and token call.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// FailNext makes the next n API calls (not token requests) answer status
// (e.g. 500, 503) in Okta's error shape.
func (s *Server) FailNext(n int, status int) {
	s.mu.Lock()
	s.failN, s.failCode = n, status
	s.mu.Unlock()
}

// takeFailure reports whether this call is one FailNext asked to fail.
func (s *Server) takeFailure() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN <= 0 {
		return 0, false
	}
	s.failN--
	return s.failCode, true
}

// Calls counts the requests seen, by method ("": any) and path prefix, e.g.
// Calls("POST", "/api/v1/users/00u1/lifecycle/suspend").
func (s *Server) Calls(method, pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.calls {
		m, p, _ := strings.Cut(k, " ")
		if (method == "" || strings.EqualFold(m, method)) && strings.HasPrefix(p, pathPrefix) {
			n += c
		}
	}
	return n
}

// CallCount counts the requests seen for exactly one method and path, e.g.
// CallCount("GET", "/api/v1/users/00u1/factors"): cheap in a large test.
func (s *Server) CallCount(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToUpper(method)+" "+path]
}

// CallLog lists every distinct "METHOD /path" seen with its count, sorted;
// handy in a failing test's message.
func (s *Server) CallLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.calls))
	for k, c := range s.calls {
		out = append(out, fmt.Sprintf("%s ×%d", k, c))
	}
	sort.Strings(out)
	return out
}

// TokenGrants counts successful and failed token requests. A use_dpop_nonce
// challenge is counted in neither (it is the protocol, not a failure); a
// request without a required DPoP proof is a failure.
func (s *Server) TokenGrants() (ok, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grantsOK, s.grantsBad
}

// Sessions counts the open sessions of a user (by id or login). Every ACTIVE
// user of the fixture starts with 1 unless its object has "_sessions".
func (s *Server) Sessions(userID string) int {
	return s.org.sessionCount(userID)
}

// AddLogs appends System Log events (Okta's JSON shape; "published" is
// required, "uuid" is made up when missing). Unlike fixture events they are
// not shifted by the fixture's now.
func (s *Server) AddLogs(events ...Object) error {
	if err := s.org.addLogs(events, 0); err != nil {
		return fmt.Errorf("oktasim: add logs: %w", err)
	}
	return nil
}

// Snapshot is a deep copy of the current state in fixture shape: users with
// their status, groups with "members" and "apps", apps with "users" and
// "groups", policies with "rules", factors by user id, the programmed push
// verification outcome (FactorVerify) and the System Log.
// Sessions are not part of it: use Sessions.
func (s *Server) Snapshot() *Fixture {
	fx := s.org.snapshot()
	s.mu.Lock()
	admin := s.adminRole
	fx.NoRoleLists = s.noRole
	s.mu.Unlock()
	fx.AdminRole = &admin
	fx.Now = s.now().UTC()
	s.verify.mu.Lock()
	next := s.verify.next
	s.verify.mu.Unlock()
	fx.FactorVerify = &next
	return fx
}

func (s *Server) hasAdminRole() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adminRole
}
