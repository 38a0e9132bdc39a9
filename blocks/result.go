package blocks

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// caps are the lengths (in characters, escaped) that pieces of Okta data
// are shortened to. Result tries the roomiest level first and tightens
// until the message fits Slack's limits.
type caps struct {
	word      int // a status, type or other one-word value
	name      int // a name, login, label, address
	long      int // a description, summary or display message
	items     int // names listed inline (a user's groups)
	findings  int // findings shown in full
	evidence  int // evidence lines per finding
	proposals int // proposed fixes listed
}

const numLevels = 5

func levelCaps(level int) caps {
	switch level {
	case 0:
		return caps{word: 40, name: 120, long: 300, items: 40, findings: 8, evidence: 6, proposals: 8}
	case 1:
		return caps{word: 30, name: 60, long: 150, items: 20, findings: 6, evidence: 4, proposals: 6}
	case 2:
		return caps{word: 24, name: 30, long: 60, items: 10, findings: 4, evidence: 3, proposals: 4}
	case 3:
		return caps{word: 20, name: 16, long: 24, items: 5, findings: 3, evidence: 2, proposals: 3}
	default:
		return caps{word: 16, name: 12, long: 16, items: 3, findings: 2, evidence: 1, proposals: 2}
	}
}

// rctx is one rendering: the result, the options and the caps in force.
type rctx struct {
	r  intents.Result
	o  Options
	tz *time.Location
	c  caps
}

func (rc *rctx) when(t time.Time) string { return when(t, rc.tz) }

// Result renders the answer to a query. Every query kind has its own
// layout; any other kind gets a generic one (findings, then whatever list
// the result holds). The message always passes Validate.
func Result(r intents.Result, opts Options) Message {
	if r.Intent.Kind == intents.Help {
		return Help(areaFor(r.Intent.Query))
	}
	for level := range numLevels {
		rc := &rctx{r: r, o: opts, tz: opts.zone(), c: levelCaps(level)}
		if m := rc.render(); Validate(m) == nil {
			return m
		}
	}
	return tooLarge(r, opts)
}

func (rc *rctx) render() Message {
	switch rc.r.Intent.Kind {
	case intents.Status:
		if rc.r.Status != nil {
			return rc.status()
		}
	case intents.UserDetails:
		if rc.r.Profile != nil || len(rc.r.Users) == 1 {
			return rc.profile()
		}
	case intents.AppDetails:
		if len(rc.r.Apps) == 1 {
			return rc.app()
		}
	case intents.Investigate:
		return rc.investigation()
	case intents.Threats:
		return rc.threatSweep()
	case intents.FailedLogins:
		return rc.failedLogins()
	case intents.SuspiciousLogins:
		return rc.suspiciousLogins()
	case intents.LoginHistory:
		return rc.loginHistory()
	case intents.MFAStatus:
		return rc.mfaStatus()
	}
	return rc.listing()
}

// listing is the layout of every list kind and of the generic fallback:
// header, what was asked, findings, the page of the list, paging.
func (rc *rctx) listing() Message {
	title := rc.title()
	blocks := []slack.Block{header("title", title)}
	if readsLog(rc.r.Intent.Kind) {
		blocks = rc.appendCoverage(blocks)
	} else if f := rc.filters(); f != "" {
		blocks = append(blocks, contextBlock("query", f))
	}
	var summary []string
	said := false // whether a result with nothing in it has said so
	if fb, fs := rc.findings(); len(fb) > 0 {
		blocks = append(blocks, fb...)
		summary = append(summary, fs)
	} else if k := rc.r.Intent.Kind; (k == intents.Investigate || k == intents.Threats) && len(rc.gaps()) == 0 {
		blocks = append(blocks, section("findings", ":white_check_mark: No detection fired."))
		summary = append(summary, "no findings")
		said = true
	}
	if p := rc.proposals(); p != "" {
		blocks = append(blocks, section("proposals", p))
		summary = append(summary, plural(len(rc.r.Proposals), "proposed fix", "proposed fixes"))
	}
	if l, ok := rc.primary(); ok {
		if len(blocks) > 2 {
			blocks = append(blocks, divider("list_divider"))
		}
		lb, ls := rc.listBlocks(l)
		blocks = append(blocks, lb...)
		summary = append(summary, ls)
	} else if len(rc.r.Findings) == 0 && !said {
		blocks = append(blocks, section("empty", rc.nothing()))
		summary = append(summary, "nothing found")
	}
	if n := rc.notes(); n != "" {
		blocks = append(blocks, contextBlock("notes", n))
	}
	return Message{Text: esc(stripEmoji(title)) + ": " + strings.Join(summary, "; "), Blocks: blocks}
}

