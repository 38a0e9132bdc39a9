package blocks

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// The investigation's timeline: a user's events, oldest first, with runs
// of the same thing (12 failed sign-ins from one IP, SSO into 7 apps)
// folded into one row and a sign-in's factor checks folded into the
// sign-in. When there are more rows than fit, the key ones are kept: those
// a finding names, failures, and sign-ins through a proxy or that Okta
// flagged.

// tlRow is one row of the timeline: a run of like events.
type tlRow struct {
	first, last intents.Event
	n           int
	apps        []string // SSO targets of the run
	factors     []string // factors checked for a sign-in
	key         bool
}

// timelineRows folds events (in any order) into rows, oldest first.
func timelineRows(evs []intents.Event, named map[string]bool) []tlRow {
	es := slices.Clone(evs)
	slices.SortStableFunc(es, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
	factors, folded := foldFactorChecks(es)
	var rows []tlRow
	for i, e := range es {
		if folded[i] {
			continue
		}
		key := named[e.UUID] || notSuccess(e.Outcome.Result) || flagged(e)
		// A successful sign-in carries its factor checks (factors[i] is
		// set, if empty) and stands alone; other like events run on.
		if n := len(rows); n > 0 && sameRun(rows[n-1].last, e) && factors[i] == nil && rows[n-1].factors == nil {
			r := &rows[n-1]
			r.last, r.n = e, r.n+1
			r.key = r.key || key
			if app := ssoApp(e); app != "" && !slices.Contains(r.apps, app) {
				r.apps = append(r.apps, app)
			}
			continue
		}
		r := tlRow{first: e, last: e, n: 1, factors: factors[i], key: key}
		if app := ssoApp(e); app != "" {
			r.apps = []string{app}
		}
		rows = append(rows, r)
	}
	return rows
}

// foldFactorChecks finds, for each successful sign-in, the successful
// factor checks (user.authentication.auth_via_mfa) from the same IP in
// the five minutes before it: it returns their factor names by the
// sign-in's index, and the indexes of the checks so folded. Events must be
// oldest first.
func foldFactorChecks(es []intents.Event) (map[int][]string, map[int]bool) {
	out := map[int][]string{}
	used := map[int]bool{}
	for i, e := range es {
		if e.EventType != "user.session.start" || notSuccess(e.Outcome.Result) {
			continue
		}
		var before, after []string
		take := func(j int) string {
			f := es[j]
			if used[j] || !isFactorCheck(f) || notSuccess(f.Outcome.Result) || f.Client.IP != e.Client.IP || f.Actor.ID != e.Actor.ID {
				return ""
			}
			used[j] = true
			return factorTarget(f)
		}
		for j := i - 1; j >= 0 && e.Published.Sub(es[j].Published) <= 5*time.Minute; j-- {
			if n := take(j); n != "" {
				before = append([]string{n}, before...)
			}
		}
		// Events of one second come in any order: a check in the same
		// second after the sign-in is part of it too.
		for j := i + 1; j < len(es) && es[j].Published.Equal(e.Published); j++ {
			if n := take(j); n != "" {
				after = append(after, n)
			}
		}
		names := []string{}
		for _, n := range append(before, after...) {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		out[i] = names
	}
	return out, used
}

func isFactorCheck(e intents.Event) bool {
	return e.EventType == "user.authentication.auth_via_mfa"
}

// factorTarget is the authenticator an event names.
func factorTarget(e intents.Event) string {
	for _, t := range e.Targets {
		if t.Type == "AuthenticatorEnrollment" || t.Type == "Factor" {
			return t.DisplayName
		}
	}
	return ""
}

// ssoApp is the app an SSO event signs in to, or "".
func ssoApp(e intents.Event) string {
	if e.EventType != "user.authentication.sso" {
		return ""
	}
	for _, t := range e.Targets {
		if t.Type == "AppInstance" {
			return t.Label()
		}
	}
	return ""
}

// sameRun reports whether b continues a's row: the same thing with the
// same outcome from the same place, within a day.
func sameRun(a, b intents.Event) bool {
	if a.EventType != b.EventType || !strings.EqualFold(a.Outcome.Result, b.Outcome.Result) || a.Outcome.Reason != b.Outcome.Reason ||
		a.Client.IP != b.Client.IP || a.Actor.ID != b.Actor.ID || b.Published.Sub(a.Published) > 24*time.Hour {
		return false
	}
	if a.EventType == "user.authentication.sso" {
		return true // the apps are listed
	}
	return eventName(a) == eventName(b)
}

// notSuccess reports an outcome other than success (or none).
func notSuccess(result string) bool {
	r := strings.ToUpper(result)
	return r != "" && r != "SUCCESS" && r != "ALLOW"
}

// flagged reports an event through a proxy or one Okta thought risky.
func flagged(e intents.Event) bool {
	return e.Security.IsProxy || strings.EqualFold(e.Debug["threatSuspected"], "true") ||
		strings.Contains(strings.ToUpper(e.Debug["risk"]), "LEVEL=HIGH")
}

// eventName says what an event is in a few words.
func eventName(e intents.Event) string {
	target := func(types ...string) string {
		for _, t := range e.Targets {
			if slices.Contains(types, t.Type) {
				return t.Label()
			}
		}
		return ""
	}
	switch e.EventType {
	case "user.session.start":
		return "Sign-in to Okta"
	case "user.authentication.sso":
		return joinNonEmpty(" ", "SSO to", orDash(target("AppInstance")))
	case "user.authentication.auth_via_mfa":
		return joinNonEmpty(" ", "Verified", target("AuthenticatorEnrollment", "Factor"))
	case "user.authentication.auth_via_IDP":
		return "Sign-in through an identity provider"
	case "policy.evaluate_sign_on":
		return joinNonEmpty(": ", "Sign-on policy", target("Rule", "PolicyRule"))
	case "user.account.lock", "user.account.lock.limit":
		return "Account locked"
	case "user.mfa.okta_verify.deny_push":
		return "Push denied"
	case "system.push.send_factor_verify_push":
		return "Push sent"
	case "user.session.end":
		return "Sign-out"
	}
	if e.DisplayMessage != "" {
		return e.DisplayMessage
	}
	return orID(e.EventType, e.UUID)
}

// clientName is "Firefox on Windows 10", from what Okta parsed of the
// user agent.
func clientName(c intents.EventClient) string {
	browser := c.Browser
	if strings.EqualFold(browser, "UNKNOWN") {
		browser = ""
	}
	if browser != "" && strings.ToUpper(browser) == browser {
		browser = upperFirst(strings.ToLower(browser))
	}
	os := c.OS
	if strings.EqualFold(os, "Unknown") {
		os = ""
	}
	switch {
	case browser != "" && os != "":
		return browser + " on " + os
	case browser != "":
		return browser
	}
	return os
}

// clock is t as a Slack date token of the time of day only.
func clock(t time.Time, tz *time.Location) string {
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^{time}|" + t.In(tz).Format("15:04") + ">"
}

// row renders a timeline row: when, outcome, what (×n), why it failed;
// then from where and with what.
func (rc *rctx) row(r tlRow) string {
	c, e := rc.c, r.first
	at := rc.when(e.Published)
	if r.n > 1 && !r.last.Published.Equal(e.Published) {
		if r.last.Published.Sub(e.Published) < 12*time.Hour {
			at += "–" + clock(r.last.Published, rc.tz)
		} else {
			at += " – " + rc.when(r.last.Published)
		}
	}
	what := eventName(e)
	switch {
	case len(r.apps) > 1:
		what = "SSO into " + plural(len(r.apps), "app", "apps")
	case len(r.factors) > 0:
		what += " with " + strings.Join(r.factors, " + ")
	}
	line1 := joinNonEmpty(" ", at, outcomeEmoji(e.Outcome.Result), bold(md(what, c.long)))
	if r.n > 1 && r.n != len(r.apps) {
		line1 += " ×" + count(r.n)
	}
	if notSuccess(e.Outcome.Result) {
		if reason := md(e.Outcome.Reason, c.name); reason != "" {
			line1 += " — " + reason
		}
	}
	if len(r.apps) > 1 {
		line1 += ": " + rc.inline(r.apps, "")
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
	line2 := joinNonEmpty(" · ", md(e.Client.IP, 45), md(e.Client.Place(), c.name), md(clientName(e.Client), c.name), strings.Join(flags, " "))
	if line2 == "" {
		return line1
	}
	return line1 + "\n      ↳ " + line2
}

// timelineCap is how many rows the timeline shows at the caps in force.
func (rc *rctx) timelineCap() int { return rc.c.findings + 4 }

// timeline renders the events as rows, oldest first, at most
// timelineCap of them (the key ones first when there are more), with a
// count of what is left out.
func (rc *rctx) timeline() []slack.Block {
	evs := rc.r.Events
	if len(evs) == 0 {
		return nil
	}
	named := map[string]bool{}
	for _, f := range rc.r.Findings {
		for _, id := range f.Events {
			named[id] = true
		}
	}
	rows := timelineRows(evs, named)
	shown := pickRows(rows, rc.timelineCap(), len(rc.r.Findings) > 0)
	lines := make([]string, 0, len(shown)+1)
	lines = append(lines, "*Timeline* (oldest first)")
	hidden, hiddenEvents, hiddenKey := 0, 0, 0
	for i, r := range rows {
		if !shown[i] {
			hidden++
			hiddenEvents += r.n
			if r.key {
				hiddenKey++
			}
			continue
		}
		lines = append(lines, rc.row(r))
	}
	blocks := packLines("timeline", lines)
	note := plural(len(evs), "event", "events")
	switch {
	case hidden > 0 && hiddenKey > 0:
		note = "Not shown: " + plural(hidden, "more row", "more rows") + " (" + plural(hiddenEvents, "event", "events") + "), " +
			count(hiddenKey) + " of them flagged · " + note + " in all"
	case hidden > 0 && len(rc.r.Findings) > 0:
		note = "Not shown: " + plural(hidden, "more row", "more rows") + " of ordinary activity (" + plural(hiddenEvents, "event", "events") + ") · " + note + " in all"
	case hidden > 0:
		note = "Not shown: " + plural(hidden, "earlier row", "earlier rows") + " (" + plural(hiddenEvents, "event", "events") + ") · " + note + " in all"
	}
	note += rc.listedNote()
	return append(blocks, contextBlock("timeline_count", note))
}

// pickRows chooses which rows to show when there are more than max: the
// key rows (newest first when even they are too many), then the newest
// others. Without findings every row counts the same: the newest are kept.
func pickRows(rows []tlRow, max int, findings bool) []bool {
	shown := make([]bool, len(rows))
	left := max
	if findings {
		for i := len(rows) - 1; i >= 0 && left > 0; i-- {
			if rows[i].key {
				shown[i] = true
				left--
			}
		}
	}
	for i := len(rows) - 1; i >= 0 && left > 0; i-- {
		if !shown[i] {
			shown[i] = true
			left--
		}
	}
	return shown
}

// packLines puts lines into as few sections as the section limit allows,
// with block ids id_1, id_2 …
func packLines(id string, lines []string) []slack.Block {
	var blocks []slack.Block
	cur := ""
	flush := func() {
		if cur != "" {
			blocks = append(blocks, section(id+"_"+strconv.Itoa(len(blocks)+1), cur))
			cur = ""
		}
	}
	for _, l := range lines {
		l = clipMarkup(l, MaxSectionText)
		if cur != "" && chars(cur)+1+chars(l) > MaxSectionText {
			flush()
		}
		if cur != "" {
			cur += "\n"
		}
		cur += l
	}
	flush()
	return blocks
}
