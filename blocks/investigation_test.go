package blocks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// TestInvestigationGolden renders each investigation layout from the demo
// org's stories and compares it with testdata/inv_*.json and .txt.
func TestInvestigationGolden(t *testing.T) {
	opts := Options{Now: testNow}
	orgWide := sweep()
	orgWide.Findings = append(orgWide.Findings, intents.Finding{Detection: "failed_login_burst", Severity: intents.SeverityHigh, Score: 60,
		Summary:  "Password spraying from 45.95.169.20: failed sign-ins for 38 users in 14 min",
		Evidence: []intents.Evidence{{Text: "38 users tried from one IP in 14 min (threshold 10)", Points: 60}}, Events: []string{"spray-1"}})
	failedTruncated := failedLoginsWeek()
	failedTruncated.Events, failedTruncated.Truncated, failedTruncated.Next = failedTruncated.Events[:20], true, "cursor-20"
	tests := []struct {
		name string
		r    intents.Result
		opts Options
	}{
		{"inv_investigate_takeover", investigateJohn(), opts},
		{"inv_investigate_quiet", investigateQuiet(), opts},
		{"inv_investigate_locked", investigateLocked(), opts},
		{"inv_investigate_old", investigateOld(), opts},
		{"inv_threats_sweep", sweep(), opts},
		{"inv_threats_org_wide", orgWide, opts},
		{"inv_failed_logins", failedLoginsWeek(), opts},
		{"inv_failed_logins_truncated", failedTruncated, opts},
		{"inv_suspicious_logins", suspiciousWeek(), opts},
		{"inv_login_history", historyJohn(), Options{Now: testNow, PageSize: 10}},
		{"inv_mfa_status_cached", mfaScan(true, false), opts},
		{"inv_mfa_status_refreshed", mfaScan(false, true), opts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Result(tc.r, tc.opts)
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Result(%s)) = %v", tc.name, err)
			}
			if all := mustJSON(t, m); strings.Contains(all, "too large to show") {
				t.Fatalf("Result(%s) fell back to the too-large message", tc.name)
			}
			golden(t, tc.name+".json", messageJSON(t, m))
			text, _ := Plain(m)
			golden(t, tc.name+".txt", []byte(text+"\n"))
			if tc.r.Intent.Kind != intents.Investigate {
				return
			}
			d, ok := InvestigationDetails(tc.r, tc.opts)
			if !ok {
				return
			}
			if err := Validate(d); err != nil {
				t.Fatalf("Validate(InvestigationDetails(%s)) = %v", tc.name, err)
			}
			text, _ = Plain(d)
			golden(t, tc.name+"_details.txt", []byte(text+"\n"))
		})
	}
}

func TestMFAProgressGolden(t *testing.T) {
	start := at(28, 10, 0, 0)
	tests := []struct {
		name             string
		scanned, total   int
		elapsed          time.Duration
		wantText         string
		wantInBlocks     string
		wantNoPercentage bool
	}{
		{"inv_mfa_progress_start", 0, 0, 0, "⏳ Scanning MFA factors: listing active users…", "listing active users", true},
		{"inv_mfa_progress_1200", 1200, 5000, 40 * time.Second, "⏳ Scanning MFA factors: scanned 1,200 of 5,000 users (24%) · about 2 min left", "`██░░░░░░░░ 24%`", false},
		{"inv_mfa_progress_listing", 1200, 1224, 40 * time.Second, "⏳ Scanning MFA factors: scanned 1,200 of at least 1,224 users · about 30 users a second", "at least", true},
		{"inv_mfa_progress_done", 5000, 5000, 170 * time.Second, "⏳ Scanning MFA factors: scanned all 5,000 users listed so far", "scanned all 5,000", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := MFAProgress(tc.scanned, tc.total, start, start.Add(tc.elapsed))
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(MFAProgress(%d, %d)) = %v", tc.scanned, tc.total, err)
			}
			if m.Text != tc.wantText {
				t.Errorf("MFAProgress(%d, %d).Text = %q, want %q", tc.scanned, tc.total, m.Text, tc.wantText)
			}
			all := strings.Join(mrkdwnTexts(t, m), "\n")
			if !strings.Contains(all, tc.wantInBlocks) {
				t.Errorf("MFAProgress(%d, %d) blocks lack %q:\n%s", tc.scanned, tc.total, tc.wantInBlocks, all)
			}
			if strings.Contains(all, "%") == tc.wantNoPercentage {
				t.Errorf("MFAProgress(%d, %d) shows a percentage = %v, want %v", tc.scanned, tc.total, !tc.wantNoPercentage, !tc.wantNoPercentage)
			}
			golden(t, tc.name+".json", messageJSON(t, m))
			text, _ := Plain(m)
			golden(t, tc.name+".txt", []byte(text+"\n"))
		})
	}
}

