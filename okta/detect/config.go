package detect

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// Config is what the detections watch for and the numbers they fire at.
//
// The zero Config is usable: every zero threshold and a zero OfficeHours take
// DefaultConfig's values. Lists are used as given (a nil SuspiciousCountries
// watches no country), so start from DefaultConfig and change what differs.
type Config struct {
	// SuspiciousCountries are watch-listed countries, in English as the
	// System Log names them ("Russia", "North Korea"); matched without
	// regard to case.
	SuspiciousCountries []string
	// ProxyIPs are addresses or CIDR prefixes of known anonymizers, e.g.
	// Tor exit nodes ("185.220.101.1", "185.220.101.0/24"). A sign-in from
	// one counts as a proxy sign-in even when Okta's isProxy is false.
	ProxyIPs []string
	// TorExits is the Tor Project's exit list (OKTABOT_TOR_EXITS): a
	// sign-in from a listed address is named "Tor exit node" and counts as
	// a proxy sign-in even when Okta's isProxy is false. It is shared, not
	// copied: a refresh is seen at once. nil lists nothing.
	TorExits *ExitList
	// PrivateRelayASNs are autonomous systems whose proxied traffic is Apple
	// iCloud Private Relay, which is on by default on many iPhones and Macs
	// and so weighs less than other proxies (Panther lowers it the same
	// way). Default: 714 and 6185 (Apple), 36183 (Akamai's Private Relay
	// egress).
	PrivateRelayASNs []int
	// Admins are logins known to be Okta administrators. Findings on them
	// weigh more. Users seen acting as administrators in the events (Admin
	// Console access, role grants, policy changes) are added.
	Admins []string
	// DeviceNamePattern is the org's naming of its computers, a regular
	// expression (e.g. `^(LT|WS)-[0-9]{6}$`): a computer enrolled with a
	// name it does not match is device_nonstandard_name's (phones and
	// tablets aside). Empty: only names no managed computer keeps are
	// (Windows' random DESKTOP-XXXXXXX, localhost, Kali …).
	DeviceNamePattern string
	// FastPassBinaries are the programs Okta FastPass may sign users in
	// for, matched as a part of the caller's binary identifier without
	// regard to case; any other is fastpass_untrusted_binary's. nil:
	// DefaultFastPassBinaries, the common browsers (Okta's list).
	FastPassBinaries []string
	// Thresholds are the numbers each detection fires at.
	Thresholds Thresholds
	// OfficeHours bound normal working time; administrative changes outside
	// them weigh more. Times in summaries use its Location.
	OfficeHours OfficeHours
	// Rules are the team's own rules (OKTABOT_RULES_DIR), run after the
	// catalogue on every event; nil has none.
	Rules Rules
}

// Rate is a count within a sliding window: Count events within any Window.
type Rate struct {
	Count  int
	Window time.Duration
}

// IPAttack is the shape of a credential attack from one IP address against
// many users: at least Users users and Tries failed sign-ins within Window,
// each user tried between MinPerUser and MaxPerUser times (0: no bound), the
// attempts spread over at least MinSpan.
type IPAttack struct {
	Users      int
	Tries      int
	MinPerUser int
	MaxPerUser int
	MinSpan    time.Duration
	Window     time.Duration
}

// Churn is how many distinct device tokens and IPs one session shows.
type Churn struct {
	Tokens int
	IPs    int
}

