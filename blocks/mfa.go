package blocks

import (
	"strconv"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// The answer to mfa_status (how many active users have no MFA or only
// weak factors, who they are, when the scan ran, Refresh and Export CSV),
// the progress message of a running scan, and the export's rows.

// ActionMFARefresh is the Refresh button of an mfa_status answer: the bot
// brings the last scan up to date. Its value is empty.
const ActionMFARefresh = "mfa_refresh"

// maxWeakShown bounds the weak-only users named in an mfa_status answer;
// the rest are counted (the export lists them all).
const maxWeakShown = 10

// mfaStatus is the layout of mfa_status.
func (rc *rctx) mfaStatus() Message {
	r := rc.r
	rep := r.MFA
	if rep == nil {
		rep = &intents.MFAReport{NoFactor: len(r.Users)}
	}
	none := max(rep.NoFactor, len(r.Users))
	weak := len(rep.WeakOnly)
	title := rc.title()
	blocks := []slack.Block{header("title", title)}

	var head string
	switch {
	case none == 0 && weak == 0 && rep.Active > 0:
		head = ":white_check_mark: *All " + count(rep.Active) + " active users have a strong MFA factor.*"
	case none == 0 && weak == 0:
		head = ":white_check_mark: *Every active user has a strong MFA factor.*"
	default:
		of := ""
		if rep.Active > 0 {
			of = " of " + count(rep.Active) + " active users"
		} else {
			of = " active " + pick(none, "user", "users")
		}
		verb := pick(none, " has", " have")
		head = ":warning: *" + count(none) + of + verb + " no MFA*; " + count(weak) + pick(weak, " has", " have") +
			" only weak factors (SMS, voice, email, security question)."
	}
	if !rep.ScannedAt.IsZero() {
		head += "\nScanned " + rc.when(rep.ScannedAt) + " " + scanNote(rep)
	}
	blocks = append(blocks, section("summary", head))
	summary := []string{count(none) + " without MFA", count(weak) + " weak only"}

	var pager *slack.ActionBlock
	if none > 0 {
		l := rc.users()
		l.empty = "No active user without MFA is listed."
		blocks = append(blocks, section("no_mfa", "*No MFA factor ("+count(none)+")*"))
		lb, _ := rc.listBlocks(l)
		if n := len(lb); n > 0 {
			if a, ok := lb[n-1].(*slack.ActionBlock); ok {
				pager, lb = a, lb[:n-1]
			}
		}
		blocks = append(blocks, lb...)
	}
	if weak > 0 {
		blocks = append(blocks, section("weak_only", rc.weakOnly(rep.WeakOnly)))
	}
	blocks = append(blocks, contextBlock("mfa_note", "Refresh re-checks only the users whose factors changed since the scan, and the users activated since."))

	els := []slack.BlockElement{button(ActionMFARefresh, "Refresh", "")}
	if pager != nil {
		els = append(els, pager.Elements.ElementSet...)
	} else if v, err := EncodePageValue(r.Intent, 1); err == nil && none+weak > 0 {
		els = append(els, button(ActionExport, "Export CSV", v))
	}
	blocks = append(blocks, slack.NewActionBlock("pager", els...))

	text := esc(stripEmoji(title)) + ": " + strings.Join(summary, ", ")
	if !rep.ScannedAt.IsZero() {
		text += " (scanned " + stamp(rep.ScannedAt, rc.tz) + ")"
	}
	return Message{Text: text, Blocks: blocks}
}

// scanNote says where the report came from: "(from the last scan)",
// "(refreshed: 10 users re-checked)" or "(191 users checked)".
func scanNote(rep *intents.MFAReport) string {
	switch {
	case rep.Cached:
		return "(from the last scan)"
	case rep.Refreshed:
		return "(refreshed: " + plural(rep.Checked, "user", "users") + " re-checked)"
	case rep.Checked > 0:
		return "(" + plural(rep.Checked, "user", "users") + " checked)"
	}
	return ""
}

// weakOnly names the first weak-only users and counts the rest.
func (rc *rctx) weakOnly(us []intents.User) string {
	lines := []string{"*Only weak factors (" + count(len(us)) + ")*: phishable or open to SIM swap"}
	shown := min(len(us), maxWeakShown, rc.c.items)
	for _, u := range us[:shown] {
		name := md(orID(u.Name(), u.ID), rc.c.name)
		login := ""
		if u.Login != u.Name() {
			login = md(u.Login, rc.c.name)
		}
		lines = append(lines, "• "+joinNonEmpty(" · ", bold(name), login, md(u.Department, rc.c.name)))
	}
	if rest := len(us) - shown; rest > 0 {
		lines = append(lines, "… and "+plural(rest, "more user", "more users")+" (Export CSV lists them all)")
	}
	return strings.Join(lines, "\n")
}

// pick is one or many by n.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mfaTable is the export of mfa_status: the users without MFA ("none")
// and those with only weak factors ("weak only"), with the users table's
// columns and an "mfa" column.
func mfaTable(r intents.Result) ([]string, [][]string) {
	head, none := usersTable(r.Users)
	var weakUsers []intents.User
	if r.MFA != nil {
		weakUsers = r.MFA.WeakOnly
	}
	_, weak := usersTable(weakUsers)
	head = append(head, "mfa")
	rows := make([][]string, 0, len(none)+len(weak))
	for _, row := range none {
		rows = append(rows, append(row, "none"))
	}
	for _, row := range weak {
		rows = append(rows, append(row, "weak only"))
	}
	return head, rows
}

// listingLead is how far ahead of the factor reads the okta adapter lists
// users while it still lists them (its queue and reads in flight): a total
// within this of the users scanned may still grow.
const listingLead = 50

// MFAProgress is the message of a running MFA scan: "⏳ Scanning MFA
// factors: scanned 1,200 of 5,000 users (24%) · about 2 min left", the
// time left estimated from the rate so far. total is the active users
// listed so far; while it is close to scanned Okta may still be listing
// users, and the message says "at least" instead of a percentage. started
// is when the scan began and now the present.
func MFAProgress(scanned, total int, started, now time.Time) Message {
	scanned = max(scanned, 0)
	total = max(total, scanned)
	elapsed := time.Duration(0)
	if !started.IsZero() && now.After(started) {
		elapsed = now.Sub(started)
	}
	rate := 0.0 // users a second
	if scanned > 0 && elapsed >= time.Second {
		rate = float64(scanned) / elapsed.Seconds()
	}
	var status, bar string
	switch {
	case total == 0:
		status = "listing active users…"
	case scanned == total:
		status = "scanned all " + count(total) + " users listed so far"
	case total-scanned <= listingLead:
		status = "scanned " + count(scanned) + " of at least " + plural(total, "user", "users")
		if rate > 0 {
			status += " · " + rateText(rate)
		}
	default:
		pct := scanned * 100 / total
		status = "scanned " + count(scanned) + " of " + plural(total, "user", "users") + " (" + strconv.Itoa(pct) + "%)"
		if rate > 0 {
			status += " · " + timeLeft(time.Duration(float64(total-scanned)/rate*float64(time.Second)))
		} else {
			status += " · estimating the time left"
		}
		bar = "\n`" + progressBar(pct) + "`"
	}
	text := "⏳ Scanning MFA factors: " + status
	blocks := []slack.Block{section("mfa_progress", ":hourglass_flowing_sand: *Scanning MFA factors*: "+status+bar)}
	note := "Okta limits factor reads, so a large org takes a few minutes; this message updates as the scan goes."
	if !started.IsZero() {
		note = "Started " + when(started, zoneOf(now)) + " · " + note
	}
	blocks = append(blocks, contextBlock("mfa_progress_note", note))
	return Message{Text: text, Blocks: blocks}
}

// timeLeft is "less than a minute left", "about 2 min left" or "about
// 1 h 20 min left".
func timeLeft(d time.Duration) string {
	mins := int((d + 30*time.Second) / time.Minute)
	switch {
	case d < time.Minute:
		return "less than a minute left"
	case mins < 60:
		return "about " + strconv.Itoa(mins) + " min left"
	case mins%60 == 0:
		return "about " + strconv.Itoa(mins/60) + " h left"
	default:
		return "about " + strconv.Itoa(mins/60) + " h " + strconv.Itoa(mins%60) + " min left"
	}
}

// rateText is "about 40 users a second" or "about 300 users a minute".
func rateText(perSecond float64) string {
	if perSecond >= 1 {
		return "about " + plural(int(perSecond+0.5), "user", "users") + " a second"
	}
	return "about " + plural(int(perSecond*60+0.5), "user", "users") + " a minute"
}

// progressBar is a bar of ten cells for a percentage.
func progressBar(pct int) string {
	full := min(max(pct/10, 0), 10)
	return strings.Repeat("█", full) + strings.Repeat("░", 10-full) + " " + strconv.Itoa(pct) + "%"
}
