package bot

import (
	"testing"
	"time"
)

func TestNextDigest(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	for _, c := range []struct {
		now  time.Time
		at   time.Duration
		want time.Time
	}{
		{time.Date(2026, 12, 2, 8, 0, 0, 0, ny), 9 * time.Hour, time.Date(2026, 12, 2, 9, 0, 0, 0, ny)},
		{time.Date(2026, 12, 2, 9, 0, 0, 0, ny), 9 * time.Hour, time.Date(2026, 12, 3, 9, 0, 0, 0, ny)},
		{time.Date(2026, 12, 2, 23, 0, 0, 0, ny), 24 * time.Hour, time.Date(2026, 12, 3, 0, 0, 0, 0, ny)},
		// the day clocks go forward: 09:00 is still 09:00 local
		{time.Date(2026, 3, 8, 1, 0, 0, 0, ny), 9 * time.Hour, time.Date(2026, 3, 8, 9, 0, 0, 0, ny)},
	} {
		if got := nextDigest(c.now, c.at, ny); !got.Equal(c.want) {
			t.Errorf("nextDigest(%v, %v) = %v, want %v", c.now, c.at, got, c.want)
		}
	}
}
