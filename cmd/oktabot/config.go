package main

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/detect"
)

// env reads configuration; tests pass a map instead of the process
// environment.
type env func(string) string

func (e env) get(key string) string { return strings.TrimSpace(e(key)) }

// configError is a start-up problem worded as one line that names the
// variable and says what a good value looks like.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func badf(format string, a ...any) error { return &configError{fmt.Sprintf(format, a...)} }

// problems collects start-up problems so that one run names them all,
// instead of one per run. Loaders add each problem and carry on with the
// next setting; what they return is problems.err().
type problems []error

// add records err unless it is nil or already recorded (OKTABOT_TZ is read
// by more than one loader); a list from another loader is added one by one.
func (p *problems) add(err error) {
	if err == nil {
		return
	}
	if l, ok := err.(*problemList); ok {
		for _, e := range l.errs {
			p.add(e)
		}
		return
	}
	for _, have := range *p {
		if have.Error() == err.Error() {
			return
		}
	}
	*p = append(*p, err)
}

// err is nil, the one problem, or a *problemList of them all.
func (p problems) err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	}
	return &problemList{errs: slices.Clone(p)}
}

// problemList is several problems, each on its own line under a count.
type problemList struct{ errs []error }

func (l *problemList) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems to fix:", len(l.errs))
	for _, err := range l.errs {
		b.WriteString("\n  - ")
		b.WriteString(err.Error())
	}
	return b.String()
}

func (l *problemList) Unwrap() []error { return l.errs }

// each is the problems in err, one per element.
func each(err error) []error {
	if l, ok := err.(*problemList); ok {
		return l.errs
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// loadOkta reads the Okta connection (the OKTA_* variables of the README's
// Configuration table), naming every bad or missing setting.
func loadOkta(e env) (okta.Config, error) {
	var cfg okta.Config
	var p problems
	cfg.OrgURL = e.get("OKTA_ORG_URL")
	if cfg.OrgURL == "" {
		p.add(badf("OKTA_ORG_URL is not set: use your Okta domain, e.g. company.okta.com or https://company.okta.com"))
	} else {
		p.add(checkOrgURL(cfg.OrgURL))
	}
	cfg.ClientID = e.get("OKTA_CLIENT_ID")
	if cfg.ClientID == "" {
		p.add(badf("OKTA_CLIENT_ID is not set: copy the Client ID of your API Services app (Admin Console → Applications → the app → General)"))
	}
	key, err := loadKey(e)
	p.add(err)
	cfg.PrivateKey = key
	cfg.KeyID = e.get("OKTA_KEY_ID")
	if s := e.get("OKTA_SCOPES"); s != "" {
		cfg.Scopes = strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
		for _, sc := range cfg.Scopes {
			if !strings.HasPrefix(sc, "okta.") {
				p.add(badf("OKTA_SCOPES: %q is not an Okta management scope: use names like okta.users.read okta.logs.read, separated by spaces", sc))
			}
		}
	}
	cfg.DPoP, err = boolVar(e, "OKTA_DPOP", false)
	p.add(err)
	cfg.AllowAdminTargets, err = loadAllowAdmins(e) // protect.go
	p.add(err)
	if s := e.get("OKTA_MAX_CONCURRENCY"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 75 {
			p.add(badf("OKTA_MAX_CONCURRENCY %q: use a number of requests in flight from 1 to 75, well under your org's concurrency limit (75 on most editions, 35 on the smallest); the default is 15", s))
		} else {
			cfg.MaxConcurrency = n
		}
	}
	if s := e.get("OKTA_RATE_SHARE"); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f > 0 && f <= 1) {
			p.add(badf("OKTA_RATE_SHARE %q: use the share of a rate limit the MFA scan may use, above 0 and at most 1, e.g. 0.5 (the default)", s))
		} else {
			cfg.RateShare = f
		}
	}
	return cfg, p.err()
}

