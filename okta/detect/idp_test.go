package detect

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// viaIdP makes a sign-in vouched for by issuer id of type typ, as Okta
// writes authenticationContext.issuer.
func viaIdP(id, typ string) opt {
	return func(e *intents.Event) {
		e.Issuer = intents.Issuer{ID: id, Type: typ}
		e.DisplayMessage = "Authenticate user via IDP"
	}
}

const (
	idpSAML   = "user.authentication.auth_via_IDP"
	partner   = "http://www.okta.com/exk1partner"
	sixDays   = 6 * 24 * time.Hour
	hourLater = time.Hour
)

func TestIdPSignIn(t *testing.T) {
	var provenNew, short, again, gap, created, okta, failedIdP, plain, social orgLog
	provenNew.add(signIn, -sixDays) // the read reaches six days back
	provenNew.add(idpSAML, 0, viaIdP(partner, "SAML2"))

	short.add(idpSAML, 0, viaIdP(partner, "SAML2"))

	again.add(idpSAML, 0, viaIdP(partner, "SAML2"))
	again.add(idpSAML, 24*time.Hour, as(alice), viaIdP(partner, "SAML2"))

	gap.add(idpSAML, 0, viaIdP(partner, "SAML2"))
	gap.add(idpSAML, sixDays, as(alice), viaIdP(partner, "SAML2"))

	created.add("system.idp.lifecycle.create", -2*time.Hour, as(admin), target("IdentityProvider", "0oaidp", "Partner SAML"))
	created.add(idpSAML, 0, viaIdP(partner, "SAML2"))

	okta.add(idpSAML, 0, viaIdP("Okta", "OKTA"))
	failedIdP.add(idpSAML, 0, viaIdP(partner, "SAML2"), failure("INVALID_CREDENTIALS"))
	plain.add(signIn, 0)
	social.add("user.authentication.auth_via_social", 0, as(alice), viaIdP("https://accounts.google.com", "OIDC"))

	runCases(t, IdPSignIn, []detCase{
		{name: "an issuer not seen in the six days read", events: provenNew.events, want: []got{{john, intents.SeverityHigh, 1}}},
		{name: "a first sign-in in a short read", events: short.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "the same issuer the next day", events: again.events, want: []got{{john, intents.SeverityMedium, 1}}},
		{name: "the same issuer after six quiet days", events: gap.events,
			want: []got{{alice, intents.SeverityHigh, 1}, {john, intents.SeverityMedium, 1}}},
		{name: "an identity provider created two hours before", events: created.events, want: []got{{john, intents.SeverityMedium, 2}}},
		{name: "Okta as issuer", events: okta.events},
		{name: "a failed sign-in through an IdP", events: failedIdP.events},
		{name: "an Okta sign-in", events: plain.events},
		{name: "a social sign-in", events: social.events, want: []got{{alice, intents.SeverityMedium, 1}}},
	})
}

// TestIdPSignInDecoded reads the issuer from the LogEvent as Okta writes it.
func TestIdPSignInDecoded(t *testing.T) {
	raw := json.RawMessage(`{"uuid":"9f1c","published":"2026-11-24T14:00:00.000Z","eventType":"user.authentication.auth_via_IDP",
		"displayMessage":"Authenticate user via IDP","severity":"INFO",
		"actor":{"id":"00ujohn","type":"User","alternateId":"john@company.com","displayName":"John"},
		"client":{"ipAddress":"203.0.113.5","userAgent":{"rawUserAgent":"Mozilla/5.0","browser":"CHROME","os":"Mac OS X"},
			"geographicalContext":{"city":"Frankfurt","country":"Germany","geolocation":{"lat":50.1,"lon":8.7}}},
		"authenticationContext":{"authenticationStep":0,"externalSessionId":"102abc","issuer":{"id":"http://www.okta.com/exk1partner","type":"SAML2"}},
		"outcome":{"result":"SUCCESS"},"transaction":{"id":"tx1","type":"WEB"}}`)
	e, err := decodeLogEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	fs := detection(t, IdPSignIn).Run(testConfig(), []intents.Event{e})
	if len(fs) != 1 || !has(fs[0].Evidence, "john@company.com signed in through identity provider http://www.okta.com/exk1partner (SAML2)") {
		t.Errorf("Run(decoded auth_via_IDP) = %s, want one finding naming the issuer", dump(fs))
	}
}

func TestIdPSignInEngine(t *testing.T) {
	var l orgLog
	l.add("system.idp.lifecycle.create", -2*time.Hour, as(admin), target("IdentityProvider", "0oaidp", "Partner SAML"))
	l.add(idpSAML, 0, viaIdP(partner, "SAML2"))
	l.add(idpSAML, hourLater, as(alice), from("203.0.113.80", london), viaIdP(partner, "SAML2")) // not new: john's came an hour before
	want := Analyze(testConfig(), l.events)
	e := NewEngine(testConfig(), Limits{})
	for _, ev := range l.events {
		e.Feed([]intents.Event{ev})
	}
	got := e.Analysis()
	if len(got.Findings) != len(want.Findings) {
		t.Fatalf("engine found%s\nbatch found%s", dump(got.Findings), dump(want.Findings))
	}
	for i := range want.Findings {
		if got.Findings[i].Summary != want.Findings[i].Summary || got.Findings[i].Score != want.Findings[i].Score {
			t.Errorf("engine finding %d:%s\nbatch:%s", i, dump(got.Findings[i:i+1]), dump(want.Findings[i:i+1]))
		}
	}
}