// title is the header of a listing: what this is.
func (rc *rctx) title() string {
	in := rc.r.Intent
	subject := func(arg string) string {
		if rc.r.Subject != "" {
			return plainText(rc.r.Subject, 100)
		}
		return plainText(arg, 100)
	}
	switch in.Kind {
	case intents.ListUsers:
		return ":bust_in_silhouette: Users"
	case intents.GroupMembers:
		return ":busts_in_silhouette: Members of " + subject(in.Group)
	case intents.ListGroups:
		return ":busts_in_silhouette: Groups"
	case intents.GroupApps:
		return ":package: Applications of " + subject(in.Group)
	case intents.ListApps:
		return ":package: Applications"
	case intents.AppDetails:
		return ":package: Application " + subject(in.App)
	case intents.AppAssignments:
		return ":link: Assigned to " + subject(in.App)
	case intents.ListPolicies:
		return joinNonEmpty(" · ", ":shield: Policies", plainText(in.PolicyType, 40))
	case intents.PolicyRules:
		return ":scroll: Rules of " + subject(in.Policy)
	case intents.Logs:
		return ":scroll: System Log"
	case intents.AdminActions:
		return ":hammer_and_wrench: Admin actions"
	case intents.SecurityEvents:
		return ":rotating_light: Security events"
	case intents.UserDetails:
		return ":bust_in_silhouette: User " + subject(in.User)
	case intents.FailedLogins:
		return ":x: Failed sign-ins"
	case intents.SuspiciousLogins:
		return ":warning: Suspicious sign-ins"
	case intents.LoginHistory:
		return ":bust_in_silhouette: Sign-ins of " + subject(in.User)
	case intents.Investigate:
		return ":mag: Investigation of " + subject(in.User)
	case intents.Threats:
		return ":rotating_light: Threat sweep"
	case intents.MFAStatus:
		return ":closed_lock_with_key: Users without strong MFA"
	}
	if info, ok := intents.Lookup(in.Kind); ok && in.Kind != intents.Unknown {
		return areaEmoji(info.Area) + " " + info.Summary
	}
	return ":mag: Result"
}

// filters says what a listing that does not read the System Log was
// asked, from the intent's arguments (coverage says it for those that
// do).
func (rc *rctx) filters() string {
	in, c := rc.r.Intent, rc.c
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+v)
		}
	}
	add("matching ", bold(md(in.Query, c.name)))
	if in.Kind != intents.LoginHistory && in.Kind != intents.Investigate && in.Kind != intents.UserDetails {
		add("user ", md(in.User, c.name))
	}
	if in.Kind != intents.GroupMembers && in.Kind != intents.GroupApps {
		add("group ", md(in.Group, c.name))
	}
	if in.Kind != intents.AppAssignments && in.Kind != intents.AppDetails {
		add("app ", md(in.App, c.name))
	}
	add("status ", md(in.Status, c.word))
	add("type ", code(in.EventType, c.name))
	add("outcome ", md(in.Outcome, c.word))
	if len(in.Countries) > 0 {
		add("countries ", md(strings.Join(in.Countries, ", "), c.long))
	}
	if in.After != "" && in.After != rc.r.Window {
		parts = append(parts, "continued listing")
	}
	return strings.Join(parts, " · ")
}

// orID is name, or the object's id when it has no name.
func orID(name, id string) string {
	if strings.TrimSpace(name) == "" {
		return id
	}
	return name
}

// bold is s in bold, or "" when s is empty.
func bold(s string) string {
	if s == "" {
		return ""
	}
	return "*" + s + "*"
}

// primary is the list a result of this kind shows; for other kinds the
// first list the result holds.
func (rc *rctx) primary() (list, bool) {
	r := rc.r
	switch r.Intent.Kind {
	case intents.ListUsers, intents.GroupMembers, intents.MFAStatus:
		return rc.users(), true
	case intents.ListGroups:
		return rc.groups(), true
	case intents.ListApps, intents.GroupApps:
		return rc.apps(), true
	case intents.AppAssignments:
		return rc.assignments(), true
	case intents.ListPolicies:
		return rc.policies(), true
	case intents.PolicyRules:
		return rc.rules(), true
	case intents.Logs, intents.AdminActions, intents.SecurityEvents, intents.LoginHistory:
		return rc.events(), true
	}
	switch {
	case len(r.Events) > 0:
		return rc.events(), true
	case len(r.Users) > 0:
		return rc.users(), true
	case len(r.Assignments) > 0:
		return rc.assignments(), true
	case len(r.Rules) > 0:
		return rc.rules(), true
	case len(r.Policies) > 0:
		return rc.policies(), true
	case len(r.Apps) > 0:
		return rc.apps(), true
	case len(r.Groups) > 0:
		return rc.groups(), true
	}
	return list{}, false
}

// notes are what the answer leaves out and why, one line each.
func (rc *rctx) notes() string {
	var lines []string
	for _, n := range rc.r.Notes {
		if n = md(n, rc.c.long); n != "" {
			lines = append(lines, ":information_source: "+n)
		}
	}
	return strings.Join(lines, "\n")
}

// nothing is what a result with neither findings nor a list says.
func (rc *rctx) nothing() string { return rc.emptyWindow("Nothing found") }

// tooLarge is the last resort when no level of caps fits: say so and
// offer the export.
func tooLarge(r intents.Result, opts Options) Message {
	rc := &rctx{r: r, o: opts, tz: opts.zone(), c: levelCaps(numLevels - 1)}
	blocks := []slack.Block{
		header("title", rc.title()),
		section("too_large", ":warning: This result is too large to show in Slack. Use *Export CSV* to get all of it."),
	}
	page := max(opts.Page, 1)
	if v, err := EncodePageValue(r.Intent, page); err == nil && r.Len() > 0 {
		blocks = append(blocks, slack.NewActionBlock("pager", button(ActionExport, "Export CSV", v)))
	}
	return Message{Text: esc(stripEmoji(rc.title())) + ": too large to show", Blocks: blocks}
}

// stripEmoji removes a leading :shortcode: from a title for the fallback.
func stripEmoji(s string) string {
	if strings.HasPrefix(s, ":") {
		if i := strings.Index(s[1:], ": "); i >= 0 && !strings.Contains(s[1:i+1], " ") {
			return s[i+3:]
		}
	}
	return s
}
