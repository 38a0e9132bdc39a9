package blocks

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// An incident's message in the security channel, updated in place as
// evidence arrives:
//
//	🚨 Critical incident: john@company.com
//	*john@company.com* — Sign-in from a Tor exit node after 12 failed attempts
//	Evidence:
//	  • 12 failed sign-ins from 185.220.101.1 (Tor exit node)
//	  • …
//	Confidence: 94%
//	Open since 2026-11-28 11:40 UTC · 3 findings: …
//	[Acknowledge] [Investigate] [Mark false positive] [Close]
//
// The proposed fixes are separate proposal cards in its thread.

// Action ids of an incident's buttons; each button's value is the
// incident id. They are stable: the bot routes block_actions by them.
const (
	ActionIncidentAck           = "incident_ack"
	ActionIncidentInvestigate   = "incident_investigate"
	ActionIncidentFalsePositive = "incident_false_positive"
	ActionIncidentClose         = "incident_close"
)

// IncidentOptions tune how an incident is rendered. The zero value works.
type IncidentOptions struct {
	// Location is the team's zone, for the plain-text fallback of times
	// (Slack shows each reader a date token in their own zone). nil
	// means UTC.
	Location *time.Location
}

func (o IncidentOptions) zone() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// Caps of an incident's texts, in characters. With at most
// maxCardFacts bullets and maxIncidentDetections names they keep the
// message far under MaxBlocksJSON whatever the findings hold.
const (
	incidentName          = 120 // a subject or a person
	incidentLine          = 400 // the one-line summary
	incidentFact          = 200 // one evidence bullet
	maxIncidentDetections = 6
)

// IncidentMessage is an incident's message: severity, a one-line summary,
// the strongest evidence, the confidence, its status and its buttons
// (Acknowledge, Investigate, Mark false positive, Close; an acknowledged
// incident has no Acknowledge, a closed one no buttons). Every text is
// escaped and within Block Kit's limits.
func IncidentMessage(inc intents.Incident, opt IncidentOptions) []slack.Block {
	tz := opt.zone()
	sev := incidentSeverity(inc)
	blocks := []slack.Block{
		header("incident_title", severityEmoji(sev)+" "+titleCase(string(sev))+" incident: "+plainText(incidentSubject(inc), incidentName)),
	}
	reason := incidentReason(inc)
	lines := []string{"*" + md(incidentSubject(inc), incidentName) + "*" + dashed(md(reason, incidentLine))}
	if bullets := factBullets(incidentFacts(inc), reason, maxCardFacts, incidentFact); len(bullets) > 0 {
		lines = append(lines, "*Evidence:*")
		lines = append(lines, bullets...)
	}
	if inc.Score > 0 {
		lines = append(lines, "*Confidence: "+count(min(inc.Score, 100))+"%*")
	}
	blocks = append(blocks, section("incident_summary", strings.Join(lines, "\n")))
	blocks = append(blocks, section("incident_status", incidentStatus(inc, tz)))
	blocks = append(blocks, contextBlock("incident_meta", incidentMeta(inc, tz)...))
	if els := incidentButtons(inc); len(els) > 0 {
		blocks = append(blocks, slack.NewActionBlock("incident_actions", els...))
	}
	return blocks
}

// IncidentText is an incident's notification text: "🚨 Critical incident:
// john@company.com — Sign-in from a Tor exit node…". With mentionHere it
// starts with @here (the bot decides when: critical, if configured).
func IncidentText(inc intents.Incident, mentionHere bool) string {
	sev := incidentSeverity(inc)
	text := severityEmoji(sev) + " " + titleCase(string(sev)) + " incident: " + md(incidentSubject(inc), incidentName) + dashed(md(incidentReason(inc), incidentLine))
	if inc.Status == intents.IncidentClosed {
		text = "Closed: " + text
	}
	if mentionHere {
		text = "<!here> " + text
	}
	return text
}

