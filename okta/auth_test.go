package okta

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// simKey is a service app key made by the simulator, as Okta's Admin
// Console makes one: a private JWK with its kid.
var simKey = sync.OnceValues(func() ([]byte, any) {
	jwk, pub, err := oktasim.NewServiceAppKey("kid-console")
	if err != nil {
		panic(err)
	}
	return jwk, pub
})

// query runs one cheap query and fails the test on error.
func (h *harness) query(ctx context.Context, kind intents.Kind) intents.Result {
	h.t.Helper()
	res, err := h.client.Query(ctx, intents.Intent{Kind: kind})
	if err != nil {
		h.t.Fatalf("Query(%s) error = %v\nsimulator calls: %q", kind, err, h.sim.CallLog())
	}
	return res
}

func TestSignIn(t *testing.T) {
	jwk, jwkPub := simKey()
	ec := ecKeyP256(t)
	der, err := x509.MarshalPKCS8PrivateKey(testRSA())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		app  oktasim.ServiceApp
		cfg  Config
	}{
		{"jwk from the admin console", oktasim.ServiceApp{PublicKey: jwkPub, KeyID: "kid-console"}, Config{PrivateKey: jwk}},
		{"pem pkcs8 with a key id", oktasim.ServiceApp{PublicKey: testRSA().Public(), KeyID: "kid-pem"}, Config{PrivateKey: pemOf(t, "PRIVATE KEY", der), KeyID: "kid-pem"}},
		{"pem pkcs1 without a key id", oktasim.ServiceApp{PublicKey: testRSA().Public(), KeyID: ""}, Config{PrivateKey: pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(testRSA()))}},
		{"ec p-256 jwk", oktasim.ServiceApp{PublicKey: ec.Public(), KeyID: "kid-ec"}, Config{PrivateKey: ecJWK(t, ec, "kid-ec")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, setup{fixture: testOrg(), app: tt.app, cfg: tt.cfg})
			st, err := h.client.Status(t.Context())
			if err != nil {
				t.Fatalf("Status() error = %v", err)
			}
			if st.TokenType != "Bearer" || !st.AdminRole || len(st.Missing) != 0 {
				t.Errorf("Status() = %+v, want a Bearer token, the admin role and no missing scope", st)
			}
			if ok, failed := h.grants(); ok != 1 || failed != 0 {
				t.Errorf("token grants = %d ok, %d failed; want 1, 0", ok, failed)
			}
		})
	}
}

func TestSignInRefused(t *testing.T) {
	_, otherPub := simKey() // a key pair the client does not hold
	tests := []struct {
		name string
		app  oktasim.ServiceApp
		cfg  Config
		edit func(c *Client)
	}{
		{name: "wrong key", app: oktasim.ServiceApp{PublicKey: otherPub, KeyID: "kid-test"}},
		{name: "wrong client id", cfg: Config{ClientID: "0oaSOMEONEELSE"}},
		{name: "expired assertion", edit: func(c *Client) {
			c.tokens.SetClock(func() time.Time { return time.Now().Add(-2 * time.Hour) })
		}},
		{name: "inactive app", app: oktasim.ServiceApp{Inactive: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, setup{fixture: testOrg(), app: tt.app, cfg: tt.cfg})
			if tt.edit != nil {
				tt.edit(h.client)
			}
			_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers})
			if !errors.Is(err, intents.ErrAuth) {
				t.Fatalf("Query() error = %v, want ErrAuth", err)
			}
			e, ok := intents.AsError(err)
			if !ok {
				t.Fatalf("Query() error %T is not an *intents.Error", err)
			}
			for _, check := range []string{"client id", "pairs with a public key registered", "app is active"} {
				if !strings.Contains(e.Detail, check) {
					t.Errorf("error detail %q lacks the check %q", e.Detail, check)
				}
			}
			if strings.Contains(err.Error(), "eyJ") {
				t.Errorf("error %q quotes a JWT", err)
			}
			if ok, failed := h.grants(); ok != 0 || failed == 0 {
				t.Errorf("token grants = %d ok, %d failed; want 0 ok and a failure", ok, failed)
			}
			if n := h.sim.Calls("", "/api/"); n != 0 {
				t.Errorf("%d API calls without a token, want 0", n)
			}
		})
	}
}

func TestTokenRefresh(t *testing.T) {
	t.Parallel()
	t.Run("short-lived tokens are replaced before they expire", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		h.sim.SetTokenTTL(2 * time.Second)
		start := time.Now()
		n := 0
		for time.Since(start) < 5*time.Second {
			h.query(t.Context(), intents.ListGroups)
			n++
			time.Sleep(250 * time.Millisecond)
		}
		ok, failed := h.grants()
		if ok < 3 || failed != 0 {
			t.Errorf("token grants over 5s of 2s tokens = %d ok, %d failed; want ≥ 3 ok, 0 failed", ok, failed)
		}
		if got := h.answered("/api/", 401); got != 0 {
			t.Errorf("%d API calls were refused with 401: tokens were used past their expiry", got)
		}
		t.Logf("%d queries, %d token grants", n, ok)
	})
	t.Run("a revoked token is replaced once and the call retried", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		h.query(t.Context(), intents.ListGroups)
		h.sim.RevokeTokens()
		before := h.sim.Calls("GET", "/api/v1/groups")
		res := h.query(t.Context(), intents.ListGroups)
		if len(res.Groups) == 0 {
			t.Fatal("Query(list_groups) after revocation returned no groups")
		}
		if got := h.sim.Calls("GET", "/api/v1/groups") - before; got != 2 {
			t.Errorf("list groups after revocation took %d calls, want 2 (refused, retried)", got)
		}
		if ok, failed := h.grants(); ok != 2 || failed != 0 {
			t.Errorf("token grants = %d ok, %d failed; want 2, 0", ok, failed)
		}
		if got := h.answered("/api/", 401); got != 1 {
			t.Errorf("%d API calls refused with 401, want exactly 1", got)
		}
	})
	t.Run("concurrent callers share one token request", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg()})
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListGroups}); err != nil {
					t.Errorf("Query() error = %v", err)
				}
			})
		}
		wg.Wait()
		if ok, _ := h.grants(); ok != 1 {
			t.Errorf("8 concurrent queries made %d token requests, want 1", ok)
		}
	})
}