func TestMFAProgressTimeLeft(t *testing.T) {
	start := at(28, 10, 0, 0)
	tests := []struct {
		scanned, total int
		elapsed        time.Duration
		want           string
	}{
		{100, 1000, 0, "estimating the time left"},
		{900, 1000, 90 * time.Second, "less than a minute left"},
		{500, 1000, 10 * time.Minute, "about 10 min left"},
		{100, 10000, 2 * time.Minute, "about 3 h 18 min left"},
		{100, 3100, 2 * time.Minute, "about 1 h left"},
		{-5, -1, time.Minute, "listing active users"},
	}
	for _, tc := range tests {
		m := MFAProgress(tc.scanned, tc.total, start, start.Add(tc.elapsed))
		if !strings.Contains(m.Text, tc.want) {
			t.Errorf("MFAProgress(%d, %d, after %v).Text = %q, want it to say %q", tc.scanned, tc.total, tc.elapsed, m.Text, tc.want)
		}
		if err := Validate(m); err != nil {
			t.Errorf("Validate(MFAProgress(%d, %d)) = %v", tc.scanned, tc.total, err)
		}
	}
	if m := MFAProgress(10, 500, time.Time{}, start); !strings.Contains(m.Text, "estimating") {
		t.Errorf("MFAProgress without a start time = %q, want no estimate", m.Text)
	}
}

// TestInvestigateReadsTopDown checks the order an analyst reads the
// investigation in, and what Plain shows of it.
func TestInvestigateReadsTopDown(t *testing.T) {
	m := Result(investigateJohn(), Options{Now: testNow})
	text, choices := Plain(m)
	want := []string{
		"Investigation: John Smith (john@company.com)",
		"🚨 Verdict: Critical (100%)",
		"Status: 🟢 ACTIVE",
		"MFA factors: Okta FastPass, Okta Verify push",
		"Applications: 12",
		"What matters",
		"Critical (100) Sign-in succeeded after failures",
		"Proposed below: Clear the sessions of john@company.com; Suspend john@company.com — confidence Critical (100%)",
		"In the thread: ",
	}
	inOrder(t, "Plain(investigate)", text, want)
	for _, bad := range []string{"(success_after_failures)", "half of", "(failed_login_burst", "Timeline", "(+10)"} {
		if strings.Contains(text, bad) {
			t.Errorf("Plain(investigate) shows %q, which belongs in the thread", bad)
		}
	}
	// It fits on a screen: the answer is short whatever the details hold.
	if n := strings.Count(text, "\n"); n > 30 {
		t.Errorf("Plain(investigate) is %d lines, want at most 30:\n%s", n, text)
	}
	if len(choices) != 1 || choices[0].ActionID != ActionExport {
		t.Errorf("Plain(investigate) choices = %+v, want only Export CSV", choices)
	}
	if !strings.Contains(m.Text, "Critical (100%)") || !strings.Contains(m.Text, "proposals follow") {
		t.Errorf("Result(investigate).Text = %q, want the verdict and that proposals follow", m.Text)
	}

	d, ok := InvestigationDetails(investigateJohn(), Options{Now: testNow})
	if !ok {
		t.Fatal("InvestigationDetails(investigate john) has nothing to say")
	}
	details, _ := Plain(d)
	inOrder(t, "Plain(InvestigationDetails)", details, []string{
		"Details of the investigation of John Smith (john@company.com)",
		"Sign-in succeeded after failures · Critical (100)",
		"• the success came from the IP that failed: 185.220.101.1 (+10)",
		"Timeline (oldest first)",
		"❌ Sign-in to Okta ×12 — INVALID_CREDENTIALS",
		"Sign-in to Okta with Password",
		"SSO into 7 apps: GitHub Enterprise Cloud - Organization, AWS Account Federation, Slack, Google Workspace, Box, 1Password, Bookmark App",
	})
	if _, ok := InvestigationDetails(intents.Result{Intent: intents.Intent{Kind: intents.Investigate}}, Options{}); ok {
		t.Error("InvestigationDetails of an empty result has something to say")
	}
}

