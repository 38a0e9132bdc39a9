package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// The Okta Admin Console: admin_console_denied, admin_console_weak_factor.
//
// Someone with an administrator's password who tries the Admin Console
// and is refused by its policy leaves user.session.access_admin_app with
// outcome FAILURE (Okta's "access to Admin Console denied"). Someone who
// gets in with only a password, an email link, an SMS or a security
// question (Identity Engine logs each factor as user.authentication.verify
// naming the Admin Console, its kind in the authenticator's
// detailEntry.methodTypeUsed) shows an Admin Console policy that does not
// ask for strong MFA (Okta and Datadog's "Admin Console with a weak MFA
// factor").

const (
	baseConsoleDenied  = 35 // the Admin Console refused: Medium
	wConsoleDeniedMore = 10 // … again and again (Thresholds.ConsoleDenied)
	baseConsoleWeak    = 40 // the Admin Console reached with weak factors only: Medium
	wConsolePassword   = 15 // … a password alone: High
)

// consoleApp reports an event naming the Okta Admin Console as a target.
func consoleApp(e intents.Event) bool {
	for _, t := range e.Targets {
		for _, s := range []string{t.DisplayName, t.AlternateID} {
			if strings.Contains(s, "Okta Admin Console") || strings.Contains(s, "Okta Administration") {
				return true
			}
		}
	}
	return false
}

// consoleDenied reports the Admin Console refusing a user.
func consoleDenied(e intents.Event) bool {
	switch e.EventType {
	case "user.session.access_admin_app":
		return failed(e)
	case "policy.evaluate_sign_on":
		return strings.EqualFold(e.Outcome.Result, "DENY") && consoleApp(e)
	}
	return false
}

// adminConsoleDenied finds users the Admin Console refused.
func adminConsoleDenied(tl *timeline) []finding {
	byUser := tl.bySubject(consoleDenied)
	r := tl.cfg.Thresholds.ConsoleDenied
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		top := tl.strongest(idx)
		var ev evidence
		ev.add(baseConsoleDenied, "the Okta Admin Console refused %s %s", u, plural(len(idx), "time", "times"))
		if len(bursts(tl.times(idx), r)) > 0 {
			ev.add(wConsoleDeniedMore, "%d or more refusals within %s: someone keeps trying", r.Count, span(r.Window))
		}
		tl.origin(&ev, top, "the attempt")
		tl.adminEvidence(&ev, u)
		summary := "The Okta Admin Console refused " + u + " " + plural(len(idx), "time", "times") + tl.fromIPs(idx) +
			", first at " + tl.clock(tl.events[idx[0]].Published)
		if reason := tl.events[idx[0]].Outcome.Reason; reason != "" {
			summary += " (" + shorten(reason, 60) + ")"
		}
		out = append(out, tl.newFinding(AdminConsoleDenied, u, summary, ev, idx))
	}
	return out
}

// methodUsed is the authenticator method an Identity Engine verify or MFA
// event names (detailEntry.methodTypeUsed), lower case.
func methodUsed(e intents.Event) string {
	for _, t := range e.Targets {
		for k, v := range t.Detail {
			if strings.EqualFold(k, "methodTypeUsed") && v != "" {
				return strings.ToLower(v)
			}
		}
	}
	return ""
}

// strongMethod reports a method that is real MFA: Okta Verify (push,
// code, FastPass), a security key or biometrics, an authenticator app, an
// identity provider, Duo.
func strongMethod(m string) bool {
	for _, s := range []string{"signed_nonce", "fastpass", "push", "otp", "totp", "webauthn", "security key", "biometric", "idp", "duo", "okta verify", "authenticator"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// weakMethod reports a method that is no MFA worth the name for an
// administrator: a password, an email, an SMS or a call, a security
// question.
func weakMethod(m string) bool {
	for _, s := range []string{"password", "email", "sms", "voice", "phone", "security_question", "security question"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// adminConsoleWeakFactor finds the Admin Console reached, in one session,
// with no strong factor.
func adminConsoleWeakFactor(tl *timeline) []finding {
	type visit struct {
		user    string
		idx     []int
		methods []string
		strong  bool
	}
	visits := map[string]*visit{}
	var order []string
	for i, e := range tl.events {
		if e.EventType != "user.authentication.verify" && !isMFAChallenge(e) {
			continue
		}
		u := subject(e)
		if u == "" || !succeeded(e) {
			continue
		}
		key := sessionOf(e)
		if key == "" {
			key = "tx:" + e.TransactionID
		}
		key = u + "\x00" + key
		m := methodUsed(e)
		if m == "" && isMFAChallenge(e) {
			m = strings.ToLower(e.Debug["factor"])
		}
		v := visits[key]
		if v == nil { // a session's factors count wherever they were asked
			v = &visit{user: u}
			visits[key] = v
			order = append(order, key)
		}
		if strongMethod(m) {
			v.strong = true
		}
		if consoleApp(e) && weakMethod(m) && !strongMethod(m) {
			v.idx = append(v.idx, i)
			if !slices.Contains(v.methods, m) {
				v.methods = append(v.methods, m)
			}
		}
	}
	var out []finding
	for _, key := range order {
		v := visits[key]
		if v.strong || len(v.idx) == 0 {
			continue
		}
		e := tl.events[v.idx[len(v.idx)-1]]
		var ev evidence
		ev.add(baseConsoleWeak, "the Okta Admin Console reached with %s only, no strong MFA in the session", strings.Join(v.methods, " and "))
		if len(v.methods) == 1 && strings.Contains(v.methods[0], "password") {
			ev.add(wConsolePassword, "a password alone: anyone who has it is an administrator")
		}
		tl.origin(&ev, e, "the sign-in")
		tl.adminEvidence(&ev, v.user)
		summary := v.user + " reached the Okta Admin Console with " + strings.Join(v.methods, " and ") + " only, from " +
			tl.ipLabel(e) + " at " + tl.clock(e.Published)
		out = append(out, tl.newFinding(AdminConsoleWeakFactor, v.user, summary, ev, v.idx))
	}
	return out
}
