package freetext_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// TestUnderstandWindows checks the time windows of free text against
// several clocks: a length back from now, or a window bounded by the
// clock, whose days start at midnight exactly (UTC here) and whose
// "yesterday" ends at midnight.
func TestUnderstandWindows(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, time.UTC) }
	monday9 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	midnight := day(11, 25)
	sunday := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	nov3 := time.Date(2026, 11, 3, 6, 0, 0, 0, time.UTC)
	jan2 := time.Date(2027, 1, 2, 10, 0, 0, 0, time.UTC)
	inBerlin := time.Date(2026, 11, 25, 15, 30, 0, 0, time.FixedZone("CET", 3600)) // 14:30 UTC
	berlinDay := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.FixedZone("CET", 3600)).UTC() }
	tests := []struct {
		name         string
		text         string
		now          time.Time
		want         intents.Duration // a length back from now, or
		since, until time.Time        // the bounds (until zero: up to now)
	}{
		{"last 24 hours", "logs in the last 24 hours", ftNow, hrs(24), zero, zero},
		{"24hrs glued", "logs 24hrs", ftNow, hrs(24), zero, zero},
		{"48 hrs", "logs past 48 hrs", ftNow, hrs(48), zero, zero},
		{"bare duration", "logs 36h", ftNow, hrs(36), zero, zero},
		{"go duration", "logs last 1h30m", ftNow, intents.Duration(90 * time.Minute), zero, zero},
		{"minutes", "logs in the past 90 minutes", ftNow, intents.Duration(90 * time.Minute), zero, zero},
		{"half an hour", "logs for the last half an hour", ftNow, intents.Duration(30 * time.Minute), zero, zero},
		{"past hour", "logs past hour", ftNow, hrs(1), zero, zero},
		{"an hour", "logs in the last an hour", ftNow, hrs(1), zero, zero},
		{"number word", "logs in the past two days", ftNow, hrs(48), zero, zero},
		{"couple of days", "logs for the last couple of days", ftNow, hrs(48), zero, zero},
		{"past week", "logs past week", ftNow, hrs(168), zero, zero},
		{"last week", "logs last week", ftNow, hrs(168), zero, zero},
		{"two weeks", "logs in the past 2 weeks", ftNow, hrs(336), zero, zero},
		{"fortnight", "logs past fortnight", ftNow, hrs(336), zero, zero},
		{"month", "logs last month", ftNow, hrs(720), zero, zero},
		{"quarter", "logs in the last quarter", ftNow, hrs(2160), zero, zero},
		{"ago", "logs since 3 days ago", ftNow, hrs(72), zero, zero},
		{"today", "logs today", ftNow, 0, day(11, 25), zero},
		{"today just after midnight", "logs today", midnight.Add(10 * time.Minute), 0, midnight, zero},
		{"yesterday", "logs yesterday", ftNow, 0, day(11, 24), day(11, 25)},
		{"since yesterday", "logs since yesterday", ftNow, 0, day(11, 24), zero},
		{"yesterday at midnight", "logs yesterday", midnight, 0, day(11, 24), midnight},
		{"this morning", "logs this morning", ftNow, 0, day(11, 25), zero},
		{"since monday on wednesday", "logs since Monday", ftNow, 0, day(11, 23), zero},
		{"since monday on monday", "logs since Monday", monday9, 0, day(11, 23), zero},
		{"since last monday on monday", "logs since last Monday", monday9, 0, day(11, 16), zero},
		{"last monday on wednesday", "logs last monday", ftNow, 0, day(11, 23), day(11, 24)},
		{"on monday on wednesday", "logs on Monday", ftNow, 0, day(11, 23), day(11, 24)},
		{"weekday first", "monday logs", ftNow, 0, day(11, 23), day(11, 24)},
		{"on monday on monday", "logs on Monday", monday9, 0, day(11, 23), zero},
		{"since sunday on monday", "logs since sunday", monday9, 0, day(11, 22), zero},
		{"short weekday", "logs since fri", ftNow, 0, day(11, 20), zero},
		{"this week on sunday", "logs this week", sunday, 0, day(11, 23), zero},
		{"this week on monday", "logs this week", monday9, 0, day(11, 23), zero},
		{"over the weekend", "logs over the weekend", monday9, 0, day(11, 21), day(11, 23)},
		{"over the weekend on sunday", "logs over the weekend", sunday, 0, day(11, 28), zero},
		{"last weekend", "logs last weekend", monday9, 0, day(11, 21), day(11, 23)},
		{"this month", "logs this month", nov3, 0, day(11, 1), zero},
		{"iso date", "logs since 2026-11-20", ftNow, 0, day(11, 20), zero},
		{"on an iso date", "logs on 2026-11-20", ftNow, 0, day(11, 20), day(11, 21)},
		{"month day", "logs since Nov 20", ftNow, 0, day(11, 20), zero},
		{"on month day", "logs on Nov 20", ftNow, 0, day(11, 20), day(11, 21)},
		{"day month", "logs since 20 November", ftNow, 0, day(11, 20), zero},
		{"ordinal", "logs since November 20th", ftNow, 0, day(11, 20), zero},
		{"date of last year", "logs since Dec 30", jan2, 0, time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC), zero},
		{"in the past fortnight", "logs in the past fortnight", ftNow, hrs(336), zero, zero},
		{"last night", "logs last night", ftNow, 0, at(11, 24, 18, 0), at(11, 25, 6, 0)},
		{"last night before 6am", "logs last night", at(11, 25, 3, 0), 0, at(11, 24, 18, 0), zero},
		{"overnight", "logs overnight", ftNow, 0, at(11, 24, 18, 0), at(11, 25, 6, 0)},
		{"since monday 9am", "logs since Monday 9am", ftNow, 0, at(11, 23, 9, 0), zero},
		{"since monday at 9 am", "logs since monday at 9 am", ftNow, 0, at(11, 23, 9, 0), zero},
		{"since yesterday at 5:30pm", "logs since yesterday at 5:30pm", ftNow, 0, at(11, 24, 17, 30), zero},
		{"since a 24-hour time", "logs since yesterday 17:30", ftNow, 0, at(11, 24, 17, 30), zero},
		{"since 8am", "logs since 8am", ftNow, 0, at(11, 25, 8, 0), zero},
		{"since 8pm, still to come today", "logs since 8pm", ftNow, 0, at(11, 24, 20, 0), zero},
		{"since noon", "logs since noon", ftNow, 0, at(11, 25, 12, 0), zero},
		{"since monday morning", "logs since Monday morning", ftNow, 0, day(11, 23), zero},
		{"since 12am", "logs since 12am", ftNow, 0, day(11, 25), zero},
		{"since 12pm", "logs since 12pm", ftNow, 0, at(11, 25, 12, 0), zero},
		{"clock in another zone: days in UTC", "logs yesterday", inBerlin, 0, day(11, 24), day(11, 25)},
		{"another zone read in it", "logs yesterday", inBerlin, 0, berlinDay(24), berlinDay(25)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.Understand(tt.text, tt.now)
			if strings.HasPrefix(tt.name, "another zone") {
				got, err = freetext.UnderstandIn(tt.text, intents.ReadOptions{Now: tt.now, Location: tt.now.Location()})
			}
			if err != nil {
				t.Fatalf("Understand(%q, %v) error: %v", tt.text, tt.now, err)
			}
			if got.Kind != intents.Logs || got.Window != tt.want || !got.Since.Equal(tt.since) || !got.Until.Equal(tt.until) {
				t.Errorf("Understand(%q, %v) = %s window %v since %v until %v, want logs window %v since %v until %v",
					tt.text, tt.now, got.Kind, got.Window, got.Since, got.Until, tt.want, tt.since, tt.until)
			}
		})
	}
}

