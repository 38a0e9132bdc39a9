package blocks

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// fpState is a FalsePositiveModal submission.
func fpState(detection, scope, days, reason string) *slack.ViewState {
	v := map[string]map[string]slack.BlockAction{
		BlockFPDetection: {BlockFPDetection: {SelectedOption: slack.OptionBlockObject{Value: detection}}},
		BlockFPScope:     {BlockFPScope: {SelectedOption: slack.OptionBlockObject{Value: scope}}},
		BlockFPDays:      {BlockFPDays: {Value: days}},
		BlockFPReason:    {BlockFPReason: {Value: reason}},
	}
	return &slack.ViewState{Values: v}
}

func TestFalsePositiveModalGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		inc  intents.Incident
	}{{"incident_fp_modal", takeover()}, {"incident_fp_modal_org", orgSpray()}} {
		t.Run(tc.name, func(t *testing.T) {
			v := FalsePositiveModal(tc.inc)
			if len(v.Blocks.BlockSet) > MaxModalBlocks || chars(v.Title.Text) > MaxModalTitle {
				t.Errorf("modal over Slack's limits")
			}
			golden(t, tc.name+".json", viewJSON(t, v))
		})
	}
}

func TestFalsePositiveModalOptions(t *testing.T) {
	inc := takeover()
	inc.Findings[1].IPs = append(inc.Findings[1].IPs, "not an ip", "2001:db8::1")
	for i := range 20 {
		inc.Findings = append(inc.Findings, intents.Finding{Detection: "impossible_travel", IPs: []string{fmt.Sprintf("10.0.0.%d", i)}})
	}
	v := FalsePositiveModal(inc)
	var detections, scopes []string
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		switch el := in.Element.(type) {
		case *slack.SelectBlockElement:
			for _, o := range el.Options {
				detections = append(detections, o.Value)
			}
		case *slack.RadioButtonsBlockElement:
			for _, o := range el.Options {
				scopes = append(scopes, o.Value)
			}
		}
	}
	if want := []string{"success_after_failures", "impossible_travel", "anonymizing_proxy_login"}; !cmp.Equal(detections, want) {
		t.Errorf("detections = %q, want %q", detections, want)
	}
	if len(scopes) != 10 || scopes[0] != "user" || scopes[1] != "ip:185.220.101.1" || scopes[3] != "ip:2001:db8::1" {
		t.Errorf("scopes = %q: want the user, then valid distinct IPs, 10 in all", scopes)
	}
}

// TestFalsePositiveModalEmpty: an incident without findings or IPs gets
// no select or radio input without options (Slack refuses those).
func TestFalsePositiveModalEmpty(t *testing.T) {
	for _, b := range FalsePositiveModal(intents.Incident{ID: "inc-0"}).Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && (in.BlockID == BlockFPDetection || in.BlockID == BlockFPScope) {
			t.Errorf("input %s shown with nothing to choose", in.BlockID)
		}
	}
}

func TestParseFalsePositive(t *testing.T) {
	inc := takeover()
	got, err := ParseFalsePositive(inc, fpState("impossible_travel", "ip:203.0.113.9", " 30 ", "VPN exit\nin Frankfurt"), "U0ANA1", testNow)
	if err != nil {
		t.Fatalf("ParseFalsePositive = %v", err)
	}
	want := intents.Suppression{Detection: "impossible_travel", IP: "203.0.113.9", Until: testNow.Add(30 * day),
		By: "U0ANA1", At: testNow, Incident: "inc-4F7K", Reason: "VPN exit in Frankfurt"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppression (-want +got):\n%s", diff)
	}
	got, err = ParseFalsePositive(inc, fpState("success_after_failures", "user", "7", "travel"), "U0ANA1", testNow)
	if err != nil || got.User != johnLogin || got.IP != "" || !got.Until.Equal(testNow.Add(7*day)) {
		t.Errorf("user scope = %+v, %v", got, err)
	}
	if !got.Matches(inc.Findings[0], testNow.Add(6*day)) {
		t.Errorf("the suppression does not silence the finding it was made from")
	}
}

