package blocks

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// The sign-in listings: failed_logins grouped by user and IP,
// suspicious_logins with where each came from, and login_history one
// sign-in a line. Each shows its findings first, with buttons that
// investigate the users they name, then the page of its list.

// maxInvestigateButtons bounds the Investigate buttons of a listing.
const maxInvestigateButtons = 3

// signIns is the frame of the sign-in listings: header, what was asked,
// the findings with Investigate buttons, a tally, then the list.
func (rc *rctx) signIns(tally string, listing func() ([]slack.Block, string)) Message {
	title := rc.title()
	blocks := []slack.Block{header("title", title)}
	blocks = rc.appendCoverage(blocks)
	var summary []string
	if fs := rc.findingsSummary(); fs != "" {
		blocks = append(blocks, section("findings", fs))
		summary = append(summary, plural(len(rc.r.Findings), "finding", "findings"))
		var els []slack.BlockElement
		for i, u := range findingUsers(rc.r.Findings, maxInvestigateButtons) {
			if b := investigateButton(i, u, windowArgs(rc.r.Intent)); b != nil {
				els = append(els, b)
			}
		}
		if len(els) > 0 {
			blocks = append(blocks, slack.NewActionBlock("investigate", els...))
		}
		blocks = append(blocks, divider("list_divider"))
	}
	if tally != "" {
		blocks = append(blocks, section("tally", tally))
	}
	lb, ls := listing()
	blocks = append(blocks, lb...)
	summary = append(summary, ls)
	if n := rc.notes(); n != "" {
		blocks = append(blocks, contextBlock("notes", n))
	}
	return Message{Text: esc(stripEmoji(title)) + ": " + strings.Join(summary, "; "), Blocks: blocks}
}

// failGroup is the failed sign-ins of one user from one IP.
type failGroup struct {
	newest      intents.Event
	first, last time.Time
	n           int
	reasons     map[string]int
}

// failGroups groups failed sign-ins by user (case-insensitively) and IP,
// most failures first, then most recent.
func failGroups(evs []intents.Event) []*failGroup {
	index := map[string]*failGroup{}
	var out []*failGroup
	for _, e := range evs {
		who := strings.ToLower(orID(e.Actor.AlternateID, orID(e.Actor.ID, e.Actor.DisplayName)))
		k := who + "\x00" + e.Client.IP
		g, ok := index[k]
		if !ok {
			g = &failGroup{newest: e, first: e.Published, last: e.Published, reasons: map[string]int{}}
			index[k] = g
			out = append(out, g)
		}
		g.n++
		g.reasons[e.Outcome.Reason]++
		if e.Published.Before(g.first) {
			g.first = e.Published
		}
		if e.Published.After(g.last) {
			g.last, g.newest = e.Published, e
		}
	}
	slices.SortStableFunc(out, func(a, b *failGroup) int {
		return cmp.Or(cmp.Compare(b.n, a.n), b.last.Compare(a.last))
	})
	return out
}

// failedLogins is the layout of failed_logins.
func (rc *rctx) failedLogins() Message {
	evs, c := rc.r.Events, rc.c
	groups := failGroups(evs)
	users, ips := map[string]bool{}, map[string]bool{}
	for _, e := range evs {
		users[strings.ToLower(orID(e.Actor.AlternateID, e.Actor.ID))] = true
		ips[e.Client.IP] = true
	}
	tally := ""
	if len(evs) > 0 {
		tally = ":x: *" + plural(len(evs), "failed sign-in", "failed sign-ins") + "* · " + plural(len(users), "user", "users") + " · " + plural(len(ips), "IP", "IPs")
	}
	l := list{one: "user/IP pair", many: "user/IP pairs", n: len(groups), empty: rc.emptyWindow("No failed sign-ins"), row: func(i int) string {
		g := groups[i]
		e := g.newest
		line1 := ":x: *" + plural(g.n, "failure", "failures") + "* · " + orDash(rc.actor(e.Actor)) + " from " + orDash(md(e.Client.IP, 45))
		if place := md(e.Client.Place(), c.name); place != "" {
			line1 += " · " + place
		}
		if w := proxyWord(e, "proxy"); w != "" {
			line1 += " · :warning: " + w
		}
		var parts []string
		if rs := reasonList(g.reasons, c); rs != "" {
			parts = append(parts, rs)
		}
		if g.n > 1 && g.last.After(g.first) {
			parts = append(parts, "over "+span(g.last.Sub(g.first)))
		}
		parts = append(parts, "last seen "+rc.when(g.last))
		return line1 + "\n      ↳ " + strings.Join(parts, " · ")
	}}
	return rc.signIns(tally, func() ([]slack.Block, string) {
		return rc.groupedListBlocks(l, len(evs), "failed sign-in", "failed sign-ins")
	})
}

