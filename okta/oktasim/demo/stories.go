package demo

import (
	"slices"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// The seven stories, in the design's order (a to f), then g. Their events carry
// recognisable uuids ("aaaaaaaa-0000-4000-8000-…" for story a, and so on).
const (
	demoStoryTor      = "tor-takeover"
	demoStoryPush     = "push-fatigue"
	demoStoryCountry  = "watchlist-countries"
	demoStoryGrant    = "off-hours-super-admin"
	demoStoryPolicy   = "mfa-removed"
	demoStoryLockout  = "lockout"
	demoStoryBlocked  = "blocked-from-new-devices"
	demoTorExitNodeIP = "185.220.101.1"
)

// demoUTC is a time of the reference week (time.go), written as UTC.
func demoUTC(month time.Month, day, hour, minute, sec, ms int) time.Time {
	return time.Date(2026, month, day, hour, minute, sec, ms*1e6, time.UTC)
}

// demoDate is t's date in loc, as the activity keys days.
func demoDate(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// planStories prepares the people of the stories before the ordinary
// activity is written: when they stop signing in, when their own day
// starts, how many sessions they end up with.
func (b *demoBuilder) planStories() {
	t := &b.times
	john := b.role("john")
	// the real John signs in from San Francisco after the attack (08:37 PDT
	// in the reference week), when that is in his morning
	if own := t.tor.at(demoUTC(time.October, 16, 15, 37, 20, 0)).In(john.city.loc()); own.Hour() >= 6 && own.Hour() < 12 {
		john.fixedStart = map[string]time.Time{own.Format(time.DateOnly): own}
	}
	john.sessions = 2 // his own and the attacker's
	b.role("emily").sessions = 2
	b.role("rachel").sessions = 2
	chris := b.role("chris")
	chris.sessions = 2
	// his day before Pyongyang starts late enough in Denver that the jump is impossible travel
	denver := t.pyongyang.at(demoRefDenver).In(chris.city.loc())
	chris.fixedStart = map[string]time.Time{denver.Format(time.DateOnly): denver}
	sarah := b.role("sarah")
	sarah.status, sarah.stopDate, sarah.sessions = "LOCKED_OUT", demoDate(t.lockout.at(demoRefLockout), sarah.city.loc()), 0
	blocked := b.pickBlocked()
	blocked.role = "blocked"
	t.blocked = b.blockedPlace(blocked.city.loc())
}

// pickBlocked is story g's user: the first ordinary ACTIVE person in Sales
// in a US city, whom no admin task changes.
func (b *demoBuilder) pickBlocked() *demoUser {
	for _, u := range b.users {
		if u.role == "" && u.status == "ACTIVE" && u.dept == "Sales" && u.city.countryCode == "US" && u.signsIn() &&
			!slices.Contains(b.statusPool, u) {
			return u
		}
	}
	panic("oktasim: demo: no one for story g") // the roster changed
}

// writeStories writes the seven stories.
func (b *demoBuilder) writeStories() {
	b.storyTor()
	b.storyPushFatigue()
	b.storyCountries()
	b.storyGrant()
	b.storyPolicy()
	b.storyLockout()
	b.storyBlocked()
	b.story = nil
}

func (b *demoBuilder) begin(id, title string, users []*demoUser, detections ...string) {
	s := &Story{ID: id, Title: title, Detections: detections}
	for _, u := range users {
		s.Users = append(s.Users, u.login)
	}
	b.stories = append(b.stories, s)
	b.story, b.seq = s, 0
}

// allPositive is a sign-in where every behavior is new.
func demoAllPositive() []string { return demoBehaviors() }

// storyTor is (a): password guessing against john@company.com from a Tor
// exit node, a successful sign-in from it (the Engineering rule no longer
// asks for MFA, see story e), then sign-ons into seven of his apps.
func (b *demoBuilder) storyTor() {
	john := b.role("john")
	b.begin(demoStoryTor, "Password guessing from a Tor exit node, a successful sign-in, then 7 apps",
		[]*demoUser{john}, "failed_login_burst", "success_after_failures", "anonymizing_proxy_login", "threat_detected")
	tor := &demoNet{ip: demoTorExitNodeIP, city: "Frankfurt am Main", state: "Hesse", country: "Germany", postal: "60313",
		lat: 50.1109, lon: 8.6821, asn: 208294, asOrg: "stiftung erneuerbare freiheit", isp: "stiftung erneuerbare freiheit",
		proxy: true, tunnel: `[{"anonymous":true,"operator":"TOR","type":"TOR"}]`}
	agent, dt := demoAgents()["tor-browser"], b.hexText(64)
	risk := demoRisk{level: "HIGH", reasons: "Anomalous Device, Anonymizing Proxy, New Geo-Location", positive: demoAllPositive()}
	p := b.times.tor
	start := p.at(demoRefTor)
	for _, s := range []int{0, 61, 118, 183, 240, 301, 367, 425, 488, 549, 612, 679} { // 12 tries, under the lockout's 15
		b.wrongPassword(demoLog{at: start.Add(time.Duration(s) * time.Second), actor: john, from: tor,
			agent: agent, uri: "/idp/idx/challenge/answer", debug: risk.debug(oktasim.Object{"dtHash": dt})})
	}
	sid, _ := b.signIn(demoSignIn{u: john, at: p.at(demoRefTorIn), from: tor, agent: agent, dtHash: dt, risk: risk})
	apps := []string{"GitHub", "AWS", "Slack", "Google Workspace", "Box", "1Password", "Confluence"}
	at := p.at(demoUTC(time.October, 16, 14, 26, 30, 511))
	for i, label := range apps {
		b.sso(john, sid, tor, agent, b.app(label), at.Add(time.Duration(i*157+i*i*3)*time.Second))
	}
}

// storyPushFatigue is (b): someone with Emily Chen's password pushes her
// phone again and again late at night until she accepts.
func (b *demoBuilder) storyPushFatigue() {
	emily := b.role("emily")
	b.begin(demoStoryPush, "MFA push fatigue: 10 pushes in 12 minutes at night, the last one accepted",
		[]*demoUser{emily}, "mfa_push_fatigue")
	vps := &demoNet{ip: "159.203.88.43", city: "North Bergen", state: "New Jersey", country: "United States", postal: "07047",
		lat: 40.793, lon: -74.0247, asn: 14061, asOrg: "digitalocean, llc", isp: "digitalocean, llc", domain: "digitalocean.com"}
	agent, dt := demoAgents()["win-chrome"], b.hexText(64)
	risk := demoRisk{level: "MEDIUM", reasons: "Anomalous Device, New IP",
		positive: []string{"New Geo-Location", "New Device", "New IP", "New State", "New City"}}
	p := b.times.push
	rule, _ := b.signOn.rule(emily, p.at(demoRefPush))
	push := emily.factor("push")
	sid := b.sessionID()
	log := func(typ string, at time.Time, result string) demoLog {
		return demoLog{typ: typ, at: at, actor: emily, from: vps, agent: agent, session: sid, result: result,
			targets: []any{emily.target(), emily.authenticator(push)},
			debug:   oktasim.Object{"factor": "OKTA_VERIFY_PUSH", "dtHash": dt}, uri: "/idp/idx/challenge"}
	}
	t := p.at(demoUTC(time.October, 15, 2, 38, 12, 207))
	clock := func(c string) time.Time { return p.at(demoClock(demoRefPush, c)) }
	b.emit(demoLog{typ: "policy.evaluate_sign_on", at: t, actor: emily, from: vps, agent: agent, session: sid,
		result: "CHALLENGE", reason: "Sign-on policy evaluation resulted in CHALLENGE",
		targets: []any{b.app("Okta Dashboard").target(), rule.target()}, debug: risk.debug(oktasim.Object{"dtHash": dt}),
		uri: "/idp/idx/identify"})
	if !b.classic() {
		b.emit(b.passwordCheck(log("", t.Add(7*time.Second), "SUCCESS"), oktasim.Object{"dtHash": dt}))
	}
	// two pushes go unanswered, seven are rejected (all in 02:40–02:50), the tenth is accepted
	for _, try := range []struct{ sent, denied string }{
		{"02:38:25", ""}, {"02:39:41", ""}, {"02:40:03", "02:40:19"}, {"02:41:08", "02:41:21"}, {"02:42:27", "02:42:36"},
		{"02:43:52", "02:44:02"}, {"02:45:18", "02:45:25"}, {"02:46:37", "02:46:44"}, {"02:47:59", "02:48:05"},
	} {
		b.emit(log("system.push.send_factor_verify_push", clock(try.sent), "SUCCESS"))
		if try.denied != "" {
			b.denyPush(log, clock(try.denied))
		}
	}
	b.emit(log("system.push.send_factor_verify_push", clock("02:49:28"), "SUCCESS"))
	ok := log("user.authentication.auth_via_mfa", clock("02:49:52"), "SUCCESS")
	ok.uri = "/idp/idx/authenticators/poll"
	b.emit(ok)
	b.emit(demoLog{typ: "user.session.start", at: clock("02:49:53"), actor: emily, from: vps, agent: agent,
		session: sid, result: "SUCCESS", debug: risk.debug(oktasim.Object{"dtHash": dt}), uri: "/idp/idx/authenticators/poll"})
	for _, x := range []struct{ app, at string }{{"Google Workspace", "02:51:40"}, {"Box", "02:55:02"}, {"Salesforce", "02:58:31"}} {
		b.sso(emily, sid, vps, agent, b.app(x.app), clock(x.at))
	}
}

// demoClock is hh:mm:ss on day's date (UTC: a time of the reference week).
func demoClock(day time.Time, clock string) time.Time {
	c, err := time.Parse(time.TimeOnly, clock)
	if err != nil {
		panic("oktasim: demo: bad clock " + clock) // a typo in the demo's own tables
	}
	return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), c.Second(), 0, time.UTC)
}

