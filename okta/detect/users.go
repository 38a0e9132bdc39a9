package detect

import (
	"cmp"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// combineShare is the divisor of every further detection's contribution
// to a user's combined score: the worst detection counts in full, each other
// detection adds 1/combineShare of its own worst finding. Splunk escalates
// per user across techniques the same way; repeats of one detection do not
// add up.
const combineShare = 2

// UserSummary is every finding on one user, combined.
type UserSummary struct {
	// User is the login; "" holds org-wide findings (password spray from
	// one IP, many accounts locked out, a ThreatInsight verdict on an IP).
	User string `json:"user"`
	// UserID is the Okta user id when the events name it; Analyze fills
	// it, ByUser cannot (findings carry only the login).
	UserID   string           `json:"userId,omitempty"`
	Score    int              `json:"score"`
	Severity intents.Severity `json:"severity"`
	// Summary is the worst finding's summary.
	Summary string `json:"summary"`
	// Evidence is each detection's contribution; the points add up to Score
	// before it is clamped.
	Evidence []intents.Evidence `json:"evidence"`
	// Findings are all the user's findings, worst first.
	Findings []intents.Finding `json:"findings"`
	// Reversals undo the configuration changes the findings name
	// (re-activate a deactivated policy rule …). Analyze fills them.
	Reversals []intents.Action `json:"reversals,omitempty"`
}

// Combine scores findings about one subject together by ByUser's rule.
func Combine(fs []intents.Finding) (int, intents.Severity) {
	if len(fs) == 0 {
		return 0, intents.Band(0)
	}
	s := ByUser(fs)[0]
	return s.Score, s.Severity
}

// ByUser groups findings by user and combines each group's scores: the
// worst detection in full plus half of every other detection's worst score,
// clamped to 0–100. Summaries come worst first, then by login.
func ByUser(findings []intents.Finding) []UserSummary {
	groups := map[string][]intents.Finding{}
	for _, f := range findings {
		groups[f.User] = append(groups[f.User], f)
	}
	out := make([]UserSummary, 0, len(groups))
	for user, fs := range groups {
		fs = slices.Clone(fs)
		slices.SortStableFunc(fs, compareFinding)
		s := UserSummary{User: user, Findings: fs, Summary: fs[0].Summary}
		seen := map[string]bool{}
		for _, f := range fs {
			if seen[f.Detection] {
				continue
			}
			seen[f.Detection] = true
			if len(s.Evidence) == 0 {
				s.Evidence = append(s.Evidence, intents.Evidence{Text: f.Summary + " (" + f.Detection + ")", Points: f.Score})
				continue
			}
			s.Evidence = append(s.Evidence, intents.Evidence{
				Text:   f.Summary + " (" + f.Detection + ", half of " + itoa(f.Score) + ")",
				Points: f.Score / combineShare,
			})
		}
		for _, f := range fs {
			s.Reversals = append(s.Reversals, f.Reversals...)
		}
		s.Score, s.Severity = Score(s.Evidence)
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b UserSummary) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.User, b.User))
	})
	return out
}

// compareFinding orders plain findings worst first, then stably.
func compareFinding(a, b intents.Finding) int {
	return cmp.Or(
		cmp.Compare(b.Score, a.Score),
		cmp.Compare(rank(a.Detection), rank(b.Detection)),
		strings.Compare(a.Summary, b.Summary),
		slices.Compare(a.Events, b.Events),
	)
}

// Analysis is everything detect says about a set of events.
type Analysis struct {
	Findings  []intents.Finding `json:"findings"`  // worst first
	Users     []UserSummary     `json:"users"`     // worst first
	Proposals []intents.Action  `json:"proposals"` // each user's remedies, users worst first
}

// Analyze runs every detection, combines the findings per user with their
// Okta ids, and proposes the remedies.
func Analyze(cfg Config, events []intents.Event) Analysis {
	return analysis(runAll(cfg, events))
}

// analysis combines findings, worst first, per user and proposes the
// remedies.
func analysis(fs []finding) Analysis {
	a := Analysis{Findings: plain(fs), Proposals: []intents.Action{}}
	a.Users = ByUser(a.Findings)
	for i := range a.Users {
		u := &a.Users[i]
		for _, f := range fs {
			if f.User != u.User {
				continue
			}
			if u.UserID == "" {
				u.UserID = f.userID
			}
		}
		a.Proposals = append(a.Proposals, Remedies(*u)...)
	}
	return a
}
