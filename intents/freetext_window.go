package intents

import (
	"strconv"
	"strings"
	"time"
)

// This file reads time windows from free text. A window is a duration back
// from now, so phrases that name a starting point become the time since
// that point, in the reader's zone (ReadOptions.Location; UTC by default),
// rounded up to a whole hour (at least one hour):
//
//	"last 24 hours", "past 48h", "24hrs", "in the last 3 days"  24h, 48h, 72h
//	"past week", "last month", "last quarter"                   7d, 30d, 90d
//	"today", "this morning"                                     since local midnight today
//	"yesterday", "since yesterday"                              since local midnight yesterday
//	"since Monday", "on Monday"                                 since 00:00 on the latest Monday (today if it is Monday)
//	"last Monday"                                               since 00:00 on the Monday before today
//	"this week", "this month", "over the weekend"               since Monday, the 1st, Saturday
//	"since 2026-11-20", "since Nov 20"                          since 00:00 that day
//
// "yesterday" therefore also covers today so far: the System Log query has
// no end time. The rounding may add up to an hour before the starting point.
// Days are calendar days in the zone, so across a change to or from
// daylight saving time "today" may be 23 or 25 hours long.

// window is a time window found in free text.
type window struct {
	text     string // for ParseWindow: "48h", "7d"
	from, to int    // the tokens [from, to) it spans
	err      error  // a date in the future
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
	case t.shape == shapeWord && durationShaped(t.low):
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
	since := func(start time.Time, to int) (window, bool) {
		w.to = to
		w.text = sinceText(now, start)
		return w, true
	}
	switch t.norm {
	case "today", "tonight":
		return since(day, i+1)
	case "yesterday":
		return since(day.AddDate(0, 0, -1), i+1)
	case "hour", "day", "week", "month", "fortnight", "quarter", "year", "weekend", "morning":
		switch prev {
		case "last", "past", "previous", "prior":
			if t.norm == "weekend" {
				return since(lastWeekday(day, time.Saturday, false), i+1)
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
				return since(day, i+1)
			case "week":
				return since(lastWeekday(day, time.Monday, true), i+1)
			case "weekend":
				return since(lastWeekday(day, time.Saturday, true), i+1)
			case "month":
				return since(time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc), i+1)
			case "year":
				return since(time.Date(day.Year(), 1, 1, 0, 0, 0, 0, loc), i+1)
			}
		}
		return window{}, false
	}
	if wd, ok := weekdays[t.norm]; ok && (len(t.norm) > 3 || prev == "since" || prev == "last") {
		switch prev {
		case "last":
			w.from = i - 1
			return since(lastWeekday(day, wd, false), i+1)
		case "since", "on", "from", "":
			return since(lastWeekday(day, wd, true), i+1)
		}
		return window{}, false
	}
	if prev == "since" || prev == "on" || prev == "from" {
		if start, to, ok := dateAt(toks, i, now); ok {
			if start.After(now) {
				w.err = invalid("%s is in the future; give a day in the last 90 days", start.Format("2006-01-02"))
				w.to = to
				return w, true
			}
			return since(start, to)
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
	n, unit, ok := splitCount(w)
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

// sinceText is the window from start to now, rounded up to whole hours.
func sinceText(now, start time.Time) string {
	d := now.Sub(start)
	if r := d % time.Hour; r != 0 {
		d += time.Hour - r
	}
	if d < time.Hour {
		d = time.Hour
	}
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
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
