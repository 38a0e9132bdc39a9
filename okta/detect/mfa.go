package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// MFA: mfa_failures, mfa_factor_reset, fastpass_phishing.

const (
	baseMFAFailures  = 35 // many failed challenges: Medium (Splunk risk 48)
	wMFAThenSuccess  = 20 // … and then one succeeded
	baseMFABypass    = 50 // any attempt to bypass MFA: High
	baseFactorReset  = 25 // a factor reset, deactivated or suspended: Medium
	baseFactorUpdate = 15 // a factor updated (a new phone number …): Low
	wResetAll        = 10 // every factor at once
	wBySupport       = 25 // Okta support reset it (Elastic, Okta)
	wByOther         = 5  // an administrator, not the user
	wSelfService     = -5 // the user themselves
	wResetThenSignIn = 25 // reset, then a sign-in: the takeover pattern (Elastic)
	baseOrgMFAOff    = 55 // a factor disabled org-wide: High (Panther)
	baseFastPass     = 55 // FastPass declined phishing: High (Splunk impact 100)
	wFastPassRepeat  = 5  // each further attempt …
	wFastPassCap     = 15 // … capped

	oktaSupport = "system@okta.com"
)

// Evidence prefixes that Remedies reads.
const (
	evMFAThenSuccess  = "then MFA succeeded"
	evResetThenSignIn = "then a sign-in"
)

// mfaFailures finds bursts of failed MFA challenges and attempts to bypass
// MFA.
func mfaFailures(tl *timeline) []finding {
	byUser := map[string][]int{}
	bypass := map[string][]int{}
	for i, e := range tl.events {
		u := subject(e)
		if u == "" {
			continue
		}
		switch {
		case e.EventType == "user.mfa.attempt_bypass":
			bypass[u] = append(bypass[u], i)
		case isMFAChallenge(e) && failed(e) && !isPush(e) && !fastPassPhish(e):
			byUser[u] = append(byUser[u], i)
		}
	}
	var out []finding
	r := tl.cfg.Thresholds.MFAFailures
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		ts := make([]time.Time, len(idx))
		for k, i := range idx {
			ts[k] = tl.events[i].Published
		}
		for _, run := range bursts(ts, r) {
			part := slices.Clone(idx[run[0] : run[1]+1])
			first, last := tl.events[part[0]], tl.events[part[len(part)-1]]
			d := last.Published.Sub(first.Published)
			factors := tl.factors(part)
			var ev evidence
			ev.add(baseMFAFailures, "%d failed MFA challenges in %s%s (threshold %d in %s)", len(part), span(d), factors, r.Count, span(r.Window))
			summary := itoa(len(part)) + " failed MFA challenges for " + u + " in " + span(d) + factors + tl.fromIPs(part)
			if p, ok := tl.firstProxied(part); ok {
				tl.proxyEvidence(&ev, p, "challenges")
			}
			if w, ok := tl.firstWatched(part); ok {
				tl.watchEvidence(&ev, w, "challenges")
			}
			tl.adminEvidence(&ev, u)
			if i, ok := tl.verifiedAfter(u, last.Published, last.Published.Add(tl.cfg.Thresholds.PushAcceptWithin)); ok {
				ev.add(wMFAThenSuccess, "%s at %s", evMFAThenSuccess, tl.clock(tl.events[i].Published))
				summary += ", then MFA succeeded at " + tl.clock(tl.events[i].Published)
				part = append(part, i)
			}
			out = append(out, tl.newFinding(MFAFailures, u, summary, ev, part))
		}
	}
	for _, u := range sortedKeys(bypass) {
		idx := bypass[u]
		first := tl.events[idx[0]]
		var ev evidence
		ev.add(baseMFABypass, "%s to bypass MFA", plural(len(idx), "attempt", "attempts"))
		tl.origin(&ev, first, "the attempt")
		tl.adminEvidence(&ev, u)
		summary := plural(len(idx), "attempt", "attempts") + " to bypass MFA for " + u + tl.fromIPs(idx) +
			", first at " + tl.clock(first.Published)
		out = append(out, tl.newFinding(MFAFailures, u, summary, ev, idx))
	}
	return out
}

// factors is " (factor: SMS)" for the factors the events name.
func (tl *timeline) factors(idx []int) string {
	var fs []string
	for _, i := range idx {
		if f := tl.events[i].Debug["factor"]; f != "" && !slices.Contains(fs, f) {
			fs = append(fs, f)
		}
	}
	switch len(fs) {
	case 0:
		return ""
	case 1:
		return " (factor " + fs[0] + ")"
	}
	slices.Sort(fs)
	return " (factors " + strings.Join(fs, ", ") + ")"
}

// authenticatorOff is Identity Engine's event for an authenticator turned
// off for the whole org, Classic's system.mfa.factor.deactivate.
const authenticatorOff = "security.authenticator.lifecycle.deactivate"

