package blocks

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// Findings and proposed fixes as the investigation layouts show them: a
// finding in full (title, severity, score, summary, each scored item), a
// finding in one line, the verdict of a set of findings, the proposed fixes
// with their confidence, and "Investigate <user>" buttons.

// detectionTitle names a detection of okta/detect's catalogue for people.
// An id it does not know is shown as words.
func detectionTitle(id string) string {
	switch id {
	case "failed_login_burst":
		return "Burst of failed sign-ins"
	case "success_after_failures":
		return "Sign-in succeeded after failures"
	case "suspicious_country_login":
		return "Sign-in from a watch-listed country"
	case "anonymizing_proxy_login":
		return "Sign-in through an anonymizing proxy"
	case "impossible_travel":
		return "Impossible travel"
	case "mfa_push_fatigue":
		return "MFA push fatigue"
	case "mfa_failures":
		return "Failed MFA challenges"
	case "account_lockout":
		return "Account locked out"
	case "privilege_grant":
		return "Admin role granted"
	case "mfa_factor_reset":
		return "MFA factors reset"
	case "threat_detected":
		return "Threat flagged by Okta"
	case "session_roaming":
		return "Session used from a new IP and client"
	case "admin_console_new_behavior":
		return "Admin Console from a new device or IP"
	case "fastpass_phishing":
		return "FastPass stopped a phishing attempt"
	case "api_token_created":
		return "API token created"
	case "support_impersonation":
		return "Okta support access"
	case "user_reported_suspicious":
		return "User reported suspicious activity"
	case "security_config_change":
		return "Security configuration changed"
	}
	if strings.HasPrefix(id, "rule:") { // a team rule (OKTABOT_RULES_DIR): its title is the finding's summary
		return "Team rule"
	}
	words := strings.TrimSpace(strings.ReplaceAll(id, "_", " "))
	if words == "" {
		return "Finding"
	}
	return upperFirst(words)
}

