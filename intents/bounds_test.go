package intents_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

// bNow is the clock of the since:/until: tests: Wednesday 2 December 2026,
// 10:30 in Chicago (16:30 UTC).
var bNow = time.Date(2026, 12, 2, 16, 30, 0, 0, time.UTC)

func chicagoZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	return loc
}

// TestParseBounds: since: and until: bound a System Log window by the
// clock, dates and local times in the reader's zone.
func TestParseBounds(t *testing.T) {
	chicago := chicagoZone(t)
	local := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, chicago).UTC() }
	tests := []struct {
		text string
		want I
	}{
		{"/okta logs since:2026-11-30 until:2026-12-01", I{Kind: intents.Logs, Since: local(11, 30, 0, 0), Until: local(12, 1, 0, 0)}},
		{"/okta logs since:yesterday until:today", I{Kind: intents.Logs, Since: local(12, 1, 0, 0), Until: local(12, 2, 0, 0)}},
		{"/okta logs since:today", I{Kind: intents.Logs, Since: local(12, 2, 0, 0)}},
		{"/okta logs until:2h", I{Kind: intents.Logs, Until: bNow.Add(-2 * time.Hour)}},
		{"/okta logs 6h until:2h", I{Kind: intents.Logs, Window: hrs(6), Until: bNow.Add(-2 * time.Hour)}},
		{"/okta logs since:48h until:24h", I{Kind: intents.Logs, Since: bNow.Add(-48 * time.Hour), Until: bNow.Add(-24 * time.Hour)}},
		{"/okta logs since:48h", I{Kind: intents.Logs, Window: hrs(48)}},
		{"/okta logs since:2026-12-01T14:00", I{Kind: intents.Logs, Since: local(12, 1, 14, 0)}},
		{"/okta logs since:2026-12-01T14:00:30 until:2026-12-01T15:00", I{Kind: intents.Logs, Since: local(12, 1, 14, 0).Add(30 * time.Second), Until: local(12, 1, 15, 0)}},
		{"/okta logs since:2026-12-01T20:00:00Z", I{Kind: intents.Logs, Since: time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)}},
		{"/okta logs since:2026-12-01T08:00:00-06:00 until:2026-12-01T09:00:00.5-06:00", I{Kind: intents.Logs, Since: local(12, 1, 8, 0), Until: local(12, 1, 9, 0).Add(500 * time.Millisecond)}},
		{"/okta logs until:now", I{Kind: intents.Logs}},
		{"/okta logs until:2026-12-02T10:30:40", I{Kind: intents.Logs, Until: bNow.Add(40 * time.Second)}},
		{"/okta failed-logins user:john since:2026-11-30 until:2026-12-01", I{Kind: intents.FailedLogins, User: "john", Since: local(11, 30, 0, 0), Until: local(12, 1, 0, 0)}},
		{"/okta investigate john@company.com since:2026-11-30", I{Kind: intents.Investigate, User: "john@company.com", Since: local(11, 30, 0, 0)}},
		{"/okta threats until:1d", I{Kind: intents.Threats, Until: bNow.Add(-24 * time.Hour)}},
		{"/okta admin-actions SINCE:2026-11-30 Until:2026-12-01", I{Kind: intents.AdminActions, Since: local(11, 30, 0, 0), Until: local(12, 1, 0, 0)}},
	}
	for _, tt := range tests {
		got, err := intents.ParseIn(tt.text, intents.ReadOptions{Now: bNow, Location: chicago})
		if err != nil {
			t.Errorf("ParseIn(%q) error: %v", tt.text, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseIn(%q) (-want +got):\n%s", tt.text, diff)
		}
		// What the bot writes back (a suggestion, a button) reads the same.
		back, err := intents.ParseIn(intents.SlashCommand(got), intents.ReadOptions{Now: bNow, Location: chicago})
		if err != nil || !cmp.Equal(got, back) {
			t.Errorf("ParseIn(SlashCommand(%+v)) = %q: %+v, %v; want it back", got, intents.SlashCommand(got), back, err)
		}
	}
}

