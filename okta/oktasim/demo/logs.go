package demo

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoLog is one System Log event to write: who, from where, what, how it
// ended, and the event's own details.
type demoLog struct {
	typ            string
	at             time.Time
	actor          *demoUser
	from           *demoNet
	agent          demoAgent
	session        string // authenticationContext.externalSessionId; "": "unknown"
	result, reason string
	severity       string // "": from the type and result
	targets        []any
	debug          oktasim.Object // more debugData (strings)
	auth           oktasim.Object // more authenticationContext
	uri            string         // debugData.requestUri
	txn            string         // "": a request of its own
	message        string         // "": the type's usual displayMessage
}

// demoMessages are the displayMessages and legacy event types Okta writes.
func demoMessages(typ string) (message, legacy string) {
	switch typ {
	case "user.session.start":
		return "User login to Okta", "core.user_auth.login_success"
	case "user.session.end":
		return "User logout from Okta", "core.user_auth.logout_success"
	case "policy.evaluate_sign_on":
		return "Evaluation of sign-on policy", ""
	case "user.authentication.auth_via_mfa":
		return "Authentication of user via MFA", "core.user.factor.attempt_success"
	case "user.authentication.sso":
		return "User single sign on to app", "app.auth.sso"
	case "system.push.send_factor_verify_push":
		return "Send Okta Verify push notification", ""
	case "system.sms.send_factor_verify_message":
		return "Send SMS verification message", ""
	case "user.mfa.okta_verify.deny_push":
		return "User rejected Okta push verify", ""
	case "user.account.lock":
		return "Max sign in attempts exceeded", "core.user_auth.account_locked"
	case "user.session.access_admin_app":
		return "User accessing Okta admin app", ""
	case "user.account.privilege.grant":
		return "Grant user privilege", "core.user.admin_privilege.granted"
	case "policy.rule.update":
		return "Update policy rule", ""
	case "system.mfa.factor.deactivate":
		return "Deactivate factor type for org", ""
	case "security.authenticator.lifecycle.deactivate":
		return "Deactivate authenticator", ""
	case "user.lifecycle.create":
		return "Create Okta user", "core.user.config.user_creation.success"
	case "user.lifecycle.activate":
		return "Activate Okta user", "core.user.config.user_activated"
	case "user.lifecycle.deactivate":
		return "Deactivate Okta user", "core.user.config.user_deactivated"
	case "user.lifecycle.suspend":
		return "Suspend Okta user", ""
	case "user.account.reset_password":
		return "Fired when the user's Okta password is reset", ""
	case "group.user_membership.add":
		return "Add user to group membership", "core.user_group_member.user_add"
	case "group.user_membership.remove":
		return "Remove user from group membership", ""
	case "application.user_membership.add":
		return "Add user to application membership", "app.generic.provision.assign_user_to_app"
	}
	return typ, ""
}

// emit writes one event and returns its uuid. Events that are not written
// (ordinary ones outside the window, any after now) are dropped ("" is
// returned).
func (b *demoBuilder) emit(l demoLog) string {
	if !b.written(l.at) {
		return ""
	}
	at := l.at.Truncate(time.Millisecond)
	message, legacy := demoMessages(l.typ)
	if l.message != "" {
		message = l.message
	}
	if l.result == "FAILURE" && strings.HasSuffix(legacy, "_success") {
		legacy = strings.TrimSuffix(legacy, "_success") + "_failed"
	}
	if l.result == "FAILURE" && legacy == "core.user.factor.attempt_success" {
		legacy = "core.user.factor.attempt_fail"
	}
	severity := l.severity
	if severity == "" {
		severity = "INFO"
		if l.result == "FAILURE" || l.result == "DENY" {
			severity = "WARN"
		}
	}
	txn := l.txn
	if txn == "" {
		txn = b.txnID()
	}
	session := l.session
	if session == "" {
		session = "unknown"
	}
	uuid := b.eventUUID(at)
	n := l.from
	path, _, hasQuery := strings.Cut(l.uri, "?")
	url := l.uri
	if !hasQuery {
		url += "?"
	}
	debug := oktasim.Object{"requestId": txn, "requestUri": path, "url": url, "threatSuspected": "false"}
	if n.tunnel != "" {
		debug["tunnels"] = n.tunnel
	}
	for k, v := range l.debug {
		debug[k] = v
	}
	auth := oktasim.Object{"authenticationProvider": nil, "credentialProvider": nil, "credentialType": nil,
		"issuer": nil, "interface": nil, "authenticationStep": float64(0), "externalSessionId": session}
	for k, v := range l.auth {
		auth[k] = v
	}
	var reason any
	if l.reason != "" {
		reason = l.reason
	}
	ev := oktasim.Object{
		"uuid": uuid, "published": demoTS(at), "eventType": l.typ, "version": "0",
		"severity": severity, "displayMessage": message, "legacyEventType": nil,
		"actor":   l.actor.actorObject(),
		"client":  oktasim.Object{"userAgent": oktasim.Object{"rawUserAgent": l.agent.raw, "os": l.agent.os, "browser": l.agent.browser}, "zone": "null", "device": "Computer", "id": nil, "ipAddress": n.ip, "geographicalContext": n.geo()},
		"outcome": oktasim.Object{"result": l.result, "reason": reason},
		"target":  nil,
		"securityContext": oktasim.Object{"asNumber": float64(n.asn), "asOrg": n.asOrg, "isp": n.isp, "domain": n.domain,
			"isProxy": n.proxy},
		"authenticationContext": auth,
		"debugContext":          oktasim.Object{"debugData": debug},
		"transaction":           oktasim.Object{"type": "WEB", "id": txn, "detail": oktasim.Object{}},
		"request":               oktasim.Object{"ipChain": []any{oktasim.Object{"ip": n.ip, "geographicalContext": n.geo(), "version": "V4", "source": nil}}},
	}
	if n.domain == "" {
		ev["securityContext"].(oktasim.Object)["domain"] = nil
	}
	if legacy != "" {
		ev["legacyEventType"] = legacy
	}
	if len(l.targets) > 0 {
		ev["target"] = l.targets
	}
	b.events = append(b.events, demoEvent{at: at, n: len(b.events), obj: ev})
	if b.story != nil {
		b.story.Events = append(b.story.Events, uuid)
	}
	return uuid
}