// reasonList is the failure reasons of a group, most frequent first:
// "INVALID_CREDENTIALS" or "INVALID_CREDENTIALS ×10, LOCKED_OUT ×2".
func reasonList(reasons map[string]int, c caps) string {
	type tally struct {
		reason string
		n      int
	}
	var rs []tally
	for r, n := range reasons {
		if strings.TrimSpace(r) != "" {
			rs = append(rs, tally{r, n})
		}
	}
	slices.SortFunc(rs, func(a, b tally) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.reason, b.reason)) })
	if len(rs) == 1 {
		return md(rs[0].reason, c.name)
	}
	var parts []string
	for i, r := range rs {
		if i == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, md(r.reason, c.name)+" ×"+count(r.n))
	}
	return strings.Join(parts, ", ")
}

// span is a duration in a word or two: "11 min", "3 h", "2 days".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	default:
		return plural(int(d/(24*time.Hour)), "day", "days")
	}
}

// groupedListBlocks is listBlocks for a list whose rows each stand for
// several events: the note that Okta has more counts events, not rows.
func (rc *rctx) groupedListBlocks(l list, events int, one, many string) ([]slack.Block, string) {
	flat := *rc
	flat.r.Truncated = false
	blocks, summary := flat.listBlocks(l)
	if !rc.r.Truncated {
		return blocks, summary
	}
	note := "Not listed here: older " + many + " of this window (these rows group the newest " + plural(events, one, many) + "; the findings above count every one read)."
	if rc.r.Next != "" {
		note += " *▶ Next* on the last page continues; Export CSV has them."
	} else {
		note += " Export CSV has them."
	}
	if n := len(blocks); n > 0 {
		if a, ok := blocks[n-1].(*slack.ActionBlock); ok {
			blocks = append(blocks[:n-1:n-1], contextBlock("truncated", note), a)
			return blocks, summary + ", truncated"
		}
	}
	return append(blocks, contextBlock("truncated", note)), summary + ", truncated"
}

// emptyWindow is "No X in the last 24 hours." (or over the window's exact
// times), an all-clear only when the read covered the whole window and
// the result has no notes (a name it could not check, a part left out).
func (rc *rctx) emptyWindow(what string) string {
	if len(rc.gaps()) > 0 {
		return ":warning: *" + what + " in what was read — the read was incomplete (above): this is not an all-clear.*"
	}
	mark, tail := ":white_check_mark: ", "."
	if len(rc.r.Notes) > 0 {
		mark, tail = ":grey_question: ", ", but see the note below: this is not an all-clear."
	}
	if readsLog(rc.r.Intent.Kind) {
		return mark + what + " " + rc.windowPhrase() + tail
	}
	return mark + what + tail
}

// evRun is a run of like events in a listing: the same user doing the
// same thing with the same outcome from the same IP, one after the other
// (12 failed sign-ins from a Tor exit). Listings are newest first.
type evRun struct {
	newest, oldest intents.Event
	n              int
}

// foldRuns folds consecutive like events, in the order given, into runs.
func foldRuns(evs []intents.Event) []evRun {
	var out []evRun
	for _, e := range evs {
		if n := len(out); n > 0 && likeEvents(out[n-1].oldest, e) {
			out[n-1].oldest = e
			out[n-1].n++
			continue
		}
		out = append(out, evRun{newest: e, oldest: e, n: 1})
	}
	return out
}

// likeEvents reports whether b repeats a: same user, event, outcome, IP,
// place and proxy flag, within an hour.
func likeEvents(a, b intents.Event) bool {
	gap := a.Published.Sub(b.Published)
	if gap < 0 {
		gap = -gap
	}
	return a.EventType == b.EventType && a.Actor.ID == b.Actor.ID && a.Actor.AlternateID == b.Actor.AlternateID &&
		strings.EqualFold(a.Outcome.Result, b.Outcome.Result) && a.Outcome.Reason == b.Outcome.Reason &&
		a.Client.IP == b.Client.IP && a.Client.Place() == b.Client.Place() && a.Security.IsProxy == b.Security.IsProxy &&
		eventName(a) == eventName(b) && gap <= time.Hour
}

// runTime is when a run happened: "Nov 28 08:01–08:12".
func (rc *rctx) runTime(r evRun) string {
	at := rc.when(r.oldest.Published)
	if r.n > 1 && r.newest.Published.After(r.oldest.Published) {
		at += "–" + clock(r.newest.Published, rc.tz)
	}
	return at
}

// times is " ×12" for a run of more than one event.
func times(n int) string {
	if n < 2 {
		return ""
	}
	return " ×" + count(n)
}