// TestParseBoundsErrors: a bad since: or until: is refused with what to
// do, and nothing else of the command is kept.
func TestParseBoundsErrors(t *testing.T) {
	chicago := chicagoZone(t)
	tests := []struct {
		text string
		want string
	}{
		{"/okta logs until:tomorrow", `until:tomorrow is not a time: give a date (2026-11-30), a date and time (2026-11-30T14:00, in America/Chicago`},
		{"/okta logs since:2026-13-01", "since:2026-13-01 is not a time"},
		{"/okta logs until:2026-12-05", "until: 2026-12-05 00:00 CST is in the future; give an end up to now, or leave until: out"},
		{"/okta logs until:2026-12-02T10:32", "until: 2026-12-02 10:32 CST is in the future"},
		{"/okta logs since:2026-12-05", "since: 2026-12-05 00:00 CST is in the future"},
		{"/okta logs since:2026-12-01 until:2026-11-30", "until: 2026-11-30 00:00 CST is not after the window's start, 2026-12-01 00:00 CST"},
		{"/okta logs since:2026-12-01 until:2026-12-01", "is not after the window's start"},
		{"/okta logs since:2026-08-01", "the window starts 2026-08-01 00:00 CDT, more than 90 days ago: Okta keeps the System Log for 90 days"},
		{"/okta logs until:2026-08-01", "until: 2026-08-01 00:00 CDT is more than 90 days ago"},
		{"/okta logs 90d until:2h", "more than 90 days ago"},
		{"/okta logs until:91d", "until: window \"91d\" is longer than the 90 days Okta keeps"},
		{"/okta logs 24h since:2026-11-30", "give the window once"},
		{"/okta logs since:2026-11-30 24h", "give the window once"},
		{"/okta logs since:2026-11-30 since:2026-11-29", "since is given twice"},
		{"/okta logs until:2h until:1h", "until is given twice"},
		{"/okta logs until:", "until: needs a value"},
		{"/okta users until:2h", "users does not take until:"},
		{"/okta suspend john@company.com until:2h", "suspend does not take until:"},
	}
	for _, tt := range tests {
		got, err := intents.ParseIn(tt.text, intents.ReadOptions{Now: bNow, Location: chicago})
		if !errors.Is(err, intents.ErrInvalid) {
			t.Errorf("ParseIn(%q) = %+v, %v; want ErrInvalid", tt.text, got, err)
			continue
		}
		if e, _ := intents.AsError(err); e == nil || !strings.Contains(e.Detail, tt.want) {
			t.Errorf("ParseIn(%q) error %v, want it to say %q", tt.text, err, tt.want)
		}
		if !cmp.Equal(I{}, got) {
			t.Errorf("ParseIn(%q) returned a half-parsed intent %+v with its error", tt.text, got)
		}
	}
}

// TestLogsOptionsListUntil: the keys a System Log kind takes include
// since: and until:.
func TestLogsOptionsListUntil(t *testing.T) {
	_, err := intents.Parse("/okta logs bogus:1")
	if e, _ := intents.AsError(err); e == nil || !strings.Contains(e.Detail, "window: since: until:") {
		t.Errorf("Parse(logs bogus:1) error %v, want the accepted keys to list window: since: until:", err)
	}
}

// TestBoundsFromModelAndForms: a model's tool call and a re-checked intent
// carry since and until through the same checks.
func TestBoundsFromModelAndForms(t *testing.T) {
	since := time.Now().UTC().Add(-30 * time.Hour).Truncate(time.Second)
	until := since.Add(24 * time.Hour)
	args, _ := json.Marshal(map[string]string{"since": since.Format(time.RFC3339), "until": until.Format(time.RFC3339)})
	in, err := intents.FromArgs(intents.FailedLogins, args)
	if err != nil || !in.Since.Equal(since) || !in.Until.Equal(until) {
		t.Errorf("FromArgs(failed_logins, %s) = %+v, %v; want since %v until %v", args, in, err, since, until)
	}
	bad, _ := json.Marshal(map[string]string{"since": until.Format(time.RFC3339), "until": since.Format(time.RFC3339)})
	if in, err := intents.FromArgs(intents.FailedLogins, bad); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("FromArgs(failed_logins, %s) = %+v, %v; want ErrInvalid (ends before it starts)", bad, in, err)
	}
	n, err := (I{Kind: intents.Logs, Since: since, Until: until}).Normalize()
	if err != nil || !n.Since.Equal(since) || !n.Until.Equal(until) {
		t.Errorf("Normalize(logs since until) = %+v, %v; want the bounds kept", n, err)
	}
	if err := (I{Kind: intents.Logs, Window: hrs(2), Since: since}).Validate(); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("Validate(logs window and since) = %v, want ErrInvalid", err)
	}
	if err := (I{Kind: intents.ListUsers, Until: until}).Validate(); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("Validate(users until) = %v, want ErrInvalid", err)
	}
}

// TestIntentSpan: the window a read covers, from the intent and the clock.
func TestIntentSpan(t *testing.T) {
	d := func(h int) time.Time { return bNow.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name         string
		in           I
		since, until time.Time
	}{
		{"the kind's default", I{Kind: intents.Logs}, d(-24), bNow},
		{"a length", I{Kind: intents.Investigate, Window: hrs(3)}, d(-3), bNow},
		{"a start", I{Kind: intents.Logs, Since: d(-30)}, d(-30), bNow},
		{"a start and an end", I{Kind: intents.Logs, Since: d(-30), Until: d(-6)}, d(-30), d(-6)},
		{"a length and an end", I{Kind: intents.Logs, Window: hrs(2), Until: d(-6)}, d(-8), d(-6)},
		{"an end in the next minute is now", I{Kind: intents.Logs, Since: d(-1), Until: bNow.Add(30 * time.Second)}, d(-1), bNow},
	}
	for _, tt := range tests {
		since, until := tt.in.Span(bNow)
		if !since.Equal(tt.since) || !until.Equal(tt.until) {
			t.Errorf("%s: Span = [%v, %v), want [%v, %v)", tt.name, since, until, tt.since, tt.until)
		}
	}
}

// I is short for intents.Intent in test tables.
type I = intents.Intent

// hrs is n hours as a window.
func hrs(n int) intents.Duration { return intents.Duration(time.Duration(n) * time.Hour) }
