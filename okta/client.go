package okta

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/okta/oauth"
)

// Client is a connection to one Okta org as one service app. It is safe
// for concurrent use.
type Client struct {
	s      *settings
	tokens *oauth.Source
	dpop   *oauth.DPoP
	limits *rateLimits
	http   *http.Client // carries the transport: auth, retries, pacing
	api    *oktasdk.APIClient
	log    *slog.Logger

	adminMu sync.Mutex
	adminOK time.Time // when a list last proved the admin role

	mfa mfaCache // the last MFA scan (mfascan.go); its zero value is ready

	refusedPolicies refusedTypes // policy types the org does not have (policies.go)
}

// New validates cfg and builds a Client. It does not touch the network;
// its errors say what to fix.
func New(cfg Config) (*Client, error) {
	s, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	d, err := oauth.NewDPoP(s.dpop)
	if err != nil {
		return nil, err
	}
	if s.key.KeyID() == "" {
		s.log.Warn("okta: the private key has no key id; Okta can match it only while the service app has a single public key (set the key id)")
	}
	c := &Client{
		s:      s,
		dpop:   d,
		limits: newRateLimits(),
		log:    s.log,
	}
	c.tokens = oauth.NewSource(oauth.Config{
		Org:        s.org.String(),
		ClientID:   s.clientID,
		Key:        s.key,
		Scopes:     s.scopes,
		HTTP:       s.base,
		Timeout:    s.timeout,
		MaxRetries: s.maxRetries,
		UserAgent:  userAgent,
		Log:        s.log,
		Retry: oauth.Retry{
			Backoff:   backoff,
			ResetWait: resetWait,
			RateLimited: func(op string, h http.Header, status int) error {
				return rateLimitError(op, h, status)
			},
			Sleep: sleep,
		},
	}, d)
	base := s.base.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	tr := &transport{
		base:       base,
		tokens:     c.tokens,
		dpop:       d,
		limits:     c.limits,
		conc:       newInflightCap(s.maxConc),
		timeout:    s.timeout,
		maxRetries: s.maxRetries,
		log:        s.log,
		obs:        s.obs,
	}
	c.http = &http.Client{
		Transport: tr,
		// Okta does not redirect API calls; following one would send the
		// token elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.api = newSDK(s, c.http)
	return c, nil
}

// OrgURL is the normalised org URL, e.g. https://company.okta.com.
func (c *Client) OrgURL() string { return c.s.org.String() }

// ClientID is the service app's client id (oktabot's own app in Okta).
func (c *Client) ClientID() string { return c.s.clientID }

// RateLimits returns the last rate-limit state Okta reported, by Okta's
// rate-limit bucket ("/api/v1/users", "GET /api/v1/users/{id}",
// "/api/v1/logs", "/api/v1" for the calls Okta counts together …).
func (c *Client) RateLimits() map[string]RateLimit { return c.limits.snapshot() }

// granted returns the scopes of a valid token, requesting one if needed.
func (c *Client) granted(ctx context.Context) ([]string, error) {
	t, err := c.tokens.Token(ctx)
	if err != nil {
		return nil, err
	}
	return t.Scopes(), nil
}

// hasScope reports whether the token was granted scope, or the manage
// scope that includes a read scope.
func hasScope(granted []string, scope string) bool {
	if scope == "" || slices.Contains(granted, scope) {
		return true
	}
	if base, ok := strings.CutSuffix(scope, ".read"); ok {
		return slices.Contains(granted, base+".manage")
	}
	return false
}
