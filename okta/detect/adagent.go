package detect

import "strings"

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

const (
	baseADAgentCreated = 40 // an agent registered: Medium, High from a new place
	baseADAgentUsed    = 30 // an agent acting from a new IP or client
	wADNewIP           = 15 // … a new IP for the actor
	wADNewAgent        = 10 // … a new user agent for the actor
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
			}
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
	return out
}

func (tl *timeline) adAgentFinding(i int, created, newIP, newUA bool) finding {
	e := tl.events[i]
	user := actorLogin(e)
	who := orName(user, e.Actor)
	agent := "an AD agent"
	for _, t := range e.Targets {
		if t.Label() != "" && !isUserActor(t) {
			agent = "AD agent " + t.Label()
			break
		}
	}
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
