package intents_test

import (
	"context"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// TestUnderstandWindows checks the time windows of free text against
// several clocks: a window that names a starting point is the time since
// it, in UTC, rounded up to a whole hour.
func TestUnderstandWindows(t *testing.T) {
	monday9 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	midnight := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	sunday := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	nov3 := time.Date(2026, 11, 3, 6, 0, 0, 0, time.UTC)
	jan2 := time.Date(2027, 1, 2, 10, 0, 0, 0, time.UTC)
	inBerlin := time.Date(2026, 11, 25, 15, 30, 0, 0, time.FixedZone("CET", 3600)) // 14:30 UTC
	tests := []struct {
		name string
		text string
		now  time.Time
		want intents.Duration
	}{
		{"last 24 hours", "logs in the last 24 hours", ftNow, hrs(24)},
		{"24hrs glued", "logs 24hrs", ftNow, hrs(24)},
		{"48 hrs", "logs past 48 hrs", ftNow, hrs(48)},
		{"bare duration", "logs 36h", ftNow, hrs(36)},
		{"go duration", "logs last 1h30m", ftNow, intents.Duration(90 * time.Minute)},
		{"minutes", "logs in the past 90 minutes", ftNow, intents.Duration(90 * time.Minute)},
		{"half an hour", "logs for the last half an hour", ftNow, intents.Duration(30 * time.Minute)},
		{"past hour", "logs past hour", ftNow, hrs(1)},
		{"an hour", "logs in the last an hour", ftNow, hrs(1)},
		{"number word", "logs in the past two days", ftNow, hrs(48)},
		{"couple of days", "logs for the last couple of days", ftNow, hrs(48)},
		{"past week", "logs past week", ftNow, hrs(168)},
		{"last week", "logs last week", ftNow, hrs(168)},
		{"two weeks", "logs in the past 2 weeks", ftNow, hrs(336)},
		{"fortnight", "logs past fortnight", ftNow, hrs(336)},
		{"month", "logs last month", ftNow, hrs(720)},
		{"quarter", "logs in the last quarter", ftNow, hrs(2160)},
		{"ago", "logs since 3 days ago", ftNow, hrs(72)},
		{"today", "logs today", ftNow, hrs(15)},
		{"today just after midnight", "logs today", midnight.Add(10 * time.Minute), hrs(1)},
		{"today at midnight", "logs today", midnight, hrs(1)},
		{"yesterday", "logs yesterday", ftNow, hrs(39)},
		{"since yesterday", "logs since yesterday", ftNow, hrs(39)},
		{"yesterday at midnight", "logs yesterday", midnight, hrs(24)},
		{"this morning", "logs this morning", ftNow, hrs(15)},
		{"since monday on wednesday", "logs since Monday", ftNow, hrs(63)},
		{"since monday on monday", "logs since Monday", monday9, hrs(9)},
		{"since last monday on monday", "logs since last Monday", monday9, hrs(177)},
		{"last monday on wednesday", "logs last monday", ftNow, hrs(63)},
		{"since sunday on monday", "logs since sunday", monday9, hrs(33)},
		{"short weekday", "logs since fri", ftNow, hrs(135)},
		{"this week on sunday", "logs this week", sunday, hrs(156)},
		{"this week on monday", "logs this week", monday9, hrs(9)},
		{"over the weekend", "logs over the weekend", monday9, hrs(57)},
		{"last weekend", "logs last weekend", monday9, hrs(57)},
		{"this month", "logs this month", nov3, hrs(54)},
		{"iso date", "logs since 2026-11-20", ftNow, hrs(135)},
		{"month day", "logs since Nov 20", ftNow, hrs(135)},
		{"day month", "logs since 20 November", ftNow, hrs(135)},
		{"ordinal", "logs since November 20th", ftNow, hrs(135)},
		{"date of last year", "logs since Dec 30", jan2, hrs(82)},
		{"clock in another zone", "logs yesterday", inBerlin, hrs(39)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := intents.Understand(tt.text, tt.now)
			if err != nil {
				t.Fatalf("Understand(%q, %v) error: %v", tt.text, tt.now, err)
			}
			if got.Kind != intents.Logs || got.Window != tt.want {
				t.Errorf("Understand(%q, %v) = %s window %v, want logs window %v", tt.text, tt.now, got.Kind, got.Window, tt.want)
			}
		})
	}
}

// TestUnderstandWindowsInZone reads day-named windows in America/Chicago:
// "today" starts at Central midnight, not UTC midnight, on ordinary days,
// late in the evening (when UTC is already tomorrow) and on the days
// daylight saving time starts and ends (23- and 25-hour days).
func TestUnderstandWindowsInZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, chicago) }
	tests := []struct {
		name  string
		text  string
		now   time.Time
		want  intents.Duration
		start time.Time // the local midnight the window must reach back to
	}{
		{"today mid-morning", "logs today", at(2026, 11, 25, 10, 30), hrs(11), at(2026, 11, 25, 0, 0)},
		{"today just after midnight", "logs today", at(2026, 11, 25, 0, 10), hrs(1), at(2026, 11, 25, 0, 0)},
		{"today late evening, UTC already tomorrow", "logs today", at(2026, 11, 24, 23, 30), hrs(24), at(2026, 11, 24, 0, 0)},
		{"today when DST ended at 02:00", "logs today", at(2026, 11, 1, 10, 0), hrs(11), at(2026, 11, 1, 0, 0)},
		{"today when DST started at 02:00", "logs today", at(2026, 3, 8, 10, 0), hrs(9), at(2026, 3, 8, 0, 0)},
		{"yesterday across the DST end", "logs yesterday", at(2026, 11, 2, 6, 0), hrs(31), at(2026, 11, 1, 0, 0)},
		{"since monday late sunday", "logs since Monday", at(2026, 11, 29, 23, 0), hrs(167), at(2026, 11, 23, 0, 0)},
		{"this month on the 1st evening", "logs this month", at(2026, 12, 1, 20, 0), hrs(20), at(2026, 12, 1, 0, 0)},
		{"since a date", "logs since 2026-11-20", at(2026, 11, 21, 1, 0), hrs(25), at(2026, 11, 20, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := intents.UnderstandIn(tt.text, intents.ReadOptions{Now: tt.now.UTC(), Location: chicago})
			if err != nil {
				t.Fatalf("UnderstandIn(%q, %v) error: %v", tt.text, tt.now, err)
			}
			if got.Kind != intents.Logs || got.Window != tt.want {
				t.Errorf("UnderstandIn(%q, %v) = %s window %v, want logs window %v", tt.text, tt.now, got.Kind, got.Window, tt.want)
			}
			from := tt.now.Add(-time.Duration(got.Window))
			if from.After(tt.start) || !from.After(tt.start.Add(-time.Hour)) {
				t.Errorf("window starts %v, want at most an hour before %v", from.In(chicago), tt.start)
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
		r    intents.Rules
		ctx  context.Context
		want intents.Duration
	}{
		{"utc by default", intents.Rules{Now: func() time.Time { return now }}, context.Background(), hrs(17)},
		{"own location", intents.Rules{Now: func() time.Time { return now }, Location: chicago}, context.Background(), hrs(11)},
		{"the person's zone wins", intents.Rules{Now: func() time.Time { return now }, Location: time.UTC},
			intents.WithLocation(context.Background(), chicago), hrs(11)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Classify(tt.ctx, "show me the logs today")
			if err != nil {
				t.Fatal(err)
			}
			if got.Window != tt.want {
				t.Errorf("window %v, want %v", got.Window, tt.want)
			}
		})
	}
}
