package detect

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// A policy or rule change, read field by field from the changed target's
// changeDetails (intents.Actor.Changes): what it removed from sign-on or
// MFA, and the first sign-in that went through a weakened rule without
// MFA.
//
// The fields are those of Okta's own rule shapes: a global session
// (OKTA_SIGN_ON) rule's actions.signon {access, requireFactor,
// factorPromptMode, factorLifetime, session {maxSessionIdleMinutes,
// maxSessionLifetimeMinutes, usePersistentCookie}}; an Identity Engine
// authentication (ACCESS_POLICY) rule's actions.appSignOn {access,
// verificationMethod {factorMode, reauthenticateIn, constraints}}; any
// rule's conditions.people.{users,groups}.exclude and
// conditions.network.{include,exclude}; an MFA enrolment policy's
// settings (authenticators[].enroll.self, factors.*.enroll.self).

const (
	wMFARemoved     = 25 // requireFactor true → false, factorMode 2FA → 1FA
	wAccessAllowed  = 20 // access DENY → ALLOW
	wPhishResistOff = 15 // a phishing-resistant or device-bound constraint dropped
	wPromptLess     = 10 // MFA asked less often; enrolment no longer required
	wExempted       = 10 // people or network zones taken out of the rule
	wLonger         = 5  // sessions or MFA remembered longer
	wWeakenedUsed   = 15 // a sign-in went through the weakened rule without MFA
	wUsedRisky      = 10 // … and that sign-in was proxied or rated HIGH risk
	maxChangeLines  = 4  // change lines in a finding's evidence
	linkWindow      = 10 * time.Minute
)

// weakening is what one changed field removed, in words, and its weight.
type weakening struct {
	points int
	why    string
}

// rateChange reports whether c weakens sign-on or MFA, and how.
func rateChange(c intents.Change) (weakening, bool) {
	from, to := c.Before(), c.After()
	path := c.Path
	switch {
	case strings.HasSuffix(path, "signon.requireFactor") && from == "true" && to == "false":
		return weakening{wMFARemoved, "MFA is no longer required at sign-in"}, true
	case strings.HasSuffix(path, "verificationMethod.factorMode") && from == "2FA" && to == "1FA":
		return weakening{wMFARemoved, "one factor is now enough"}, true
	case strings.HasSuffix(path, ".access") && from == "DENY" && to == "ALLOW":
		return weakening{wAccessAllowed, "sign-in is now allowed where it was denied"}, true
	case strings.HasSuffix(path, "signon.factorPromptMode") && promptRank(to) > 0 && promptRank(to) < promptRank(from):
		return weakening{wPromptLess, "MFA is asked less often"}, true
	case strings.HasSuffix(path, "verificationMethod.constraints") && strongConstraint(c.From) && !strongConstraint(c.To):
		return weakening{wPhishResistOff, "a phishing-resistant or device-bound factor is no longer required"}, true
	case strings.HasSuffix(path, "signon.factorLifetime") && longer(from, to, minutes):
		return weakening{wLonger, "MFA is remembered longer"}, true
	case strings.HasSuffix(path, "verificationMethod.reauthenticateIn") && longer(from, to, isoDuration):
		return weakening{wLonger, "re-authentication is asked less often"}, true
	case strings.HasSuffix(path, "session.maxSessionIdleMinutes") && longer(from, to, minutes),
		strings.HasSuffix(path, "session.maxSessionLifetimeMinutes") && longer(from, to, lifetime):
		return weakening{wLonger, "sessions last longer"}, true
	case strings.HasSuffix(path, "session.usePersistentCookie") && from == "false" && to == "true":
		return weakening{wLonger, "sessions outlive the browser"}, true
	case (strings.HasSuffix(path, "people.users.exclude") || strings.HasSuffix(path, "people.groups.exclude")) &&
		len(added(c.From, c.To)) > 0:
		return weakening{wExempted, "people are now exempt from the rule"}, true
	case strings.HasSuffix(path, "network.exclude") && len(added(c.From, c.To)) > 0,
		strings.HasSuffix(path, "network.include") && len(added(c.To, c.From)) > 0 && to != "":
		return weakening{wExempted, "the rule no longer covers some network zones"}, true
	case strings.HasSuffix(path, "enroll.self") && from == "REQUIRED" && to != "REQUIRED",
		strings.HasSuffix(path, "settings.authenticators") && required(c.To) < required(c.From):
		return weakening{wPromptLess, "an authenticator is no longer required at enrolment"}, true
	}
	return weakening{}, false
}

