package detect

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// What an event is, read from its type and outcome as the System Log
// writes them.

// succeeded reports an outcome of SUCCESS or ALLOW.
func succeeded(e intents.Event) bool {
	switch strings.ToUpper(e.Outcome.Result) {
	case "SUCCESS", "ALLOW":
		return true
	}
	return false
}

// failed reports an outcome of FAILURE or DENY.
func failed(e intents.Event) bool {
	switch strings.ToUpper(e.Outcome.Result) {
	case "FAILURE", "DENY":
		return true
	}
	return false
}

// blocked reports an outcome that Okta refused: the action did not happen.
func blocked(e intents.Event) bool { return failed(e) }

// isUserActor reports whether a is a person's account.
func isUserActor(a intents.Actor) bool {
	return strings.EqualFold(a.Type, "User")
}

// login is a user actor's login, or "" when the actor is not a user or is
// unnamed.
func login(a intents.Actor) string {
	if !isUserActor(a) || a.AlternateID == "" || strings.EqualFold(a.AlternateID, "unknown") {
		return ""
	}
	return a.AlternateID
}

// actorLogin is the login of the user who acted.
func actorLogin(e intents.Event) string { return login(e.Actor) }

// targetUser is the first user the event is about.
func targetUser(e intents.Event) (string, intents.Actor) {
	for _, t := range e.Targets {
		if l := login(t); l != "" {
			return l, t
		}
	}
	return "", intents.Actor{}
}

// subject is the user an event is about: its target user when it has one,
// else its actor.
func subject(e intents.Event) string {
	if l, _ := targetUser(e); l != "" {
		return l
	}
	return actorLogin(e)
}

// isFailedSignIn reports a failed primary authentication: a failed
// user.session.start or user.authentication.* other than MFA and SSO, and
// on Identity Engine orgs a failed password check.
func isFailedSignIn(e intents.Event) bool {
	if !failed(e) {
		return false
	}
	switch e.EventType {
	case "user.session.start":
		return true
	case "user.authentication.sso":
		return false
	case "user.authentication.auth_via_mfa":
		return passwordCheck(e)
	}
	return strings.HasPrefix(e.EventType, "user.authentication.")
}

// IsFailedSignIn reports a failed primary sign-in as the detections count
// it: a failed user.session.start or user.authentication.* event other
// than MFA and SSO, and a failed Identity Engine password check.
func IsFailedSignIn(e intents.Event) bool { return isFailedSignIn(e) }

// passwordCheck reports an Identity Engine password check
// (intents.Event.PasswordCheck).
func passwordCheck(e intents.Event) bool { return e.PasswordCheck() }

// isMFAChallenge reports a second-factor step: an auth_via_mfa event that
// is not a password check.
func isMFAChallenge(e intents.Event) bool {
	return e.EventType == "user.authentication.auth_via_mfa" && !passwordCheck(e)
}

// isSignIn reports a successful primary sign-in.
func isSignIn(e intents.Event) bool {
	if !succeeded(e) {
		return false
	}
	switch e.EventType {
	case "user.session.start", "user.authentication.auth_via_IDP", "user.authentication.auth_via_social":
		return true
	}
	return false
}

// isSSO reports a successful sign-in to an app.
func isSSO(e intents.Event) bool {
	return e.EventType == "user.authentication.sso" && succeeded(e)
}

// isSignInAttempt reports any sign-in, MFA or SSO attempt, whatever its
// outcome.
func isSignInAttempt(e intents.Event) bool {
	switch {
	case e.EventType == "user.session.start", e.EventType == "policy.evaluate_sign_on":
		return true
	case strings.HasPrefix(e.EventType, "user.authentication."):
		return true
	}
	return false
}

// appName is the app an SSO or policy event names.
func appName(e intents.Event) string {
	for _, t := range e.Targets {
		if strings.EqualFold(t.Type, "AppInstance") {
			return t.Label()
		}
	}
	return ""
}

func isPrivilegeGrant(t string) bool {
	switch t {
	case "user.account.privilege.grant", "group.privilege.grant", "iam.resourceset.bindings.add":
		return true
	}
	return false
}

// isPrivilegeRevoke reports an admin role taken from a user or a group.
func isPrivilegeRevoke(t string) bool {
	return t == "user.account.privilege.revoke" || t == "group.privilege.revoke"
}

