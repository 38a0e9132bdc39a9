package detect

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Shared evidence weights. Each detection's base and its own weights are
// beside its logic; these are the ones several detections add.
const (
	wProxy        = 20  // the client was an anonymizing proxy (Sigma rates it high)
	wRelay        = -15 // … but it was Apple iCloud Private Relay (Panther lowers it)
	wWatched      = 15  // a watch-listed country
	wBehaviorsCap = 25  // Okta's behaviors, Chronicle's points, capped
	wRiskHigh     = 15  // Okta rated the risk HIGH
	wRiskMedium   = 5   // … MEDIUM
	wAdmin        = 10  // the user is an Okta administrator
	wOffHours     = 10  // an administrative change outside office hours
	wBlocked      = -15 // Okta denied it or it failed: it did not happen
)

// Score sums the evidence points, clamps the sum to 0–100 and bands it.
func Score(evidence []intents.Evidence) (int, intents.Severity) {
	sum := 0
	for _, e := range evidence {
		sum += e.Points
	}
	sum = min(max(sum, 0), 100)
	return sum, intents.Band(sum)
}

// evidence collects a finding's scored reasons.
type evidence []intents.Evidence

func (ev *evidence) add(points int, format string, a ...any) {
	*ev = append(*ev, intents.Evidence{Text: fmt.Sprintf(format, a...), Points: points})
}

// has reports whether an item starts with prefix.
func has(items []intents.Evidence, prefix string) bool {
	return slices.ContainsFunc(items, func(e intents.Evidence) bool { return strings.HasPrefix(e.Text, prefix) })
}

// finding is a Finding with what Analyze needs beyond it.
type finding struct {
	intents.Finding
	userID   string
	first    time.Time
	reversal []intents.Action // actions that undo the change the finding is about
}

// newFinding scores ev and lists the uuids of evs in time order.
func (tl *timeline) newFinding(id, user, summary string, ev evidence, idx []int) finding {
	score, sev := Score(ev)
	slices.Sort(idx)
	idx = slices.Compact(idx)
	var uuids []string
	var evs []intents.Event
	seen := map[string]bool{}
	for _, i := range idx {
		evs = append(evs, tl.events[i])
		u := tl.events[i].UUID
		if u != "" && !seen[u] {
			seen[u] = true
			uuids = append(uuids, u)
		}
	}
	f := finding{
		Finding: intents.Finding{
			Detection: id,
			Severity:  sev,
			Score:     score,
			User:      user,
			Summary:   summary,
			Evidence:  []intents.Evidence(ev),
			Events:    uuids,
			Attack:    attackOf(id, user, evs),
		},
		userID: tl.userID(user),
	}
	if len(idx) > 0 {
		f.first = tl.events[idx[0]].Published
	}
	return f
}

// compareFindings orders findings worst first, then stably.
func compareFindings(a, b finding) int {
	if a.Score != b.Score {
		return b.Score - a.Score
	}
	if c := rank(a.Detection) - rank(b.Detection); c != 0 {
		return c
	}
	if c := strings.Compare(a.User, b.User); c != 0 {
		return c
	}
	if c := a.first.Compare(b.first); c != 0 {
		return c
	}
	return strings.Compare(a.Summary, b.Summary)
}

// Context evidence: where an event came from.

// proxyEvidence adds the proxy weight of e (and the Private Relay
// dampener). It reports whether e was proxied.
func (tl *timeline) proxyEvidence(ev *evidence, e intents.Event, what string) bool {
	switch tl.proxy(e) {
	case torExit:
		ev.add(wProxy, "%s from %s, a Tor exit node%s", what, e.Client.IP, network(e))
	case listedProxy:
		ev.add(wProxy, "%s from %s, on the configured proxy list", what, e.Client.IP)
	case okProxy:
		ev.add(wProxy, "%s from %s, an anonymizing proxy%s", what, e.Client.IP, network(e))
	case relayProxy:
		ev.add(wProxy, "%s through a proxy: %s", what, e.Client.IP)
		ev.add(wRelay, "it is Apple iCloud Private Relay, on by default on many Apple devices")
	default:
		return false
	}
	return true
}

