package intents

import (
	"strings"
	"time"
)

// This file reads since: and until:, the start and end of a System Log
// window by the clock, and checks a window against the clock: it ends
// after it starts, not in the future, and within the 90 days Okta keeps.
//
//	since:48h              the last 48 hours (as a bare 48h)
//	since:2026-11-30       from 00:00 that day, in the reader's zone
//	since:2026-11-30T14:00 from 14:00 that day, in the reader's zone
//	since:2026-11-30T20:00:00Z, since:2026-11-30T14:00-06:00  as written
//	since:today, since:yesterday                          00:00 that day
//	until:2h               up to 2 hours ago (a time, like since's)
//	until:now              up to now (as no until:)
//
// A date alone as until: ends the window at the start of that day:
// since:2026-11-30 until:2026-12-01 is 30 November. A window with an
// until: and no start is the window's length (given, or the kind's
// default) before it.

// clockSlack is how far in the future an end may lie: clocks disagree a
// little.
const clockSlack = time.Minute

// clock is the parser's present: ParseIn's, else the real one in UTC.
func (ps *parser) clock() time.Time {
	if ps.now.IsZero() {
		return time.Now().UTC()
	}
	return ps.now
}

// setBound reads since: or until:.
func (ps *parser) setBound(a Arg, val string) error {
	now := ps.clock()
	if a == ArgSince {
		if ps.set[ArgWindow] {
			return Invalid("give the window once: either its length or since:")
		}
		if DurationShaped(val) {
			d, err := validWindow(val)
			if err != nil {
				return err
			}
			ps.in.Window, ps.sinceAgo = d, true
			ps.set[ArgWindow] = true
			return nil
		}
	}
	t, err := readTime(a, val, now)
	if err != nil {
		return err
	}
	if a == ArgSince {
		ps.in.Since = t.UTC()
	} else if !strings.EqualFold(val, "now") {
		ps.in.Until = t.UTC()
	}
	return nil
}

// readTime reads the time since: or until: gives (see the top of the
// file); days and local times are in now's zone.
func readTime(a Arg, val string, now time.Time) (time.Time, error) {
	loc := now.Location()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	switch strings.ToLower(val) {
	case "now":
		return now, nil
	case "today":
		return day, nil
	case "yesterday":
		return day.AddDate(0, 0, -1), nil
	}
	if DurationShaped(val) {
		d, err := ParseWindow(val)
		if err != nil {
			return time.Time{}, Invalid("%s: %s", a, strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
		}
		return now.Add(-time.Duration(d)), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, val); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, val, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, Invalid("%s:%s is not a time: give a date (2026-11-30), a date and time (2026-11-30T14:00, in %s, or ending in Z or an offset such as -06:00) or how long ago (2h, 3d)",
		a, Excerpt(val), loc)
}

// checkWindow checks the window the arguments give against the clock, once
// they are all read, and settles since:48h with an until: into a start.
func (ps *parser) checkWindow() error {
	in := &ps.in
	if !in.Bounded() {
		return nil // a length alone: ParseWindow checked it
	}
	now := ps.clock()
	if ps.sinceAgo {
		in.Since, in.Window = now.Add(-time.Duration(in.Window)).UTC(), 0
		ps.sinceAgo = false
	}
	at := func(t time.Time) string { return t.In(now.Location()).Format("2006-01-02 15:04 MST") }
	oldest := now.Add(-time.Duration(MaxWindow))
	switch {
	case !in.Since.IsZero() && in.Since.After(now):
		return Invalid("since: %s is in the future; give a start in the last 90 days", at(in.Since))
	case !in.Until.IsZero() && in.Until.After(now.Add(clockSlack)):
		return Invalid("until: %s is in the future; give an end up to now, or leave until: out to read up to now", at(in.Until))
	case !in.Until.IsZero() && in.Until.Before(oldest):
		return Invalid("until: %s is more than 90 days ago: Okta keeps the System Log for 90 days", at(in.Until))
	}
	since, until := in.Span(now)
	switch {
	case !until.After(since):
		return Invalid("until: %s is not after the window's start, %s: give an end after the start", at(until), at(since))
	case since.Before(oldest):
		return Invalid("the window starts %s, more than 90 days ago: Okta keeps the System Log for 90 days; give a later since: or a shorter window", at(since))
	}
	return nil
}

// BoundText writes a window's start or end for since: and until: (and a
// draft's arguments): RFC 3339 in UTC, which Parse reads back exactly.
func BoundText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
