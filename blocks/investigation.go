package blocks

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// The answer to `investigate USER` fits on a screen, read top-down in
// seconds: who, the verdict, the user's state, the few findings that
// matter (one line each, like ones grouped), and the fixes the bot
// proposes right after the message. The details (every finding with its
// scored items, the timeline) are a second message the bot posts in the
// answer's thread: InvestigationDetails.

// maxMatters bounds the findings the investigation's answer names.
const maxMatters = 3

// InvestigationDetails is the full report of an investigation, for the
// answer's thread: every finding (up to the caps) with each scored item,
// and the timeline. ok is false when there is nothing more to say than the
// answer did (no finding and no event).
func InvestigationDetails(r intents.Result, opts Options) (m Message, ok bool) {
	if len(r.Findings) == 0 && len(r.Events) == 0 {
		return Message{}, false
	}
	for level := range numLevels {
		rc := &rctx{r: r, o: opts, tz: opts.zone(), c: levelCaps(level)}
		if m := rc.investigationDetails(); Validate(m) == nil {
			return m, true
		}
	}
	return tooLarge(r, opts), true
}

func (rc *rctx) investigationDetails() Message {
	who, _ := rc.investigated()
	fs := worstFirst(rc.r.Findings)
	blocks := []slack.Block{contextBlock("details_title", "*Details* of the investigation of "+md(who, rc.c.name*2)+" · "+rc.windowText())}
	for i, f := range fs {
		if i == rc.c.findings {
			blocks = append(blocks, contextBlock("findings_more", "… and "+plural(len(fs)-i, "more finding", "more findings")+" (less severe)."))
			break
		}
		blocks = append(blocks, rc.findingBlock("finding_"+count(i+1), f, rc.subjectLogin()))
	}
	if tl := rc.timeline(); len(tl) > 0 {
		if len(fs) > 0 {
			blocks = append(blocks, divider("timeline_divider"))
		}
		blocks = append(blocks, tl...)
	}
	return Message{Text: "Details of the investigation of " + esc(who) + ": " + plural(len(fs), "finding", "findings") + ", " +
		plural(len(rc.r.Events), "event", "events"), Blocks: blocks}
}

// matters names the findings that matter most, one line each, like ones
// (same detection and summary) grouped "×N".
func (rc *rctx) matters(fs []intents.Finding) string {
	type group struct {
		f intents.Finding
		n int
	}
	var groups []group
	for _, f := range fs {
		found := false
		for i := range groups {
			if groups[i].f.Detection == f.Detection && groups[i].f.Summary == f.Summary {
				groups[i].n++
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, group{f, 1})
		}
	}
	lines := []string{"*What matters*"}
	for i, g := range groups {
		if i == maxMatters {
			lines = append(lines, "… and "+plural(len(groups)-i, "more finding", "more findings")+" in the thread")
			break
		}
		f := g.f
		if strings.EqualFold(f.User, rc.subjectLogin()) {
			f.User = "" // the person investigated: said in the title
		}
		line := rc.findingLine(f)
		if g.n > 1 {
			line += " ×" + count(g.n)
		}
		lines = append(lines, "• "+line)
	}
	return strings.Join(lines, "\n")
}