// inOrder fails unless text holds each of want, in that order.
func inOrder(t *testing.T, what, text string, want []string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Fatalf("%s lacks %q after position %d:\n%s", what, w, at, text)
		}
		at += i + len(w)
	}
}

func TestInvestigateQuiet(t *testing.T) {
	text, _ := Plain(Result(investigateQuiet(), Options{Now: testNow}))
	for _, w := range []string{
		"✅ No suspicious activity for María García (maria.garcia@company.com) in the last 7 days.",
		"Checked with every detection: sign-ins",
		"SMS (⚠️ weak)",
		"only weak factors",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("Plain(quiet investigation) lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "Proposed fixes") || strings.Contains(text, "Verdict") {
		t.Errorf("Plain(quiet investigation) has a verdict or fixes:\n%s", text)
	}
}

// TestInvestigateLeadsWithState checks that an answer about a locked-out
// person starts with the lockout, says what it read, and shows no check
// mark.
func TestInvestigateLeadsWithState(t *testing.T) {
	m := Result(investigateLocked(), Options{Now: testNow})
	text, _ := Plain(m)
	if !strings.HasPrefix(text, "🔒 Locked out") {
		t.Errorf("Plain(locked-out investigation) does not start with the lockout:\n%s", text)
	}
	if !strings.HasPrefix(m.Text, "LOCKED OUT") {
		t.Errorf("Result(locked-out investigation).Text = %q, want it to start with LOCKED OUT", m.Text)
	}
	for _, w := range []string{"Password changed 2026-11-28 10:02 UTC", "2026-11-28 07:00 UTC → 2026-11-28 12:00 UTC · 9 events read", "No detection fired"} {
		if !strings.Contains(text, w) {
			t.Errorf("Plain(locked-out investigation) lacks %q:\n%s", w, text)
		}
	}
	if top := verdictPart(text); strings.Contains(top, "✅") {
		t.Errorf("Plain(locked-out investigation) shows a check mark above the user's fields:\n%s", top)
	}
}

// TestInvestigateStateOfActiveUser checks the states of an ACTIVE user
// that still lead the answer: blocked from new devices, and a password
// reset by an admin in the window.
func TestInvestigateStateOfActiveUser(t *testing.T) {
	r := investigateQuiet()
	r.Profile.Blocks = []string{"UNKNOWN_DEVICES"}
	r.Events = append([]intents.Event{{UUID: "reset-1", Published: at(28, 11, 0, 0), EventType: "user.account.reset_password",
		Actor:   intents.Actor{Type: "User", AlternateID: "admin@company.com"},
		Targets: []intents.Actor{{Type: "User", AlternateID: "maria.garcia@company.com"}}}}, r.Events...)
	m := Result(r, Options{Now: testNow})
	text, _ := Plain(m)
	want := "🔒 Blocked from new devices: Okta blocks sign-ins of maria.garcia@company.com from unknown devices; known devices still work.\n" +
		"🔑 Password reset 2026-11-28 11:00 UTC by admin@company.com"
	if !strings.HasPrefix(text, want) {
		t.Errorf("Plain(investigation) does not start with %q:\n%s", want, text)
	}
	if top := verdictPart(text); strings.Contains(top, "✅") {
		t.Errorf("Plain(investigation) shows a check mark above the user's fields:\n%s", top)
	}
	if !strings.HasPrefix(m.Text, "BLOCKED ON NEW DEVICES, PASSWORD RESET — ") {
		t.Errorf("Result(investigation).Text = %q, want it to lead with the state", m.Text)
	}
}

// TestInvestigateIncomplete checks that a window older than Okta keeps,
// or a read that stopped early, is said to be incomplete, without a
// check mark.
func TestInvestigateIncomplete(t *testing.T) {
	capped := investigateQuiet()
	capped.Read, capped.Stopped, capped.Reached = 200000, intents.StopCap, at(24, 6, 0, 0)
	noted := investigateQuiet()
	noted.Notes = []string{"Something the adapter could not read."}
	for name, tc := range map[string]struct {
		r    intents.Result
		want string
	}{
		"older than 90 days": {investigateOld(), "the part of the window before 2026-08-30 12:00 UTC is not kept by Okta"},
		"capped":             {capped, "The read stopped at 200,000 events, the most one answer reads: the window's events before 2026-11-24 06:00 UTC were not read."},
		"noted":              {noted, "Something the adapter could not read."},
	} {
		m := Result(tc.r, Options{Now: testNow})
		text, _ := Plain(m)
		for _, w := range []string{"· ⚠️ incomplete", "⚠️ Incomplete: ", tc.want} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: Plain(investigation) lacks %q:\n%s", name, w, text)
			}
		}
		if top := verdictPart(text); strings.Contains(top, "✅") {
			t.Errorf("%s: Plain(investigation) shows a check mark above the user's fields:\n%s", name, top)
		}
	}
}