// suspiciousLogins is the layout of suspicious_logins: each attempt (runs
// of like ones folded) with where it came from (place, IP, proxy,
// network), who and what.
func (rc *rctx) suspiciousLogins() Message {
	evs, c := rc.r.Events, rc.c
	runs := foldRuns(evs)
	users, places, proxied := map[string]bool{}, map[string]bool{}, 0
	for _, e := range evs {
		users[strings.ToLower(orID(e.Actor.AlternateID, e.Actor.ID))] = true
		places[e.Client.Country] = true
		if proxyWord(e, "proxy") != "" {
			proxied++
		}
	}
	tally := ""
	if len(evs) > 0 {
		tally = ":warning: *" + plural(len(evs), "sign-in event", "sign-in events") + "* · " + plural(len(users), "user", "users") + " · " +
			plural(len(places), "country", "countries")
		if proxied > 0 {
			tally += " · " + count(proxied) + " through a proxy"
		}
	}
	l := list{one: "row", many: "rows", n: len(runs), empty: rc.emptyWindow("No sign-ins from watch-listed countries or anonymizing proxies"), row: func(i int) string {
		r := runs[i]
		e := r.newest
		where := md(e.Client.Place(), c.name)
		if where == "" {
			where = "unknown location"
		}
		line1 := joinNonEmpty(" ", rc.runTime(r), outcomeEmoji(e.Outcome.Result), "*"+where+"*")
		line1 += " · " + orDash(rc.actor(e.Actor)) + " · " + md(eventName(e), c.long) + times(r.n)
		if notSuccess(e.Outcome.Result) {
			line1 += " — " + joinNonEmpty(": ", md(e.Outcome.Result, c.word), md(e.Outcome.Reason, c.name))
		}
		var flags []string
		if w := proxyWord(e, "anonymizing proxy"); w != "" {
			flags = append(flags, ":warning: "+w)
		}
		if strings.EqualFold(e.Debug["threatSuspected"], "true") {
			flags = append(flags, ":rotating_light: threat suspected")
		}
		line2 := joinNonEmpty(" · ", md(e.Client.IP, 45), strings.Join(flags, " "), rc.network(e.Security), md(clientName(e.Client), c.name))
		if line2 == "" {
			return line1
		}
		return line1 + "\n      ↳ " + line2
	}}
	return rc.signIns(tally, func() ([]slack.Block, string) {
		return rc.groupedListBlocks(l, len(evs), "sign-in event", "sign-in events")
	})
}

// network is the event's network: "AS60729 stiftung erneuerbare freiheit".
func (rc *rctx) network(s intents.Security) string {
	org := s.ASOrg
	if org == "" {
		org = s.ISP
	}
	as := ""
	if s.ASNumber > 0 {
		as = "AS" + strconv.Itoa(s.ASNumber)
	}
	return joinNonEmpty(" ", as, md(org, rc.c.name))
}

// loginHistory is the layout of login_history: one sign-in a line (runs
// of like ones folded), "time · IP · City, Country · browser on OS ·
// outcome".
func (rc *rctx) loginHistory() Message {
	evs, c := rc.r.Events, rc.c
	runs := foldRuns(evs)
	failed, ips := 0, map[string]bool{}
	for _, e := range evs {
		if notSuccess(e.Outcome.Result) {
			failed++
		}
		ips[e.Client.IP] = true
	}
	tally := ""
	if len(evs) > 0 {
		tally = ":bust_in_silhouette: *" + plural(len(evs), "sign-in", "sign-ins") + "* · " + count(len(evs)-failed) + " succeeded · " + count(failed) + " failed · from " +
			plural(len(ips), "IP", "IPs")
	}
	l := list{one: "row", many: "rows", n: len(runs), empty: rc.emptyWindow("No sign-ins"), row: func(i int) string {
		r := runs[i]
		e := r.newest
		parts := []string{rc.runTime(r), md(e.Client.IP, 45), md(e.Client.Place(), c.name), md(clientName(e.Client), c.name)}
		if e.EventType != "user.session.start" {
			parts = append(parts, md(eventName(e), c.name))
		}
		out := outcomeEmoji(e.Outcome.Result) + " " + outcomeWord(e.Outcome.Result) + times(r.n)
		if notSuccess(e.Outcome.Result) {
			out = outcomeEmoji(e.Outcome.Result) + " *" + outcomeWord(e.Outcome.Result) + times(r.n) + "*"
			if reason := md(e.Outcome.Reason, c.name); reason != "" {
				out += ": " + reason
			}
		}
		parts = append(parts, out)
		if flagged(e) {
			parts = append(parts, ":warning: "+joinNonEmpty(", ", flagWords(e)...))
		}
		return joinNonEmpty(" · ", parts...)
	}}
	return rc.signIns(tally, func() ([]slack.Block, string) {
		return rc.groupedListBlocks(l, len(evs), "sign-in", "sign-ins")
	})
}

// outcomeWord is an outcome in a word: "success", "failed".
func outcomeWord(result string) string {
	switch strings.ToUpper(result) {
	case "SUCCESS":
		return "success"
	case "ALLOW":
		return "allowed"
	case "FAILURE":
		return "failed"
	case "DENY":
		return "denied"
	case "CHALLENGE":
		return "challenged"
	case "":
		return "unknown"
	}
	return md(strings.ToLower(result), 20)
}

// flagWords says why an event is flagged.
func flagWords(e intents.Event) []string {
	var out []string
	if w := proxyWord(e, "proxy"); w != "" {
		out = append(out, w)
	}
	if strings.EqualFold(e.Debug["threatSuspected"], "true") {
		out = append(out, "threat suspected")
	}
	if strings.Contains(strings.ToUpper(e.Debug["risk"]), "LEVEL=HIGH") {
		out = append(out, "risk HIGH")
	}
	return out
}
