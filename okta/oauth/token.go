package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
)

const (
	// unknownTokenTTL is assumed when Okta's answer has no usable
	// expires_in: short, so that such a token is never cached for long.
	unknownTokenTTL = time.Minute
	// maxRefreshMargin is how long before expiry a token is replaced.
	maxRefreshMargin = time.Minute
)

// Token is one access token.
type Token struct {
	value     string
	typ       string    // "Bearer" or "DPoP"
	expires   time.Time // Okta's expiry, measured from when the request was sent
	refreshAt time.Time // when to replace it
	scopes    []string  // granted
}

// Source gets, caches and refreshes access tokens: client
// credentials with a private_key_jwt assertion signed for every request.
type Source struct {
	s    Config
	url  string // {org}/oauth2/v1/token
	dpop *DPoP
	now  func() time.Time // clock for assertions and expiry

	mu       sync.Mutex
	cur      *Token
	inflight *tokenFlight
}

// tokenFlight is one token request that concurrent callers share.
type tokenFlight struct {
	done chan struct{}
	tok  *Token
	err  error
}

// Config is what a Source needs to sign in as one service app.
type Config struct {
	Org      string   // the org URL, scheme://host[:port], no path
	ClientID string   // the service app's client id
	Key      *Key     // the service app's private key
	Scopes   []string // requested with every token
	// HTTP sends the token requests.
	HTTP *http.Client
	// Timeout bounds each token request.
	Timeout time.Duration
	// MaxRetries bounds retries after 429, 5xx and network errors.
	MaxRetries int
	// UserAgent names the caller in every token request.
	UserAgent string
	// Log receives operational logs (never secrets).
	Log *slog.Logger
	// Retry is the caller's retry policy, shared with its API calls.
	Retry Retry
}