// upperFirst capitalizes the first letter of s, rune-safely.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// detectionIDs matches what a trailing parenthesis of an evidence text
// may hold to be trimmed: catalogue ids (snake_case with at least one _)
// and the scoring note "half of N" that okta/detect adds when it combines
// a user's findings.
var (
	detectionIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$`)
	scoringNotePattern = regexp.MustCompile(`^half of [0-9]+$`)
)

// trimDetectionIDs removes a trailing "(failed_login_burst)" or
// "(anonymizing_proxy_login, half of 100)" from an evidence text: the
// detection ids are for machines, and the finding they name is shown
// beside it. A parenthesis that says anything else, such as "(Tor exit
// node)", is kept.
func trimDetectionIDs(s string) string {
	t := strings.TrimRight(s, " ")
	if !strings.HasSuffix(t, ")") {
		return s
	}
	open := strings.LastIndexByte(t, '(')
	if open <= 0 {
		return s
	}
	ids := 0
	for part := range strings.SplitSeq(t[open+1:len(t)-1], ",") {
		part = strings.TrimSpace(part)
		switch {
		case detectionIDPattern.MatchString(part):
			ids++
		case scoringNotePattern.MatchString(part):
		default:
			return s
		}
	}
	if ids == 0 {
		return s
	}
	return strings.TrimRight(t[:open], " ")
}

// severityOf is a finding's band: its own, or its score's.
func severityOf(f intents.Finding) intents.Severity {
	if f.Severity == "" {
		return intents.Band(f.Score)
	}
	return f.Severity
}

// bandName is a severity as a word: "Critical".
func bandName(s intents.Severity) string { return md(upperFirst(string(s)), 20) }

// scored is "Critical (91)"; with percent, "Critical (91%)".
func scored(s intents.Severity, score int, percent bool) string {
	n := count(score)
	if percent {
		n += "%"
	}
	return joinNonEmpty(" ", bandName(s), "("+n+")")
}

// verdictScore is the worst finding's score or the top proposal's
// confidence, whichever is higher.
func verdictScore(fs []intents.Finding, ps []intents.Action) int {
	worst := 0
	for _, f := range fs {
		worst = max(worst, f.Score)
	}
	for _, p := range ps {
		worst = max(worst, p.Confidence)
	}
	return worst
}

// worstFirst returns the findings sorted by score, worst first, keeping
// the given order among equals (the adapter's order tells the story).
func worstFirst(fs []intents.Finding) []intents.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b intents.Finding) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// points is an evidence item's weight: " (+30)", " (-20)", or "".
func points(n int) string {
	switch {
	case n > 0:
		return " (+" + count(n) + ")"
	case n < 0:
		return " (" + count(n) + ")"
	}
	return ""
}

// findingBlock is one finding in full: title, severity and score, the
// detection id, whom it is about (when that is not the subject), its
// summary, each scored item and its ATT&CK techniques.
func (rc *rctx) findingBlock(id string, f intents.Finding, subject string) slack.Block {
	c := rc.c
	sev := severityOf(f)
	text := severityEmoji(sev) + " *" + md(detectionTitle(f.Detection), c.name) + "* · " + scored(sev, f.Score, false)
	if f.Detection != "" {
		text += " " + code(f.Detection, 60)
	}
	if f.User != "" && !strings.EqualFold(f.User, subject) {
		text += " · " + md(f.User, c.name)
	}
	if s := md(f.Summary, c.long*2); s != "" {
		text += "\n" + s
	}
	for j, ev := range f.Evidence {
		if j == c.evidence {
			text += "\n• … and " + count(len(f.Evidence)-c.evidence) + " more"
			break
		}
		if t := md(trimDetectionIDs(ev.Text), c.long); t != "" {
			text += "\n• " + t + points(ev.Points)
		}
	}
	if a := md(strings.Join(f.Attack, ", "), c.long); a != "" {
		text += "\n_ATT&amp;CK " + a + "_"
	}
	return section(id, text)
}

// findingLine is one finding in a line: severity, score, title, whom, and
// its summary.
func (rc *rctx) findingLine(f intents.Finding) string {
	c := rc.c
	sev := severityOf(f)
	line := severityEmoji(sev) + " *" + scored(sev, f.Score, false) + "* " + md(detectionTitle(f.Detection), c.name)
	if f.User != "" {
		line += " · " + md(f.User, c.name)
	}
	if s := md(f.Summary, c.long); s != "" {
		line += " — " + s
	}
	return line
}

// findingsSummary is the findings of a listing, worst first, one line
// each, up to the cap; "" when there are none.
func (rc *rctx) findingsSummary() string {
	fs := worstFirst(rc.r.Findings)
	if len(fs) == 0 {
		return ""
	}
	lines := []string{"*" + plural(len(fs), "finding", "findings") + "*"}
	for i, f := range fs {
		if i == rc.c.findings {
			lines = append(lines, "… and "+plural(len(fs)-i, "more finding", "more findings"))
			break
		}
		lines = append(lines, rc.findingLine(f))
	}
	return strings.Join(lines, "\n")
}

// fixTitle says what a proposed fix does, with its targets in mrkdwn.
func (rc *rctx) fixTitle(a intents.Action) string {
	title := actionTitle(a, func(name, _ string) string { return md(name, rc.c.name) })
	if title == "" {
		title = "Change"
	}
	return title
}

// proposedFixes says in a line which fixes the investigation proposed,
// with their confidence: the bot posts them right after this message, in
// one proposal message per person.
func (rc *rctx) proposedFixes() string {
	ps := rc.r.Proposals
	if len(ps) == 0 {
		return ""
	}
	var titles []string
	for i, a := range ps {
		if i == rc.c.proposals {
			titles = append(titles, "and "+plural(len(ps)-i, "more fix", "more fixes"))
			break
		}
		titles = append(titles, rc.fixTitle(a))
	}
	line := ":lock_with_ink_pen: *Proposed below:* " + strings.Join(titles, "; ")
	if c := ps[0].Confidence; c > 0 {
		line += " — confidence " + scored(intents.Band(c), c, true)
	}
	return line + ". Nothing changes until an approver approves."
}

// fixNames are the proposed fixes for one user in words: "clear
// sessions, suspend".
func fixNames(ps []intents.Action, user string) string {
	var names []string
	for _, a := range ps {
		if a.User == nil || !strings.EqualFold(a.User.Name, user) {
			continue
		}
		name := shortVerb(a.Kind)
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// investigateCommand is the slash command that investigates login over
// window (slash arguments: "24h", "since:… until:…"), or "" when the login
// cannot be said in one that parses back to exactly it (a login with
// quotes, Slack markup or control characters).
func investigateCommand(login string, window string) string {
	login = strings.TrimSpace(login)
	if login == "" {
		return ""
	}
	arg := login
	if strings.ContainsAny(login, " \t\"“”{") {
		arg = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(login) + `"`
	}
	cmd := "/okta investigate " + arg
	in, err := intents.Parse(cmd)
	if err != nil || in.Kind != intents.Investigate || in.User != login {
		return ""
	}
	if window != "" {
		cmd += " " + window
	}
	if chars(cmd) > MaxButtonValue {
		return ""
	}
	return cmd
}

// investigateButton is a button that runs `/okta investigate login
// window` (ActionRun, numbered i), or nil when the login cannot be said in
// a command.
func investigateButton(i int, login string, window string) *slack.ButtonBlockElement {
	cmd := investigateCommand(login, window)
	if cmd == "" {
		return nil
	}
	return slack.NewButtonBlockElement(fmt.Sprintf("%s_%d", ActionRun, i), cmd, plain(plainText("Investigate "+login, MaxButtonText)))
}

// findingUsers are the distinct users the findings name, worst first, at
// most n.
func findingUsers(fs []intents.Finding, n int) []string {
	var out []string
	for _, f := range worstFirst(fs) {
		if len(out) == n {
			break
		}
		if f.User != "" && !slices.ContainsFunc(out, func(u string) bool { return strings.EqualFold(u, f.User) }) {
			out = append(out, f.User)
		}
	}
	return out
}
