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

// RateLimit is the last rate-limit state Okta reported for one bucket.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
	Updated   time.Time
}

// rateLimits records X-Rate-Limit-* per Okta bucket and paces calls when
// few remain in the bucket's window.
type rateLimits struct {
	mu  sync.Mutex
	fam map[string]*RateLimit // by bucket
}

func newRateLimits() *rateLimits { return &rateLimits{fam: map[string]*RateLimit{}} }

// Okta's rate-limit buckets, as its management rate-limit table names
// them: each has its own per-minute window and X-Rate-Limit-* headers.
const (
	bucketToken     = "/oauth2/v1/token"       // the org authorization server's token endpoint
	bucketUsers     = "/api/v1/users"          // GET (list) or POST (create) /api/v1/users
	bucketUserGet   = "GET /api/v1/users/{id}" // one user by id or login
	bucketUserWrite = "/api/v1/users/{id}"     // POST, PUT or DELETE one user
	bucketApps      = "/api/v1/apps"           // list, create and /api/v1/apps/{id}/*
	bucketApp       = "/api/v1/apps/{id}"      // one app by id
	bucketGroups    = "/api/v1/groups"         // list, create and /api/v1/groups/{id}/*
	bucketGroup     = "/api/v1/groups/{id}"    // one group by id
	bucketLogs      = "/api/v1/logs"           // the System Log
	bucketOther     = "/api/v1"                // everything else: factors, policies, users/{id}/*
)

// bucket maps a request to the Okta rate-limit bucket that counts it.
// Only the exact /api/v1/{users,apps,groups}/{id} paths have buckets of
// their own; their sub-resources are counted with the collection (apps,
// groups) or with the other /api/v1 calls (users).
func bucket(method, path string) string {
	if strings.HasPrefix(path, "/oauth2/") {
		return bucketToken
	}
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return bucketOther
	}
	coll, id, _ := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	one := id != "" && !strings.Contains(id, "/")
	switch coll {
	case "users":
		switch {
		case id == "" && (method == http.MethodGet || method == http.MethodPost):
			return bucketUsers
		case one && method == http.MethodGet:
			return bucketUserGet
		case one:
			return bucketUserWrite
		}
	case "apps":
		if one {
			return bucketApp
		}
		return bucketApps
	case "groups":
		if one {
			return bucketGroup
		}
		return bucketGroups
	case "logs":
		if id == "" {
			return bucketLogs
		}
	}
	return bucketOther
}

// record stores the rate-limit headers of a response.
func (rl *rateLimits) record(fam string, h http.Header, now time.Time) {
	limit, err1 := strconv.Atoi(h.Get("X-Rate-Limit-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	reset, err3 := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || limit <= 0 {
		return // none, or a concurrency answer (limit 0): not the bucket's window
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.fam[fam] = &RateLimit{Limit: limit, Remaining: remaining, Reset: time.Unix(reset, 0), Updated: now}
}

// pace waits, bounded by ctx, when the bucket has few calls left in its
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

// snapshot copies the state of every bucket.
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

// concurrencyLimited reports whether a 429 is Okta's answer to too many
// requests in flight (X-Rate-Limit-Limit: 0) rather than to a full window.
func concurrencyLimited(h http.Header) bool {
	return strings.TrimSpace(h.Get("X-Rate-Limit-Limit")) == "0"
}

// concurrencyWait is the short jittered delay before retry n (0-based)
// after a concurrency 429: the requests in flight end within moments, so
// waiting for X-Rate-Limit-Reset (an estimate, for this limit) is not
// needed. 50ms, 100ms … at most 1.6s, each between half and all of it.
func concurrencyWait(n int) time.Duration {
	d := 50 * time.Millisecond << min(n, 5)
	return d/2 + jitter(d/2)
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