// storyCountries is (c): Rachel Adams (Finance, SMS as her only factor)
// signs in from Moscow and goes to Workday; Chris Morgan (a contractor whose
// days come from Denver) signs in from Pyongyang with his own laptop, nine
// and a half hours after signing in from Denver.
func (b *demoBuilder) storyCountries() {
	rachel, chris := b.role("rachel"), b.role("chris")
	b.begin(demoStoryCountry, "Sign-ins from Russia and North Korea", []*demoUser{rachel, chris},
		"suspicious_country_login", "impossible_travel")
	moscow := &demoNet{ip: "95.24.117.201", city: "Moscow", state: "Moscow", country: "Russia", postal: "101000",
		lat: 55.7522, lon: 37.6156, asn: 8402, asOrg: "pjsc vimpelcom", isp: "pjsc vimpelcom", domain: "beeline.ru"}
	agent := demoAgents()["win-chrome"]
	risk := demoRisk{level: "MEDIUM", reasons: "Anomalous Geo-Distance, New Country", positive: demoAllPositive()}
	sid, t := b.signIn(demoSignIn{u: rachel, at: b.times.moscow.at(demoRefMoscow), from: moscow, agent: agent,
		dtHash: b.hexText(64), risk: risk})
	b.sso(rachel, sid, moscow, agent, b.app("Workday"), t.Add(97*time.Second))
	b.sso(rachel, sid, moscow, agent, b.app("Box"), t.Add(372*time.Second))

	pyongyang := &demoNet{ip: "175.45.178.59", city: "Pyongyang", state: "Pyongyang", country: "North Korea",
		lat: 39.0339, lon: 125.7543, asn: 131279, asOrg: "star joint venture co. ltd.", isp: "star joint venture co. ltd.", domain: "star-co.net.kp"}
	risk = demoRisk{level: "MEDIUM", reasons: "Anomalous Geo-Distance, New Country",
		positive: []string{"New Geo-Location", "New IP", "New State", "New Country", "Velocity", "New City"}}
	sid, t = b.signIn(demoSignIn{u: chris, at: b.times.pyongyang.at(demoRefPyongyang), from: pyongyang, agent: chris.agent,
		dtHash: chris.dtHash, risk: risk})
	for i, label := range []string{"GitHub", "Jira", "AWS"} {
		b.sso(chris, sid, pyongyang, chris.agent, b.app(label), t.Add(time.Duration(77+i*433)*time.Second))
	}
}

