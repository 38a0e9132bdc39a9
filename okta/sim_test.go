package okta

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// This file is the integration harness: the real okta-sdk-golang, through
// this package's Client, against oktasim over HTTP on httptest.

const testClientID = "0oaOKTABOT"

// harness is one simulator and one client signed in to it.
type harness struct {
	t      *testing.T
	sim    *oktasim.Server
	srv    *httptest.Server
	client *Client
	seen   *requestLog
	logs   *logBuffer

	mu    sync.Mutex
	fails []injected
}

// injected is a failure the harness answers instead of the simulator.
type injected struct {
	method, prefix string
	status         int
	skip           int // matching requests to let through first
}

// failOnce makes the next request with the method and path prefix answer
// status in Okta's error shape, without reaching the simulator.
func (h *harness) failOnce(method, prefix string, status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fails = append(h.fails, injected{method: method, prefix: prefix, status: status})
}

// failAfter is failOnce for the request after skip matching ones.
func (h *harness) failAfter(method, prefix string, skip, status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fails = append(h.fails, injected{method: method, prefix: prefix, status: status, skip: skip})
}

func (h *harness) takeFail(r *http.Request) (int, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, f := range h.fails {
		if f.method == r.Method && strings.HasPrefix(r.URL.Path, f.prefix) {
			if f.skip > 0 {
				h.fails[i].skip--
				continue
			}
			h.fails = append(h.fails[:i], h.fails[i+1:]...)
			return f.status, true
		}
	}
	return 0, false
}

// setup configures a harness.
type setup struct {
	fixture *oktasim.Fixture
	app     oktasim.ServiceApp // ClientID and PublicKey filled in when empty
	cfg     Config             // OrgURL, ClientID, PrivateKey filled in when empty
}

// requestLog records the raw request URIs the simulator was sent and the
// status it answered.
type requestLog struct {
	mu   sync.Mutex
	uris []string
}

func (l *requestLog) add(r *http.Request, status int, requestID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uris = append(l.uris, fmt.Sprintf("%s %s %d %s", r.Method, r.URL.RequestURI(), status, requestID))
}

func (l *requestLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.uris...)
}

// statusWriter captures the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logBuffer collects the client's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newHarness starts a simulator with the setup's fixture and service app
// and a client for it. The app's key is the shared test RSA key as a JWK
// unless the setup gives one.
func newHarness(t *testing.T, s setup) *harness {
	t.Helper()
	sim, err := oktasim.New(s.fixture)
	if err != nil {
		t.Fatalf("oktasim.New() error = %v", err)
	}
	h := &harness{t: t, sim: sim, seen: &requestLog{}, logs: &logBuffer{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status, ok := h.takeFail(r); ok {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Okta-Request-Id", "injected")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorLink":"E0000009","errorId":"oaeinjected","errorCauses":[]}`)
			h.seen.add(r, status, "injected")
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		sim.ServeHTTP(sw, r)
		h.seen.add(r, sw.status, w.Header().Get("X-Okta-Request-Id"))
	}))
	t.Cleanup(h.srv.Close)
	t.Cleanup(func() {
		if u := sim.Unhandled(); len(u) > 0 {
			t.Errorf("the simulator saw requests no route answers: %q", u)
		}
	})
	app := s.app
	if app.ClientID == "" {
		app.ClientID = testClientID
	}
	if app.PublicKey == nil {
		app.PublicKey = testRSA().Public()
		if app.KeyID == "" {
			app.KeyID = "kid-test"
		}
	}
	sim.AddServiceApp(app)
	cfg := s.cfg
	if cfg.OrgURL == "" {
		cfg.OrgURL = h.srv.URL
	}
	if cfg.ClientID == "" {
		cfg.ClientID = app.ClientID
	}
	if cfg.PrivateKey == nil {
		cfg.PrivateKey = rsaJWK(t, testRSA(), app.KeyID)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	h.client, err = New(cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return h
}

// grants returns the simulator's successful and failed token requests.
func (h *harness) grants() (int, int) { return h.sim.TokenGrants() }

// answered counts the requests to paths starting with prefix that the
// simulator answered with status.
func (h *harness) answered(prefix string, status int) int {
	n := 0
	for _, u := range h.seen.all() {
		f := strings.Fields(u)
		if len(f) >= 3 && strings.HasPrefix(f[1], prefix) && f[2] == fmt.Sprint(status) {
			n++
		}
	}
	return n
}

// writes lists the request ids of the successful requests with the
// method to exactly path (query aside).
func (h *harness) writes(method, path string) []string {
	var out []string
	for _, u := range h.seen.all() {
		f := strings.Fields(u)
		if len(f) < 4 || f[0] != method || f[2][0] != '2' {
			continue
		}
		if p, _, _ := strings.Cut(f[1], "?"); p == path {
			out = append(out, f[3])
		}
	}
	return out
}

// sawQuery reports whether a request to path carried the raw query part.
func (h *harness) sawQuery(path, rawQueryPart string) bool {
	for _, u := range h.seen.all() {
		if strings.Contains(u, " "+path+"?") && strings.Contains(u, rawQueryPart) {
			return true
		}
	}
	return false
}

// allScopes is every scope oktabot may ask for.
func allScopes() []string {
	return []string{
		intents.ScopeUsersRead, intents.ScopeUsersManage, intents.ScopeGroupsRead, intents.ScopeGroupsManage,
		intents.ScopeAppsRead, intents.ScopeAppsManage, intents.ScopeLogsRead,
		intents.ScopePoliciesRead, intents.ScopePoliciesManage, intents.ScopeRolesRead,
	}
}
