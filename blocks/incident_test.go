package blocks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// cet is the team's zone in the watcher's fixtures.
var cet = time.FixedZone("CET", 3600)

const johnLogin = "john.smith@company.com"

// takeover is an open critical incident about john: three findings, the
// second repeating a fact of the first, the third with scored items only.
func takeover() intents.Incident {
	return intents.Incident{
		ID: "inc-4F7K", Key: "user:" + johnLogin, Subject: johnLogin, Status: intents.IncidentOpen,
		Opened: ago(40 * time.Minute), Updated: ago(10 * time.Minute),
		Score: 94, Severity: intents.SeverityCritical,
		Summary: "Sign-in succeeded after 12 failures from 185.220.101.1",
		Findings: []intents.Finding{
			{Detection: "success_after_failures", Severity: intents.SeverityCritical, Score: 90, User: johnLogin,
				Summary: "Sign-in succeeded after 12 failures from 185.220.101.1",
				Reason:  "Sign-in from a Tor exit node after 12 failed attempts",
				Facts: []string{"12 failed sign-ins from 185.220.101.1 (Tor exit node)", "successful sign-in from the same IP at 11:25",
					"then SSO into 7 applications within 1 h"},
				IPs: []string{"185.220.101.1"}, Events: []string{"e1", "e2"}},
			{Detection: "impossible_travel", Severity: intents.SeverityHigh, Score: 70, User: johnLogin,
				Summary: "Frankfurt, Germany → Sydney, Australia in 40 minutes",
				Facts:   []string{"12 failed sign-ins from 185.220.101.1 (Tor exit node)", "Frankfurt, Germany then Sydney, Australia 40 minutes apart"},
				IPs:     []string{"185.220.101.1", "203.0.113.9"}, Events: []string{"e3"}},
			{Detection: "anonymizing_proxy_login", Severity: intents.SeverityMedium, Score: 40, User: johnLogin,
				Summary:  "Sign-in through an anonymizing proxy",
				Evidence: []intents.Evidence{{Text: "known device", Points: -5}, {Text: "sign-in through Tor (anonymizing_proxy_login)", Points: 40}},
				Events:   []string{"e1"}},
		},
		Version: 2, Posted: 2, Notified: intents.SeverityCritical,
		Proposals: []string{"p-7Q2MXK", "p-8R3NYL"},
	}
}

func acknowledged(inc intents.Incident) intents.Incident {
	inc.Status, inc.AckBy, inc.AckAt = intents.IncidentAcknowledged, "U0ANA1", ago(5*time.Minute)
	return inc
}

func closedFP(inc intents.Incident) intents.Incident {
	inc = acknowledged(inc)
	inc.Status, inc.ClosedBy, inc.ClosedAt, inc.Closing = intents.IncidentClosed, "U0ANA1", ago(time.Minute), "false positive"
	return inc
}

// orgSpray is an org-wide incident: no user, one finding.
func orgSpray() intents.Incident {
	return intents.Incident{
		ID: "inc-9SPR", Key: "org:failed_login_burst", Status: intents.IncidentOpen,
		Opened: ago(15 * time.Minute), Updated: ago(15 * time.Minute), Score: 75, Severity: intents.SeverityHigh,
		Summary: "Password spray: 140 failed sign-ins from 198.51.100.7 against 60 users",
		Findings: []intents.Finding{{Detection: "failed_login_burst", Severity: intents.SeverityHigh, Score: 75,
			Summary: "Password spray: 140 failed sign-ins from 198.51.100.7 against 60 users",
			Facts:   []string{"140 failed sign-ins in 10 minutes", "60 different users", "all from 198.51.100.7"},
			IPs:     []string{"198.51.100.7"}}},
	}
}

// incidentMessage is the incident as the bot posts it.
func incidentMessage(inc intents.Incident) Message {
	return Message{Text: IncidentText(inc, false), Blocks: IncidentMessage(inc, IncidentOptions{Location: cet})}
}

