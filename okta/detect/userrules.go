package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The team's own rules: single-event rules a team writes (Sigma files in
// OKTABOT_RULES_DIR, compiled by okta/detect/rules), run after the
// catalogue on every event, in batch and streaming alike.

// Rules are a team's own compiled rules. Config.Rules holds them; nil has
// none.
type Rules interface {
	// Match returns the rules e matches, in a fixed order.
	Match(e intents.Event) []Rule
	// EventTypes are the event types some rule may match (a trailing "*"
	// is a prefix), for the System Log filter; all reports a rule that may
	// match an event of any type, so that the log must be read unfiltered.
	EventTypes() (types []string, all bool)
}

// OfType reports whether an event of type t is one of types (as
// Rules.EventTypes gives them: a trailing "*" is a prefix), without regard
// to case.
func OfType(t string, types []string) bool {
	for _, w := range types {
		if p, ok := strings.CutSuffix(w, "*"); ok {
			if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
				return true
			}
		} else if strings.EqualFold(t, w) {
			return true
		}
	}
	return false
}

// Rule is what a finding shows of a team's rule.
type Rule struct {
	ID     string   // the rule's id (Sigma's uuid, or its file name without one)
	Title  string   // what it finds, in a line
	Author string   // who wrote it; findings name them (the Detection Rule License asks it)
	Level  string   // informational, low, medium, high or critical
	File   string   // the file it came from
	Attack []string // ATT&CK technique ids from its tags ("T1098.003")
}

// RulePrefix starts the Detection of a team rule's finding: "rule:" and
// the rule's id.
const RulePrefix = "rule:"

// ruleScores are the scores of a rule's levels, each inside the band
// Sigma's level names (informational and low are Low).
var ruleScores = map[string]int{
	"informational": 10,
	"low":           18,
	"medium":        35,
	"high":          60,
	"critical":      85,
}

// RuleScore is the score a finding of a rule of level gets: its band is
// the level's (informational is Low); an unknown level scores as medium.
func RuleScore(level string) int {
	if s, ok := ruleScores[strings.ToLower(level)]; ok {
		return s
	}
	return ruleScores["medium"]
}

// ruleFindings runs the team's rules over the timeline's events.
func (tl *timeline) ruleFindings(rs Rules) []finding {
	if rs == nil {
		return nil
	}
	var out []finding
	for i, e := range tl.events {
		for _, r := range rs.Match(e) {
			out = append(out, tl.ruleFinding(r, e, i))
		}
	}
	return out
}

// ruleFinding is r's finding on the event at i.
func (tl *timeline) ruleFinding(r Rule, e intents.Event, i int) finding {
	var ev evidence
	ev.add(RuleScore(r.Level), "%s", ruleEvidence(r, e))
	f := tl.newFinding(RulePrefix+r.ID, subject(e), ruleSummary(r, e), ev, []int{i})
	f.Attack = slices.Clone(r.Attack)
	f.Reason = r.Title
	f.Facts = []string{ruleEvidence(r, e)}
	return f
}

// ruleSummary is "Okta API Token Created: system.api_token.create by
// admin@example.com from 198.51.100.7".
func ruleSummary(r Rule, e intents.Event) string {
	s := r.Title + ": " + e.EventType
	if a := e.Actor.AlternateID; a != "" && !strings.EqualFold(a, "unknown") {
		s += " by " + a
	}
	if ip := e.Client.IP; ip != "" {
		s += " from " + ip
	}
	return s
}

// ruleEvidence names the rule, its file and author, and the event it
// matched.
func ruleEvidence(r Rule, e intents.Event) string {
	s := "Team rule " + r.Title + " (" + strings.ToLower(r.Level)
	if r.File != "" {
		s += ", " + r.File
	}
	if r.Author != "" {
		s += ", by " + r.Author
	}
	s += ") matched " + e.EventType
	if e.UUID != "" {
		s += " " + e.UUID
	}
	return s + " at " + e.Published.UTC().Format(time.RFC3339)
}
