package blocks

import (
	"fmt"
	"slices"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Fixtures of the investigation layouts, modelled on what the okta adapter
// answers on the demo org (demo.Org): the Tor takeover of john, the
// threat sweep over the six stories, the sign-in listings and the MFA scan.

// at is a time on a day of November 2026, UTC.
func at(day, hh, mm, ss int) time.Time { return time.Date(2026, 11, day, hh, mm, ss, 0, time.UTC) }

var (
	torClient = intents.EventClient{IP: "185.220.101.1", City: "Frankfurt am Main", State: "Hesse", Country: "Germany", Browser: "FIREFOX", OS: "Windows 10", Device: "Computer",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; rv:140.0) Gecko/20100101 Firefox/140.0"}
	torNet    = intents.Security{ASNumber: 60729, ASOrg: "stiftung erneuerbare freiheit", ISP: "stiftung erneuerbare freiheit", IsProxy: true}
	sfClient  = intents.EventClient{IP: "99.36.221.240", City: "San Francisco", State: "California", Country: "United States", Browser: "FIREFOX", OS: "Mac OS X", Device: "Computer"}
	sfNet     = intents.Security{ASNumber: 7018, ASOrg: "at&t corp.", ISP: "att services inc"}
	officeSF  = intents.EventClient{IP: "64.125.163.141", City: "San Francisco", State: "California", Country: "United States", Browser: "FIREFOX", OS: "Mac OS X", Device: "Computer"}
	officeNet = intents.Security{ASNumber: 6461, ASOrg: "zayo bandwidth", ISP: "zayo bandwidth"}
)

func actorOf(id, login, name string) intents.Actor {
	return intents.Actor{ID: id, Type: "User", AlternateID: login, DisplayName: name}
}

var johnActor = actorOf("00u1johnSMITH", "john@company.com", "John Smith")

// signInEvent is one System Log event of a sign-in flow.
type signInEvent struct {
	uuid    string
	t       time.Time
	typ     string
	who     intents.Actor
	client  intents.EventClient
	net     intents.Security
	result  string
	reason  string
	targets []intents.Actor
	debug   map[string]string
}

func (s signInEvent) event() intents.Event {
	msg := map[string]string{
		"user.session.start":               "User login to Okta",
		"user.authentication.sso":          "User single sign on to app",
		"user.authentication.auth_via_mfa": "Authentication of user via MFA",
		"policy.evaluate_sign_on":          "Evaluation of sign-on policy",
		"user.account.lock":                "Max sign in attempts exceeded",
	}[s.typ]
	sev := "INFO"
	if s.result == "FAILURE" {
		sev = "WARN"
	}
	return intents.Event{UUID: s.uuid, Published: s.t, EventType: s.typ, DisplayMessage: msg, Severity: sev, Actor: s.who,
		Targets: s.targets, Outcome: intents.EventOutcome{Result: s.result, Reason: s.reason}, Client: s.client, Security: s.net, Debug: s.debug}
}

func app(name string) intents.Actor {
	return intents.Actor{ID: "0oa" + name, Type: "AppInstance", AlternateID: name, DisplayName: name}
}

func authenticator(who intents.Actor, name string) []intents.Actor {
	return []intents.Actor{who, {ID: "pfd" + name, Type: "AuthenticatorEnrollment", AlternateID: "unknown", DisplayName: name}}
}

// takeoverApps are the seven apps the attacker reached through SSO.
var takeoverApps = []string{"GitHub Enterprise Cloud - Organization", "AWS Account Federation", "Slack", "Google Workspace", "Box", "1Password", "Bookmark App"}

// johnEvents is john's week: ordinary sign-ins from San Francisco, then
// 12 failed sign-ins from a Tor exit, a success from it, SSO into 7 apps,
// and his own sign-in from San Francisco an hour later. Newest first, as
// the adapter lists them.
func johnEvents() []intents.Event {
	var s []signInEvent
	risky := map[string]string{"risk": "{level=HIGH, reasons=Anomalous Device, Anonymizing Proxy, New Geo-Location}", "threatSuspected": "false",
		"behaviors": "{New Geo-Location=POSITIVE, New Device=POSITIVE, New IP=POSITIVE, New State=POSITIVE, New Country=POSITIVE, Velocity=POSITIVE, New City=POSITIVE}"}
	ordinary := func(id string, t time.Time, c intents.EventClient, n intents.Security, apps ...string) {
		s = append(s,
			signInEvent{uuid: id + "-pw", t: t, typ: "user.authentication.auth_via_mfa", who: johnActor, client: c, net: n, result: "SUCCESS", targets: authenticator(johnActor, "Password")},
			signInEvent{uuid: id + "-ov", t: t.Add(20 * time.Second), typ: "user.authentication.auth_via_mfa", who: johnActor, client: c, net: n, result: "SUCCESS", targets: authenticator(johnActor, "Okta Verify")},
			signInEvent{uuid: id + "-ss", t: t.Add(21 * time.Second), typ: "user.session.start", who: johnActor, client: c, net: n, result: "SUCCESS"},
		)
		for i, a := range apps {
			s = append(s, signInEvent{uuid: fmt.Sprintf("%s-sso%d", id, i), t: t.Add(time.Duration(5+40*i) * time.Minute), typ: "user.authentication.sso", who: johnActor, client: c, net: n, result: "SUCCESS",
				targets: []intents.Actor{app(a), {ID: "0ua1", Type: "AppUser", AlternateID: "john@company.com", DisplayName: "John Smith"}}})
		}
	}
	ordinary("d21", at(21, 14, 53, 0), sfClient, sfNet, "Workday")
	ordinary("d24", at(24, 9, 24, 0), officeSF, officeNet, "Slack", "Expensify", "Atlassian Cloud")
	ordinary("d25", at(25, 8, 53, 0), sfClient, sfNet, "Expensify", "Google Workspace", "Zoom")
	ordinary("d26", at(26, 9, 18, 0), sfClient, sfNet, "1Password", "Zoom")
	ordinary("d27", at(27, 9, 52, 0), officeSF, officeNet, "Slack", "Expensify", "GitHub Enterprise Cloud - Organization")
	for i := range 12 {
		s = append(s, signInEvent{uuid: fmt.Sprintf("tor-fail-%02d", i), t: at(28, 8, 1+i, 7*i%60), typ: "user.session.start", who: johnActor, client: torClient, net: torNet,
			result: "FAILURE", reason: "INVALID_CREDENTIALS", debug: risky})
	}
	s = append(s,
		signInEvent{uuid: "tor-policy", t: at(28, 8, 14, 50), typ: "policy.evaluate_sign_on", who: johnActor, client: torClient, net: torNet, result: "ALLOW",
			reason: "Sign-on policy evaluation resulted in ALLOW", targets: []intents.Actor{app("Okta Dashboard"), {ID: "0pr1", Type: "Rule", DisplayName: "Engineering: require MFA"}}, debug: risky},
		signInEvent{uuid: "tor-pw", t: at(28, 8, 15, 2), typ: "user.authentication.auth_via_mfa", who: johnActor, client: torClient, net: torNet, result: "SUCCESS", targets: authenticator(johnActor, "Password"), debug: risky},
		signInEvent{uuid: "tor-ok", t: at(28, 8, 15, 3), typ: "user.session.start", who: johnActor, client: torClient, net: torNet, result: "SUCCESS", debug: risky},
	)
	for i, a := range takeoverApps {
		s = append(s, signInEvent{uuid: fmt.Sprintf("tor-sso-%d", i), t: at(28, 8, 16+3*i, 0), typ: "user.authentication.sso", who: johnActor, client: torClient, net: torNet, result: "SUCCESS",
			targets: []intents.Actor{app(a), {ID: "0ua1", Type: "AppUser", AlternateID: "john@company.com", DisplayName: "John Smith"}}, debug: risky})
	}
	ordinary("sf-back", at(28, 9, 27, 0), sfClient, sfNet, "Zoom")
	out := make([]intents.Event, len(s))
	for i, e := range s {
		out[i] = e.event()
	}
	slices.SortStableFunc(out, func(a, b intents.Event) int { return b.Published.Compare(a.Published) })
	return out
}

// uuids lists the events whose uuid starts with one of the prefixes.
func uuids(evs []intents.Event, prefixes ...string) []string {
	var out []string
	for _, e := range evs {
		for _, p := range prefixes {
			if len(e.UUID) >= len(p) && e.UUID[:len(p)] == p {
				out = append(out, e.UUID)
				break
			}
		}
	}
	return out
}

const (
	johnTakeover = "12 failed sign-ins for john@company.com from 185.220.101.1 (anonymizing proxy), then a successful sign-in from the same IP at 08:15 UTC Nov 28, then SSO into 7 applications"
	johnProxy    = "22 sign-in attempts for john@company.com through 185.220.101.1 (anonymizing proxy), a sign-in succeeded at 08:15 UTC Nov 28, then SSO into 7 applications"
	johnBurst    = "12 failed sign-ins for john@company.com in 11 min from 185.220.101.1 (anonymizing proxy), starting 08:01 UTC Nov 28"
	johnRisk     = "Okta flagged john@company.com: risk HIGH on 14 events (Anomalous Device, Anonymizing Proxy, New Geo-Location)"
	johnTravel   = "john@company.com signed in from Frankfurt am Main, Germany (185.220.101.1) at 08:15 UTC Nov 28, then from San Francisco, United States (99.36.221.240) at 09:27 UTC Nov 28: 9,128 km in 1 h 12 min (7,584 km/h)"
	ssoSeven     = "then SSO into 7 applications within 1 h: GitHub Enterprise Cloud - Organization, AWS Account Federation, Slack, Google Workspace, Box, 1Password, Bookmark App"
	torNetwork   = "185.220.101.1, an anonymizing proxy, network stiftung erneuerbare freiheit"
	newBehaviors = "Okta flagged it as unusual for this user: New Device, New Geo-Location, New Country, New State, Velocity, New IP, New City"
	riskHigh     = "Okta rated the risk HIGH (Anomalous Device, Anonymizing Proxy, New Geo-Location)"
)

// johnFindings are what detect.Analyze finds in johnEvents, worst first.
func johnFindings(evs []intents.Event) []intents.Finding {
	return []intents.Finding{
		{Detection: "success_after_failures", Attack: []string{"T1110", "T1078.004"}, Severity: intents.SeverityCritical, Score: 100, User: "john@company.com", Summary: johnTakeover,
			Evidence: []intents.Evidence{
				{Text: "12 failed sign-ins, then a successful sign-in at 08:15 UTC Nov 28", Points: 30},
				{Text: "the success came from the IP that failed: 185.220.101.1", Points: 10},
				{Text: "the success from " + torNetwork, Points: 20},
				{Text: newBehaviors, Points: 25},
				{Text: riskHigh, Points: 15},
				{Text: ssoSeven, Points: 20},
			}, Events: uuids(evs, "tor-fail-", "tor-ok", "tor-sso-")},
		{Detection: "anonymizing_proxy_login", Attack: []string{"T1078.004"}, Severity: intents.SeverityCritical, Score: 100, User: "john@company.com", Summary: johnProxy,
			Evidence: []intents.Evidence{
				{Text: "22 sign-in attempts through an anonymizing proxy: 185.220.101.1, network stiftung erneuerbare freiheit", Points: 40},
				{Text: "a sign-in through it succeeded at 08:15 UTC Nov 28", Points: 10},
				{Text: newBehaviors, Points: 25},
				{Text: riskHigh, Points: 15},
				{Text: ssoSeven, Points: 20},
			}, Events: uuids(evs, "tor-")},
		{Detection: "failed_login_burst", Attack: []string{"T1110.001"}, Severity: intents.SeverityHigh, Score: 51, User: "john@company.com", Summary: johnBurst,
			Evidence: []intents.Evidence{
				{Text: "12 failed sign-ins in 11 min (threshold 10 in 30 min)", Points: 30},
				{Text: "2 more than the threshold", Points: 1},
				{Text: "failures from " + torNetwork, Points: 20},
			}, Events: uuids(evs, "tor-fail-")},
		{Detection: "threat_detected", Attack: []string{"T1078.004"}, Severity: intents.SeverityHigh, Score: 50, User: "john@company.com", Summary: johnRisk,
			Evidence: []intents.Evidence{{Text: "risk HIGH on 14 events (Anomalous Device, Anonymizing Proxy, New Geo-Location)", Points: 50}}, Events: uuids(evs, "tor-")},
		{Detection: "impossible_travel", Attack: []string{"T1078.004"}, Severity: intents.SeverityMedium, Score: 40, User: "john@company.com", Summary: johnTravel,
			Evidence: []intents.Evidence{
				{Text: "9,128 km in 1 h 12 min: 7,584 km/h (threshold 900 km/h)", Points: 50},
				{Text: "from Germany to United States", Points: 10},
				{Text: "a proxy or VPN at either end: its location is the exit's, not the person's", Points: -20},
			}, Events: uuids(evs, "tor-ok", "sf-back-ss")},
	}
}

// combinedEvidence is a user's combined evidence as okta/detect writes it
// into the proposals: each detection's summary with its id.
func combinedEvidence(fs []intents.Finding) []intents.Evidence {
	var out []intents.Evidence
	seen := map[string]bool{}
	for i, f := range fs {
		if seen[f.Detection] {
			continue
		}
		seen[f.Detection] = true
		if i == 0 {
			out = append(out, intents.Evidence{Text: f.Summary + " (" + f.Detection + ")", Points: f.Score})
			continue
		}
		out = append(out, intents.Evidence{Text: fmt.Sprintf("%s (%s, half of %d)", f.Summary, f.Detection, f.Score), Points: f.Score / 2})
	}
	return out
}

// fixes are the remedies proposed for one user's findings.
func fixes(login, id string, confidence int, fs []intents.Finding, kinds ...intents.Kind) []intents.Action {
	var out []intents.Action
	for _, k := range kinds {
		out = append(out, intents.Action{Kind: k, User: &intents.Ref{Type: "user", ID: id, Name: login}, Reason: fs[0].Summary,
			Confidence: confidence, Evidence: combinedEvidence(fs)})
	}
	return out
}

func johnProfile() *intents.UserProfile {
	return &intents.UserProfile{
		User: intents.User{ID: "00u1johnSMITH", Status: "ACTIVE", Login: "john@company.com", Email: "john@company.com", FirstName: "John", LastName: "Smith",
			DisplayName: "John Smith", Department: "Engineering", Title: "Senior Software Engineer", Created: at(1, 9, 0, 0).AddDate(-3, 0, 0),
			LastLogin: at(28, 9, 27, 21)},
		Factors: []intents.Factor{
			{ID: "pfd1", Type: "signed_nonce", Provider: "OKTA", Status: "ACTIVE", Name: "MacBook Pro"},
			{ID: "opf1", Type: "push", Provider: "OKTA", Status: "ACTIVE", Name: "iPhone 15"},
		},
		Groups: []intents.Group{{ID: "00g1", Name: "Everyone", Type: "BUILT_IN"}, {ID: "00g2", Name: "Engineering", Type: "OKTA_GROUP"}},
		Apps: func() []intents.App {
			var as []intents.App
			for _, a := range append(slices.Clone(takeoverApps[:6]), "Zoom", "Workday", "Expensify", "Atlassian Cloud", "Okta Dashboard", "Okta Browser Plugin") {
				as = append(as, intents.App{ID: "0oa" + a, Label: a, Status: "ACTIVE"})
			}
			return as
		}(),
	}
}

// investigateJohn is the answer to `investigate john@company.com`.
func investigateJohn() intents.Result {
	evs := johnEvents()
	fs := johnFindings(evs)
	return intents.Result{
		Intent:    intents.Intent{Kind: intents.Investigate, User: "john@company.com"},
		Subject:   "john@company.com",
		Profile:   johnProfile(),
		Events:    evs,
		Findings:  fs,
		Proposals: fixes("john@company.com", "00u1johnSMITH", 100, fs, intents.ClearSessions, intents.SuspendUser),
		Since:     testNow.Add(-7 * day), Until: testNow,
	}
}

// investigateQuiet is an investigation of a user with only ordinary
// activity.
func investigateQuiet() intents.Result {
	r := investigateJohn()
	r.Events = slices.DeleteFunc(r.Events, func(e intents.Event) bool {
		return e.Client.IP == torClient.IP || e.Published.After(at(28, 0, 0, 0))
	})
	r.Findings, r.Proposals = nil, nil
	r.Intent.User, r.Subject = "maria.garcia@company.com", "maria.garcia@company.com"
	r.Profile.User.Login, r.Profile.User.Email, r.Profile.User.DisplayName = "maria.garcia@company.com", "maria.garcia@company.com", "María García"
	r.Profile.User.LastLogin = at(27, 9, 52, 21)
	r.Profile.Factors = []intents.Factor{{ID: "sms1", Type: "sms", Provider: "OKTA", Status: "ACTIVE", Name: "+1 415-555-0199"}}
	return r
}

// sweep is the answer to `threats 7d` on the demo org: the six stories.
func sweep() intents.Result {
	evs := johnEvents()
	john := johnFindings(evs)
	chris := []intents.Finding{
		{Detection: "impossible_travel", Severity: intents.SeverityCritical, Score: 100, User: "chris.morgan@company.com",
			Summary: "chris.morgan@company.com signed in from Denver, United States (75.166.33.7) at 09:31 UTC Nov 25, then from Pyongyang, North Korea (175.45.178.59) at 18:56 UTC Nov 25: 9,851 km in 9 h 25 min (1,045 km/h)",
			Evidence: []intents.Evidence{{Text: "9,851 km in 9 h 25 min: 1,045 km/h (threshold 900 km/h)", Points: 50}, {Text: "from United States to North Korea", Points: 10},
				{Text: "the second sign-in from Pyongyang, North Korea, a watch-listed country", Points: 15}}, Events: []string{"chris-den", "chris-pyo"}},
		{Detection: "suspicious_country_login", Severity: intents.SeverityCritical, Score: 79, User: "chris.morgan@company.com",
			Summary:  "chris.morgan@company.com signed in 4 times from 175.45.178.59 in Pyongyang, North Korea (watch-listed country), first at 18:56 UTC Nov 25, then SSO into 3 applications",
			Evidence: []intents.Evidence{{Text: "4 successful sign-ins from Pyongyang, North Korea, a watch-listed country", Points: 40}}, Events: []string{"chris-pyo"}},
	}
	rachel := []intents.Finding{{Detection: "suspicious_country_login", Severity: intents.SeverityCritical, Score: 76, User: "rachel.adams@company.com",
		Summary:  "rachel.adams@company.com signed in 3 times from 95.24.117.201 in Moscow, Russia (watch-listed country), first at 20:04 UTC Nov 23, then SSO into 2 applications",
		Evidence: []intents.Evidence{{Text: "3 successful sign-ins from Moscow, Russia, a watch-listed country", Points: 40}}, Events: []string{"rachel-msk"}}}
	derek := []intents.Finding{{Detection: "privilege_grant", Severity: intents.SeverityCritical, Score: 75, User: "derek.wilson@company.com",
		Summary:  "derek.wilson@company.com granted Super administrator to ryan.patel@company.com at 02:02 UTC Nov 22",
		Evidence: []intents.Evidence{{Text: "Super administrator granted to ryan.patel@company.com", Points: 35}, {Text: "Super administrator: full control of the org", Points: 30}}, Events: []string{"derek-grant"}}}
	emily := []intents.Finding{{Detection: "mfa_push_fatigue", Severity: intents.SeverityCritical, Score: 75, User: "emily.chen@company.com",
		Summary:  "9 Okta Verify pushes to emily.chen@company.com denied or unanswered in 9 min (7 denied, 2 unanswered), then the user approved a push or signed in at 20:39 UTC Nov 26",
		Evidence: []intents.Evidence{{Text: "9 Okta Verify pushes denied or unanswered in 9 min", Points: 45}, {Text: "then the user approved a push or signed in at 20:39 UTC Nov 26", Points: 30}}, Events: []string{"emily-push"}}}
	sarah := []intents.Finding{
		{Detection: "failed_login_burst", Severity: intents.SeverityMedium, Score: 33, User: "sarah.johnson@company.com",
			Summary:  "17 failed sign-ins for sarah.johnson@company.com in 9 min from 70.114.215.34, starting 07:52 UTC Nov 27",
			Evidence: []intents.Evidence{{Text: "17 failed sign-ins in 9 min (threshold 10 in 30 min)", Points: 30}}, Events: []string{"sarah-fail"}},
		{Detection: "account_lockout", Severity: intents.SeverityMedium, Score: 30, User: "sarah.johnson@company.com",
			Summary:  "sarah.johnson@company.com locked out at 08:00 UTC Nov 27 (Max sign in attempts exceeded) from 70.114.215.34",
			Evidence: []intents.Evidence{{Text: "account locked out (Max sign in attempts exceeded)", Points: 30}}, Events: []string{"sarah-lock"}},
	}
	lisa := []intents.Finding{{Detection: "security_config_change", Severity: intents.SeverityMedium, Score: 30, User: "lisa.nguyen@company.com",
		Summary:  `Policy rule "Engineering: require MFA" of policy "Engineering" updated by lisa.nguyen@company.com at 17:36 UTC Nov 25`,
		Evidence: []intents.Evidence{{Text: `policy rule updated "Engineering: require MFA" of policy "Engineering"`, Points: 25}}, Events: []string{"lisa-rule"}}}
	var fs []intents.Finding
	for _, g := range [][]intents.Finding{chris, john, rachel, derek, emily, sarah, lisa} {
		fs = append(fs, g...)
	}
	var ps []intents.Action
	ps = append(ps, fixes("chris.morgan@company.com", "00u2chris", 100, chris, intents.ClearSessions)...)
	ps = append(ps, fixes("john@company.com", "00u1johnSMITH", 100, john, intents.ClearSessions, intents.SuspendUser)...)
	ps = append(ps, fixes("rachel.adams@company.com", "00u3rachel", 76, rachel, intents.ClearSessions)...)
	ps = append(ps, fixes("emily.chen@company.com", "00u4emily", 75, emily, intents.ClearSessions, intents.SuspendUser, intents.ResetFactors)...)
	return intents.Result{
		Intent:   intents.Intent{Kind: intents.Threats, Window: intents.Week},
		Findings: fs, Proposals: ps, Events: evs[:20],
		Since: testNow.Add(-7 * day), Until: testNow,
	}
}

// failedLoginsWeek is the answer to `failed-logins 7d`: john's burst from
// the Tor exit, sarah's burst and lockout, and ordinary typos.
func failedLoginsWeek() intents.Result {
	var evs []intents.Event
	for _, e := range johnEvents() {
		if e.Outcome.Result == "FAILURE" {
			evs = append(evs, e)
		}
	}
	sarah := actorOf("00u5sarah", "sarah.johnson@company.com", "Sarah Johnson")
	austin := intents.EventClient{IP: "70.114.215.34", City: "Austin", State: "Texas", Country: "United States", Browser: "CHROME", OS: "Windows 10"}
	for i := range 17 {
		reason := "INVALID_CREDENTIALS"
		if i >= 15 {
			reason = "LOCKED_OUT"
		}
		evs = append(evs, signInEvent{uuid: fmt.Sprintf("sarah-fail-%02d", i), t: at(27, 7, 52, 0).Add(time.Duration(i) * 32 * time.Second), typ: "user.session.start",
			who: sarah, client: austin, net: intents.Security{ASOrg: "charter communications"}, result: "FAILURE", reason: reason}.event())
	}
	typo := func(id, login, name string, t time.Time, c intents.EventClient) {
		evs = append(evs, signInEvent{uuid: id, t: t, typ: "user.session.start", who: actorOf("00u"+id, login, name), client: c, result: "FAILURE", reason: "INVALID_CREDENTIALS"}.event())
	}
	typo("t1", "tyler.schmidt@company.com", "Tyler Schmidt", at(28, 10, 3, 0), officeSF)
	typo("t2", "elizabeth.martinez@company.com", "Elizabeth Martinez", at(28, 8, 46, 0), officeSF)
	typo("t3", "zoe.becker@company.com", "Zoe Becker", at(25, 5, 56, 0), intents.EventClient{IP: "73.38.85.121", City: "Boston", Country: "United States", Browser: "SAFARI", OS: "Mac OS X"})
	typo("t4", "jon@company.com", "", at(26, 16, 2, 0), intents.EventClient{IP: "88.70.213.233", City: "Berlin", Country: "Germany", Browser: "CHROME", OS: "Windows 10"})
	slices.SortStableFunc(evs, func(a, b intents.Event) int { return b.Published.Compare(a.Published) })
	fs := []intents.Finding{
		{Detection: "failed_login_burst", Severity: intents.SeverityHigh, Score: 51, User: "john@company.com", Summary: johnBurst,
			Evidence: []intents.Evidence{{Text: "12 failed sign-ins in 11 min (threshold 10 in 30 min)", Points: 30}}, Events: uuids(evs, "tor-fail-")},
		{Detection: "failed_login_burst", Severity: intents.SeverityMedium, Score: 33, User: "sarah.johnson@company.com",
			Summary:  "17 failed sign-ins for sarah.johnson@company.com in 9 min from 70.114.215.34, starting 07:52 UTC Nov 27",
			Evidence: []intents.Evidence{{Text: "17 failed sign-ins in 9 min (threshold 10 in 30 min)", Points: 30}}, Events: uuids(evs, "sarah-fail-")},
	}
	return intents.Result{Intent: intents.Intent{Kind: intents.FailedLogins, Window: intents.Week}, Events: evs, Findings: fs,
		Since: testNow.Add(-7 * day), Until: testNow}
}

// suspiciousWeek is the answer to `suspicious-logins 7d`: john through
// Tor, chris from North Korea, rachel from Russia.
func suspiciousWeek() intents.Result {
	var evs []intents.Event
	for _, e := range johnEvents() {
		if e.Security.IsProxy && e.EventType != "user.authentication.sso" {
			evs = append(evs, e)
		}
	}
	chris := actorOf("00u2chris", "chris.morgan@company.com", "Chris Morgan")
	pyongyang := intents.EventClient{IP: "175.45.178.59", City: "Pyongyang", Country: "North Korea", Browser: "FIREFOX", OS: "Linux"}
	kp := intents.Security{ASNumber: 131279, ASOrg: "star joint venture co. ltd.", ISP: "star joint venture co. ltd."}
	rachel := actorOf("00u3rachel", "rachel.adams@company.com", "Rachel Adams")
	moscow := intents.EventClient{IP: "95.24.117.201", City: "Moscow", Country: "Russia", Browser: "CHROME", OS: "Windows 10"}
	ru := intents.Security{ASNumber: 8402, ASOrg: "pjsc vimpelcom", ISP: "pjsc vimpelcom"}
	evs = append(evs,
		signInEvent{uuid: "chris-pyo", t: at(25, 18, 56, 0), typ: "user.session.start", who: chris, client: pyongyang, net: kp, result: "SUCCESS"}.event(),
		signInEvent{uuid: "chris-sso", t: at(25, 18, 58, 0), typ: "user.authentication.sso", who: chris, client: pyongyang, net: kp, result: "SUCCESS",
			targets: []intents.Actor{app("GitHub Enterprise Cloud - Organization")}}.event(),
		signInEvent{uuid: "rachel-msk", t: at(23, 20, 4, 0), typ: "user.session.start", who: rachel, client: moscow, net: ru, result: "SUCCESS"}.event(),
	)
	slices.SortStableFunc(evs, func(a, b intents.Event) int { return b.Published.Compare(a.Published) })
	fs := []intents.Finding{
		{Detection: "anonymizing_proxy_login", Severity: intents.SeverityCritical, Score: 90, User: "john@company.com",
			Summary:  "13 sign-in attempts for john@company.com through 185.220.101.1 (anonymizing proxy), a sign-in succeeded at 08:15 UTC Nov 28",
			Evidence: []intents.Evidence{{Text: "13 sign-in attempts through an anonymizing proxy", Points: 40}}, Events: uuids(evs, "tor-")},
		{Detection: "suspicious_country_login", Severity: intents.SeverityCritical, Score: 79, User: "chris.morgan@company.com",
			Summary:  "chris.morgan@company.com signed in 4 times from 175.45.178.59 in Pyongyang, North Korea (watch-listed country), first at 18:56 UTC Nov 25",
			Evidence: []intents.Evidence{{Text: "4 successful sign-ins from Pyongyang, North Korea", Points: 40}}, Events: []string{"chris-pyo"}},
		{Detection: "suspicious_country_login", Severity: intents.SeverityCritical, Score: 76, User: "rachel.adams@company.com",
			Summary:  "rachel.adams@company.com signed in 3 times from 95.24.117.201 in Moscow, Russia (watch-listed country), first at 20:04 UTC Nov 23",
			Evidence: []intents.Evidence{{Text: "3 successful sign-ins from Moscow, Russia", Points: 40}}, Events: []string{"rachel-msk"}},
	}
	return intents.Result{Intent: intents.Intent{Kind: intents.SuspiciousLogins, Window: intents.Week}, Events: evs, Findings: fs,
		Since: testNow.Add(-7 * day), Until: testNow}
}

// historyJohn is the answer to `login-history john@company.com`: his
// sign-ins of the week.
func historyJohn() intents.Result {
	var evs []intents.Event
	for _, e := range johnEvents() {
		if e.EventType == "user.session.start" {
			evs = append(evs, e)
		}
	}
	r := investigateJohn()
	return intents.Result{Intent: intents.Intent{Kind: intents.LoginHistory, User: "john@company.com"}, Subject: "john@company.com",
		Events: evs, Findings: r.Findings[2:3], Since: r.Since, Until: r.Until}
}

// mfaScan is the answer to mfa_status: 3 users without MFA and 2 with
// only weak factors, out of 191.
func mfaScan(cached, refreshed bool) intents.Result {
	u := func(id, login, first, last, dept string, lastLogin time.Time) intents.User {
		return intents.User{ID: id, Status: "ACTIVE", Login: login, Email: login, FirstName: first, LastName: last, DisplayName: first + " " + last, Department: dept, LastLogin: lastLogin}
	}
	r := intents.Result{
		Intent: intents.Intent{Kind: intents.MFAStatus},
		Users: []intents.User{
			u("00uA1", "brian.torres@company.com", "Brian", "Torres", "Engineering", at(28, 7, 0, 3)),
			u("00uA2", "kenneth.johansson@company.com", "Kenneth", "Johansson", "Marketing", at(28, 1, 38, 36)),
			u("00uA3", "new.contractor@partner.io", "Nia", "Okafor", "Contractors", time.Time{}),
		},
		MFA: &intents.MFAReport{ScannedAt: at(28, 10, 49, 45), Active: 191, NoFactor: 3, Checked: 191, Cached: cached, Refreshed: refreshed,
			WeakOnly: []intents.User{
				u("00uB1", "rachel.adams@company.com", "Rachel", "Adams", "Finance", at(28, 5, 49, 39)),
				u("00uB2", "samantha.green@company.com", "Samantha", "Green", "Sales", at(28, 6, 36, 2)),
			}},
	}
	if cached {
		r.MFA.Checked = 0
	}
	if refreshed {
		r.MFA.Checked = 10
	}
	return r
}

// investigateLocked is `what happened with sarah.johnson@company.com
// today`: no detection fires, but she is locked out and her password was
// reset by an admin.
func investigateLocked() intents.Result {
	r := investigateQuiet()
	r.Intent.User, r.Subject = "sarah.johnson@company.com", "sarah.johnson@company.com"
	r.Intent.Window = intents.Duration(5 * time.Hour)
	r.Since = testNow.Add(-5 * time.Hour)
	r.Events = slices.DeleteFunc(r.Events, func(e intents.Event) bool { return e.Published.Before(r.Since) })
	r.Read = 9
	u := &r.Profile.User
	u.Login, u.Email, u.DisplayName, u.Status = "sarah.johnson@company.com", "sarah.johnson@company.com", "Sarah Johnson", "LOCKED_OUT"
	u.StatusChanged = at(28, 9, 41, 7)
	u.PasswordChanged = at(28, 10, 2, 0)
	r.Profile.Blocks = []string{"ANY_DEVICES"}
	return r
}

// investigateOld is an investigation whose window reaches 120 days back,
// past the 90 days Okta keeps.
func investigateOld() intents.Result {
	r := investigateQuiet()
	r.Intent.Window = intents.Duration(120 * 24 * time.Hour)
	r.Since = testNow.Add(-120 * 24 * time.Hour)
	r.Read = 27
	return r
}
