package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDefaultThresholds pins every default to its source (see Thresholds).
func TestDefaultThresholds(t *testing.T) {
	want := Thresholds{
		FailedBurst:        Rate{10, 30 * time.Minute},
		Stuffing:           IPAttack{Users: 15, Tries: 25, MaxPerUser: 2, Window: 15 * time.Minute},
		Spray:              IPAttack{Users: 5, Tries: 10, MinPerUser: 2, MaxPerUser: 8, MinSpan: 5 * time.Minute, Window: time.Hour},
		ManyUsers:          IPAttack{Users: 10, Window: 5 * time.Minute},
		SuccessFailures:    5,
		SuccessWithin:      3 * time.Hour,
		AttackUsers:        5,
		AppsWithin:         time.Hour,
		TravelSpeedKmh:     900,
		TravelMinKm:        50,
		TravelMinGap:       10 * time.Minute,
		GeoSpread:          Rate{Count: 3, Window: 3 * time.Hour},
		PushFatigue:        Rate{5, 10 * time.Minute},
		MFAAbandonIP:       IPAttack{Users: 6, Window: time.Hour},
		PushAcceptWithin:   15 * time.Minute,
		MFAFailures:        Rate{10, 5 * time.Minute},
		LockoutWave:        Rate{6, 5 * time.Minute},
		RepeatLockouts:     Rate{3, 3 * time.Hour},
		TokenChurn:         Churn{Tokens: 4, IPs: 2},
		RotatedTokens:      5,
		ResetThenSignIn:    12 * time.Hour,
		UnauthAppAccess:    Rate{3, time.Hour},
		NewIssuerWithin:    5 * 24 * time.Hour,
		PasswordReveals:    Rate{3, time.Hour},
		ADAgentSurge:       Rate{30, time.Hour},
		ADAgentSurgeRatio:  5,
		ADAgentBaseline:    6 * time.Hour,
		DistributedSpray:   Distributed{IPs: 5, Users: 8, Tries: 25, MaxPerUser: 5, Window: 15 * time.Minute},
		PushCoalesce:       2 * time.Second,
		PushSpamPushes:     3,
		PushSpamRatio:      0.5,
		SharedDeviceUsers:  2,
		SharedTokenUsers:   3,
		ConsoleDenied:      Rate{3, time.Hour},
		ConcurrentSessions: Rate{3, time.Hour},
		ResetFlood:         Rate{5, time.Hour},
		RateLimits:         Rate{10, time.Hour},
		AppChanges:         Rate{5, time.Hour},
		RapidSSO:           Rate{10, time.Minute},
		NewUserAdminWithin: 24 * time.Hour,
		EnrolAfterSignIn:   time.Hour,
		AppChallenges:      Rate{Count: 3, Window: time.Hour},
		AppChallengeRatio:  0.5,
	}
	c := DefaultConfig()
	if diff := cmp.Diff(want, c.Thresholds); diff != "" {
		t.Errorf("DefaultConfig().Thresholds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Russia", "China", "North Korea", "Iran", "Belarus", "Syria", "Cuba", "Venezuela"}, c.SuspiciousCountries); diff != "" {
		t.Errorf("DefaultConfig().SuspiciousCountries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, Config{}.withDefaults().Thresholds); diff != "" {
		t.Errorf("Config{}.withDefaults().Thresholds (-want +got):\n%s", diff)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("DefaultConfig().Validate() = %v", err)
	}
}

func TestZeroConfigDetects(t *testing.T) {
	var l orgLog
	repeat(&l, 12, 0, time.Minute, signIn, failure("INVALID_CREDENTIALS"))
	if fs := Run(Config{}, l.events); len(project(fs, FailedLoginBurst)) != 1 {
		t.Errorf("Run(Config{}, 12 failures) = %s, want a failed_login_burst", dump(fs))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string // "" : valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"an IP and a prefix", func(c *Config) { c.ProxyIPs = []string{"185.220.101.1", "2001:db8::/32"} }, ""},
		{"a bad proxy", func(c *Config) { c.ProxyIPs = []string{"tor-exit"} }, `detect: proxy ip "tor-exit"`},
		{"a bad prefix", func(c *Config) { c.ProxyIPs = []string{"10.0.0.0/99"} }, `detect: proxy ip "10.0.0.0/99"`},
		{"an empty country", func(c *Config) { c.SuspiciousCountries = []string{"Russia", " "} }, "detect: suspicious countries"},
		{"a negative burst", func(c *Config) { c.Thresholds.FailedBurst.Count = -1 }, "detect: failed burst threshold"},
		{"office hours past 24", func(c *Config) { c.OfficeHours.End = 25 }, "detect: office hours"},
		{"a push spam ratio past 1", func(c *Config) { c.Thresholds.PushSpamRatio = 1.5 }, "detect: push spam ratio"},
		{"a device name pattern", func(c *Config) { c.DeviceNamePattern = `^LT-[0-9]{6}$` }, ""},
		{"a bad device name pattern", func(c *Config) { c.DeviceNamePattern = `^LT-(` }, `detect: device name pattern "^LT-("`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.change(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
				t.Errorf("Validate() = %v, want an error starting %q", err, tc.want)
			}
		})
	}
}

func TestOffHours(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	tests := []struct {
		name  string
		hours OfficeHours
		at    time.Time
		want  bool
	}{
		{"Tuesday 14:00 UTC", OfficeHours{}, t0, false},
		{"Tuesday 07:59 UTC", OfficeHours{}, t0.Add(-6*time.Hour - time.Minute), true},
		{"Tuesday 18:00 UTC", OfficeHours{}, t0.Add(4 * time.Hour), true},
		{"Sunday 14:00 UTC", OfficeHours{}, t0.Add(-48 * time.Hour), true},
		{"disabled", OfficeHours{Disabled: true}, t0.Add(-48 * time.Hour), false},
		{"New York: 14:00 UTC is 09:00", OfficeHours{Start: 9, End: 17, Days: []time.Weekday{time.Tuesday}, Location: ny}, t0, false},
		{"New York: 13:00 UTC is 08:00", OfficeHours{Start: 9, End: 17, Days: []time.Weekday{time.Tuesday}, Location: ny}, t0.Add(-time.Hour), true},
		{"a night shift 22–06", OfficeHours{Start: 22, End: 6, Days: []time.Weekday{time.Tuesday}}, t0.Add(-11 * time.Hour), false},
		{"a night shift at noon", OfficeHours{Start: 22, End: 6, Days: []time.Weekday{time.Tuesday}}, t0.Add(-2 * time.Hour), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			c.OfficeHours = tc.hours
			tl := newTimeline(c, nil)
			if got := tl.offHours(tc.at); got != tc.want {
				t.Errorf("offHours(%s) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}