// checkOrgURL refuses what Okta never is: anything but https, except plain
// http to a loopback address (the simulator).
func checkOrgURL(raw string) error {
	s := raw
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return badf("OKTA_ORG_URL %q is not a URL: use your Okta domain, e.g. company.okta.com", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return badf("OKTA_ORG_URL %q uses http: Okta needs https (plain http is only for the simulator on a loopback address)", raw)
		}
	default:
		return badf("OKTA_ORG_URL %q: use https://company.okta.com", raw)
	}
	if u.Path != "" && u.Path != "/" {
		return badf("OKTA_ORG_URL %q has a path: use only the org's address, e.g. https://company.okta.com (not the admin console URL)", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadKey reads the private key from OKTA_PRIVATE_KEY or
// OKTA_PRIVATE_KEY_FILE. Its content is never printed.
func loadKey(e env) ([]byte, error) {
	inline, file := e.get("OKTA_PRIVATE_KEY"), e.get("OKTA_PRIVATE_KEY_FILE")
	switch {
	case inline != "" && file != "":
		return nil, badf("both OKTA_PRIVATE_KEY and OKTA_PRIVATE_KEY_FILE are set: keep one")
	case inline != "":
		return []byte(inline), nil
	case file != "":
		return readKeyFile(file)
	default:
		return nil, badf("no private key: set OKTA_PRIVATE_KEY_FILE to the JWK (or PEM) file of the key pair you generated in Okta (the app's General tab → Public Keys)")
	}
}

// slackConfig is the Slack side of `oktabot run` and the Slack mode of
// `oktabot demo`.
type slackConfig struct {
	BotToken string
	AppToken string
	APIURL   string
}

// loadSlack reads the Slack connection, naming every bad or missing
// setting. A bad bot token or API URL is left empty in the result, so that
// what remains can still be checked against Slack (checkable).
func loadSlack(e env) (slackConfig, error) {
	c := slackConfig{BotToken: e.get("SLACK_BOT_TOKEN"), AppToken: e.get("SLACK_APP_TOKEN"), APIURL: e.get("SLACK_API_URL")}
	var p problems
	switch {
	case c.BotToken == "":
		p.add(badf("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions"))
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		p.add(badf("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)"))
		c.BotToken = ""
	}
	switch {
	case c.AppToken == "":
		p.add(badf("SLACK_APP_TOKEN is not set: create an app-level token with connections:write (Basic Information → App-Level Tokens)"))
	case !strings.HasPrefix(c.AppToken, "xapp-"):
		p.add(badf("SLACK_APP_TOKEN must be an app-level token starting with xapp- with the connections:write scope"))
	}
	if c.APIURL == "" {
		c.APIURL = "https://slack.com/api/"
	}
	u, err := url.Parse(c.APIURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		p.add(badf("SLACK_API_URL %q: use an https URL such as https://slack.com/api/ (GovSlack: https://slack-gov.com/api/)", c.APIURL))
		c.APIURL = ""
	} else if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	return c, p.err()
}

// checkable returns the configuration if the bot token and the API URL
// are good: start-up checks only need those. Otherwise nil.
func (c slackConfig) checkable() *slackConfig {
	if c.BotToken == "" || c.APIURL == "" {
		return nil
	}
	return &c
}

// botConfig is what the bot needs beyond the two connections.
type botConfig struct {
	Channels []string
	// AllowPublic lets OKTABOT_CHANNELS name public channels
	// (OKTABOT_ALLOW_PUBLIC_CHANNELS).
	AllowPublic bool
	Approvers   []string
	Readers     []string // OKTABOT_READERS (readers.go)
	// ReadOnly answers questions and proposes no change
	// (OKTABOT_READ_ONLY); approvers are then not needed.
	ReadOnly          bool
	Protected         []string
	AllowSelfApproval bool
	DirectMessages    bool
	DB                string
	ProposalTTL       time.Duration
	Countries         []string
	HTTPAddr          string
	// Charts attaches pictures to investigations, sweeps and MFA scans
	// (OKTABOT_CHARTS, default true).
	Charts bool

	// Time is the team's zone and office hours (OKTABOT_TZ…).
	Time timeConfig
	// Tor is where the Tor exit list comes from (OKTABOT_TOR_EXITS).
	Tor torConfig
	// Limits is fair use (OKTABOT_MAX_PER_USER, limits.go).
	Limits limitsConfig
	// Retention is when decided proposals leave DB for archive files
	// (OKTABOT_RETENTION, OKTABOT_ARCHIVE_DIR; retention.go).
	Retention retentionConfig
	// StepUp is which approvals are confirmed in Okta Verify
	// (OKTABOT_STEP_UP, stepup.go).
	StepUp stepUpConfig
}

var (
	channelID  = regexp.MustCompile(`^[CG][A-Z0-9]{2,20}$`)
	approverID = regexp.MustCompile(`^[UWS][A-Z0-9]{2,20}$`)
)

func loadBot(e env) (botConfig, error) {
	var c botConfig
	var p problems
	var err error
	c.Channels = list(e.get("OKTABOT_CHANNELS"))
	for _, ch := range c.Channels {
		if !channelID.MatchString(ch) {
			p.add(badf("OKTABOT_CHANNELS: %q is not a channel id: use ids like C0123ABCD (channel details → About → Channel ID), comma separated", ch))
		}
	}
	c.AllowPublic, err = boolVar(e, "OKTABOT_ALLOW_PUBLIC_CHANNELS", false)
	p.add(err)
	c.Approvers = list(e.get("OKTABOT_APPROVERS"))
	for _, a := range c.Approvers {
		if !approverID.MatchString(a) {
			p.add(badf("OKTABOT_APPROVERS: %q is not a Slack user id (U…/W…) or user-group id (S…): copy it from the profile's ⋮ → Copy member ID", a))
		}
	}
	c.ReadOnly, err = boolVar(e, "OKTABOT_READ_ONLY", false)
	p.add(err)
	c.Readers, err = loadReaders(e)
	p.add(err)
	c.Protected = list(e.get("OKTABOT_PROTECTED"))
	c.AllowSelfApproval, err = boolVar(e, "OKTABOT_ALLOW_SELF_APPROVAL", false)
	p.add(err)
	c.DirectMessages, err = boolVar(e, "OKTABOT_DIRECT_MESSAGES", false)
	p.add(err)
	c.Charts, err = boolVar(e, "OKTABOT_CHARTS", true)
	p.add(err)
	c.DB = e.get("OKTABOT_DB")
	if c.DB == "" {
		c.DB = "oktabot.db"
	}
	c.Retention, err = loadRetention(e, c.DB)
	p.add(err)
	c.ProposalTTL = time.Hour
	if s := e.get("OKTABOT_PROPOSAL_TTL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute || d > 7*24*time.Hour {
			p.add(badf("OKTABOT_PROPOSAL_TTL %q: use a duration between 1m and 168h, e.g. 1h", s))
		} else {
			c.ProposalTTL = d
		}
	}
	c.Countries, err = loadCountries(e)
	p.add(err)
	c.HTTPAddr = e.get("OKTABOT_HTTP_ADDR")
	if c.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			p.add(badf("OKTABOT_HTTP_ADDR %q: use host:port, e.g. 127.0.0.1:9090 or :9090", c.HTTPAddr))
		}
	}
	// The team's time zone and office hours.
	c.Time, err = loadTime(e)
	p.add(err)
	c.Tor, err = loadTor(e)
	p.add(err)
	c.Limits, err = loadLimits(e)
	p.add(err)
	c.StepUp, err = loadStepUp(e)
	p.add(err)
	return c, p.err()
}

