package main

import (
	"testing"

	"github.com/oktabot/oktabot/okta/oktasim"
)

func TestLoadOktaRateLimitSettings(t *testing.T) {
	key, _, err := oktasim.NewServiceAppKey("kid")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"OKTA_ORG_URL": "company.okta.com", "OKTA_CLIENT_ID": "0oa1", "OKTA_PRIVATE_KEY": string(key),
		"OKTA_MAX_CONCURRENCY": "20", "OKTA_RATE_SHARE": "0.25"}
	cfg, err := loadOkta(env(func(k string) string { return vars[k] }))
	if err != nil {
		t.Fatalf("loadOkta() error = %v", err)
	}
	if cfg.MaxConcurrency != 20 || cfg.RateShare != 0.25 {
		t.Errorf("loadOkta() = MaxConcurrency %d, RateShare %v; want 20 and 0.25", cfg.MaxConcurrency, cfg.RateShare)
	}
}
