package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// session_roaming: one session, one root session (rootSessionId), or one
// device token, used from a new IP with another client — a stolen session
// cookie replayed elsewhere; and one session presenting many device
// tokens from more than one IP.

const (
	baseRoaming      = 50 // High (Splunk, Okta, Panther)
	baseOktaRoaming  = 55 // Okta's own verdict
	wRoamingASN      = 10 // a different network
	wRoamingCountry  = 10 // a different country
	wRoamingScripted = 15 // a script rather than a browser
)

// sessionRoaming finds sessions and device tokens that moved to another IP
// and another client, and Okta's own roaming verdicts.
func sessionRoaming(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if e.EventType != "security.session.detect_client_roaming" {
			continue
		}
		u := subject(e)
		var ev evidence
		ev.add(baseOktaRoaming, "Okta detected the session roaming to a new IP or client")
		tl.origin(&ev, e, "the new client")
		tl.adminEvidence(&ev, u)
		summary := "Okta detected a session of " + orName(u, e.Actor) + " roaming to " + tl.ipLabel(e) + " (" +
			clientName(e.Client) + ") at " + tl.clock(e.Published)
		out = append(out, tl.newFinding(SessionRoaming, u, summary, ev, []int{i}))
	}

	reported := map[int]bool{}
	keys := []struct {
		what string
		key  func(intents.Event) string
	}{
		{"session", func(e intents.Event) string {
			if e.SessionID == "unknown" {
				return ""
			}
			return e.SessionID
		}},
		{"root session", func(e intents.Event) string {
			if e.RootSessionID == "unknown" {
				return ""
			}
			return e.RootSessionID
		}},
		{"device token", func(e intents.Event) string { return e.Debug["dtHash"] }},
	}
	for _, k := range keys {
		groups := map[string][]int{}
		var order []string
		for i, e := range tl.events {
			id := k.key(e)
			if id == "" || e.Client.IP == "" || isOktaInternal(e) || subject(e) == "" {
				continue
			}
			if _, ok := groups[id]; !ok {
				order = append(order, id)
			}
			groups[id] = append(groups[id], i)
		}
		for _, id := range order {
			if f, ok := tl.roaming(k.what, groups[id], reported); ok {
				out = append(out, f)
			}
		}
		if k.what == "session" {
			for _, id := range order {
				if f, ok := tl.tokenChurn(groups[id], reported); ok {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// tokenChurn checks one session's events for many device tokens from more
// than one IP: the session cookie carried to other browsers or devices,
// even ones that look alike. A session already found roaming is not
// reported again.
func (tl *timeline) tokenChurn(idx []int, reported map[int]bool) (finding, bool) {
	th := tl.cfg.Thresholds.TokenChurn
	var tokens, ips []string
	var with []int
	for _, i := range idx {
		e := tl.events[i]
		dt := e.Debug["dtHash"]
		if dt == "" {
			continue
		}
		with = append(with, i)
		if !slices.Contains(tokens, dt) {
			tokens = append(tokens, dt)
		}
		if !slices.Contains(ips, e.Client.IP) {
			ips = append(ips, e.Client.IP)
		}
	}
	if len(tokens) < th.Tokens || len(ips) < th.IPs || slices.ContainsFunc(with, func(i int) bool { return reported[i] }) {
		return finding{}, false
	}
	for _, i := range with {
		reported[i] = true
	}
	first, last := tl.events[with[0]], tl.events[with[len(with)-1]]
	u := subject(first)
	slices.Sort(ips)
	var ev evidence
	ev.add(baseRoaming, "one session presented %d device tokens from %d IPs (%s; threshold %d tokens and %d IPs)",
		len(tokens), len(ips), strings.Join(ips, ", "), th.Tokens, th.IPs)
	if p, ok := tl.firstProxied(with); ok {
		tl.proxyEvidence(&ev, p, "the session's requests")
	}
	if w, ok := tl.firstWatched(with); ok {
		tl.watchEvidence(&ev, w, "the session's requests")
	}
	tl.adminEvidence(&ev, u)
	summary := "One session of " + u + " presented " + itoa(len(tokens)) + " device tokens from " + plural(len(ips), "IP", "IPs") +
		" between " + tl.clock(first.Published) + " and " + tl.clock(last.Published)
	return tl.newFinding(SessionRoaming, u, summary, ev, with), true
}

// roaming checks one session's events: the first is where it started;
// any later one from another IP with another client is a roam.
func (tl *timeline) roaming(what string, idx []int, reported map[int]bool) (finding, bool) {
	start := tl.events[idx[0]]
	var roams []int
	fresh := false
	for _, i := range idx[1:] {
		e := tl.events[i]
		if e.Client.IP == start.Client.IP || !otherClient(start.Client, e.Client) {
			continue
		}
		roams = append(roams, i)
		fresh = fresh || !reported[i]
	}
	if !fresh {
		return finding{}, false
	}
	for _, i := range roams {
		reported[i] = true
	}
	r := tl.events[roams[0]]
	u := subject(start)
	var ev evidence
	ev.add(baseRoaming, "one %s used from %s (%s), then from %s (%s)", what, start.Client.IP, clientName(start.Client),
		r.Client.IP, clientName(r.Client))
	if a, b := start.Security, r.Security; a.ASNumber != 0 && b.ASNumber != 0 && a.ASNumber != b.ASNumber {
		ev.add(wRoamingASN, "a different network: AS%d %s, then AS%d %s", a.ASNumber, a.ASOrg, b.ASNumber, b.ASOrg)
	}
	if a, b := start.Client.Country, r.Client.Country; a != "" && b != "" && a != b {
		ev.add(wRoamingCountry, "a different country: %s, then %s", a, b)
	}
	if scripted(r.Client.UserAgent) && !scripted(start.Client.UserAgent) {
		ev.add(wRoamingScripted, "a script, not a browser: %s", shorten(r.Client.UserAgent, 60))
	}
	tl.proxyEvidence(&ev, r, "the new client")
	tl.watchEvidence(&ev, r, "the new client")
	riskEvidence(&ev, r)
	tl.adminEvidence(&ev, u)
	summary := capitalize(what) + " of " + u + " started from " + start.Client.IP + " (" + clientName(start.Client) +
		") was used from " + tl.ipLabel(r) + " (" + clientName(r.Client) + ") at " + tl.clock(r.Published)
	if len(roams) > 1 {
		summary += " and " + plural(len(roams)-1, "more time", "more times")
	}
	return tl.newFinding(SessionRoaming, u, summary, ev, append([]int{idx[0]}, roams...)), true
}

// otherClient reports whether b is a different client from a: another
// browser or OS, or a script where a was a browser. A browser upgrade is
// the same client.
func otherClient(a, b intents.EventClient) bool {
	if scripted(b.UserAgent) != scripted(a.UserAgent) {
		return true
	}
	known := func(s string) string {
		if strings.EqualFold(s, "unknown") {
			return ""
		}
		return strings.ToLower(s)
	}
	ab, bb, ao, bo := known(a.Browser), known(b.Browser), known(a.OS), known(b.OS)
	if ab != "" && bb != "" && ab != bb {
		return true
	}
	if ao != "" && bo != "" && ao != bo {
		return true
	}
	if ab == "" && bb == "" && ao == "" && bo == "" {
		return a.UserAgent != "" && b.UserAgent != "" && agentFamily(a.UserAgent) != agentFamily(b.UserAgent)
	}
	return false
}

// agentFamily is a user agent without its version numbers.
func agentFamily(ua string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '.' {
			return -1
		}
		return r
	}, strings.ToLower(ua))
}