// promptRank orders factorPromptMode from the weakest: DEVICE (once per
// device), SESSION (once per session), ALWAYS; 0 when unknown.
func promptRank(mode string) int {
	switch strings.ToUpper(mode) {
	case "DEVICE":
		return 1
	case "SESSION":
		return 2
	case "ALWAYS":
		return 3
	}
	return 0
}

// strongConstraint reports a verificationMethod constraint that requires a
// phishing-resistant or device-bound factor.
func strongConstraint(v json.RawMessage) bool {
	s := string(bytes.ReplaceAll(v, []byte(" "), nil))
	return strings.Contains(s, `"phishingResistant":"REQUIRED"`) || strings.Contains(s, `"deviceBound":"REQUIRED"`)
}

// required counts the authenticators an MFA enrolment setting requires.
func required(v json.RawMessage) int {
	return strings.Count(string(bytes.ReplaceAll(v, []byte(" "), nil)), `"self":"REQUIRED"`)
}

// added are the values of list b that list a lacks (both JSON arrays).
func added(a, b json.RawMessage) []string {
	var as, bs []any
	_ = json.Unmarshal(a, &as)
	if json.Unmarshal(b, &bs) != nil {
		return nil
	}
	var have []string
	for _, v := range as {
		j, _ := json.Marshal(v)
		have = append(have, string(j))
	}
	var out []string
	for _, v := range bs {
		j, _ := json.Marshal(v)
		if !slices.Contains(have, string(j)) {
			out = append(out, string(j))
		}
	}
	return out
}

// longer reports whether to is a longer duration than from, both read by
// parse (ok false when it cannot).
func longer(from, to string, parse func(string) (time.Duration, bool)) bool {
	a, ok1 := parse(from)
	b, ok2 := parse(to)
	return ok1 && ok2 && b > a
}

func minutes(s string) (time.Duration, bool) {
	n, err := strconv.Atoi(s)
	return time.Duration(n) * time.Minute, err == nil && n >= 0
}

// lifetime reads maxSessionLifetimeMinutes, where 0 means no limit.
func lifetime(s string) (time.Duration, bool) {
	d, ok := minutes(s)
	if ok && d == 0 {
		return time.Duration(1<<63 - 1), true
	}
	return d, ok
}

