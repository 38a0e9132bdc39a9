package okta

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

func TestParseOrgURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "company.okta.com", want: "https://company.okta.com"},
		{in: "  https://Company.Okta.com/  ", want: "https://company.okta.com"},
		{in: "https://company.okta.com:8443", want: "https://company.okta.com:8443"},
		{in: "http://127.0.0.1:39817", want: "http://127.0.0.1:39817"},
		{in: "http://localhost:8080/", want: "http://localhost:8080"},
		{in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{in: "", wantErr: "empty"},
		{in: "http://company.okta.com", wantErr: "uses http"},
		{in: "https://company.okta.com/oauth2/default", wantErr: "path"},
		{in: "https://company.okta.com?x=1", wantErr: "path or query"},
		{in: "https://company-admin.okta.com", wantErr: "https://company.okta.com"},
		{in: "ftp://company.okta.com", wantErr: "scheme"},
		{in: "https://user:pw@company.okta.com", wantErr: "user name"},
		{in: "https://", wantErr: "no host"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseOrgURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseOrgURL(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Fatalf("ParseOrgURL(%q) = %v, %v; want %s", tt.in, u, err, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	key := rsaJWK(t, testRSA(), "k1")
	good := Config{OrgURL: "company.okta.com", ClientID: "0oa1", PrivateKey: key}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
		check   func(t *testing.T, s *settings)
	}{
		{name: "defaults", edit: func(*Config) {}, check: func(t *testing.T, s *settings) {
			if diff := cmp.Diff(intents.DefaultScopes, s.scopes); diff != "" {
				t.Errorf("scopes (-want +got):\n%s", diff)
			}
			if s.timeout != 30*time.Second || s.maxRetries != 4 || s.base == nil || s.log == nil {
				t.Errorf("defaults: timeout %v retries %d base %v log %v", s.timeout, s.maxRetries, s.base, s.log)
			}
		}},
		{name: "no retries", edit: func(c *Config) { c.MaxRetries = -1 }, check: func(t *testing.T, s *settings) {
			if s.maxRetries != 0 {
				t.Errorf("maxRetries = %d, want 0", s.maxRetries)
			}
		}},
		{name: "scopes de-duplicated", edit: func(c *Config) { c.Scopes = []string{"okta.users.read", " okta.users.read", "okta.logs.read"} }, check: func(t *testing.T, s *settings) {
			if diff := cmp.Diff([]string{"okta.users.read", "okta.logs.read"}, s.scopes); diff != "" {
				t.Errorf("scopes (-want +got):\n%s", diff)
			}
		}},
		{name: "no client id", edit: func(c *Config) { c.ClientID = " " }, wantErr: "client id is empty"},
		{name: "client id with spaces", edit: func(c *Config) { c.ClientID = "0oa 1" }, wantErr: "spaces"},
		{name: "no key", edit: func(c *Config) { c.PrivateKey = nil }, wantErr: "private key is empty"},
		{name: "bad scope", edit: func(c *Config) { c.Scopes = []string{"openid"} }, wantErr: "not an Okta management scope"},
		{name: "empty scopes", edit: func(c *Config) { c.Scopes = []string{""} }, wantErr: "no scopes"},
		{name: "negative timeout", edit: func(c *Config) { c.Timeout = -time.Second }, wantErr: "negative"},
		{name: "bad org", edit: func(c *Config) { c.OrgURL = "http://company.okta.com" }, wantErr: "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			s, err := cfg.validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("validate() error = %v, want one containing %q", err, tt.wantErr)
				}
				if _, err := New(cfg); err == nil {
					t.Fatal("New() accepted what validate() refused")
				}
				return
			}
			if err != nil {
				t.Fatalf("validate() error = %v", err)
			}
			tt.check(t, s)
		})
	}
}