// network is " (isp)" when Okta names the network.
func network(e intents.Event) string {
	for _, s := range []string{e.Security.Domain, e.Security.ISP, e.Security.ASOrg} {
		if s != "" && s != "." {
			return ", network " + s
		}
	}
	return ""
}

// watchEvidence adds the watch-list weight when e came from a watch-listed
// country.
func (tl *timeline) watchEvidence(ev *evidence, e intents.Event, what string) bool {
	if !tl.isWatched(e) {
		return false
	}
	ev.add(wWatched, "%s from %s, a watch-listed country", what, e.Client.Place())
	return true
}

// behaviorEvidence adds Okta's POSITIVE behaviors for e (Chronicle's points,
// capped). skip names behaviors another item already counts.
func behaviorEvidence(ev *evidence, e intents.Event, skip ...string) {
	// Chronicle's additive points for Okta's behaviors, in listing order.
	points := [...]struct {
		name   string
		points int
	}{
		{"New Device", 20}, {"New Geo-Location", 10}, {"New Country", 10}, {"New State", 10},
		{"Velocity", 10}, {"New IP", 5}, {"New City", 5},
	}
	b := behaviors(e)
	var names []string
	sum := 0
	for _, bp := range points {
		if slices.Contains(skip, bp.name) || !strings.EqualFold(b[bp.name], "POSITIVE") {
			continue
		}
		names = append(names, bp.name)
		sum += bp.points
	}
	if len(names) == 0 {
		return
	}
	ev.add(min(sum, wBehaviorsCap), "Okta flagged it as unusual for this user: %s", strings.Join(names, ", "))
}

// riskEvidence adds Okta's risk rating of e.
func riskEvidence(ev *evidence, e intents.Event) {
	level, reasons := risk(e)
	why := ""
	if reasons != "" {
		why = " (" + reasons + ")"
	}
	switch level {
	case "HIGH":
		ev.add(wRiskHigh, "Okta rated the risk HIGH%s", why)
	case "MEDIUM":
		ev.add(wRiskMedium, "Okta rated the risk MEDIUM%s", why)
	}
}

// adminEvidence adds the weight of an administrator account.
func (tl *timeline) adminEvidence(ev *evidence, user string) {
	if user != "" && tl.admins[user] {
		ev.add(wAdmin, "%s is an Okta administrator", user)
	}
}

// offHoursEvidence adds the off-hours weight of an administrative change.
func (tl *timeline) offHoursEvidence(ev *evidence, t time.Time) {
	if !tl.offHours(t) {
		return
	}
	o := tl.cfg.OfficeHours
	ev.add(wOffHours, "at %s %s, outside office hours (%02d–%02d)", t.In(tl.loc).Format("15:04 MST"),
		t.In(tl.loc).Weekday().String()[:3], o.Start, o.End)
}

// blockedEvidence adds the dampener for an outcome Okta refused.
func blockedEvidence(ev *evidence, e intents.Event, what string) bool {
	if !blocked(e) {
		return false
	}
	ev.add(wBlocked, "%s did not go through (outcome %s)", what, strings.ToUpper(e.Outcome.Result))
	return true
}

// origin adds, for the event a finding hinges on, where it came from: proxy,
// watch-listed country, Okta's behaviors and risk.
func (tl *timeline) origin(ev *evidence, e intents.Event, what string) {
	tl.proxyEvidence(ev, e, what)
	tl.watchEvidence(ev, e, what)
	behaviorEvidence(ev, e)
	riskEvidence(ev, e)
}

func itoa(n int) string { return fmt.Sprint(n) }

// plural is "1 sign-in" or "3 sign-ins".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}