// Thresholds are the detections' numbers, each a configurable default taken
// from public detection content (Elastic, Panther, Splunk, Chronicle), named
// beside it. A zero field takes DefaultConfig's value.
type Thresholds struct {
	// FailedBurst: failed sign-ins for one user. 10 in 30 min, after
	// Elastic's Okta brute-force rule (Panther fires at 20 in 1 h).
	FailedBurst Rate
	// Stuffing: one IP failing for ≥ 15 users and ≥ 25 tries within 15 min,
	// ≤ 2 tries per user (credential stuffing, after Elastic).
	Stuffing IPAttack
	// Spray: one IP failing for ≥ 5 users with 2–8 tries each, spread over
	// ≥ 5 min, within 1 h (password spraying, after Elastic).
	Spray IPAttack
	// ManyUsers: one IP failing for ≥ 10 users (more than 9) within
	// 5 min, however few tries each (Splunk's multiple users failing to
	// authenticate from one IP).
	ManyUsers IPAttack
	// SuccessFailures is how many failed sign-ins make a later success
	// suspicious: 5 (Panther's Okta.BruteForceLogins threshold) …
	SuccessFailures int
	// … within SuccessWithin before it: 3 h (Elastic's "successful
	// sign-in after an attack").
	SuccessWithin time.Duration
	// AttackUsers: a success is also suspicious, from any IP, when the
	// user was among the targets of an IP that failed SuccessFailures
	// times for at least 5 users within SuccessWithin (the attacker
	// rotates IP; Elastic groups by user).
	AttackUsers int
	// AppsWithin is how long after a suspicious success SSO into apps is
	// counted: 1 h.
	AppsWithin time.Duration
	// TravelSpeedKmh: consecutive sign-ins implying more than 900 km/h
	// (Panther: a 747's cruising speed) are impossible travel.
	TravelSpeedKmh float64
	// TravelMinKm: jumps shorter than 50 km are geolocation noise and are
	// dampened.
	TravelMinKm float64
	// TravelMinGap: sign-ins less than 10 min apart are often one person
	// switching VPN or mobile network; dampened.
	TravelMinGap time.Duration
	// GeoSpread: one user's successful sign-ins from 3 or more countries
	// within 3 h, whether or not each hop could be travelled (Elastic's
	// sessions from different geolocations, Splunk's logins from multiple
	// cities); impossible_travel finds it. Sign-ins through a proxy do
	// not count.
	GeoSpread Rate
	// PushFatigue: denied or unanswered Okta Verify pushes for one user, 5
	// in 10 min (Elastic's MFA bombing rule). A push Okta logs UNANSWERED
	// or ABANDONED counts, and so does a number challenge answered with
	// the wrong number (Okta's customer detections).
	PushFatigue Rate
	// MFAAbandonIP: one IP leaving MFA unanswered or abandoned for more
	// than 5 (so 6) users within 1 h (Okta's suspicious MFA abandonment,
	// which it runs over an hour).
	MFAAbandonIP IPAttack
	// PushAcceptWithin: an approved push or a successful sign-in within
	// 15 min after a push storm makes it critical (Chronicle).
	PushAcceptWithin time.Duration
	// MFAFailures: failed MFA challenges for one user, 10 in 5 min
	// (Splunk's multiple failed MFA requests).
	MFAFailures Rate
	// LockoutWave: accounts locked out org-wide, more than 5 (so 6) in
	// 5 min (Splunk's multiple accounts locked out).
	LockoutWave Rate
	// RepeatLockouts: one user locked out 3 times in 3 h (Elastic's brute
	// force against an Okta user account).
	RepeatLockouts Rate
	// TokenChurn: one session (externalSessionId) presenting at least 4
	// device tokens (debugData.dtHash) from at least 2 IPs is a session
	// cookie carried between devices (after Elastic's many device token
	// hashes in one Okta session).
	TokenChurn Churn
	// RotatedTokens: one user's burst of failed sign-ins carrying 5 or
	// more device tokens (debugData.dtHash), a fresh one for at least
	// every other try, is a client discarding its cookie to dodge
	// per-device limits (after Elastic's brute force with device token
	// rotation); failed_login_burst names and weighs it.
	RotatedTokens int
	// ResetThenSignIn: a sign-in within 12 h after a factor reset is the
	// account-takeover pattern (Elastic).
	ResetThenSignIn time.Duration
	// UnauthAppAccess: denied attempts to open unassigned apps for one
	// user, 3 in 1 h, make a probe of what the account can reach (one
	// attempt alone stays Low, as Panther rates it). A gap longer than
	// the window starts a new finding.
	UnauthAppAccess Rate
	// NewIssuerWithin: a sign-in through another identity provider is
	// found when no sign-in came through its issuer for 5 days before it
	// (Elastic's new-terms history). Whether an issuer is new is claimed
	// only when the events read reach this far back; the streaming
	// engine's windows (24 h by default) do not, so it reports a first
	// sign-in in its windows without the weight of a new issuer.
	NewIssuerWithin time.Duration
	// PasswordReveals: a user revealing their own app passwords on the
	// dashboard for 3 apps within 1 h is a harvest (Okta's password
	// reveal hunt); fewer are found only from an anonymizer.
	PasswordReveals Rate
	// ADAgentSurge, ADAgentSurgeRatio and ADAgentBaseline: an AD agent
	// (its actor) acting at least 30 times within 1 h, and at least 5
	// times its hourly average over the events read before that hour, is
	// a surge (after Panther's z-score of AD agent activity; a ratio to
	// the mean stands in for the z-score, which needs a per-hour spread
	// the events read seldom give). The average is claimed only when the
	// events read reach 6 h back before the hour; the evidence says how
	// far they reach.
	ADAgentSurge      Rate
	ADAgentSurgeRatio float64
	ADAgentBaseline   time.Duration
	// DistributedSpray: failed sign-ins from ≥ 5 IPs against ≥ 8 users,
	// ≥ 25 tries and at most 5 per user on average, within 15 min
	// (Elastic's multi-source password spray), looking back from each
	// attempt and, for tries per user, ahead from the window's start.
	DistributedSpray Distributed
	// PushCoalesce: Okta sends a push to every enrolled device, so pushes
	// of one session within 2 s are one push (Okta's customer detection
	// bins them by 2 s).
	PushCoalesce time.Duration
	// PushSpamPushes and PushSpamRatio: a session with at least 3 pushes
	// of which under half were approved is push spam (Okta: more than 2
	// pushes, a success ratio under 0.5).
	PushSpamPushes int
	PushSpamRatio  float64
	// SharedDeviceUsers: one device (device.user.add) or one phone number
	// (a phone verification SMS or call) registered for 2 or more users
	// (Okta's customer detections).
	SharedDeviceUsers int
	// SharedTokenUsers: one device token (debugData.dtHash) signing 3 or
	// more users in. Shared computers sign in two people now and then;
	// Elastic counts more than 20 for failed sign-ins.
	SharedTokenUsers int
	// ConsoleDenied: the Admin Console refusing one user 3 times within
	// 1 h weighs more (Okta: "multiple instances from the same source").
	ConsoleDenied Rate
	// ConcurrentSessions: 3 Okta sessions of one user started within 1 h
	// and none ended (Elastic: 3 or more externalSessionIds for a user).
	ConcurrentSessions Rate
	// ResetFlood: password-reset or unlock emails, texts or calls for one
	// user, 5 in 1 h (Elastic's threshold over its hour).
	ResetFlood Rate
	// RateLimits: rate-limit events of one client are one finding while
	// they come less than 1 h apart; 10 of them are sustained (our own
	// number: Panther and Elastic fire on each).
	RateLimits Rate
	// AppChanges: app changes by one administrator are one finding while
	// they come less than 1 h apart; 5 apps or more is a mass change
	// (our own number: Elastic fires on each).
	AppChanges Rate
	// RapidSSO: SSO into 10 distinct apps within 1 min (Okta's rapid
	// application access).
	RapidSSO Rate
	// NewUserAdminWithin: a user created and granted an admin role within
	// 24 h is a likely backdoor account. (The streaming engine sees it
	// within its own window, DefaultWindow unless Limits say more; Span
	// leaves it out so that the watcher's look-backs stay short.)
	NewUserAdminWithin time.Duration
	// EnrolAfterSignIn: a device or factor enrolled within 1 h after a
	// sign-in of its user is weighed with that sign-in (new_device_enrolled:
	// a risky sign-in, or one from another country, then an enrolment).
	EnrolAfterSignIn time.Duration
	// AppChallenges: one session challenged by the sign-on policies of 3
	// or more apps within 1 h (Okta: more than 2) …
	AppChallenges Rate
	// AppChallengeRatio: … that reached (user.authentication.sso) fewer
	// than half of them is a session without the factors its user has.
	AppChallengeRatio float64
}