// investigation is the layout of investigate.
func (rc *rctx) investigation() Message {
	r, c := rc.r, rc.c
	who, whoText := rc.investigated()
	state, why := rc.personState(), rc.incomplete()
	var blocks []slack.Block
	var lead []string // the state, first in the notification text
	if len(state) > 0 {
		var long []string
		for _, l := range state {
			long, lead = append(long, l.long), append(lead, l.short)
		}
		blocks = append(blocks, section("state", strings.Join(long, "\n")))
	}
	blocks = append(blocks, header("title", "Investigation: "+who))
	blocks = append(blocks, contextBlock("query", rc.coverage()))

	fs := worstFirst(r.Findings)
	var fallback string
	if len(fs) == 0 && len(r.Proposals) == 0 {
		checked := "Checked with every detection: sign-ins and where they came from, failed authentication, MFA challenges and failures, " +
			"lockouts, and privilege and factor changes." + incompleteText(why)
		window := " " + rc.windowPhrase()
		switch {
		case len(why) > 0:
			blocks = append(blocks, section("verdict", ":warning: *No suspicious activity found for "+md(whoText, c.name*2)+" in what was read — the read was incomplete.*\n"+checked))
			fallback = "no suspicious activity found in an incomplete read"
		case len(state) > 0:
			blocks = append(blocks, section("verdict", ":mag: *No detection fired for "+md(whoText, c.name*2)+window+"*, but the account needs attention (above).\n"+checked))
			fallback = "no detection fired, but the account needs attention"
		default:
			blocks = append(blocks, section("verdict", ":white_check_mark: *No suspicious activity for "+md(whoText, c.name*2)+window+".*\n"+checked))
			fallback = "no suspicious activity"
		}
	} else {
		score := verdictScore(fs, r.Proposals)
		band := intents.Band(score)
		text := severityEmoji(band) + " *Verdict: " + scored(band, score, true) + "*"
		counts := []string{plural(len(fs), "finding", "findings")}
		if len(r.Proposals) > 0 {
			counts = append(counts, plural(len(r.Proposals), "fix proposed", "fixes proposed"))
		}
		text += " · " + strings.Join(counts, " · ") // the findings follow under "What matters"
		text += incompleteText(why)
		blocks = append(blocks, section("verdict", text))
		fallback = scored(band, score, true) + ", " + strings.Join(counts, ", ")
	}

	if r.Profile != nil {
		blocks = append(blocks, rc.investigatedUser(r.Profile))
	}

	if len(fs) > 0 {
		blocks = append(blocks, divider("findings_divider"), section("matters", rc.matters(fs)))
	}

	if p := rc.proposedFixes(); p != "" {
		blocks = append(blocks, section("fixes", p))
	} else if len(fs) > 0 && len(r.Notes) == 0 {
		blocks = append(blocks, contextBlock("fixes", "No fix is proposed for these findings: review them, and ask for one (`/okta suspend …`) if it is needed."))
	}
	if n := rc.notes(); n != "" {
		blocks = append(blocks, section("notes", n))
	}
	if len(fs) > 0 || len(r.Events) > 0 {
		blocks = append(blocks, contextBlock("details", ":thread: In the thread: "+
			joinNonEmpty(" and ", plural(len(fs), "finding", "findings")+" with their points", "the timeline of "+plural(rc.eventsRead(), "event", "events"))+"."))
	}

	if len(r.Events) > 0 {
		if v, err := EncodePageValue(r.Intent, 1); err == nil {
			blocks = append(blocks, slack.NewActionBlock("pager", button(ActionExport, "Export CSV", v)))
		}
	}
	text := "Investigation: " + esc(who) + " — " + fallback
	if len(lead) > 0 {
		text = strings.Join(lead, ", ") + " — " + text
	}
	if len(r.Proposals) > 0 {
		text += "; proposals follow"
	}
	return Message{Text: text, Blocks: blocks}
}

// investigated names the user investigated for the header (plain text)
// and for mrkdwn (unescaped): "John Smith (john@company.com)".
func (rc *rctx) investigated() (string, string) {
	login := rc.subjectLogin()
	name := ""
	if p := rc.r.Profile; p != nil {
		name = p.User.Name()
		if p.User.Login != "" {
			login = p.User.Login
		}
	}
	who := login
	if name != "" && !strings.EqualFold(name, login) {
		who = name + " (" + login + ")"
	}
	if strings.TrimSpace(who) == "" {
		who = "unknown user"
	}
	return plainText(who, 120), who
}

// subjectLogin is the login the result is about: the resolved subject,
// else what was asked.
func (rc *rctx) subjectLogin() string {
	if rc.r.Subject != "" {
		return rc.r.Subject
	}
	return rc.r.Intent.User
}

// investigatedUser is the user's state in fields: status, department,
// last sign-in, factors (weak ones marked), and how many groups and apps.
func (rc *rctx) investigatedUser(p *intents.UserProfile) slack.Block {
	u, c := p.User, rc.c
	status := joinNonEmpty(" ", statusEmoji(u.Status), md(orDash(u.Status), c.word))
	return fieldsSection("user", "", []field{
		{"Status", status},
		{"Department", md(u.Department, c.name)},
		{"Last sign-in", rc.timeAgo(u.LastLogin, "never")},
		{"MFA factors", rc.factorSummary(p.Factors)},
		{"Groups", count(len(p.Groups))},
		{"Applications", count(len(p.Apps))},
	})
}

// factorSummary lists the active factors on a line, weak ones marked.
func (rc *rctx) factorSummary(fs []intents.Factor) string {
	var names []string
	weak, pending := 0, 0
	for _, f := range fs {
		if !strings.EqualFold(f.Status, "ACTIVE") {
			pending++
			continue
		}
		name := md(factorName(f.Type), rc.c.name)
		if f.Weak() {
			weak++
			name += " (:warning: weak)"
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		s := ":warning: *none active*"
		if pending > 0 {
			s += " (" + count(pending) + " not active)"
		}
		return s
	}
	shown := min(len(names), rc.c.items)
	s := strings.Join(names[:shown], ", ")
	if rest := len(names) - shown; rest > 0 {
		s += " … and " + count(rest) + " more"
	}
	if weak == len(names) {
		s += "\n:warning: only weak factors"
	}
	return s
}
