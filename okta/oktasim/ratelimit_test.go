package oktasim

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestBucketOf(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/oauth2/v1/token", BucketToken},
		{"GET", "/api/v1/users", BucketUsers},
		{"POST", "/api/v1/users", BucketUsers},
		{"GET", "/api/v1/users/00u1", BucketUserGet},
		{"GET", "/api/v1/users/john@company.com", BucketUserGet},
		{"POST", "/api/v1/users/00u1", BucketUserWrite},
		{"DELETE", "/api/v1/users/00u1", BucketUserWrite},
		{"GET", "/api/v1/users/00u1/factors", BucketOther},
		{"GET", "/api/v1/users/00u1/groups", BucketOther},
		{"POST", "/api/v1/users/00u1/lifecycle/suspend", BucketOther},
		{"GET", "/api/v1/apps", BucketApps},
		{"GET", "/api/v1/apps/0oa1", BucketApp},
		{"GET", "/api/v1/apps/0oa1/users", BucketApps},
		{"GET", "/api/v1/groups", BucketGroups},
		{"GET", "/api/v1/groups/00g1", BucketGroup},
		{"GET", "/api/v1/groups/00g1/users", BucketGroups},
		{"GET", "/api/v1/logs", BucketLogs},
		{"GET", "/api/v1/policies", BucketOther},
	} {
		if got := bucketOf(tc.method, tc.path); got != tc.want {
			t.Errorf("bucketOf(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

// Windows follow the wall clock: a call half-way through a minute is told
// the window resets at the next whole minute, and the count starts afresh
// then, not a minute after the first call.
func TestRateLimitWindowsAreAligned(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, allTestScopes)
	start := time.Now().Truncate(time.Minute).Add(30 * time.Second)
	clock := &fakeClock{t: start}
	s.SetClock(clock.now)
	s.SetRateLimit(BucketUsers, 1, time.Minute)
	res := call(t, ts, tok, "GET", "/api/v1/users", nil)
	if want := strconv.FormatInt(start.Truncate(time.Minute).Add(time.Minute).Unix(), 10); res.header.Get("X-Rate-Limit-Reset") != want {
		t.Errorf("X-Rate-Limit-Reset = %s, want %s (the next whole minute)", res.header.Get("X-Rate-Limit-Reset"), want)
	}
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != http.StatusTooManyRequests {
		t.Fatalf("second call in the minute = %d, want 429", res.status)
	}
	clock.advance(30 * time.Second) // 12:01:00, only 30 s after the first call
	if res := call(t, ts, tok, "GET", "/api/v1/users", nil); res.status != http.StatusOK {
		t.Errorf("call at the next whole minute = %d, want 200 (a new window)", res.status)
	}
}

// Over the org's concurrency limit Okta answers 429 with
// X-Rate-Limit-Limit: 0; the simulator counts the peak in flight.
func TestConcurrencyLimit(t *testing.T) {
	s, ts := newSim(t, smallOrg())
	tok := bearer(t, ts, allTestScopes)
	s.SetConcurrencyLimit(1)
	s.SetLatency(time.Minute) // the first call stays in flight until cancelled
	s.ResetPeakInFlight()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/users", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close() // the body is done with; a close error changes nothing
		}
	}()
	for s.PeakInFlight() < 1 { // wait until the first call is in flight
		time.Sleep(time.Millisecond)
	}
	res := call(t, ts, tok, "GET", "/api/v1/groups", nil)
	cancel()
	<-done
	if res.status != http.StatusTooManyRequests || res.header.Get("X-Rate-Limit-Limit") != "0" || res.errorCode(t) != "E0000047" {
		t.Errorf("a call over the concurrency limit = %d, X-Rate-Limit-Limit %q, %s; want 429, 0, E0000047", res.status, res.header.Get("X-Rate-Limit-Limit"), res.body)
	}
	if got := s.PeakInFlight(); got != 2 {
		t.Errorf("PeakInFlight() = %d, want 2 (the refused call counts)", got)
	}
	if got := s.ConcurrencyRefusals(); got != 1 {
		t.Errorf("ConcurrencyRefusals() = %d, want 1", got)
	}
}