// storyGrant is (d): Derek Wilson (IT Manager, Austin) makes Ryan Patel a
// Super Administrator at 03:12 on a Saturday night (the team's time), from
// home.
func (b *demoBuilder) storyGrant() {
	derek, ryan := b.role("derek"), b.role("ryan")
	b.begin(demoStoryGrant, "Super Administrator granted at 03:12 on a Saturday", []*demoUser{derek, ryan}, "privilege_grant")
	p := b.times.grant
	sid, t := b.signIn(demoSignIn{u: derek, at: p.at(demoUTC(time.October, 10, 3, 3, 41, 17)), from: derek.home, agent: derek.agent,
		dtHash: derek.dtHash})
	b.adminConsole(derek, sid, derek.home, derek.agent, t.Add(52*time.Second))
	b.emit(demoLog{typ: "user.account.privilege.grant", at: p.at(demoRefGrant), actor: derek,
		from: derek.home, agent: derek.agent, session: sid, result: "SUCCESS", targets: []any{ryan.target()},
		uri:   "/api/internal/administrators/" + ryan.id,
		debug: oktasim.Object{"privilegeGranted": "Super administrator", "dtHash": derek.dtHash}})
	b.sessionEnd(derek, sid, derek.home, derek.agent, p.at(demoUTC(time.October, 10, 3, 19, 50, 733)))
}