// verdictPart is an investigation's text down to the user's fields: the
// state, the title, what was read and the verdict (the timeline below
// marks each successful sign-in with its own check mark).
func verdictPart(text string) string {
	top, _, _ := strings.Cut(text, "  Status: ")
	return top
}

func TestTrimDetectionIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"12 failed sign-ins (failed_login_burst)", "12 failed sign-ins"},
		{"22 attempts through 185.220.101.1 (anonymizing proxy), then SSO (anonymizing_proxy_login, half of 100)", "22 attempts through 185.220.101.1 (anonymizing proxy), then SSO"},
		{"5 failed logins from 185.220.101.1 (Tor exit node)", "5 failed logins from 185.220.101.1 (Tor exit node)"},
		{"risk HIGH (Anomalous Device, New Geo-Location)", "risk HIGH (Anomalous Device, New Geo-Location)"},
		{"x (half of 10)", "x (half of 10)"},
		{"x (INVALID_CREDENTIALS)", "x (INVALID_CREDENTIALS)"},
		{"x (user.session.start)", "x (user.session.start)"},
		{"(failed_login_burst)", "(failed_login_burst)"},
		{"a (b_c, d_e) ", "a"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := trimDetectionIDs(tc.in); got != tc.want {
			t.Errorf("trimDetectionIDs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// buttons returns every button of a message by action id.
func buttons(t *testing.T, m Message) map[string]Choice {
	t.Helper()
	_, choices := Plain(m)
	out := map[string]Choice{}
	for _, c := range choices {
		if _, dup := out[c.ActionID]; dup {
			t.Fatalf("action id %q appears twice", c.ActionID)
		}
		out[c.ActionID] = c
	}
	return out
}

func TestThreatsInvestigateButtons(t *testing.T) {
	r := sweep()
	m := Result(r, Options{Now: testNow})
	bs := buttons(t, m)
	var got []string
	for i := range 10 {
		c, ok := bs[fmt.Sprintf("%s_%d", ActionRun, i)]
		if !ok {
			break
		}
		in, err := intents.Parse(c.Value)
		if err != nil || in.Kind != intents.Investigate || in.Window != intents.Week {
			t.Errorf("button %d value %q parses to %+v, %v; want investigate over 168h", i, c.Value, in, err)
		}
		if c.Label != "Investigate "+in.User {
			t.Errorf("button %d is labelled %q for %s", i, c.Label, in.User)
		}
		got = append(got, in.User)
	}
	want := []string{"chris.morgan@company.com", "john@company.com", "rachel.adams@company.com", "derek.wilson@company.com", "emily.chen@company.com", "sarah.johnson@company.com", "lisa.nguyen@company.com"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Investigate buttons of the sweep, worst first (-want +got):\n%s", diff)
	}
	text, _ := Plain(m)
	for _, w := range []string{"Threat sweep · last 7 days", "7 users with findings: 🚨 5 critical · 🟠 2 medium", "Fixes to propose: clear sessions, suspend, reset MFA factors"} {
		if !strings.Contains(text, w) {
			t.Errorf("Plain(threats) lacks %q:\n%s", w, text)
		}
	}
}

func TestThreatsDefaultWindowButton(t *testing.T) {
	r := sweep()
	r.Intent.Window = 0 // threats defaults to a day
	bs := buttons(t, Result(r, Options{}))
	c := bs[ActionRun+"_0"]
	if c.Value != "/okta investigate chris.morgan@company.com 24h" {
		t.Errorf("first Investigate button value = %q, want the default 24h window", c.Value)
	}
}

// manySuspects is a sweep of n users, each with a hostile login and a
// long summary.
func manySuspects(n int, login func(i int) string, summary string) intents.Result {
	r := intents.Result{Intent: intents.Intent{Kind: intents.Threats, Window: intents.Week}, Since: testNow.Add(-7 * day), Until: testNow}
	for i := range n {
		u := login(i)
		r.Findings = append(r.Findings, intents.Finding{Detection: "failed_login_burst", Severity: intents.Band(100 - i%100), Score: 100 - i%100, User: u, Summary: summary,
			Evidence: []intents.Evidence{{Text: summary, Points: 30}}, Events: []string{fmt.Sprint(i)}})
		r.Proposals = append(r.Proposals, intents.Action{Kind: intents.ClearSessions, User: &intents.Ref{Type: "user", ID: fmt.Sprint(i), Name: u}, Confidence: 90, Evidence: []intents.Evidence{{Text: summary}}})
	}
	return r
}

func TestInvestigationWorstCases(t *testing.T) {
	long := strings.Repeat("Suspicious <!channel> & <https://evil.example|click> activity ", 50)[:3000]
	hostile := "<!channel> evil\u202E@company.com"
	many := func(n int) []intents.Finding {
		var fs []intents.Finding
		for i := range n {
			fs = append(fs, intents.Finding{Detection: fmt.Sprintf("detection_%d", i), Score: i * 7 % 101, User: hostile, Summary: long,
				Evidence: []intents.Evidence{{Text: long, Points: 10}, {Text: long, Points: -5}, {Text: long}, {Text: long}, {Text: long}, {Text: long}, {Text: long}}})
		}
		return fs
	}
	inv := investigateJohn()
	inv.Findings = many(60)
	inv.Profile.User.DisplayName = hostile
	inv.Proposals = append(inv.Proposals, fixes(hostile, "00uX", 99, inv.Findings, intents.SuspendUser, intents.ClearSessions, intents.ResetFactors)...)
	for i := range inv.Events {
		inv.Events[i].Outcome.Reason = long
		inv.Events[i].Client.City = long
	}
	sweep500 := manySuspects(500, func(i int) string { return fmt.Sprintf("user%03d@company.com", i) }, long)
	sweepWeird := manySuspects(30, func(i int) string {
		return fmt.Sprintf([]string{`we"ird %d`, "<!channel>%d@company.com", "a&amp;%d@x.com", "user:%d"}[i%4], i)
	}, long)
	failed := failedLoginsWeek()
	failed.Findings = many(60)
	mfa := mfaScan(false, false)
	mfa.Users, mfa.MFA.WeakOnly = manyUsers(500), hostileUsers()
	for i := range mfa.MFA.WeakOnly {
		mfa.MFA.WeakOnly[i].Department = long
	}
	tests := []struct {
		name string
		r    intents.Result
	}{
		{"investigate 60 findings", inv},
		{"threats 500 users", sweep500},
		{"threats unquotable logins", sweepWeird},
		{"failed logins 60 findings", failed},
		{"suspicious logins hostile", func() intents.Result { r := suspiciousWeek(); r.Findings = many(60); return r }()},
		{"login history hostile", func() intents.Result { r := historyJohn(); r.Findings = many(60); r.Subject = hostile; return r }()},
		{"mfa 500 users", mfa},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, page := range []int{1, 2, 40} {
				m := Result(tc.r, Options{Now: testNow, Page: page})
				if err := Validate(m); err != nil {
					t.Fatalf("Validate(Result(%s, page %d)) = %v", tc.name, page, err)
				}
				if strings.Contains(mustJSON(t, m), "too large to show") {
					t.Errorf("Result(%s) fell back to the too-large message", tc.name)
				}
				checkInert(t, "text", m.Text)
				for _, s := range mrkdwnTexts(t, m) {
					checkInert(t, tc.name, s)
					if strings.Contains(s, "\u202E") {
						t.Errorf("Result(%s): bidi override in %.60q", tc.name, s)
					}
				}
			}
		})
	}
	t.Run("500 users say how many more", func(t *testing.T) {
		m := Result(sweep500, Options{Now: testNow})
		all := strings.Join(mrkdwnTexts(t, m), "\n")
		if !strings.Contains(all, "more users with findings") {
			t.Errorf("Result(threats, 500 users) does not count the users left out")
		}
		bs := buttons(t, m)
		if len(bs) < 7 {
			t.Errorf("Result(threats, 500 users) has %d buttons, want the top users' Investigate buttons", len(bs))
		}
		for id, c := range bs {
			if !strings.HasPrefix(id, ActionRun) {
				continue
			}
			if in, err := intents.Parse(c.Value); err != nil || in.Kind != intents.Investigate {
				t.Errorf("button %s value %q parses to %+v, %v", id, c.Value, in, err)
			}
		}
	})
	t.Run("unquotable logins get no button", func(t *testing.T) {
		for id, c := range buttons(t, Result(sweepWeird, Options{Now: testNow})) {
			if strings.HasPrefix(id, ActionRun) {
				t.Errorf("a login no command can name got a button: %s %q", id, c.Value)
			}
		}
	})
}

func TestMFAStatusButtonsAndCSV(t *testing.T) {
	r := mfaScan(true, false)
	m := Result(r, Options{Now: testNow})
	bs := buttons(t, m)
	if c, ok := bs[ActionMFARefresh]; !ok || c.Value != "" {
		t.Errorf("mfa_status Refresh button = %+v, %v; want one with an empty value", c, ok)
	}
	c, ok := bs[ActionExport]
	if !ok {
		t.Fatalf("mfa_status has no Export CSV button")
	}
	in, page, err := DecodePageValue(c.Value)
	if err != nil || in.Kind != intents.MFAStatus || page != 1 {
		t.Errorf("Export CSV value decodes to %+v, %d, %v", in, page, err)
	}
	text, _ := Plain(m)
	for _, w := range []string{"3 of 191 active users have no MFA; 2 have only weak factors (SMS, voice, email, security question).",
		"Scanned 2026-11-28 10:49 UTC (from the last scan)", "Only weak factors (2)", "Rachel Adams"} {
		if !strings.Contains(text, w) {
			t.Errorf("Plain(mfa_status) lacks %q:\n%s", w, text)
		}
	}

	_, data := CSV(r)
	rows := readCSV(t, data)
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[2]+"="+row[len(row)-1])
	}
	want := []string{"brian.torres@company.com=none", "kenneth.johansson@company.com=none", "new.contractor@partner.io=none",
		"rachel.adams@company.com=weak only", "samantha.green@company.com=weak only"}
	if diff := cmp.Diff(want, got); diff != "" || rows[0][len(rows[0])-1] != "mfa" {
		t.Errorf("CSV(mfa_status) rows (-want +got):\n%s\nheader %v", diff, rows[0])
	}
}

