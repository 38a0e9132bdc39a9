package okta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// fakeOkta is a minimal Okta: a token endpoint and one API handler.
func fakeOkta(t *testing.T, api http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/v1/token" {
			jsonAnswer(w, 200, map[string]any{"token_type": "Bearer", "access_token": "tok", "expires_in": 3600, "scope": strings.Join(allScopes(), " ")})
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer tok" {
			t.Errorf("%s %s: Authorization %q, want the real token (never the SDK's placeholder)", r.Method, r.URL.Path, got)
		}
		api(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTransport429(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		reset time.Time
		n429  int
		n200  int
	)
	srv := fakeOkta(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if reset.IsZero() {
			// The first call exhausts the window: it resets at the next
			// whole second, as Okta's epoch-second header says.
			reset = time.Now().Truncate(time.Second).Add(time.Second)
		}
		w.Header().Set("X-Rate-Limit-Limit", "1")
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
		if time.Now().Before(reset) {
			n429++
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			jsonAnswer(w, 429, map[string]any{"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."})
			return
		}
		n200++
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		jsonAnswer(w, 200, []any{})
	})
	c := newTestClient(t, srv.URL, nil)
	resp, _, err := c.rawCall(t.Context(), "probe", intents.ScopeUsersRead, http.MethodGet, srv.URL+"/api/v1/groups", nil)
	if err != nil {
		t.Fatalf("rawCall() error = %v", err)
	}
	if resp.StatusCode != 200 || n429 != 1 || n200 != 1 {
		t.Errorf("status %d after %d 429s and %d 200s; want one 429 waited out until the reset, then 200", resp.StatusCode, n429, n200)
	}
	if rl := c.RateLimits()[bucketGroups]; rl.Limit != 1 || rl.Remaining != 0 {
		t.Errorf("RateLimits()[groups] = %+v", rl)
	}
}

func TestTransportRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		fail      int // 5xx answers before success
		retries   int
		wantCalls int32
		wantErr   error
	}{
		{"GET retried", http.MethodGet, 2, 4, 3, nil},
		{"GET gives up", http.MethodGet, 9, 2, 3, intents.ErrUnavailable},
		{"PUT retried", http.MethodPut, 1, 4, 2, nil},
		{"DELETE retried", http.MethodDelete, 1, 4, 2, nil},
		{"POST never retried", http.MethodPost, 1, 4, 1, intents.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := fakeOkta(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if r.Method != http.MethodGet && string(body) != `{"x":1}` {
					t.Errorf("attempt %d carried body %q", calls.Load()+1, body)
				}
				if int(calls.Add(1)) <= tt.fail {
					jsonAnswer(w, 503, map[string]any{"errorCode": "E0000009", "errorSummary": "Service unavailable"})
					return
				}
				jsonAnswer(w, 200, map[string]any{})
			})
			c := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = tt.retries })
			var body io.Reader
			if tt.method != http.MethodGet {
				body = strings.NewReader(`{"x":1}`)
			}
			_, _, err := c.rawCall(t.Context(), "probe", "", tt.method, srv.URL+"/api/v1/groups/00g1", body)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Errorf("rawCall(%s) error = %v, want %v", tt.method, err, tt.wantErr)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("rawCall(%s) made %d calls, want %d", tt.method, got, tt.wantCalls)
			}
		})
	}
}

func TestTransport401(t *testing.T) {
	var calls atomic.Int32
	srv := fakeOkta(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		jsonAnswer(w, 401, map[string]any{"errorCode": "E0000011", "errorSummary": "Invalid token provided"})
	})
	c := newTestClient(t, srv.URL, nil)
	_, _, err := c.rawCall(t.Context(), "probe", "", http.MethodPost, srv.URL+"/api/v1/users/00u1/lifecycle/suspend", nil)
	if !errors.Is(err, intents.ErrAuth) {
		t.Fatalf("rawCall() error = %v, want ErrAuth", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("calls = %d, want 2 (one retry with a fresh token, no more)", got)
	}
}

func TestTransportTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := fakeOkta(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	t.Run("the per-call timeout", func(t *testing.T) {
		c := newTestClient(t, srv.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond; c.MaxRetries = -1 })
		_, _, err := c.rawCall(t.Context(), "probe", "", http.MethodGet, srv.URL+"/api/v1/users", nil)
		if !errors.Is(err, intents.ErrUnavailable) || !strings.Contains(err.Error(), "did not answer within") {
			t.Errorf("rawCall() error = %v, want ErrUnavailable saying Okta did not answer in time", err)
		}
	})
	t.Run("the caller's context", func(t *testing.T) {
		c := newTestClient(t, srv.URL, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Query(ctx, intents.Intent{Kind: intents.ListUsers})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Query() error = %v, want the context's deadline", err)
		}
	})
}

func TestStatusError(t *testing.T) {
	body := []byte(`{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorCauses":[{"errorSummary":"login: An object with this field already exists"}]}`)
	h := http.Header{}
	h.Set("X-Okta-Request-Id", "req-1")
	scopeHdr := http.Header{}
	scopeHdr.Set("WWW-Authenticate", `Bearer authorization_uri="https://o/oauth2/v1/authorize", realm="IdP", scope="okta.users.manage", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`)
	noScope := http.Header{}
	noScope.Set("WWW-Authenticate", `Bearer error="insufficient_scope", error_description="x, y"`)
	reset := http.Header{}
	reset.Set("X-Rate-Limit-Reset", "1800000000")
	tests := []struct {
		status int
		header http.Header
		body   []byte
		want   error
		scope  string
		detail string
	}{
		{400, h, body, intents.ErrInvalid, "", "Api validation failed: login (login: An object with this field already exists)"},
		{401, h, nil, intents.ErrAuth, "", "Check: 1) the client id"},
		{403, scopeHdr, nil, intents.ErrForbidden, "okta.users.manage", "lacks the scope"},
		{403, noScope, nil, intents.ErrForbidden, "okta.apps.read", "lacks the scope"},
		{403, h, []byte(`{"errorSummary":"You do not have permission to perform the requested action"}`), intents.ErrNoAdminRole, "", "no admin role, or a role without app access"},
		{404, h, []byte(`{"errorSummary":"Not found: Resource not found: x (User)"}`), intents.ErrNotFound, "", "Not found"},
		{409, h, nil, intents.ErrConflict, "", ""},
		{429, reset, nil, intents.ErrRateLimited, "", "resets at"},
		{502, h, []byte("<html>bad gateway</html>"), intents.ErrUnavailable, "", "502"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			e := statusError("okta: op", "okta.apps.read", tt.status, tt.header, tt.body)
			if !errors.Is(e, tt.want) || e.Scope != tt.scope || !strings.Contains(e.Detail, tt.detail) || e.Status != tt.status {
				t.Errorf("statusError(%d) = %+v, want %v scope %q detail with %q", tt.status, e, tt.want, tt.scope, tt.detail)
			}
			if tt.header.Get("X-Okta-Request-Id") != "" && e.RequestID != "req-1" {
				t.Errorf("statusError(%d) request id = %q", tt.status, e.RequestID)
			}
		})
	}
}
