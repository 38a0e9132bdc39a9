package detect

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// idp_sign_in: a sign-in vouched for by another identity provider (a SAML
// or OIDC IdP, a social login) through an issuer not seen for
// Thresholds.NewIssuerWithin before it. An attacker who has added an
// identity provider of their own (the cross-tenant impersonation Okta
// described in 2023) signs in as any user whose username it asserts; an
// org that federates every day sees its issuers daily and this stays
// quiet, as Elastic's new-terms rule does.
//
// The issuer is authenticationContext.issuer; Okta's own ("Okta") is not
// another IdP. Whether an issuer is new is known only when the events
// read reach NewIssuerWithin back: otherwise the finding says how far
// they reach and does not weigh newness. An identity provider created or
// changed in the org before the sign-in (within the same span) adds
// weight.

const (
	baseIdPSignIn = 30 // the first sign-in through an issuer: Medium
	wIdPNew       = 20 // … not seen for NewIssuerWithin: High (Panther rates IdP sign-ins High)
	wIdPChanged   = 15 // … after an identity provider was created or changed

	evIdPNew     = "a new identity provider"
	evIdPChanged = "an identity provider was"
)

// idpSignInType reports the event types of a sign-in through another IdP.
func idpSignInType(t string) bool {
	switch t {
	case "user.authentication.auth_via_IDP", "user.authentication.auth_via_inbound_SAML", "user.authentication.auth_via_social":
		return true
	}
	return false
}

// isIdPSignIn reports a successful sign-in vouched for by another IdP.
func isIdPSignIn(e intents.Event) bool {
	return idpSignInType(e.EventType) && succeeded(e) && issuer(e) != ""
}

// issuer names who vouched for an IdP sign-in: the issuer's id, else the
// identity provider the event targets; "" for Okta itself.
func issuer(e intents.Event) string {
	if id := strings.TrimSpace(e.Issuer.ID); id != "" {
		if strings.EqualFold(id, "okta") {
			return ""
		}
		return id
	}
	for _, t := range e.Targets {
		if strings.Contains(strings.ToLower(t.Type), "identityprovider") {
			return t.Label()
		}
	}
	if e.EventType == "user.authentication.auth_via_social" {
		return "a social identity provider"
	}
	return "an unnamed identity provider"
}

// isIdPChange reports an identity provider created, activated or changed.
func isIdPChange(e intents.Event) bool {
	switch e.EventType {
	case "system.idp.lifecycle.create", "system.idp.lifecycle.activate", "system.idp.lifecycle.update":
		return succeeded(e)
	}
	return false
}

// idpSignIn finds the first sign-in through each issuer after
// NewIssuerWithin without one.
func idpSignIn(tl *timeline) []finding {
	within := tl.cfg.Thresholds.NewIssuerWithin
	last := map[string]time.Time{} // issuer → its latest sign-in so far
	var changes []int
	var out []finding
	for i, e := range tl.events {
		if isIdPChange(e) {
			changes = append(changes, i)
			continue
		}
		if !isIdPSignIn(e) {
			continue
		}
		iss := issuer(e)
		prev, seen := last[iss]
		last[iss] = e.Published
		if seen && e.Published.Sub(prev) <= within {
			continue
		}
		user := subject(e)
		kind := e.Issuer.Type
		if kind == "" {
			kind = strings.TrimPrefix(e.EventType, "user.authentication.auth_via_")
		}
		var ev evidence
		ev.add(baseIdPSignIn, "%s signed in through identity provider %s (%s), not Okta", orName(user, e.Actor), iss, kind)
		reach := tl.reach(e.Published)
		switch {
		case seen:
			ev.add(wIdPNew, "%s: no sign-in through it for %s before", evIdPNew, span(e.Published.Sub(prev)))
		case reach >= within:
			ev.add(wIdPNew, "%s: no sign-in through it in the %s before", evIdPNew, span(within))
		default:
			ev.add(0, "the first sign-in through it in the events read, which reach back only %s: whether it is new is not known", span(reach))
		}
		idx := []int{i}
		for _, c := range changes {
			ch := tl.events[c]
			if e.Published.Sub(ch.Published) > within {
				continue
			}
			what := "an identity provider"
			for _, t := range ch.Targets {
				if strings.Contains(strings.ToLower(t.Type), "identityprovider") {
					what = "identity provider " + t.Label()
				}
			}
			verb := strings.TrimPrefix(ch.EventType, "system.idp.lifecycle.")
			ev.add(wIdPChanged, "%s %sd by %s %s before the sign-in (%s)", evIdPChanged, verb,
				orName(actorLogin(ch), ch.Actor), span(e.Published.Sub(ch.Published)), what)
			idx = append(idx, c)
			break
		}
		tl.origin(&ev, e, "the sign-in")
		tl.adminEvidence(&ev, user)
		summary := orName(user, e.Actor) + " signed in through " + iss + ", an identity provider other than Okta, from " +
			tl.ipLabel(e) + " at " + tl.clock(e.Published)
		out = append(out, tl.newFinding(IdPSignIn, user, summary, ev, idx))
	}
	return out
}
