package okta

import (
	"errors"
	"net/http"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

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

func TestTokenSource(t *testing.T) {
	t.Parallel()
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
}
