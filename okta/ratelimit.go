package okta

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// RateLimit is the last rate-limit state Okta reported for one endpoint
// family.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
	Updated   time.Time
}

// rateLimits records X-Rate-Limit-* per endpoint family and paces calls
// when few remain in the window.
type rateLimits struct {
	mu  sync.Mutex
	fam map[string]*RateLimit
}

func newRateLimits() *rateLimits { return &rateLimits{fam: map[string]*RateLimit{}} }

// family maps a request path to Okta's rate-limit family, as the
// simulator and Okta's documentation group them.
func family(path string) string {
	switch {
	case strings.HasPrefix(path, "/oauth2/"):
		return "token"
	case strings.HasPrefix(path, "/api/v1/users/") && strings.Contains(path, "/factors"):
		return "factors"
	case strings.HasPrefix(path, "/api/v1/users"):
		return "users"
	case strings.HasPrefix(path, "/api/v1/groups"):
		return "groups"
	case strings.HasPrefix(path, "/api/v1/apps"):
		return "apps"
	case strings.HasPrefix(path, "/api/v1/policies"):
		return "policies"
	case strings.HasPrefix(path, "/api/v1/logs"):
		return "logs"
	default:
		return "other"
	}
}

// record stores the rate-limit headers of a response.
func (rl *rateLimits) record(fam string, h http.Header, now time.Time) {
	limit, err1 := strconv.Atoi(h.Get("X-Rate-Limit-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	reset, err3 := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.fam[fam] = &RateLimit{Limit: limit, Remaining: remaining, Reset: time.Unix(reset, 0), Updated: now}
}

// pace waits, bounded by ctx, when the family has few calls left in its
// window: until the reset when none remain, otherwise spreading the
// remaining calls over what is left of the window. It counts the call
// against the window so that concurrent callers do not all rush the last
// slot.
func (rl *rateLimits) pace(ctx context.Context, fam string) error {
	now := time.Now()
	rl.mu.Lock()
	st := rl.fam[fam]
	var wait time.Duration
	if st != nil && st.Reset.After(now) {
		left := st.Reset.Sub(now)
		low := max(2, st.Limit/10)
		switch {
		case st.Remaining <= 0:
			wait = left + jitter(100*time.Millisecond)
		case st.Remaining < low:
			wait = left / time.Duration(st.Remaining+1)
		}
		st.Remaining--
	}
	rl.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
		// Waiting would outlast the caller: try now and let a 429 say so.
		return nil
	}
	return sleep(ctx, wait)
}

// snapshot copies the state of every family.
func (rl *rateLimits) snapshot() map[string]RateLimit {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	out := make(map[string]RateLimit, len(rl.fam))
	for k, v := range rl.fam {
		out[k] = *v
	}
	return out
}

// resetWait is how long to wait after a 429: until X-Rate-Limit-Reset
// (epoch seconds), measured against Okta's Date header when the clocks
// disagree, plus jitter so that waiting callers do not return at once.
func resetWait(h http.Header, now time.Time) time.Duration {
	const floor = 250 * time.Millisecond
	reset, err := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err != nil {
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s >= 0 {
			return time.Duration(s)*time.Second + jitter(floor)
		}
		return time.Second + jitter(floor)
	}
	ref := now
	if d, err := http.ParseTime(h.Get("Date")); err == nil && (d.Sub(now) > 2*time.Second || now.Sub(d) > 2*time.Second) {
		ref = d // the clocks disagree: trust Okta's
	}
	wait := time.Unix(reset, 0).Sub(ref)
	if wait < floor {
		wait = floor
	}
	if wait > 5*time.Minute {
		wait = 5 * time.Minute
	}
	return wait + jitter(floor)
}

// backoff is the jittered exponential delay before retry n (0-based) of a
// 5xx or network error: 250ms, 500ms, 1s … at most 8s, each between half
// and all of it.
func backoff(n int) time.Duration {
	d := 250 * time.Millisecond << min(n, 5)
	d = min(d, 8*time.Second)
	return d/2 + jitter(d/2)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rateLimitError is the ErrRateLimited of a 429 that was not waited out.
func rateLimitError(op string, h http.Header, status int) *intents.Error {
	e := &intents.Error{Err: intents.ErrRateLimited, Op: op, Status: status}
	if h != nil {
		e.RequestID = h.Get("X-Okta-Request-Id")
		if reset, err := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64); err == nil {
			e.Detail = fmt.Sprintf("Okta's rate limit for this endpoint resets at %s", time.Unix(reset, 0).UTC().Format("15:04:05 UTC"))
		}
	}
	return e
}
