package demo

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoFactor is an enrolled factor. kind is a short name: push,
// signed_nonce (FastPass), webauthn, totp (Google Authenticator), sms,
// email.
type demoFactor struct {
	kind, id string
	created  time.Time
	device   string // push and FastPass: the phone or computer; webauthn: the authenticator
	platform string
}

// demoFactorKind describes a kind: its Okta factorType, id prefix,
// provider, and how the System Log names it.
type demoFactorKind struct {
	factorType, prefix, provider string
	logName                      string // debugData.factor
	authenticator                string // the AuthenticatorEnrollment target's displayName
	method                       string // detailEntry.methodTypeUsed
	weak                         bool
}

func demoFactorKinds(kind string) demoFactorKind {
	switch kind {
	case "push":
		return demoFactorKind{"push", "opf", "OKTA", "OKTA_VERIFY_PUSH", "Okta Verify", "Get a push notification", false}
	case "signed_nonce":
		return demoFactorKind{"signed_nonce", "crp", "OKTA", "SIGNED_NONCE", "Okta Verify", "Use Okta FastPass", false}
	case "webauthn":
		return demoFactorKind{"webauthn", "fwf", "FIDO", "FIDO_WEBAUTHN", "Security Key or Biometric", "Use Security Key or Biometric Authenticator", false}
	case "totp":
		return demoFactorKind{"token:software:totp", "uft", "GOOGLE", "GOOGLE_OTP", "Google Authenticator", "Enter a passcode", false}
	case "sms":
		return demoFactorKind{"sms", "mbl", "OKTA", "SMS_FACTOR", "Phone", "Receive an SMS", true}
	case "email":
		return demoFactorKind{"email", "emf", "OKTA", "EMAIL_FACTOR", "Email", "Receive an email", true}
	}
	return demoFactorKind{"password", "lae", "OKTA", "PASSWORD_AS_FACTOR", "Password", "Password", false}
}

// makeFactors enrols everyone who uses the org (pinned people keep the
// kinds their pin names, in order of preference).
func (b *demoBuilder) makeFactors() {
	for _, u := range b.users {
		switch {
		case u.role == "breakglass1" || u.role == "breakglass2":
			u.factors = []*demoFactor{{kind: "webauthn"}}
		case u.dormant, u.newHire, u.status == "STAGED", u.status == "PROVISIONED", u.status == "DEPROVISIONED":
			u.factors = nil
		case len(u.factors) == 0:
			u.factors = b.factorMix(u)
		}
		phones := []string{"iPhone 15", "iPhone 16 Pro", "iPhone 14", "Pixel 9", "Galaxy S24"}
		for _, f := range u.factors {
			f.id = b.newID(demoFactorKinds(f.kind).prefix)
			since := u.activated.Add(time.Hour)
			span := b.start.Add(-10 * 24 * time.Hour).Sub(since)
			if span <= 0 {
				span = time.Hour
			}
			f.created = since.Add(time.Duration(b.people.Int64N(int64(span)))).Truncate(time.Millisecond)
			switch f.kind {
			case "push":
				f.device = phones[b.people.IntN(len(phones))]
				f.platform = "IOS"
				if !strings.HasPrefix(f.device, "iPhone") {
					f.platform = "ANDROID"
				}
			case "signed_nonce":
				f.device, f.platform = "MacBook Pro", "MACOS"
				if strings.HasPrefix(u.agent.os, "Windows") {
					f.device, f.platform = "ThinkPad X1 Carbon", "WINDOWS"
				}
			case "webauthn":
				f.device = []string{"YubiKey 5 NFC", "YubiKey 5C NFC", "Touch ID"}[b.people.IntN(3)]
			}
		}
	}
}