// Retry is how a Source waits before retrying a token request: the same
// back-off and rate-limit waits as the caller's API calls.
type Retry struct {
	// Backoff is the wait before retry n (from 0) after a 5xx or a
	// network error.
	Backoff func(n int) time.Duration
	// ResetWait is the wait a 429 answer asks for.
	ResetWait func(h http.Header, now time.Time) time.Duration
	// RateLimited is the error for a 429 that cannot be waited out.
	RateLimited func(op string, h http.Header, status int) error
	// Sleep waits d or until ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewSource makes a Source that signs in as cfg's service app, with d's
// DPoP key pair and nonces.
func NewSource(cfg Config, d *DPoP) *Source {
	return &Source{s: cfg, url: cfg.Org + "/oauth2/v1/token", dpop: d, now: time.Now}
}

// SetClock replaces the clock the Source signs assertions and measures
// expiry with (time.Now). Tests use it before the first Token call.
func (ts *Source) SetClock(now func() time.Time) { ts.now = now }

// Token returns a valid token, requesting one when there is none or the
// current one is close to expiry. Concurrent callers share one request.
func (ts *Source) Token(ctx context.Context) (*Token, error) {
	ts.mu.Lock()
	if t := ts.cur; t != nil && ts.now().Before(t.refreshAt) {
		ts.mu.Unlock()
		return t, nil
	}
	f := ts.inflight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		ts.inflight = f
		// The request outlives any one caller's cancellation: others
		// may be waiting for it. It is bounded by its own timeouts.
		go ts.run(context.WithoutCancel(ctx), f)
	}
	ts.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (ts *Source) run(ctx context.Context, f *tokenFlight) {
	tok, err := ts.fetch(ctx)
	ts.mu.Lock()
	if err == nil {
		ts.cur = tok
	}
	ts.inflight = nil
	f.tok, f.err = tok, err
	ts.mu.Unlock()
	close(f.done)
}

// Invalidate drops t if it is still the current token, so that the next
// Token call requests a new one. Callers pass the token Okta refused, so
// that many callers refusing the same token cause one refresh.
func (ts *Source) Invalidate(t *Token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.cur == t {
		ts.cur = nil
	}
}

// tokenAnswer is Okta's token endpoint answer, success or error.
type tokenAnswer struct {
	TokenType   string          `json:"token_type"`
	AccessToken string          `json:"access_token"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Scope       string          `json:"scope"`
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
}

// fetch performs one token request, answering DPoP nonce challenges,
// switching to DPoP when Okta demands it, waiting out 429s and retrying
// 5xx and network errors. Every attempt signs a new assertion (Okta refuses
// a replayed jti) and a new proof.
func (ts *Source) fetch(ctx context.Context) (*Token, error) {
	attempts, NonceRounds, switched := 0, 0, false
	for {
		sent := ts.now()
		status, header, ans, err := ts.post(ctx, sent)
		if header != nil {
			ts.dpop.keepNonce(false, header)
			if ans.Error == "" {
				// A DPoP refusal may come with no body: the reason is
				// only in WWW-Authenticate.
				ans.Error, ans.Description = dpopError(header)
			}
		}
		switch {
		case err != nil:
			if ctx.Err() == nil && attempts < ts.s.MaxRetries {
				if err := ts.s.Retry.Sleep(ctx, ts.s.Retry.Backoff(attempts)); err != nil {
					return nil, err
				}
				attempts++
				continue
			}
			return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: token", Detail: "the token endpoint did not answer: " + err.Error()}
		case status == http.StatusOK:
			return ts.accept(ans, sent)
		case ans.Error == "use_dpop_nonce" && header.Get("DPoP-Nonce") != "" && NonceRounds < maxNonceRounds:
			if !ts.dpop.on() {
				if err := ts.switchToDPoP(); err != nil {
					return nil, err
				}
			}
			NonceRounds++
			continue
		case ans.Error == "invalid_dpop_proof" && !ts.dpop.on() && !switched:
			// The app requires DPoP but Config.DPoP is off: Okta has
			// logged one failed grant; switch and say how to avoid it.
			if err := ts.switchToDPoP(); err != nil {
				return nil, err
			}
			switched = true
			ts.s.Log.Warn("okta: the service app requires DPoP; switched to DPoP-bound tokens. Set OKTA_DPOP=true so the first token request carries a proof and Okta logs no failed grant", "client_id", ts.s.ClientID)
			continue
		case status == http.StatusTooManyRequests && attempts < ts.s.MaxRetries:
			wait := ts.s.Retry.ResetWait(header, time.Now())
			if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
				return nil, ts.s.Retry.RateLimited("okta: token", header, status)
			}
			if err := ts.s.Retry.Sleep(ctx, wait); err != nil {
				return nil, err
			}
			attempts++
			continue
		case status >= 500 && attempts < ts.s.MaxRetries:
			if err := ts.s.Retry.Sleep(ctx, ts.s.Retry.Backoff(attempts)); err != nil {
				return nil, err
			}
			attempts++
			continue
		}
		return nil, ts.refused(status, header, ans)
	}
}

func (ts *Source) switchToDPoP() error {
	if err := ts.dpop.enable(); err != nil {
		return fmt.Errorf("okta: token: %w", err)
	}
	return nil
}

// post sends one token request and reads the answer.
func (ts *Source) post(ctx context.Context, now time.Time) (int, http.Header, tokenAnswer, error) {
	var ans tokenAnswer
	assertion, err := clientAssertion(ts.s.Key, ts.s.ClientID, ts.url, now)
	if err != nil {
		return 0, nil, ans, err
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {strings.Join(ts.s.Scopes, " ")},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	ctx, cancel := context.WithTimeout(ctx, ts.s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.url, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, ans, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", ts.s.UserAgent)
	if ts.dpop.on() {
		proof, err := ts.dpop.proof(http.MethodPost, ts.url, "", false, now)
		if err != nil {
			return 0, nil, ans, err
		}
		req.Header.Set("DPoP", proof)
	}
	resp, err := ts.s.HTTP.Do(req)
	if err != nil {
		return 0, nil, ans, StripURLError(err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, ans, err
	}
	if err := json.Unmarshal(body, &ans); err != nil && resp.StatusCode == http.StatusOK {
		return resp.StatusCode, resp.Header, ans, fmt.Errorf("token answer is not JSON")
	}
	return resp.StatusCode, resp.Header, ans, nil
}

// accept turns a 200 answer into a token. An answer without a token is an
// authentication failure (the SDK's "Empty access token"); an expires_in
// that is missing, not a number or ≤ 0 counts as unknownTokenTTL, and a
// tiny one is honoured as it is: never cached forever.
func (ts *Source) accept(ans tokenAnswer, sent time.Time) (*Token, error) {
	if ans.AccessToken == "" {
		return nil, ts.refused(http.StatusOK, nil, tokenAnswer{Error: "no access_token", Description: "Okta answered 200 without an access token"})
	}
	typ := ans.TokenType
	switch {
	case strings.EqualFold(typ, "DPoP"):
		typ = "DPoP"
	case typ == "" || strings.EqualFold(typ, "Bearer"):
		typ = "Bearer"
	default:
		return nil, &intents.Error{Err: intents.ErrAuth, Op: "okta: token", Detail: fmt.Sprintf("Okta issued a token of unknown type %q", typ)}
	}
	ttl := unknownTokenTTL
	if n, err := strconv.ParseFloat(strings.Trim(string(ans.ExpiresIn), `"`), 64); err == nil && n > 0 {
		ttl = time.Duration(n * float64(time.Second))
	}
	margin := min(ttl/4, maxRefreshMargin)
	t := &Token{
		value:     ans.AccessToken,
		typ:       typ,
		expires:   sent.Add(ttl),
		refreshAt: sent.Add(ttl - margin),
		scopes:    strings.Fields(ans.Scope),
	}
	if t.scopes == nil {
		t.scopes = ts.s.Scopes // Okta omits scope only when it granted what was asked
	}
	ts.s.Log.Debug("okta: new access token", "type", typ, "ttl", ttl, "scopes", len(t.scopes))
	return t, nil
}

