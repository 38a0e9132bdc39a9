package detect

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// password_in_username: someone typed their password into the username
// box. The sign-in fails and Okta logs what was typed as the actor's
// alternateId: the password now sits in clear text in the System Log and
// every system it is shipped to. A finding never shows it: it says only
// that it happened, where, and — when the same IP signs a user in soon
// after — whose password it likely was, so that it can be changed.
//
// What was typed is judged by its shape alone (Sigma's "password in
// alternateId field" takes anything that is not an email; this is
// stricter, for orgs whose logins are not emails): not an email address,
// not DOMAIN\user, not an Okta id (0oa…, as service clients sign in), no
// spaces, 8 to 64 characters mixing three of lower case,
// upper case, digits and symbols (dots, dashes and underscores, common in
// logins, are not counted as symbols).

const (
	basePasswordUsername = 30 // a password in the System Log: Medium
	wPasswordOwner       = 15 // … and we know whose: change it

	// ownerWithin is how soon after a successful sign-in from the same
	// IP names the password's owner: people retype at once.
	ownerWithin = 10 * time.Minute

	// evPasswordOwner starts the evidence item Remedies reads.
	evPasswordOwner = "then a user signed in from the same IP"
)

var (
	emailShape  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	domainShape = regexp.MustCompile(`^[A-Za-z0-9.-]+\\[A-Za-z0-9._-]+$`)
	// oktaIDShape is an Okta object id (an app client 0oa…, a user 00u…),
	// which service accounts sign in with.
	oktaIDShape = regexp.MustCompile(`^0[0-9a-z]{2}[0-9A-Za-z]{17}$`)
)

// passwordShaped reports whether s looks like a password rather than a
// login.
func passwordShaped(s string) bool {
	n := len([]rune(s))
	if n < 8 || n > 64 || emailShape.MatchString(s) || domainShape.MatchString(s) || oktaIDShape.MatchString(s) || strings.EqualFold(s, "unknown") {
		return false
	}
	var lower, upper, digit, symbol bool
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || !unicode.IsPrint(r):
			return false
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case r == '.' || r == '-' || r == '_':
		default:
			symbol = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, symbol} {
		if b {
			classes++
		}
	}
	return classes >= 3
}

// passwordInUsername finds failed sign-ins whose username was a password.
func passwordInUsername(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if !isFailedSignIn(e) || !passwordShaped(e.Actor.AlternateID) || tl.ids[e.Actor.AlternateID] != "" {
			continue
		}
		var ev evidence
		ev.add(basePasswordUsername, "a sign-in failed with a password-like text as the username (not shown): "+
			"it is now in the System Log in clear text")
		summary := "A sign-in at " + tl.clock(e.Published) + " from " + tl.ipLabel(e) +
			" failed with what looks like a password typed as the username (not shown)"
		idx := []int{i}
		owner := ""
		for j := i + 1; j < len(tl.events); j++ {
			s := tl.events[j]
			if s.Published.Sub(e.Published) > ownerWithin {
				break
			}
			if isSignIn(s) && s.Client.IP == e.Client.IP && e.Client.IP != "" && actorLogin(s) != "" {
				owner = actorLogin(s)
				ev.add(wPasswordOwner, "%s at %s: likely %s's password", evPasswordOwner, tl.clock(s.Published), owner)
				summary += "; " + owner + " signed in from the same IP at " + tl.clock(s.Published) +
					": likely their password"
				idx = append(idx, j)
				break
			}
		}
		tl.proxyEvidence(&ev, e, "the attempt")
		tl.adminEvidence(&ev, owner)
		out = append(out, tl.newFinding(PasswordInUsername, owner, summary, ev, idx))
	}
	return out
}