// OfficeHours are normal working hours: [Start, End) o'clock on Days, in
// Location. The zero value means the default (08–18 Monday to Friday, UTC);
// set Disabled to give no off-hours weight at all.
type OfficeHours struct {
	Start    int
	End      int
	Days     []time.Weekday
	Location *time.Location // nil: UTC
	Disabled bool
}

// DefaultCountries is the default watch list of countries.
func DefaultCountries() []string {
	return []string{"Russia", "China", "North Korea", "Iran", "Belarus", "Syria", "Cuba", "Venezuela"}
}

// DefaultFastPassBinaries are the browsers Okta's detection expects
// FastPass callers to be.
func DefaultFastPassBinaries() []string {
	return []string{"Chrome", "Edge", "Firefox", "Safari", "Brave", "Microsoft"}
}

// DefaultConfig returns the defaults: DefaultCountries, no proxy list,
// Apple's Private Relay networks, and every threshold from its source.
func DefaultConfig() Config {
	return Config{
		SuspiciousCountries: DefaultCountries(),
		PrivateRelayASNs:    []int{714, 6185, 36183},
		FastPassBinaries:    DefaultFastPassBinaries(),
		Thresholds:          defaultThresholds(),
		OfficeHours:         defaultOfficeHours(),
	}
}

func defaultThresholds() Thresholds {
	return Thresholds{
		FailedBurst:        Rate{Count: 10, Window: 30 * time.Minute},
		Stuffing:           IPAttack{Users: 15, Tries: 25, MaxPerUser: 2, Window: 15 * time.Minute},
		Spray:              IPAttack{Users: 5, Tries: 10, MinPerUser: 2, MaxPerUser: 8, MinSpan: 5 * time.Minute, Window: time.Hour},
		ManyUsers:          IPAttack{Users: 10, Window: 5 * time.Minute},
		SuccessFailures:    5,
		AttackUsers:        5,
		SuccessWithin:      3 * time.Hour,
		AppsWithin:         time.Hour,
		TravelSpeedKmh:     900,
		TravelMinKm:        50,
		TravelMinGap:       10 * time.Minute,
		GeoSpread:          Rate{Count: 3, Window: 3 * time.Hour},
		PushFatigue:        Rate{Count: 5, Window: 10 * time.Minute},
		MFAAbandonIP:       IPAttack{Users: 6, Window: time.Hour},
		PushAcceptWithin:   15 * time.Minute,
		MFAFailures:        Rate{Count: 10, Window: 5 * time.Minute},
		LockoutWave:        Rate{Count: 6, Window: 5 * time.Minute},
		RepeatLockouts:     Rate{Count: 3, Window: 3 * time.Hour},
		TokenChurn:         Churn{Tokens: 4, IPs: 2},
		RotatedTokens:      5,
		ResetThenSignIn:    12 * time.Hour,
		UnauthAppAccess:    Rate{Count: 3, Window: time.Hour},
		NewIssuerWithin:    5 * 24 * time.Hour,
		PasswordReveals:    Rate{Count: 3, Window: time.Hour},
		ADAgentSurge:       Rate{Count: 30, Window: time.Hour},
		ADAgentSurgeRatio:  5,
		ADAgentBaseline:    6 * time.Hour,
		DistributedSpray:   Distributed{IPs: 5, Users: 8, Tries: 25, MaxPerUser: 5, Window: 15 * time.Minute},
		PushCoalesce:       2 * time.Second,
		PushSpamPushes:     3,
		PushSpamRatio:      0.5,
		SharedDeviceUsers:  2,
		SharedTokenUsers:   3,
		ConsoleDenied:      Rate{Count: 3, Window: time.Hour},
		ConcurrentSessions: Rate{Count: 3, Window: time.Hour},
		ResetFlood:         Rate{Count: 5, Window: time.Hour},
		RateLimits:         Rate{Count: 10, Window: time.Hour},
		AppChanges:         Rate{Count: 5, Window: time.Hour},
		RapidSSO:           Rate{Count: 10, Window: time.Minute},
		NewUserAdminWithin: 24 * time.Hour,
		EnrolAfterSignIn:   time.Hour,
		AppChallenges:      Rate{Count: 3, Window: time.Hour},
		AppChallengeRatio:  0.5,
	}
}

