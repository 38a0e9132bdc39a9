package demo

import (
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoSignIn is one sign-in to Okta (Identity Engine): the sign-on policy
// evaluation, the password, a second factor when the policy asks for one,
// and the session.
type demoSignIn struct {
	u      *demoUser
	at     time.Time
	from   *demoNet
	agent  demoAgent
	dtHash string
	risk   demoRisk
	typo   bool // a wrong password first
	deny   bool // one rejected push first (push users)
}

// signIn writes a sign-in and returns its session id and when the session
// started.
func (b *demoBuilder) signIn(s demoSignIn) (string, time.Time) {
	u := s.u
	rule, needMFA := b.signOn.rule(u, s.at)
	f := u.primary()
	if f == nil {
		needMFA = false
	}
	sid := b.sessionID()
	log := func(typ string, at time.Time, result string) demoLog {
		return demoLog{typ: typ, at: at, actor: u, from: s.from, agent: s.agent, session: sid, result: result}
	}
	t := s.at
	decision := "ALLOW"
	if needMFA {
		decision = "CHALLENGE"
	}
	e := log("policy.evaluate_sign_on", t, decision)
	e.reason = "Sign-on policy evaluation resulted in " + decision
	e.targets = []any{b.app("Okta Dashboard").target(), rule.target()}
	e.debug = s.risk.debug(oktasim.Object{"dtHash": s.dtHash})
	e.uri = "/idp/idx/identify"
	b.emit(e)
	t = t.Add(b.jitter(4, 12))
	if s.typo {
		e = log("", t, "")
		e.uri = "/idp/idx/challenge/answer"
		e.debug = s.risk.debug(oktasim.Object{"dtHash": s.dtHash})
		b.wrongPassword(e)
		t = t.Add(b.jitter(6, 15))
	}
	if !b.classic() {
		b.emit(b.passwordCheck(log("", t, "SUCCESS"), oktasim.Object{"dtHash": s.dtHash}))
	}
	uri := "/idp/idx/challenge/answer"
	if needMFA {
		t = b.secondFactor(s, f, sid, t)
		if f.kind == "push" {
			uri = "/idp/idx/authenticators/poll"
		}
	}
	t = t.Add(time.Duration(300+b.act.IntN(1200)) * time.Millisecond)
	e = log("user.session.start", t, "SUCCESS")
	e.debug = s.risk.debug(oktasim.Object{"dtHash": s.dtHash})
	e.auth = oktasim.Object{"authenticationProvider": "OKTA_AUTHENTICATION_PROVIDER", "credentialProvider": "OKTA_CREDENTIAL_PROVIDER", "credentialType": "PASSWORD"}
	e.uri = uri
	b.emit(e)
	return sid, t
}

// secondFactor writes the MFA step with factor f and returns when it
// succeeded.
func (b *demoBuilder) secondFactor(s demoSignIn, f *demoFactor, sid string, t time.Time) time.Time {
	u := s.u
	k := demoFactorKinds(f.kind)
	log := func(typ string, at time.Time, result string) demoLog {
		return demoLog{typ: typ, at: at, actor: u, from: s.from, agent: s.agent, session: sid, result: result,
			targets: []any{u.target(), u.authenticator(f)}, debug: oktasim.Object{"factor": k.logName, "dtHash": s.dtHash},
			uri: "/idp/idx/challenge"}
	}
	t = t.Add(b.jitter(1, 3))
	switch f.kind {
	case "push":
		if s.deny {
			b.emit(log("system.push.send_factor_verify_push", t, "SUCCESS"))
			t = t.Add(b.jitter(8, 20))
			b.denyPush(log, t)
			t = t.Add(b.jitter(5, 12))
		}
		b.emit(log("system.push.send_factor_verify_push", t, "SUCCESS"))
		t = t.Add(b.jitter(6, 25))
	case "sms":
		b.emit(log("system.sms.send_factor_verify_message", t, "SUCCESS"))
		t = t.Add(b.jitter(20, 50))
	case "email":
		t = t.Add(b.jitter(25, 70))
	default:
		t = t.Add(b.jitter(3, 14))
	}
	e := log("user.authentication.auth_via_mfa", t, "SUCCESS")
	e.uri = "/idp/idx/challenge/answer"
	if f.kind == "push" {
		e.uri = "/idp/idx/authenticators/poll"
	}
	provider := "OKTA_CREDENTIAL_PROVIDER"
	if k.provider != "OKTA" {
		provider = k.provider
	}
	e.auth = oktasim.Object{"authenticationProvider": "FACTOR_PROVIDER", "credentialProvider": provider}
	b.emit(e)
	return t
}

// passwordCheck turns l into Identity Engine's password check: the
// password is an authenticator, checked by user.authentication.auth_via_mfa
// with debugData.factor PASSWORD_AS_FACTOR; debug is the rest of its
// debugData.
func (b *demoBuilder) passwordCheck(l demoLog, debug oktasim.Object) demoLog {
	l.typ = "user.authentication.auth_via_mfa"
	l.targets = []any{l.actor.target(), l.actor.authenticator(nil)}
	l.debug = oktasim.Object{"factor": "PASSWORD_AS_FACTOR", "factorIntent": "AUTHENTICATION"}
	for k, v := range debug {
		l.debug[k] = v
	}
	l.auth = oktasim.Object{"authenticationProvider": "FACTOR_PROVIDER", "credentialProvider": "OKTA_CREDENTIAL_PROVIDER", "credentialType": "PASSWORD"}
	l.uri = "/idp/idx/challenge/answer"
	return l
}

// wrongPassword writes a sign-in attempt with a wrong password from l's
// actor, place, time and debugData: on Classic a failed
// user.session.start, outside any session; on Identity Engine a failed
// password check.
func (b *demoBuilder) wrongPassword(l demoLog) {
	l.result, l.reason = "FAILURE", "INVALID_CREDENTIALS"
	if b.classic() {
		l.typ, l.session = "user.session.start", ""
		b.emit(l)
		return
	}
	b.emit(b.passwordCheck(l, l.debug))
}

// denyPush writes a push the user rejected. Classic logs Okta Verify's
// deny event and the failed MFA attempt; Identity Engine only the failed
// MFA attempt, as invalid credentials, with Okta Verify's answer in
// debugData.pushOnlyResponseType.
func (b *demoBuilder) denyPush(log func(string, time.Time, string) demoLog, t time.Time) {
	if !b.classic() {
		e := log("user.authentication.auth_via_mfa", t, "FAILURE")
		e.reason, e.uri = "INVALID_CREDENTIALS", "/idp/idx/authenticators/poll"
		e.debug["pushOnlyResponseType"] = "OV_RESPONSE_DENY"
		e.auth = oktasim.Object{"authenticationProvider": "FACTOR_PROVIDER", "credentialProvider": "OKTA_CREDENTIAL_PROVIDER"}
		b.emit(e)
		return
	}
	e := log("user.mfa.okta_verify.deny_push", t, "FAILURE")
	e.reason, e.uri = "User rejected Okta push verify", "/idp/idx/authenticators/poll"
	b.emit(e)
	e = log("user.authentication.auth_via_mfa", t.Add(40*time.Millisecond), "FAILURE")
	e.reason, e.uri = "User rejected Okta push verify", "/idp/idx/authenticators/poll"
	e.auth = oktasim.Object{"authenticationProvider": "FACTOR_PROVIDER", "credentialProvider": "OKTA_CREDENTIAL_PROVIDER"}
	b.emit(e)
}

// sso writes a sign-on into an app from the Okta session sid.
func (b *demoBuilder) sso(u *demoUser, sid string, from *demoNet, agent demoAgent, a *demoApp, at time.Time) string {
	appUser := oktasim.Object{"id": b.appUser(u, a), "type": "AppUser", "alternateId": u.login, "displayName": u.name(), "detailEntry": nil}
	return b.emit(demoLog{typ: "user.authentication.sso", at: at, actor: u, from: from, agent: agent, session: sid,
		result: "SUCCESS", targets: []any{a.target(), appUser}, uri: a.ssoURI(),
		debug: oktasim.Object{"initiationType": "IDP_INITIATED", "signOnMode": a.modeName()}})
}

// adminConsole writes an administrator opening the Admin Console: its
// authentication policy asks for a phishing-resistant factor again.
func (b *demoBuilder) adminConsole(u *demoUser, sid string, from *demoNet, agent demoAgent, at time.Time) time.Time {
	console := b.app("Okta Admin Console")
	e := demoLog{typ: "policy.evaluate_sign_on", at: at, actor: u, from: from, agent: agent, session: sid,
		result: "CHALLENGE", reason: "Sign-on policy evaluation resulted in CHALLENGE",
		targets: []any{console.target(), b.signOn.adminConsole.target()},
		debug:   demoRisk{}.debug(oktasim.Object{"dtHash": u.dtHash}), uri: "/app/" + console.name + "/" + console.id + "/sso/oidc"}
	b.emit(e)
	f := u.factor("webauthn")
	t := at.Add(b.jitter(4, 10))
	b.emit(demoLog{typ: "user.authentication.auth_via_mfa", at: t, actor: u, from: from, agent: agent, session: sid,
		result: "SUCCESS", targets: []any{u.target(), u.authenticator(f)},
		debug: oktasim.Object{"factor": demoFactorKinds(f.kind).logName, "dtHash": u.dtHash},
		auth:  oktasim.Object{"authenticationProvider": "FACTOR_PROVIDER"},
		uri:   "/idp/idx/challenge/answer"})
	t = t.Add(b.jitter(1, 3))
	b.emit(demoLog{typ: "user.session.access_admin_app", at: t, actor: u, from: from, agent: agent, session: sid,
		result: "SUCCESS", uri: "/admin/sso/callback", debug: oktasim.Object{"dtHash": u.dtHash}})
	return t
}

// sessionEnd writes a sign-out.
func (b *demoBuilder) sessionEnd(u *demoUser, sid string, from *demoNet, agent demoAgent, at time.Time) {
	b.emit(demoLog{typ: "user.session.end", at: at, actor: u, from: from, agent: agent, session: sid,
		result: "SUCCESS", uri: "/login/signout"})
}

// jitter is a random duration between lo and hi seconds, to the millisecond.
func (b *demoBuilder) jitter(lo, hi int) time.Duration {
	return time.Duration(lo*1000+b.act.IntN((hi-lo)*1000+1)) * time.Millisecond
}
