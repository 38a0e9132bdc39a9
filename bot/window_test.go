package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// Windows as the team lives them, through the whole bot: the real okta
// adapter against the simulator, the real Socket Mode client against the
// fake Slack, the team in America/Chicago and the real clock.

// johnOrg is an org of one user, john, and no events.
func johnOrg() *oktasim.Fixture {
	return &oktasim.Fixture{Users: []oktasim.Object{{
		"id": "00u1john", "status": "ACTIVE",
		"profile": map[string]any{"login": "john@company.com", "email": "john@company.com", "firstName": "John", "lastName": "Doe"},
	}}}
}

// signIn is a failed sign-in of john at t from ip, as Okta logs it.
func signIn(uuid string, t time.Time, ip string) oktasim.Object {
	type O = oktasim.Object
	return O{
		"uuid": uuid, "published": t.UTC().Format("2006-01-02T15:04:05.000Z"), "eventType": "user.session.start",
		"displayMessage": "User login to Okta", "severity": "INFO",
		"actor":   O{"id": "00u1john", "type": "User", "alternateId": "john@company.com", "displayName": "John Doe"},
		"outcome": O{"result": "FAILURE", "reason": "INVALID_CREDENTIALS"},
		"client": O{"ipAddress": ip, "zone": "null", "device": "Computer",
			"userAgent":           O{"rawUserAgent": "Mozilla/5.0", "browser": "CHROME", "os": "Mac OS X"},
			"geographicalContext": O{"city": "Austin", "country": "United States"}},
	}
}

// stamp is how an answer's fallback text writes t in loc.
func stamp(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02 15:04 MST") }

// TestYesterdayAndTodayInChicago: with OKTABOT_TZ=America/Chicago,
// "yesterday" is Central midnight to Central midnight — nothing of today
// is listed — and "today" starts at Central midnight exactly, not an hour
// before; the same window typed as since:/until: dates reads the same; the
// answers print the exact window in Central time in their fallback text.
func TestYesterdayAndTodayInChicago(t *testing.T) {
	chicago := chicagoZone(t)
	h := newHarness(t, harnessOpts{fixture: johnOrg(), cfg: bot.Config{Location: chicago}})
	now := time.Now().In(chicago)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, chicago)
	yesterday := today.AddDate(0, 0, -1)
	// One failed sign-in from each address, at the edges of the days.
	probes := []struct {
		ip        string
		at        time.Time
		yesterday bool // in yesterday's window
		today     bool // in today's
	}{
		{"198.51.100.21", yesterday.Add(-time.Second), false, false},
		{"198.51.100.32", yesterday, true, false},
		{"198.51.100.43", today.Add(-time.Millisecond), true, false},
		{"198.51.100.54", today, false, true},
		{"198.51.100.65", today.Add(now.Sub(today) / 2), false, true},
	}
	for i, p := range probes {
		if err := h.sim.AddLogs(signIn(fmt.Sprintf("probe-%d", i), p.at, p.ip)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, text string
		mention    bool
		title      string
		inToday    bool
		window     string // the coverage line's window
	}{
		{"logs yesterday", "show me the logs yesterday", true, "System Log", false, stamp(yesterday, chicago) + " → " + stamp(today, chicago)},
		{"failed logins yesterday", "failed logins yesterday", true, "Failed sign-ins", false, stamp(yesterday, chicago) + " → " + stamp(today, chicago)},
		{"slash dates", "logs since:" + yesterday.Format("2006-01-02") + " until:" + today.Format("2006-01-02"), false, "System Log", false,
			stamp(yesterday, chicago) + " → " + stamp(today, chicago)},
		{"logs today", "show me the logs today", true, "System Log", true, stamp(today, chicago) + " → "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(h.slack.Messages())
			if tt.mention {
				if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: tt.text}); err != nil {
					t.Fatal(err)
				}
			} else {
				send(t, h, analyst, secChannel, tt.text)
			}
			m := waitAfter(t, h, n, "the answer to "+tt.text, func(m slackfake.Message) bool { return !m.Ephemeral && has(m, tt.title) })
			for _, p := range probes {
				want := p.yesterday
				if tt.inToday {
					want = p.today
				}
				if got := has(m, p.ip); got != want {
					t.Errorf("%q lists the sign-in of %s (from %s): %v, want %v", tt.text, stamp(p.at, chicago)+fmt.Sprintf(" +%dms", p.at.Nanosecond()/1e6), p.ip, got, want)
				}
			}
			if plain := plainOf(t, m); !strings.Contains(plain, tt.window) {
				t.Errorf("%q does not show its window %q:\n%s", tt.text, tt.window, plain)
			}
			if has(m, " UTC") || !has(m, " "+now.Format("MST")) && !has(m, " "+yesterday.Format("MST")) {
				t.Errorf("%q does not print Central times in its fallback text", tt.text)
			}
			if t.Failed() {
				t.Logf("the answer:\n%s", dump([]slackfake.Message{m}))
			}
		})
	}
}

