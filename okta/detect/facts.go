package detect

import (
	"cmp"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// MaxFacts bounds the facts a proposal shows an approver: the few that
// matter, strongest first. The full point breakdown stays in Evidence.
const MaxFacts = 5

// reasons say in a short line why to act on each detection, for a finding
// that does not say it more precisely itself.
var reasons = map[string]string{
	FailedLoginBurst:        "Many failed sign-ins in a short time",
	SuccessAfterFailures:    "Successful sign-in after repeated failures",
	SuspiciousCountryLogin:  "Sign-in from a watch-listed country",
	AnonymizingProxyLogin:   "Sign-in through an anonymizing proxy",
	ImpossibleTravel:        "Sign-ins from places too far apart for the time between them",
	MFAPushFatigue:          "Many Okta Verify pushes denied or unanswered (push fatigue)",
	MFAFailures:             "Many failed MFA challenges",
	AccountLockout:          "The account was locked out",
	PrivilegeGrant:          "An admin role was granted",
	MFAFactorReset:          "MFA factors were reset or removed",
	ThreatDetected:          "Okta flagged a threat",
	SessionRoaming:          "A session was reused from another IP and client",
	AdminConsoleNewBehavior: "The Admin Console was reached from a new device or IP",
	FastPassPhishing:        "Okta FastPass refused a phishing site",
	APITokenCreated:         "An API token was created",
	SupportImpersonation:    "Okta support access was granted or used",
	UserReportedSuspicious:  "The user reported activity they did not do",
	SecurityConfigChange:    "A security setting was changed",
}

// ReasonOf is f's one-line reason to act: its own, else its detection's.
func ReasonOf(f intents.Finding) string {
	if r := strings.TrimSpace(f.Reason); r != "" {
		return r
	}
	if r, ok := reasons[f.Detection]; ok {
		return r
	}
	return f.Summary
}

// factsOf are f's facts, or, when the detection names none, its scored
// items that added points, strongest first.
func factsOf(f intents.Finding) []string {
	if len(f.Facts) > 0 {
		return f.Facts
	}
	items := slices.Clone(f.Evidence)
	slices.SortStableFunc(items, func(a, b intents.Evidence) int { return cmp.Compare(b.Points, a.Points) })
	var out []string
	for _, ev := range items {
		if ev.Points > 0 {
			out = append(out, ev.Text)
		}
	}
	return out
}

// CardFacts are the facts a proposal made from findings (worst first)
// shows: the worst finding's, then the strongest one of each other
// finding, without repeating the reason or one another, at most MaxFacts.
func CardFacts(findings []intents.Finding, reason string) []string {
	var out []string
	seen := []string{norm(reason)}
	add := func(s string) bool {
		n := norm(s)
		if n == "" {
			return false
		}
		for _, o := range seen {
			if o != "" && (strings.Contains(o, n) || strings.Contains(n, o)) {
				return false
			}
		}
		seen = append(seen, n)
		out = append(out, strings.TrimSpace(s))
		return true
	}
	for i, f := range findings {
		for _, s := range factsOf(f) {
			if len(out) == MaxFacts {
				return out
			}
			if add(s) && i > 0 {
				break // one fact from each further finding
			}
		}
	}
	return out
}

// norm is s lowercased with spacing and final punctuation evened out, to
// compare facts.
func norm(s string) string {
	return strings.TrimRight(strings.ToLower(strings.Join(strings.Fields(s), " ")), ".;,")
}

// facts collects a finding's facts, in the order an approver should read
// them.
type facts []string

func (fs *facts) add(s string) {
	if s = strings.TrimSpace(s); s != "" {
		*fs = append(*fs, s)
	}
}

// contextFacts are what Okta itself said about e: its risk rating and the
// behaviors it found unusual.
func contextFacts(fs *facts, e intents.Event) {
	if level, reasons := risk(e); level == "HIGH" {
		why := ""
		if reasons != "" {
			why = " (" + reasons + ")"
		}
		fs.add("Okta rated the risk HIGH" + why)
	}
	var ev evidence
	behaviorEvidence(&ev, e)
	for _, it := range ev {
		fs.add(it.Text)
	}
}