// refused turns a failed token answer into an *intents.Error: a missing
// scope is ErrForbidden naming the scopes, anything else ErrAuth with the
// setup guide's three checks.
func (ts *Source) refused(status int, header http.Header, ans tokenAnswer) error {
	what := ans.Error
	if ans.Description != "" {
		what += ": " + ans.Description
	}
	if what == "" {
		what = fmt.Sprintf("HTTP %d", status)
	}
	e := &intents.Error{Op: "okta: token", Status: status}
	if header != nil {
		e.RequestID = header.Get("X-Okta-Request-Id")
	}
	if ans.Error == "invalid_scope" {
		e.Err = intents.ErrForbidden
		e.Scope = strings.Join(ts.s.Scopes, " ")
		e.Detail = "Okta refused the requested scopes (" + what + "): grant them to the service app on its Okta API Scopes tab, or request fewer"
		return e
	}
	kid := ""
	if ts.s.Key.kid != "" {
		kid = " (key id " + ts.s.Key.kid + ")"
	}
	e.Err = intents.ErrAuth
	e.Detail = fmt.Sprintf("Okta refused the token request (%s). Check: 1) the client id %s is the service app's; 2) the private key%s pairs with a public key registered for that app; 3) the app is active", what, ts.s.ClientID, kid)
	if ans.Error == "invalid_dpop_proof" && ts.dpop.on() {
		e.Detail += "; and that the app's DPoP setting matches OKTA_DPOP; and " + clockHint
	}
	ts.s.Log.Debug("okta: token request refused", "status", status, "error", ans.Error)
	return e
}

// StripURLError is err without the *url.Error wrapping, which repeats
// the request's URL (and so any secret in its query) in the message.
func StripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Type is the token's type: "Bearer" or "DPoP".
func (t *Token) Type() string { return t.typ }

// Value is the access token itself: it goes in the Authorization header
// and nowhere else.
func (t *Token) Value() string { return t.value }

// Expires is when Okta's expiry falls, measured from when the request
// was sent.
func (t *Token) Expires() time.Time { return t.expires }

// Scopes are the scopes Okta granted with the token.
func (t *Token) Scopes() []string { return t.scopes }

// LogValue keeps the token's value out of logs if one is ever logged.
func (t *Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", t.typ), slog.Time("expires", t.expires))
}
