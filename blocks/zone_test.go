package blocks

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAnswersInChicago renders answers for a team in America/Chicago: the
// fallback text of every time (what the terminal and notifications show)
// is Central time with its abbreviation, never UTC. testNow is 12:00 UTC
// on 28 November 2026, 06:00 CST.
func TestAnswersInChicago(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	now := testNow.In(chicago)
	tests := []struct {
		name string
		m    Message
		want string // a time that must be shown
	}{
		{"inv_login_history_chicago", Result(historyJohn(), Options{Now: testNow, PageSize: 10, TZ: chicago}), "2026-11-2"},
		{"investigate_chicago", Result(investigateJohn(), Options{Now: testNow, TZ: chicago}), "CST"},
		{"proposal_chicago", Proposal(suspendProposal(), ProposalOptions{Now: testNow, TZ: chicago}), "CST"},
		{"proposal_detail_chicago", ProposalDetail(executed(suspendProposal()), auditHistory(), now), "CST"},
		{"proposal_list_chicago", Pending(threeProposals(), now), "CST"},
		{"mfa_progress_chicago", MFAProgress(10, 100, now.Add(-time.Minute), now), "CST"},
	}
	stampRE := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d [A-Z]{3}`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Validate(tc.m); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			text, _ := Plain(tc.m)
			all := text + "\n" + tc.m.Text
			stamps := stampRE.FindAllString(all, -1)
			if len(stamps) == 0 || !strings.Contains(all, tc.want) {
				t.Fatalf("no Central time in:\n%s", all)
			}
			for _, s := range stamps {
				if !strings.HasSuffix(s, " CST") {
					t.Errorf("time %q is not Central standard time", s)
				}
			}
			if strings.HasPrefix(tc.name, "inv_login_history") {
				golden(t, tc.name+".json", messageJSON(t, tc.m))
				golden(t, tc.name+".txt", []byte(text+"\n"))
			}
		})
	}
}

// TestStampAcrossDST: a time is shown with the abbreviation in force at
// that instant, so one answer may hold both CDT and CST times.
func TestStampAcrossDST(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), "2026-11-01 01:30 CDT"},
		{time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC), "2026-11-01 01:30 CST"},
		{time.Date(2026, 11, 30, 19, 25, 0, 0, time.UTC), "2026-11-30 13:25 CST"},
		{time.Date(2026, 7, 6, 19, 25, 0, 0, time.UTC), "2026-07-06 14:25 CDT"},
	} {
		if got := stamp(tc.at, chicago); got != tc.want {
			t.Errorf("stamp(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}
