package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/detect"
)

// timeConfig is the team's time: the zone answers print times in and read
// "today" in, whether each person's own Slack zone wins, and the office
// hours, judged in the zone.
type timeConfig struct {
	Zone    *time.Location
	PerUser bool
	// Office is nil when OKTABOT_OFFICE_HOURS is unset (the detections'
	// default hours apply).
	Office *detect.OfficeHours
}

// loadTime reads OKTABOT_TZ, OKTABOT_TZ_PER_USER and OKTABOT_OFFICE_HOURS.
func loadTime(e env) (timeConfig, error) {
	tc := timeConfig{Zone: time.UTC}
	if s := e.get("OKTABOT_TZ"); s != "" {
		loc, err := time.LoadLocation(s)
		if err != nil || strings.EqualFold(s, "local") {
			return tc, badf("OKTABOT_TZ %q is not an IANA time zone name: use one such as America/Chicago, Europe/Berlin or UTC", s)
		}
		tc.Zone = loc
	}
	var err error
	if tc.PerUser, err = boolVar(e, "OKTABOT_TZ_PER_USER", false); err != nil {
		return tc, err
	}
	if s := e.get("OKTABOT_OFFICE_HOURS"); s != "" {
		o, ok := parseOfficeHours(s)
		if !ok {
			return tc, badf("OKTABOT_OFFICE_HOURS %q: use days and whole hours in OKTABOT_TZ, e.g. Mon-Fri 08:00-18:00 (or Mon,Wed 09-17; off for none)", s)
		}
		tc.Office = &o
	}
	return tc, nil
}

// parseOfficeHours reads "Mon-Fri 08:00-18:00", "Sun-Thu 9-17",
// "Mon,Tue,Thu 08:00-16:00" or "off". Hours are whole; an end before the
// start wraps past midnight; 24:00 is the end of the day.
func parseOfficeHours(s string) (detect.OfficeHours, bool) {
	if strings.EqualFold(s, "off") || strings.EqualFold(s, "none") {
		return detect.OfficeHours{Disabled: true}, true
	}
	f := strings.Fields(s)
	if len(f) != 2 {
		return detect.OfficeHours{}, false
	}
	var o detect.OfficeHours
	for _, part := range strings.Split(f[0], ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := weekday(lo)
		if !ok {
			return o, false
		}
		b := a
		if isRange {
			if b, ok = weekday(hi); !ok {
				return o, false
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			o.Days = append(o.Days, d)
			if d == b {
				break
			}
		}
	}
	lo, hi, ok := strings.Cut(f[1], "-")
	if !ok {
		return o, false
	}
	var ok1, ok2 bool
	o.Start, ok1 = wholeHour(lo)
	o.End, ok2 = wholeHour(hi)
	return o, ok1 && ok2 && o.Start < 24 && o.Start != o.End
}

func weekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if strings.HasPrefix(name, s) {
			return d, true
		}
	}
	return 0, false
}

// wholeHour reads "08:00", "8" or "24:00" as an hour of the day.
func wholeHour(s string) (int, bool) {
	h, m, hasMin := strings.Cut(s, ":")
	if hasMin && m != "00" {
		return 0, false
	}
	n, err := strconv.Atoi(h)
	if err != nil || len(h) > 2 || n < 0 || n > 24 {
		return 0, false
	}
	return n, true
}

// apply sets the office hours and their zone in the detections'
// configuration.
func (tc timeConfig) apply(dc *detect.Config) {
	if tc.Office != nil {
		dc.OfficeHours = *tc.Office
	}
	dc.OfficeHours.Location = tc.Zone
}
