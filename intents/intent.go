package intents

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Intent is one request, parsed and validated: a kind and its arguments.
// In its JSON form keys are absent when empty.
type Intent struct {
	Kind       Kind              `json:"kind"`
	User       string            `json:"user,omitempty"`
	Group      string            `json:"group,omitempty"`
	App        string            `json:"app,omitempty"`
	Policy     string            `json:"policy,omitempty"`
	Rule       string            `json:"rule,omitempty"`
	PolicyType string            `json:"policy_type,omitempty"`
	Window     Duration          `json:"window,omitempty"`
	EventType  string            `json:"event_type,omitempty"`
	Outcome    string            `json:"outcome,omitempty"`
	Status     string            `json:"status,omitempty"`
	Query      string            `json:"query,omitempty"`
	Countries  []string          `json:"countries,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
	Body       json.RawMessage   `json:"body,omitempty"`
	Limit      int               `json:"limit,omitempty"`
	ID         string            `json:"id,omitempty"`
	// Since and Until bound a System Log window by the clock (RFC 3339 in
	// JSON), so that a button or a re-run reads the same window: Since is
	// its start (Window is then unset), Until its end (zero: now). A
	// Window with an Until is that long and ends at Until.
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// After is an opaque page cursor used by paging buttons; not part of the
	// slash grammar.
	After string `json:"after,omitempty"`
	// Suggestions accompany Kind Unknown: slash commands the person may have
	// meant.
	Suggestions []string `json:"suggestions,omitempty"`
}

// EffectiveWindow is the intent's window or, when unset, its kind's default.
func (in Intent) EffectiveWindow() time.Duration {
	if in.Window > 0 {
		return time.Duration(in.Window)
	}
	return time.Duration(in.Kind.Info().DefaultWindow)
}

// Bounded reports a window set by the clock (Since or Until) rather than
// only by its length back from now.
func (in Intent) Bounded() bool { return !in.Since.IsZero() || !in.Until.IsZero() }

// Span is the window [since, until) the intent reads when run at now:
// until is Until (no later than now) or now; since is Since, or the
// intent's window (EffectiveWindow) before until. Every System Log read
// takes its window from here.
func (in Intent) Span(now time.Time) (since, until time.Time) {
	until = now
	if !in.Until.IsZero() && in.Until.Before(now) {
		until = in.Until
	}
	if !in.Since.IsZero() {
		return in.Since, until
	}
	return until.Add(-in.EffectiveWindow()), until
}

// Duration is a time.Duration whose JSON and text form is a compact Go
// duration string ("24h", "90m", "1h30m") that time.ParseDuration reads.
type Duration time.Duration

// Common windows.
const (
	Day  = Duration(24 * time.Hour)
	Week = Duration(7 * 24 * time.Hour)
	// MaxWindow is how far back Okta keeps the System Log.
	MaxWindow = Duration(90 * 24 * time.Hour)
)

// String formats d compactly: whole hours as "48h", whole minutes as "90m",
// anything else as time.Duration does.
func (d Duration) String() string {
	td := time.Duration(d)
	switch {
	case td == 0:
		return "0s"
	case td%time.Hour == 0:
		return strconv.FormatInt(int64(td/time.Hour), 10) + "h"
	case td%time.Minute == 0 && td < time.Hour:
		return strconv.FormatInt(int64(td/time.Minute), 10) + "m"
	default:
		return td.String()
	}
}

// Human formats d for people: "24 hours", "7 days", "90 minutes".
func (d Duration) Human() string {
	td := time.Duration(d)
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case td >= 48*time.Hour && td%(24*time.Hour) == 0:
		return plural(int64(td/(24*time.Hour)), "day")
	case td >= time.Hour && td%time.Hour == 0:
		return plural(int64(td/time.Hour), "hour")
	case td%time.Minute == 0:
		return plural(int64(td/time.Minute), "minute")
	default:
		return td.String()
	}
}

// MarshalJSON writes the compact string form.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a duration string ("48h", "7d", "2w") or a number of
// nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("intents: window: %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := ParseWindow(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseWindow reads a time window: a Go duration ("48h", "90m", "1h30m") or
// a whole number of days or weeks ("7d", "2w"). It must be positive and no
// longer than MaxWindow.
func ParseWindow(s string) (Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var d time.Duration
	if n, unit, ok := SplitCount(s); ok && (unit == "d" || unit == "w") {
		days := n
		if unit == "w" {
			days = n * 7
		}
		if days > int64(MaxWindow/Day) {
			return 0, fmt.Errorf("%w: window %q is longer than the 90 days Okta keeps", ErrInvalid, s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		d, err = time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a time window (try 30m, 24h, 7d or 2w)", ErrInvalid, s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%w: window %q must be positive", ErrInvalid, s)
	}
	if Duration(d) > MaxWindow {
		return 0, fmt.Errorf("%w: window %q is longer than the 90 days Okta keeps", ErrInvalid, s)
	}
	return Duration(d), nil
}

// SplitCount splits "12d" into 12 and "d".
func SplitCount(s string) (int64, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) || i > 6 {
		return 0, "", false
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, "", false
	}
	return n, s[i:], true
}
