package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// newTestSource is a Source signing in to org as okta.New would make it,
// with retries that do not wait; dpop says the service app requires DPoP.
func newTestSource(t *testing.T, org string, dpop bool) *Source {
	t.Helper()
	key, err := ParseKey(rsaJWK(t, testRSA(), "k1"), "")
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDPoP(dpop)
	if err != nil {
		t.Fatal(err)
	}
	return NewSource(Config{
		Org: org, ClientID: "0oaTEST", Key: key, Scopes: []string{"okta.users.read"},
		HTTP: &http.Client{}, Timeout: 30 * time.Second, MaxRetries: 2,
		UserAgent: "oktabot test", Log: discardLogger(),
		Retry: Retry{
			Backoff:   func(int) time.Duration { return 0 },
			ResetWait: func(http.Header, time.Time) time.Duration { return 0 },
			RateLimited: func(op string, _ http.Header, status int) error {
				return &intents.Error{Err: intents.ErrRateLimited, Op: op, Status: status}
			},
			Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		},
	}, d)
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
	ts := &Source{s: Config{Scopes: []string{"okta.users.read"}, Log: discardLogger(), Key: &Key{}}}
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
		ts := newTestSource(t, srv.URL, false)
		if _, err := ts.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		ts.now = func() time.Time { return time.Now().Add(time.Second) }
		if _, err := ts.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("token requests = %d, want 2: a 1s token was cached past its life", got)
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
		ts := newTestSource(t, srv.URL, false)
		if _, err := ts.Token(t.Context()); err != nil {
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
		ts := newTestSource(t, srv.URL, false)
		if _, err := ts.Token(t.Context()); err != nil {
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
		ts := newTestSource(t, srv.URL, false)
		old, _ := ts.Token(t.Context())
		ts.Invalidate(old)
		fresh, _ := ts.Token(t.Context())
		ts.Invalidate(old) // a late 401 for the old token
		again, _ := ts.Token(t.Context())
		if n.Load() != 2 || fresh != again || fresh.value == old.value {
			t.Errorf("token requests = %d (want 2); fresh %q again %q old %q", n.Load(), fresh.value, again.value, old.value)
		}
	})
}

// TestDPoPNonceFromEveryAnswer: a DPoP-Nonce Okta sends on a successful
// answer (token endpoint or API) is the nonce of the next proof.
func TestDPoPNonceFromEveryAnswer(t *testing.T) {
	t.Run("token endpoint", func(t *testing.T) {
		var nonces []string
		var ts *Source
		srv, _ := fakeTokenServer(t, func(n int32, w http.ResponseWriter, r *http.Request) {
			_, claims := decodeJWT(t, r.Header.Get("DPoP"), ts.dpop.key.public())
			got, _ := claims["nonce"].(string)
			nonces = append(nonces, got)
			w.Header().Set("DPoP-Nonce", fmt.Sprint("nonce-", n))
			jsonAnswer(w, 200, map[string]any{"token_type": "DPoP", "access_token": "t", "expires_in": 3600})
		})
		ts = newTestSource(t, srv.URL, true)
		for range 2 {
			tok, err := ts.Token(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			ts.Invalidate(tok)
		}
		if len(nonces) != 2 || nonces[0] != "" || nonces[1] != "nonce-1" {
			t.Errorf("proof nonces = %q, want [\"\" \"nonce-1\"]: the nonce of a 200 answer was not used", nonces)
		}
	})
	t.Run("API", func(t *testing.T) {
		d, err := NewDPoP(true)
		if err != nil {
			t.Fatal(err)
		}
		var rounds NonceRounds
		ok := &http.Response{StatusCode: 200, Header: http.Header{"Dpop-Nonce": {"n-ok"}}}
		if retry, err := d.OnAPIResponse(ok, "DPoP", &rounds); retry || err != nil {
			t.Fatalf("onAPIResponse(200) = %v, %v; want no retry, no error", retry, err)
		}
		p, err := d.proof("GET", "https://company.okta.com/api/v1/users", "tok", true, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, claims := decodeJWT(t, p, d.key.public()); claims["nonce"] != "n-ok" {
			t.Errorf("next API proof nonce = %v, want n-ok", claims["nonce"])
		}
	})
}

// TestTokenDPoPRefusalWithoutBody: a token endpoint that refuses the proof
// with an empty body and the reason in WWW-Authenticate gives ErrAuth with
// that reason and the clock hint.
func TestTokenDPoPRefusalWithoutBody(t *testing.T) {
	srv, n := fakeTokenServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `DPoP algs="ES256", error="invalid_dpop_proof", error_description="The DPoP proof JWT was issued too far in the past."`)
		w.WriteHeader(http.StatusBadRequest)
	})
	ts := newTestSource(t, srv.URL, true)
	_, err := ts.Token(t.Context())
	if !errors.Is(err, intents.ErrAuth) {
		t.Fatalf("Token() error = %v, want ErrAuth", err)
	}
	for _, want := range []string{"issued too far in the past", "check this machine's clock"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Token() error %q lacks %q", err, want)
		}
	}
	if got := n.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}