func TestDPoP(t *testing.T) {
	t.Run("configured: no failed grant", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg(), app: oktasim.ServiceApp{RequireDPoP: true}, cfg: Config{DPoP: true}})
		h.query(t.Context(), intents.ListUsers)
		h.query(t.Context(), intents.ListGroups)
		st, err := h.client.Status(t.Context())
		if err != nil {
			t.Fatalf("Status() error = %v", err)
		}
		if st.TokenType != "DPoP" {
			t.Errorf("token type = %q, want DPoP", st.TokenType)
		}
		if ok, failed := h.grants(); ok != 1 || failed != 0 {
			t.Errorf("token grants = %d ok, %d failed; want 1, 0", ok, failed)
		}
	})
	t.Run("not configured: switches and says so", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg(), app: oktasim.ServiceApp{RequireDPoP: true}})
		h.query(t.Context(), intents.ListUsers)
		if ok, failed := h.grants(); ok != 1 || failed != 1 {
			t.Errorf("token grants = %d ok, %d failed; want 1 ok after 1 failure", ok, failed)
		}
		if !strings.Contains(h.logs.String(), "OKTA_DPOP=true") {
			t.Errorf("the log does not tell to set OKTA_DPOP=true:\n%s", h.logs)
		}
	})
	t.Run("a revoked DPoP token is replaced", func(t *testing.T) {
		h := newHarness(t, setup{fixture: testOrg(), app: oktasim.ServiceApp{RequireDPoP: true}, cfg: Config{DPoP: true}})
		h.query(t.Context(), intents.ListGroups)
		h.sim.RevokeTokens()
		h.query(t.Context(), intents.ListGroups)
		if ok, failed := h.grants(); ok != 2 || failed != 0 {
			t.Errorf("token grants = %d ok, %d failed; want 2, 0", ok, failed)
		}
	})
}

// TestSDKConfigIgnored shows that the SDK's own configuration sources
// (OKTA_* variables, ~/.okta/okta.yaml) do not reach the client, and that
// the org URL keeps its port.
func TestSDKConfigIgnored(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".okta"), 0o700); err != nil {
		t.Fatal(err)
	}
	yaml := "okta:\n  client:\n    orgUrl: https://garbage.invalid\n    token: yaml-garbage\n    authorizationMode: SSWS\n    cache:\n      enabled: true\n"
	if err := os.WriteFile(filepath.Join(home, ".okta", "okta.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	for k, v := range map[string]string{
		"OKTA_CLIENT_ORGURL":                 "https://env-garbage.invalid",
		"OKTA_CLIENT_TOKEN":                  "env-garbage",
		"OKTA_CLIENT_AUTHORIZATIONMODE":      "SSWS",
		"OKTA_CLIENT_CLIENTID":               "0oaGARBAGE",
		"OKTA_CLIENT_PRIVATEKEY":             "not a key",
		"OKTA_CLIENT_CACHE_ENABLED":          "true",
		"OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES": "9",
		"OKTA_CLIENT_REQUEST_TIMEOUT":        "1",
		"OKTA_CLIENT_PROXY_HOST":             "proxy.invalid",
	} {
		t.Setenv(k, v)
	}
	// The trap is real: the SDK's own constructor picks these up.
	if cfg, err := oktasdk.NewConfiguration(); err != nil || cfg.Okta.Client.OrgUrl != "https://env-garbage.invalid" {
		t.Fatalf("oktasdk.NewConfiguration() = %v, %v: the environment did not reach the SDK, so this test proves nothing", cfg, err)
	}
	h := newHarness(t, setup{fixture: testOrg()})
	cfg := h.client.api.GetConfig()
	if want := strings.TrimPrefix(h.srv.URL, "http://"); cfg.Host != want {
		t.Errorf("SDK host = %q, want %q (with the port)", cfg.Host, want)
	}
	if cfg.Okta.Client.Cache.Enabled || cfg.Okta.Client.RateLimit.MaxRetries != 0 || cfg.Okta.Client.Proxy.Host != "" {
		t.Errorf("SDK config took outside settings: cache %v, retries %d, proxy %q", cfg.Okta.Client.Cache.Enabled, cfg.Okta.Client.RateLimit.MaxRetries, cfg.Okta.Client.Proxy.Host)
	}
	res := h.query(t.Context(), intents.ListUsers)
	if len(res.Users) == 0 {
		t.Fatal("Query(list_users) returned no users")
	}
	// The SDK's GET cache is off: a change is seen at once.
	if _, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.UserDetails, User: "00u1"}); err != nil {
		t.Fatal(err)
	}
	p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.SuspendUser, User: "00u1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Execute(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	u, err := h.client.ResolveUser(t.Context(), "00u1")
	if err != nil || u.Status != "SUSPENDED" {
		t.Errorf("ResolveUser(00u1) after suspend = %q, %v; want SUSPENDED (a cached answer?)", u.Status, err)
	}
}