// storyPolicy is (e): Lisa Nguyen (Identity Engineer) takes the MFA
// requirement out of the Engineering global session policy's rule, half an
// hour before story (a)'s attacker tries john's password.
func (b *demoBuilder) storyPolicy() {
	lisa := b.role("lisa")
	b.begin(demoStoryPolicy, "Sign-on policy weakened: MFA no longer required for Engineering", []*demoUser{lisa},
		"security_config_change", "mfa_factor_reset")
	p := b.times.policy
	from := lisa.home
	if local := p.real.In(lisa.city.loc()); local.Weekday() != time.Saturday && local.Weekday() != time.Sunday &&
		local.Hour() >= 8 && local.Hour() < 18 {
		from = lisa.city.officeNet
	}
	sid, t := b.signIn(demoSignIn{u: lisa, at: p.at(demoUTC(time.October, 16, 13, 34, 5, 860)), from: from, agent: lisa.agent,
		dtHash: lisa.dtHash})
	b.adminConsole(lisa, sid, from, lisa.agent, t.Add(41*time.Second))
	rule := b.signOn.engineering
	policyType := oktasim.Object{"policyType": "OKTA_SIGN_ON"}
	ruleTarget := oktasim.Object{"id": rule.id, "type": "PolicyRule", "alternateId": "unknown", "displayName": rule.name,
		"detailEntry": oktasim.Object{"policyType": "OKTA_SIGN_ON"},
		"changeDetails": oktasim.Object{
			"from": oktasim.Object{"actions": oktasim.Object{"signon": oktasim.Object{"requireFactor": true, "factorPromptMode": "SESSION"}}},
			"to":   oktasim.Object{"actions": oktasim.Object{"signon": oktasim.Object{"requireFactor": false}}},
		}}
	policyTarget := oktasim.Object{"id": rule.policy.id, "type": "PolicyEntity", "alternateId": "unknown",
		"displayName": rule.policy.name, "detailEntry": policyType}
	b.emit(demoLog{typ: "policy.rule.update", at: b.signOn.weakened, actor: lisa, from: from, agent: lisa.agent, session: sid,
		result: "SUCCESS", targets: []any{ruleTarget, policyTarget},
		uri: "/api/v1/policies/" + rule.policy.id + "/rules/" + rule.id, debug: oktasim.Object{"dtHash": lisa.dtHash}})
	b.signOn.weaken()
	// and the security question, which nobody has enrolled, is turned off
	// for the whole org
	off := demoLog{at: p.at(demoUTC(time.October, 16, 13, 46, 38, 905)), actor: lisa, from: from, agent: lisa.agent, session: sid,
		result: "SUCCESS", debug: oktasim.Object{"dtHash": lisa.dtHash}}
	if b.classic() {
		off.typ, off.uri = "system.mfa.factor.deactivate", "/api/v1/org/factors/question/lifecycle/deactivate"
		off.debug["factor"] = "QUESTION"
	} else {
		id := b.newID("aut")
		off.typ, off.uri = "security.authenticator.lifecycle.deactivate", "/api/v1/authenticators/"+id+"/lifecycle/deactivate"
		off.targets = []any{oktasim.Object{"id": id, "type": "Authenticator", "alternateId": "security_question",
			"displayName": "Security Question", "detailEntry": nil}}
	}
	b.emit(off)
	b.sessionEnd(lisa, sid, from, lisa.agent, p.at(demoUTC(time.October, 16, 13, 50, 40, 118)))
}

