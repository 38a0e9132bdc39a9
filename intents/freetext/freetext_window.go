package freetext

import (
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file reads time windows from free text. A window is either a
// duration back from now, or bounded by the clock: a start, and an end
// when the words name one. Days are calendar days in the reader's zone
// (ReadOptions.Location; UTC by default), starting at local midnight
// exactly:
//
//	"last 24 hours", "past 48h", "24hrs", "in the last 3 days"  24h, 48h, 72h back from now
//	"past week", "last week", "last month", "last quarter"     7d, 30d, 90d back from now
//	"today", "this morning"                                     from 00:00 today to now
//	"yesterday"                                                 00:00 yesterday to 00:00 today
//	"since yesterday"                                           from 00:00 yesterday to now
//	"on Monday", "Monday"                                       that whole day: the latest Monday (today so far if it is Monday)
//	"last Monday"                                               the whole Monday before today
//	"since Monday", "from Monday", "since last Monday"          from 00:00 that Monday to now
//	"this week", "this month"                                   from Monday, the 1st, to now
//	"over the weekend", "last weekend"                          00:00 Saturday to 00:00 Monday (to now while it lasts)
//	"last night", "overnight"                                   18:00 yesterday to 06:00 today (to now before 06:00)
//	"since Monday 9am", "since yesterday at 5:30pm"             from that day at that time to now
//	"since 8am", "since noon"                                   from that time today (yesterday if still to come)
//	"since Monday morning", "since yesterday evening"           the day's start: a part of a day is no clock time
//	"since 2026-11-20", "since Nov 20"                          from 00:00 that day to now
//	"on 2026-11-20", "on Nov 20"                                that whole day
//
// A day's end is the next day's midnight, so across a change to or from
// daylight saving time a day may be 23 or 25 hours long.

// window is a time window found in free text.
type window struct {
	text         string    // for ParseWindow: "48h", "7d"; "" when bounded
	since, until time.Time // a bounded window: its start, and its end (zero: now)
	from, to     int       // the tokens [from, to) it spans
	err          error     // a date in the future
}

// setArgs puts the window in a draft's arguments: its length, or its
// bounds as since: and until:.
func (w window) setArgs(a *intents.Draft) {
	if w.text != "" {
		a.Set(intents.ArgWindow, w.text)
		return
	}
	a.Set(intents.ArgSince, intents.BoundText(w.since))
	if !w.until.IsZero() {
		a.Set(intents.ArgUntil, intents.BoundText(w.until))
	}
}

// read is the window alone as kind k's arguments, checked at now.
func (w window) read(k intents.Kind, now time.Time) (intents.Intent, error) {
	var a intents.Draft
	w.setArgs(&a)
	return intents.BuildWindow(k, a, now)
}

// timeUnits maps unit words to a ParseWindow unit and a multiplier.
var timeUnits = map[string]struct {
	unit string
	mult int64
}{
	"m": {"m", 1}, "min": {"m", 1}, "mins": {"m", 1}, "minute": {"m", 1}, "minutes": {"m", 1},
	"h": {"h", 1}, "hr": {"h", 1}, "hrs": {"h", 1}, "hour": {"h", 1}, "hours": {"h", 1},
	"d": {"d", 1}, "day": {"d", 1}, "days": {"d", 1},
	"w": {"w", 1}, "wk": {"w", 1}, "wks": {"w", 1}, "week": {"w", 1}, "weeks": {"w", 1},
	"fortnight": {"d", 14}, "fortnights": {"d", 14},
	"mo": {"d", 30}, "month": {"d", 30}, "months": {"d", 30},
	"quarter": {"d", 90}, "quarters": {"d", 90},
	"year": {"d", 365}, "years": {"d", 365}, "yr": {"d", 365}, "yrs": {"d", 365},
}

var numberWords = map[string]int64{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
	"twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90, "couple": 2,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "tues": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

var months = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// windowLead are the words that may stand before a window and belong to it.
func windowLead(w string) bool {
	switch w {
	case "last", "past", "previous", "prior", "the", "in", "over", "within", "for", "during", "since", "from", "of":
		return true
	}
	return false
}

// findWindow returns the first time window in toks. Days start at midnight
// in now's location.
func findWindow(toks []tok, now time.Time) (window, bool) {
	for i := range toks {
		if toks[i].quoted {
			continue
		}
		w, ok := windowAt(toks, i, now)
		if !ok {
			continue
		}
		for w.from > 0 && w.from > i-3 && windowLead(toks[w.from-1].norm) && !toks[w.from-1].sep && !toks[w.from-1].quoted {
			w.from--
		}
		if w.to < len(toks) && toks[w.to].norm == "ago" {
			w.to++
		}
		return w, true
	}
	return window{}, false
}

// windowAt reads a window whose core starts at toks[i].
func windowAt(toks []tok, i int, now time.Time) (window, bool) {
	t := toks[i]
	at := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].quoted {
			return ""
		}
		return toks[k].norm
	}
	prev := at(i - 1)
	if i > 0 && toks[i-1].sep {
		prev = ""
	}
	w := window{from: i, to: i + 1}
	switch {
	case t.shape == shapeWord && intents.DurationShaped(t.low):
		w.text = t.low
		return w, true
	case t.shape == shapeWord:
		if n, unit, ok := gluedCount(t.low); ok {
			w.text = countText(n, unit)
			return w, true
		}
	}
	if n, ok := countAt(toks, i); ok {
		j := i + 1
		if at(j) == "of" || (t.low == "couple" && at(j) == "of") {
			j++
		}
		if u, ok := timeUnits[at(j)]; ok && !toks[j-1].sep {
			w.to = j + 1
			w.text = countText(n*u.mult, u.unit)
			return w, true
		}
	}
	if t.norm == "half" && (at(i+1) == "hour" || at(i+1) == "an" && at(i+2) == "hour") {
		w.to = i + 2
		if at(i+1) == "an" {
			w.to++
		}
		w.text = "30m"
		return w, true
	}
	loc := now.Location()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	// open is the window from start to now; days the whole days from
	// start (up to now while they last).
	open := func(start time.Time, to int) (window, bool) {
		w.to, w.since = to, start
		if h, m, next, ok := clockAt(toks, to); ok {
			w.to, w.since = next, time.Date(start.Year(), start.Month(), start.Day(), h, m, 0, 0, loc)
		} else if to < len(toks) && !toks[to-1].sep && partOfDay(toks[to].norm) {
			w.to++ // "since Monday morning"
		}
		return w, true
	}
	days := func(start time.Time, n, to int) (window, bool) {
		w.to, w.since = to, start
		if end := start.AddDate(0, 0, n); !end.After(now) {
			w.until = end
		}
		return w, true
	}
	prevWord := func(k int) string { // the word before a "last" at i-1
		if k < 0 || toks[k].sep {
			return ""
		}
		return at(k)
	}
	if prev == "since" || prev == "from" {
		if h, m, next, ok := clockAt(toks, i); ok {
			start := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
			if start.After(now) {
				start = start.AddDate(0, 0, -1)
			}
			w.to, w.since = next, start
			return w, true
		}
	}
	// night is 18:00 yesterday to 06:00 today, or to now before then.
	night := func(to int) (window, bool) {
		w.to, w.since = to, time.Date(day.Year(), day.Month(), day.Day()-1, 18, 0, 0, 0, loc)
		if end := time.Date(day.Year(), day.Month(), day.Day(), 6, 0, 0, 0, loc); !end.After(now) {
			w.until = end
		}
		return w, true
	}
	switch t.norm {
	case "overnight":
		return night(i + 1)
	case "night":
		if prev == "last" {
			w.from = i - 1
			return night(i + 1)
		}
		return window{}, false
	case "today", "tonight":
		return open(day, i+1)
	case "yesterday":
		if prev == "since" || prev == "from" {
			return open(day.AddDate(0, 0, -1), i+1)
		}
		return days(day.AddDate(0, 0, -1), 1, i+1)
	case "hour", "day", "week", "month", "fortnight", "quarter", "year", "weekend", "morning":
		switch prev {
		case "last", "past", "previous", "prior":
			if t.norm == "weekend" {
				w.from = i - 1
				return days(lastWeekday(day, time.Saturday, false), 2, i+1)
			}
			if t.norm == "morning" {
				return window{}, false
			}
			u := timeUnits[t.norm]
			w.from = i - 1
			w.text = countText(u.mult, u.unit)
			return w, true
		case "this", "the":
			w.from = i - 1
			switch t.norm {
			case "morning", "day":
				return open(day, i+1)
			case "week":
				return open(lastWeekday(day, time.Monday, true), i+1)
			case "weekend":
				return days(lastWeekday(day, time.Saturday, true), 2, i+1)
			case "month":
				return open(time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc), i+1)
			case "year":
				return open(time.Date(day.Year(), 1, 1, 0, 0, 0, 0, loc), i+1)
			}
		}
		return window{}, false
	}
	if wd, ok := weekdays[t.norm]; ok && (len(t.norm) > 3 || prev == "since" || prev == "last") {
		switch prev {
		case "last":
			w.from = i - 1
			if before := prevWord(i - 2); before == "since" || before == "from" {
				return open(lastWeekday(day, wd, false), i+1)
			}
			return days(lastWeekday(day, wd, false), 1, i+1)
		case "since", "from":
			return open(lastWeekday(day, wd, true), i+1)
		case "on", "":
			return days(lastWeekday(day, wd, true), 1, i+1)
		}
		return window{}, false
	}
	if prev == "since" || prev == "on" || prev == "from" {
		if start, to, ok := dateAt(toks, i, now); ok {
			if start.After(now) {
				w.err = intents.Invalid("%s is in the future; give a day in the last 90 days", start.Format("2006-01-02"))
				w.to = to
				return w, true
			}
			if prev == "on" {
				return days(start, 1, to)
			}
			return open(start, to)
		}
	}
	return window{}, false
}

