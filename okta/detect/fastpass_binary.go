package detect

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// fastpass_untrusted_binary: Okta FastPass signed a user in for a program
// that is no browser the org expects (Okta's "FastPass auth via
// suspicious binary"). FastPass answers any local program that asks over
// its loopback port; malware on the device, or an attacker proxying
// through it, can ask too. Okta logs who asked in
// authenticationContext.authenticatorContext: the binding (LOOPBACK), the
// caller's binary and whether its signature checked out (NO_SIGNATURE).
// Config.FastPassBinaries lists the expected callers (default: the common
// browsers).

const (
	baseFastPassBinary = 45 // FastPass for an unexpected program: Medium
	wFastPassUnsigned  = 15 // … that is not even signed: High
)

// authenticator reads a field of e's authenticatorContext.
func authenticator(e intents.Event, field string) string {
	return strings.TrimSpace(e.Debug["authenticatorContext."+field])
}

// fastPassSuccess reports a successful Okta FastPass (signed nonce)
// verification.
func fastPassSuccess(e intents.Event) bool {
	if !succeeded(e) || !strings.HasPrefix(e.EventType, "user.authentication.") {
		return false
	}
	return strings.EqualFold(e.Debug["factor"], "SIGNED_NONCE") || strings.Contains(methodUsed(e), "signed_nonce")
}

// expectedCaller reports a binary on the configured list (matched as a
// part of its identifier, without regard to case).
func (tl *timeline) expectedCaller(binary string) bool {
	b := strings.ToLower(binary)
	for _, x := range tl.cfg.FastPassBinaries {
		if x = strings.ToLower(strings.TrimSpace(x)); x != "" && strings.Contains(b, x) {
			return true
		}
	}
	return false
}

// fastPassUntrustedBinary finds FastPass sign-ins for unexpected or
// unsigned programs.
func fastPassUntrustedBinary(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if !fastPassSuccess(e) || !strings.EqualFold(authenticator(e, "bindingMethod"), "LOOPBACK") {
			continue
		}
		binary := authenticator(e, "binaryIdentifier")
		unsigned := strings.EqualFold(authenticator(e, "validationStatus"), "NO_SIGNATURE")
		if !unsigned && (binary == "" || tl.expectedCaller(binary)) {
			continue
		}
		who := binary
		if who == "" {
			who = "an unnamed program"
		}
		u := subject(e)
		var ev evidence
		ev.add(baseFastPassBinary, "Okta FastPass signed %s in for %s, not a browser the org expects", orName(u, e.Actor), shorten(who, 80))
		if unsigned {
			ev.add(wFastPassUnsigned, "the program's signature did not check out (NO_SIGNATURE)")
		}
		tl.origin(&ev, e, "the sign-in")
		tl.adminEvidence(&ev, u)
		summary := "Okta FastPass signed " + orName(u, e.Actor) + " in for " + shorten(who, 60)
		if unsigned {
			summary += " (unsigned)"
		}
		summary += " at " + tl.clock(e.Published) + " from " + tl.ipLabel(e)
		out = append(out, tl.newFinding(FastPassUntrustedBinary, u, summary, ev, []int{i}))
	}
	return out
}
