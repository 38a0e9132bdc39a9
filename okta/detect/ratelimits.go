package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// rate_limit_violation: Okta's rate and concurrency limits broken
// (Panther's "Okta rate limits": system.org.rate_limit.*,
// system.client.rate_limit.*, system.operation.rate_limit.*,
// core.concurrency.org.limit.violation …; Elastic's "possible Okta DoS
// attack", which counts the warnings too). A client hammering the API is
// a script enumerating users, a password spray through the API, or an
// attempt to lock the org out of its own automation. A violation counts;
// a warning alone is Low. One finding per client within
// Thresholds.RateLimits' window; reaching its count is sustained.

const (
	baseRateViolation = 30 // a limit violated: Medium
	baseRateWarning   = 15 // only warnings: Low
	wRateSustained    = 15 // Thresholds.RateLimits events or more: sustained
)

// rateLimit reports a rate or concurrency limit event, and whether it is
// a violation rather than a warning.
func rateLimit(t string) (violation, ok bool) {
	switch {
	case t == "application.integration.rate_limit_exceeded", t == "core.concurrency.org.limit.violation":
		return true, true
	case strings.HasPrefix(t, "system.org.rate_limit."), strings.HasPrefix(t, "system.client.rate_limit."),
		strings.HasPrefix(t, "system.client.concurrency_rate_limit."), strings.HasPrefix(t, "system.operation.rate_limit."),
		t == "app.oauth2.client_id_rate_limit_warning":
		switch {
		case strings.HasSuffix(t, "violation") || strings.HasSuffix(t, "exceeded"):
			return true, true
		case strings.HasSuffix(t, "warning"):
			return false, true
		}
	}
	return false, false
}

// limitedClient names who broke a limit: the actor (a user, an app, an
// API token), else the client IP.
func limitedClient(e intents.Event) string {
	a := e.Actor
	for _, s := range []string{a.AlternateID, a.DisplayName, a.ID} {
		if s != "" && !strings.EqualFold(s, "unknown") {
			return s
		}
	}
	if e.Client.IP != "" {
		return e.Client.IP
	}
	return "an unknown client"
}

// rateLimitViolation finds clients that broke Okta's rate limits.
func rateLimitViolation(tl *timeline) []finding {
	byClient := map[string][]int{}
	for i, e := range tl.events {
		if _, ok := rateLimit(e.EventType); ok {
			c := limitedClient(e)
			byClient[c] = append(byClient[c], i)
		}
	}
	r := tl.cfg.Thresholds.RateLimits
	var out []finding
	for _, c := range sortedKeys(byClient) {
		// one finding per window: a gap longer than it starts another
		for _, part := range tl.episodes(byClient[c], r.Window) {
			out = append(out, tl.rateLimited(c, part))
		}
	}
	return out
}

func (tl *timeline) rateLimited(client string, idx []int) finding {
	r := tl.cfg.Thresholds.RateLimits
	violations := 0
	var types []string
	for _, i := range idx {
		t := tl.events[i].EventType
		if v, _ := rateLimit(t); v {
			violations++
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	first, last := tl.events[idx[0]], tl.events[idx[len(idx)-1]]
	var ev evidence
	if violations > 0 {
		ev.add(baseRateViolation, "%s of Okta's rate or concurrency limits by %s (%s)", plural(violations, "violation", "violations"),
			client, strings.Join(types, ", "))
	} else {
		ev.add(baseRateWarning, "%s that %s nears Okta's rate limits (%s)", plural(len(idx), "warning", "warnings"), client,
			strings.Join(types, ", "))
	}
	if len(idx) >= r.Count {
		ev.add(wRateSustained, "%d limit events in %s (threshold %d in %s): sustained", len(idx),
			span(last.Published.Sub(first.Published)), r.Count, span(r.Window))
	}
	tl.originOf(&ev, idx, "requests")
	u := actorLogin(first)
	summary := client + " broke Okta's rate limits " + plural(violations, "time", "times")
	if violations == 0 {
		summary = client + " was warned of Okta's rate limits " + plural(len(idx), "time", "times")
	}
	summary += " from " + tl.clock(first.Published)
	if len(idx) > 1 {
		summary += " to " + tl.clock(last.Published)
	}
	if s := tl.ips(idx); s != "" {
		summary += ", from " + s
	}
	return tl.newFinding(RateLimitViolation, u, summary, ev, idx)
}