// countAt reads a count at toks[i]: digits or a number word.
func countAt(toks []tok, i int) (int64, bool) {
	t := toks[i]
	if t.quoted {
		return 0, false
	}
	if t.shape == shapeNumber {
		n, err := strconv.ParseInt(t.low, 10, 64)
		return n, err == nil
	}
	n, ok := numberWords[t.norm]
	return n, ok
}

// gluedCount splits "24hrs" or "3days" into 24 and h.
func gluedCount(w string) (int64, string, bool) {
	n, unit, ok := intents.SplitCount(w)
	if !ok {
		return 0, "", false
	}
	u, ok := timeUnits[unit]
	if !ok {
		return 0, "", false
	}
	return n * u.mult, u.unit, true
}

// countText writes n units for ParseWindow.
func countText(n int64, unit string) string {
	return strconv.FormatInt(n, 10) + unit
}

// lastWeekday is 00:00 on the latest day wd on or before day (orToday) or
// strictly before it.
func lastWeekday(day time.Time, wd time.Weekday, orToday bool) time.Time {
	back := (int(day.Weekday()) - int(wd) + 7) % 7
	if back == 0 && !orToday {
		back = 7
	}
	return day.AddDate(0, 0, -back)
}

// dateAt reads a date at toks[i]: 2026-11-20, "Nov 20", "20 November",
// "November 20th, 2026". A date without a year is the latest such day. The
// day starts at midnight in now's location.
func dateAt(toks []tok, i int, now time.Time) (time.Time, int, bool) {
	t := toks[i]
	if d, err := time.ParseInLocation("2006-01-02", t.low, now.Location()); err == nil {
		return d, i + 1, true
	}
	dayNum := func(k int) (int, bool) {
		if k >= len(toks) {
			return 0, false
		}
		s := strings.TrimRight(toks[k].low, "stndrh")
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 1 && n <= 31 && len(s) <= 2
	}
	var m time.Month
	var d, next int
	if mm, ok := months[t.low]; ok {
		n, ok := dayNum(i + 1)
		if !ok {
			return time.Time{}, 0, false
		}
		m, d, next = mm, n, i+2
	} else if n, ok := dayNum(i); ok && i+1 < len(toks) {
		mm, ok := months[toks[i+1].low]
		if !ok {
			return time.Time{}, 0, false
		}
		m, d, next = mm, n, i+2
	} else {
		return time.Time{}, 0, false
	}
	year := now.Year()
	if next < len(toks) && toks[next].shape == shapeNumber && len(toks[next].low) == 4 {
		year, _ = strconv.Atoi(toks[next].low)
		next++
	} else if time.Date(year, m, d, 0, 0, 0, 0, now.Location()).After(now) {
		year--
	}
	return time.Date(year, m, d, 0, 0, 0, 0, now.Location()), next, true
}