func (u *demoUser) actorObject() oktasim.Object {
	return oktasim.Object{"id": u.id, "type": "User", "alternateId": u.login, "displayName": u.name(), "detailEntry": nil}
}

// target is the user as an event's target.
func (u *demoUser) target() oktasim.Object {
	return oktasim.Object{"id": u.id, "type": "User", "alternateId": u.login, "displayName": u.name(), "detailEntry": nil}
}

func (a *demoApp) target() oktasim.Object {
	return oktasim.Object{"id": a.id, "type": "AppInstance", "alternateId": a.label, "displayName": a.display,
		"detailEntry": oktasim.Object{"signOnModeType": a.mode}}
}

func (g *demoGroup) target() oktasim.Object {
	return oktasim.Object{"id": g.id, "type": "UserGroup", "alternateId": "unknown", "displayName": g.name, "detailEntry": nil}
}

func (r *demoRule) target() oktasim.Object {
	return oktasim.Object{"id": r.id, "type": "Rule", "alternateId": "unknown", "displayName": r.name, "detailEntry": nil}
}

// demoRisk is what Okta's behavior detection and risk scoring said about a
// sign-in.
type demoRisk struct {
	level    string   // LOW, MEDIUM, HIGH
	reasons  string   // e.g. "Anomalous Device, New Country"
	positive []string // behaviors that were POSITIVE
}

// demoBehaviors are the behaviors Okta evaluates, in the order it writes them.
func demoBehaviors() []string {
	return []string{"New Geo-Location", "New Device", "New IP", "New State", "New Country", "Velocity", "New City"}
}

// debug adds the risk and behavior fields to an event's debugData.
func (r demoRisk) debug(d oktasim.Object) oktasim.Object {
	if d == nil {
		d = oktasim.Object{}
	}
	level := r.level
	if level == "" {
		level = "LOW"
	}
	var beh, logBeh []string
	for _, name := range demoBehaviors() {
		v := "NEGATIVE"
		for _, p := range r.positive {
			if p == name {
				v = "POSITIVE"
			}
		}
		beh = append(beh, name+"="+v)
		logBeh = append(logBeh, `"`+name+`":"`+v+`"`)
	}
	risk, logRisk := "{level="+level+"}", `{"level":"`+level+`"}`
	if r.reasons != "" {
		risk = "{reasons=" + r.reasons + ", level=" + level + "}"
		logRisk = `{"reasons":"` + r.reasons + `","level":"` + level + `"}`
	}
	d["behaviors"] = "{" + strings.Join(beh, ", ") + "}"
	d["risk"] = risk
	d["logOnlySecurityData"] = `{"risk":` + logRisk + `,"behaviors":{` + strings.Join(logBeh, ",") + `}}`
	return d
}

// authenticator is the AuthenticatorEnrollment target of an MFA event.
func (u *demoUser) authenticator(f *demoFactor) oktasim.Object {
	k := demoFactorKinds("password")
	id := u.passwordEnrollm
	if f != nil {
		k, id = demoFactorKinds(f.kind), f.id
	}
	return oktasim.Object{"id": id, "type": "AuthenticatorEnrollment", "alternateId": "unknown", "displayName": k.authenticator,
		"detailEntry": oktasim.Object{"methodTypeUsed": k.method}}
}
