package blocks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The page buttons of a System Log listing carry its window's cursor, and
// a page of that window is not called a continued listing.
func TestPagerCarriesWindow(t *testing.T) {
	until := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	r := intents.Result{Intent: intents.Intent{Kind: intents.Logs}, Since: until.Add(-24 * time.Hour), Until: until, Window: "c1.window"}
	for i := range 25 {
		r.Events = append(r.Events, intents.Event{UUID: fmt.Sprint(i), EventType: "user.session.start", Published: until.Add(-time.Duration(i) * time.Minute)})
	}
	for _, tt := range []struct {
		after     string
		page      int
		continued bool
	}{{"", 1, false}, {"c1.window", 2, false}, {"c1.other", 1, true}} {
		r.Intent.After = tt.after
		m := Result(r, Options{Page: tt.page})
		b, _ := json.Marshal(m.Blocks)
		n := 0
		for _, id := range []string{ActionPrev, ActionNext, ActionExport} {
			v := buttonValue(t, b, id)
			if v == "" {
				continue
			}
			n++
			in, _, err := DecodePageValue(v)
			want := tt.after
			if want == "" {
				want = r.Window
			}
			if err != nil || in.After != want {
				t.Errorf("after %q: the %s button's query After = %q (%v), want %q", tt.after, id, in.After, err, want)
			}
		}
		if n < 2 {
			t.Errorf("after %q page %d: %d page buttons, want at least ▶ Next and Export", tt.after, tt.page, n)
		}
		if got := strings.Contains(string(b), "continued listing"); got != tt.continued {
			t.Errorf("after %q: says continued listing: %v, want %v", tt.after, got, tt.continued)
		}
	}
}

// buttonValue finds the value of the button with action id in encoded blocks.
func buttonValue(t *testing.T, blocks []byte, id string) string {
	t.Helper()
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == id {
				return e.Value
			}
		}
	}
	return ""
}

// backFromNow is a window said as a length back from now.
var backFromNow = regexp.MustCompile(`(?i)last \d+ (minute|hour|day)`)

