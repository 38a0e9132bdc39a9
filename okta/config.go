package okta

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oauth"
)

// Config configures a Client. Only OrgURL, ClientID and PrivateKey are
// required.
type Config struct {
	// OrgURL is the Okta org: "company.okta.com" or
	// "https://company.okta.com". http:// is accepted only for loopback
	// hosts (the simulator).
	OrgURL   string
	ClientID string
	// PrivateKey is the JWK that Okta's Admin Console generates (RSA with
	// its kid, or EC P-256) or a PEM key (PKCS#1, PKCS#8 or SEC 1 EC).
	PrivateKey []byte
	// KeyID overrides the JWK's kid, or gives the kid of a PEM key.
	KeyID string
	// Scopes are requested with every token; nil: intents.DefaultScopes.
	Scopes []string
	// DPoP says the service app requires DPoP: the very first token request
	// carries a proof, so Okta logs no failed grant.
	DPoP bool
	// HTTPClient is the base client whose transport carries every request;
	// nil: a tuned default. Its Timeout should be zero: Timeout below
	// bounds each call instead.
	HTTPClient *http.Client
	// Timeout bounds each HTTP call; 0: 30s.
	Timeout time.Duration
	// MaxRetries bounds retries after 429, 5xx and network errors; 0: 4,
	// negative: none.
	MaxRetries int
	// MaxConcurrency caps the requests in flight to Okta; 0: 15. Okta
	// limits the whole org (every app) to 75 in flight on most editions,
	// 35 on the smallest.
	MaxConcurrency int
	// RateShare is the share of a bucket's per-minute limit that a bulk
	// job (the MFA scan) may use, leaving the rest to the bot's other
	// calls and to the org's other apps; 0: 0.5. At most 1.
	RateShare float64
	// Logger receives operational logs (never secrets); nil: discard.
	Logger *slog.Logger
	// Observer, when set, is told about every HTTP call and every wait for
	// a rate limit (for metrics).
	Observer Observer
	// Detect configures the investigations' detections (watch-listed
	// countries, proxy list, thresholds); nil: detect.DefaultConfig().
	Detect *detect.Config
	// MaxEventsRead bounds the System Log events one investigation or
	// sign-in listing reads and analyses (memory); 0: 200,000. A window
	// with more is analysed on its newest events and the answer says the
	// read was incomplete. threats streams its window and is not bound.
	MaxEventsRead int
	// PushInterval is the wait before each poll of an Okta Verify push
	// (WaitPush); 0: DefaultPushInterval (3s).
	PushInterval time.Duration
	// AllowAdminTargets lets actions target users who hold an admin role
	// and groups that grant one. False (the default): Preview and Execute
	// refuse them with intents.ErrProtected, reading the roles with
	// okta.roles.read each time (roles.go).
	AllowAdminTargets bool
}

const (
	defaultTimeout    = 30 * time.Second
	defaultMaxRetries = 4
	defaultRateShare  = 0.5
)

// settings is a validated Config.
type settings struct {
	org        *url.URL // scheme://host[:port], no path
	clientID   string
	key        *oauth.Key
	scopes     []string
	dpop       bool
	base       *http.Client
	timeout    time.Duration
	maxRetries int
	maxConc    int
	rateShare  float64
	log        *slog.Logger
	detect     detect.Config
	obs        Observer
	maxRead    int // events one answer reads at most (Config.MaxEventsRead)
	// allowAdmins is Config.AllowAdminTargets.
	allowAdmins bool
	// pushInterval is Config.PushInterval, defaulted.
	pushInterval time.Duration
}

