package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// concurrent_sessions: many Okta sessions alive at once for one user
// (Elastic's "multiple Okta sessions detected for a single user": 3 or
// more externalSessionIds). A person has a laptop and a phone; a third
// session from somewhere else is often a stolen password or a replayed
// cookie. Sessions the user ended (user.session.end) before the last one
// started do not count.

const (
	baseConcurrent      = 30 // Thresholds.ConcurrentSessions sessions at once: Medium
	wConcurrentIPs      = 10 // from 3 or more IPs
	wConcurrentCountry  = 10 // in more than one country
	wConcurrentScripted = 10 // one of them a script
)

// sessionStart is the first start of one session.
type sessionStart struct {
	id  string
	i   int // the event
	end time.Time
}

// concurrentSessions finds users with many sessions alive at once.
func concurrentSessions(tl *timeline) []finding {
	users := map[string][]*sessionStart{}
	byID := map[string]*sessionStart{}
	for i, e := range tl.events {
		s := sessionOf(e)
		u := actorLogin(e)
		if s == "" || u == "" || isOktaInternal(e) {
			continue
		}
		switch {
		case e.EventType == "user.session.start" && succeeded(e):
			if byID[u+"\x00"+s] == nil {
				st := &sessionStart{id: s, i: i}
				byID[u+"\x00"+s] = st
				users[u] = append(users[u], st)
			}
		case e.EventType == "user.session.end":
			if st := byID[u+"\x00"+s]; st != nil && st.end.IsZero() {
				st.end = e.Published
			}
		}
	}
	r := tl.cfg.Thresholds.ConcurrentSessions
	var out []finding
	for _, u := range sortedKeys(users) {
		starts := users[u]
		ts := make([]time.Time, len(starts))
		for k, st := range starts {
			ts[k] = tl.events[st.i].Published
		}
		for _, run := range bursts(ts, r) {
			part := starts[run[0] : run[1]+1]
			last := ts[run[1]]
			live := slices.DeleteFunc(slices.Clone(part), func(st *sessionStart) bool {
				return !st.end.IsZero() && !st.end.After(last)
			})
			if len(live) < r.Count {
				continue
			}
			out = append(out, tl.concurrent(u, live))
		}
	}
	return out
}

func (tl *timeline) concurrent(u string, live []*sessionStart) finding {
	r := tl.cfg.Thresholds.ConcurrentSessions
	var idx []int
	var clients, countries, ips []string
	var script *intents.Event
	for _, st := range live {
		e := tl.events[st.i]
		idx = append(idx, st.i)
		if c := clientName(e.Client); !slices.Contains(clients, c) {
			clients = append(clients, c)
		}
		if c := e.Client.Country; c != "" && !slices.Contains(countries, c) {
			countries = append(countries, c)
		}
		if ip := e.Client.IP; ip != "" && !slices.Contains(ips, ip) {
			ips = append(ips, ip)
		}
		if script == nil && scripted(e.Client.UserAgent) {
			script = &e
		}
	}
	first, last := tl.events[idx[0]], tl.events[idx[len(idx)-1]]
	var ev evidence
	ev.add(baseConcurrent, "%d Okta sessions started within %s and none ended (threshold %d in %s)",
		len(live), span(last.Published.Sub(first.Published)), r.Count, span(r.Window))
	if len(ips) >= 3 {
		ev.add(wConcurrentIPs, "from %d IPs: %s", len(ips), strings.Join(ips, ", "))
	}
	if len(countries) > 1 {
		ev.add(wConcurrentCountry, "in %d countries: %s", len(countries), strings.Join(countries, ", "))
	}
	if script != nil {
		ev.add(wConcurrentScripted, "one from a script, not a browser: %s", shorten(script.Client.UserAgent, 60))
	}
	tl.originOf(&ev, idx, "a session")
	tl.adminEvidence(&ev, u)
	summary := itoa(len(live)) + " Okta sessions of " + u + " alive at once, started between " + tl.clock(first.Published) +
		" and " + tl.clock(last.Published) + tl.fromIPs(idx) + " (" + strings.Join(clients, "; ") + ")"
	return tl.newFinding(ConcurrentSessions, u, summary, ev, idx)
}