func TestParseFalsePositiveBadInput(t *testing.T) {
	good := []string{"impossible_travel", "user", "7", "VPN"}
	tests := []struct {
		name  string
		field int // which of good to replace
		value string
		block string
		msg   string
	}{
		{"no detection", 0, "", BlockFPDetection, "Choose a detection."},
		{"foreign detection", 0, "privilege_grant", BlockFPDetection, "not one of this incident's"},
		{"no scope", 1, "", BlockFPScope, "Choose this user or an IP."},
		{"foreign IP", 1, "ip:8.8.8.8", BlockFPScope, "not this incident's user"},
		{"forged scope", 1, "org", BlockFPScope, "not this incident's user"},
		{"no days", 2, " ", BlockFPDays, "from 1 to 90"},
		{"zero days", 2, "0", BlockFPDays, "from 1 to 90"},
		{"91 days", 2, "91", BlockFPDays, "from 1 to 90"},
		{"negative days", 2, "-3", BlockFPDays, "from 1 to 90"},
		{"fraction", 2, "7.5", BlockFPDays, "whole number"},
		{"words", 2, "a week", BlockFPDays, "whole number"},
		{"huge", 2, "99999999999999999999", BlockFPDays, "whole number"},
		{"no reason", 3, " \n\t", BlockFPReason, "Say why"},
		{"long reason", 3, strings.Repeat("x", 501), BlockFPReason, "At most 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := append([]string(nil), good...)
			v[tc.field] = tc.value
			sp, err := ParseFalsePositive(takeover(), fpState(v[0], v[1], v[2], v[3]), "U0ANA1", testNow)
			var fe FieldErrors
			if !errors.As(err, &fe) || !errors.Is(err, intents.ErrInvalid) {
				t.Fatalf("ParseFalsePositive = %+v, %v; want FieldErrors", sp, err)
			}
			if sp != (intents.Suppression{}) {
				t.Errorf("suppression %+v returned with an error", sp)
			}
			if len(fe) != 1 || !strings.Contains(fe[tc.block], tc.msg) {
				t.Errorf("errors = %q, want only %s: …%s…", fe, tc.block, tc.msg)
			}
		})
	}
	// A user scope on an incident without a user.
	if _, err := ParseFalsePositive(orgSpray(), fpState("failed_login_burst", "user", "7", "x"), "U0ANA1", testNow); err == nil {
		t.Errorf("user scope accepted on an org-wide incident")
	}
	// Nothing submitted at all.
	_, err := ParseFalsePositive(takeover(), nil, "U0ANA1", testNow)
	var fe FieldErrors
	if !errors.As(err, &fe) || len(fe) != 4 {
		t.Errorf("empty submission: %v", err)
	}
	if _, err := ParseFalsePositive(takeover(), fpState(good[0], good[1], good[2], good[3]), "", testNow); err == nil {
		t.Errorf("a suppression by nobody was accepted")
	}
}

func someSuppressions() []intents.Suppression {
	return []intents.Suppression{
		{ID: "sp-1", Detection: "impossible_travel", User: johnLogin, Until: testNow.Add(6 * day), By: "U0ANA1", At: ago(day), Incident: "inc-4F7K", Reason: "Travels with a VPN in Frankfurt"},
		{ID: "sp-2", Detection: "failed_login_burst", IP: "198.51.100.7", Until: testNow.Add(30 * day), By: "U0BEN2", At: ago(2 * time.Hour), Reason: "Our scanner <qa>"},
	}
}

func TestSuppressionListGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		sps  []intents.Suppression
	}{{"incident_suppressions", someSuppressions()}, {"incident_suppressions_none", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			goldenMessage(t, tc.name, Message{Text: "suppressions", Blocks: SuppressionList(tc.sps, cet)})
		})
	}
}

func TestSuppressionList(t *testing.T) {
	m := Message{Text: "x", Blocks: SuppressionList(someSuppressions(), nil)}
	if got, want := buttonsOf(m), []string{ActionSuppressionRemove + "=sp-1", ActionSuppressionRemove + "_2=sp-2"}; !cmp.Equal(got, want) {
		t.Errorf("buttons = %q, want %q", got, want)
	}
	if BaseAction(ActionSuppressionRemove+"_2") != ActionSuppressionRemove {
		t.Errorf("BaseAction does not read a numbered Remove back")
	}
	if text, _ := Plain(Message{Text: "x", Blocks: SuppressionList(nil, nil)}); !strings.Contains(text, "No suppressions") {
		t.Errorf("empty list says %q", text)
	}
	for vname, v := range hostileValues() {
		var sps []intents.Suppression
		for i := range 200 {
			sps = append(sps, intents.Suppression{ID: fmt.Sprintf("sp-%d", i), Detection: v, User: v, IP: v, By: v, Reason: v, Until: testNow, At: testNow})
		}
		m := Message{Text: "x", Blocks: SuppressionList(sps, cet)}
		if err := Validate(m); err != nil {
			t.Errorf("%s: Validate = %v", vname, err)
		}
		checkOnlyOurTokens(t, vname, strings.Join(mrkdwnTexts(t, m), "\n"))
		if text, _ := Plain(m); !strings.Contains(text, "more suppressions not shown") {
			t.Errorf("%s: 200 suppressions do not say how many are left out", vname)
		}
	}
}