// IncidentChangeLine is the thread line that says what one batch of
// findings changed: "Updated: New: … · Grew: …", and a rise in severity
// first and in bold: "🚨 Severity rose: High → Critical".
func IncidentChangeLine(ch intents.IncidentChange) string {
	if ch.New {
		return "Opened: " + md(ch.Incident.Summary, incidentLine)
	}
	var severity string
	var parts []string
	for _, l := range ch.Lines {
		if from, to, ok := severityChange(l); ok {
			verb := "fell"
			if to.Rank() > from.Rank() {
				verb = "rose"
			}
			severity = severityEmoji(to) + " *Severity " + verb + ": " + bandName(from) + " → " + bandName(to) + "*"
			continue
		}
		if len(parts) == maxIncidentDetections {
			parts = append(parts, "and "+plural(len(ch.Lines)-len(parts), "more change", "more changes"))
			break
		}
		if t := md(l, incidentLine); t != "" {
			parts = append(parts, t)
		}
	}
	if severity == "" && ch.Rose {
		s := incidentSeverity(ch.Incident)
		severity = severityEmoji(s) + " *Severity rose to " + bandName(s) + "*"
	}
	text := "Updated"
	if len(parts) > 0 {
		text += ": " + strings.Join(parts, " · ")
	}
	if severity != "" {
		text = severity + "\n" + text
	}
	return clipMarkup(text, MaxSectionText)
}

// severityChange reads Absorb's "Severity high → critical" line.
func severityChange(line string) (from, to intents.Severity, ok bool) {
	rest, found := strings.CutPrefix(line, "Severity ")
	if !found {
		return "", "", false
	}
	a, b, found := strings.Cut(rest, " → ")
	from, to = intents.Severity(strings.TrimSpace(a)), intents.Severity(strings.TrimSpace(b))
	if !found || from.Rank() == 0 || to.Rank() == 0 {
		return "", "", false
	}
	return from, to, true
}

// incidentSeverity is the incident's band: its own, or its score's.
func incidentSeverity(inc intents.Incident) intents.Severity {
	if inc.Severity.Rank() == 0 {
		return intents.Band(inc.Score)
	}
	return inc.Severity
}

// incidentSubject is whom or what the incident is about: the user, or for
// an org-wide incident its worst detection.
func incidentSubject(inc intents.Incident) string {
	if s := strings.TrimSpace(inc.Subject); s != "" {
		return s
	}
	if len(inc.Findings) > 0 {
		return detectionTitle(worstFirst(inc.Findings)[0].Detection) + " (org-wide)"
	}
	return "the org"
}

// incidentReason is the worst finding's reason, or its summary.
func incidentReason(inc intents.Incident) string {
	if len(inc.Findings) > 0 {
		f := worstFirst(inc.Findings)[0]
		if r := firstLine(f.Reason); r != "" {
			return r
		}
		if s := firstLine(f.Summary); s != "" {
			return s
		}
	}
	return firstLine(inc.Summary)
}

// incidentFacts are the findings' facts, worst finding first, each
// finding's strongest first (its scored items when it has no facts).
func incidentFacts(inc intents.Incident) []string {
	var facts []string
	for _, f := range worstFirst(inc.Findings) {
		if len(f.Facts) > 0 {
			facts = append(facts, f.Facts...)
		} else {
			facts = append(facts, strongest(f.Evidence)...)
		}
	}
	return facts
}

// factBullets are up to n evidence bullets from facts, strongest first:
// none repeats another or the reason, none is cut mid-word (each is at
// most item characters before escaping).
func factBullets(facts []string, reason string, n, item int) []string {
	var bullets, seen []string
	reason = strings.TrimSpace(reason)
	for _, f := range facts {
		if len(bullets) == n {
			break
		}
		key := strings.ToLower(strings.TrimSpace(trimDetectionIDs(f)))
		if strings.EqualFold(strings.TrimSpace(f), reason) || strings.EqualFold(key, reason) || slices.Contains(seen, key) {
			continue
		}
		if t := md(upperFirst(clipWords(trimDetectionIDs(f), item)), item+20); t != "" {
			bullets = append(bullets, "• "+t)
			seen = append(seen, key)
		}
	}
	return bullets
}