func TestMFAStatusEmptyAndWithoutReport(t *testing.T) {
	tests := []struct {
		name string
		r    intents.Result
		want string
	}{
		{"all strong", intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}, MFA: &intents.MFAReport{Active: 191, ScannedAt: testNow, Checked: 191}},
			"All 191 active users have a strong MFA factor."},
		{"weak only", intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}, MFA: &intents.MFAReport{Active: 9, WeakOnly: someUsers()[:1]}},
			"0 of 9 active users have no MFA; 1 has only weak factors"},
		{"no report", intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}, Users: someUsers()[:1]},
			"1 active user has no MFA; 0 have only weak factors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Result(tc.r, Options{Now: testNow})
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Result(%s)) = %v", tc.name, err)
			}
			text, _ := Plain(m)
			if !strings.Contains(text, tc.want) {
				t.Errorf("Plain(mfa_status %s) lacks %q:\n%s", tc.name, tc.want, text)
			}
			if _, ok := buttons(t, m)[ActionMFARefresh]; !ok {
				t.Errorf("mfa_status %s has no Refresh button", tc.name)
			}
		})
	}
}

// TestListingInvestigateButtons checks that the sign-in listings offer to
// investigate the users their findings name.
func TestListingInvestigateButtons(t *testing.T) {
	for _, r := range []intents.Result{failedLoginsWeek(), suspiciousWeek(), historyJohn()} {
		bs := buttons(t, Result(r, Options{Now: testNow}))
		c, ok := bs[ActionRun+"_0"]
		if !ok {
			t.Errorf("Result(%s) has no Investigate button", r.Intent.Kind)
			continue
		}
		in, err := intents.Parse(c.Value)
		if err != nil || in.Kind != intents.Investigate || in.User != r.Findings[0].User {
			t.Errorf("Result(%s) Investigate value %q parses to %+v, %v", r.Intent.Kind, c.Value, in, err)
		}
	}
}