// goldenMessage checks m against Slack's limits and against
// testdata/name.json and name.txt.
func goldenMessage(t *testing.T, name string, m Message) {
	t.Helper()
	if err := Validate(m); err != nil {
		t.Fatalf("Validate(%s) = %v", name, err)
	}
	golden(t, name+".json", messageJSON(t, m))
	text, _ := Plain(m)
	golden(t, name+".txt", []byte(text+"\n"))
}

func TestIncidentGolden(t *testing.T) {
	answered := takeover()
	answered.Answer, answered.AskedAt = intents.AnswerNo, ago(20*time.Minute)
	noSlack := orgSpray()
	noSlack.Subject, noSlack.NoSlack = "contractor@partner.example", true
	tests := []struct {
		name string
		inc  intents.Incident
	}{
		{"incident_open", takeover()},
		{"incident_acknowledged", acknowledged(takeover())},
		{"incident_closed", closedFP(takeover())},
		{"incident_org", orgSpray()},
		{"incident_answered_no", answered},
		{"incident_no_slack", noSlack},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			goldenMessage(t, tc.name, incidentMessage(tc.inc))
		})
	}
}

func TestIncidentButtons(t *testing.T) {
	all := []string{ActionIncidentAck + "=inc-4F7K", ActionIncidentInvestigate + "=inc-4F7K", ActionIncidentFalsePositive + "=inc-4F7K", ActionIncidentClose + "=inc-4F7K"}
	tests := []struct {
		name string
		inc  intents.Incident
		want []string
	}{
		{"open", takeover(), all},
		{"acknowledged hides Acknowledge", acknowledged(takeover()), all[1:]},
		{"closed has none", closedFP(takeover()), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := buttonsOf(incidentMessage(tc.inc)); !slices.Equal(got, tc.want) {
				t.Errorf("buttons = %q, want %q", got, tc.want)
			}
		})
	}
}

// evidenceBullets are the "• " lines of the incident's summary section.
func evidenceBullets(t *testing.T, bs []slack.Block) []string {
	t.Helper()
	for _, b := range bs {
		if s, ok := b.(*slack.SectionBlock); ok && s.BlockID == "incident_summary" {
			var out []string
			for _, l := range strings.Split(s.Text.Text, "\n") {
				if b, ok := strings.CutPrefix(l, "• "); ok {
					out = append(out, b)
				}
			}
			return out
		}
	}
	t.Fatal("no incident_summary section")
	return nil
}

func TestIncidentEvidence(t *testing.T) {
	got := evidenceBullets(t, IncidentMessage(takeover(), IncidentOptions{}))
	want := []string{
		"12 failed sign-ins from 185.220.101.1 (Tor exit node)", // worst finding first
		"Successful sign-in from the same IP at 11:25",
		"Then SSO into 7 applications within 1 h",
		"Frankfurt, Germany then Sydney, Australia 40 minutes apart", // the repeat is left out
		"Sign-in through Tor",                                        // scored items when no facts; ids trimmed
	}
	if !slices.Equal(got, want) {
		t.Errorf("evidence =\n%q\nwant\n%q", got, want)
	}

	// Many findings: at most five, none repeated, none cut mid-word.
	inc := takeover()
	inc.Findings = nil
	long := strings.Repeat("supercalifragilistic ", 40)
	for i := range 50 {
		inc.Findings = append(inc.Findings, intents.Finding{Detection: fmt.Sprintf("det_%d", i), Score: 100 - i,
			Facts: []string{fmt.Sprintf("fact %d %s", i, long), "the same fact"}})
	}
	got = evidenceBullets(t, IncidentMessage(inc, IncidentOptions{}))
	if len(got) != maxCardFacts {
		t.Fatalf("%d bullets, want %d: %q", len(got), maxCardFacts, got)
	}
	if got[1] != "The same fact" || got[2] != "Fact 1 "+strings.TrimSuffix(got[2][7:], "…")+"…" {
		t.Errorf("bullets are not strongest first without repeats: %q", got)
	}
	for _, b := range got {
		if s, ok := strings.CutSuffix(b, "…"); ok && !strings.HasSuffix(s, "supercalifragilistic") {
			t.Errorf("bullet cut mid-word: …%q", s[max(0, len(s)-30):])
		}
	}
}

