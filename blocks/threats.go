package blocks

import (
	"cmp"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// The answer to `threats [window]`: every detection over the whole org,
// one section per user worst first, each with an Investigate button that
// runs `/okta investigate <login> <window>`.

// suspect is one user of a sweep with their findings, worst first.
type suspect struct {
	user     string // "" for org-wide findings
	findings []intents.Finding
	score    int
}

// suspects groups findings by user (case-insensitively), each user's
// score being their worst finding's or their top proposed fix's
// confidence (which okta/detect makes the user's combined score), users
// worst first in the order given among equals. Org-wide findings are
// returned apart.
func suspects(fs []intents.Finding, ps []intents.Action) (users []suspect, org *suspect) {
	index := map[string]int{}
	for _, f := range fs {
		if strings.TrimSpace(f.User) == "" {
			if org == nil {
				org = &suspect{}
			}
			org.findings = append(org.findings, f)
			org.score = max(org.score, f.Score)
			continue
		}
		k := strings.ToLower(f.User)
		i, ok := index[k]
		if !ok {
			i = len(users)
			index[k] = i
			users = append(users, suspect{user: f.User})
		}
		users[i].findings = append(users[i].findings, f)
		users[i].score = max(users[i].score, f.Score)
	}
	for _, p := range ps {
		if p.User == nil {
			continue
		}
		if i, ok := index[strings.ToLower(p.User.Name)]; ok {
			users[i].score = max(users[i].score, p.Confidence)
		}
	}
	for i := range users {
		users[i].findings = worstFirst(users[i].findings)
	}
	slices.SortStableFunc(users, func(a, b suspect) int { return cmp.Compare(b.score, a.score) })
	if org != nil {
		org.findings = worstFirst(org.findings)
	}
	return users, org
}

// sweepCap is how many users a sweep shows at the caps in force.
func (rc *rctx) sweepCap() int { return rc.c.findings + 4 }

// threatSweep is the layout of threats.
func (rc *rctx) threatSweep() Message {
	r := rc.r
	window := windowArgs(r.Intent)
	title := "Threat sweep · " + rc.windowLabel()
	blocks := []slack.Block{header("title", title)}
	blocks = rc.appendCoverage(blocks)
	users, org := suspects(r.Findings, r.Proposals)
	if len(users) == 0 && org == nil {
		checked := "Checked the whole org's sign-ins, MFA, account, privilege and security configuration events with every detection."
		if len(rc.gaps()) > 0 {
			blocks = append(blocks, section("summary", ":warning: *No detection fired in what was read — the read was incomplete (above): this is not an all-clear.*\n"+checked))
			return Message{Text: esc(title) + ": no findings in an incomplete read", Blocks: blocks}
		}
		blocks = append(blocks, section("summary", ":white_check_mark: *No detection fired "+rc.windowPhrase()+".*\n"+checked))
		return Message{Text: esc(title) + ": no findings", Blocks: blocks}
	}

	bands := map[intents.Severity]int{}
	for _, u := range users {
		bands[intents.Band(u.score)]++
	}
	var tally []string
	for _, b := range []intents.Severity{intents.SeverityCritical, intents.SeverityHigh, intents.SeverityMedium, intents.SeverityLow} {
		if n := bands[b]; n > 0 {
			tally = append(tally, severityEmoji(b)+" "+count(n)+" "+string(b))
		}
	}
	head := "*" + plural(len(users), "user", "users") + " with findings*"
	if len(tally) > 0 {
		head += ": " + strings.Join(tally, " · ")
	}
	head += "\n" + plural(len(r.Findings), "finding", "findings") + " in all"
	if org != nil {
		head += " · " + plural(len(org.findings), "org-wide finding", "org-wide findings")
	}
	head += " · worst first. *Investigate* shows a user's evidence and proposes fixes to approve."
	blocks = append(blocks, section("summary", head))

	shown := min(len(users), rc.sweepCap())
	for i, u := range users[:shown] {
		blocks = append(blocks, rc.suspectBlock(i, u, window))
	}
	if rest := len(users) - shown; rest > 0 {
		blocks = append(blocks, contextBlock("users_more", "… and "+plural(rest, "more user", "more users")+" with findings (less severe). Export CSV has the events behind every finding."))
	}
	if org != nil {
		blocks = append(blocks, rc.orgBlock(*org))
	}
	if v, err := EncodePageValue(r.Intent, 1); err == nil && len(r.Events) > 0 {
		blocks = append(blocks, slack.NewActionBlock("pager", button(ActionExport, "Export CSV", v)))
	}

	text := esc(title) + ": " + plural(len(users), "user", "users") + " with findings"
	if len(users) > 0 {
		worst := users[0]
		text += "; worst " + md(worst.user, 200) + " " + scored(intents.Band(worst.score), worst.score, false)
	}
	return Message{Text: text, Blocks: blocks}
}

// suspectBlock is one user of a sweep: severity, login and score, what
// fired (titles with scores), the worst finding's summary, the fixes an
// investigation would propose, and the Investigate button beside it.
func (rc *rctx) suspectBlock(i int, u suspect, window string) slack.Block {
	c := rc.c
	band := intents.Band(u.score)
	text := severityEmoji(band) + " *" + md(u.user, c.name) + "* · " + scored(band, u.score, false) + " · " + plural(len(u.findings), "finding", "findings")
	var fired []string
	seen := map[string]bool{}
	for _, f := range u.findings {
		if seen[f.Detection] {
			continue
		}
		seen[f.Detection] = true
		if len(fired) == c.evidence {
			fired = append(fired, "…")
			break
		}
		fired = append(fired, md(detectionTitle(f.Detection), c.name)+" ("+count(f.Score)+")")
	}
	text += "\n" + strings.Join(fired, " · ")
	if s := md(u.findings[0].Summary, c.long); s != "" {
		text += "\n" + s
	}
	if fixes := fixNames(rc.r.Proposals, u.user); fixes != "" {
		text += "\n_Fixes to propose: " + md(fixes, c.long) + "_"
	}
	id := "user_" + count(i+1)
	var acc *slack.Accessory
	if b := investigateButton(i, u.user, window); b != nil {
		acc = slack.NewAccessory(b)
	}
	return slack.NewSectionBlock(mrkdwn(clipMarkup(text, MaxSectionText)), nil, acc, slack.SectionBlockOptionBlockID(id))
}

// orgBlock lists the org-wide findings (no single user: a password spray
// from one IP, many lockouts at once, a verdict on an IP).
func (rc *rctx) orgBlock(org suspect) slack.Block {
	band := intents.Band(org.score)
	lines := []string{severityEmoji(band) + " *Org-wide* · " + scored(band, org.score, false) + " · " + plural(len(org.findings), "finding", "findings")}
	for i, f := range org.findings {
		if i == rc.c.findings {
			lines = append(lines, "… and "+plural(len(org.findings)-i, "more", "more"))
			break
		}
		lines = append(lines, "• "+rc.findingLine(f))
	}
	return section("org", strings.Join(lines, "\n"))
}
