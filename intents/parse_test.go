package intents_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

const (
	hour = intents.Duration(time.Hour)
	day  = intents.Day
	week = intents.Week
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		text string
		want intents.Intent
	}{
		// help and status
		{"empty text is help", "", intents.Intent{Kind: intents.Help}},
		{"only white space is help", " \t\n ", intents.Intent{Kind: intents.Help}},
		{"bare prefix is help", "/okta", intents.Intent{Kind: intents.Help}},
		{"help", "/okta help", intents.Intent{Kind: intents.Help}},
		{"help with topic", "/okta help suspend", intents.Intent{Kind: intents.Help, Query: "suspend"}},
		{"help topic of several words", "help admin actions", intents.Intent{Kind: intents.Help, Query: "admin actions"}},
		{"question mark", "?", intents.Intent{Kind: intents.Help}},
		{"status", "/okta status", intents.Intent{Kind: intents.Status}},
		{"prefix and verb in upper case", "/OKTA PING", intents.Intent{Kind: intents.Status}},
		{"doctor alias", "doctor", intents.Intent{Kind: intents.Status}},

		// users
		{"list users", "users", intents.Intent{Kind: intents.ListUsers}},
		{"list users by status", "/okta users status:SUSPENDED", intents.Intent{Kind: intents.ListUsers, Status: "SUSPENDED"}},
		{"user status alias", "users status:locked-out", intents.Intent{Kind: intents.ListUsers, Status: "LOCKED_OUT"}},
		{"user query of two words with limit", "/okta find-users john smith limit:50", intents.Intent{Kind: intents.ListUsers, Query: "john smith", Limit: 50}},
		{"query option", "list-users q:\"smith\" status:deprovisioned", intents.Intent{Kind: intents.ListUsers, Query: "smith", Status: "DEPROVISIONED"}},
		{"user details by login", "/okta user john@company.com", intents.Intent{Kind: intents.UserDetails, User: "john@company.com"}},
		{"user details by okta id", "whois 00u1abcdefghijklmnop", intents.Intent{Kind: intents.UserDetails, User: "00u1abcdefghijklmnop"}},
		{"user details by slack mention", "user <@U024BE7LH|bob>", intents.Intent{Kind: intents.UserDetails, User: "<@U024BE7LH>"}},
		{"user details by bare mention", "show-user <@W024BE7LH>", intents.Intent{Kind: intents.UserDetails, User: "<@W024BE7LH>"}},
		{"kind name with underscore", "user_details john@company.com", intents.Intent{Kind: intents.UserDetails, User: "john@company.com"}},
		{"kind name with hyphen", "USER-DETAILS john@company.com", intents.Intent{Kind: intents.UserDetails, User: "john@company.com"}},
		{"mailto link unwrapped", "user <mailto:john@company.com|john@company.com>", intents.Intent{Kind: intents.UserDetails, User: "john@company.com"}},
		{"mailto without label", "user <mailto:john@company.com>", intents.Intent{Kind: intents.UserDetails, User: "john@company.com"}},
		{"user as key", "user user:jane@company.com", intents.Intent{Kind: intents.UserDetails, User: "jane@company.com"}},
		{"AD style login keeps backslash", `user "CORP\jdoe"`, intents.Intent{Kind: intents.UserDetails, User: `CORP\jdoe`}},

		// groups
		{"list groups", "groups eng", intents.Intent{Kind: intents.ListGroups, Query: "eng"}},
		{"list groups by kind name", "list_groups", intents.Intent{Kind: intents.ListGroups}},
		{"channel mention as query", "groups <#C024BE7LR|general>", intents.Intent{Kind: intents.ListGroups, Query: "#general"}},
		{"group members quoted", `/okta members "Engineering"`, intents.Intent{Kind: intents.GroupMembers, Group: "Engineering"}},
		{"group members with connective and spaces", "members of Finance Team", intents.Intent{Kind: intents.GroupMembers, Group: "Finance Team"}},
		{"curly quotes", "members “Finance Team” limit:25", intents.Intent{Kind: intents.GroupMembers, Group: "Finance Team", Limit: 25}},
		{"escaped quote inside quotes", `members "The \"A\" Team"`, intents.Intent{Kind: intents.GroupMembers, Group: `The "A" Team`}},
		{"colon in a group name", "members AWS:Prod", intents.Intent{Kind: intents.GroupMembers, Group: "AWS:Prod"}},
		{"ampersand entity", "members R&amp;D", intents.Intent{Kind: intents.GroupMembers, Group: "R&D"}},
		{"angle bracket entities", "members &lt;legacy&gt;", intents.Intent{Kind: intents.GroupMembers, Group: "<legacy>"}},
		{"group apps", "group-apps Engineering limit:10", intents.Intent{Kind: intents.GroupApps, Group: "Engineering", Limit: 10}},

		// applications
		{"list apps", "apps sales status:inactive", intents.Intent{Kind: intents.ListApps, Query: "sales", Status: "INACTIVE"}},
		{"app details", "/okta app Salesforce", intents.Intent{Kind: intents.AppDetails, App: "Salesforce"}},
		{"link unwrapped to its label", "application <http://wiki.company.com|wiki.company.com>", intents.Intent{Kind: intents.AppDetails, App: "wiki.company.com"}},
		{"link without label", "app <https://wiki.company.com>", intents.Intent{Kind: intents.AppDetails, App: "https://wiki.company.com"}},
		{"app assignments", "assignments Salesforce", intents.Intent{Kind: intents.AppAssignments, App: "Salesforce"}},
		{"app as quoted key", `app-users app:"Google Workspace"`, intents.Intent{Kind: intents.AppAssignments, App: "Google Workspace"}},

		// policies
		{"policies by type", "policies OKTA_SIGN_ON", intents.Intent{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}},
		{"policy type alias", "policies sign-on", intents.Intent{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}},
		{"type: means policy type for policies", "policies type:password", intents.Intent{Kind: intents.ListPolicies, PolicyType: "PASSWORD"}},
		{"ptype alias", "list-policies ptype:access", intents.Intent{Kind: intents.ListPolicies, PolicyType: "ACCESS_POLICY"}},
		{"mfa policy type", "policies mfa", intents.Intent{Kind: intents.ListPolicies, PolicyType: "MFA_ENROLL"}},
		{"policy rules", `rules "Default Policy"`, intents.Intent{Kind: intents.PolicyRules, Policy: "Default Policy"}},

		// system log
		{"logs with window type and outcome", "/okta logs 48h type:user.session.start outcome:FAILURE", intents.Intent{Kind: intents.Logs, Window: 48 * hour, EventType: "user.session.start", Outcome: "FAILURE"}},
		{"logs without window keeps it empty", "logs", intents.Intent{Kind: intents.Logs}},
		{"logs with every option", `events since:7d user:john@company.com q:"password reset" limit:100`, intents.Intent{Kind: intents.Logs, Window: week, User: "john@company.com", Query: "password reset", Limit: 100}},
		{"last before a window and wildcard type", "logs last 2w event_type:user.authentication.* result:deny", intents.Intent{Kind: intents.Logs, Window: 2 * week, EventType: "user.authentication.*", Outcome: "DENY"}},
		{"compound window", "log 1h30m", intents.Intent{Kind: intents.Logs, Window: 90 * intents.Duration(time.Minute)}},
		{"upper case window", "/okta  LOGS  48H", intents.Intent{Kind: intents.Logs, Window: 48 * hour}},
		{"key and value apart", "logs type: user.session.start", intents.Intent{Kind: intents.Logs, EventType: "user.session.start"}},
		{"mixed case event type", "logs type:user.authentication.auth_via_IDP", intents.Intent{Kind: intents.Logs, EventType: "user.authentication.auth_via_IDP"}},
		{"admin actions", "admin-actions 48h", intents.Intent{Kind: intents.AdminActions, Window: 48 * hour}},
		{"admin actions by mention", "admin user:<@U1ABC|ann>", intents.Intent{Kind: intents.AdminActions, User: "<@U1ABC>"}},
		{"security events", "security-events 24h", intents.Intent{Kind: intents.SecurityEvents, Window: day}},

		// investigation
		{"failed logins", "failed-logins", intents.Intent{Kind: intents.FailedLogins}},
		{"failures of a user", "failures 30m user:john@company.com", intents.Intent{Kind: intents.FailedLogins, Window: 30 * intents.Duration(time.Minute), User: "john@company.com"}},
		{"suspicious logins by code", "suspicious-logins 24h countries:RU,KP", intents.Intent{Kind: intents.SuspiciousLogins, Window: day, Countries: []string{"Russia", "North Korea"}}},
		{"countries by name quoted", `suspicious country:"Russian Federation, DPRK"`, intents.Intent{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}}},
		{"countries list with spaces after commas", "suspicious countries:ru, gb, USA, Russia 7d", intents.Intent{Kind: intents.SuspiciousLogins, Window: week, Countries: []string{"Russia", "United Kingdom", "United States"}}},
		{"login history", "login-history john@company.com 7d", intents.Intent{Kind: intents.LoginHistory, User: "john@company.com", Window: week}},
		{"login history with connective", "logins john@company.com for 2w", intents.Intent{Kind: intents.LoginHistory, User: "john@company.com", Window: 2 * week}},
		{"investigate", "/okta investigate john@company.com 7d", intents.Intent{Kind: intents.Investigate, User: "john@company.com", Window: week}},
		{"window before user", "inv 7d john@company.com", intents.Intent{Kind: intents.Investigate, User: "john@company.com", Window: week}},
		{"investigate by keys", "investigate window:30d user:john@company.com", intents.Intent{Kind: intents.Investigate, User: "john@company.com", Window: 30 * day}},
		{"threats", "threats 7d", intents.Intent{Kind: intents.Threats, Window: week}},
		{"sweep", "sweep", intents.Intent{Kind: intents.Threats}},
		{"mfa status", "mfa-status", intents.Intent{Kind: intents.MFAStatus}},
		{"no mfa with limit", "no-mfa limit:20", intents.Intent{Kind: intents.MFAStatus, Limit: 20}},

		// user actions
		{"suspend with reason", "/okta suspend john@company.com reason: tor login", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "tor login"}},
		{"suspend mailto with entity in reason", "suspend <mailto:john@company.com|john@company.com> reason: Tor exit &amp; impossible travel", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "Tor exit & impossible travel"}},
		{"quoted reason", `suspend john@company.com reason:"stolen laptop"`, intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "stolen laptop"}},
		{"reason over several lines", "suspend john@company.com reason: line one\n  line two", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "line one line two"}},
		{"reason keeps words that look like options", "suspend john@company.com reason: status:x seen in logs 7d", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "status:x seen in logs 7d"}},
		{"unsuspend", "unsuspend john@company.com", intents.Intent{Kind: intents.UnsuspendUser, User: "john@company.com"}},
		{"clear sessions", "clear-sessions john@company.com reason: stolen laptop", intents.Intent{Kind: intents.ClearSessions, User: "john@company.com", Reason: "stolen laptop"}},
		{"logout by mention", "logout <@U024BE7LH>", intents.Intent{Kind: intents.ClearSessions, User: "<@U024BE7LH>"}},
		{"create user with fields", "create-user jane@company.com firstName:Jane lastName:Doe", intents.Intent{Kind: intents.CreateUser, User: "jane@company.com", Fields: map[string]string{"firstName": "Jane", "lastName": "Doe"}}},
		{"create user quoted field and reason", `create-user jane@company.com firstName:"Mary Jane" email: jane@company.com reason: new hire`, intents.Intent{Kind: intents.CreateUser, User: "jane@company.com", Fields: map[string]string{"firstName": "Mary Jane", "email": "jane@company.com"}, Reason: "new hire"}},
		{"create user without fields", "create-user jane@company.com", intents.Intent{Kind: intents.CreateUser, User: "jane@company.com"}},
		{"update user", "update-user jane@company.com department:Finance", intents.Intent{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"department": "Finance"}}},
		{"update user fields that look like options", `update_user jane@company.com title:"VP, Sales" status:x login:jane.doe@company.com`, intents.Intent{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"title": "VP, Sales", "status": "x", "login": "jane.doe@company.com"}}},
		{"clear an attribute", `update-user jane@company.com nickName:""`, intents.Intent{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"nickName": ""}}},
		{"activate user", "activate-user jane@company.com", intents.Intent{Kind: intents.ActivateUser, User: "jane@company.com"}},
		{"deactivate user", "deactivate-user john@company.com reason: left the company", intents.Intent{Kind: intents.DeactivateUser, User: "john@company.com", Reason: "left the company"}},
		{"deprovision", "deprovision 00u1abcdefghijklmnop", intents.Intent{Kind: intents.DeactivateUser, User: "00u1abcdefghijklmnop"}},
		{"unlock", "unlock john@company.com", intents.Intent{Kind: intents.UnlockUser, User: "john@company.com"}},
		{"reset factors", "reset-factors john@company.com reason: push fatigue accepted", intents.Intent{Kind: intents.ResetFactors, User: "john@company.com", Reason: "push fatigue accepted"}},
		{"expire password", "expire-password john@company.com", intents.Intent{Kind: intents.ExpirePassword, User: "john@company.com"}},
		{"expire password short verb", "expire-pw jdoe reason: reused password", intents.Intent{Kind: intents.ExpirePassword, User: "jdoe", Reason: "reused password"}},
		{"reset password", "reset-password john@company.com reason: password phished", intents.Intent{Kind: intents.ResetPassword, User: "john@company.com", Reason: "password phished"}},
		{"reset password by kind name", "reset_password jdoe", intents.Intent{Kind: intents.ResetPassword, User: "jdoe"}},
		{"reset mfa", "reset-mfa john@company.com", intents.Intent{Kind: intents.ResetFactors, User: "john@company.com"}},

		// group actions
		{"create group", `create-group "Incident Responders" description:"IR on-call"`, intents.Intent{Kind: intents.CreateGroup, Group: "Incident Responders", Fields: map[string]string{"description": "IR on-call"}}},
		{"create group with curly quoted field", `create-group Responders description:“IR on-call”`, intents.Intent{Kind: intents.CreateGroup, Group: "Responders", Fields: map[string]string{"description": "IR on-call"}}},
		{"update group", `update-group Engineering description:"All engineers"`, intents.Intent{Kind: intents.UpdateGroup, Group: "Engineering", Fields: map[string]string{"description": "All engineers"}}},
		{"rename group", `update-group "Old Name" name:"New Name"`, intents.Intent{Kind: intents.UpdateGroup, Group: "Old Name", Fields: map[string]string{"name": "New Name"}}},
		{"delete group", `delete-group "Old Contractors"`, intents.Intent{Kind: intents.DeleteGroup, Group: "Old Contractors"}},
		{"add member", "add-member john@company.com Engineering", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Engineering"}},
		{"add with to", "/okta add john@company.com to Engineering", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Engineering"}},
		{"add slack markup to curly quoted group", "add <mailto:john@company.com|john@company.com> to “Finance Team”", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Finance Team"}},
		{"add to unquoted group of several words", "add john@company.com to Friends of Okta", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Friends of Okta"}},
		{"a group named like a connective", "add john@company.com to", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "to"}},
		{"remove member with reason", "remove-member john@company.com Admins reason: no longer on call", intents.Intent{Kind: intents.RemoveGroupMember, User: "john@company.com", Group: "Admins", Reason: "no longer on call"}},
		{"remove from", "remove john@company.com from Admins", intents.Intent{Kind: intents.RemoveGroupMember, User: "john@company.com", Group: "Admins"}},

		// app actions
		{"create app", `create-app {"name":"bookmark", "label":"Wiki"}`, intents.Intent{Kind: intents.CreateApp, Body: json.RawMessage(`{"name":"bookmark","label":"Wiki"}`)}},
		{"create app with slack link and entity in json", `create-app {"label":"R&amp;D","settings":{"app":{"url":"<https://wiki.company.com>"}}}`, intents.Intent{Kind: intents.CreateApp, Body: json.RawMessage(`{"label":"R&D","settings":{"app":{"url":"https://wiki.company.com"}}}`)}},
		{"update app", `update-app Wiki {"label":"Team Wiki"}`, intents.Intent{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki"}`)}},
		{"body glued to the name", `update-app Wiki{"label":"Team Wiki"} reason: rename`, intents.Intent{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki"}`), Reason: "rename"}},
		{"activate app", "activate-app Salesforce", intents.Intent{Kind: intents.ActivateApp, App: "Salesforce"}},
		{"deactivate app", "deactivate-app Salesforce reason: vendor breach", intents.Intent{Kind: intents.DeactivateApp, App: "Salesforce", Reason: "vendor breach"}},

		// policy actions
		{"create policy", `create-policy {"type":"OKTA_SIGN_ON","name":"Contractors"}`, intents.Intent{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"type":"OKTA_SIGN_ON","name":"Contractors"}`)}},
		{"create policy with curly quotes in json", `create-policy {“type”:“OKTA_SIGN_ON”,“name”:“Contractors”} reason: “new vendor”`, intents.Intent{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"type":"OKTA_SIGN_ON","name":"Contractors"}`), Reason: "new vendor"}},
		{"update policy", `update-policy Contractors {"description":"Contractor sign-on"}`, intents.Intent{Kind: intents.UpdatePolicy, Policy: "Contractors", Body: json.RawMessage(`{"description":"Contractor sign-on"}`)}},
		{"activate policy", "activate-policy Contractors", intents.Intent{Kind: intents.ActivatePolicy, Policy: "Contractors"}},
		{"deactivate policy", `deactivate-policy "Legacy Sign-On"`, intents.Intent{Kind: intents.DeactivatePolicy, Policy: "Legacy Sign-On"}},
		{"create rule", `create-rule Contractors {"name":"Require MFA","type":"SIGN_ON"}`, intents.Intent{Kind: intents.CreatePolicyRule, Policy: "Contractors", Body: json.RawMessage(`{"name":"Require MFA","type":"SIGN_ON"}`)}},
		{"update rule with reason after json", `/okta update-rule Contractors "Require MFA" {"name":"Require MFA always"} reason: audit finding`, intents.Intent{Kind: intents.UpdatePolicyRule, Policy: "Contractors", Rule: "Require MFA", Body: json.RawMessage(`{"name":"Require MFA always"}`), Reason: "audit finding"}},
		{"activate rule", `activate-rule Contractors "Require MFA"`, intents.Intent{Kind: intents.ActivatePolicyRule, Policy: "Contractors", Rule: "Require MFA"}},
		{"rule name of several words unquoted", "deactivate-rule Contractors Require MFA", intents.Intent{Kind: intents.DeactivatePolicyRule, Policy: "Contractors", Rule: "Require MFA"}},

		// approvals
		{"pending", "pending", intents.Intent{Kind: intents.Pending}},
		{"suppressions", "suppressions", intents.Intent{Kind: intents.Suppressions}},
		{"false-positives", "false-positives", intents.Intent{Kind: intents.Suppressions}},
		{"proposals alias", "/okta proposals", intents.Intent{Kind: intents.Pending}},
		{"proposal", "proposal p-7Q2M", intents.Intent{Kind: intents.ShowProposal, ID: "p-7Q2M"}},
		{"proposal by id key", "proposal id:p-7Q2M", intents.Intent{Kind: intents.ShowProposal, ID: "p-7Q2M"}},

		// white space and invisible characters
		{"no-break space separates", "suspend\u00a0john@company.com", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"}},
		{"zero-width space dropped", "sus\u200bpend john@company.com\u200b", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"}},

		// unknown verbs
		{"typo suggests the verb", "suspnd john@company.com", intents.Intent{Kind: intents.Unknown, Suggestions: []string{"/okta suspend"}}},
		{"transposition", "/okta investiagte john", //nolint:misspell // the typo is the test
			intents.Intent{Kind: intents.Unknown, Suggestions: []string{"/okta investigate"}}},
		{"prefix suggests several", "deact john", intents.Intent{Kind: intents.Unknown, Suggestions: []string{"/okta deactivate-user", "/okta deactivate-app", "/okta deactivate-policy"}}},
		{"free text without a close verb", "what happened yesterday", intents.Intent{Kind: intents.Unknown}},
		{"prefix glued to the verb is not the prefix", "/oktausers", intents.Intent{Kind: intents.Unknown}},
	}
	covered := map[intents.Kind]bool{}
	for _, tt := range tests {
		covered[tt.want.Kind] = true
		t.Run(tt.name, func(t *testing.T) {
			got, err := intents.Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.text, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
	for _, k := range intents.Kinds() {
		if !covered[k] {
			t.Errorf("TestParse has no case for kind %s", k)
		}
	}
}

// manyFields is " f1:x f2:x …" with n attributes.
func manyFields(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " f%d:x", i)
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // part of the message for people
	}{
		{"too long", "/okta user " + strings.Repeat("a", intents.MaxText), "longer than 4000 characters"},
		{"not utf-8", "user \xff\xfe", "not valid UTF-8"},
		{"missing user", "suspend", "suspend needs a user"},
		{"missing user shows the example", "suspend reason: x", "e.g. /okta suspend john@company.com reason: tor login"},
		{"missing group", "add john@company.com", "add-member needs a group name"},
		{"missing fields", "update-user jane@company.com", "needs at least one attribute"},
		{"missing body", "create-policy", "needs Okta's JSON"},
		{"missing id", "proposal", "proposal needs a proposal id"},
		{"body does not parse", `create-app {"name":`, "JSON body does not parse"},
		{"body syntax error", `create-app {name:"x"}`, "JSON body does not parse"},
		{"text after the body", `update-app Wiki {"label":"x"} now`, "only reason: may follow the JSON body"},
		{"two bodies", `update-app Wiki {"a":1} {"b":2}`, "only reason: may follow"},
		{"unclosed quote", `members "Finance Team`, "quote is not closed"},
		{"user with a space", `suspend "john smith"`, "not a login"},
		{"user too long", "suspend " + strings.Repeat("a", 101) + "@x.com", "at most 100 characters"},
		{"user with control character", "suspend \"john\x01@x.com\"", "not a login"},
		{"broken mention", "user <@U123", "not a user"},
		{"group name too long", "members \"" + strings.Repeat("g", 256) + "\"", "at most 255 characters"},
		{"group name with control character", "members \"a\x07b\"", "control characters"},
		{"bad policy type", "policies SAML", "not a policy type"},
		{"window is not a duration", "logs foo", `"foo" is not a time window`},
		{"window error shows usage", "logs foo", "Usage: /okta logs [window]"},
		{"window beyond 90 days", "logs 100d", "90 days"},
		{"window beyond 90 days in hours", "logs 2161h", "90 days"},
		{"zero window", "logs 0h", "must be positive"},
		{"negative window", "threats -5h", "must be positive"},
		{"window given twice", "logs 48h 7d", "window is given twice"},
		{"bad event type", "logs type:user..start", "not an event type"},
		{"wildcard in the first segment", "logs type:*.start", "not an event type"},
		{"bad outcome", "logs outcome:maybe", "not an outcome"},
		{"bad user status", "users status:happy", "not a user status"},
		{"bad app status", "apps status:SUSPENDED", "ACTIVE or INACTIVE"},
		{"unknown country", "suspicious countries:RU,Atlantis", `"Atlantis" is not a country`},
		{"empty countries", "suspicious countries:,", "countries: is empty"},
		{"limit zero", "users limit:0", "from 1 to 1000"},
		{"limit too big", "users limit:1001", "from 1 to 1000"},
		{"limit not a number", "users limit:ten", "from 1 to 1000"},
		{"reason too long", "suspend john@company.com reason: " + strings.Repeat("x", 501), "the limit is 500"},
		{"empty reason", "suspend john@company.com reason:", "reason: is empty"},
		{"reason on a query", "user john@company.com reason: curious", "user does not take reason:"},
		{"option not accepted names the accepted", "user john@company.com status:ACTIVE", "user does not take status:; it takes user:"},
		{"alias not accepted", "suspend john@company.com since:7d", "suspend does not take since:; it takes user: reason:"},
		{"unknown option", "users stauts:ACTIVE", "users does not take stauts:; it takes query: status: limit:"},
		{"options on a kind without any", "pending status:open", "pending takes no options"},
		{"arguments on a kind without any", "status foo", "status takes no arguments"},
		{"too many arguments", "suspend john@company.com extra", `suspend does not understand "extra"`},
		{"group given twice", "members Engineering group:Ops", "group is given twice"},
		{"option given twice", "logs outcome:FAILURE outcome:SUCCESS", "outcome is given twice"},
		{"bad attribute name", "create-user jane@company.com first-name:Jane", "not an Okta attribute name"},
		{"attribute name too long", "update-user jane@company.com " + strings.Repeat("a", 51) + ":x", "not an Okta attribute name"},
		{"attribute given twice", "update-user jane@company.com title:a title:b", "title is given twice"},
		{"bad proposal id", "proposal p/7Q2M", "not a proposal id"},
		{"key without value", "logs type:", "type: needs a value"},
		{"empty quoted name", `members ""`, "group: is empty"},
		{"window option on a kind without window", "user john@company.com window:7d", "user does not take window:"},
		{"too many attributes", "create-user jane@company.com" + manyFields(51), "too many attributes"},
		{"attribute value too long", "update-user jane@company.com title:" + strings.Repeat("t", 1025), "at most 1024 characters"},
		{"attribute value with control character", "update-user jane@company.com title:\"a\x1bb\"", "without control characters"},
		{"query too long", "users q:\"" + strings.Repeat("q", 256) + "\"", "the limit is 255"},
		{"query with control character", "groups \"a\x00b\"", "control characters"},
		{"event type too long", "logs type:" + strings.Repeat("a.", 50) + "a", "not an event type"},
		{"too many countries", "suspicious countries:" + strings.Repeat("RU,", 51), "too many countries"},
		{"proposal id too long", "proposal p-" + strings.Repeat("x", 64), "not a proposal id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := intents.Parse(tt.text)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error containing %q", tt.text, got, tt.want)
			}
			if !errors.Is(err, intents.ErrInvalid) {
				t.Errorf("Parse(%q) error %v is not ErrInvalid", tt.text, err)
			}
			e, ok := intents.AsError(err)
			if !ok {
				t.Fatalf("Parse(%q) error %T is not an *intents.Error", tt.text, err)
			}
			if !strings.Contains(e.Detail, tt.want) {
				t.Errorf("Parse(%q) error detail %q, want it to contain %q", tt.text, e.Detail, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "intents: parse: ") {
				t.Errorf("Parse(%q) error %q lacks the package prefix", tt.text, err)
			}
			if diff := cmp.Diff(intents.Intent{}, got); diff != "" {
				t.Errorf("Parse(%q) returned a half-parsed intent with its error (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestParseHugeInput checks that a message ten times Slack's limit is refused
// (and that Parse returns at all).
func TestParseHugeInput(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("a ", 20000),
		"/okta create-app {" + strings.Repeat(`"a":[`, 8000),
		strings.Repeat("é", 40000),
	} {
		_, err := intents.Parse(text)
		if !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("Parse(%d characters) error = %v, want ErrInvalid", len([]rune(text)), err)
		}
	}
	// Exactly at the limit is read (here: an unknown verb).
	atLimit := strings.Repeat("x", intents.MaxText)
	if got, err := intents.Parse(atLimit); err != nil || got.Kind != intents.Unknown {
		t.Errorf("Parse(%d characters) = %v, %v; want kind unknown and no error", intents.MaxText, got.Kind, err)
	}
}

func TestIntentJSON(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"/okta logs 48h type:user.session.start", `{"kind":"logs","window":"48h","event_type":"user.session.start"}`},
		{"/okta logs", `{"kind":"logs"}`},
		{"investigate john@company.com 7d", `{"kind":"investigate","user":"john@company.com","window":"168h"}`},
		{"logs 45m", `{"kind":"logs","window":"45m"}`},
		{"logs 1h30m", `{"kind":"logs","window":"1h30m0s"}`},
		{"suspicious countries:RU,IR", `{"kind":"suspicious_logins","countries":["Russia","Iran"]}`},
		{"update-user jane@company.com title:CFO", `{"kind":"update_user","user":"jane@company.com","fields":{"title":"CFO"}}`},
		{`update-app Wiki { "label" : "W" }`, `{"kind":"update_app","app":"Wiki","body":{"label":"W"}}`},
		{"suspnd john", `{"kind":"unknown","suggestions":["/okta suspend"]}`},
		{"", `{"kind":"help"}`},
	}
	for _, tt := range tests {
		in, err := intents.Parse(tt.text)
		if err != nil {
			t.Fatalf("Parse(%q) error: %v", tt.text, err)
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("json.Marshal(Parse(%q)) error: %v", tt.text, err)
		}
		if string(b) != tt.want {
			t.Errorf("json.Marshal(Parse(%q)) = %s, want %s", tt.text, b, tt.want)
		}
		var back intents.Intent
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("json.Unmarshal(%s) error: %v", b, err)
		}
		if diff := cmp.Diff(in, back); diff != "" {
			t.Errorf("JSON round trip of Parse(%q) changed it (-parsed +decoded):\n%s", tt.text, diff)
		}
		if in.Window != 0 {
			var raw struct{ Window string }
			_ = json.Unmarshal(b, &raw)
			if d, err := time.ParseDuration(raw.Window); err != nil || intents.Duration(d) != in.Window {
				t.Errorf("time.ParseDuration(%q) = %v, %v; want %v", raw.Window, d, err, time.Duration(in.Window))
			}
		}
	}
}

// TestEffectiveWindowDefaults checks that Parse leaves defaults to
// EffectiveWindow.
func TestEffectiveWindowDefaults(t *testing.T) {
	tests := []struct {
		text string
		want time.Duration
	}{
		{"logs", 24 * time.Hour},
		{"investigate john@company.com", 7 * 24 * time.Hour},
		{"login-history john@company.com", 7 * 24 * time.Hour},
		{"threats 48h", 48 * time.Hour},
		{"user john@company.com", 0},
	}
	for _, tt := range tests {
		in, err := intents.Parse(tt.text)
		if err != nil {
			t.Fatalf("Parse(%q) error: %v", tt.text, err)
		}
		if in.Window != 0 && !strings.Contains(tt.text, "h") {
			t.Errorf("Parse(%q).Window = %v, want it left empty", tt.text, in.Window)
		}
		if got := in.EffectiveWindow(); got != tt.want {
			t.Errorf("Parse(%q).EffectiveWindow() = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func ExampleParse() {
	in, err := intents.Parse("/okta logs 48h type:user.session.start")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(in)
	fmt.Println(string(b))
	fmt.Println(in.Window, "=", in.Window.Human())
	// Output:
	// {"kind":"logs","window":"48h","event_type":"user.session.start"}
	// 48h = 2 days
}

// sameJSON compares JSON bodies by meaning: json.Marshal escapes & < > in a
// RawMessage, so a round trip may change its bytes but not its value.
func sameJSON() cmp.Option {
	return cmp.Transformer("json", func(r json.RawMessage) any {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			return string(r)
		}
		return v
	})
}
