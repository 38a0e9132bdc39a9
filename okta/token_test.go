package okta

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// fakeTokenServer answers token requests with answer(n) for the n-th
// request (from 1) and counts them.
func fakeTokenServer(t *testing.T, answer func(n int32, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/v1/token" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.NotFound(w, r)
			return
		}
		answer(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func jsonAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newTestClient(t *testing.T, org string, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{OrgURL: org, ClientID: "0oaTEST", PrivateKey: rsaJWK(t, testRSA(), "k1"), MaxRetries: 2}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return c
}

func TestTokenAccept(t *testing.T) {
	sent := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name        string
		expiresIn   string
		wantExpires time.Duration
		wantRefresh time.Duration
	}{
		{"an hour", `3600`, time.Hour, time.Hour - time.Minute},
		{"two seconds", `2`, 2 * time.Second, 1500 * time.Millisecond},
		{"one second is not forever", `1`, time.Second, 750 * time.Millisecond},
		{"zero is not forever", `0`, time.Minute, 45 * time.Second},
		{"negative", `-5`, time.Minute, 45 * time.Second},
		{"missing", ``, time.Minute, 45 * time.Second},
		{"a string", `"120"`, 2 * time.Minute, 90 * time.Second},
		{"garbage", `"soon"`, time.Minute, 45 * time.Second},
	}
	ts := &tokenSource{s: &settings{scopes: []string{"okta.users.read"}, log: discardLogger(), key: &signingKey{}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans := tokenAnswer{TokenType: "Bearer", AccessToken: "tok", Scope: "okta.users.read okta.logs.read"}
			if tt.expiresIn != "" {
				ans.ExpiresIn = json.RawMessage(tt.expiresIn)
			}
			tok, err := ts.accept(ans, sent)
			if err != nil {
				t.Fatalf("accept() error = %v", err)
			}
			if got := tok.expires.Sub(sent); got != tt.wantExpires {
				t.Errorf("expires after %v, want %v", got, tt.wantExpires)
			}
			if got := tok.refreshAt.Sub(sent); got != tt.wantRefresh {
				t.Errorf("refreshed after %v, want %v", got, tt.wantRefresh)
			}
			if strings.Join(tok.scopes, " ") != "okta.users.read okta.logs.read" {
				t.Errorf("scopes = %v", tok.scopes)
			}
		})
	}
	t.Run("no access token", func(t *testing.T) {
		_, err := ts.accept(tokenAnswer{TokenType: "Bearer", ExpiresIn: json.RawMessage(`3600`)}, sent)
		if !errors.Is(err, intents.ErrAuth) {
			t.Errorf("accept() without a token: error = %v, want ErrAuth", err)
		}
	})
	t.Run("unknown type", func(t *testing.T) {
		_, err := ts.accept(tokenAnswer{TokenType: "MAC", AccessToken: "x"}, sent)
		if !errors.Is(err, intents.ErrAuth) {
			t.Errorf("accept() of a MAC token: error = %v, want ErrAuth", err)
		}
	})
}

func TestTokenSource(t *testing.T) {
	t.Parallel()
	t.Run("expires_in 1 is refreshed, not cached", func(t *testing.T) {
		srv, n := fakeTokenServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
			jsonAnswer(w, 200, map[string]any{"token_type": "Bearer", "access_token": "t", "expires_in": 1, "scope": "okta.users.read"})
		})
		c := newTestClient(t, srv.URL, nil)
		if _, err := c.tokens.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		c.tokens.now = func() time.Time { return time.Now().Add(time.Second) }
		if _, err := c.tokens.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("token requests = %d, want 2: a 1s token was cached past its life", got)
		}
	})
	t.Run("an empty answer is ErrAuth, not a panic", func(t *testing.T) {
		srv, _ := fakeTokenServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
			jsonAnswer(w, 200, map[string]any{"token_type": "Bearer"})
		})
		c := newTestClient(t, srv.URL, nil)
		_, err := c.Query(t.Context(), intents.Intent{Kind: intents.ListUsers})
		if !errors.Is(err, intents.ErrAuth) {
			t.Errorf("Query() error = %v, want ErrAuth", err)
		}
	})
	t.Run("5xx and 429 from the token endpoint are retried", func(t *testing.T) {
		srv, n := fakeTokenServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
			switch n {
			case 1:
				jsonAnswer(w, 503, map[string]any{"error": "server_error"})
			case 2:
				w.Header().Set("X-Rate-Limit-Reset", "0")
				jsonAnswer(w, 429, map[string]any{"errorCode": "E0000047"})
			default:
				jsonAnswer(w, 200, map[string]any{"token_type": "Bearer", "access_token": "t", "expires_in": 3600})
			}
		})
		c := newTestClient(t, srv.URL, nil)
		if _, err := c.tokens.Token(t.Context()); err != nil {
			t.Fatalf("Token() error = %v", err)
		}
		if got := n.Load(); got != 3 {
			t.Errorf("token requests = %d, want 3", got)
		}
	})
	t.Run("each attempt signs a new assertion", func(t *testing.T) {
		var jtis []string
		srv, _ := fakeTokenServer(t, func(n int32, w http.ResponseWriter, r *http.Request) {
			_, claims := decodeJWT(t, r.FormValue("client_assertion"), testRSA().Public())
			jtis = append(jtis, claims["jti"].(string))
			if n == 1 {
				jsonAnswer(w, 500, map[string]any{})
				return
			}
			jsonAnswer(w, 200, map[string]any{"token_type": "Bearer", "access_token": "t", "expires_in": 3600})
		})
		c := newTestClient(t, srv.URL, nil)
		if _, err := c.tokens.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		if len(jtis) != 2 || jtis[0] == jtis[1] {
			t.Errorf("jtis = %v, want two different", jtis)
		}
	})
	t.Run("invalidate drops only the refused token", func(t *testing.T) {
		srv, n := fakeTokenServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
			jsonAnswer(w, 200, map[string]any{"token_type": "Bearer", "access_token": "t" + string('0'+rune(n)), "expires_in": 3600})
		})
		c := newTestClient(t, srv.URL, nil)
		old, _ := c.tokens.Token(t.Context())
		c.tokens.Invalidate(old)
		fresh, _ := c.tokens.Token(t.Context())
		c.tokens.Invalidate(old) // a late 401 for the old token
		again, _ := c.tokens.Token(t.Context())
		if n.Load() != 2 || fresh != again || fresh.value == old.value {
			t.Errorf("token requests = %d (want 2); fresh %q again %q old %q", n.Load(), fresh.value, again.value, old.value)
		}
	})
}
