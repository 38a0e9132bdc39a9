package okta

import (
	"net/http"
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/oauth2/v1/token", bucketToken},
		{"GET", "/api/v1/users", bucketUsers},
		{"POST", "/api/v1/users", bucketUsers},
		{"GET", "/api/v1/users/00u1", bucketUserGet},
		{"GET", "/api/v1/users/john@company.com", bucketUserGet},
		{"POST", "/api/v1/users/00u1", bucketUserWrite},
		{"PUT", "/api/v1/users/00u1", bucketUserWrite},
		{"DELETE", "/api/v1/users/00u1", bucketUserWrite},
		{"GET", "/api/v1/users/00u1/factors", bucketOther},
		{"GET", "/api/v1/users/00u1/groups", bucketOther},
		{"POST", "/api/v1/users/00u1/lifecycle/suspend", bucketOther},
		{"DELETE", "/api/v1/users/00u1/sessions", bucketOther},
		{"GET", "/api/v1/apps", bucketApps},
		{"GET", "/api/v1/apps/0oa1", bucketApp},
		{"GET", "/api/v1/apps/0oa1/users", bucketApps},
		{"GET", "/api/v1/groups", bucketGroups},
		{"GET", "/api/v1/groups/00g1", bucketGroup},
		{"GET", "/api/v1/groups/00g1/users", bucketGroups},
		{"GET", "/api/v1/logs", bucketLogs},
		{"GET", "/api/v1/policies", bucketOther},
		{"GET", "/api/v1/policies/00p1/rules", bucketOther},
	} {
		if got := bucket(tc.method, tc.path); got != tc.want {
			t.Errorf("bucket(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestConfigRateSettings(t *testing.T) {
	base := Config{OrgURL: "company.okta.com", ClientID: "0oa1", PrivateKey: rsaJWK(t, testRSA(), "kid")}
	for _, bad := range []Config{{MaxConcurrency: -1}, {RateShare: -0.5}, {RateShare: 1.5}} {
		cfg := base
		cfg.MaxConcurrency, cfg.RateShare = bad.MaxConcurrency, bad.RateShare
		if _, err := New(cfg); err == nil {
			t.Errorf("New(MaxConcurrency %d, RateShare %v) error = nil", bad.MaxConcurrency, bad.RateShare)
		}
	}
	c, err := New(base)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if c.s.maxConc != defaultMaxConcurrency || c.s.rateShare != defaultRateShare {
		t.Errorf("defaults: MaxConcurrency %d, RateShare %v; want %d, %v", c.s.maxConc, c.s.rateShare, defaultMaxConcurrency, defaultRateShare)
	}
}

// A concurrency 429 (X-Rate-Limit-Limit: 0) says nothing about the
// bucket's window: the window's state stays as the last answer left it.
func TestConcurrencyAnswerKeepsTheWindow(t *testing.T) {
	rl := newRateLimits()
	now := time.Unix(1_800_000_000, 0)
	window := http.Header{"X-Rate-Limit-Limit": {"600"}, "X-Rate-Limit-Remaining": {"598"}, "X-Rate-Limit-Reset": {"1800000060"}}
	rl.record(bucketOther, window, now)
	conc := http.Header{"X-Rate-Limit-Limit": {"0"}, "X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"1800000001"}}
	if !concurrencyLimited(conc) || concurrencyLimited(window) {
		t.Fatalf("concurrencyLimited() = %v for limit 0, %v for limit 600; want true, false", concurrencyLimited(conc), concurrencyLimited(window))
	}
	rl.record(bucketOther, conc, now)
	if got := rl.snapshot()[bucketOther]; got.Limit != 600 || got.Remaining != 598 {
		t.Errorf("after a concurrency answer the bucket's state is %+v, want the window's (600, 598)", got)
	}
}
