package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Signals about one account: account_lockout, threat_detected,
// user_reported_suspicious.

const (
	baseLockout        = 30 // one lockout: Medium (Sigma: medium)
	wRepeatLockouts    = 15 // locked again and again (Elastic)
	baseLockoutWave    = 55 // many accounts locked at once: High (Splunk)
	baseThreatInsight  = 40 // ThreatInsight flagged the requests
	wThreatHigh        = 10 // … with a HIGH detection
	baseRiskHigh       = 50 // Okta rated the risk HIGH: High
	baseRiskMedium     = 25 // user.risk.detect at MEDIUM
	baseThreatSuspect  = 35 // debugData.threatSuspected
	baseSessionHijack  = 55 // Okta suspects a session was hijacked: High at any risk level (Okta)
	baseThreatIntel    = 50 // Okta Threat Intelligence matched: High at any risk level (Okta)
	wOtherThreatSignal = 10 // each further kind of threat signal
	baseUserReport     = 50 // the user reported it: High
)

// isLock reports an account lockout.
func isLock(e intents.Event) bool {
	switch e.EventType {
	case "user.account.lock", "user.account.lock.limit":
		return true
	}
	m := strings.ToLower(e.DisplayMessage)
	return strings.Contains(m, "max sign in attempts exceeded") || strings.Contains(m, "max sign-in attempts exceeded")
}

// newDevicesOnly reports a lock from unknown devices only ("Account Locked
// from New Devices - Max sign-in attempts exceeded."): with "Block
// suspicious password attempts from unknown devices" on, Okta blocks the
// device kind that failed and leaves the user ACTIVE.
func newDevicesOnly(e intents.Event) bool {
	return strings.Contains(strings.ToLower(e.DisplayMessage), "locked from new devices")
}

// accountLockout finds lockouts per user, and many accounts locked out at
// once.
func accountLockout(tl *timeline) []finding {
	byUser := map[string][]int{}
	var all []int
	for i, e := range tl.events {
		if !isLock(e) {
			continue
		}
		if u := subject(e); u != "" {
			byUser[u] = append(byUser[u], i)
			all = append(all, i)
		}
	}
	var out []finding
	rep := tl.cfg.Thresholds.RepeatLockouts
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		first, last := tl.events[idx[0]], tl.events[idx[len(idx)-1]]
		var ev evidence
		why := first.DisplayMessage
		if why == "" {
			why = first.Outcome.Reason
		}
		format, locked := "account locked out (%s)", " locked out at "
		if newDevicesOnly(first) {
			format = "account locked out of new devices only (%s): the user is still ACTIVE and signs in from known devices"
			locked = " blocked from new devices at "
		}
		ev.add(baseLockout, format, why)
		summary := u + locked + tl.clock(first.Published) + " (" + why + ")"
		if runs := bursts(tl.timesOf(idx), rep); len(runs) > 0 {
			n := runs[0][1] - runs[0][0] + 1
			ev.add(wRepeatLockouts, "locked out %d times in %s (threshold %d in %s)", n,
				span(tl.events[idx[runs[0][1]]].Published.Sub(tl.events[idx[runs[0][0]]].Published)), rep.Count, span(rep.Window))
		}
		if len(idx) > 1 {
			summary = u + " locked out " + itoa(len(idx)) + " times, last at " + tl.clock(last.Published) + " (" + why + ")"
		}
		if p, ok := tl.firstProxied(idx); ok {
			tl.proxyEvidence(&ev, p, "the lockout")
		}
		if w, ok := tl.firstWatched(idx); ok {
			tl.watchEvidence(&ev, w, "the lockout")
		}
		tl.adminEvidence(&ev, u)
		summary += tl.fromIPs(idx)
		out = append(out, tl.newFinding(AccountLockout, u, summary, ev, idx))
	}

	wave := tl.cfg.Thresholds.LockoutWave
	for _, run := range bursts(tl.timesOf(all), wave) {
		part := all[run[0] : run[1]+1]
		users := map[string]bool{}
		for _, i := range part {
			users[subject(tl.events[i])] = true
		}
		if len(users) < wave.Count {
			continue
		}
		d := tl.events[part[len(part)-1]].Published.Sub(tl.events[part[0]].Published)
		var ev evidence
		ev.add(baseLockoutWave, "%d accounts locked out in %s (threshold %d in %s)", len(users), span(d), wave.Count, span(wave.Window))
		summary := itoa(len(users)) + " accounts locked out in " + span(d) + tl.fromIPs(part) + ", starting " +
			tl.clock(tl.events[part[0]].Published)
		out = append(out, tl.newFinding(AccountLockout, "", summary, ev, part))
	}
	return out
}