var zero time.Time

// TestUnderstandWindowsInZone reads day-named windows in America/Chicago:
// "today" starts at Central midnight exactly, not UTC midnight and not
// rounded to an hour, on ordinary days, late in the evening (when UTC is
// already tomorrow) and on the days daylight saving time starts and ends
// (23- and 25-hour days); "yesterday" ends at Central midnight.
func TestUnderstandWindowsInZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, chicago) }
	tests := []struct {
		name         string
		text         string
		now          time.Time
		since, until time.Time // until zero: up to now
	}{
		{"today mid-morning", "logs today", at(2026, 11, 25, 10, 30), at(2026, 11, 25, 0, 0), zero},
		{"today just after midnight", "logs today", at(2026, 11, 25, 0, 10), at(2026, 11, 25, 0, 0), zero},
		{"today late evening, UTC already tomorrow", "logs today", at(2026, 11, 24, 23, 30), at(2026, 11, 24, 0, 0), zero},
		{"today when DST ended at 02:00", "logs today", at(2026, 11, 1, 10, 0), at(2026, 11, 1, 0, 0), zero},
		{"today when DST started at 02:00", "logs today", at(2026, 3, 8, 10, 0), at(2026, 3, 8, 0, 0), zero},
		{"yesterday", "logs yesterday", at(2026, 11, 25, 10, 30), at(2026, 11, 24, 0, 0), at(2026, 11, 25, 0, 0)},
		{"yesterday late evening, UTC already tomorrow", "logs yesterday", at(2026, 11, 24, 23, 30), at(2026, 11, 23, 0, 0), at(2026, 11, 24, 0, 0)},
		{"yesterday across the DST end: 25 hours", "logs yesterday", at(2026, 11, 2, 6, 0), at(2026, 11, 1, 0, 0), at(2026, 11, 2, 0, 0)},
		{"since monday late sunday", "logs since Monday", at(2026, 11, 29, 23, 0), at(2026, 11, 23, 0, 0), zero},
		{"this month on the 1st evening", "logs this month", at(2026, 12, 1, 20, 0), at(2026, 12, 1, 0, 0), zero},
		{"since a date", "logs since 2026-11-20", at(2026, 11, 21, 1, 0), at(2026, 11, 20, 0, 0), zero},
		{"on a date", "logs on 2026-11-20", at(2026, 11, 21, 1, 0), at(2026, 11, 20, 0, 0), at(2026, 11, 21, 0, 0)},
		{"this week", "logs this week", at(2026, 11, 25, 10, 30), at(2026, 11, 23, 0, 0), zero},
		{"since yesterday", "logs since yesterday", at(2026, 11, 25, 10, 30), at(2026, 11, 24, 0, 0), zero},
		{"over the weekend", "logs over the weekend", at(2026, 11, 23, 9, 0), at(2026, 11, 21, 0, 0), at(2026, 11, 23, 0, 0)},
		{"last night", "logs last night", at(2026, 11, 25, 10, 30), at(2026, 11, 24, 18, 0), at(2026, 11, 25, 6, 0)},
		{"last night across the DST end: 13 hours", "logs last night", at(2026, 11, 1, 10, 0), at(2026, 10, 31, 18, 0), at(2026, 11, 1, 6, 0)},
		{"since monday 9am", "logs since Monday 9am", at(2026, 11, 25, 10, 30), at(2026, 11, 23, 9, 0), zero},
		{"since sunday 9am across the DST end", "logs since Sunday 9am", at(2026, 11, 2, 10, 0), at(2026, 11, 1, 9, 0), zero},
		{"since 8am, UTC already tomorrow", "logs since 8am", at(2026, 11, 24, 23, 30), at(2026, 11, 24, 8, 0), zero},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := freetext.UnderstandIn(tt.text, intents.ReadOptions{Now: tt.now.UTC(), Location: chicago})
			if err != nil {
				t.Fatalf("UnderstandIn(%q, %v) error: %v", tt.text, tt.now, err)
			}
			if got.Kind != intents.Logs || got.Window != 0 || !got.Since.Equal(tt.since) || !got.Until.Equal(tt.until) {
				t.Errorf("UnderstandIn(%q, %v) = %s window %v since %v until %v, want logs since %v until %v",
					tt.text, tt.now, got.Kind, got.Window, got.Since.In(chicago), got.Until.In(chicago), tt.since, tt.until)
			}
			since, until := got.Span(tt.now)
			wantUntil := tt.until
			if wantUntil.IsZero() {
				wantUntil = tt.now
			}
			if !since.Equal(tt.since) || !until.Equal(wantUntil) {
				t.Errorf("Span(%v) = [%v, %v), want [%v, %v)", tt.now, since.In(chicago), until.In(chicago), tt.since, wantUntil)
			}
		})
	}
}

// TestRulesZone: the rules read days in the zone the context carries, else
// in their own Location, else in UTC.
func TestRulesZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	now := time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC) // 10:30 in Chicago
	tests := []struct {
		name string
		r    freetext.Rules
		ctx  context.Context
		want time.Time
	}{
		{"utc by default", freetext.Rules{Now: func() time.Time { return now }}, context.Background(), time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
		{"own location", freetext.Rules{Now: func() time.Time { return now }, Location: chicago}, context.Background(), time.Date(2026, 11, 25, 0, 0, 0, 0, chicago)},
		{"the person's zone wins", freetext.Rules{Now: func() time.Time { return now }, Location: time.UTC},
			intents.WithLocation(context.Background(), chicago), time.Date(2026, 11, 25, 0, 0, 0, 0, chicago)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Classify(tt.ctx, "show me the logs today")
			if err != nil {
				t.Fatal(err)
			}
			if !got.Since.Equal(tt.want) || got.Window != 0 || !got.Until.IsZero() {
				t.Errorf("window %v since %v until %v, want since %v", got.Window, got.Since, got.Until, tt.want)
			}
		})
	}
}