func TestIncidentLongAndHostile(t *testing.T) {
	for vname, v := range hostileValues() {
		t.Run(vname, func(t *testing.T) {
			inc := takeover()
			inc.Subject, inc.ID, inc.Closing, inc.AckBy, inc.Summary = v, "inc-1", v, v, v
			inc.Findings = nil
			for i := range 50 {
				inc.Findings = append(inc.Findings, intents.Finding{Detection: v, Score: i, User: v, Summary: v, Reason: v,
					Facts: []string{v + fmt.Sprint(i), v}, IPs: []string{v}, Evidence: []intents.Evidence{{Text: v, Points: 5}}})
			}
			for _, st := range []intents.IncidentStatus{intents.IncidentOpen, intents.IncidentAcknowledged, intents.IncidentClosed} {
				inc.Status = st
				m := incidentMessage(inc)
				if err := Validate(m); err != nil {
					t.Fatalf("%s: Validate = %v", st, err)
				}
				checkOnlyOurTokens(t, string(st)+" blocks", strings.Join(mrkdwnTexts(t, m), "\n"))
				checkOnlyOurTokens(t, string(st)+" text", m.Text)
			}
			line := IncidentChangeLine(intents.IncidentChange{Incident: inc, Lines: []string{"New: " + v, "Grew: " + v}})
			checkOnlyOurTokens(t, "change line", line)
			if chars(line) > MaxSectionText {
				t.Errorf("change line is %d characters", chars(line))
			}
		})
	}
}

func TestIncidentText(t *testing.T) {
	inc := takeover()
	plainText := IncidentText(inc, false)
	if want := ":rotating_light: Critical incident: " + johnLogin + " — Sign-in from a Tor exit node after 12 failed attempts"; plainText != want {
		t.Errorf("IncidentText = %q, want %q", plainText, want)
	}
	if got := IncidentText(inc, true); got != "<!here> "+plainText {
		t.Errorf("IncidentText(mentionHere) = %q", got)
	}
	inc.Subject = "<!channel>"
	if got := IncidentText(inc, false); strings.Contains(got, "<!channel>") {
		t.Errorf("IncidentText lets a subject mention the channel: %q", got)
	}
}

func TestIncidentChangeLine(t *testing.T) {
	inc := takeover()
	tests := []struct {
		name string
		ch   intents.IncidentChange
		want string
	}{
		{"new", intents.IncidentChange{Incident: inc, New: true}, "Opened: Sign-in succeeded after 12 failures from 185.220.101.1"},
		{"grew", intents.IncidentChange{Incident: inc, Lines: []string{"New: Sign-in through <Tor>", "Grew: 14 failures"}},
			"Updated: New: Sign-in through &lt;Tor&gt; · Grew: 14 failures"},
		{"rose", intents.IncidentChange{Incident: inc, Rose: true, Lines: []string{"New: Impossible travel", "Severity high → critical"}},
			":rotating_light: *Severity rose: High → Critical*\nUpdated: New: Impossible travel"},
		{"fell", intents.IncidentChange{Incident: inc, Lines: []string{"Severity critical → high"}},
			":red_circle: *Severity fell: Critical → High*\nUpdated"},
		{"rose without a line", intents.IncidentChange{Incident: inc, Rose: true, Lines: []string{"Grew: 14 failures"}},
			":rotating_light: *Severity rose to Critical*\nUpdated: Grew: 14 failures"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IncidentChangeLine(tc.ch); got != tc.want {
				t.Errorf("IncidentChangeLine = %q, want %q", got, tc.want)
			}
		})
	}
	var many []string
	for i := range 50 {
		many = append(many, fmt.Sprintf("New: finding %d", i))
	}
	if got := IncidentChangeLine(intents.IncidentChange{Incident: inc, Lines: many}); !strings.HasSuffix(got, "and 44 more changes") {
		t.Errorf("50 changes: %q", got)
	}
}

// viewJSON is a view as a golden file holds it.
func viewJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func frankfurt() WasThisYouEvent {
	return WasThisYouEvent{Incident: "inc-4F7K", Time: time.Date(2026, 11, 28, 0, 49, 0, 0, time.UTC), City: "Frankfurt", Country: "Germany",
		IP: "185.220.101.1", Client: "Chrome on macOS", Location: cet}
}

