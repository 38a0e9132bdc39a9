package blocks

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

func TestHelpCoversCatalogue(t *testing.T) {
	all := Help("")
	if err := Validate(all); err != nil {
		t.Fatalf("Validate(Help(\"\")) = %v", err)
	}
	allText, _ := Plain(all)
	for _, k := range intents.Catalogue {
		if !strings.Contains(allText, "/okta "+k.Verbs[0]) || !strings.Contains(allText, k.Summary) {
			t.Errorf("Help(\"\") lacks %s (%q, %q)", k.Kind, k.Verbs[0], k.Summary)
		}
	}
	for _, a := range intents.Areas() {
		m := Help(a)
		if err := Validate(m); err != nil {
			t.Errorf("Validate(Help(%q)) = %v", a, err)
			continue
		}
		text, _ := Plain(m)
		for _, k := range intents.InArea(a) {
			if !strings.Contains(text, k.Summary) || (k.Example != "" && !strings.Contains(text, k.Example)) {
				t.Errorf("Help(%q) lacks %s's summary or example", a, k.Kind)
			}
		}
		for _, other := range intents.Catalogue {
			if other.Area != a && strings.Contains(text, other.Summary) {
				t.Errorf("Help(%q) shows %s of area %q", a, other.Kind, other.Area)
			}
		}
	}
}

func TestHelpUnknownAreaIsOverview(t *testing.T) {
	got, _ := Plain(Help("no such area"))
	want, _ := Plain(Help(""))
	if got != want {
		t.Errorf("Help(unknown) is not the overview")
	}
}

func TestResultHelpKind(t *testing.T) {
	tests := []struct {
		query string
		want  intents.Area
	}{
		{"", ""},
		{"users", intents.AreaUsers},
		{"user", intents.AreaUsers},
		{"logs", intents.AreaSystemLog},
		{"system log", intents.AreaSystemLog},
		{"suspend", intents.AreaUserActions},
		{"applications", intents.AreaApps},
		{"Investigate", intents.AreaInvestigation},
		{"nonsense", ""},
	}
	for _, tc := range tests {
		if got := areaFor(tc.query); got != tc.want {
			t.Errorf("areaFor(%q) = %q, want %q", tc.query, got, tc.want)
		}
		got, _ := Plain(Result(intents.Result{Intent: intents.Intent{Kind: intents.Help, Query: tc.query}}, Options{}))
		want, _ := Plain(Help(tc.want))
		if got != want {
			t.Errorf("Result(help %q) is not Help(%q)", tc.query, tc.want)
		}
	}
}

func TestErrorAndWorking(t *testing.T) {
	tests := []struct {
		name      string
		m         Message
		wantPlain []string
		wantText  string
	}{
		{"error escapes everything", Error(ErrorInfo{Title: "<!channel> failed", Detail: "a & b", WhatToDo: "<https://evil|fix>", CorrelationID: "ab`c"}),
			[]string{"⚠️ <!channel> failed", "a & b", "What to do: <https://evil|fix>", "Reference `ab'c`"}, "⚠️ &lt;!channel&gt; failed: &lt;https://evil|fix&gt; (ref ab`c)"},
		{"error with only a title", Error(ErrorInfo{Title: "Okta is unavailable"}), []string{"⚠️ Okta is unavailable"}, "⚠️ Okta is unavailable"},
		{"empty error still says something", Error(ErrorInfo{}), []string{"Something went wrong"}, "⚠️ Something went wrong"},
		{"working default", Working(""), []string{"⏳ Looking that up…"}, "⏳ Looking that up…"},
		{"working custom", Working("Investigating john@x <3"), []string{"⏳ Investigating john@x <3"}, "⏳ Investigating john@x &lt;3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Validate(tc.m); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if tc.m.Text != tc.wantText {
				t.Errorf("Text = %q, want %q", tc.m.Text, tc.wantText)
			}
			for _, s := range mrkdwnTexts(t, tc.m) {
				checkInert(t, tc.name, s)
			}
			text, _ := Plain(tc.m)
			for _, w := range tc.wantPlain {
				if !strings.Contains(text, w) {
					t.Errorf("Plain() = %q, want it to contain %q", text, w)
				}
			}
		})
	}
}