var errNoChannels = badf("OKTABOT_CHANNELS is not set: list the ids of the private channels where oktabot may answer (channel details → About → Channel ID), comma separated; it answers nowhere else")

// forRun names what `oktabot run` needs beyond loadBot (the command line
// and the demo need neither): an allow-list of channels, since without
// one oktabot would answer wherever it is invited, and approvers, unless
// the bot is read-only.
func (c botConfig) forRun() error {
	var p problems
	if len(c.Channels) == 0 {
		p.add(errNoChannels)
	}
	if len(c.Approvers) == 0 && !c.ReadOnly {
		p.add(badf("OKTABOT_APPROVERS is not set: list who may approve changes to Okta, as Slack user ids (U…) or user-group ids (S…), or set OKTABOT_READ_ONLY=true for a bot that only answers questions"))
	}
	return p.err()
}

// loadCountries reads the watch list OKTABOT_SUSPICIOUS_COUNTRIES (names or
// ISO codes) as the English names the System Log uses.
func loadCountries(e env) ([]string, error) {
	var out []string
	var p problems
	for _, s := range list(e.get("OKTABOT_SUSPICIOUS_COUNTRIES")) {
		name, ok := intents.CountryName(s)
		if !ok {
			p.add(badf("OKTABOT_SUSPICIOUS_COUNTRIES: %q is not a country: use English names or ISO codes, e.g. RU,CN,KP,IR", s))
			continue
		}
		out = append(out, name)
	}
	return out, p.err()
}

// detectConfig is the investigations' configuration: the default
// detections with the configured watch list, office hours and zone.
func detectConfig(countries []string, tc timeConfig) *detect.Config {
	dc := detect.DefaultConfig()
	if len(countries) > 0 {
		dc.SuspiciousCountries = countries
	}
	tc.apply(&dc)
	return &dc
}

func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func boolVar(e env, key string, def bool) (bool, error) {
	s := e.get(key)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return def, badf("%s %q: use true or false", key, s)
	}
	return b, nil
}