func TestWasThisYouGolden(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"incident_ask", Message{Text: WasThisYouText(frankfurt()), Blocks: WasThisYou(frankfurt())}},
		{"incident_ask_yes", Message{Text: "answered", Blocks: WasThisYouAnswered(frankfurt(), intents.AnswerYes)}},
		{"incident_ask_no", Message{Text: "answered", Blocks: WasThisYouAnswered(frankfurt(), intents.AnswerNo)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			goldenMessage(t, tc.name, tc.m)
		})
	}
}

func TestWasThisYou(t *testing.T) {
	want := "We saw a sign-in to your Okta account from Frankfurt, Germany at 01:49 CET on Sat 28 Nov — was this you?"
	if got := WasThisYouText(frankfurt()); got != want {
		t.Errorf("WasThisYouText = %q, want %q", got, want)
	}
	m := Message{Text: "x", Blocks: WasThisYou(frankfurt())}
	if got, want := buttonsOf(m), []string{ActionWasThisYouYes + "=inc-4F7K", ActionWasThisYouNo + "=inc-4F7K"}; !slices.Equal(got, want) {
		t.Errorf("buttons = %q, want %q", got, want)
	}
	for _, a := range []string{intents.AnswerYes, intents.AnswerNo} {
		if got := buttonsOf(Message{Text: "x", Blocks: WasThisYouAnswered(frankfurt(), a)}); len(got) != 0 {
			t.Errorf("answered %s still has buttons %q", a, got)
		}
	}
	if got := AnswerLine(johnLogin, intents.AnswerNo); !strings.Contains(got, "*No*") || !strings.Contains(got, johnLogin) {
		t.Errorf("AnswerLine(no) = %q", got)
	}
	if got := AnswerLine(johnLogin, intents.AnswerYes); !strings.Contains(got, "*Yes*") {
		t.Errorf("AnswerLine(yes) = %q", got)
	}
	unknown := WasThisYouEvent{Incident: "inc-1"}
	if got := WasThisYouText(unknown); got != "We saw a sign-in to your Okta account from an unknown place — was this you?" {
		t.Errorf("no place or time: %q", got)
	}
	for vname, v := range hostileValues() {
		ev := WasThisYouEvent{Incident: "inc-1", City: v, Country: v, IP: v, Client: v, Time: testNow}
		for _, bs := range [][]slack.Block{WasThisYou(ev), WasThisYouAnswered(ev, intents.AnswerNo)} {
			m := Message{Text: WasThisYouText(ev), Blocks: bs}
			if err := Validate(m); err != nil {
				t.Errorf("%s: Validate = %v", vname, err)
			}
			checkOnlyOurTokens(t, vname, strings.Join(mrkdwnTexts(t, m), "\n"))
		}
		checkOnlyOurTokens(t, vname+" answer line", AnswerLine(v, v))
		checkOnlyOurTokens(t, vname+" not asked", NotAskedLine(v))
	}
}

// TestAnswerMessage offers Close after a Yes only, and never on a closed
// incident.
func TestAnswerMessage(t *testing.T) {
	inc := intents.Incident{ID: "i-ABC234", Subject: johnLogin, Status: intents.IncidentOpen}
	has := func(bs []slack.Block) bool {
		for _, b := range bs {
			if a, ok := b.(*slack.ActionBlock); ok {
				for _, el := range a.Elements.ElementSet {
					if bt, ok := el.(*slack.ButtonBlockElement); ok && bt.ActionID == ActionIncidentClose && bt.Value == inc.ID {
						return true
					}
				}
			}
		}
		return false
	}
	if !has(AnswerMessage(inc, intents.AnswerYes)) {
		t.Error("a Yes does not offer Close")
	}
	if has(AnswerMessage(inc, intents.AnswerNo)) {
		t.Error("a No offers Close")
	}
	inc.Status = intents.IncidentClosed
	if has(AnswerMessage(inc, intents.AnswerYes)) {
		t.Error("a closed incident offers Close")
	}
}
