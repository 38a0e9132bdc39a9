package blocks

import (
	"math"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// App Home: the open incidents, the pending proposals and the watcher's
// health, for people allowed to read; HomeDenied for everyone else.

// Home is what App Home shows.
type Home struct {
	Now       time.Time
	Location  *time.Location     // the team's zone for times; nil means UTC
	Incidents []intents.Incident // open and acknowledged, newest first
	Proposals []intents.Proposal // pending
	Watcher   WatcherHealth
}

// WatcherHealth is how the System Log watcher is doing.
type WatcherHealth struct {
	Enabled         bool
	Interval        time.Duration // between polls; 0 means 60 s
	LastPoll        time.Time     // the last successful poll; zero: none yet
	Lag             time.Duration // behind Okta's newest event
	EventsPerMinute float64
}

// Caps of App Home.
const (
	maxHomeIncidents = 20
	maxHomeProposals = 5
	// staleIntervals is how many intervals without a successful poll make
	// the watcher unhealthy (as /healthz says).
	staleIntervals = 5
	// homeName and homeLine bound a name and a summary, so that 20
	// incidents fit Slack's size limits whatever they hold.
	homeName = 60
	homeLine = 160
)

// HomeView is App Home for a person allowed to read: open incidents
// (at most 20, then how many more), pending proposals (the count and the
// first few) and the watcher's health.
func HomeView(h Home) slack.HomeTabViewRequest {
	tz := h.Location
	if tz == nil {
		tz = time.UTC
	}
	blocks := []slack.Block{header("home_title", ":shield: oktabot")}
	blocks = append(blocks, section("home_watcher", watcherLine(h.Watcher, h.Now, tz)))
	blocks = append(blocks, divider("home_incidents_divider"))
	if len(h.Incidents) == 0 {
		blocks = append(blocks, section("home_incidents", "*Open incidents:* none."))
	} else {
		blocks = append(blocks, section("home_incidents", "*Open incidents: "+count(len(h.Incidents))+"*"))
		for i, inc := range h.Incidents {
			if i == maxHomeIncidents {
				blocks = append(blocks, contextBlock("home_incidents_more", "… and "+plural(len(h.Incidents)-i, "more incident", "more incidents")+"."))
				break
			}
			blocks = append(blocks, section("home_incident_"+count(i+1), homeIncidentLine(inc, h.Now)))
		}
	}
	blocks = append(blocks, divider("home_proposals_divider"))
	blocks = append(blocks, section("home_proposals", pendingLines(h.Proposals, h.Now)))
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// HomeDenied is App Home for a person not allowed to read: nothing of the
// org, only how to get access.
func HomeDenied() slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		header("home_title", ":shield: oktabot"),
		section("home_denied", ":lock: You don't have access to what oktabot sees in Okta. Ask an admin for access."),
	}}}
}

// homeIncidentLine is "🔴 *High* · john@company.com — summary · opened 3
// hours ago · acknowledged by @ana".
func homeIncidentLine(inc intents.Incident, now time.Time) string {
	sev := incidentSeverity(inc)
	line := severityEmoji(sev) + " *" + bandName(sev) + "* · *" + md(incidentSubject(inc), homeName) + "*" + dashed(md(incidentReason(inc), homeLine))
	var tail []string
	if a := age(now, inc.Opened); a != "" && !now.IsZero() && !inc.Opened.IsZero() {
		tail = append(tail, "opened "+a+" ago")
	}
	if inc.Status == intents.IncidentAcknowledged {
		tail = append(tail, joinNonEmpty(" ", "acknowledged", byWord(person(inc.AckBy, homeName))))
	}
	if len(tail) > 0 {
		line += "\n" + strings.Join(tail, " · ")
	}
	return line
}

// pendingLines is the pending proposals: the count and the first few.
func pendingLines(ps []intents.Proposal, now time.Time) string {
	if len(ps) == 0 {
		return "*Pending proposals:* none."
	}
	lines := []string{"*Pending proposals: " + count(len(ps)) + "*"}
	for i, p := range ps {
		if i == maxHomeProposals {
			lines = append(lines, "… and "+count(len(ps)-i)+" more: `/okta pending` lists them all.")
			break
		}
		title := actionTitle(p.Preview.Action, func(name, _ string) string { return md(name, homeName) })
		line := "• " + orDash(title) + " " + code(p.ID, 64)
		if by := person(p.Requester, homeName); by != "" {
			line += " · requested by " + by
		}
		if u := until(now, p.Expires); u != "" {
			line += " · expires " + u
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// watcherLine is the watcher's health: off, not polled yet, or the last
// poll, the lag and the rate, with a warning when the last poll is older
// than five intervals.
func watcherLine(w WatcherHealth, now time.Time, tz *time.Location) string {
	if !w.Enabled {
		return ":zzz: *Watcher off* — oktabot is not watching the System Log (`OKTABOT_WATCH=off`), so no incident is raised by itself."
	}
	if w.LastPoll.IsZero() {
		return ":hourglass_flowing_sand: *Watcher starting* — it has not read the System Log yet."
	}
	interval := w.Interval
	if interval <= 0 {
		interval = time.Minute
	}
	facts := "last poll " + when(w.LastPoll, tz) + " · " + seconds(w.Lag) + " behind Okta · " +
		count(int(math.Round(max(w.EventsPerMinute, 0)))) + " events a minute"
	if !now.IsZero() && now.Sub(w.LastPoll) > staleIntervals*interval {
		return ":warning: *Watcher behind* — no successful poll for " + span(now.Sub(w.LastPoll)) +
			" (more than five intervals of " + span(interval) + "): new incidents may be missing.\n" + facts
	}
	return ":large_green_circle: *Watcher running* — " + facts
}

// seconds is d as "42 s".
func seconds(d time.Duration) string {
	return count(int(max(d, 0)/time.Second)) + " s"
}