func defaultOfficeHours() OfficeHours {
	return OfficeHours{
		Start: 8,
		End:   18,
		Days:  []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
	}
}

// Validate reports the first setting that cannot work, naming it and saying
// what a good one looks like.
func (c Config) Validate() error {
	for _, s := range c.SuspiciousCountries {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("detect: suspicious countries: empty name (want English names such as \"Russia\")")
		}
	}
	for _, s := range c.ProxyIPs {
		if _, err := parseProxy(s); err != nil {
			return fmt.Errorf("detect: proxy ip %q: want an IP address or a CIDR prefix such as 185.220.101.0/24: %w", s, err)
		}
	}
	t := c.Thresholds
	rates := []struct {
		name string
		r    Rate
	}{
		{"failed burst", t.FailedBurst}, {"push fatigue", t.PushFatigue}, {"mfa failures", t.MFAFailures},
		{"lockout wave", t.LockoutWave}, {"repeat lockouts", t.RepeatLockouts},
		{"unauthorized app access", t.UnauthAppAccess}, {"password reveals", t.PasswordReveals}, {"ad agent surge", t.ADAgentSurge},
		{"console denied", t.ConsoleDenied}, {"concurrent sessions", t.ConcurrentSessions},
		{"reset flood", t.ResetFlood}, {"rate limits", t.RateLimits},
		{"app changes", t.AppChanges}, {"rapid sso", t.RapidSSO}, {"app challenges", t.AppChallenges}, {"geo spread", t.GeoSpread},
	}
	for _, x := range rates {
		if x.r.Count < 0 || x.r.Window < 0 {
			return fmt.Errorf("detect: %s threshold %d in %s: want a positive count and window", x.name, x.r.Count, x.r.Window)
		}
	}
	if ds := t.DistributedSpray; ds != (Distributed{}) && (ds.IPs <= 0 || ds.Users <= 0 || ds.Tries <= 0 || ds.MaxPerUser <= 0 || ds.Window <= 0) {
		return fmt.Errorf("detect: distributed spray threshold %+v: want positive IPs, users, tries, tries per user and window", ds)
	}
	if t.SuccessFailures < 0 || t.AttackUsers < 0 || t.TokenChurn.Tokens < 0 || t.TokenChurn.IPs < 0 || t.RotatedTokens < 0 || t.TravelSpeedKmh < 0 || t.TravelMinKm < 0 {
		return fmt.Errorf("detect: thresholds: negative value")
	}
	if t.AppChallengeRatio < 0 || t.AppChallengeRatio > 1 {
		return fmt.Errorf("detect: app challenge ratio %g: want a share between 0 and 1", t.AppChallengeRatio)
	}
	if t.ADAgentSurgeRatio < 0 || t.ADAgentBaseline < 0 {
		return fmt.Errorf("detect: ad agent surge ratio %g over %s: want a positive ratio and duration", t.ADAgentSurgeRatio, t.ADAgentBaseline)
	}
	if t.PushSpamRatio < 0 || t.PushSpamRatio > 1 {
		return fmt.Errorf("detect: push spam ratio %g: want a share between 0 and 1", t.PushSpamRatio)
	}
	if p := strings.TrimSpace(c.DeviceNamePattern); p != "" {
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("detect: device name pattern %q: want a regular expression such as ^LT-[0-9]{6}$: %w", p, err)
		}
	}
	o := c.OfficeHours
	if o.Start < 0 || o.Start > 24 || o.End < 0 || o.End > 24 {
		return fmt.Errorf("detect: office hours %d–%d: want hours between 0 and 24", o.Start, o.End)
	}
	return nil
}

