package intents_test

import (
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