var isoDurationPattern = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// isoDuration reads the ISO 8601 durations of reauthenticateIn ("PT2H",
// "P1D", "PT43800H").
func isoDuration(s string) (time.Duration, bool) {
	m := isoDurationPattern.FindStringSubmatch(strings.ToUpper(s))
	if m == nil || s == "P" || s == "PT" {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, true
}

// targetChanges are the changes an event records on its targets.
func targetChanges(e intents.Event) []intents.Change {
	var out []intents.Change
	for _, t := range e.Targets {
		out = append(out, t.Changes...)
	}
	return out
}

// changeEvidence adds a line per changed field, weakenings first with
// their weights, the rest (neutral edits) without points, at most
// maxChangeLines in all. It returns the strongest weakening's line ("" when
// nothing was weakened).
func changeEvidence(ev *evidence, changes []intents.Change) (strongest string) {
	type line struct {
		text string
		w    weakening
	}
	var weak, neutral []line
	for _, c := range changes {
		if w, ok := rateChange(c); ok {
			weak = append(weak, line{c.String(), w})
		} else {
			neutral = append(neutral, line{c.String(), weakening{}})
		}
	}
	slices.SortStableFunc(weak, func(a, b line) int { return b.w.points - a.w.points })
	all := append(weak, neutral...)
	for i, l := range all {
		if i == maxChangeLines {
			ev.add(0, "… and %s", plural(len(all)-i, "more change", "more changes"))
			break
		}
		if l.w.points > 0 {
			ev.add(l.w.points, "%s — %s", l.text, l.w.why)
		} else {
			ev.add(0, "%s", l.text)
		}
	}
	if len(weak) > 0 {
		return weak[0].text
	}
	return ""
}

// firstUseWithoutMFA finds the first sign-in after event i that the rule
// it changed let through without MFA: a policy.evaluate_sign_on naming the
// rule that allowed the sign-in (no CHALLENGE), then a successful sign-in
// of the same session (or, without one, of the same user and IP within
// linkWindow) with no second factor between. It returns the indexes of
// the evaluation and the sign-in, and how many such sign-ins followed in
// all; ok is false when none did.
func (tl *timeline) firstUseWithoutMFA(i int, rule *intents.Ref) (eval, signIn, n int, ok bool) {
	eval, signIn = -1, -1
	for j := i + 1; j < len(tl.events); j++ {
		e := tl.events[j]
		if e.EventType != "policy.evaluate_sign_on" || !succeeded(e) || !namesRule(e, rule) {
			continue
		}
		k := tl.passwordOnlySignIn(j)
		if k < 0 {
			continue
		}
		n++
		if eval < 0 {
			eval, signIn = j, k
		}
	}
	return eval, signIn, n, eval >= 0
}

// passwordOnlySignIn is the index of the successful sign-in that the
// evaluation at j led to without a second factor, or -1.
func (tl *timeline) passwordOnlySignIn(j int) int {
	ev := tl.events[j]
	same := func(e intents.Event) bool {
		if ev.SessionID != "" && !strings.EqualFold(ev.SessionID, "unknown") {
			return e.SessionID == ev.SessionID
		}
		return actorLogin(e) == actorLogin(ev) && e.Client.IP == ev.Client.IP
	}
	for k := j + 1; k < len(tl.events); k++ {
		e := tl.events[k]
		if e.Published.Sub(ev.Published) > linkWindow {
			return -1
		}
		if !same(e) {
			continue
		}
		switch {
		case isMFAChallenge(e) && succeeded(e):
			return -1
		case isSignIn(e):
			return k
		}
	}
	return -1
}

// namesRule reports whether e names the rule among its targets: by id,
// or by name when the target has no id.
func namesRule(e intents.Event, rule *intents.Ref) bool {
	for _, t := range e.Targets {
		if !strings.Contains(strings.ToLower(t.Type), "rule") {
			continue
		}
		if t.ID != "" && t.ID == rule.ID || t.ID == "" && rule.Name != "" && t.DisplayName == rule.Name {
			return true
		}
	}
	return false
}

// useEvidence adds the sign-in that went through a weakened rule without
// MFA first, and how many did in all.
func (tl *timeline) useEvidence(ev *evidence, signIn intents.Event, n int) {
	who := orName(actorLogin(signIn), signIn.Actor)
	text := "first sign-in through it without MFA: " + who + " at " + tl.clock(signIn.Published) + " from " + tl.ipLabel(signIn)
	if p := signIn.Client.Place(); p != "" {
		text += " in " + p
	}
	if n > 1 {
		text += "; " + plural(n, "such sign-in", "such sign-ins") + " in all"
	}
	ev.add(wWeakenedUsed, "%s", text)
	level, _ := risk(signIn)
	switch {
	case tl.proxy(signIn) == torExit:
		ev.add(wUsedRisky, "that sign-in came through a Tor exit node")
	case tl.proxy(signIn) == okProxy || tl.proxy(signIn) == listedProxy:
		ev.add(wUsedRisky, "that sign-in came through an anonymizing proxy")
	case level == "HIGH":
		ev.add(wUsedRisky, "Okta rated that sign-in's risk HIGH")
	}
}
