package okta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oauth"
)

// userAgent names oktabot in every request.
const userAgent = "oktabot okta-sdk-golang/5.0.6"

// transport is the RoundTripper every Okta API call goes through. It sets
// the Authorization (and DPoP) headers, retries once with a fresh token
// after a 401, waits out 429s until the reset (a concurrency 429 only
// briefly), paces when a bucket's remaining calls run low, keeps at most
// conc requests in flight, retries 5xx and network errors with jittered
// backoff for idempotent requests only, and bounds every attempt by the
// request's context and the per-call timeout.
type transport struct {
	base       http.RoundTripper
	tokens     *oauth.Source
	dpop       *oauth.DPoP
	limits     *rateLimits
	conc       *inflightCap
	timeout    time.Duration
	maxRetries int
	log        *slog.Logger
	obs        Observer
}

// Observer is told about Okta calls, for metrics. Its methods must be fast
// and safe for concurrent use.
type Observer interface {
	// Call reports one HTTP attempt: Okta's rate-limit bucket (e.g.
	// "/api/v1/users", "GET /api/v1/users/{id}", "/api/v1" for the other
	// calls), the status (0 when no answer came) and how long it took.
	Call(bucket string, status int, d time.Duration)
	// Wait reports time spent waiting for a rate limit.
	Wait(bucket string, d time.Duration)
}

// callState carries, through the SDK (which keeps only an error's text),
// what the transport knows about a call: its terminal error and the last
// response's status and headers.
type callState struct {
	mu     sync.Mutex
	err    error
	status int
	header http.Header
}

type callStateKey struct{}

func withCallState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, callStateKey{}, st)
}

func callStateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

func (st *callState) fail(err error) {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.err = err
}

func (st *callState) saw(resp *http.Response) {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.status = resp.StatusCode
	st.header = resp.Header.Clone()
}

func (st *callState) get() (int, http.Header, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.status, st.header, st.err
}