// timesOf lists the times of events idx.
func (tl *timeline) timesOf(idx []int) []time.Time {
	ts := make([]time.Time, len(idx))
	for k, i := range idx {
		ts[k] = tl.events[i].Published
	}
	return ts
}

// threatKind is one kind of threat signal, strongest first.
type threatKind int

const (
	threatHijack threatKind = iota
	threatRiskHigh
	threatIntel
	threatInsight
	threatSuspect
	threatRiskMedium
	threatKinds
)

func classifyThreat(e intents.Event) (threatKind, bool) {
	level, _ := risk(e)
	switch {
	case strings.HasPrefix(e.EventType, "user.risk.") && sessionHijack(e):
		return threatHijack, true
	case strings.HasPrefix(e.EventType, "user.risk.") && threatIntelligence(e):
		return threatIntel, true
	case e.EventType == "security.threat.detected":
		return threatInsight, true
	case level == "HIGH":
		return threatRiskHigh, true
	case threatSuspected(e):
		return threatSuspect, true
	case level == "MEDIUM" && strings.HasPrefix(e.EventType, "user.risk."):
		return threatRiskMedium, true
	}
	return 0, false
}

// threatDetected finds Okta's own threat verdicts: ThreatInsight, a
// suspected threat, a HIGH risk. One finding per user, or per IP when no
// user is named.
func threatDetected(tl *timeline) []finding {
	type group struct {
		user, ip string
		kinds    [threatKinds][]int
	}
	groups := map[string]*group{}
	for i, e := range tl.events {
		k, ok := classifyThreat(e)
		if !ok {
			continue
		}
		g := &group{user: subject(e)}
		key := "u:" + g.user
		if g.user == "" {
			g.ip = threatIP(e)
			key = "i:" + g.ip
		}
		if have, ok := groups[key]; ok {
			g = have
		} else {
			groups[key] = g
		}
		g.kinds[k] = append(g.kinds[k], i)
	}
	var out []finding
	for _, key := range sortedKeys(groups) {
		g := groups[key]
		var ev evidence
		var parts []string
		var idx []int
		for k := range threatKinds {
			is := g.kinds[k]
			if len(is) == 0 {
				continue
			}
			idx = append(idx, is...)
			text, base, extra := tl.threatItem(k, is)
			if len(ev) == 0 {
				ev.add(base, "%s", text)
			} else {
				ev.add(wOtherThreatSignal, "also: %s", text)
			}
			if extra != "" {
				ev.add(wThreatHigh, "%s", extra)
			}
			parts = append(parts, text)
		}
		slices.Sort(idx)
		all := true
		for _, i := range idx {
			all = all && blocked(tl.events[i])
		}
		if all {
			ev.add(wBlocked, "%s", evAllBlocked)
		}
		tl.adminEvidence(&ev, g.user)
		summary := "Okta flagged " + g.user + ": " + strings.Join(parts, "; ")
		if g.user == "" {
			summary = "Okta " + strings.Join(parts, "; ")
		}
		if all {
			summary += " (blocked)"
		}
		out = append(out, tl.newFinding(ThreatDetected, g.user, summary, ev, idx))
	}
	return out
}