// validate checks cfg and fills in defaults. Its errors say what to fix and
// never quote the private key.
func (cfg Config) validate() (*settings, error) {
	org, err := ParseOrgURL(cfg.OrgURL)
	if err != nil {
		return nil, err
	}
	clientID := strings.TrimSpace(cfg.ClientID)
	if clientID == "" {
		return nil, fmt.Errorf("okta: client id is empty: give the service app's client id (it starts with 0oa)")
	}
	if strings.ContainsAny(clientID, " \t\r\n\"") {
		return nil, fmt.Errorf("okta: client id %q contains spaces or quotes: give the service app's client id", clientID)
	}
	if len(cfg.PrivateKey) == 0 {
		return nil, fmt.Errorf("okta: private key is empty: give the JWK or PEM private key whose public key is registered for the service app")
	}
	key, err := oauth.ParseKey(cfg.PrivateKey, strings.TrimSpace(cfg.KeyID))
	if err != nil {
		return nil, err
	}
	scopes, err := checkScopes(cfg.Scopes)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("okta: timeout %v is negative: give a positive duration such as 30s", cfg.Timeout)
	}
	if cfg.MaxConcurrency < 0 {
		return nil, fmt.Errorf("okta: max concurrency %d is negative: give a number of requests such as 15", cfg.MaxConcurrency)
	}
	if cfg.RateShare < 0 || cfg.RateShare > 1 {
		return nil, fmt.Errorf("okta: rate share %v is not between 0 and 1: give a share of the rate limit such as 0.5", cfg.RateShare)
	}
	dc := detect.DefaultConfig()
	if cfg.Detect != nil {
		if err := cfg.Detect.Validate(); err != nil {
			return nil, fmt.Errorf("okta: %w", err)
		}
		dc = *cfg.Detect
		dc.SuspiciousCountries = slices.Clone(dc.SuspiciousCountries)
		dc.ProxyIPs = slices.Clone(dc.ProxyIPs)
		dc.Admins = slices.Clone(dc.Admins)
	}
	s := &settings{
		detect:     dc,
		org:        org,
		clientID:   clientID,
		key:        key,
		scopes:     scopes,
		dpop:       cfg.DPoP,
		base:       cfg.HTTPClient,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		maxConc:    cfg.MaxConcurrency,
		rateShare:  cfg.RateShare,
		log:        cfg.Logger,
		obs:        cfg.Observer,
		maxRead:    cfg.MaxEventsRead,

		allowAdmins: cfg.AllowAdminTargets,
	}
	if s.maxRead <= 0 {
		s.maxRead = maxAnalyzed
	}
	if s.timeout == 0 {
		s.timeout = defaultTimeout
	}
	if s.maxConc == 0 {
		s.maxConc = defaultMaxConcurrency
	}
	s.pushInterval = cfg.PushInterval
	if s.pushInterval <= 0 {
		s.pushInterval = DefaultPushInterval
	}
	if s.rateShare == 0 {
		s.rateShare = defaultRateShare
	}
	switch {
	case s.maxRetries == 0:
		s.maxRetries = defaultMaxRetries
	case s.maxRetries < 0:
		s.maxRetries = 0
	}
	if s.base == nil {
		s.base = defaultHTTPClient()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// ParseOrgURL normalises an Okta org URL: "company.okta.com",
// "https://company.okta.com/" and "https://company.okta.com" all become
// https://company.okta.com. The port is kept. http is accepted only for
// loopback hosts; paths, queries and the -admin console host are refused.
func ParseOrgURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, fmt.Errorf("okta: org url is empty: give your Okta domain, e.g. company.okta.com")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("okta: org url %q does not parse: give your Okta domain, e.g. https://company.okta.com", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("okta: org url %q has no host: give your Okta domain, e.g. https://company.okta.com", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("okta: org url must not contain a user name or password: give https://company.okta.com")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("okta: org url %q has a path or query: give only the org, e.g. https://%s", raw, u.Host)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("okta: org url %q uses http: Okta needs https://%s (http is only for a local simulator)", raw, u.Host)
		}
	default:
		return nil, fmt.Errorf("okta: org url %q has scheme %q: give https://company.okta.com", raw, u.Scheme)
	}
	host := strings.ToLower(u.Hostname())
	if first, rest, ok := strings.Cut(host, "."); ok && strings.HasSuffix(first, "-admin") && isOktaDomain(rest) {
		fixed := strings.TrimSuffix(first, "-admin") + "." + rest
		return nil, fmt.Errorf("okta: org url %q is the Admin Console's address: give the org's, https://%s", raw, fixed)
	}
	out := &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}
	return out, nil
}

func isOktaDomain(d string) bool {
	return slices.Contains([]string{"okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil"}, d)
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkScopes returns the scopes to request: the default set when none are
// given, otherwise the given ones de-duplicated.
func checkScopes(in []string) ([]string, error) {
	if in == nil {
		return slices.Clone(intents.DefaultScopes), nil
	}
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.HasPrefix(s, "okta.") || strings.ContainsAny(s, " \t\r\n\"") {
			return nil, fmt.Errorf("okta: scope %q is not an Okta management scope: give scopes like okta.users.read", s)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("okta: no scopes: give at least okta.users.read or leave scopes unset for the defaults")
	}
	return out, nil
}

// defaultHTTPClient is the base client when none is given: its own
// transport (never http.DefaultTransport's shared state) with sane limits.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = logCallTimeout // the longest call; each call has its own timeout
	return &http.Client{Transport: t}
}