// storyLockout is (f): Sarah Johnson (Support, Austin) cannot remember her
// password at home on a Thursday (14:03 in the team's zone: the morning in
// Austin when the team works in UTC) and locks herself out.
func (b *demoBuilder) storyLockout() {
	sarah := b.role("sarah")
	b.begin(demoStoryLockout, "Account locked out after 15 failed sign-ins", []*demoUser{sarah},
		"account_lockout", "failed_login_burst")
	log := func(typ string, at time.Time, reason string) demoLog {
		return demoLog{typ: typ, at: at, actor: sarah, from: sarah.home, agent: sarah.agent, result: "FAILURE",
			reason: reason, uri: "/idp/idx/challenge/answer", debug: demoRisk{}.debug(oktasim.Object{"dtHash": sarah.dtHash})}
	}
	start := b.times.lockout.at(demoRefLockout)
	offsets := []int{0, 27, 61, 88, 124, 151, 190, 219, 248, 271, 305, 333, 367, 402, 431} // the policy's 15 attempts
	for _, s := range offsets {
		b.wrongPassword(log("", start.Add(time.Duration(s)*time.Second), ""))
	}
	locked := start.Add(431*time.Second + 412*time.Millisecond)
	b.emit(log("user.account.lock", locked, "LOCKED_OUT"))
	for _, s := range []int{480, 555} {
		b.emit(log("user.session.start", start.Add(time.Duration(s)*time.Second), "LOCKED_OUT"))
	}
	sarah.statusChanged, sarah.lastUpdated = locked, locked
}

// storyBlocked is (g): an old tablet at home that still has a previous
// password retries it all evening, every 11 to 13 minutes, until Okta
// blocks the user from unknown devices ("Block suspicious password
// attempts from unknown devices"). The user stays ACTIVE and goes on
// signing in from the laptop Okta knows; only new devices are locked out,
// until someone unlocks the user.
func (b *demoBuilder) storyBlocked() {
	u := b.role("blocked")
	b.begin(demoStoryBlocked, "Blocked from new devices after 15 wrong passwords from an old tablet", []*demoUser{u}, "account_lockout")
	tablet := demoAgent{"Mozilla/5.0 (iPad; CPU OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1",
		"SAFARI", "iOS"}
	risk := demoRisk{level: "LOW", positive: []string{"New Device"}}
	dt := b.hexText(64)
	start := b.times.blocked.at(demoRefBlocked)
	at := start
	for i := range demoBlockAttempts { // the default password policy's 15 attempts
		if i > 0 {
			at = at.Add(time.Duration(11*60+b.ids.IntN(120)) * time.Second)
		}
		b.wrongPassword(demoLog{at: at, actor: u, from: u.home, agent: tablet, uri: "/idp/idx/challenge/answer",
			debug: risk.debug(oktasim.Object{"dtHash": dt})})
	}
	b.emit(demoLog{typ: "user.account.lock", at: at.Add(389 * time.Millisecond), actor: u, from: u.home, agent: tablet,
		result: "FAILURE", message: oktasim.NewDeviceLockMessage, uri: "/idp/idx/challenge/answer", debug: risk.debug(oktasim.Object{"dtHash": dt})})
	u.blockedNew = true
}

// demoBlockAttempts is how many wrong passwords story g's lockout takes:
// the default password policy's maxAttempts.
const demoBlockAttempts = 15
