package slackfake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Errors returned by the Server's driving and observing methods.
var (
	ErrClosed          = errors.New("slackfake: server closed")
	ErrUnknownEnvelope = errors.New("slackfake: unknown envelope")
	ErrAckDropped      = errors.New("slackfake: ack dropped: 20 KB or larger")
	ErrNoConnection    = errors.New("slackfake: no socket connection")
)

// Server is a fake Slack: Web API, response URLs, file uploads and Socket
// Mode on one httptest server. Create it with New; it is safe for concurrent
// use.
type Server struct {
	opts    Options
	methods map[string]apiMethod
	hs      *httptest.Server
	base    string // http://127.0.0.1:port

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // socket goroutines and timers

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	closed  bool
	seq     int // ids
	tsSeq   int // message timestamps

	calls    map[string]int
	unknown  []string
	failures map[string][]string

	tickets     map[string]bool
	conns       map[*socketConn]bool
	ready       []*socketConn // open sockets that take envelopes, oldest first
	rr          int           // round-robin position in ready
	connections int

	envelopes map[string]*envelope
	envOrder  []string
	acks      []Ack

	messages   []Message
	store      map[string]*stored // channel + "/" + ts
	rejections []Rejection
	responses  map[string]*responseURL // path → response context

	triggers map[string]*trigger
	views    map[string]*storedView
	viewLog  []View
	homes    map[string]*storedView // user id → their Home tab (home.go)
	files    map[string]*pendingFile
	uploads  []Upload

	groups userGroups // user groups as they change (usergroups.go)
}

// New starts a fake Slack on a loopback httptest server. Call Close when
// done.
func New(opts Options) *Server {
	s := &Server{
		opts:      opts.withDefaults(),
		methods:   apiMethods(),
		changed:   make(chan struct{}),
		calls:     map[string]int{},
		failures:  map[string][]string{},
		tickets:   map[string]bool{},
		conns:     map[*socketConn]bool{},
		envelopes: map[string]*envelope{},
		store:     map[string]*stored{},
		responses: map[string]*responseURL{},
		triggers:  map[string]*trigger{},
		views:     map[string]*storedView{},
		homes:     map[string]*storedView{},
		files:     map[string]*pendingFile{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/link/", s.handleLink)
	mux.HandleFunc("/hooks/", s.handleResponseURL)
	mux.HandleFunc("/upload/", s.handleUpload)
	mux.HandleFunc("/", s.handleStray)
	s.hs = httptest.NewServer(mux)
	s.base = s.hs.URL
	return s
}

// Close closes every socket and stops the server. Later driving calls
// return ErrClosed.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := make([]*socketConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.ready = nil
	s.notifyLocked()
	s.mu.Unlock()

	s.cancel()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	s.hs.Close()
}

// APIURL is the Web API base URL for slack.OptionAPIURL; it ends with "/".
func (s *Server) APIURL() string { return s.base + "/api/" }

// URL is the server's base URL, http://127.0.0.1:port.
func (s *Server) URL() string { return s.base }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Calls reports how many times a Web API method was called, failed calls
// included; "response_url" counts posts to response URLs.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// UnknownCalls lists the Web API methods the fake does not implement that
// were called, in order. A test should fail if it is not empty.
func (s *Server) UnknownCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.unknown...)
}

// CalledMethods lists every method called at least once, sorted.
func (s *Server) CalledMethods() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.calls))
	for m := range s.calls {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// FailNext makes the next call of a Web API method answer
// {"ok":false,"error":code} (after token checks pass). "ratelimited" answers
// HTTP 429 with Retry-After: 1, as Slack does. Calls queue up: FailNext twice
// fails the next two calls.
func (s *Server) FailNext(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], code)
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until done (called with s.mu held) reports true, the
// context ends or the server closes.
func (s *Server) waitFor(ctx context.Context, done func() bool) error {
	for {
		s.mu.Lock()
		if done() {
			s.mu.Unlock()
			return nil
		}
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// nextIDLocked returns a fresh id with a prefix, like "F0000000007".
func (s *Server) nextIDLocked(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%010d", prefix, s.seq)
}

// envelopeIDLocked returns a fresh UUID-shaped envelope id.
func (s *Server) envelopeIDLocked() string {
	s.seq++
	return fmt.Sprintf("5e0f1a4c-0000-4000-8000-%012d", s.seq)
}

// nextTSLocked returns a fresh message timestamp, strictly increasing:
// 1700000000.000100, 1700000000.000200, …
func (s *Server) nextTSLocked() string {
	s.tsSeq++
	micros := int64(s.tsSeq) * 100
	return fmt.Sprintf("%d.%06d", 1700000000+micros/1e6, micros%1e6)
}

// handleStray answers paths no route knows and records them as unknown.
func (s *Server) handleStray(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.unknown = append(s.unknown, r.Method+" "+r.URL.Path)
	s.notifyLocked()
	s.mu.Unlock()
	s.opts.Logger.Error("slackfake: request to unknown path", "method", r.Method, "path", r.URL.Path)
	http.NotFound(w, r)
}

// pathID returns the last element of a URL path.
func pathID(path string) string {
	return path[strings.LastIndex(path, "/")+1:]
}

// goLocked runs f in a goroutine Close waits for, unless the server is
// closed. s.mu must be held.
func (s *Server) goLocked(f func()) bool {
	if s.closed {
		return false
	}
	s.wg.Go(f)
	return true
}

// afterFuncLocked runs f after d unless the server closes first. s.mu must
// be held; f runs without it.
func (s *Server) afterFuncLocked(d time.Duration, f func()) {
	s.goLocked(func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			f()
		case <-s.ctx.Done():
		}
	})
}
