package blocks

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// DigestData is what the daily digest covers: the day from From to To.
type DigestData struct {
	From, To time.Time
	Location *time.Location // the team's zone; nil means UTC

	Opened  []intents.Incident // opened in the period
	Closed  []intents.Incident // closed in the period
	Pending []intents.Proposal // pending now

	// MFABefore is the MFA scan a day or so before, MFANow the latest;
	// nil when there was none.
	MFABefore, MFANow *intents.MFAReport

	// Detections counts the findings of each detection in the period
	// (alerted or not).
	Detections map[string]int

	// Watching is whether the watcher was on; Gaps are the parts of the
	// period it did not read the System Log (down, failing, behind).
	Watching bool
	Gaps     []Gap
}

// Gap is a time the watcher did not cover.
type Gap struct{ From, To time.Time }

// Caps of the digest. A digest line of an incident is at most about 270
// characters, so that maxDigestIncidents of them and the "more" line fit
// one section.
const (
	maxDigestIncidents  = 10
	maxDigestDetections = 5
	maxDigestGaps       = 5
)

// Digest is the daily digest: whether the watcher covered the whole day,
// the incidents opened and closed, pending proposals, the MFA coverage
// change and the noisiest detections. It says "no incidents" plainly only
// when the watcher read the whole day; otherwise it says what it missed.
func Digest(d DigestData) []slack.Block {
	tz := d.Location
	if tz == nil {
		tz = time.UTC
	}
	day := d.To.In(tz).Format("Mon 2 Jan 2006")
	blocks := []slack.Block{
		header("digest_title", ":scroll: Daily digest · "+day),
		contextBlock("digest_period", "From "+when(d.From, tz)+" to "+when(d.To, tz)),
		section("digest_coverage", digestCoverage(d, tz)),
		section("digest_opened", digestIncidents("Opened", d.Opened, tz, false)),
		section("digest_closed", digestIncidents("Closed", d.Closed, tz, true)),
		section("digest_pending", pendingLines(d.Pending, d.To)),
		section("digest_mfa", digestMFA(d.MFABefore, d.MFANow, tz)),
	}
	if n := noisiest(d.Detections); n != "" {
		blocks = append(blocks, section("digest_noisiest", n))
	}
	return blocks
}

// DigestText is the digest's notification text.
func DigestText(d DigestData) string {
	text := "Daily digest: " + plural(len(d.Opened), "incident", "incidents") + " opened, " + count(len(d.Closed)) + " closed, " +
		plural(len(d.Pending), "proposal", "proposals") + " pending"
	if !d.Watching || len(d.Gaps) > 0 {
		text += " (the watcher did not cover the whole day)"
	}
	return text
}

// digestCoverage says whether the day was watched: all clear only when
// the watcher was on all day and nothing was opened.
func digestCoverage(d DigestData, tz *time.Location) string {
	if !d.Watching {
		return ":warning: *The watcher is off*: nobody watched the System Log live, so this digest cannot say the day was quiet. " +
			"Run `/okta threats 24h` to sweep it."
	}
	if len(d.Gaps) == 0 {
		if len(d.Opened) == 0 {
			return ":white_check_mark: *No incidents*: the watcher read the System Log all day and nothing reached the alert level."
		}
		return ":large_green_circle: The watcher read the System Log all day."
	}
	var total time.Duration
	var spans []string
	for i, g := range d.Gaps {
		total += max(g.To.Sub(g.From), 0)
		if i < maxDigestGaps {
			spans = append(spans, "from "+when(g.From, tz)+" to "+when(g.To, tz))
		}
	}
	if n := len(d.Gaps) - maxDigestGaps; n > 0 {
		spans = append(spans, "and "+plural(n, "more gap", "more gaps"))
	}
	return ":warning: *The watcher missed " + span(total) + " of the day* (" + strings.Join(spans, "; ") +
		"): incidents then may be missing here. Run `/okta threats 24h` to sweep the whole day."
}

// digestIncidents lists incidents opened (or closed, with why) in a line
// each, worst first.
func digestIncidents(what string, incs []intents.Incident, tz *time.Location, closed bool) string {
	if len(incs) == 0 {
		return "*" + what + ":* none."
	}
	sorted := slices.Clone(incs)
	slices.SortStableFunc(sorted, func(a, b intents.Incident) int {
		return cmp.Compare(incidentSeverity(b).Rank(), incidentSeverity(a).Rank())
	})
	lines := []string{"*" + what + ": " + count(len(incs)) + "*"}
	for i, inc := range sorted {
		if i == maxDigestIncidents {
			lines = append(lines, "… and "+plural(len(sorted)-i, "more incident", "more incidents"))
			break
		}
		sev := incidentSeverity(inc)
		line := "• " + severityEmoji(sev) + " *" + bandName(sev) + "* · " + md(incidentSubject(inc), homeName) + dashed(md(incidentReason(inc), 80))
		if closed {
			line += " · " + joinNonEmpty(" ", "closed", byWord(person(inc.ClosedBy, 40)))
			if why := md(inc.Closing, 50); why != "" {
				line += " (" + why + ")"
			}
		} else if inc.Status != intents.IncidentOpen {
			line += " · " + md(string(inc.Status), 20)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// digestMFA compares active users without MFA between two scans.
func digestMFA(before, now *intents.MFAReport, tz *time.Location) string {
	if now == nil {
		return "*MFA coverage:* unknown — no MFA scan yet. `/okta mfa-status` runs one."
	}
	line := "*MFA coverage:* " + plural(now.NoFactor, "active user", "active users") + " of " + count(now.Active) + " without MFA (scan " + when(now.ScannedAt, tz) + ")"
	if before == nil || before.ScannedAt.Equal(now.ScannedAt) {
		return line + "; no earlier scan to compare with."
	}
	switch diff := now.NoFactor - before.NoFactor; {
	case diff > 0:
		line += "; :warning: *" + count(diff) + " more* than at " + when(before.ScannedAt, tz) + " (" + count(before.NoFactor) + ")"
	case diff < 0:
		line += "; " + count(-diff) + " fewer than at " + when(before.ScannedAt, tz) + " (" + count(before.NoFactor) + ")"
	default:
		line += "; unchanged since " + when(before.ScannedAt, tz)
	}
	return line + "."
}

// noisiest is the detections with the most findings, top five.
func noisiest(counts map[string]int) string {
	ids := slices.DeleteFunc(slices.Collect(maps.Keys(counts)), func(id string) bool { return counts[id] <= 0 })
	if len(ids) == 0 {
		return ""
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	lines := []string{"*Noisiest detections*"}
	for i, id := range ids {
		if i == maxDigestDetections {
			break
		}
		lines = append(lines, "• "+md(detectionTitle(id), 80)+" "+code(id, 60)+" ×"+count(counts[id]))
	}
	return strings.Join(lines, "\n")
}