// factorMix is what an ordinary person has enrolled: mostly Okta Verify,
// security keys in the technical teams, and a few with weak factors only.
func (b *demoBuilder) factorMix(u *demoUser) []*demoFactor {
	r := b.people.Float64()
	var kinds []string
	switch u.dept {
	case "IT", "Security":
		kinds = []string{"webauthn", "push"}
		if r < 0.4 {
			kinds = []string{"webauthn", "signed_nonce", "push"}
		}
	case "Engineering":
		switch {
		case r < 0.35:
			kinds = []string{"signed_nonce", "push"}
		case r < 0.6:
			kinds = []string{"webauthn", "push"}
		case r < 0.75:
			kinds = []string{"push"}
		case r < 0.85:
			kinds = []string{"totp"}
		case r < 0.95:
			kinds = []string{"push", "email"}
		default:
			kinds = []string{"sms", "email"}
		}
	default:
		switch {
		case r < 0.4:
			kinds = []string{"signed_nonce", "push"}
		case r < 0.6:
			kinds = []string{"push"}
		case r < 0.7:
			kinds = []string{"push", "email"}
		case r < 0.77:
			kinds = []string{"totp"}
		case r < 0.86:
			kinds = []string{"push", "sms"}
		case r < 0.93:
			kinds = []string{"sms"}
		case r < 0.97:
			kinds = []string{"sms", "email"}
		default:
			kinds = []string{"email"}
		}
	}
	out := make([]*demoFactor, len(kinds))
	for i, k := range kinds {
		out[i] = &demoFactor{kind: k}
	}
	return out
}

// primary is the factor a user answers MFA with; nil when none.
func (u *demoUser) primary() *demoFactor {
	if len(u.factors) == 0 {
		return nil
	}
	return u.factors[0]
}

// factor finds the user's factor of a kind.
func (u *demoUser) factor(kind string) *demoFactor {
	for _, f := range u.factors {
		if f.kind == kind {
			return f
		}
	}
	return nil
}

// object renders the factor as GET /api/v1/users/{id}/factors does.
func (f *demoFactor) object(u *demoUser) oktasim.Object {
	k := demoFactorKinds(f.kind)
	self := demoOrgURL + "/api/v1/users/" + u.id + "/factors/" + f.id
	var profile oktasim.Object
	switch f.kind {
	case "push":
		profile = oktasim.Object{"credentialId": u.login, "deviceType": "SmartPhone_" + map[string]string{"IOS": "IPhone", "ANDROID": "Android"}[f.platform],
			"name": f.device, "platform": f.platform, "version": map[string]string{"IOS": "18.1", "ANDROID": "15"}[f.platform]}
	case "signed_nonce":
		profile = oktasim.Object{"credentialId": u.login, "deviceType": "Desktop", "name": f.device, "platform": f.platform}
	case "webauthn":
		profile = oktasim.Object{"credentialId": strings.ToLower(f.id) + "-" + u.dtHash[:22], "authenticatorName": f.device}
	case "totp":
		profile = oktasim.Object{"credentialId": u.login}
	case "sms":
		profile = oktasim.Object{"phoneNumber": strings.ReplaceAll(u.phone(), " ", "")}
	case "email":
		profile = oktasim.Object{"email": u.login}
	}
	links := oktasim.Object{
		"self": oktasim.Object{"href": self, "hints": oktasim.Object{"allow": demoStrs("GET", "DELETE")}},
		"user": oktasim.Object{"href": demoOrgURL + "/api/v1/users/" + u.id, "hints": oktasim.Object{"allow": demoStrs("GET")}},
	}
	if f.kind != "signed_nonce" {
		links["verify"] = oktasim.Object{"href": self + "/verify", "hints": oktasim.Object{"allow": demoStrs("POST")}}
	}
	return oktasim.Object{
		"id": f.id, "factorType": k.factorType, "provider": k.provider, "vendorName": k.provider,
		"status": "ACTIVE", "created": demoTS(f.created), "lastUpdated": demoTS(f.created),
		"profile": profile, "_links": links,
	}
}
