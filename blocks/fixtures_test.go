package blocks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// now is the present of every fixture.
var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) time.Time { return testNow.Add(-d) }

const day = 24 * time.Hour

func john() intents.User {
	return intents.User{
		ID: "00u1abcdJOHN", Status: "ACTIVE", Login: "john.smith@company.com", Email: "john.smith@company.com",
		FirstName: "John", LastName: "Smith", Department: "Engineering", Title: "Senior Engineer",
		Created: ago(400 * day), StatusChanged: ago(390 * day), LastLogin: ago(3 * time.Hour), PasswordChanged: ago(45 * day),
		Profile: map[string]any{"ssn": "123-45-6789", "secretQuestion": "pet"},
	}
}

func someUsers() []intents.User {
	j := john()
	return []intents.User{
		j,
		{ID: "00u2", Status: "SUSPENDED", Login: "mallory@company.com", Email: "mallory@company.com", DisplayName: "Mallory Jones", Department: "Finance", LastLogin: ago(20 * day)},
		{ID: "00u3", Status: "LOCKED_OUT", Login: "ana.garcia@company.com", FirstName: "Ana", LastName: "García", Title: "Analyst", LastLogin: ago(26 * time.Hour)},
		{ID: "00u4", Status: "STAGED", Login: "new.hire@company.com", FirstName: "New", LastName: "Hire"},
		{ID: "00u5", Status: "DEPROVISIONED", Login: "old.contractor@partner.io", Email: "oc@partner.io", FirstName: "Old", LastName: "Contractor", LastLogin: ago(200 * day)},
	}
}

func manyUsers(n int) []intents.User {
	us := make([]intents.User, n)
	for i := range us {
		us[i] = intents.User{
			ID: fmt.Sprintf("00u%05d", i), Status: []string{"ACTIVE", "SUSPENDED", "LOCKED_OUT"}[i%3],
			Login: fmt.Sprintf("user%04d@company.com", i), FirstName: "User", LastName: fmt.Sprintf("%04d", i),
			Department: "Ops", LastLogin: ago(time.Duration(i) * time.Hour),
		}
	}
	return us
}

func someGroups() []intents.Group {
	return []intents.Group{
		{ID: "00g1", Name: "Everyone", Type: "BUILT_IN", Description: "All users in your organization"},
		{ID: "00g2", Name: "Engineering", Type: "OKTA_GROUP", Description: "All engineers", Created: ago(800 * day)},
		{ID: "00g3", Name: "Super Admins", Type: "OKTA_GROUP", Description: "Break-glass & on-call <admins>"},
		{ID: "00g4", Name: "Salesforce Users", Type: "APP_GROUP"},
	}
}

func someApps() []intents.App {
	return []intents.App{
		{ID: "0oa1", Name: "salesforce", Label: "Salesforce", Status: "ACTIVE", SignOnMode: "SAML_2_0", Created: ago(700 * day), Updated: ago(10 * day)},
		{ID: "0oa2", Name: "slack", Label: "Slack", Status: "ACTIVE", SignOnMode: "SAML_2_0"},
		{ID: "0oa3", Name: "oidc_client", Label: "Internal Wiki", Status: "INACTIVE", SignOnMode: "OPENID_CONNECT"},
	}
}

