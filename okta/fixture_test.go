package okta

import (
	"fmt"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// testOrg is the small org of the integration tests: users in every
// status, groups (one built in, two sharing a name), apps (one with a null
// signOnMode the SDK cannot decode), policies with rules (an MFA_ENROLL
// rule the SDK cannot decode), factors (a signed_nonce the SDK cannot
// decode) and a few System Log events.
func testOrg() *oktasim.Fixture {
	type O = oktasim.Object
	user := func(id, login, first, last, status string, extra ...any) O {
		p := O{"login": login, "email": login, "firstName": first, "lastName": last}
		u := O{"id": id, "status": status, "profile": p, "created": "2026-01-05T10:00:00.000Z",
			"lastLogin": "2026-11-27T09:30:00.000Z"}
		for i := 0; i+1 < len(extra); i += 2 {
			p[extra[i].(string)] = extra[i+1]
		}
		return u
	}
	users := []O{
		user("00u1", "john@company.com", "John", "Doe", "ACTIVE", "department", "Engineering", "title", "SRE"),
		user("00u2", "jane@company.com", "Jane", "Roe", "SUSPENDED"),
		user("00u3", "lock@company.com", "Lou", "Locke", "LOCKED_OUT"),
		user("00u4", "stage@company.com", "Stan", "Stage", "STAGED"),
		user("00u5", "gone@company.com", "Gil", "Gone", "DEPROVISIONED"),
		user("00u6", "pro@company.com", "Pat", "Pro", "PROVISIONED"),
		user("00u7", "carol", "Carol", "Kim", "ACTIVE", "email", "carol.kim@company.com"),
	}
	users[0]["credentials"] = O{"password": O{}} // john signs in with an Okta password
	// Enough more for paging: 6 + 9 = 15 users.
	for i := range 9 {
		users = append(users, user(fmt.Sprintf("00uP%02d", i), fmt.Sprintf("page%02d@company.com", i), "Page", fmt.Sprint(i), "ACTIVE"))
	}
	return &oktasim.Fixture{
		Users: users,
		Groups: []O{
			{"id": "00gE", "type": "BUILT_IN", "profile": O{"name": "Everyone", "description": "All users"}, "members": []any{"00u1", "00u2"}},
			{"id": "00g1", "type": "OKTA_GROUP", "profile": O{"name": "Engineering", "description": "Engineers"}, "members": []any{"00u1", "00u3"}, "apps": []any{"0oa1"}},
			{"id": "00g2", "type": "OKTA_GROUP", "profile": O{"name": "Admins"}, "members": []any{"00u1", "00u2"}},
			{"id": "00gD", "type": "OKTA_GROUP", "profile": O{"name": "Dup"}},
			{"id": "00gd", "type": "APP_GROUP", "profile": O{"name": "dup"}},
			{"id": "00gX", "type": "OKTA_GROUP", "profile": O{"name": "Twin"}},
			{"id": "00gY", "type": "APP_GROUP", "profile": O{"name": "Twin"}},
		},
		Apps: []O{
			{"id": "0oa1", "name": "salesforce", "label": "Salesforce", "status": "ACTIVE", "signOnMode": "SAML_2_0",
				"settings": O{"app": O{"instanceType": "PRODUCTION"}}, "users": []any{"00u1"}, "groups": []any{"00g1"}},
			{"id": "0oa2", "name": "bookmark", "label": "Wiki", "status": "INACTIVE", "signOnMode": "BOOKMARK",
				"settings": O{"app": O{"url": "https://wiki.company.com", "requestIntegration": false}}},
			{"id": "0oa3", "name": "legacy_app", "label": "Legacy", "status": "ACTIVE", "signOnMode": nil,
				"settings": O{"app": O{"weird": "kept"}}},
		},
		Policies: []O{
			{"id": "00p1", "type": "OKTA_SIGN_ON", "name": "Default Policy", "status": "ACTIVE", "system": true, "priority": 2,
				"rules": []any{O{"id": "0pr1", "name": "Default Rule", "type": "SIGN_ON", "status": "ACTIVE", "system": true, "priority": 1,
					"actions": O{"signon": O{"access": "ALLOW", "requireFactor": false}}}}},
			{"id": "00p2", "type": "OKTA_SIGN_ON", "name": "Contractors", "status": "ACTIVE", "priority": 1, "description": "Contractor sign-on",
				"rules": []any{
					O{"id": "0pr2", "name": "Require MFA", "type": "SIGN_ON", "status": "ACTIVE", "priority": 1,
						"conditions": O{"network": O{"connection": "ANYWHERE"}},
						"actions":    O{"signon": O{"access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS"}}},
					O{"id": "0pr3", "name": "Block", "type": "SIGN_ON", "status": "INACTIVE", "priority": 2,
						"actions": O{"signon": O{"access": "DENY"}}},
				}},
			{"id": "00p3", "type": "MFA_ENROLL", "name": "MFA Enrollment", "status": "ACTIVE", "priority": 1,
				"rules": []any{O{"id": "0pr4", "name": "Enroll everyone", "type": "MFA_ENROLL", "status": "ACTIVE", "priority": 1,
					"actions": O{"enroll": O{"self": "CHALLENGE"}}}}},
			{"id": "00p4", "type": "PASSWORD", "name": "Default Password", "status": "ACTIVE", "system": true, "priority": 1},
			{"id": "00p5", "type": "OKTA_SIGN_ON", "name": "Dormant", "status": "INACTIVE", "priority": 3},
		},
		Factors: map[string][]O{
			"00u1": {
				{"id": "opf1", "factorType": "push", "provider": "OKTA", "status": "ACTIVE", "profile": O{"name": "John's iPhone"}},
				{"id": "pfd1", "factorType": "signed_nonce", "provider": "OKTA", "status": "ACTIVE", "profile": O{"name": "John's Mac"}},
				{"id": "mbl1", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE", "profile": O{"phoneNumber": "+1 555 0100"}},
			},
		},
		Logs: []O{
			logEvent("ev-1", -3*time.Hour, "user.session.start", "00u1", "john@company.com", "SUCCESS", "United States"),
			logEvent("ev-2", -2*time.Hour, "user.session.start", "00u2", "jane@company.com", "FAILURE", "Russia"),
			serviceActor(logEvent("ev-3", -1*time.Hour, "user.lifecycle.suspend", "0oaADMIN", "admin-bot", "SUCCESS", "United States")),
			logEvent("ev-4", -30*time.Minute, "security.threat.detected", "00u2", "jane@company.com", "DENY", "Russia"),
			logEvent("ev-old", -72*time.Hour, "user.session.start", "00u1", "john@company.com", "SUCCESS", "United States"),
		},
	}
}

// logEvent is a System Log event in Okta's shape, published at now+ago.
func logEvent(uuid string, ago time.Duration, typ, actorID, actorLogin, outcome, country string) oktasim.Object {
	type O = oktasim.Object
	return O{
		"uuid": uuid, "published": time.Now().UTC().Add(ago).Format("2006-01-02T15:04:05.000Z"),
		"eventType": typ, "severity": "INFO", "displayMessage": typ,
		"actor":   O{"id": actorID, "type": "User", "alternateId": actorLogin, "displayName": actorLogin},
		"target":  []any{O{"id": "00u2", "type": "User", "alternateId": "jane@company.com", "displayName": "Jane Roe"}},
		"outcome": O{"result": outcome},
		"client": O{"ipAddress": "203.0.113.7", "device": "Computer", "zone": "null",
			"userAgent":           O{"rawUserAgent": "Mozilla/5.0", "browser": "CHROME", "os": "Mac OS X"},
			"geographicalContext": O{"city": "Springfield", "country": country, "geolocation": O{"lat": 1.5, "lon": -2.25}}},
		"securityContext": O{"asNumber": 64500, "isProxy": country == "Russia"},
	}
}

// serviceActor makes an event's actor a service app, as Okta records
// changes made through the API.
func serviceActor(ev oktasim.Object) oktasim.Object {
	ev["actor"].(oktasim.Object)["type"] = "PublicClientApp"
	return ev
}
