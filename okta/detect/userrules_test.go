package detect

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

// typeRules is a hand-written Rules for the unit tests (okta/detect/rules
// compiles real ones; the okta package's tests run those through the
// sweep): each rule matches the events of one type that still carry their
// raw JSON.
type typeRules map[string]Rule

func (r typeRules) Match(e intents.Event) []Rule {
	if x, ok := r[e.EventType]; ok && len(e.Raw) > 0 {
		return []Rule{x}
	}
	return nil
}

func (r typeRules) EventTypes() ([]string, bool) { return nil, true }

var tokenRule = typeRules{"system.api_token.create": {ID: "19951c21", Title: "Okta API Token Created", Author: "Austin Songer",
	Level: "high", File: "rules/okta_api_token_created.yml", Attack: []string{"T1098.001"}}}

// TestRuleFindings: a team rule's match is a finding of "rule:ID" with
// the rule's level as its severity, its title, ATT&CK ids and author,
// and the matched event; in a batch and in the streaming engine alike.
func TestRuleFindings(t *testing.T) {
	var l orgLog
	l.add(signIn, 0, as(admin))
	tok := l.add("system.api_token.create", time.Minute, as(admin), target("Token", "00T1", "ci-deploy"))
	l.events[1].Raw = []byte(`{"eventType":"system.api_token.create"}`)
	cfg := testConfig()
	cfg.Rules = tokenRule

	want := intents.Finding{
		Detection: "rule:19951c21",
		Severity:  intents.SeverityHigh,
		Score:     60,
		User:      admin,
		Summary:   "Okta API Token Created: system.api_token.create by " + admin + " from " + home,
		Evidence: []intents.Evidence{{Points: 60, Text: "Team rule Okta API Token Created (high, rules/okta_api_token_created.yml, by Austin Songer) matched system.api_token.create " +
			tok.UUID + " at 2026-11-24T14:01:00Z"}},
		Events: []string{tok.UUID},
		Reason: "Okta API Token Created",
		Facts: []string{"Team rule Okta API Token Created (high, rules/okta_api_token_created.yml, by Austin Songer) matched system.api_token.create " +
			tok.UUID + " at 2026-11-24T14:01:00Z"},
		Attack: []string{"T1098.001"},
	}
	pick := func(fs []intents.Finding) []intents.Finding {
		return slices.DeleteFunc(slices.Clone(fs), func(f intents.Finding) bool { return !strings.HasPrefix(f.Detection, RulePrefix) })
	}
	if diff := cmp.Diff([]intents.Finding{want}, pick(Run(cfg, l.events))); diff != "" {
		t.Errorf("Run: rule findings (-want +got):\n%s", diff)
	}
	if got := pick(Run(testConfig(), l.events)); len(got) != 0 {
		t.Errorf("Run without rules: %v", got)
	}

	e := NewEngine(cfg, Limits{})
	got := pick(e.Feed(slices.Clone(l.events)))
	want.IPs, want.Last = []string{home}, tok.Published
	if diff := cmp.Diff([]intents.Finding{want}, got); diff != "" {
		t.Errorf("Engine.Feed: rule findings (-want +got):\n%s", diff)
	}
	if again := pick(e.Feed(slices.Clone(l.events))); len(again) != 0 {
		t.Errorf("Engine.Feed of the same events again: %v, want nothing new", again)
	}
	a := e.Analysis()
	if len(pick(a.Findings)) != 1 || len(a.Proposals) != 0 {
		t.Errorf("Analysis: findings %v, proposals %v; want the rule's finding and no fix", a.Findings, a.Proposals)
	}
	if evs := e.FindingEvents(); !slices.ContainsFunc(evs, func(ev intents.Event) bool { return ev.UUID == tok.UUID }) {
		t.Errorf("FindingEvents = %v, want the matched event", evs)
	}
}

// TestRuleScore: Sigma's levels fall in our bands.
func TestRuleScore(t *testing.T) {
	for level, want := range map[string]intents.Severity{
		"informational": intents.SeverityLow, "low": intents.SeverityLow, "medium": intents.SeverityMedium,
		"high": intents.SeverityHigh, "critical": intents.SeverityCritical, "HIGH": intents.SeverityHigh, "": intents.SeverityMedium,
	} {
		if got := intents.Band(RuleScore(level)); got != want {
			t.Errorf("Band(RuleScore(%q)) = %s, want %s", level, got, want)
		}
	}
}
