package oktasim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Okta counts API calls per rate-limit bucket: a method and a path
// template, as its management rate-limit table lists them. Each bucket has
// its own per-minute window and its own X-Rate-Limit-* headers.
const (
	BucketToken     = "/oauth2/v1/token"       // the org authorization server's token endpoint
	BucketUsers     = "/api/v1/users"          // GET (list) or POST (create) /api/v1/users
	BucketUserGet   = "GET /api/v1/users/{id}" // get a user by id or login
	BucketUserWrite = "/api/v1/users/{id}"     // POST, PUT or DELETE /api/v1/users/{id}
	BucketApps      = "/api/v1/apps"           // list, create and every /api/v1/apps/{id}/* call
	BucketApp       = "/api/v1/apps/{id}"      // one app by id
	BucketGroups    = "/api/v1/groups"         // list, create and every /api/v1/groups/{id}/* call
	BucketGroup     = "/api/v1/groups/{id}"    // one group by id
	BucketLogs      = "/api/v1/logs"           // the System Log
	BucketOther     = "/api/v1"                // most other API calls: factors, policies, users/{id}/*
)

// defaultLimits are Okta's per-minute limits of an Enterprise org.
var defaultLimits = map[string]int{
	BucketToken:     1200,
	BucketUsers:     600,
	BucketUserGet:   1000,
	BucketUserWrite: 600,
	BucketApps:      100,
	BucketApp:       600,
	BucketGroups:    600,
	BucketGroup:     600,
	BucketLogs:      50,
	BucketOther:     600,
}

// DefaultConcurrency is Okta's org-wide limit on requests in flight (most
// editions; the smallest have 35).
const DefaultConcurrency = 75

// Families name groups of buckets for SetRateLimit, for tests that limit
// "the users endpoints" without naming each bucket.
const (
	FamilyToken    = "token"    // BucketToken
	FamilyUsers    = "users"    // BucketUsers, BucketUserGet, BucketUserWrite
	FamilyFactors  = "factors"  // BucketOther: Okta counts factor calls there
	FamilyGroups   = "groups"   // BucketGroups, BucketGroup
	FamilyApps     = "apps"     // BucketApps, BucketApp
	FamilyPolicies = "policies" // BucketOther
	FamilyLogs     = "logs"     // BucketLogs
)

var families = map[string][]string{
	FamilyToken:    {BucketToken},
	FamilyUsers:    {BucketUsers, BucketUserGet, BucketUserWrite},
	FamilyFactors:  {BucketOther},
	FamilyGroups:   {BucketGroups, BucketGroup},
	FamilyApps:     {BucketApps, BucketApp},
	FamilyPolicies: {BucketOther},
	FamilyLogs:     {BucketLogs},
}

const defaultWindow = time.Minute

// bucketOf is the bucket Okta counts a request in.
func bucketOf(method, path string) string {
	if path == "/oauth2/v1/token" {
		return BucketToken
	}
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return BucketOther
	}
	seg := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case seg[0] == "users" && len(seg) == 1 && (method == http.MethodGet || method == http.MethodPost):
		return BucketUsers
	case seg[0] == "users" && len(seg) == 2 && method == http.MethodGet:
		return BucketUserGet
	case seg[0] == "users" && len(seg) == 2:
		return BucketUserWrite
	case seg[0] == "apps" && len(seg) == 2:
		return BucketApp
	case seg[0] == "apps":
		return BucketApps
	case seg[0] == "groups" && len(seg) == 2:
		return BucketGroup
	case seg[0] == "groups":
		return BucketGroups
	case seg[0] == "logs" && len(seg) == 1:
		return BucketLogs
	}
	return BucketOther
}

// window counts one bucket's calls in windows aligned to the wall clock
// (a one-minute window runs from one whole minute to the next), as Okta's
// X-Rate-Limit-Reset at whole seconds implies.
type window struct {
	limit int           // 0: unlimited
	span  time.Duration // length of a window
	start time.Time     // start of the current window
	used  int
}

// SetRateLimit sets the limit per window of a bucket (BucketUsers, …) or of
// every bucket of a family (FamilyUsers, …). A limit of 0 means unlimited
// (no X-Rate-Limit headers). Windows are aligned to the clock: per should
// divide a minute (1s, 5s, 1m …). The defaults are Okta's per-minute
// limits of an Enterprise org. The current window restarts.
func (s *Server) SetRateLimit(bucket string, limit int, per time.Duration) {
	if per <= 0 {
		per = defaultWindow
	}
	names, ok := families[bucket]
	if !ok {
		names = []string{bucket}
	}
	s.mu.Lock()
	for _, b := range names {
		s.limits[b] = &window{limit: limit, span: per}
	}
	s.mu.Unlock()
}

