package blocks

import (
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// Every answer that reads the System Log — logs, admin actions, security
// events, the sign-in listings, the threat sweep, an investigation — says
// what it covered on one line, the same way: the exact window (Slack shows
// each reader its times in their zone; the fallback is the team's), the
// filters applied (the user as resolved to a login), how many events it
// read, and ":warning: incomplete" when the read did not cover the whole
// window, with the reason beside it. Nothing shows a check mark over such
// a read.

// readsLog reports the kinds whose answer reads a System Log window.
func readsLog(k intents.Kind) bool { return k.Info().DefaultWindow > 0 }

// span is the window the answer covers: the read's bounds, else the
// intent's as of Options.Now (zero when neither is known).
func (rc *rctx) span() (since, until time.Time) {
	r := rc.r
	if !r.Since.IsZero() {
		return r.Since, r.Until
	}
	if !rc.o.Now.IsZero() && readsLog(r.Intent.Kind) {
		return r.Intent.Span(rc.o.Now)
	}
	return time.Time{}, time.Time{}
}

// windowText says which window was read: "Last 7 days · Nov 21 14:05 →
// Nov 28 14:05", or only the times when the window was set by the clock
// ("yesterday", since:, until:).
func (rc *rctx) windowText() string {
	var parts []string
	in := rc.r.Intent
	if w := in.EffectiveWindow(); w > 0 && !in.Bounded() {
		parts = append(parts, "Last "+intents.Duration(w).Human())
	}
	switch since, until := rc.span(); {
	case !since.IsZero() && !until.IsZero():
		parts = append(parts, rc.when(since)+" → "+rc.when(until))
	case !since.IsZero():
		parts = append(parts, "since "+rc.when(since))
	}
	if len(parts) == 0 {
		return "System Log"
	}
	return strings.Join(parts, " · ")
}

// windowPhrase is the window in a sentence: "in the last 24 hours", or
// "from <start> to <end>" for a window set by the clock.
func (rc *rctx) windowPhrase() string {
	in := rc.r.Intent
	since, until := rc.span()
	if in.Bounded() && !since.IsZero() && !until.IsZero() {
		return "from " + rc.when(since) + " to " + rc.when(until)
	}
	return "in the last " + intents.Duration(in.EffectiveWindow()).Human()
}

// windowLabel is the window for plain text (a header): "last 24 hours",
// or "2026-12-01 00:00 – 2026-12-02 00:00 CST" for a window set by the
// clock, in the team's zone.
func (rc *rctx) windowLabel() string {
	in := rc.r.Intent
	since, until := rc.span()
	if !in.Bounded() || since.IsZero() || until.IsZero() {
		return "last " + intents.Duration(in.EffectiveWindow()).Human()
	}
	from, to := stamp(since, rc.tz), stamp(until, rc.tz)
	if zf, zt := from[strings.LastIndexByte(from, ' '):], to[strings.LastIndexByte(to, ' '):]; zf == zt {
		from = strings.TrimSuffix(from, zf)
	}
	return from + " – " + to
}

// logFilters are the filters of a System Log answer: the user (as
// resolved to a login), the event type, outcome, countries and search
// text.
func (rc *rctx) logFilters() []string {
	in, c := rc.r.Intent, rc.c
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+v)
		}
	}
	if in.Kind != intents.LoginHistory && in.Kind != intents.Investigate && in.User != "" {
		add("user ", md(orID(rc.r.Subject, in.User), c.name))
	}
	add("type ", code(in.EventType, c.name))
	add("outcome ", md(in.Outcome, c.word))
	if len(in.Countries) > 0 {
		add("countries ", md(strings.Join(in.Countries, ", "), c.long))
	}
	add("matching ", bold(md(in.Query, c.name)))
	return parts
}