func someEvents() []intents.Event {
	tor := intents.EventClient{IP: "185.220.101.1", City: "Berlin", Country: "Germany", UserAgent: "Mozilla/5.0", Browser: "FIREFOX", OS: "Linux"}
	jActor := intents.Actor{ID: "00u1abcdJOHN", Type: "User", AlternateID: "john.smith@company.com", DisplayName: "John Smith"}
	var es []intents.Event
	for i := range 5 {
		es = append(es, intents.Event{
			UUID: fmt.Sprintf("e-fail-%d", i), Published: ago(time.Duration(60-i) * time.Minute), EventType: "user.session.start",
			DisplayMessage: "User login to Okta", Severity: "WARN", Actor: jActor, Client: tor,
			Outcome: intents.EventOutcome{Result: "FAILURE", Reason: "INVALID_CREDENTIALS"}, Security: intents.Security{IsProxy: true, ASOrg: "tor exit"},
		})
	}
	es = append(es, intents.Event{
		UUID: "e-ok", Published: ago(35 * time.Minute), EventType: "user.session.start", DisplayMessage: "User login to Okta",
		Severity: "INFO", Actor: jActor, Client: tor, Outcome: intents.EventOutcome{Result: "SUCCESS"},
		Security: intents.Security{IsProxy: true}, Debug: map[string]string{"threatSuspected": "true", "risk": "{level=HIGH, reasons=Anomalous Location}"},
	})
	es = append(es, intents.Event{
		UUID: "e-admin", Published: ago(20 * time.Minute), EventType: "group.user_membership.add", DisplayMessage: "Add user to group membership",
		Severity: "INFO", Actor: intents.Actor{ID: "00uADMIN", Type: "User", AlternateID: "admin@company.com", DisplayName: "Alice Admin"},
		Targets: []intents.Actor{{ID: "00g3", Type: "UserGroup", DisplayName: "Super Admins"}, {ID: "00u1abcdJOHN", Type: "User", AlternateID: "john.smith@company.com"}},
		Client:  intents.EventClient{IP: "10.0.0.5", City: "San Francisco", State: "California", Country: "United States"},
		Outcome: intents.EventOutcome{Result: "SUCCESS"},
	})
	return es
}

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// cases are the golden results: small, realistic, one per layout.
func goldenCases() []struct {
	name string
	r    intents.Result
	opts Options
} {
	opts := Options{Now: testNow}
	j := john()
	profile := &intents.UserProfile{
		User: j,
		Factors: []intents.Factor{
			{ID: "opf1", Type: "push", Provider: "OKTA", Status: "ACTIVE", Name: "iPhone 15"},
			{ID: "mbl1", Type: "sms", Provider: "OKTA", Status: "ACTIVE", Name: "+1 415-555-0134"},
			{ID: "fwf1", Type: "webauthn", Provider: "FIDO", Status: "PENDING_ACTIVATION", Name: "YubiKey 5"},
		},
		Groups: someGroups(),
		Apps:   someApps(),
	}
	weak := &intents.UserProfile{
		User:    intents.User{ID: "00u9", Status: "ACTIVE", Login: "dormant@company.com", DisplayName: "Dora Mant", Created: ago(500 * day), LastLogin: ago(143 * day)},
		Factors: []intents.Factor{{ID: "sms1", Type: "sms", Provider: "OKTA", Status: "ACTIVE", Name: "+44 7700 900123"}},
	}
	nofactor := &intents.UserProfile{User: intents.User{ID: "00u8", Status: "SUSPENDED", Login: "x@company.com", Created: ago(2 * day)}}
	appRaw := raw(map[string]any{
		"id": "0oa3", "label": "Internal Wiki", "signOnMode": "OPENID_CONNECT",
		"credentials": map[string]any{"oauthClient": map[string]any{"client_id": "0oa3client", "client_secret": "SUPERSECRET-never-show", "token_endpoint_auth_method": "client_secret_basic"}},
		"settings": map[string]any{"oauthClient": map[string]any{
			"application_type": "web", "grant_types": []string{"authorization_code", "refresh_token"},
			"redirect_uris": []string{"https://wiki.company.com/callback"},
		}, "app": map[string]any{"apiToken": "SECRET-TOKEN-never-show"}},
		"features":   []string{},
		"visibility": map[string]any{"hide": map[string]any{"web": false}},
	})
	app := someApps()[2]
	app.Raw = appRaw
	logsIn := intents.Intent{Kind: intents.Logs, Window: intents.Day, EventType: "user.session.start"}
	return []struct {
		name string
		r    intents.Result
		opts Options
	}{
		{"user_details", intents.Result{Intent: intents.Intent{Kind: intents.UserDetails, User: "john.smith@company.com"}, Profile: profile}, opts},
		{"user_details_weak_dormant", intents.Result{Intent: intents.Intent{Kind: intents.UserDetails, User: "dormant@company.com"}, Profile: weak}, opts},
		{"user_details_no_factors", intents.Result{Intent: intents.Intent{Kind: intents.UserDetails, User: "x@company.com"}, Profile: nofactor}, Options{}},
		{"list_users", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: someUsers()}, opts},
		{"list_users_empty_filtered", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers, Query: "zed"}}, opts},
		{"list_users_empty_no_admin_role", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}}, opts},
		{"list_users_page2", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers, Status: "ACTIVE"}, Users: manyUsers(40)}, Options{Now: testNow, Page: 2}},
		{"list_users_truncated", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers}, Users: manyUsers(30), Truncated: true, Next: "00u00029"}, Options{Now: testNow, Page: 2}},
		{"list_groups", intents.Result{Intent: intents.Intent{Kind: intents.ListGroups}, Groups: someGroups()}, opts},
		{"group_members", intents.Result{Intent: intents.Intent{Kind: intents.GroupMembers, Group: "eng"}, Subject: "Engineering", Users: someUsers()[:3]}, opts},
		{"group_apps", intents.Result{Intent: intents.Intent{Kind: intents.GroupApps, Group: "Engineering"}, Subject: "Engineering", Apps: someApps()}, opts},
		{"list_apps", intents.Result{Intent: intents.Intent{Kind: intents.ListApps}, Apps: someApps()}, opts},
		{"app_details", intents.Result{Intent: intents.Intent{Kind: intents.AppDetails, App: "Internal Wiki"}, Apps: []intents.App{app},
			Assignments: []intents.Assignment{{Type: "group", ID: "00g2", Name: "Engineering"}, {Type: "user", ID: "00u1", Name: "john.smith@company.com", Status: "ACTIVE", Scope: "USER"}}}, opts},
		{"app_assignments", intents.Result{Intent: intents.Intent{Kind: intents.AppAssignments, App: "salesforce"}, Subject: "Salesforce", Assignments: []intents.Assignment{
			{Type: "user", ID: "00u1", Name: "john.smith@company.com", Status: "ACTIVE", Scope: "GROUP"},
			{Type: "group", ID: "00g2", Name: "Engineering"},
			{Type: "user", ID: "00u2", Name: "mallory@company.com", Status: "SUSPENDED", Scope: "USER"},
			{Type: "group", ID: "00g4", Name: "Salesforce Users"},
		}}, opts},
		{"list_policies", intents.Result{Intent: intents.Intent{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}, Policies: []intents.Policy{
			{ID: "00p1", Name: "Contractors", Type: "OKTA_SIGN_ON", Status: "ACTIVE", Priority: 1, Description: "Stricter sign-on for contractors"},
			{ID: "00p2", Name: "Default Policy", Type: "OKTA_SIGN_ON", Status: "ACTIVE", Priority: 2, System: true, Description: "The default policy applies in all situations if no other policy applies."},
			{ID: "00p3", Name: "Legacy", Type: "OKTA_SIGN_ON", Status: "INACTIVE", Priority: 3},
		}}, opts},
		{"policy_rules", intents.Result{Intent: intents.Intent{Kind: intents.PolicyRules, Policy: "Contractors"}, Subject: "Contractors", Rules: []intents.PolicyRule{
			{ID: "0pr1", Name: "Require MFA off-network", Status: "ACTIVE", Priority: 1, Summary: "Anywhere except Corporate Network: allow, MFA every sign-in, session 2h"},
			{ID: "0pr2", Name: "Block TOR", Status: "INACTIVE", Priority: 2, Summary: "Zone TOR-exits: deny"},
			{ID: "0pr3", Name: "Default Rule", Status: "ACTIVE", Priority: 3, System: true, Summary: "Everyone, anywhere: allow, no MFA"},
		}}, opts},
		{"logs", intents.Result{Intent: logsIn, Events: someEvents()[:6], Since: ago(24 * time.Hour), Until: testNow}, opts},
		{"admin_actions", intents.Result{Intent: intents.Intent{Kind: intents.AdminActions, Window: 2 * intents.Day}, Events: someEvents()[6:], Since: ago(48 * time.Hour), Until: testNow}, opts},
		{"security_events", intents.Result{Intent: intents.Intent{Kind: intents.SecurityEvents}, Since: ago(24 * time.Hour), Until: testNow}, opts},
		{"status_ok", intents.Result{Intent: intents.Intent{Kind: intents.Status}, Status: &intents.OrgStatus{
			OrgURL: "https://company.okta.com", ClientID: "0oa9serviceapp", TokenType: "DPoP", TokenExpires: testNow.Add(52 * time.Minute),
			Requested: intents.DefaultScopes, Granted: intents.DefaultScopes, AdminRole: true,
		}}, opts},
		{"status_problems", intents.Result{Intent: intents.Intent{Kind: intents.Status}, Status: &intents.OrgStatus{
			OrgURL: "https://company.okta.com", ClientID: "0oa9serviceapp", TokenType: "Bearer", TokenExpires: testNow.Add(time.Hour),
			Requested: append(intents.DefaultScopes, intents.ScopePoliciesManage), Granted: []string{intents.ScopeUsersRead, intents.ScopeLogsRead},
			Missing: []string{intents.ScopeUsersManage, intents.ScopeGroupsRead, intents.ScopeAppsRead, intents.ScopePoliciesRead, intents.ScopePoliciesManage},
		}}, opts},
		{"investigate", intents.Result{Intent: intents.Intent{Kind: intents.Investigate, User: "john.smith@company.com", Window: intents.Week},
			Events: someEvents()[:6], Since: ago(7 * day), Until: testNow,
			Findings: []intents.Finding{
				{Detection: "success_after_failures", Severity: intents.SeverityCritical, Score: 91, User: "john.smith@company.com",
					Summary:  "5 failed logins from 185.220.101.1 (Tor exit node), then a successful login from the same IP",
					Evidence: []intents.Evidence{{Text: "5 failed logins in 25 minutes", Points: 30}, {Text: "anonymizing proxy (Tor)", Points: 25}, {Text: "success after failures", Points: 26}, {Text: "risk HIGH", Points: 10}},
					Events:   []string{"e-fail-0", "e-ok"}},
				{Detection: "anonymizing_proxy_login", Severity: intents.SeverityHigh, Score: 60, User: "john.smith@company.com", Summary: "Sign-in through an anonymizing proxy", Evidence: []intents.Evidence{{Text: "isProxy", Points: 60}}},
			},
			Proposals: []intents.Action{
				{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: "00u1abcdJOHN", Name: "john.smith@company.com"}, Confidence: 91},
				{Kind: intents.ClearSessions, User: &intents.Ref{Type: "user", ID: "00u1abcdJOHN", Name: "john.smith@company.com"}, Confidence: 91},
			}}, opts},
		{"threats_none", intents.Result{Intent: intents.Intent{Kind: intents.Threats}, Since: ago(day), Until: testNow}, opts},
		{"mfa_status", intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}, Users: someUsers()[:2]}, opts},
		{"pending_generic", intents.Result{Intent: intents.Intent{Kind: intents.Pending}}, opts},
		{"hostile", intents.Result{Intent: intents.Intent{Kind: intents.ListUsers, Query: "<!here>"}, Users: hostileUsers()}, opts},
	}
}

func hostileUsers() []intents.User {
	return []intents.User{
		{ID: "00uX1", Status: "ACTIVE", Login: "evil@company.com", DisplayName: "<!channel> please click", Department: "<https://evil.example|click here>"},
		{ID: "00uX2", Status: "ACTIVE", Login: "ivan@company.ru", FirstName: "Иван", LastName: "Петров", Department: "Отдел безопасности", Title: "Аналитик"},
		{ID: "00uX3", Status: "ACTIVE", Login: "wang@company.cn", DisplayName: "王小明", Department: "安全部", Title: "工程师 👩‍💻"},
		{ID: "00uX4", Status: "ACTIVE", Login: "dana@company.co.il", DisplayName: "דנה כהן", Department: "אבטחת מידע", Title: "مهندسة أمن"},
		{ID: "00uX5", Status: "SUSPENDED", Login: "trick@company.com", DisplayName: "admin\u202Egnp.exe\x1b[31m & co", Title: "line\nbreak\ttab"},
	}
}