// Throttle makes the next n calls counted in a bucket (BucketLogs, …) or
// in any bucket of a family (FamilyLogs, …) answer 429 E0000047, as Okta
// answers a full window: X-Rate-Limit-Remaining 0 and X-Rate-Limit-Reset
// at the next whole second. A negative n refuses every call until
// Throttle(bucket, 0) ends the storm. The buckets' windows are not
// touched: a refused call does not count in them.
func (s *Server) Throttle(bucket string, n int) {
	names, ok := families[bucket]
	if !ok {
		names = []string{bucket}
	}
	s.mu.Lock()
	for _, b := range names {
		if n == 0 {
			delete(s.throttled, b)
		} else {
			s.throttled[b] = n
		}
	}
	s.mu.Unlock()
}

// Throttled counts the calls refused by Throttle.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttles
}

// takeThrottle reports whether Throttle refuses this call to bucket, and
// the bucket's limit to answer with.
func (s *Server) takeThrottle(bucket string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.throttled[bucket]
	switch {
	case n == 0:
		return 0, false
	case n == 1:
		delete(s.throttled, bucket)
	case n > 1:
		s.throttled[bucket] = n - 1
	}
	s.throttles++
	limit := defaultLimits[bucket]
	if win, ok := s.limits[bucket]; ok && win.limit > 0 {
		limit = win.limit
	}
	return max(limit, 1), true
}

// SetConcurrencyLimit sets the org-wide limit on requests in flight
// (default DefaultConcurrency; 0: none). A request over it is answered 429
// with X-Rate-Limit-Limit: 0, as Okta answers a concurrency violation.
func (s *Server) SetConcurrencyLimit(n int) {
	s.mu.Lock()
	s.concLimit = n
	s.mu.Unlock()
}

// PeakInFlight is the most requests the simulator has had in flight at
// once, counting those it refused for the concurrency limit.
func (s *Server) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// ResetPeakInFlight sets the peak to the requests in flight now.
func (s *Server) ResetPeakInFlight() {
	s.mu.Lock()
	s.peak = s.inflight
	s.mu.Unlock()
}

// ConcurrencyRefusals counts the requests refused for the concurrency limit.
func (s *Server) ConcurrencyRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.concRefused
}

// enter counts a request in flight. Over the concurrency limit it answers
// 429 and returns false; otherwise leave must follow. The peak counts every
// request that arrived, refused or not.
func (s *Server) enter(w http.ResponseWriter) bool {
	s.mu.Lock()
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	if s.concLimit <= 0 || s.inflight <= s.concLimit {
		s.mu.Unlock()
		return true
	}
	s.inflight--
	s.concRefused++
	s.mu.Unlock()
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", "0")
	h.Set("X-Rate-Limit-Remaining", "0")
	// An estimate only, as Okta says of a concurrency reset.
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(s.now().Add(time.Second).Unix(), 10))
	writeAPIError(w, &apiError{status: http.StatusTooManyRequests, code: codeRateLimit, summary: summaryRateLimit})
	return false
}

func (s *Server) leave() {
	s.mu.Lock()
	s.inflight--
	s.mu.Unlock()
}

// rateLimit counts a call against its bucket and sets the X-Rate-Limit
// headers. When the limit is exceeded it writes 429 E0000047 and returns
// false.
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request) bool {
	bucket := bucketOf(r.Method, r.URL.Path)
	now := s.now()
	if limit, refused := s.takeThrottle(bucket); refused {
		h := w.Header()
		h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
		h.Set("X-Rate-Limit-Remaining", "0")
		h.Set("X-Rate-Limit-Reset", strconv.FormatInt(now.Unix()+1, 10))
		writeAPIError(w, &apiError{status: http.StatusTooManyRequests, code: codeRateLimit, summary: summaryRateLimit})
		return false
	}
	s.mu.Lock()
	win, ok := s.limits[bucket]
	if !ok {
		win = &window{limit: defaultLimits[bucket], span: defaultWindow}
		s.limits[bucket] = win
	}
	if win.limit <= 0 {
		s.mu.Unlock()
		return true
	}
	if start := now.Truncate(win.span); !start.Equal(win.start) {
		win.start, win.used = start, 0
	}
	win.used++
	limit, used, reset := win.limit, win.used, win.start.Add(win.span)
	s.mu.Unlock()

	remaining := max(limit-used, 0)
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	// Epoch seconds, rounded up so that waiting until then is enough (a
	// window that is not whole seconds long).
	resetSec := reset.Unix()
	if reset.Nanosecond() > 0 {
		resetSec++
	}
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(resetSec, 10))
	if used > limit {
		writeAPIError(w, &apiError{status: http.StatusTooManyRequests, code: codeRateLimit, summary: summaryRateLimit})
		return false
	}
	return true
}
