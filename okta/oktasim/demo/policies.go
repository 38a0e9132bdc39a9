package demo

import (
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// demoPolicy is a policy of one of the four types the demo has, with its
// rules in priority order.
type demoPolicy struct {
	id, typ, name, desc  string
	priority             int
	system               bool
	created, lastUpdated time.Time
	conditions, settings oktasim.Object
	rules                []*demoRule
}

// demoRule is a policy rule.
type demoRule struct {
	id, name, typ        string
	priority             int
	system               bool
	created, lastUpdated time.Time
	conditions, actions  oktasim.Object
	policy               *demoPolicy
}

// demoSSOPolicies are the rules ordinary sign-ins are evaluated against,
// and when story (e) takes the MFA requirement out of the Engineering rule.
type demoSSOPolicies struct {
	admins, engineering, everyone *demoRule // OKTA_SIGN_ON (global session) rules
	adminConsole, dashboard       *demoRule // ACCESS_POLICY rules of Okta's own apps
	weakened                      time.Time
}

// rule is the global session rule a user's sign-in at t is evaluated
// against, and whether it asks for a second factor.
func (p *demoSSOPolicies) rule(u *demoUser, t time.Time) (*demoRule, bool) {
	for _, g := range u.groups {
		if g.name == "Okta Admins" || g.name == "Break Glass" {
			return p.admins, true
		}
	}
	for _, g := range u.groups {
		if g.name == "Engineering" {
			return p.engineering, t.Before(p.weakened)
		}
	}
	return p.everyone, true
}

func (b *demoBuilder) newPolicy(typ, name, desc string, priority int, system bool, created time.Time) *demoPolicy {
	prefix := "00p"
	if typ == "ACCESS_POLICY" {
		prefix = "rst"
	}
	p := &demoPolicy{id: b.newID(prefix), typ: typ, name: name, desc: desc, priority: priority, system: system,
		created: created, lastUpdated: created.Add(time.Duration(b.people.IntN(200)) * 24 * time.Hour)}
	if limit := b.start.AddDate(0, 0, -30); p.lastUpdated.After(limit) {
		p.lastUpdated = b.before(limit)
	}
	if typ != "ACCESS_POLICY" || !b.classic() {
		b.policies = append(b.policies, p) // a Classic org has no authentication policies
	}
	return p
}

func (b *demoBuilder) newRule(p *demoPolicy, name string, system bool, conditions, actions oktasim.Object) *demoRule {
	prefix, typ := "0pr", p.typ
	switch p.typ {
	case "ACCESS_POLICY":
		prefix = "rul"
	case "OKTA_SIGN_ON":
		typ = "SIGN_ON"
	}
	r := &demoRule{id: b.newID(prefix), name: name, typ: typ, priority: len(p.rules) + 1, system: system,
		created: p.created.Add(time.Minute), lastUpdated: p.lastUpdated, conditions: conditions, actions: actions, policy: p}
	if system {
		r.priority = 99
	}
	p.rules = append(p.rules, r)
	return r
}

// demoSignOnActions is a global session rule's actions.
func demoSignOnActions(requireFactor bool, prompt string, idle int) oktasim.Object {
	signon := oktasim.Object{"access": "ALLOW", "requireFactor": requireFactor, "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
		"rememberDeviceByDefault": false,
		"session": oktasim.Object{"usePersistentCookie": false, "maxSessionIdleMinutes": float64(idle),
			"maxSessionLifetimeMinutes": float64(0)}}
	if requireFactor {
		signon["factorPromptMode"] = prompt
	}
	return oktasim.Object{"signon": signon}
}

func demoAnywhere(extra oktasim.Object) oktasim.Object {
	c := oktasim.Object{"people": oktasim.Object{"users": oktasim.Object{"exclude": []any{}}}, "network": oktasim.Object{"connection": "ANYWHERE"}}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

func demoIncludeGroups(ids ...string) oktasim.Object {
	return oktasim.Object{"people": oktasim.Object{"groups": oktasim.Object{"include": demoStrs(ids...)}}}
}

// makePolicies creates the org's policies: global session (OKTA_SIGN_ON),
// password, authenticator enrolment (MFA_ENROLL) and authentication
// (ACCESS_POLICY), each type with its default (system) policy.
func (b *demoBuilder) makePolicies() {
	org := demoOrgCreated()
	everyone, admins, glass, eng := b.group("Everyone").id, b.group("Okta Admins").id, b.group("Break Glass").id, b.group("Engineering").id
	signOnCond := func() oktasim.Object {
		return demoAnywhere(oktasim.Object{"authContext": oktasim.Object{"authType": "ANY"}, "risk": oktasim.Object{"behaviors": []any{}},
			"riskScore": oktasim.Object{"level": "ANY"}, "identityProvider": oktasim.Object{"provider": "ANY"}})
	}
	sso := &demoSSOPolicies{weakened: b.times.policy.at(demoRefWeakened)}

	p := b.newPolicy("OKTA_SIGN_ON", "Okta Admins", "Administrators answer MFA at every sign-in", 1, false, org.AddDate(0, 1, 2))
	p.conditions = demoIncludeGroups(admins, glass)
	sso.admins = b.newRule(p, "Admins: MFA every sign-in", false, signOnCond(), demoSignOnActions(true, "ALWAYS", 60))
	p = b.newPolicy("OKTA_SIGN_ON", "Engineering", "Engineering: MFA once per session", 2, false, org.AddDate(4, 2, 17))
	p.conditions = demoIncludeGroups(eng)
	sso.engineering = b.newRule(p, "Engineering: require MFA", false, signOnCond(), demoSignOnActions(true, "SESSION", 120))
	p = b.newPolicy("OKTA_SIGN_ON", "Default Policy", "The default policy applies in all situations if no other policy applies.", 3, true, org)
	p.conditions = demoIncludeGroups(everyone)
	sso.everyone = b.newRule(p, "Require MFA", false, signOnCond(), demoSignOnActions(true, "SESSION", 120))
	b.newRule(p, "Default Rule", true, signOnCond(), demoSignOnActions(false, "", 120))

	password := func(minLength, maxAge, attempts int) oktasim.Object {
		return oktasim.Object{
			"password": oktasim.Object{
				"complexity": oktasim.Object{"minLength": float64(minLength), "minLowerCase": float64(1), "minUpperCase": float64(1),
					"minNumber": float64(1), "minSymbol": float64(0), "excludeUsername": true,
					"excludeAttributes": demoStrs("firstName", "lastName"), "dictionary": oktasim.Object{"common": oktasim.Object{"exclude": true}}},
				"age": oktasim.Object{"maxAgeDays": float64(maxAge), "expireWarnDays": float64(14), "minAgeMinutes": float64(0),
					"historyCount": float64(4)},
				"lockout": oktasim.Object{"maxAttempts": float64(attempts), "autoUnlockMinutes": float64(0),
					"userLockoutNotificationChannels": demoStrs("EMAIL"), "showLockoutFailures": false},
			},
			"recovery": oktasim.Object{"factors": oktasim.Object{
				"recovery_question": oktasim.Object{"status": "INACTIVE", "properties": oktasim.Object{"complexity": oktasim.Object{"minLength": float64(4)}}},
				"okta_email":        oktasim.Object{"status": "ACTIVE", "properties": oktasim.Object{"recoveryToken": oktasim.Object{"tokenLifetimeMinutes": float64(60)}}},
				"okta_sms":          oktasim.Object{"status": "INACTIVE"},
				"okta_call":         oktasim.Object{"status": "INACTIVE"},
			}},
			"delegation": oktasim.Object{"options": oktasim.Object{"skipUnlock": false}},
		}
	}
	pwRule := func() oktasim.Object {
		return oktasim.Object{"passwordChange": oktasim.Object{"access": "ALLOW"}, "selfServicePasswordReset": oktasim.Object{"access": "ALLOW"},
			"selfServiceUnlock": oktasim.Object{"access": "DENY"}}
	}
	p = b.newPolicy("PASSWORD", "Okta Admins", "Longer passwords for administrators", 1, false, org.AddDate(0, 1, 2))
	p.conditions = demoIncludeGroups(admins, glass)
	p.conditions["authProvider"] = oktasim.Object{"provider": "OKTA"}
	p.settings = password(16, 90, 5)
	b.newRule(p, "Admins", false, demoAnywhere(nil), pwRule())
	p = b.newPolicy("PASSWORD", "Default Policy", "The default policy applies in all situations if no other policy applies.", 2, true, org)
	p.conditions = demoIncludeGroups(everyone)
	p.conditions["authProvider"] = oktasim.Object{"provider": "OKTA"}
	p.settings = password(12, 180, 15)
	b.newRule(p, "Default Rule", true, demoAnywhere(nil), pwRule())

	enroll := func(keys ...string) oktasim.Object {
		list := make([]any, 0, len(keys)/2)
		for i := 0; i < len(keys); i += 2 {
			list = append(list, oktasim.Object{"key": keys[i], "enroll": oktasim.Object{"self": keys[i+1]}})
		}
		return oktasim.Object{"type": "AUTHENTICATORS", "authenticators": list}
	}
	enrollRule := func() oktasim.Object { return oktasim.Object{"enroll": oktasim.Object{"self": "CHALLENGE"}} }
	p = b.newPolicy("MFA_ENROLL", "Okta Admins", "Administrators enrol Okta Verify and a security key; no phone factors", 1, false, org.AddDate(0, 1, 2))
	p.conditions = demoIncludeGroups(admins, glass)
	p.settings = enroll("okta_verify", "REQUIRED", "webauthn", "REQUIRED", "okta_password", "REQUIRED",
		"okta_email", "OPTIONAL", "phone_number", "NOT_ALLOWED", "google_otp", "NOT_ALLOWED")
	b.newRule(p, "Admins", false, demoAnywhere(nil), enrollRule())
	p = b.newPolicy("MFA_ENROLL", "Default Policy", "The default policy applies in all situations if no other policy applies.", 2, true, org)
	p.conditions = demoIncludeGroups(everyone)
	p.settings = enroll("okta_verify", "OPTIONAL", "webauthn", "OPTIONAL", "okta_password", "REQUIRED",
		"okta_email", "OPTIONAL", "phone_number", "OPTIONAL", "google_otp", "OPTIONAL")
	b.newRule(p, "Default Rule", true, demoAnywhere(nil), enrollRule())

	appSignOn := func(access, mode, reauth string, constraints ...any) oktasim.Object {
		return oktasim.Object{"appSignOn": oktasim.Object{"access": access, "verificationMethod": oktasim.Object{
			"factorMode": mode, "type": "ASSURANCE", "reauthenticateIn": reauth, "constraints": append([]any{}, constraints...)}}}
	}
	accessCond := func(groups ...string) oktasim.Object {
		c := oktasim.Object{"network": oktasim.Object{"connection": "ANYWHERE"}, "riskScore": oktasim.Object{"level": "ANY"},
			"userType": oktasim.Object{"include": []any{}, "exclude": []any{}}}
		if len(groups) > 0 {
			c["people"] = oktasim.Object{"groups": oktasim.Object{"include": demoStrs(groups...)}}
		}
		return c
	}
	password1 := func() oktasim.Object {
		return oktasim.Object{"knowledge": oktasim.Object{"types": demoStrs("password")}}
	}
	defaultAccess := b.newPolicy("ACCESS_POLICY", "Default Policy", "The default app sign-on policy", 1, true, org)
	b.newRule(defaultAccess, "Catch-all Rule", true, nil, appSignOn("ALLOW", "1FA", "PT12H", password1()))
	p = b.newPolicy("ACCESS_POLICY", "Okta Admin Console", "Okta Admin Console: phishing-resistant MFA", 2, false, org)
	sso.adminConsole = b.newRule(p, "Admins: phishing-resistant MFA", false, accessCond(admins, glass),
		appSignOn("ALLOW", "2FA", "PT2H", oktasim.Object{"possession": oktasim.Object{"phishingResistant": "REQUIRED", "deviceBound": "REQUIRED"}}))
	b.newRule(p, "Catch-all Rule", true, nil, appSignOn("DENY", "2FA", "PT2H"))
	b.app("Okta Admin Console").policyID = p.id
	p = b.newPolicy("ACCESS_POLICY", "Okta Dashboard", "Okta Dashboard", 3, false, org)
	sso.dashboard = b.newRule(p, "Catch-all Rule", true, nil, appSignOn("ALLOW", "1FA", "PT12H", password1()))
	b.app("Okta Dashboard").policyID = p.id
	for _, a := range b.apps {
		if b.classic() {
			a.policyID = ""
		} else if a.policyID == "" {
			a.policyID = defaultAccess.id
		}
	}
	b.signOn = sso
}

// weaken applies story (e) to the Engineering rule: no second factor.
func (p *demoSSOPolicies) weaken() {
	r := p.engineering
	r.actions = demoSignOnActions(false, "", 120)
	r.lastUpdated = p.weakened
	r.policy.lastUpdated = p.weakened
}

// object renders the policy as GET /api/v1/policies/{id} does, plus the
// fixture's "rules".
func (p *demoPolicy) object() oktasim.Object {
	self := demoOrgURL + "/api/v1/policies/" + p.id
	allow := demoStrs("GET", "PUT", "DELETE")
	if p.system {
		allow = demoStrs("GET", "PUT")
	}
	links := oktasim.Object{
		"self":  oktasim.Object{"href": self, "hints": oktasim.Object{"allow": allow}},
		"rules": oktasim.Object{"href": self + "/rules", "hints": oktasim.Object{"allow": demoStrs("GET", "POST")}},
	}
	if !p.system {
		links["deactivate"] = oktasim.Object{"href": self + "/lifecycle/deactivate", "hints": oktasim.Object{"allow": demoStrs("POST")}}
	}
	if p.typ == "ACCESS_POLICY" {
		links["mappings"] = oktasim.Object{"href": self + "/mappings", "hints": oktasim.Object{"allow": demoStrs("GET", "POST")}}
	}
	rules := make([]any, 0, len(p.rules))
	for _, r := range p.rules {
		rules = append(rules, r.object())
	}
	obj := oktasim.Object{
		"id": p.id, "type": p.typ, "status": "ACTIVE", "name": p.name, "description": p.desc,
		"priority": float64(p.priority), "system": p.system, "conditions": nil,
		"created": demoTS(p.created), "lastUpdated": demoTS(p.lastUpdated),
		"_links": links, "rules": rules,
	}
	if p.conditions != nil {
		obj["conditions"] = p.conditions
	}
	if p.settings != nil {
		obj["settings"] = p.settings
	}
	return obj
}

func (r *demoRule) object() oktasim.Object {
	self := demoOrgURL + "/api/v1/policies/" + r.policy.id + "/rules/" + r.id
	links := oktasim.Object{"self": oktasim.Object{"href": self, "hints": oktasim.Object{"allow": demoStrs("GET", "PUT", "DELETE")}}}
	if r.system {
		links["self"] = oktasim.Object{"href": self, "hints": oktasim.Object{"allow": demoStrs("GET", "PUT")}}
	} else {
		links["deactivate"] = oktasim.Object{"href": self + "/lifecycle/deactivate", "hints": oktasim.Object{"allow": demoStrs("POST")}}
	}
	obj := oktasim.Object{
		"id": r.id, "type": r.typ, "status": "ACTIVE", "name": r.name, "priority": float64(r.priority),
		"system": r.system, "created": demoTS(r.created), "lastUpdated": demoTS(r.lastUpdated),
		"conditions": nil, "actions": r.actions, "_links": links,
	}
	if r.conditions != nil {
		obj["conditions"] = r.conditions
	}
	return obj
}
