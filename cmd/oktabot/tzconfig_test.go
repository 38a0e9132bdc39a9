package main

import (
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
)

func mapEnv(m map[string]string) env { return func(k string) string { return m[k] } }

func TestLoadTime(t *testing.T) {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tests := []struct {
		name    string
		vars    map[string]string
		zone    string
		perUser bool
		office  *detect.OfficeHours
		err     string
	}{
		{"defaults", nil, "UTC", false, nil, ""},
		{"chicago", map[string]string{"OKTABOT_TZ": "America/Chicago"}, "America/Chicago", false, nil, ""},
		{"per user", map[string]string{"OKTABOT_TZ_PER_USER": "true"}, "UTC", true, nil, ""},
		{"office hours", map[string]string{"OKTABOT_OFFICE_HOURS": "Mon-Fri 08:00-18:00"}, "UTC", false,
			&detect.OfficeHours{Start: 8, End: 18, Days: weekdays}, ""},
		{"office hours short", map[string]string{"OKTABOT_OFFICE_HOURS": "sun-thu 9-17"}, "UTC", false,
			&detect.OfficeHours{Start: 9, End: 17, Days: []time.Weekday{0, 1, 2, 3, 4}}, ""},
		{"office hours list, night shift", map[string]string{"OKTABOT_OFFICE_HOURS": "Fri,Sat,Sun 22:00-06:00"}, "UTC", false,
			&detect.OfficeHours{Start: 22, End: 6, Days: []time.Weekday{5, 6, 0}}, ""},
		{"office hours to midnight", map[string]string{"OKTABOT_OFFICE_HOURS": "Sat-Mon 12:00-24:00"}, "UTC", false,
			&detect.OfficeHours{Start: 12, End: 24, Days: []time.Weekday{6, 0, 1}}, ""},
		{"office hours off", map[string]string{"OKTABOT_OFFICE_HOURS": "off"}, "UTC", false, &detect.OfficeHours{Disabled: true}, ""},
		{"bad zone", map[string]string{"OKTABOT_TZ": "CST"}, "", false, nil, `OKTABOT_TZ "CST" is not an IANA time zone name: use one such as America/Chicago`},
		{"local is no zone name", map[string]string{"OKTABOT_TZ": "Local"}, "", false, nil, "OKTABOT_TZ"},
		{"bad per user", map[string]string{"OKTABOT_TZ_PER_USER": "yes please"}, "", false, nil, "OKTABOT_TZ_PER_USER"},
		{"minutes", map[string]string{"OKTABOT_OFFICE_HOURS": "Mon-Fri 08:30-17:00"}, "", false, nil, "OKTABOT_OFFICE_HOURS"},
		{"no days", map[string]string{"OKTABOT_OFFICE_HOURS": "08:00-18:00"}, "", false, nil, "e.g. Mon-Fri 08:00-18:00"},
		{"bad day", map[string]string{"OKTABOT_OFFICE_HOURS": "Mo-Fr 08:00-18:00"}, "", false, nil, "OKTABOT_OFFICE_HOURS"},
		{"empty hours", map[string]string{"OKTABOT_OFFICE_HOURS": "Mon-Fri 08:00-08:00"}, "", false, nil, "OKTABOT_OFFICE_HOURS"},
		{"hour 25", map[string]string{"OKTABOT_OFFICE_HOURS": "Mon-Fri 08:00-25:00"}, "", false, nil, "OKTABOT_OFFICE_HOURS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := loadTime(mapEnv(tt.vars))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("loadTime = %v, want an error naming %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.Zone.String() != tt.zone || tc.PerUser != tt.perUser {
				t.Errorf("zone %s per user %v, want %s %v", tc.Zone, tc.PerUser, tt.zone, tt.perUser)
			}
			if (tc.Office == nil) != (tt.office == nil) || tc.Office != nil &&
				(tc.Office.Start != tt.office.Start || tc.Office.End != tt.office.End || tc.Office.Disabled != tt.office.Disabled || !slices.Equal(tc.Office.Days, tt.office.Days)) {
				t.Errorf("office hours %+v, want %+v", tc.Office, tt.office)
			}
		})
	}
}

// TestOfficeHoursInTheOrgsZone: an admin role granted at 07:00 Chicago
// time on a Monday (13:00 UTC) is outside office hours Mon-Fri 08:00-18:00
// when the org is in Chicago, and the finding says so in Central time; the
// same grant is inside them for an org on UTC, and a grant at 09:00
// Chicago time is inside them in Chicago.
func TestOfficeHoursInTheOrgsZone(t *testing.T) {
	if _, err := time.LoadLocation("America/Chicago"); err != nil {
		t.Skipf("no zone database: %v", err)
	}
	monday7CST := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		tz   string
		at   time.Time
		want string // "" : not off hours
	}{
		{"07:00 in Chicago", "America/Chicago", monday7CST, "at 07:00 CST Mon, outside office hours (08–18)"},
		{"13:00 in UTC", "", monday7CST, ""},
		{"09:00 in Chicago", "America/Chicago", monday7CST.Add(2 * time.Hour), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := loadTime(mapEnv(map[string]string{"OKTABOT_TZ": tt.tz, "OKTABOT_OFFICE_HOURS": "Mon-Fri 08:00-18:00"}))
			if err != nil {
				t.Fatal(err)
			}
			grant := intents.Event{
				UUID: "e1", Published: tt.at, EventType: "user.account.privilege.grant",
				Actor:   intents.Actor{ID: "00uadmin", Type: "User", AlternateID: "admin@company.com"},
				Targets: []intents.Actor{{ID: "00ujohn", Type: "User", AlternateID: "john@company.com"}},
				Outcome: intents.EventOutcome{Result: "SUCCESS"},
				Debug:   map[string]string{"privilegeGranted": "Super administrator"},
			}
			fs := detect.Run(*detectConfig(nil, tc), []intents.Event{grant})
			if len(fs) == 0 {
				t.Fatal("no finding for a Super Admin grant")
			}
			var off []string
			for _, f := range fs {
				for _, ev := range f.Evidence {
					if strings.Contains(ev.Text, "office hours") {
						off = append(off, ev.Text)
					}
				}
			}
			switch {
			case tt.want == "" && len(off) > 0:
				t.Errorf("judged outside office hours: %q", off)
			case tt.want != "" && !slices.Contains(off, tt.want):
				t.Errorf("off-hours evidence %q, want %q", off, tt.want)
			}
		})
	}
}