// mfaFactorReset finds factors reset, deactivated, suspended or updated, and
// a factor (Classic) or authenticator (Identity Engine) disabled org-wide.
func mfaFactorReset(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		switch e.EventType {
		case "system.mfa.factor.deactivate", authenticatorOff:
			out = append(out, tl.orgFactorOff(i))
		case "user.mfa.factor.deactivate", "user.mfa.factor.reset_all", "user.mfa.factor.suspend", "user.mfa.factor.update":
			if f, ok := tl.factorReset(i); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

func (tl *timeline) factorReset(i int) (finding, bool) {
	e := tl.events[i]
	user := subject(e)
	if user == "" {
		return finding{}, false
	}
	actor := e.Actor.AlternateID
	verb := map[string]string{
		"user.mfa.factor.deactivate": "reset", "user.mfa.factor.reset_all": "reset",
		"user.mfa.factor.suspend": "suspended", "user.mfa.factor.update": "updated",
	}[e.EventType]
	what := "an MFA factor"
	if f := factorName(e); f != "" {
		what += " (" + f + ")"
	}
	if e.EventType == "user.mfa.factor.reset_all" {
		what = "all MFA factors"
	}
	var ev evidence
	base := baseFactorReset
	if e.EventType == "user.mfa.factor.update" {
		base = baseFactorUpdate
	}
	ev.add(base, "%s of %s %s", what, user, verb)
	if e.EventType == "user.mfa.factor.reset_all" {
		ev.add(wResetAll, "every factor at once")
	}
	by := ""
	switch {
	case strings.EqualFold(actor, oktaSupport):
		ev.add(wBySupport, "done by Okta support (%s)", oktaSupport)
		by = " by Okta support"
	case actor != "" && actor != user:
		ev.add(wByOther, "done by %s, not the user", actor)
		tl.offHoursEvidence(&ev, e.Published)
		by = " by " + actor
	case actor == user:
		ev.add(wSelfService, "the user did it themselves")
		by = " by the user"
	}
	tl.origin(&ev, e, "the change")
	tl.adminEvidence(&ev, user)
	blockedEvidence(&ev, e, "the change")
	idx := []int{i}
	summary := capitalize(what) + " of " + user + " " + verb + by + " at " + tl.clock(e.Published)
	if j, ok := tl.signInAfter(user, i, tl.cfg.Thresholds.ResetThenSignIn); ok && !blocked(e) {
		s := tl.events[j]
		ev.add(wResetThenSignIn, "%s at %s from %s, within %s", evResetThenSignIn, tl.clock(s.Published), tl.ipLabel(s), span(tl.cfg.Thresholds.ResetThenSignIn))
		summary += ", then a sign-in from " + tl.ipLabel(s) + " at " + tl.clock(s.Published)
		idx = append(idx, j)
	}
	return tl.newFinding(MFAFactorReset, user, summary, ev, idx), true
}

func (tl *timeline) orgFactorOff(i int) finding {
	e := tl.events[i]
	actor := actorLogin(e)
	var ev evidence
	f := "An MFA factor"
	if n := factorName(e); n != "" {
		f = "MFA factor " + n
	}
	if e.EventType == authenticatorOff {
		f = "An authenticator"
		if n := factorName(e); n != "" {
			f = "Authenticator " + n
		}
	}
	ev.add(baseOrgMFAOff, "%s deactivated for the whole org", f)
	by := ""
	if strings.EqualFold(e.Actor.AlternateID, oktaSupport) {
		ev.add(wBySupport, "done by Okta support (%s)", oktaSupport)
		by = " by Okta support"
	} else if actor != "" {
		by = " by " + actor
	}
	tl.offHoursEvidence(&ev, e.Published)
	tl.origin(&ev, e, "the change")
	blockedEvidence(&ev, e, "the change")
	summary := f + " deactivated for the whole org" + by + " at " + tl.clock(e.Published)
	return tl.newFinding(MFAFactorReset, actor, summary, ev, []int{i})
}

// signInAfter is user's first successful sign-in within d after event i.
func (tl *timeline) signInAfter(user string, i int, d time.Duration) (int, bool) {
	end := tl.events[i].Published.Add(d)
	for j := i + 1; j < len(tl.events) && !tl.events[j].Published.After(end); j++ {
		if e := tl.events[j]; isSignIn(e) && actorLogin(e) == user {
			return j, true
		}
	}
	return 0, false
}

// factorName names the factor an event is about ("OKTA_VERIFY_PUSH",
// "FIDO_WEBAUTHN"), or "" when the event does not say.
func factorName(e intents.Event) string {
	if f := e.Debug["factor"]; f != "" {
		return f
	}
	for _, t := range e.Targets {
		if !isUserActor(t) && t.DisplayName != "" {
			return t.DisplayName
		}
	}
	// "User reset FIDO_WEBAUTHN factor", "User suspended SIGNED_NONCE factor"
	if f := strings.Fields(e.Outcome.Reason); len(f) >= 2 && strings.EqualFold(f[len(f)-1], "factor") {
		return f[len(f)-2]
	}
	return ""
}

// fastPassPhishing finds Okta FastPass declining to sign a user in to a
// phishing site.
func fastPassPhishing(tl *timeline) []finding {
	byUser := map[string][]int{}
	for i, e := range tl.events {
		if fastPassPhish(e) {
			if u := subject(e); u != "" {
				byUser[u] = append(byUser[u], i)
			}
		}
	}
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		first := tl.events[idx[0]]
		var ev evidence
		ev.add(baseFastPass, "Okta FastPass declined a phishing attempt: %s was lured to a fake sign-in page", u)
		if len(idx) > 1 {
			ev.add(min((len(idx)-1)*wFastPassRepeat, wFastPassCap), "%d times", len(idx))
		}
		tl.adminEvidence(&ev, u)
		summary := "Okta FastPass refused to sign " + u + " in to a phishing site at " + tl.clock(first.Published)
		if len(idx) > 1 {
			summary += " (" + itoa(len(idx)) + " times)"
		}
		out = append(out, tl.newFinding(FastPassPhishing, u, summary, ev, idx))
	}
	return out
}
