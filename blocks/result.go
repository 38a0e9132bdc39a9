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
	if layout := resultLayouts[rc.r.Intent.Kind]; layout != nil {
		if m, ok := layout(rc); ok {
			return m
		}
	}
	return rc.listing()
}

// resultLayouts are the reads whose result has a layout of its own; ok
// false shows the listing instead. A test checks that every read has a
// layout or a listing view.
var resultLayouts = map[intents.Kind]func(rc *rctx) (m Message, ok bool){
	intents.Status: func(rc *rctx) (Message, bool) {
		if rc.r.Status == nil {
			return Message{}, false
		}
		return rc.status(), true
	},
	intents.UserDetails: func(rc *rctx) (Message, bool) {
		if rc.r.Profile == nil && len(rc.r.Users) != 1 {
			return Message{}, false
		}
		return rc.profile(), true
	},
	intents.AppDetails: func(rc *rctx) (Message, bool) {
		if len(rc.r.Apps) != 1 {
			return Message{}, false
		}
		return rc.app(), true
	},
	intents.Investigate:      always((*rctx).investigation),
	intents.Threats:          always((*rctx).threatSweep),
	intents.FailedLogins:     always((*rctx).failedLogins),
	intents.SuspiciousLogins: always((*rctx).suspiciousLogins),
	intents.LoginHistory:     always((*rctx).loginHistory),
	intents.MFAStatus:        always((*rctx).mfaStatus),
}

// always is a layout that every result of its kind takes.
func always(layout func(rc *rctx) Message) func(rc *rctx) (Message, bool) {
	return func(rc *rctx) (Message, bool) { return layout(rc), true }
}

// listingView is how the listing shows a result of one read kind.
type listingView struct {
	// title is the header; without one the catalogue's summary is.
	title func(rc *rctx) string
	// list is the list shown; without one, the first list the result
	// holds.
	list func(rc *rctx) list
}

// listingViews is how the listing shows each read kind of the catalogue.
var listingViews = map[intents.Kind]listingView{
	intents.ListUsers: {title: fixed(":bust_in_silhouette: Users"), list: (*rctx).users},
	intents.UserDetails: {
		title: func(rc *rctx) string { return ":bust_in_silhouette: User " + rc.subject(rc.r.Intent.User) },
	},
	intents.ListGroups: {title: fixed(":busts_in_silhouette: Groups"), list: (*rctx).groups},
	intents.GroupMembers: {
		title: func(rc *rctx) string { return ":busts_in_silhouette: Members of " + rc.subject(rc.r.Intent.Group) },
		list:  (*rctx).users,
	},
	intents.GroupApps: {
		title: func(rc *rctx) string { return ":package: Applications of " + rc.subject(rc.r.Intent.Group) },
		list:  (*rctx).apps,
	},
	intents.ListApps: {title: fixed(":package: Applications"), list: (*rctx).apps},
	intents.AppDetails: {
		title: func(rc *rctx) string { return ":package: Application " + rc.subject(rc.r.Intent.App) },
	},
	intents.AppAssignments: {
		title: func(rc *rctx) string { return ":link: Assigned to " + rc.subject(rc.r.Intent.App) },
		list:  (*rctx).assignments,
	},
	intents.ListPolicies: {
		title: func(rc *rctx) string {
			return joinNonEmpty(" · ", ":shield: Policies", plainText(rc.r.Intent.PolicyType, 40))
		},
		list: (*rctx).policies,
	},
	intents.PolicyRules: {
		title: func(rc *rctx) string { return ":scroll: Rules of " + rc.subject(rc.r.Intent.Policy) },
		list:  (*rctx).rules,
	},
	intents.Logs:             {title: fixed(":scroll: System Log"), list: (*rctx).events},
	intents.AdminActions:     {title: fixed(":hammer_and_wrench: Admin actions"), list: (*rctx).events},
	intents.SecurityEvents:   {title: fixed(":rotating_light: Security events"), list: (*rctx).events},
	intents.FailedLogins:     {title: fixed(":x: Failed sign-ins")},
	intents.SuspiciousLogins: {title: fixed(":warning: Suspicious sign-ins")},
	intents.LoginHistory: {
		title: func(rc *rctx) string { return ":bust_in_silhouette: Sign-ins of " + rc.subject(rc.r.Intent.User) },
		list:  (*rctx).events,
	},
	intents.Investigate: {
		title: func(rc *rctx) string { return ":mag: Investigation of " + rc.subject(rc.r.Intent.User) },
	},
	intents.Threats:   {title: fixed(":rotating_light: Threat sweep")},
	intents.MFAStatus: {title: fixed(":closed_lock_with_key: Users without strong MFA"), list: (*rctx).users},
}

// fixed is a title that does not depend on the result.
func fixed(title string) func(rc *rctx) string {
	return func(*rctx) string { return title }
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
	if v := listingViews[in.Kind]; v.title != nil {
		return v.title(rc)
	}
	if info, ok := intents.Lookup(in.Kind); ok && in.Kind != intents.Unknown {
		return areaEmoji(info.Area) + " " + info.Summary
	}
	return ":mag: Result"
}

// subject names what a listing is about: the result's Subject (the name
// Okta resolved), else the argument as asked.
func (rc *rctx) subject(arg string) string {
	if rc.r.Subject != "" {
		return plainText(rc.r.Subject, 100)
	}
	return plainText(arg, 100)
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
	if v := listingViews[r.Intent.Kind]; v.list != nil {
		return v.list(rc), true
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