// TestAskInTheTeamsZone: `oktabot ask` prints times in OKTABOT_TZ with the
// zone's abbreviation, and in UTC without it.
func TestAskInTheTeamsZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	abbr, _ := time.Now().In(chicago).Zone()
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d ([A-Z]{3})`)
	for _, tt := range []struct{ tz, want string }{{"America/Chicago", abbr}, {"", "UTC"}} {
		out, stderr, err := runCmd(t, context.Background(), map[string]string{"OKTABOT_TZ": tt.tz}, "ask", "--sim", "/okta login-history john@company.com 7d")
		if err != nil {
			t.Fatalf("oktabot ask: %v\n%s", err, stderr)
		}
		got := stamp.FindAllStringSubmatch(out, -1)
		if len(got) == 0 {
			t.Fatalf("OKTABOT_TZ=%q: no times in:\n%s", tt.tz, out)
		}
		for _, m := range got {
			if m[1] != tt.want && !(tt.want != "UTC" && (m[1] == "CST" || m[1] == "CDT")) {
				t.Errorf("OKTABOT_TZ=%q: time %q, want %s", tt.tz, m[0], tt.want)
			}
		}
	}
}

// TestDemoInTheTeamsZone: the terminal demo with OKTABOT_TZ prints the
// answer's times in that zone, with its abbreviation, and its stories
// happen at their hours in that zone.
func TestDemoInTheTeamsZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	in, typed := io.Pipe()
	out := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	done := make(chan error, 1)
	vars := map[string]string{"OKTABOT_TZ": "America/Chicago"}
	go func() {
		done <- run(ctx, []string{"demo"}, stdio{in: in, out: out, err: io.Discard}, func(k string) string { return vars[k] })
	}()
	waitFor := func(want string, from int) int {
		t.Helper()
		return waitTerminal(t, ctx, out, done, want, want, from)
	}
	pos := waitFor("you> ", 0)
	if _, err := io.WriteString(typed, "/okta login-history john@company.com 7d\n"); err != nil {
		t.Fatal(err)
	}
	end := waitFor("you> ", waitFor("Sign-ins of john@company.com", pos))
	answer := out.String()[pos:end]
	abbr, _ := time.Now().In(chicago).Zone()
	stamps := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d ([A-Z]{3})`).FindAllStringSubmatch(answer, -1)
	if len(stamps) == 0 {
		t.Fatalf("no times in the answer:\n%s", answer)
	}
	for _, m := range stamps {
		if m[1] != abbr && m[1] != "CST" && m[1] != "CDT" {
			t.Errorf("time %q is not Central (%s)", m[0], abbr)
		}
	}

	// The demo org is built for now in the team's zone: the sweep finds
	// every story's people, and the grant is at 03:12 Central whatever day
	// the demo runs.
	if _, err := io.WriteString(typed, "/okta threats 7d\n"); err != nil {
		t.Fatal(err)
	}
	pos = end
	end = waitFor("you> ", waitFor("Threat sweep", pos))
	answer = out.String()[pos:end]
	for _, login := range []string{"john@company.com", "emily.chen@company.com", "rachel.adams@company.com", "chris.morgan@company.com",
		"derek.wilson@company.com", "lisa.nguyen@company.com", "sarah.johnson@company.com"} {
		if !strings.Contains(answer, login) {
			t.Errorf("threats 7d does not name %s:\n%s", login, answer)
		}
	}
	grant := regexp.MustCompile(`granted Super administrator to ryan\.patel@company\.com at (\d\d:\d\d [A-Z]{3})`).FindStringSubmatch(answer)
	if grant == nil || grant[1] != "03:12 CST" && grant[1] != "03:12 CDT" {
		t.Errorf("the grant is at %v, want 03:12 Central:\n%s", grant, answer)
	}
	_ = typed.Close() // teardown; a close error here decides nothing the test checks
	select {
	case _ = <-done: // how the demo ended is not what this test checks
	case <-time.After(15 * time.Second):
		t.Error("demo did not end on end of input")
	}
}

// waitTerminal waits until the terminal shows want after position from,
// and returns the position after it; it fails the test if the demo ends
// or ctx is done first.
func waitTerminal(t *testing.T, ctx context.Context, out *syncBuffer, done <-chan error, what, want string, from int) int {
	t.Helper()
	for {
		s := out.String()
		if i := strings.Index(s[from:], want); i >= 0 {
			return from + i + len(want)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s (%q); the terminal shows:\n%s", what, want, s)
		case err := <-done:
			t.Fatalf("demo ended (%v) before %s; the terminal shows:\n%s", err, what, s)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
