package blocks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// someDay is a watched day with two incidents opened, one closed, two
// proposals pending, an MFA change and six detections.
func someDay() DigestData {
	return DigestData{
		From: ago(day), To: testNow, Location: cet,
		Opened:    []intents.Incident{acknowledged(orgSpray()), takeover()},
		Closed:    []intents.Incident{closedFP(takeover())},
		Pending:   []intents.Proposal{suspendProposal(), clearSessionsProposal()},
		MFABefore: &intents.MFAReport{ScannedAt: ago(day), Active: 1200, NoFactor: 14},
		MFANow:    &intents.MFAReport{ScannedAt: ago(time.Hour), Active: 1203, NoFactor: 17},
		Detections: map[string]int{"failed_login_burst": 42, "impossible_travel": 3, "mfa_push_fatigue": 3,
			"success_after_failures": 7, "account_lockout": 12, "anonymizing_proxy_login": 1, "privilege_grant": 0},
		Watching: true,
	}
}

func digestMessage(d DigestData) Message { return Message{Text: DigestText(d), Blocks: Digest(d)} }

func TestDigestGolden(t *testing.T) {
	quiet := DigestData{From: ago(day), To: testNow, Location: cet, Watching: true}
	gaps := someDay()
	gaps.Opened = nil
	gaps.Gaps = []Gap{{ago(20 * time.Hour), ago(18 * time.Hour)}, {ago(3 * time.Hour), ago(150 * time.Minute)}}
	off := quiet
	off.Watching = false
	tests := []struct {
		name string
		d    DigestData
	}{
		{"incident_digest", someDay()},
		{"incident_digest_quiet", quiet},
		{"incident_digest_gaps", gaps},
		{"incident_digest_off", off},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { goldenMessage(t, tc.name, digestMessage(tc.d)) })
	}
}

// TestDigestNoFalseAllClear: "No incidents" is said only for a day the
// watcher read whole.
func TestDigestNoFalseAllClear(t *testing.T) {
	quiet := DigestData{From: ago(day), To: testNow, Watching: true}
	text, _ := Plain(digestMessage(quiet))
	if !strings.Contains(text, "No incidents: the watcher read the System Log all day") {
		t.Fatalf("a quiet watched day is not called quiet:\n%s", text)
	}
	for name, d := range map[string]DigestData{
		"watcher off": {From: ago(day), To: testNow},
		"one gap":     {From: ago(day), To: testNow, Watching: true, Gaps: []Gap{{ago(2 * time.Hour), ago(time.Hour)}}},
		"all day gap": {From: ago(day), To: testNow, Watching: true, Gaps: []Gap{{ago(day), testNow}}},
	} {
		m := digestMessage(d)
		text, _ := Plain(m)
		if strings.Contains(text, "No incidents") || strings.Contains(text, "all day") {
			t.Errorf("%s: the digest claims a quiet day:\n%s", name, text)
		}
		if !strings.Contains(text, "/okta threats 24h") || !strings.Contains(m.Text, "did not cover the whole day") {
			t.Errorf("%s: the digest does not say what to do about the gap:\n%s\n%s", name, text, m.Text)
		}
	}
	text, _ = Plain(digestMessage(DigestData{From: ago(day), To: testNow, Watching: true, Gaps: []Gap{{ago(2 * time.Hour), ago(time.Hour)}}}))
	if !strings.Contains(text, "missed 1 h of the day") {
		t.Errorf("the gap's length is not said:\n%s", text)
	}
}

func TestDigestMFA(t *testing.T) {
	scan := func(at time.Time, n int) *intents.MFAReport {
		return &intents.MFAReport{ScannedAt: at, Active: 100, NoFactor: n}
	}
	tests := []struct {
		name        string
		before, now *intents.MFAReport
		want        string
	}{
		{"no scan", nil, nil, "*MFA coverage:* unknown — no MFA scan yet"},
		{"one scan", nil, scan(ago(time.Hour), 5), "5 active users of 100 without MFA"},
		{"same scan twice", scan(ago(time.Hour), 5), scan(ago(time.Hour), 5), "no earlier scan to compare with"},
		{"worse", scan(ago(day), 5), scan(ago(time.Hour), 8), ":warning: *3 more* than at"},
		{"better", scan(ago(day), 5), scan(ago(time.Hour), 1), "; 4 fewer than at"},
		{"same", scan(ago(day), 5), scan(ago(time.Hour), 5), "; unchanged since"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := digestMFA(tc.before, tc.now, cet); !strings.Contains(got, tc.want) {
				t.Errorf("digestMFA = %q, want it to hold %q", got, tc.want)
			}
		})
	}
}

func TestDigestNoisiest(t *testing.T) {
	got := noisiest(someDay().Detections)
	want := "*Noisiest detections*\n• Burst of failed sign-ins `failed_login_burst` ×42\n• Account locked out `account_lockout` ×12\n" +
		"• Sign-in succeeded after failures `success_after_failures` ×7\n• Impossible travel `impossible_travel` ×3\n" +
		"• MFA push fatigue `mfa_push_fatigue` ×3"
	if got != want {
		t.Errorf("noisiest =\n%s\nwant\n%s", got, want)
	}
	if got := noisiest(map[string]int{"x": 0}); got != "" {
		t.Errorf("no findings: %q", got)
	}
}

func TestDigestLongAndHostile(t *testing.T) {
	for vname, v := range hostileValues() {
		d := someDay()
		d.Opened, d.Closed, d.Pending, d.Gaps = nil, nil, nil, nil
		d.Detections = map[string]int{}
		for i := range 50 {
			inc := closedFP(takeover())
			inc.Subject, inc.Closing, inc.ClosedBy = v, v, v
			inc.Findings = []intents.Finding{{Detection: v, Summary: v, Reason: v, Score: i}}
			d.Opened, d.Closed = append(d.Opened, inc), append(d.Closed, inc)
			p := hostileProposal(v, 3, intents.StatePending)
			p.ID = fmt.Sprintf("p-%d", i)
			d.Pending = append(d.Pending, p)
			d.Gaps = append(d.Gaps, Gap{ago(time.Duration(i+2) * time.Minute), ago(time.Duration(i+1) * time.Minute)})
			d.Detections[fmt.Sprint(v, i)] = i
		}
		m := digestMessage(d)
		if err := Validate(m); err != nil {
			t.Errorf("%s: Validate = %v", vname, err)
		}
		checkOnlyOurTokens(t, vname, strings.Join(mrkdwnTexts(t, m), "\n"))
		text, _ := Plain(m)
		for _, want := range []string{"… and 40 more incidents", "and 45 more gaps", "… and 45 more: `/okta pending`"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q in\n%s", vname, want, text)
			}
		}
	}
}