// partOfDay reports the words for a part of a day ("since Monday morning").
func partOfDay(w string) bool {
	switch w {
	case "morning", "afternoon", "evening", "night":
		return true
	}
	return false
}

// clockAt reads a time of day at toks[i]: "9am", "9 am", "9:30", "09:30",
// "5:30pm", "at 9am", "noon", "midnight". It returns the hour and minute
// and the token after the time.
func clockAt(toks []tok, i int) (h, m, next int, ok bool) {
	if i < len(toks) && toks[i].low == "at" && !toks[i].sep && !toks[i].quoted {
		i++
	}
	if i >= len(toks) || toks[i].quoted {
		return 0, 0, 0, false
	}
	switch toks[i].low {
	case "noon", "midday":
		return 12, 0, i + 1, true
	case "midnight":
		return 0, 0, i + 1, true
	}
	s, next := toks[i].low, i+1
	suffix := ""
	for _, ap := range []string{"am", "pm"} {
		if b, ok := strings.CutSuffix(s, ap); ok && b != "" {
			s, suffix = b, ap
		}
	}
	if suffix == "" && next < len(toks) && !toks[i].sep && (toks[next].low == "am" || toks[next].low == "pm") {
		suffix, next = toks[next].low, next+1
	}
	hs, ms, colon := strings.Cut(s, ":")
	if !colon && suffix == "" {
		return 0, 0, 0, false // "since 9" is no time
	}
	h, err := strconv.Atoi(hs)
	if err != nil || len(hs) > 2 || h > 23 {
		return 0, 0, 0, false
	}
	if colon {
		if m, err = strconv.Atoi(ms); err != nil || len(ms) != 2 || m > 59 {
			return 0, 0, 0, false
		}
	}
	switch suffix {
	case "am", "pm":
		if h < 1 || h > 12 {
			return 0, 0, 0, false
		}
		h %= 12
		if suffix == "pm" {
			h += 12
		}
	}
	return h, m, next, true
}