// parseProxy reads an address or a prefix.
func parseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// withDefaults returns c with every zero threshold and a zero OfficeHours
// replaced by the default.
func (c Config) withDefaults() Config {
	d := defaultThresholds()
	t := &c.Thresholds
	rate := func(r *Rate, def Rate) {
		if r.Count <= 0 {
			r.Count = def.Count
		}
		if r.Window <= 0 {
			r.Window = def.Window
		}
	}
	rate(&t.FailedBurst, d.FailedBurst)
	rate(&t.PushFatigue, d.PushFatigue)
	rate(&t.MFAFailures, d.MFAFailures)
	rate(&t.LockoutWave, d.LockoutWave)
	rate(&t.RepeatLockouts, d.RepeatLockouts)
	rate(&t.UnauthAppAccess, d.UnauthAppAccess)
	rate(&t.PasswordReveals, d.PasswordReveals)
	rate(&t.ADAgentSurge, d.ADAgentSurge)
	rate(&t.ConsoleDenied, d.ConsoleDenied)
	rate(&t.ConcurrentSessions, d.ConcurrentSessions)
	rate(&t.ResetFlood, d.ResetFlood)
	rate(&t.RateLimits, d.RateLimits)
	rate(&t.AppChanges, d.AppChanges)
	rate(&t.RapidSSO, d.RapidSSO)
	if t.Stuffing == (IPAttack{}) {
		t.Stuffing = d.Stuffing
	}
	if t.Spray == (IPAttack{}) {
		t.Spray = d.Spray
	}
	if t.ManyUsers == (IPAttack{}) {
		t.ManyUsers = d.ManyUsers
	}
	if t.MFAAbandonIP == (IPAttack{}) {
		t.MFAAbandonIP = d.MFAAbandonIP
	}
	if t.DistributedSpray == (Distributed{}) {
		t.DistributedSpray = d.DistributedSpray
	}
	num := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	dur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	flt := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	num(&t.SuccessFailures, d.SuccessFailures)
	num(&t.AttackUsers, d.AttackUsers)
	num(&t.TokenChurn.Tokens, d.TokenChurn.Tokens)
	num(&t.TokenChurn.IPs, d.TokenChurn.IPs)
	num(&t.RotatedTokens, d.RotatedTokens)
	dur(&t.SuccessWithin, d.SuccessWithin)
	dur(&t.AppsWithin, d.AppsWithin)
	flt(&t.TravelSpeedKmh, d.TravelSpeedKmh)
	flt(&t.TravelMinKm, d.TravelMinKm)
	dur(&t.TravelMinGap, d.TravelMinGap)
	dur(&t.PushAcceptWithin, d.PushAcceptWithin)
	dur(&t.ResetThenSignIn, d.ResetThenSignIn)
	dur(&t.NewIssuerWithin, d.NewIssuerWithin)
	dur(&t.ADAgentBaseline, d.ADAgentBaseline)
	flt(&t.ADAgentSurgeRatio, d.ADAgentSurgeRatio)
	dur(&t.PushCoalesce, d.PushCoalesce)
	num(&t.PushSpamPushes, d.PushSpamPushes)
	flt(&t.PushSpamRatio, d.PushSpamRatio)
	num(&t.SharedDeviceUsers, d.SharedDeviceUsers)
	num(&t.SharedTokenUsers, d.SharedTokenUsers)
	dur(&t.NewUserAdminWithin, d.NewUserAdminWithin)
	dur(&t.EnrolAfterSignIn, d.EnrolAfterSignIn)
	rate(&t.AppChallenges, d.AppChallenges)
	rate(&t.GeoSpread, d.GeoSpread)
	flt(&t.AppChallengeRatio, d.AppChallengeRatio)
	if c.FastPassBinaries == nil {
		c.FastPassBinaries = DefaultFastPassBinaries()
	}
	o := &c.OfficeHours
	if !o.Disabled && o.Start == 0 && o.End == 0 && len(o.Days) == 0 {
		loc := o.Location
		*o = defaultOfficeHours()
		o.Location = loc
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return c
}