// utcStamp is a time's fallback in UTC.
var utcStamp = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`)

// chicago is the team's zone of the window tests.
func chicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	return loc
}

// emptyAnswers are answers of every System Log layout that found nothing.
func emptyAnswers() []intents.Result {
	var out []intents.Result
	for _, in := range []intents.Intent{
		{Kind: intents.Logs, User: "john", EventType: "user.session.start"},
		{Kind: intents.AdminActions},
		{Kind: intents.SecurityEvents},
		{Kind: intents.FailedLogins},
		{Kind: intents.SuspiciousLogins, Countries: []string{"Russia"}},
		{Kind: intents.LoginHistory, User: "john@company.com"},
		{Kind: intents.Threats},
		{Kind: intents.Investigate, User: "maria.garcia@company.com"},
	} {
		r := intents.Result{Intent: in, Since: testNow.Add(-24 * time.Hour), Until: testNow, Read: 1000}
		if in.Kind == intents.Investigate {
			r = investigateQuiet()
			r.Events = nil
		}
		out = append(out, r)
	}
	return out
}

// TestIncompleteReadNeverAllClear: an answer whose read stopped early —
// at the cap, on Okta's rate limit or its 30-second cut-off — says
// "incomplete" and why in its coverage line, and never shows a check mark,
// in every layout that reads the System Log. The same answers over a
// whole read do say all clear.
func TestIncompleteReadNeverAllClear(t *testing.T) {
	loc := chicago(t)
	for _, stop := range []intents.Stop{intents.StopCap, intents.StopRateLimit, intents.StopTimeout, ""} {
		for _, r := range emptyAnswers() {
			r.Stopped = stop
			if stop != "" {
				r.Reached = testNow.Add(-3 * time.Hour)
			}
			m := Result(r, Options{Now: testNow, TZ: loc})
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(%s) = %v", r.Intent.Kind, err)
			}
			text, _ := Plain(m)
			if r.Intent.Kind == intents.Investigate {
				text = verdictPart(text)
			}
			name := string(r.Intent.Kind) + " stopped " + string(stop)
			if stop == "" {
				if !strings.Contains(text, "✅") || strings.Contains(text, "incomplete") {
					t.Errorf("%s: a whole read that found nothing is not an all-clear:\n%s", name, text)
				}
				continue
			}
			if strings.Contains(text, "✅") || strings.Contains(m.Text, "no suspicious activity") && !strings.Contains(m.Text, "incomplete") {
				t.Errorf("%s: a check mark over an incomplete read:\n%s", name, text)
			}
			missed := "before 2026-11-28 03:00 CST were not read"
			if r.Intent.Kind == intents.Threats { // the sweep reads oldest first
				missed = "after 2026-11-28 03:00 CST were not read"
			}
			for _, want := range []string{"events read · ⚠️ incomplete", "⚠️ Incomplete: ", missed} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: lacks %q:\n%s", name, want, text)
				}
			}
		}
	}
}

// TestCoverageLine: every System Log answer says its exact window, its
// filters (the user as resolved), how many events it read.
func TestCoverageLine(t *testing.T) {
	loc := chicago(t)
	tests := []struct {
		r    intents.Result
		want string
	}{
		{intents.Result{Intent: intents.Intent{Kind: intents.Logs, User: "john", EventType: "user.session.start", Outcome: "FAILURE"}, Subject: "john@company.com",
			Since: testNow.Add(-24 * time.Hour), Until: testNow, Read: 0},
			"Last 24 hours · 2026-11-27 06:00 CST → 2026-11-28 06:00 CST · user john@company.com · type `user.session.start` · outcome FAILURE · 0 events read"},
		{intents.Result{Intent: intents.Intent{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}}, Since: testNow.Add(-24 * time.Hour), Until: testNow, Read: 12},
			"Last 24 hours · 2026-11-27 06:00 CST → 2026-11-28 06:00 CST · countries Russia, North Korea · 12 events read"},
		{intents.Result{Intent: intents.Intent{Kind: intents.AdminActions, Window: intents.Day}, Since: testNow.Add(-24 * time.Hour), Until: testNow, Events: someEvents(), Truncated: true, Next: "c2"},
			"Last 24 hours · 2026-11-27 06:00 CST → 2026-11-28 06:00 CST · the newest 7 events read, Okta has more"},
	}
	for _, tt := range tests {
		text, _ := Plain(Result(tt.r, Options{Now: testNow, TZ: loc}))
		if !strings.Contains(text, tt.want) {
			t.Errorf("%s: lacks the coverage line %q:\n%s", tt.r.Intent.Kind, tt.want, text)
		}
	}
}

// TestWindowSetByTheClock: a window of whole days ("yesterday", since:,
// until:) is shown by its exact times, in the team's zone in the
// fallback, never as "the last N hours", and the Investigate buttons of
// its answer read the same window.
func TestWindowSetByTheClock(t *testing.T) {
	loc := chicago(t)
	since, until := time.Date(2026, 11, 27, 0, 0, 0, 0, loc), time.Date(2026, 11, 28, 0, 0, 0, 0, loc)
	bound := func(r intents.Result) intents.Result {
		r.Intent.Window, r.Intent.Since, r.Intent.Until = 0, since.UTC(), until.UTC()
		r.Since, r.Until = since.UTC(), until.UTC()
		return r
	}
	const window = "2026-11-27 00:00 CST → 2026-11-28 00:00 CST"
	empty := bound(intents.Result{Intent: intents.Intent{Kind: intents.FailedLogins}})
	sweepNone := bound(intents.Result{Intent: intents.Intent{Kind: intents.Threats}})
	tests := []struct {
		name string
		r    intents.Result
		want []string
	}{
		{"failed logins", bound(failedLoginsWeek()), []string{window}},
		{"no failed logins", empty, []string{window, "✅ No failed sign-ins from 2026-11-27 00:00 CST to 2026-11-28 00:00 CST."}},
		{"sweep", bound(sweep()), []string{"Threat sweep · 2026-11-27 00:00 – 2026-11-28 00:00 CST", window}},
		{"quiet sweep", sweepNone, []string{"✅ No detection fired from 2026-11-27 00:00 CST to 2026-11-28 00:00 CST."}},
		{"investigation", bound(investigateQuiet()), []string{window, "No suspicious activity for María García (maria.garcia@company.com) from 2026-11-27 00:00 CST to 2026-11-28 00:00 CST."}},
	}
	buttons := 0
	for _, tt := range tests {
		m := Result(tt.r, Options{Now: testNow, TZ: loc})
		text, _ := Plain(m)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: lacks %q:\n%s", tt.name, w, text)
			}
		}
		if backFromNow.MatchString(text) || utcStamp.MatchString(text) {
			t.Errorf("%s: shows a window back from now or a UTC time:\n%s", tt.name, text)
		}
		b := mustJSON(t, m)
		for _, id := range []string{ActionRun + "_0", ActionRun + "_1"} {
			v := buttonValue(t, []byte(b), id)
			if v == "" {
				continue
			}
			buttons++
			in, err := intents.ParseIn(v, intents.ReadOptions{Now: testNow})
			if err != nil || in.Kind != intents.Investigate || !in.Since.Equal(since) || !in.Until.Equal(until) {
				t.Errorf("%s: the button %s runs %q = %+v, %v; want an investigation of the same window", tt.name, id, v, in, err)
			}
		}
	}
	if buttons < 2 {
		t.Errorf("%d Investigate buttons checked, want those of the failed logins and of the sweep", buttons)
	}
}

// TestListedNoteKeepsApart: the count under a timeline tells rows left out
// of the message (Export CSV has them) from a read that stopped early
// (incomplete).
func TestListedNoteKeepsApart(t *testing.T) {
	notListed := investigateJohn()
	notListed.Read, notListed.Truncated = len(notListed.Events)+40, true
	capped := investigateJohn()
	capped.Read, capped.Stopped, capped.Reached = len(capped.Events), intents.StopCap, at(22, 0, 0, 0)
	for _, tt := range []struct {
		name    string
		r       intents.Result
		want    string
		notWant string
	}{
		{"rows not listed", notListed, "not listed here: 40 more events read · Export CSV has every event.", "incomplete"},
		{"read capped", capped, fmt.Sprintf("⚠️ the read stopped at %d events (incomplete, see above) · Export CSV has what was read.", len(capped.Events)), "not listed here"},
	} {
		// The timeline alone: where the layout places it is its own affair.
		rc := &rctx{r: tt.r, o: Options{Now: testNow}, tz: time.UTC, c: levelCaps(0)}
		footer, _ := Plain(Message{Blocks: rc.timeline()})
		if !strings.Contains(footer, tt.want) || strings.Contains(footer, tt.notWant) {
			t.Errorf("%s: the timeline's footer does not say %q (or says %q):\n%s", tt.name, tt.want, tt.notWant, footer)
		}
	}
}

// TestPageValueKeepsTheWindow: a page or export button of a window set by
// the clock reads that same window again.
func TestPageValueKeepsTheWindow(t *testing.T) {
	in := intents.Intent{Kind: intents.FailedLogins, Since: testNow.Add(-30 * time.Hour), Until: testNow.Add(-6 * time.Hour)}
	v, err := EncodePageValue(in, 2)
	if err != nil {
		t.Fatalf("EncodePageValue(%+v) error: %v", in, err)
	}
	back, page, err := DecodePageValue(v)
	if err != nil || page != 2 || !back.Since.Equal(in.Since) || !back.Until.Equal(in.Until) {
		t.Errorf("DecodePageValue(EncodePageValue(%+v)) = %+v, %d, %v; want the same window", in, back, page, err)
	}
}
