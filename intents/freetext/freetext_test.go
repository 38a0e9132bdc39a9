package freetext_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// ftNow is the clock of the free-text tests: a Wednesday afternoon.
var ftNow = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)

// The days of ftNow's week that free text names: its windows start (and
// "yesterday" ends) at midnight exactly.
var (
	ftToday     = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	ftYesterday = ftToday.AddDate(0, 0, -1)
	ftMonday    = ftToday.AddDate(0, 0, -2)
	ftFriday    = ftToday.AddDate(0, 0, -5)
)

func hrs(n int) intents.Duration { return intents.Duration(time.Duration(n) * time.Hour) }

// ftJSON compares bodies by meaning.
func ftJSON() cmp.Option {
	return cmp.Transformer("json", func(r json.RawMessage) any {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			return string(r)
		}
		return v
	})
}

type I = intents.Intent

// phrasings maps what analysts write to what oktabot must understand:
// questions and commands, polite and terse, in varied word order and with
// typos.
var phrasings = []struct {
	name string
	text string
	want I
}{
	// The four examples of the setup guide.
	{"guide: suspicious countries", "Show me logins from suspicious countries in the last 24 hours", I{Kind: intents.SuspiciousLogins, Window: hrs(24)}},
	{"guide: investigate", "Investigate john@company.com for suspicious activity", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"guide: mfa", "Which users don't have MFA enrolled?", I{Kind: intents.MFAStatus}},
	{"guide: admin actions", "Show me admin actions in the last 48 hours", I{Kind: intents.AdminActions, Window: hrs(48)}},

	// help and status
	{"greeting", "hi", I{Kind: intents.Help}},
	{"greeting with punctuation", "hello!", I{Kind: intents.Help}},
	{"thanks", "thanks", I{Kind: intents.Help}},
	{"help", "help", I{Kind: intents.Help}},
	{"what can you do", "what can you do?", I{Kind: intents.Help}},
	{"what is oktabot", "what is oktabot?", I{Kind: intents.Help}},
	{"how do I", "how do I suspend a user?", I{Kind: intents.Help, Query: "suspend"}},
	{"help with a topic", "help with suspend", I{Kind: intents.Help, Query: "suspend"}},
	{"are you working", "are you working?", I{Kind: intents.Status}},
	{"are you alive", "are you alive", I{Kind: intents.Status}},
	{"is okta connected", "is okta connected?", I{Kind: intents.Status}},
	{"check the connection", "check the okta connection", I{Kind: intents.Status}},
	{"ping", "ping", I{Kind: intents.Status}},

	// users
	{"who is email", "who is john@company.com?", I{Kind: intents.UserDetails, User: "john@company.com"}},
	{"tell me about login", "tell me about jdoe", I{Kind: intents.UserDetails, User: "jdoe"}},
	{"polite look up", "can you look up john@company.com for me", I{Kind: intents.UserDetails, User: "john@company.com"}},
	{"details of a slack mention", "give me details on <@U024BE7LH|bob>", I{Kind: intents.UserDetails, User: "<@U024BE7LH>"}},
	{"mailto markup unwrapped", "who is <mailto:john@company.com|john@company.com>?", I{Kind: intents.UserDetails, User: "john@company.com"}},
	{"is suspended question", "is john@company.com suspended?", I{Kind: intents.UserDetails, User: "john@company.com"}},
	{"status of account", "what's the status of jdoe's account", I{Kind: intents.UserDetails, User: "jdoe"}},
	{"does user have mfa", "does john@company.com have mfa?", I{Kind: intents.UserDetails, User: "john@company.com"}},
	{"groups of a user", "what groups is john@company.com in?", I{Kind: intents.UserDetails, User: "john@company.com"}},
	{"apps of a user", "what apps is jdoe assigned to?", I{Kind: intents.UserDetails, User: "jdoe"}},
	{"okta id", "show me 00u1abcdefghijklmnop", I{Kind: intents.UserDetails, User: "00u1abcdefghijklmnop"}},
	{"list all users", "list all users", I{Kind: intents.ListUsers}},
	{"users named", "show users named smith", I{Kind: intents.ListUsers, Query: "smith"}},
	{"users called two words", "find users called john smith", I{Kind: intents.ListUsers, Query: "john smith"}},
	{"find a person", "find John Smith", I{Kind: intents.ListUsers, Query: "John Smith"}},
	{"find user searches", "find user smith", I{Kind: intents.ListUsers, Query: "smith"}},
	{"search quoted", `search for users matching "van der"`, I{Kind: intents.ListUsers, Query: "van der"}},
	{"how many staged", "how many staged users do we have", I{Kind: intents.ListUsers, Status: "STAGED"}},
	{"expired passwords", "users with expired passwords", I{Kind: intents.ListUsers, Status: "PASSWORD_EXPIRED"}},
	{"deactivated accounts", "deactivated accounts", I{Kind: intents.ListUsers, Status: "DEPROVISIONED"}},
	{"who is locked out", "who is locked out?", I{Kind: intents.ListUsers, Status: "LOCKED_OUT"}},
	{"how many locked out", "how many users are locked out?", I{Kind: intents.ListUsers, Status: "LOCKED_OUT"}},
	{"locked accounts", "locked accounts", I{Kind: intents.ListUsers, Status: "LOCKED_OUT"}},
	{"list suspended", "list suspended users", I{Kind: intents.ListUsers, Status: "SUSPENDED"}},
	{"users in staged status", "users in staged status", I{Kind: intents.ListUsers, Status: "STAGED"}},
	{"deprovisioned users", "list deprovisioned users", I{Kind: intents.ListUsers, Status: "DEPROVISIONED"}},
	{"number of users", "show 20 users", I{Kind: intents.ListUsers, Limit: 20}},

	// groups
	{"list groups", "list groups", I{Kind: intents.ListGroups}},
	{"groups typo", "list gorups", I{Kind: intents.ListGroups}},
	{"groups alone typo", "grups", I{Kind: intents.ListGroups}},
	{"which groups exist", "which groups exist?", I{Kind: intents.ListGroups}},
	{"groups matching", "show me all groups matching eng", I{Kind: intents.ListGroups, Query: "eng"}},
	{"groups named quoted", `groups named "Finance Team"`, I{Kind: intents.ListGroups, Query: "Finance Team"}},
	{"who is in group", "who is in the Finance Team group?", I{Kind: intents.GroupMembers, Group: "Finance Team"}},
	{"who's in", "who's in Engineering", I{Kind: intents.GroupMembers, Group: "Engineering"}},
	{"members of", "members of Engineering", I{Kind: intents.GroupMembers, Group: "Engineering"}},
	{"members typo", "show me memebrs of Engineering", I{Kind: intents.GroupMembers, Group: "Engineering"}},
	{"members of quoted", `list members of "Okta Admins"`, I{Kind: intents.GroupMembers, Group: "Okta Admins"}},
	{"members with a known word", "show members of Okta Admins", I{Kind: intents.GroupMembers, Group: "Okta Admins"}},
	{"users in group", "users in the Sales group", I{Kind: intents.GroupMembers, Group: "Sales"}},
	{"who is in quoted group", `who is in the "Finance Team" group`, I{Kind: intents.GroupMembers, Group: "Finance Team"}},
	{"apps of a group", "what apps does the Engineering group have?", I{Kind: intents.GroupApps, Group: "Engineering"}},
	{"apps assigned to group", "apps assigned to the Sales group", I{Kind: intents.GroupApps, Group: "Sales"}},
	{"list apps of group", "list the apps assigned to group Engineering", I{Kind: intents.GroupApps, Group: "Engineering"}},

	// applications
	{"list apps", "list apps", I{Kind: intents.ListApps}},
	{"what apps", "what apps are there", I{Kind: intents.ListApps}},
	{"applications typo", "applciations", I{Kind: intents.ListApps}},
	{"inactive apps", "show me inactive applications", I{Kind: intents.ListApps, Status: "INACTIVE"}},
	{"apps matching", "apps matching sales", I{Kind: intents.ListApps, Query: "sales"}},
	{"app details", "tell me about the Salesforce app", I{Kind: intents.AppDetails, App: "Salesforce"}},
	{"app details terse", "salesforce app details", I{Kind: intents.AppDetails, App: "salesforce"}},
	{"show the app", "show me the Salesforce app", I{Kind: intents.AppDetails, App: "Salesforce"}},
	{"app called", "show me the app called Salesforce", I{Kind: intents.AppDetails, App: "Salesforce"}},
	{"who has access", "who has access to Salesforce?", I{Kind: intents.AppAssignments, App: "Salesforce"}},
	{"who is assigned", "who is assigned to Salesforce?", I{Kind: intents.AppAssignments, App: "Salesforce"}},
	{"who can access two words", "who can access Google Workspace?", I{Kind: intents.AppAssignments, App: "Google Workspace"}},
	{"users of app", "users of the Zoom app", I{Kind: intents.AppAssignments, App: "Zoom"}},
	{"who uses", "who uses Slack?", I{Kind: intents.AppAssignments, App: "Slack"}},

	// policies
	{"list policies", "list policies", I{Kind: intents.ListPolicies}},
	{"policies typo", "polices", I{Kind: intents.ListPolicies}},
	{"sign-on policies", "show sign-on policies", I{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}},
	{"password policies", "password policies", I{Kind: intents.ListPolicies, PolicyType: "PASSWORD"}},
	{"password typo", "pasword policies", I{Kind: intents.ListPolicies, PolicyType: "PASSWORD"}},
	{"mfa enrollment policies", "what mfa enrollment policies do we have", I{Kind: intents.ListPolicies, PolicyType: "MFA_ENROLL"}},
	{"access policies", "access policies", I{Kind: intents.ListPolicies, PolicyType: "ACCESS_POLICY"}},
	{"policy type constant", "OKTA_SIGN_ON policies", I{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}},
	{"rules of Default Policy", "rules of the Default Policy", I{Kind: intents.PolicyRules, Policy: "Default Policy"}},
	{"rules for policy", "rules for policy Contractors", I{Kind: intents.PolicyRules, Policy: "Contractors"}},
	{"rules quoted", `show the rules of "Default Policy"`, I{Kind: intents.PolicyRules, Policy: "Default Policy"}},
	{"rules question", "what rules does the Contractors policy have", I{Kind: intents.PolicyRules, Policy: "Contractors"}},
	{"rules in policy", "what are the rules in the Contractors policy?", I{Kind: intents.PolicyRules, Policy: "Contractors"}},

	// system log
	{"logs last hour", "logs from the last hour", I{Kind: intents.Logs, Window: hrs(1)}},
	{"system log today", "show me the system log for today", I{Kind: intents.Logs, Since: ftToday}},
	{"audit log for user", "audit log for john@company.com past 3 days", I{Kind: intents.Logs, User: "john@company.com", Window: hrs(72)}},
	{"events for an ip", "events for 185.220.101.1", I{Kind: intents.Logs, Query: "185.220.101.1"}},
	{"failed events", "failed events in the last day", I{Kind: intents.Logs, Window: hrs(24), Outcome: "FAILURE"}},
	{"outcome deny", "logs with outcome deny today", I{Kind: intents.Logs, Since: ftToday, Outcome: "DENY"}},
	{"last 50 logs", "give me the last 50 logs", I{Kind: intents.Logs, Limit: 50}},
	{"event type", "logs for user.session.start in the last hour", I{Kind: intents.Logs, EventType: "user.session.start", Window: hrs(1)}},
	{"events of type since monday", "events of type user.account.lock since Monday", I{Kind: intents.Logs, EventType: "user.account.lock", Since: ftMonday}},
	{"event type for a user", "show me user.session.start events for jdoe", I{Kind: intents.Logs, EventType: "user.session.start", User: "jdoe"}},
	{"password resets", "password resets this week", I{Kind: intents.Logs, EventType: "user.account.reset_password", Since: ftMonday}},
	{"users suspended this week", "users suspended this week", I{Kind: intents.Logs, EventType: "user.lifecycle.suspend", Since: ftMonday}},
	{"mfa failures", "mfa failures today", I{Kind: intents.Logs, EventType: "user.authentication.auth_via_mfa", Outcome: "FAILURE", Since: ftToday}},
	{"api tokens", "api tokens created this week", I{Kind: intents.Logs, EventType: "system.api_token.create", Since: ftMonday}},
	{"new users", "new users this week", I{Kind: intents.Logs, EventType: "user.lifecycle.create", Since: ftMonday}},
	{"admin role grants", "admin role grants in the last 30 days", I{Kind: intents.Logs, EventType: "user.account.privilege.grant", Window: hrs(720)}},
	{"all logins", "all logins in the past hour", I{Kind: intents.Logs, EventType: "user.session.start", Window: hrs(1)}},
	{"successful logins", "successful logins today", I{Kind: intents.Logs, EventType: "user.session.start", Outcome: "SUCCESS", Since: ftToday}},
	{"logins 24hrs", "logins in the last 24hrs", I{Kind: intents.Logs, EventType: "user.session.start", Window: hrs(24)}},
	{"logins 48 hrs", "show logins for the past 48 hrs", I{Kind: intents.Logs, EventType: "user.session.start", Window: hrs(48)}},
	{"logins since monday", "logins since Monday", I{Kind: intents.Logs, EventType: "user.session.start", Since: ftMonday}},
	{"logins last night", "logins last night", I{Kind: intents.Logs, EventType: "user.session.start", Since: ftYesterday.Add(18 * time.Hour), Until: ftToday.Add(6 * time.Hour)}},
	{"logs since monday 9am", "logs since Monday 9am", I{Kind: intents.Logs, Since: ftMonday.Add(9 * time.Hour)}},

	// admin actions
	{"admin typo", "admn actions past week", I{Kind: intents.AdminActions, Window: hrs(168)}},
	{"admin typo bare window", "admn actions 48h", I{Kind: intents.AdminActions, Window: hrs(48)}},
	{"actions typo", "admin actoins last 2 days", I{Kind: intents.AdminActions, Window: hrs(48)}},
	{"what did admins change", "what did admins change yesterday?", I{Kind: intents.AdminActions, Since: ftYesterday, Until: ftToday}},
	{"who changed what", "who changed what in the last 24h", I{Kind: intents.AdminActions, Window: hrs(24)}},
	{"admin activity", "admin activity this week", I{Kind: intents.AdminActions, Since: ftMonday}},
	{"what did a user change", "what did john@company.com change?", I{Kind: intents.AdminActions, User: "john@company.com"}},
	{"who deactivated", "who deactivated jdoe?", I{Kind: intents.AdminActions, User: "jdoe"}},
	{"who suspended", "who suspended john@company.com?", I{Kind: intents.AdminActions, User: "john@company.com"}},
	{"who added", "who added jdoe to Admins?", I{Kind: intents.AdminActions, User: "jdoe"}},
	{"who reset mfa", "who reset john@company.com's mfa?", I{Kind: intents.AdminActions, User: "john@company.com"}},
	{"what did admins do", "what did the admins do today?", I{Kind: intents.AdminActions, Since: ftToday}},
	{"admin changes last week", "show me admin changes for the last week", I{Kind: intents.AdminActions, Window: hrs(168)}},
	{"changes since friday", "changes made by admins since Friday", I{Kind: intents.AdminActions, Since: ftFriday}},

	// security events
	{"security events this week", "security events this week", I{Kind: intents.SecurityEvents, Since: ftMonday}},
	{"security typo", "securty events", I{Kind: intents.SecurityEvents}},
	{"security alerts", "security alerts", I{Kind: intents.SecurityEvents}},
	{"lockouts", "any lockouts in the past day?", I{Kind: intents.SecurityEvents, Window: hrs(24)}},
	{"lockouts since yesterday", "lockouts since yesterday", I{Kind: intents.SecurityEvents, Since: ftYesterday}},
	{"account lockouts this morning", "account lockouts this morning", I{Kind: intents.SecurityEvents, Since: ftToday}},
	{"risk events", "risk events yesterday", I{Kind: intents.SecurityEvents, Since: ftYesterday, Until: ftToday}},
	{"security events for user", "show the security events for jdoe", I{Kind: intents.SecurityEvents, User: "jdoe"}},

	// failed logins
	{"failed logins", "show failed logins", I{Kind: intents.FailedLogins}},
	{"failed logins 2 days", "failed logins in the last 2 days", I{Kind: intents.FailedLogins, Window: hrs(48)}},
	{"failed since yesterday", "failed logins since yesterday", I{Kind: intents.FailedLogins, Since: ftYesterday}},
	{"failed 24hrs", "failed logins 24hrs", I{Kind: intents.FailedLogins, Window: hrs(24)}},
	{"failed typo", "faild logins last 24 hours", I{Kind: intents.FailedLogins, Window: hrs(24)}},
	{"failed login attempts typo", "failed lgoin attempts today", I{Kind: intents.FailedLogins, Since: ftToday}},
	{"failed polite", "failed logins over the last 3 days please", I{Kind: intents.FailedLogins, Window: hrs(72)}},
	{"failed question", "what were the failed logins yesterday?", I{Kind: intents.FailedLogins, Since: ftYesterday, Until: ftToday}},
	{"window first", "in the last 24 hours, which users failed to sign in?", I{Kind: intents.FailedLogins, Window: hrs(24)}},
	{"failed sign-ins for user", "failed sign-ins for john@company.com last week", I{Kind: intents.FailedLogins, User: "john@company.com", Window: hrs(168)}},
	{"possessive failed logins", "jdoe's failed logins since yesterday", I{Kind: intents.FailedLogins, User: "jdoe", Since: ftYesterday}},
	{"brute force", "brute force attempts in the last 6 hours", I{Kind: intents.FailedLogins, Window: hrs(6)}},
	{"password spraying", "password spraying this week", I{Kind: intents.FailedLogins, Since: ftMonday}},
	{"who failed to log in", "who failed to log in today", I{Kind: intents.FailedLogins, Since: ftToday}},
	{"top 10 failed", "top 10 failed logins this week", I{Kind: intents.FailedLogins, Since: ftMonday, Limit: 10}},

	// suspicious logins
	{"logins from russia yesterday typo", "show me lgoins from russia yesterday", I{Kind: intents.SuspiciousLogins, Countries: []string{"Russia"}, Since: ftYesterday, Until: ftToday}},
	{"suspicious typo", "suspicous logins this week", I{Kind: intents.SuspiciousLogins, Since: ftMonday}},
	{"suspicious from china", "suspicious lgoins from china", I{Kind: intents.SuspiciousLogins, Countries: []string{"China"}}},
	{"several countries", "logins from russia, china or north korea in the past week", I{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "China", "North Korea"}, Window: hrs(168)}},
	{"country codes", "suspicious logins from RU and KP", I{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}}},
	{"via tor", "logins via tor", I{Kind: intents.SuspiciousLogins}},
	{"tor or vpn", "logins from tor or vpn", I{Kind: intents.SuspiciousLogins}},
	{"sign-ins since monday", "sign-ins from North Korea since Monday", I{Kind: intents.SuspiciousLogins, Countries: []string{"North Korea"}, Since: ftMonday}},
	{"did anyone log in from", "did anyone log in from Iran last week?", I{Kind: intents.SuspiciousLogins, Countries: []string{"Iran"}, Window: hrs(168)}},
	{"sanctioned countries", "any logins from sanctioned countries?", I{Kind: intents.SuspiciousLogins}},
	{"window before request", "over the past week, show me suspicious logins", I{Kind: intents.SuspiciousLogins, Window: hrs(168)}},

	// login history
	{"login history", "login history for john@company.com", I{Kind: intents.LoginHistory, User: "john@company.com"}},
	{"user first", "john@company.com login history", I{Kind: intents.LoginHistory, User: "john@company.com"}},
	{"user first with window", "john@company.com logins in the past 2 days", I{Kind: intents.LoginHistory, User: "john@company.com", Window: hrs(48)}},
	{"for user then request", "for john@company.com, show the login history", I{Kind: intents.LoginHistory, User: "john@company.com"}},
	{"when did last log in", "when did jdoe last log in?", I{Kind: intents.LoginHistory, User: "jdoe"}},
	{"where logged in from", "where has jdoe logged in from?", I{Kind: intents.LoginHistory, User: "jdoe"}},
	{"possessive logins", "john's logins last week", I{Kind: intents.LoginHistory, User: "john", Window: hrs(168)}},
	{"two weeks", "show me john@company.com's sign-in history for the past 2 weeks", I{Kind: intents.LoginHistory, User: "john@company.com", Window: hrs(336)}},
	{"help me prefix", "help me find john's logins", I{Kind: intents.LoginHistory, User: "john"}},

	// investigation
	{"investigate typo", "investgate john@company.com", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"investigate typo login", "investgate jdoe", I{Kind: intents.Investigate, User: "jdoe"}},
	{"investigate typo polite", "invstigate john@company.com pls", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"is compromised", "is john@company.com compromised?", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"was hacked", "was jdoe hacked?", I{Kind: intents.Investigate, User: "jdoe"}},
	{"check for suspicious activity", "check john@company.com for suspicious activity", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"been up to", "what has john@company.com been up to?", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"going on with", "what's going on with john@company.com?", I{Kind: intents.Investigate, User: "john@company.com"}},
	{"anything weird", "anything weird with jdoe lately?", I{Kind: intents.Investigate, User: "jdoe"}},
	{"look into mention", "look into <@U024BE7LH>", I{Kind: intents.Investigate, User: "<@U024BE7LH>"}},
	{"dig into with window", "dig into jdoe's activity over the last 3 days", I{Kind: intents.Investigate, User: "jdoe", Window: hrs(72)}},
	{"polite investigate two weeks", "could you investigate <@U024BE7LH> for the last 2 weeks?", I{Kind: intents.Investigate, User: "<@U024BE7LH>", Window: hrs(336)}},
	{"got phished", "i think john@company.com got phished", I{Kind: intents.Investigate, User: "john@company.com"}},

	// threats
	{"any threats today", "any threats today?", I{Kind: intents.Threats, Since: ftToday}},
	{"anything suspicious", "anything suspicious going on?", I{Kind: intents.Threats}},
	{"threat sweep", "run a threat sweep for the last 7 days", I{Kind: intents.Threats, Window: hrs(168)}},
	{"threat hunt", "threat hunt past week", I{Kind: intents.Threats, Window: hrs(168)}},
	{"sweep the org", "sweep the org for threats since yesterday", I{Kind: intents.Threats, Since: ftYesterday}},
	{"threats last day", "what are the threats in the last day", I{Kind: intents.Threats, Window: hrs(24)}},
	{"detections", "detections in the past 48h", I{Kind: intents.Threats, Window: hrs(48)}},
	{"suspicious activity", "show me any suspicious activity in the last 24 hours", I{Kind: intents.Threats, Window: hrs(24)}},

	// mfa
	{"users without mfa", "users without mfa", I{Kind: intents.MFAStatus}},
	{"no 2fa", "who has no 2fa?", I{Kind: intents.MFAStatus}},
	{"mfa coverage", "mfa coverage", I{Kind: intents.MFAStatus}},
	{"weak mfa", "users with weak mfa", I{Kind: intents.MFAStatus}},
	{"mfa status", "mfa status", I{Kind: intents.MFAStatus}},
	{"lack two-factor", "which accounts lack two-factor", I{Kind: intents.MFAStatus}},
	{"mfa enrolment", "mfa enrolment", I{Kind: intents.MFAStatus}},
	{"mfa enrolment status", "mfa enrolment status", I{Kind: intents.MFAStatus}},
	{"without mfa enrolled", "users without mfa enrolled", I{Kind: intents.MFAStatus}},
	{"hasnt enrolled", "who hasnt enrolled in mfa", I{Kind: intents.MFAStatus}},

	// approvals
	{"pending approvals", "pending approvals", I{Kind: intents.Pending}},
	{"what needs approval", "what needs approval?", I{Kind: intents.Pending}},
	{"what's pending", "what's pending?", I{Kind: intents.Pending}},
	{"pending proposals", "show pending proposals", I{Kind: intents.Pending}},
	{"proposal id", "proposal p-7Q2MXK", I{Kind: intents.ShowProposal, ID: "p-7Q2MXK"}},
	{"show proposal id", "show proposal p-ABC234", I{Kind: intents.ShowProposal, ID: "p-ABC234"}},

	// user actions
	{"mention suspend with reason", "@oktabot suspend john@company.com, he clicked a phishing link", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a phishing link"}},
	{"suspend login", "suspend jdoe", I{Kind: intents.SuspendUser, User: "jdoe"}},
	{"suspend typo", "supsend john@company.com", I{Kind: intents.SuspendUser, User: "john@company.com"}}, //nolint:misspell // the typo is the test
	{"suspend other typo", "suspnd john@company.com", I{Kind: intents.SuspendUser, User: "john@company.com"}},
	{"suspend swapped letters", "susepnd jdoe", I{Kind: intents.SuspendUser, User: "jdoe"}},
	{"suspend capitalized", "Suspend John@Company.com", I{Kind: intents.SuspendUser, User: "John@Company.com"}},
	{"suspend asap", "pls suspend john@company.com asap", I{Kind: intents.SuspendUser, User: "john@company.com"}},
	{"suspend question then reason", "can you please suspend john@company.com? he clicked a phishing link", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a phishing link"}},
	{"suspend because", "I need you to suspend john@company.com because he clicked a phishing link", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a phishing link"}},
	{"suspend reason colon", "go ahead and suspend jdoe, reason: tor login", I{Kind: intents.SuspendUser, User: "jdoe", Reason: "tor login"}},
	{"reason before the command", "john@company.com clicked a phishing link, please suspend him", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "john@company.com clicked a phishing link"}},
	{"reason after a dash", "suspend john@company.com - credentials posted on pastebin", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "credentials posted on pastebin"}},
	{"unsuspend", "unsuspend john@company.com", I{Kind: intents.UnsuspendUser, User: "john@company.com"}},
	{"un-suspend with reason", "un-suspend jdoe, false alarm", I{Kind: intents.UnsuspendUser, User: "jdoe", Reason: "false alarm"}},
	{"reactivate", "reactivate john@company.com", I{Kind: intents.ActivateUser, User: "john@company.com"}},
	{"activate user", "activate user jane@company.com", I{Kind: intents.ActivateUser, User: "jane@company.com"}},
	{"deactivate with reason", "deactivate john@company.com, left the company", I{Kind: intents.DeactivateUser, User: "john@company.com", Reason: "left the company"}},
	{"offboard", "offboard jdoe", I{Kind: intents.DeactivateUser, User: "jdoe"}},
	{"unlock please", "unlock john@company.com please", I{Kind: intents.UnlockUser, User: "john@company.com"}},
	{"unlock polite", "please unlock jdoe", I{Kind: intents.UnlockUser, User: "jdoe"}},
	{"unlock typo", "unlcok jdoe", I{Kind: intents.UnlockUser, User: "jdoe"}},
	{"unlock with reason", "can you unlock jdoe? she's locked out", I{Kind: intents.UnlockUser, User: "jdoe", Reason: "she's locked out"}},
	{"reset mfa possessive", "reset john@company.com's mfa", I{Kind: intents.ResetFactors, User: "john@company.com"}},
	{"reset mfa for", "reset mfa for john@company.com", I{Kind: intents.ResetFactors, User: "john@company.com"}},
	{"reset 2fa due to", "reset 2fa for jdoe due to a lost phone", I{Kind: intents.ResetFactors, User: "jdoe", Reason: "a lost phone"}},
	{"wipe factors", "wipe jdoe's factors", I{Kind: intents.ResetFactors, User: "jdoe"}},
	{"reset his mfa", "reset his mfa, john@company.com lost his phone", I{Kind: intents.ResetFactors, User: "john@company.com", Reason: "lost his phone"}},
	{"expire password", "expire john's password", I{Kind: intents.ExpirePassword, User: "john"}},
	{"expire the password for", "expire the password for jdoe", I{Kind: intents.ExpirePassword, User: "jdoe"}},
	{"expire password because", "expire john@company.com's password because it was reused", I{Kind: intents.ExpirePassword, User: "john@company.com", Reason: "it was reused"}},
	{"reset password for", "reset password for john", I{Kind: intents.ResetPassword, User: "john"}},
	{"reset a password", "reset john's password", I{Kind: intents.ResetPassword, User: "john"}},
	{"reset the password of, reason", "please reset the password of jdoe, phished", I{Kind: intents.ResetPassword, User: "jdoe", Reason: "phished"}},
	{"reset his password", "reset his password, john@company.com got phished", I{Kind: intents.ResetPassword, User: "john@company.com", Reason: "got phished"}},
	{"expire sessions stays sessions", "expire john's sessions", I{Kind: intents.ClearSessions, User: "john"}},
	{"clear sessions", "clear sessions for john@company.com", I{Kind: intents.ClearSessions, User: "john@company.com"}},
	{"kill sessions", "kill all sessions for john@company.com", I{Kind: intents.ClearSessions, User: "john@company.com"}},
	{"revoke sessions with reason", "revoke all of jdoe's sessions, laptop stolen", I{Kind: intents.ClearSessions, User: "jdoe", Reason: "laptop stolen"}},
	{"log out", "log john@company.com out", I{Kind: intents.ClearSessions, User: "john@company.com"}},
	{"sign out", "sign jdoe out", I{Kind: intents.ClearSessions, User: "jdoe"}},
	{"force logout", "force logout john@company.com", I{Kind: intents.ClearSessions, User: "john@company.com"}},
	{"end sessions", "end all sessions of john@company.com", I{Kind: intents.ClearSessions, User: "john@company.com"}},

	// idioms of the catalogue (KindInfo.Idioms)
	{"freeze", "freeze john@company.com, he clicked a phishing link", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a phishing link"}},
	{"lock down", "please lock down jdoe", I{Kind: intents.SuspendUser, User: "jdoe"}},
	{"block", "block john@company.com", I{Kind: intents.SuspendUser, User: "john@company.com"}},
	{"let back in", "let jdoe back in, false alarm", I{Kind: intents.UnsuspendUser, User: "jdoe", Reason: "false alarm"}},
	{"re-enable a user", "re-enable john@company.com", I{Kind: intents.UnsuspendUser, User: "john@company.com"}},
	{"re-enable an app", "re-enable the Zoom app", I{Kind: intents.ActivateApp, App: "Zoom"}},
	{"take out of", "take jdoe out of the Okta Admins group, no longer on call", I{Kind: intents.RemoveGroupMember, User: "jdoe", Group: "Okta Admins", Reason: "no longer on call"}},
	{"turn off an app", "turn off the Zoom app, vendor breach", I{Kind: intents.DeactivateApp, App: "Zoom", Reason: "vendor breach"}},
	{"who has an app", "who has Salesforce?", I{Kind: intents.AppAssignments, App: "Salesforce"}},
	{"who can get into", "who can get into Google Workspace", I{Kind: intents.AppAssignments, App: "Google Workspace"}},
	{"wipe mfa", "wipe MFA for jdoe, new phone", I{Kind: intents.ResetFactors, User: "jdoe", Reason: "new phone"}},
	{"clear okta verify", "clear john@company.com's okta verify", I{Kind: intents.ResetFactors, User: "john@company.com"}},
	{"who's suspended", "who's suspended?", I{Kind: intents.ListUsers, Status: "SUSPENDED"}},

	// group and app actions
	{"add to group", "add jdoe to Engineering", I{Kind: intents.AddGroupMember, User: "jdoe", Group: "Engineering"}},
	{"add to group with words", "add john@company.com to the Finance Team group", I{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Finance Team"}},
	{"add to quoted group", `please add john@company.com to the "Incident Responders" group`, I{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Incident Responders"}},
	{"put in group", "put jdoe in Admins", I{Kind: intents.AddGroupMember, User: "jdoe", Group: "Admins"}},
	{"remove from group because", "remove jdoe from Admins because he left the team", I{Kind: intents.RemoveGroupMember, User: "jdoe", Group: "Admins", Reason: "he left the team"}},
	{"remove from group reason", "remove john@company.com from Okta Admins, no longer on call", I{Kind: intents.RemoveGroupMember, User: "john@company.com", Group: "Okta Admins", Reason: "no longer on call"}},
	{"kick from group", "kick jdoe from Contractors", I{Kind: intents.RemoveGroupMember, User: "jdoe", Group: "Contractors"}},
	{"create group called", "create a group called Incident Responders", I{Kind: intents.CreateGroup, Group: "Incident Responders"}},
	{"make group named", "make a new group named Red Team", I{Kind: intents.CreateGroup, Group: "Red Team"}},
	{"create group with description", `create group "Incident Responders" description:"IR on-call"`, I{Kind: intents.CreateGroup, Group: "Incident Responders", Fields: map[string]string{"description": "IR on-call"}}},
	{"delete group", "delete the Old Contractors group", I{Kind: intents.DeleteGroup, Group: "Old Contractors"}},
	{"rename group", "rename the Contractors group to Vendors", I{Kind: intents.UpdateGroup, Group: "Contractors", Fields: map[string]string{"name": "Vendors"}}},
	{"create user with fields", "create a user jane@company.com with firstName:Jane lastName:Doe", I{Kind: intents.CreateUser, User: "jane@company.com", Fields: map[string]string{"firstName": "Jane", "lastName": "Doe"}}},
	{"change department", "change jane@company.com's department to Finance", I{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"department": "Finance"}}},
	{"set title", "set john@company.com's title to VP of Sales", I{Kind: intents.UpdateUser, User: "john@company.com", Fields: map[string]string{"title": "VP of Sales"}}},
	{"update title of", `update the title of jane@company.com to "Head of Sales"`, I{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"title": "Head of Sales"}}},
	{"activate app", "activate the Salesforce app", I{Kind: intents.ActivateApp, App: "Salesforce"}},
	{"deactivate app", "deactivate the Salesforce app", I{Kind: intents.DeactivateApp, App: "Salesforce"}},
	{"disable app with reason", "disable the Zoom app, vendor breach", I{Kind: intents.DeactivateApp, App: "Zoom", Reason: "vendor breach"}},
	{"update app json", `update app Wiki {"label":"Team Wiki"}`, I{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki"}`)}},
	{"deactivate policy", "deactivate policy Contractors", I{Kind: intents.DeactivatePolicy, Policy: "Contractors"}},
	{"activate rule in policy", `activate rule "Require MFA" in policy Contractors`, I{Kind: intents.ActivatePolicyRule, Policy: "Contractors", Rule: "Require MFA"}},
	{"create policy json", `create policy {"type":"OKTA_SIGN_ON","name":"Contractors"}`, I{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"type":"OKTA_SIGN_ON","name":"Contractors"}`)}},

	// the slash grammar, with and without /okta
	{"slash command", "/okta investigate john@company.com 7d", I{Kind: intents.Investigate, User: "john@company.com", Window: hrs(168)}},
	{"slash verb first", "logs 48h type:user.session.start outcome:FAILURE", I{Kind: intents.Logs, Window: hrs(48), EventType: "user.session.start", Outcome: "FAILURE"}},
	{"slash verb with reason", "suspend john@company.com reason: tor login", I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "tor login"}},
	{"options in a sentence", "show me suspicious logins countries:RU,KP for the past 2 days", I{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}, Window: hrs(48)}},
}

func TestUnderstandPhrasings(t *testing.T) {
	if len(phrasings) < 150 {
		t.Errorf("the table has %d phrasings; the issue asks for at least 150", len(phrasings))
	}
	seen := map[string]bool{}
	for _, tt := range phrasings {
		if seen[tt.name] {
			t.Errorf("two phrasings are named %q", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.Understand(tt.text, ftNow)
			if err != nil {
				t.Fatalf("Understand(%q) error: %v", tt.text, err)
			}
			if diff := cmp.Diff(tt.want, got, ftJSON()); diff != "" {
				t.Errorf("Understand(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestUnderstandAsksBack covers requests that could mean several things:
// the answer is Unknown with the likely meanings as slash commands.
func TestUnderstandAsksBack(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"an email alone", "john@company.com", []string{"/okta user john@company.com", "/okta investigate john@company.com", "/okta login-history john@company.com"}},
		{"a mention alone", "<@U024BE7LH>?", []string{"/okta user <@U024BE7LH>", "/okta investigate <@U024BE7LH>", "/okta login-history <@U024BE7LH>"}},
		{"a follow-up about a name", "what about sales?", []string{"/okta groups sales", "/okta apps sales", "/okta users sales"}},
		{"a follow-up about a quoted name", `and "Finance Team"?`, []string{`/okta groups "Finance Team"`, `/okta apps "Finance Team"`, `/okta users "Finance Team"`}},
		{"a person's name is no login", "investigate John Smith", []string{`/okta users "John Smith"`}},
		{"suspend a person's name", "suspend John Smith", []string{`/okta users "John Smith"`}},
		{"two users", "suspend john@company.com and jane@company.com", []string{"/okta suspend john@company.com", "/okta suspend jane@company.com"}},
		{"two actions", "suspend john@company.com and clear his sessions", []string{"/okta investigate john@company.com", "/okta suspend john@company.com", "/okta clear-sessions john@company.com"}},
		{"investigate then maybe act", "investigate john@company.com and suspend him if needed", []string{"/okta investigate john@company.com", "/okta suspend john@company.com"}},
		{"a condition", "if john@company.com is compromised, suspend him", []string{"/okta investigate john@company.com", "/okta suspend john@company.com"}},
		{"advice", "should we suspend john@company.com?", []string{"/okta investigate john@company.com", "/okta suspend john@company.com"}},
		{"can I", "can i suspend jdoe?", []string{"/okta investigate jdoe", "/okta suspend jdoe"}},
		{"advice on mfa", "should I reset john@company.com's mfa?", []string{"/okta investigate john@company.com", "/okta reset-factors john@company.com"}},
		{"disable a user", "disable john@company.com", []string{"/okta suspend john@company.com", "/okta deactivate-user john@company.com", "/okta clear-sessions john@company.com"}},
		{"enable a user", "enable jdoe", []string{"/okta unsuspend jdoe", "/okta activate-user jdoe"}},
		{"get rid of", "get rid of john@company.com", []string{"/okta suspend john@company.com", "/okta clear-sessions john@company.com", "/okta deactivate-user john@company.com"}},
		{"an app's idiom on a user", "turn off jdoe", []string{"/okta suspend jdoe", "/okta clear-sessions jdoe", "/okta deactivate-user jdoe"}},
		{"lock out", "lock john@company.com out", []string{"/okta suspend john@company.com", "/okta clear-sessions john@company.com", "/okta deactivate-user john@company.com"}},
		{"remove from okta", "remove john@company.com from okta", []string{"/okta deactivate-user john@company.com", "/okta user john@company.com"}},
		{"remove alone", "remove john@company.com", []string{"/okta deactivate-user john@company.com", "/okta user john@company.com"}},
		{"clear a password", "clear jdoe's password", []string{"/okta reset-password jdoe", "/okta expire-password jdoe"}},
		{"change a password", "make john change his password", []string{"/okta reset-password john", "/okta expire-password john"}},
		{"set a password", "set jdoe's password to hunter2", []string{"/okta reset-password jdoe", "/okta expire-password jdoe"}},
		{"passive request", "john@company.com needs to be suspended", []string{"/okta investigate john@company.com", "/okta suspend john@company.com"}},
		{"negated action", "don't unlock jdoe", []string{"/okta user jdoe", "/okta investigate jdoe"}},
		{"deactivate a name", "deactivate Salesforce", []string{"/okta deactivate-app Salesforce", "/okta deactivate-policy Salesforce"}},
		{"a group by itself", "show me the Engineering group", []string{"/okta members Engineering", "/okta group-apps Engineering"}},
		{"logins outside a country", "logins outside the US", []string{"/okta suspicious-logins", "/okta logs type:user.session.start"}},
		{"block logins from a country", "block logins from russia", []string{"/okta suspicious-logins countries:Russia"}},
		{"nonsense", "qwzx vvbn", []string{`/okta groups "qwzx vvbn"`, `/okta apps "qwzx vvbn"`, `/okta users "qwzx vvbn"`}},
		{"only words oktabot knows", "never suspend admins", []string{"/okta help"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.Understand(tt.text, ftNow)
			if err != nil {
				t.Fatalf("Understand(%q) error: %v", tt.text, err)
			}
			want := I{Kind: intents.Unknown, Suggestions: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Understand(%q) (-want +got):\n%s", tt.text, diff)
			}
			for _, s := range got.Suggestions {
				if in, err := intents.Parse(s); err != nil || in.Kind == intents.Unknown {
					t.Errorf("suggestion %q of Understand(%q) does not parse: %+v, %v", s, tt.text, in, err)
				}
			}
		})
	}
}

// TestUnderstandNeverGuessesActions: text that wants a change without an
// explicit imperative verb is never an action.
func TestUnderstandNeverGuessesActions(t *testing.T) {
	for _, text := range []string{
		"john@company.com is compromised",
		"john@company.com clicked a phishing link",
		"john@company.com looks hacked, do something",
		"we should probably lock down john@company.com",
		"get rid of jdoe",
		"disable john@company.com",
		"john@company.com shouldn't have access anymore",
		"jdoe needs to be deactivated",
		"don't suspend john@company.com",
		"do not reset jdoe's mfa",
		"never remove jdoe from Admins",
		"should we suspend john@company.com?",
		"what happens if I suspend jdoe?",
		"how do I unlock a user?",
		"who suspended john@company.com?",
		"password reset for jdoe",
		"don't reset jdoe's password",
		"should I expire john's password?",
		"who expired john's password?",
		"john@company.com's password expired",
		"was jdoe added to Admins?",
		"suspended users",
		"if jdoe is compromised, deactivate him",
		"john@company.com's sessions",
		"kill it",
		"block logins from russia",
		"nuke the Contractors group",
		"don't freeze jdoe",
		"should we lock down john@company.com?",
		"freeze logins from russia",
		"turn off jdoe",
		"who froze jdoe?",
	} {
		t.Run(text, func(t *testing.T) {
			got, err := freetext.Understand(text, ftNow)
			if err != nil {
				return // an error never acts either
			}
			if got.Kind.IsAction() {
				t.Errorf("Understand(%q) = %s, an action from a request without an explicit command: %+v", text, got.Kind, got)
			}
		})
	}
}

// TestUnderstandMention is the mention of the issue: a change becomes the
// action's Intent (which the bot only ever proposes) with its reason.
func TestUnderstandMention(t *testing.T) {
	want := I{Kind: intents.SuspendUser, User: "john@company.com", Reason: "he clicked a phishing link"}
	for _, text := range []string{
		"@oktabot suspend john@company.com, he clicked a phishing link",
		"@oktabot suspend <mailto:john@company.com|john@company.com>, he clicked a phishing link",
		"  @oktabot: suspend john@company.com because he clicked a phishing link.",
		"hey oktabot, please suspend john@company.com — he clicked a phishing link, thanks",
	} {
		got, err := freetext.Understand(text, ftNow)
		if err != nil {
			t.Fatalf("Understand(%q) error: %v", text, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Understand(%q) (-want +got):\n%s", text, diff)
		}
		if !got.Kind.IsAction() {
			t.Errorf("Understand(%q).Kind = %s is not an action kind, so the bot would not propose it", text, got.Kind)
		}
	}
}

// TestUnderstandErrors: invalid values are ErrInvalid with the zero Intent.
func TestUnderstandErrors(t *testing.T) {
	for _, tt := range []struct{ name, text, detail string }{
		{"window too long", "failed logins in the last 120 days", "90 days"},
		{"window of a year", "logs for the past year", "90 days"},
		{"date in the future", "logins since 2027-03-01", "future"},
		{"action without a user", "suspend", "needs a user"},
		{"action on a pronoun only", "please suspend him", "needs a user"},
		{"group membership without a group", "add jdoe", "needs a group"},
		{"slash verb with a bad option", "logs limit:5000", "limit"},
		{"not UTF-8", "logs \xff\xfe", "UTF-8"},
		{"too long", strings.Repeat("a", freetext.MaxFreeText+1), "longer than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.Understand(tt.text, ftNow)
			if !errors.Is(err, intents.ErrInvalid) {
				t.Fatalf("Understand(%.60q) = %+v, %v; want an ErrInvalid", tt.text, got, err)
			}
			if e, ok := intents.AsError(err); !ok || !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("Understand(%.60q) error %v does not say %q", tt.text, err, tt.detail)
			}
			if diff := cmp.Diff(I{}, got, ftJSON()); diff != "" {
				t.Errorf("Understand(%.60q) returned a half-built intent with its error:\n%s", tt.text, diff)
			}
		})
	}
}

// TestUnderstandSlashExamples: the catalogue's examples mean the same to
// Understand as to Parse, with or without the leading /okta.
func TestUnderstandSlashExamples(t *testing.T) {
	for _, info := range intents.Catalogue {
		for _, text := range []string{info.Example, strings.TrimPrefix(info.Example, "/okta ")} {
			want, err := intents.Parse(text)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", text, err)
			}
			got, err := freetext.Understand(text, ftNow)
			if err != nil {
				t.Fatalf("Understand(%q) error: %v", text, err)
			}
			if diff := cmp.Diff(want, got, ftJSON()); diff != "" {
				t.Errorf("Understand(%q) differs from Parse (-parse +understand):\n%s", text, diff)
			}
		}
	}
}

// TestSlashCommandRoundTrip: SlashCommand writes what Parse reads back.
func TestSlashCommandRoundTrip(t *testing.T) {
	var intentsToWrite []I
	for _, info := range intents.Catalogue {
		in, err := intents.Parse(info.Example)
		if err != nil {
			t.Fatalf("Parse(%q) error: %v", info.Example, err)
		}
		intentsToWrite = append(intentsToWrite, in)
	}
	for _, p := range phrasings {
		intentsToWrite = append(intentsToWrite, p.want)
	}
	intentsToWrite = append(intentsToWrite,
		I{Kind: intents.GroupMembers, Group: `The "A" Team`},
		I{Kind: intents.GroupMembers, Group: `R&D <legacy>`},
		I{Kind: intents.GroupMembers, Group: "AWS:Prod"},
		I{Kind: intents.GroupMembers, Group: "48h"},
		I{Kind: intents.UserDetails, User: `CORP\jdoe`},
		I{Kind: intents.Logs, Query: "to", Window: intents.Duration(90 * time.Minute)},
		I{Kind: intents.ListUsers, Query: "a back\\slash and “curly” quotes"},
		I{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"title": "VP, Sales", "city": "São Paulo"}, Reason: "promotion & move"},
	)
	for _, in := range intentsToWrite {
		cmd := intents.SlashCommand(in)
		back, err := intents.ParseIn(cmd, intents.ReadOptions{Now: ftNow})
		if err != nil {
			t.Errorf("Parse(SlashCommand(%+v)) = Parse(%q) error: %v", in, cmd, err)
			continue
		}
		if diff := cmp.Diff(in, back, ftJSON()); diff != "" {
			t.Errorf("Parse(SlashCommand(in)) of %q (-in +back):\n%s", cmd, diff)
		}
	}
	if got := intents.SlashCommand(I{Kind: intents.Unknown}); got != "/okta help" {
		t.Errorf("SlashCommand(unknown) = %q, want /okta help", got)
	}
}

// The free-text rules and the model share this one Classifier interface.
var _ intents.Classifier = freetext.Rules{}

func TestRules(t *testing.T) {
	r := freetext.Rules{Now: func() time.Time { return ftNow }}
	in, by, err := r.ClassifyBy(context.Background(), "failed logins today")
	if err != nil {
		t.Fatalf("Rules.ClassifyBy error: %v", err)
	}
	if want := (I{Kind: intents.FailedLogins, Since: ftToday}); !cmp.Equal(want, in) || by != intents.ByRules {
		t.Errorf("Rules.ClassifyBy(failed logins today) = %+v, %q; want %+v, rules", in, by, want)
	}
	in2, err := r.Classify(context.Background(), "failed logins today")
	if err != nil || !cmp.Equal(in, in2) {
		t.Errorf("Rules.Classify = %+v, %v; want ClassifyBy's %+v", in2, err, in)
	}
	if in, err := (freetext.Rules{}).Classify(context.Background(), "logs today"); err != nil || in.Kind != intents.Logs || in.Since.IsZero() || time.Since(in.Since) > 24*time.Hour {
		t.Errorf("zero Rules.Classify(logs today) = %+v, %v; want logs with a window from the real clock", in, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if in, err := r.Classify(ctx, "help"); !errors.Is(err, context.Canceled) || in.Kind != "" {
		t.Errorf("Rules.Classify(canceled) = %+v, %v; want context.Canceled", in, err)
	}
}