// coverage is the line that says what a System Log answer covered:
// window, filters, events read, and whether the read was incomplete.
func (rc *rctx) coverage() string {
	parts := append([]string{rc.windowText()}, rc.logFilters()...)
	read := plural(rc.eventsRead(), "event", "events") + " read"
	switch k := rc.r.Intent.Kind; {
	case rc.r.Truncated && (k == intents.Logs || k == intents.AdminActions || k == intents.SecurityEvents):
		read = "the newest " + read + ", Okta has more"
	}
	parts = append(parts, read)
	if in := rc.r.Intent; in.After != "" && in.After != rc.r.Window {
		parts = append(parts, "continued listing")
	}
	if len(rc.incomplete()) > 0 {
		parts = append(parts, ":warning: *incomplete*")
	}
	return strings.Join(parts, " · ")
}

// gaps lists why the read did not cover the whole window: it stopped
// early (Result.Stopped), or the window reaches past the 90 days Okta
// keeps.
func (rc *rctx) gaps() []string {
	r := rc.r
	var out []string
	before := "the window's events before " + rc.when(r.Reached) + " were not read"
	if r.Reached.IsZero() {
		before = "older events of the window were not read"
	}
	if r.Intent.Kind == intents.Threats {
		// The sweep reads its window oldest first: what it missed is
		// newer than where it stopped.
		before = "the window's events after " + rc.when(r.Reached) + " were not read"
		if r.Reached.IsZero() {
			before = "newer events of the window were not read"
		}
	}
	switch r.Stopped {
	case "":
	case intents.StopCap:
		out = append(out, "The read stopped at "+plural(r.Read, "event", "events")+", the most one answer reads: "+before+".")
	case intents.StopRateLimit:
		out = append(out, "Okta's rate limit stopped the read: "+before+". Ask again in a minute.")
	case intents.StopTimeout:
		out = append(out, "Okta cut the query off after 30 seconds, even on a narrow part of the window: "+before+". Narrow the window or the filters.")
	default:
		out = append(out, "The read stopped early: "+before+".")
	}
	now := rc.o.Now
	if now.IsZero() {
		now = r.Until
	}
	if kept := now.Add(-time.Duration(intents.MaxWindow)); !now.IsZero() && !r.Since.IsZero() && r.Since.Before(kept) {
		out = append(out, "Okta keeps the System Log for 90 days: the part of the window before "+rc.when(kept)+" is not kept by Okta and was not read.")
	}
	return out
}

// appendCoverage adds the context lines under a System Log answer's
// header: what it covered, and why the read was incomplete when it was.
func (rc *rctx) appendCoverage(blocks []slack.Block) []slack.Block {
	blocks = append(blocks, contextBlock("query", rc.coverage()))
	if why := rc.gaps(); len(why) > 0 {
		blocks = append(blocks, contextBlock("incomplete", ":warning: *Incomplete:* "+strings.Join(why, " ")))
	}
	return blocks
}

// listedNote ends the count under a list of events: rows left out of the
// message are not the same as events the read never reached. " · N more
// events were read than listed here (Export CSV has them)" for the
// first, ":warning: the read stopped …" for the second.
func (rc *rctx) listedNote() string {
	r := rc.r
	note := ""
	if r.Truncated {
		if more := r.Read - len(r.Events); more > 0 {
			note += " · not listed here: " + plural(more, "more event", "more events") + " read"
		} else {
			note += " · not listed here: more events of the window"
		}
	}
	if r.Stopped != "" {
		return note + " · :warning: the read stopped at " + plural(r.Read, "event", "events") + " (incomplete, see above) · Export CSV has what was read."
	}
	return note + " · Export CSV has every event."
}

// windowArgs is the window of in as slash arguments that read the same
// window again: "24h" (back from whenever it runs), or "since:…" and
// "until:…" in UTC for a window set by the clock.
func windowArgs(in intents.Intent) string {
	var parts []string
	if in.Since.IsZero() {
		parts = append(parts, intents.Duration(in.EffectiveWindow()).String())
	} else {
		parts = append(parts, "since:"+in.Since.UTC().Format(time.RFC3339Nano))
	}
	if !in.Until.IsZero() {
		parts = append(parts, "until:"+in.Until.UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(parts, " ")
}
