package detect

import (
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// ad_agent_activity: an Active Directory agent registered, or an agent
// acting from an IP or a client its actor has not used before. An AD
// agent checks passwords against the domain and receives pushed
// passwords: a rogue agent, or a stolen agent token used from elsewhere,
// signs in whoever it likes (Okta: new AD agent created; Panther: agent
// activity from a new IP or user agent).
//
// New means: not among the actor's earlier events in the events read
// (any type). It is claimed only when there are earlier events of the
// actor; an agent's ordinary work from its usual host finds nothing.
//
// A surge: an agent's actor acting Thresholds.ADAgentSurge times within
// its window and ADAgentSurgeRatio times its hourly average over the
// events read before that window (Panther's z-score of AD agent
// activity, as a ratio to the mean). The average is claimed only when
// the events read reach ADAgentBaseline back before the window; the
// finding says how far they reach. Its events are the surge's, less those
// that have a finding of their own (a new IP or client).

const (
	baseADAgentCreated = 40 // an agent registered: Medium, High from a new place
	baseADAgentUsed    = 30 // an agent acting from a new IP or client
	wADNewIP           = 15 // … a new IP for the actor
	wADNewAgent        = 10 // … a new user agent for the actor
	baseADAgentSurge   = 35 // an agent far busier than its average: Medium
	wADSurgeFar        = 10 // … twice the ratio or more

	evADSurge = "agent events within"
)

// adAgentEvent reports a system.agent.ad.* event and whether it
// registers an agent.
func adAgentEvent(t string) (agent, created bool) {
	if !strings.HasPrefix(t, "system.agent.ad.") {
		return false, false
	}
	switch strings.TrimPrefix(t, "system.agent.ad.") {
	case "create", "agent_instance_added", "reactivate", "activate":
		return true, true
	}
	return true, false
}

// adAgentActivity finds agents registered and agents acting from new
// places.
func adAgentActivity(tl *timeline) []finding {
	type seen struct{ ips, agents map[string]bool }
	history := map[string]*seen{} // actor → what its earlier events came from
	acts := map[string][]int{}    // actor → its agent events
	own := map[int]bool{}         // agent events with a finding of their own
	var out []finding
	for i, e := range tl.events {
		actor := e.Actor.AlternateID
		if actor == "" || strings.EqualFold(actor, "unknown") {
			actor = e.Actor.ID
		}
		h := history[actor]
		if agent, created := adAgentEvent(e.EventType); agent && !blocked(e) {
			newIP := h != nil && e.Client.IP != "" && !h.ips[e.Client.IP]
			newUA := h != nil && e.Client.UserAgent != "" && !h.agents[e.Client.UserAgent]
			if created || newIP || newUA {
				out = append(out, tl.adAgentFinding(i, created, newIP, newUA))
				own[i] = true
			}
			acts[actor] = append(acts[actor], i)
		}
		if actor == "" {
			continue
		}
		if h == nil {
			h = &seen{ips: map[string]bool{}, agents: map[string]bool{}}
			history[actor] = h
		}
		h.ips[e.Client.IP] = true
		h.agents[e.Client.UserAgent] = true
	}
	for _, a := range sortedKeys(acts) {
		out = append(out, tl.adAgentSurges(acts[a], own)...)
	}
	return out
}

// adAgentSurges finds the runs of one actor's agent events (idx, in time
// order) in which each event ends a window busier than the threshold and
// the ratio to the actor's hourly average before it.
func (tl *timeline) adAgentSurges(idx []int, own map[int]bool) []finding {
	th := tl.cfg.Thresholds
	r := th.ADAgentSurge
	var out []finding
	var run []int
	peak := 0
	var avg float64
	var reach time.Duration
	flush := func() {
		if len(run) > 0 {
			out = append(out, tl.adAgentSurge(run, peak, avg, reach))
		}
		run, peak = nil, 0
	}
	lo := 0
	for j, i := range idx {
		t := tl.events[i].Published
		start := t.Add(-r.Window)
		for !tl.events[idx[lo]].Published.After(start) {
			lo++
		}
		n := j - lo + 1 // events in (start, t]
		before := tl.reach(start)
		if n < r.Count || before < th.ADAgentBaseline {
			flush()
			continue
		}
		mean := float64(lo) / before.Hours() * r.Window.Hours() // events per window, before it
		if float64(n) < th.ADAgentSurgeRatio*mean {
			flush()
			continue
		}
		if run == nil {
			avg, reach = mean, before
			for _, k := range idx[lo:j] {
				if !own[k] {
					run = append(run, k)
				}
			}
		}
		if !own[i] {
			run = append(run, i)
		}
		peak = max(peak, n)
	}
	flush()
	return out
}

// adAgentSurge is the finding on one surge: run its events, peak the most
// in one window, avg the events per window before it over reach.
func (tl *timeline) adAgentSurge(run []int, peak int, avg float64, reach time.Duration) finding {
	th := tl.cfg.Thresholds
	r := th.ADAgentSurge
	e := tl.events[run[0]]
	user := actorLogin(e)
	agent := adAgentName(e)
	ratio := "no activity"
	if avg > 0 {
		ratio = fmt.Sprintf("%.1f× its average of %.1f", float64(peak)/avg, avg)
	}
	var ev evidence
	ev.add(baseADAgentSurge, "%d %s %s by %s: %s per %s over the %s of events read before (thresholds %d and %g×)",
		peak, evADSurge, span(r.Window), orName(user, e.Actor), ratio, span(r.Window), span(reach), r.Count, th.ADAgentSurgeRatio)
	if avg > 0 && float64(peak) >= 2*th.ADAgentSurgeRatio*avg || avg == 0 && peak >= 2*r.Count {
		ev.add(wADSurgeFar, "far above its baseline: a stolen agent token put to work, or a rogue agent")
	}
	tl.origin(&ev, e, "the activity")
	summary := capitalize(agent) + " acted " + itoa(peak) + " times within " + span(r.Window) + ", far above its average, first at " +
		tl.clock(e.Published) + tl.fromIPs(run)
	return tl.newFinding(ADAgentActivity, user, summary, ev, run)
}

// adAgentName names the agent an event targets: "AD agent DC01", else
// "an AD agent".
func adAgentName(e intents.Event) string {
	for _, t := range e.Targets {
		if t.Label() != "" && !isUserActor(t) {
			return "AD agent " + t.Label()
		}
	}
	return "an AD agent"
}

func (tl *timeline) adAgentFinding(i int, created, newIP, newUA bool) finding {
	e := tl.events[i]
	user := actorLogin(e)
	who := orName(user, e.Actor)
	agent := adAgentName(e)
	var ev evidence
	var summary string
	if created {
		ev.add(baseADAgentCreated, "%s registered by %s: it checks passwords against the domain and receives pushed ones", agent, who)
		summary = capitalize(agent) + " registered by " + who
	} else {
		ev.add(baseADAgentUsed, "%s acted (%s) from a place its actor %s had not used before", agent,
			strings.TrimPrefix(e.EventType, "system.agent.ad."), who)
		summary = capitalize(agent) + " acted from a new IP or client"
	}
	if newIP {
		ev.add(wADNewIP, "a new IP for %s: %s", who, tl.ipLabel(e))
	}
	if newUA {
		ev.add(wADNewAgent, "a new client for %s: %s", who, clientName(e.Client))
	}
	if created { // agents work around the clock; people register them
		tl.offHoursEvidence(&ev, e.Published)
	}
	tl.origin(&ev, e, "the request")
	summary += " from " + tl.ipLabel(e) + " at " + tl.clock(e.Published)
	return tl.newFinding(ADAgentActivity, user, summary, ev, []int{i})
}