// threatItem words one kind of threat signal, with its base and, for
// ThreatInsight, the extra item of a HIGH detection.
func (tl *timeline) threatItem(k threatKind, idx []int) (text string, base int, extra string) {
	first := tl.events[idx[0]]
	switch k {
	case threatInsight:
		text = "ThreatInsight flagged " + plural(len(idx), "request", "requests") + " from " + threatIP(first)
		items, high := threatDetections(first)
		if len(items) == 0 && first.Outcome.Reason != "" {
			items = []string{first.Outcome.Reason}
		}
		if len(items) > 0 {
			text += " (" + strings.Join(items, ", ") + ")"
		}
		if high {
			extra = "ThreatInsight rated a detection HIGH"
		}
		return text, baseThreatInsight, extra
	case threatHijack:
		text = evSessionHijack
		if n := len(idx); n > 1 {
			text += " (" + itoa(n) + " detections)"
		}
		return text, baseSessionHijack, ""
	case threatIntel:
		level, reasons := risk(first)
		text = "Okta Threat Intelligence matched " + plural(len(idx), "event", "events")
		if reasons != "" {
			text += " (" + reasons + ")"
		}
		if level == "HIGH" {
			extra = "Okta rated the risk HIGH"
		}
		return text, baseThreatIntel, extra
	case threatRiskHigh:
		_, reasons := risk(first)
		text = "risk HIGH on " + plural(len(idx), "event", "events")
		if reasons != "" {
			text += " (" + reasons + ")"
		}
		return text, baseRiskHigh, ""
	case threatSuspect:
		return "threat suspected on " + plural(len(idx), "event", "events") + tl.fromIPs(idx), baseThreatSuspect, ""
	default:
		return "risk MEDIUM on " + plural(len(idx), "event", "events"), baseRiskMedium, ""
	}
}

// evSessionHijack is the evidence of a suspected session hijack.
const evSessionHijack = "Okta suspects the session was hijacked"

// sessionHijack reports a user.risk.detect whose reasons say the session
// is suspected to be hijacked ("Associated sessionId is suspected to be
// hijacked"), whatever the level.
func sessionHijack(e intents.Event) bool {
	_, reasons := risk(e)
	r := strings.ToLower(reasons)
	return strings.Contains(r, "session") && strings.Contains(r, "hijack")
}

// threatIntelligence reports a risk detection by Okta Threat Intelligence
// (debugData.risk detectionName), whatever the level.
func threatIntelligence(e intents.Event) bool {
	return strings.Contains(strings.ToLower(riskDetection(e)), "threat intelligence")
}

// threatIP is the IP a threat came from: the client's, or an IP actor's.
func threatIP(e intents.Event) string {
	if e.Client.IP != "" {
		return e.Client.IP
	}
	if strings.Contains(strings.ToLower(e.Actor.Type), "ip") {
		return e.Actor.ID
	}
	return "an unknown IP"
}

// userReportedSuspicious finds users reporting activity they did not do.
func userReportedSuspicious(tl *timeline) []finding {
	var out []finding
	for i, e := range tl.events {
		if e.EventType != "user.account.report_suspicious_activity_by_enduser" {
			continue
		}
		u := actorLogin(e)
		if u == "" {
			u = subject(e)
		}
		d := e.Debug
		what := d["suspiciousActivityEventType"]
		if what == "" {
			what = "activity"
		}
		if ip := d["suspiciousActivityEventIp"]; ip != "" {
			what += " from " + ip
		}
		place := intents.EventClient{City: d["suspiciousActivityEventCity"], Country: d["suspiciousActivityEventCountry"]}.Place()
		if place != "" {
			what += " (" + place + ")"
		}
		var ev evidence
		ev.add(baseUserReport, "%s reported suspicious activity they did not do: %s", u, what)
		tl.adminEvidence(&ev, u)
		idx := []int{i}
		if id := d["suspiciousActivityEventId"]; id != "" {
			for j, r := range tl.events {
				if r.UUID == id {
					idx = append(idx, j)
				}
			}
		}
		summary := u + " reported suspicious activity: " + what + ", at " + tl.clock(e.Published)
		out = append(out, tl.newFinding(UserReportedSuspicious, u, summary, ev, idx))
	}
	return out
}