func TestFailedLoginsGrouped(t *testing.T) {
	text, _ := Plain(Result(failedLoginsWeek(), Options{Now: testNow}))
	for _, w := range []string{
		"❌ 33 failed sign-ins · 6 users · 5 IPs",
		"❌ 17 failures · Sarah Johnson (sarah.johnson@company.com) from 70.114.215.34 · Austin, United States",
		"↳ INVALID_CREDENTIALS ×15, LOCKED_OUT ×2 · over 8 min · last seen 2026-11-27 08:00 UTC",
		"❌ 12 failures · John Smith (john@company.com) from 185.220.101.1 · Frankfurt am Main, Germany · ⚠️ proxy",
		"1 failure · jon@company.com from 88.70.213.233",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("Plain(failed_logins) lacks %q:\n%s", w, text)
		}
	}
}

// TestSectionsOfEveryLayout checks the block ids the bot and tests may
// rely on, and that no layout emits an empty block.
func TestSectionsOfEveryLayout(t *testing.T) {
	for _, r := range []intents.Result{investigateJohn(), sweep(), failedLoginsWeek(), suspiciousWeek(), historyJohn(), mfaScan(false, false)} {
		m := Result(r, Options{Now: testNow})
		raw, err := json.Marshal(m.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		var bs []map[string]any
		if err := json.Unmarshal(raw, &bs); err != nil {
			t.Fatal(err)
		}
		if len(bs) == 0 || bs[0]["type"] != string(slack.MBTHeader) {
			t.Errorf("Result(%s) does not start with a header", r.Intent.Kind)
		}
	}
}

func TestTimelineKeepsKeyRows(t *testing.T) {
	var evs []intents.Event
	// The oldest row is the one that matters: a failure a finding names.
	evs = append(evs, signInEvent{uuid: "bad", t: at(20, 3, 0, 0), typ: "user.session.start", who: johnActor, client: torClient, net: torNet,
		result: "FAILURE", reason: "INVALID_CREDENTIALS"}.event())
	for i := range 30 {
		c := sfClient
		c.IP = fmt.Sprintf("10.0.0.%d", i) // each its own row
		evs = append(evs, signInEvent{uuid: fmt.Sprint("ok", i), t: at(21, 0, 0, 0).Add(time.Duration(i) * time.Hour), typ: "user.session.start",
			who: johnActor, client: c, net: sfNet, result: "SUCCESS"}.event())
	}
	r := intents.Result{Intent: intents.Intent{Kind: intents.Investigate, User: "john@company.com"}, Events: evs,
		Findings: []intents.Finding{{Detection: "failed_login_burst", Score: 40, User: "john@company.com", Summary: "s", Events: []string{"bad"}}}}
	details := func(r intents.Result) string {
		m, _ := InvestigationDetails(r, Options{Now: testNow})
		text, _ := Plain(m)
		return text
	}
	text := details(r)
	for _, w := range []string{"2026-11-20 03:00 UTC ❌ Sign-in to Okta — INVALID_CREDENTIALS", "Not shown: 19 more rows of ordinary activity (19 events) · 31 events in all"} {
		if !strings.Contains(text, w) {
			t.Errorf("Plain(investigate, 31 rows) lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "10.0.0.0 ") || !strings.Contains(text, "10.0.0.29") {
		t.Errorf("Plain(investigate, 31 rows) does not keep the newest ordinary rows:\n%s", text)
	}

	r.Findings = nil
	text = details(r)
	if strings.Contains(text, "INVALID_CREDENTIALS") || !strings.Contains(text, "Not shown: 19 more rows (19 events), 1 of them flagged") {
		t.Errorf("Plain(investigate without findings) does not show the newest rows:\n%s", text)
	}
}

func TestTimelineFolds(t *testing.T) {
	e := func(uuid string, sec int, typ, result string, targets ...intents.Actor) intents.Event {
		return signInEvent{uuid: uuid, t: at(28, 8, 0, sec), typ: typ, who: johnActor, client: torClient, net: torNet, result: result, targets: targets}.event()
	}
	tests := []struct {
		name string
		evs  []intents.Event
		want []string // rows: what ×n
	}{
		{"checks before the sign-in", []intents.Event{
			e("1", 0, "user.authentication.auth_via_mfa", "SUCCESS", authenticator(johnActor, "Password")...),
			e("2", 5, "user.authentication.auth_via_mfa", "SUCCESS", authenticator(johnActor, "Okta Verify")...),
			e("3", 6, "user.session.start", "SUCCESS"),
		}, []string{"Sign-in to Okta with Password + Okta Verify ×1"}},
		{"a check in the same second after it", []intents.Event{
			e("3", 6, "user.session.start", "SUCCESS"),
			e("1", 6, "user.authentication.auth_via_mfa", "SUCCESS", authenticator(johnActor, "Password")...),
		}, []string{"Sign-in to Okta with Password ×1"}},
		{"a failed check stays", []intents.Event{
			e("1", 0, "user.authentication.auth_via_mfa", "FAILURE", authenticator(johnActor, "Okta Verify")...),
			e("3", 6, "user.session.start", "SUCCESS"),
		}, []string{"Verified Okta Verify ×1", "Sign-in to Okta ×1"}},
		{"failures in a run", []intents.Event{
			e("1", 0, "user.session.start", "FAILURE"), e("2", 1, "user.session.start", "FAILURE"), e("3", 2, "user.session.start", "FAILURE"),
			e("4", 3, "user.session.start", "SUCCESS"), e("5", 4, "user.session.start", "FAILURE"),
		}, []string{"Sign-in to Okta ×3", "Sign-in to Okta ×1", "Sign-in to Okta ×1"}},
		{"SSO into apps", []intents.Event{
			e("1", 0, "user.authentication.sso", "SUCCESS", app("Box")), e("2", 1, "user.authentication.sso", "SUCCESS", app("Slack")),
			e("3", 2, "user.authentication.sso", "SUCCESS", app("Box")),
		}, []string{"SSO to Box ×3 [Box Slack]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range timelineRows(tc.evs, nil) {
				s := fmt.Sprintf("%s ×%d", eventName(r.first), r.n)
				if len(r.factors) > 0 {
					s = fmt.Sprintf("%s with %s ×%d", eventName(r.first), strings.Join(r.factors, " + "), r.n)
				}
				if len(r.apps) > 1 {
					s += fmt.Sprint(" ", r.apps)
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("timelineRows(%s) (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}
