package oktasim

import (
	"net/http"
	"strconv"
	"time"
)

// Rate-limit families: each has its own window and X-Rate-Limit-* headers,
// like Okta's per-endpoint limits.
const (
	FamilyToken    = "token"    // /oauth2/v1/token
	FamilyUsers    = "users"    // /api/v1/users except factors
	FamilyFactors  = "factors"  // /api/v1/users/{id}/factors
	FamilyGroups   = "groups"   // /api/v1/groups
	FamilyApps     = "apps"     // /api/v1/apps
	FamilyPolicies = "policies" // /api/v1/policies
	FamilyLogs     = "logs"     // /api/v1/logs
)

const (
	defaultLimit  = 600
	defaultWindow = time.Minute
)

// window is a fixed rate-limit window of one family.
type window struct {
	limit int           // 0: unlimited
	span  time.Duration // length of a window
	start time.Time     // start of the current window
	used  int
}

// SetRateLimit sets a family's limit per window (families: FamilyToken,
// FamilyUsers, …). A limit of 0 means unlimited (no X-Rate-Limit headers);
// the default is 600 per minute. The current window restarts.
func (s *Server) SetRateLimit(family string, limit int, per time.Duration) {
	if per <= 0 {
		per = defaultWindow
	}
	s.mu.Lock()
	s.limits[family] = &window{limit: limit, span: per}
	s.mu.Unlock()
}

// rateLimit counts a call against family and sets the X-Rate-Limit headers.
// When the limit is exceeded it writes 429 E0000047 and returns false.
func (s *Server) rateLimit(w http.ResponseWriter, family string) bool {
	now := s.now()
	s.mu.Lock()
	win, ok := s.limits[family]
	if !ok {
		win = &window{limit: defaultLimit, span: defaultWindow}
		s.limits[family] = win
	}
	if win.limit <= 0 {
		s.mu.Unlock()
		return true
	}
	if win.start.IsZero() || !now.Before(win.start.Add(win.span)) {
		win.start, win.used = now, 0
	}
	win.used++
	limit, used, reset := win.limit, win.used, win.start.Add(win.span)
	s.mu.Unlock()

	remaining := max(limit-used, 0)
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	// Epoch seconds, rounded up so that waiting until then is enough.
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