// isConfigChange reports the event types of security_config_change: an
// authenticator deactivated for the whole org is mfa_factor_reset's, its
// other lifecycle events (create, activate, update) are config changes.
func isConfigChange(t string) bool {
	if t == authenticatorOff {
		return false
	}
	prefixes := [...]string{
		"policy.lifecycle.", "policy.rule.", "zone.", "system.idp.lifecycle.",
		"application.policy.sign_on.", "system.log_stream.lifecycle.", "security.authenticator.lifecycle.",
		"network_zone.rule.",
	}
	for _, p := range prefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// isOktaInternal reports traffic from Okta's own integrations, which roams
// by design.
func isOktaInternal(e intents.Event) bool {
	ua := strings.ToLower(e.Client.UserAgent)
	return strings.HasPrefix(ua, "okta-integrations") || strings.HasPrefix(ua, "okta ")
}

// scripted reports a non-browser client: an HTTP library or tool.
func scripted(ua string) bool {
	agents := [...]string{
		"python-requests", "python-urllib", "aiohttp", "httpx", "curl/", "wget/", "go-http-client",
		"okhttp", "postmanruntime", "axios/", "node-fetch", "undici", "libwww-perl", "java/",
		"apache-httpclient", "powershell", "httpie", "ruby", "insomnia",
	}
	ua = strings.ToLower(ua)
	for _, s := range agents {
		if strings.Contains(ua, s) {
			return true
		}
	}
	return false
}

// clientName is "Chrome on Mac OS X", or the raw user agent.
func clientName(c intents.EventClient) string {
	b, o := c.Browser, c.OS
	if strings.EqualFold(b, "UNKNOWN") {
		b = ""
	}
	if strings.EqualFold(o, "Unknown") {
		o = ""
	}
	switch {
	case scripted(c.UserAgent) || (b == "" && o == ""):
		if c.UserAgent != "" {
			return shorten(c.UserAgent, 60)
		}
		return "an unknown client"
	case b != "" && o != "":
		return title(b) + " on " + o
	case b != "":
		return title(b)
	default:
		return o
	}
}

// title turns Okta's "CHROME" into "Chrome".
func title(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToLower(s)
	return strings.ToUpper(s[:1]) + s[1:]
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// shorten cuts s to at most n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// attempt is one failed sign-in. Okta may log one try as several events
// (user.session.start and user.authentication.verify in one transaction);
// they are one attempt.
type attempt struct {
	at   time.Time
	user string
	ip   string
	evs  []int // indices into timeline.events
}

// failedSignIns returns every failed sign-in, in time order.
func (tl *timeline) failedSignIns() []attempt {
	if tl.failures != nil {
		return tl.failures
	}
	out := []attempt{}
	last := map[[2]string]int{} // user, transaction → index in out
	for i, e := range tl.events {
		if !isFailedSignIn(e) || fastPassPhish(e) {
			continue
		}
		u := e.Actor.AlternateID
		if u == "" {
			continue
		}
		tx := e.TransactionID
		if tx != "" && tx != "unknown" {
			k := [2]string{u, tx}
			if j, ok := last[k]; ok && e.Published.Sub(out[j].at) <= 2*time.Second {
				out[j].evs = append(out[j].evs, i)
				continue
			}
			last[k] = len(out)
		}
		out = append(out, attempt{at: e.Published, user: u, ip: e.Client.IP, evs: []int{i}})
	}
	tl.failures = out
	return out
}

// fastPassPhish reports Okta FastPass refusing to sign in to a phishing site.
func fastPassPhish(e intents.Event) bool {
	return strings.Contains(strings.ToLower(e.Outcome.Reason), "fastpass declined phishing")
}

// bursts returns the maximal runs [i, j] (inclusive) of the sorted times ts
// in which every time lies in some window of length r.Window holding at
// least r.Count times. A run is split where two neighbours are more than
// r.Window apart.
func bursts(ts []time.Time, r Rate) [][2]int {
	if r.Count <= 0 || len(ts) < r.Count {
		return nil
	}
	cover := make([]int, len(ts)+1)
	i := 0
	for j := range ts {
		for ts[j].Sub(ts[i]) > r.Window {
			i++
		}
		if j-i+1 >= r.Count {
			cover[i]++
			cover[j+1]--
		}
	}
	var out [][2]int
	depth, start := 0, -1
	for k := range ts {
		depth += cover[k]
		switch {
		case depth > 0 && start < 0:
			start = k
		case depth > 0 && ts[k].Sub(ts[k-1]) > r.Window:
			out = append(out, [2]int{start, k - 1})
			start = k
		case depth <= 0 && start >= 0:
			out = append(out, [2]int{start, k - 1})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(ts) - 1})
	}
	return out
}

// span formats a duration for people: "45 s", "9 min", "1 h 30 min".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return itoa(int(d/time.Second)) + " s"
	case d < time.Hour:
		return itoa(int(d/time.Minute)) + " min"
	case d%time.Hour < time.Minute:
		return itoa(int(d/time.Hour)) + " h"
	default:
		return itoa(int(d/time.Hour)) + " h " + itoa(int(d%time.Hour/time.Minute)) + " min"
	}
}