// idempotent reports whether a request may be sent again after it may
// have reached Okta (a 5xx or a network error).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := callStateFrom(ctx)
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close() // the body is done with; a close error changes nothing
		if err != nil {
			return nil, fmt.Errorf("okta: read request body: %w", err)
		}
		body = b
	}
	fam := bucket(req.Method, req.URL.Path)
	attempts, refreshed := 0, false
	var nonces oauth.NonceRounds
	concRetries := 0 // retries after concurrency 429s, counted apart
	for {
		paceStart := time.Now()
		if err := t.limits.pace(ctx, fam); err != nil {
			st.fail(err)
			return nil, err
		}
		if w := time.Since(paceStart); w > time.Millisecond && t.obs != nil {
			t.obs.Wait(fam, w)
		}
		// The slot covers the token request too: Okta counts it in flight.
		if err := t.conc.acquire(ctx); err != nil {
			st.fail(err)
			return nil, err
		}
		var freeOnce sync.Once
		free := func(refused bool) { freeOnce.Do(func() { t.conc.release(refused) }) }
		tok, err := t.tokens.Token(ctx)
		if err != nil {
			free(false)
			st.fail(err)
			return nil, err
		}
		timeout := t.callTimeout(req.URL.Path)
		actx, cancel := context.WithTimeout(ctx, timeout)
		out, err := t.authorize(req.Clone(actx), tok, body, nonces.Nonce)
		if err != nil {
			cancel()
			free(false)
			st.fail(err)
			return nil, err
		}
		callStart := time.Now()
		resp, err := t.base.RoundTrip(out)
		if t.obs != nil {
			status := 0
			if err == nil {
				status = resp.StatusCode
			}
			t.obs.Call(fam, status, time.Since(callStart))
		}
		if err != nil {
			cancel()
			free(false)
			if ctx.Err() != nil {
				st.fail(ctx.Err())
				return nil, ctx.Err()
			}
			if idempotent(req.Method) && attempts < t.maxRetries {
				t.log.Debug("okta: retrying after a network error", "method", req.Method, "path", req.URL.Path, "err", err)
				if err := sleep(ctx, backoff(attempts)); err != nil {
					st.fail(err)
					return nil, err
				}
				attempts++
				continue
			}
			detail := "no answer from Okta: " + err.Error()
			if errors.Is(err, context.DeadlineExceeded) {
				detail = fmt.Sprintf("Okta did not answer within %v", timeout)
			}
			e := &intents.Error{Err: intents.ErrUnavailable, Detail: detail}
			st.fail(e)
			return nil, e
		}
		t.limits.record(fam, resp.Header, time.Now())
		retry := func() {
			drain(resp.Body)
			cancel()
			free(false)
		}
		if again, err := t.dpop.OnAPIResponse(resp, tok.Type(), &nonces); again || err != nil {
			retry()
			if err != nil {
				st.fail(err)
				return nil, err
			}
			continue
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized:
			if !refreshed {
				// Okta refused the token (expired early, revoked): one
				// fresh token, one more try. Okta did not act on it.
				t.tokens.Invalidate(tok)
				refreshed = true
				retry()
				continue
			}
		case resp.StatusCode == http.StatusTooManyRequests && concurrencyLimited(resp.Header) && concRetries < maxConcurrencyRetries:
			// Too many requests in flight org-wide: they end within
			// moments, so a short back-off, with fewer of ours in flight.
			drain(resp.Body)
			cancel()
			free(true)
			t.log.Debug("okta: over Okta's concurrency limit, retrying shortly", "bucket", fam)
			wait := concurrencyWait(concRetries)
			if err := sleep(ctx, wait); err != nil {
				st.fail(err)
				return nil, err
			}
			if t.obs != nil {
				t.obs.Wait(fam, wait)
			}
			concRetries++
			continue
		case resp.StatusCode == http.StatusTooManyRequests && attempts < t.maxRetries:
			// Okta refused before acting: safe to resend any method.
			wait := resetWait(resp.Header, time.Now())
			if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
				break // cannot wait that long: report the 429
			}
			t.log.Info("okta: rate limited, waiting for the reset", "bucket", fam, "wait", wait.Round(time.Millisecond))
			retry()
			if err := sleep(ctx, wait); err != nil {
				st.fail(err)
				return nil, err
			}
			if t.obs != nil {
				t.obs.Wait(fam, wait)
			}
			attempts++
			continue
		case resp.StatusCode >= 500 && idempotent(req.Method) && attempts < t.maxRetries && !logQueryCutOff(req.URL.Path, resp.StatusCode):
			t.log.Debug("okta: retrying after a server error", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode)
			retry()
			if err := sleep(ctx, backoff(attempts)); err != nil {
				st.fail(err)
				return nil, err
			}
			attempts++
			continue
		}
		st.saw(resp)
		refused := resp.StatusCode == http.StatusTooManyRequests && concurrencyLimited(resp.Header)
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: func() { cancel(); free(refused) }}
		return resp, nil
	}
}

// maxConcurrencyRetries bounds the retries after concurrency 429s, which
// cost little and need no window to pass.
const maxConcurrencyRetries = 10

// authorize sets the body and the auth headers of one attempt. The SDK's
// placeholder Authorization is always replaced.
//
// nonce is the DPoP nonce of a challenge to this call ("": the newest stored).
func (t *transport) authorize(r *http.Request, tok *oauth.Token, body []byte, nonce string) (*http.Request, error) {
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	r.Header.Del("Authorization")
	r.Header.Del("Dpop")
	r.Header.Set("User-Agent", userAgent)
	r.Header.Set("Authorization", tok.Type()+" "+tok.Value())
	if tok.Type() == "DPoP" {
		proof, err := t.dpop.ProofWith(r.Method, r.URL.String(), tok.Value(), true, time.Now(), nonce)
		if err != nil {
			return nil, err
		}
		r.Header.Set("DPoP", proof)
	}
	return r, nil
}

// drain reads a little of a body we are discarding, so that the
// connection can be reused, and closes it.
func drain(b io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(b, 64<<10))
	_ = b.Close() // the body is discarded: a close error changes nothing
}

// cancelBody releases an attempt's timeout when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Read releases the attempt at the end of the body too, for a reader that
// reads to the end and forgets to close.
func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.cancel()
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