// incidentStatus is where the incident is: open, acknowledged by whom and
// when, closed by whom and why; and the "was this you?" answer.
func incidentStatus(inc intents.Incident, tz *time.Location) string {
	var line string
	switch inc.Status {
	case intents.IncidentAcknowledged:
		line = ":eyes: *Acknowledged* " + joinNonEmpty(" ", byWord(person(inc.AckBy, incidentName)), atWord(when(inc.AckAt, tz)))
	case intents.IncidentClosed:
		line = ":white_check_mark: *Closed* " + joinNonEmpty(" ", byWord(person(inc.ClosedBy, incidentName)), atWord(when(inc.ClosedAt, tz)))
		if why := md(inc.Closing, 300); why != "" {
			line += " — " + why
		}
	default:
		line = ":large_orange_diamond: *Open* — waiting for someone to acknowledge it"
	}
	if a := incidentAnswer(inc); a != "" {
		line += "\n" + a
	}
	return strings.TrimSpace(line)
}

// incidentAnswer says what the affected person answered, if anything.
func incidentAnswer(inc intents.Incident) string {
	who := md(inc.Subject, incidentName)
	switch {
	case inc.NoSlack:
		return ":bust_in_silhouette: Not asked \"was this you?\": " + who + " has no Slack account."
	case inc.Answer != "":
		return AnswerLine(inc.Subject, inc.Answer)
	case !inc.AskedAt.IsZero():
		return ":bust_in_silhouette: Asked " + who + " \"was this you?\" — no answer yet."
	}
	return ""
}

func atWord(t string) string {
	if t == "" {
		return ""
	}
	return "at " + t
}

// incidentMeta is the context line: opened, last updated, the detections
// and the fixes waiting in the thread.
func incidentMeta(inc intents.Incident, tz *time.Location) []string {
	var parts []string
	if !inc.Opened.IsZero() {
		parts = append(parts, "Opened "+when(inc.Opened, tz))
	}
	if !inc.Updated.IsZero() && !inc.Updated.Equal(inc.Opened) {
		parts = append(parts, "updated "+when(inc.Updated, tz))
	}
	if d := detectionNames(inc.Findings, maxIncidentDetections); d != "" {
		parts = append(parts, plural(len(inc.Findings), "finding", "findings")+": "+d)
	}
	if n := len(inc.Proposals); n > 0 && inc.Status != intents.IncidentClosed {
		parts = append(parts, ":lock_with_ink_pen: "+plural(n, "fix", "fixes")+" proposed in the thread; nothing changes until an approver approves")
	}
	if id := code(inc.ID, 64); id != "" {
		parts = append(parts, "id "+id)
	}
	return parts
}

// detectionNames are the distinct detections of fs, worst first, at most
// n, then "and N more".
func detectionNames(fs []intents.Finding, n int) string {
	var names []string
	more := 0
	for _, f := range worstFirst(fs) {
		name := detectionTitle(f.Detection)
		if slices.Contains(names, md(name, 60)) {
			continue
		}
		if len(names) == n {
			more++
			continue
		}
		names = append(names, md(name, 60))
	}
	if more > 0 {
		names = append(names, "and "+count(more)+" more")
	}
	return strings.Join(names, ", ")
}

// incidentButtons are the buttons the incident's status allows.
func incidentButtons(inc intents.Incident) []slack.BlockElement {
	if inc.Status == intents.IncidentClosed || inc.ID == "" || chars(inc.ID) > MaxButtonValue {
		return nil
	}
	var els []slack.BlockElement
	if inc.Status != intents.IncidentAcknowledged {
		ack := button(ActionIncidentAck, "Acknowledge", inc.ID)
		ack.Style = slack.StylePrimary
		els = append(els, ack)
	}
	return append(els,
		button(ActionIncidentInvestigate, "Investigate", inc.ID),
		button(ActionIncidentFalsePositive, "Mark false positive", inc.ID),
		button(ActionIncidentClose, "Close", inc.ID))
}

// dashed is " — s", or "" for an empty s.
func dashed(s string) string {
	if s == "" {
		return ""
	}
	return " — " + s
}
