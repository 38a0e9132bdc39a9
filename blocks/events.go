package blocks

import (
	"cmp"
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// events is the list of a result's System Log events, two compact lines
// each: when, outcome and what; then who, from where, and the target.
// Admin actions fold a run of the same change by the same admin (adding
// eight people to an app one by one) into one row "×8" naming the targets,
// so that the changes that stand out are not pages away; a change that
// carries its before → after is never folded.
func (rc *rctx) events() list {
	es := rc.r.Events
	var runs []eventRun
	if rc.r.Intent.Kind == intents.AdminActions {
		runs = foldEvents(es)
	}
	if len(runs) > 0 && len(runs) < len(es) {
		return list{one: "row", many: "rows", n: len(runs), empty: rc.emptyWindow("No events found"), row: func(i int) string {
			r := runs[i]
			line := rc.eventRow(r.events[0])
			if len(r.events) == 1 {
				return line
			}
			oldest := r.events[len(r.events)-1]
			head, rest, _ := strings.Cut(line, "\n")
			if newest, first := rc.when(r.events[0].Published), rc.when(oldest.Published); first != newest {
				head = strings.Replace(head, newest, first+" – "+newest, 1)
			}
			head += " ×" + count(len(r.events))
			if t := rc.runTargets(r.events); t != "" {
				rest = strings.Replace(rest, rc.target(r.events[0].Targets), t, 1)
			}
			return joinNonEmpty("\n", head, rest)
		}}
	}
	return list{one: "event", many: "events", n: len(es), empty: rc.emptyWindow("No events found"), row: func(i int) string {
		return rc.eventRow(es[i])
	}}
}

// eventRun is a run of like events, newest first.
type eventRun struct{ events []intents.Event }

// foldEvents groups consecutive events of one type by one actor with one
// outcome and no recorded change.
func foldEvents(es []intents.Event) []eventRun {
	var runs []eventRun
	for _, e := range es {
		if n := len(runs); n > 0 && foldable(runs[n-1].events[0], e) {
			runs[n-1].events = append(runs[n-1].events, e)
			continue
		}
		runs = append(runs, eventRun{events: []intents.Event{e}})
	}
	return runs
}

func foldable(a, b intents.Event) bool {
	return a.EventType == b.EventType && a.EventType != "" && a.Actor.AlternateID == b.Actor.AlternateID &&
		strings.EqualFold(a.Outcome.Result, b.Outcome.Result) && !hasChanges(a) && !hasChanges(b)
}

func hasChanges(e intents.Event) bool {
	for _, t := range e.Targets {
		if len(t.Changes) > 0 {
			return true
		}
	}
	return false
}

// runTargets names the first targets of a run's events: "→ 8 targets:
// GitHub, AWS, Slack and 5 more".
func (rc *rctx) runTargets(es []intents.Event) string {
	var names []string
	seen := map[string]bool{}
	for _, e := range es {
		if len(e.Targets) == 0 {
			continue
		}
		n := e.Targets[0].Label()
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) < 2 {
		return ""
	}
	shown := names[:min(3, len(names))]
	var parts []string
	for _, n := range shown {
		parts = append(parts, md(n, rc.c.name))
	}
	s := "→ " + count(len(names)) + " targets: " + strings.Join(parts, ", ")
	if rest := len(names) - len(shown); rest > 0 {
		s += " and " + count(rest) + " more"
	}
	return s
}

// eventRow is one event in two compact lines.
func (rc *rctx) eventRow(e intents.Event) string {
	c := rc.c
	what := e.DisplayMessage
	if what == "" {
		what = e.EventType
	}
	line1 := joinNonEmpty(" ", rc.when(e.Published), outcomeEmoji(e.Outcome.Result), bold(md(orID(what, e.UUID), c.long)))
	if e.DisplayMessage != "" && e.EventType != "" {
		line1 += " " + code(e.EventType, c.name)
	}
	if res := strings.ToUpper(e.Outcome.Result); res != "" && res != "SUCCESS" && res != "ALLOW" {
		line1 += " — " + joinNonEmpty(": ", md(e.Outcome.Result, c.word), md(e.Outcome.Reason, c.long))
	}
	var flags []string
	if w := proxyWord(e, "proxy"); w != "" {
		flags = append(flags, ":warning: "+w)
	}
	if strings.EqualFold(e.Debug["threatSuspected"], "true") {
		flags = append(flags, ":rotating_light: threat suspected")
	}
	if strings.Contains(strings.ToUpper(e.Debug["risk"]), "LEVEL=HIGH") {
		flags = append(flags, ":red_circle: risk HIGH")
	}
	line2 := joinNonEmpty(" · ", rc.actor(e.Actor), md(e.Client.IP, 45), md(e.Client.Place(), c.name), strings.Join(flags, " "), rc.target(e.Targets))
	if line2 != "" {
		line1 += "\n      ↳ " + line2
	}
	if ch := rc.changes(e.Targets); ch != "" {
		line1 += "\n      ↳ " + ch
	}
	return line1
}

// maxChanges is how many changed fields an event's row shows.
const maxChanges = 3

// changes is what an event changed on its targets, before → after:
// "requireFactor: true → false · factorPromptMode: SESSION → (unset)".
// Values that changed come before fields added or removed.
func (rc *rctx) changes(ts []intents.Actor) string {
	var all []intents.Change
	for _, t := range ts {
		all = append(all, t.Changes...)
	}
	order := func(c intents.Change) int {
		if len(c.From) > 0 && len(c.To) > 0 {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(all, func(a, b intents.Change) int { return cmp.Compare(order(a), order(b)) })
	var parts []string
	for i, ch := range all {
		if i == maxChanges {
			parts = append(parts, "+"+count(len(all)-i)+" more")
			break
		}
		parts = append(parts, md(ch.String(), rc.c.long))
	}
	return strings.Join(parts, " · ")
}

// actor is "Name (login)", or whichever of the two is known.
func (rc *rctx) actor(a intents.Actor) string {
	name, alt := a.DisplayName, a.AlternateID
	switch {
	case name != "" && alt != "" && !strings.EqualFold(name, alt):
		return md(name, rc.c.name) + " (" + md(alt, rc.c.name) + ")"
	case name != "":
		return md(name, rc.c.name)
	default:
		return md(alt, rc.c.name)
	}
}

// target is the first target of an event, with how many more there are.
func (rc *rctx) target(ts []intents.Actor) string {
	if len(ts) == 0 {
		return ""
	}
	t := ts[0]
	name := t.DisplayName
	if name == "" {
		name = t.AlternateID
	}
	if name == "" {
		return ""
	}
	s := "→ " + md(name, rc.c.name)
	if t.Type != "" {
		s += " (" + md(t.Type, rc.c.word) + ")"
	}
	if len(ts) > 1 {
		s += " +" + count(len(ts)-1)
	}
	return s
}

// findings renders up to caps.findings findings, worst as given first, each
// with its score and the evidence behind it, and a summary for the
// fallback text.
func (rc *rctx) findings() ([]slack.Block, string) {
	fs := rc.r.Findings
	if len(fs) == 0 {
		return nil, ""
	}
	c := rc.c
	var blocks []slack.Block
	for i, f := range fs {
		if i == c.findings {
			blocks = append(blocks, contextBlock("findings_more", "… and "+plural(len(fs)-c.findings, "more finding", "more findings")+" (Export CSV has them all)."))
			break
		}
		if f.Severity == "" {
			f.Severity = intents.Band(f.Score)
		}
		band := string(f.Severity)
		if band != "" {
			band = strings.ToUpper(band[:1]) + band[1:]
		}
		text := severityEmoji(f.Severity) + " *" + md(band, 20) + " (" + count(f.Score) + ")* · " + code(f.Detection, 60)
		if f.User != "" {
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
			text += "\n• " + md(ev.Text, c.long)
			switch {
			case ev.Points > 0:
				text += " (+" + count(ev.Points) + ")"
			case ev.Points < 0:
				text += " (" + count(ev.Points) + ")"
			}
		}
		blocks = append(blocks, section("finding_"+count(i+1), text))
	}
	worst := fs[0]
	for _, f := range fs {
		if f.Score > worst.Score {
			worst = f
		}
	}
	return blocks, plural(len(fs), "finding", "findings") + " (worst: " + md(string(worst.Severity), 20) + ", " + count(worst.Score) + ")"
}

// proposals lists the fixes proposed from the findings, each with its
// target and confidence; each becomes its own proposal message to approve.
func (rc *rctx) proposals() string {
	ps := rc.r.Proposals
	if len(ps) == 0 {
		return ""
	}
	lines := []string{":lock_with_ink_pen: *Proposed fixes (" + count(len(ps)) + ")*, each needs an approver:"}
	for i, a := range ps {
		if i == rc.c.proposals {
			lines = append(lines, "• … and "+count(len(ps)-rc.c.proposals)+" more")
			break
		}
		verb := string(a.Kind)
		if info, ok := intents.Lookup(a.Kind); ok && len(info.Verbs) > 0 {
			verb = info.Verbs[0]
		}
		var targets []string
		for _, t := range a.Targets() {
			targets = append(targets, md(joinNonEmpty(" ", t.Name, "("+t.ID+")"), rc.c.name))
		}
		line := "• *" + md(verb, 40) + "* " + strings.Join(targets, ", ")
		if a.Confidence > 0 {
			band := string(intents.Band(a.Confidence))
			line += " — confidence " + strings.ToUpper(band[:1]) + band[1:] + " (" + count(a.Confidence) + "%)"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// proxyWord names how e's client hid its address: "Tor exit node" when the
// IP is on the Tor exit list, proxy (the caller's word) when Okta saw a
// proxy, "" otherwise.
func proxyWord(e intents.Event, proxy string) string {
	switch {
	case e.Security.TorExit:
		return "Tor exit node"
	case e.Security.IsProxy:
		return proxy
	}
	return ""
}