// TestBadUntilChangesNothing: a bad since: or until: is answered privately
// with what to do, and nothing is read from Okta or posted.
func TestBadUntilChangesNothing(t *testing.T) {
	chicago := chicagoZone(t)
	h := newHarness(t, harnessOpts{fixture: johnOrg(), cfg: bot.Config{Location: chicago}, store: true})
	tomorrow := time.Now().In(chicago).AddDate(0, 0, 1).Format("2006-01-02")
	old := time.Now().In(chicago).AddDate(0, 0, -100).Format("2006-01-02")
	yesterday := time.Now().In(chicago).AddDate(0, 0, -1).Format("2006-01-02")
	tests := []struct{ text, want string }{
		{"logs until:someday", "until:someday is not a time"},
		{"failed-logins until:" + tomorrow, "is in the future; give an end up to now"},
		{"logs since:" + yesterday + " until:" + yesterday + "T00:00", "is not after the window's start"},
		{"threats until:" + old, "more than 90 days ago: Okta keeps the System Log for 90 days"},
		{"investigate john@company.com since:" + old, "more than 90 days ago"},
		{"users until:2h", "users does not take until:"},
	}
	for _, tt := range tests {
		reads, writes, n := h.sim.Calls("GET", "/api/v1/logs"), h.oktaWrites(), len(h.slack.Messages())
		send(t, h, analyst, secChannel, tt.text)
		h.refusal(t, analyst, n, tt.want)
		for _, m := range h.slack.Messages()[n:] {
			if !m.Ephemeral {
				t.Errorf("%q posted to the channel: %s", tt.text, dump([]slackfake.Message{m}))
			}
		}
		if got := h.sim.Calls("GET", "/api/v1/logs") - reads; got != 0 {
			t.Errorf("%q read the System Log %d times", tt.text, got)
		}
		h.unchanged(t, tt.text, writes)
	}
}

// TestCappedReadIsIncompleteInSlack: an answer whose window holds more
// events than one answer reads — a listing of failed sign-ins — says the
// read was incomplete and why, and shows no check mark. The threat sweep,
// which streams its window through the detections instead of holding it,
// reads past that bound and finds the failures behind the newest 30
// sign-ins.
func TestCappedReadIsIncompleteInSlack(t *testing.T) {
	h := newHarness(t, harnessOpts{fixture: johnOrg(), okta: func(c *okta.Config) { c.MaxEventsRead = 10 }})
	now := time.Now()
	for i := range 60 {
		// The newest 30 are ordinary sign-ins; the 30 before them failed.
		ev := signIn(fmt.Sprintf("ev-%02d", i), now.Add(-time.Duration(i+1)*time.Minute), "203.0.113.9")
		if i < 30 {
			ev["outcome"] = oktasim.Object{"result": "SUCCESS"}
		}
		if err := h.sim.AddLogs(ev); err != nil {
			t.Fatal(err)
		}
	}
	n := len(h.slack.Messages())
	send(t, h, analyst, secChannel, "threats 24h")
	m := waitAfter(t, h, n, "the sweep", func(m slackfake.Message) bool { return !m.Ephemeral && has(m, "read") })
	if plain := plainOf(t, m); strings.Contains(plain, "incomplete") || !strings.Contains(plain, "failed sign-ins") {
		t.Errorf("threats 24h: the sweep stopped at the bound or missed the failures behind the newest sign-ins:\n%s", plain)
	}
	for _, text := range []string{"failed-logins 24h"} {
		n := len(h.slack.Messages())
		send(t, h, analyst, secChannel, text)
		m := waitAfter(t, h, n, "the answer to "+text, func(m slackfake.Message) bool { return !m.Ephemeral && has(m, "read") })
		plain := plainOf(t, m)
		if strings.Contains(plain, "✅") || has(m, ":white_check_mark:") {
			t.Errorf("%s: a check mark over a read that stopped at 10 events:\n%s", text, plain)
		}
		for _, want := range []string{"⚠️ incomplete", "The read stopped at 10 events, the most one answer reads"} {
			if !strings.Contains(plain, want) {
				t.Errorf("%s: the answer lacks %q:\n%s", text, want, plain)
			}
		}
	}
}

func chicagoZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	return loc
}

// TestSlashDaysInThePersonsZone: with per-person zones, the days of
// since: and until: typed in a slash command are the person's own, also
// the first time the bot hears from them (before Slack has said their
// zone); a Slack zone that does not load leaves the team's zone (someone
// Slack does not know is not answered at all: access_test.go).
func TestSlashDaysInThePersonsZone(t *testing.T) {
	chicago := chicagoZone(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	seen := make(chan intents.Intent, 4)
	h := newHarness(t, harnessOpts{fixture: johnOrg(), cfg: bot.Config{Location: chicago, LocationPerUser: true},
		wrap: func(d bot.Directory) bot.Directory { return seenIntents{d, seen} }})
	paris, err := time.LoadLocation("Europe/Paris") // the fake Slack's zone of people it gives none
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	day := time.Now().In(tokyo).AddDate(0, 0, -1)
	for _, tt := range []struct {
		user string
		loc  *time.Location
	}{{"U0TOKYO", tokyo}, {"U0TOKYO", tokyo}, {analyst, paris}, {"U0NOZONE", chicago}} {
		send(t, h, tt.user, secChannel, "logs since:"+day.Format("2006-01-02"))
		var in intents.Intent
		select {
		case in = <-seen:
		case <-h.waitCtx(15 * time.Second).Done():
			t.Fatalf("the bot asked Okta nothing:\n%s", dump(h.slack.Messages()))
		}
		if want := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, tt.loc); !in.Since.Equal(want) {
			t.Errorf("%s: since:%s read as %v, want %v", tt.user, day.Format("2006-01-02"), in.Since, want)
		}
	}
}
