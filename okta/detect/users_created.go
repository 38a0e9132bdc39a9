package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// user_created: a user account created (Sigma's new user rule, at level
// informational; an attacker's backdoor account). Routine in an org that
// hires, so a creation is a finding only when it came from an odd place
// (a proxy, a watch-listed country, Okta's new-behavior or risk verdicts)
// or the new account was made an administrator soon after
// (Thresholds.NewUserAdminWithin); outside office hours and by a client
// that is no person then weigh more.

const (
	baseUserCreated   = 15 // a user created: Low
	wNewUserAdmin     = 35 // … then given an admin role: High
	wNewUserByNonUser = 10 // … by an API client rather than a person

	// evNewUserAdmin starts the evidence item Remedies reads.
	evNewUserAdmin = "then made an administrator"
)

// userCreated finds user accounts created.
func userCreated(tl *timeline) []finding {
	var out []finding
	within := tl.cfg.Thresholds.NewUserAdminWithin
	for i, e := range tl.events {
		if e.EventType != "user.lifecycle.create" || !succeeded(e) {
			continue
		}
		u, _ := targetUser(e)
		if u == "" {
			continue
		}
		by := orName(actorLogin(e), e.Actor)
		var ev evidence
		ev.add(baseUserCreated, "user %s created by %s", u, by)
		if actorLogin(e) == "" && !strings.EqualFold(e.Actor.Type, "User") {
			ev.add(wNewUserByNonUser, "created by %s (%s), not a person", by, e.Actor.Type)
		}
		tl.offHoursEvidence(&ev, e.Published)
		before := len(ev)
		tl.origin(&ev, e, "the creation")
		odd := slices.ContainsFunc(ev[before:], func(x intents.Evidence) bool { return x.Points > 0 })
		summary := "User " + u + " created by " + by + " at " + tl.clock(e.Published)
		idx := []int{i}
		j, admin := tl.grantAfter(u, e.Published, within)
		if !admin && !odd {
			continue // hiring: an account made from an ordinary place, never made an admin
		}
		if admin {
			g := tl.events[j]
			priv := g.Debug["privilegeGranted"]
			if priv == "" {
				priv = "an admin role"
			}
			ev.add(wNewUserAdmin, "%s (%s) at %s, %s after creation", evNewUserAdmin, priv, tl.clock(g.Published),
				span(g.Published.Sub(e.Published)))
			summary += ", then granted " + priv + " at " + tl.clock(g.Published)
			idx = append(idx, j)
		}
		out = append(out, tl.newFinding(UserCreated, u, summary, ev, idx))
	}
	return out
}

// grantAfter is the first successful admin grant to user u within
// `within` after t.
func (tl *timeline) grantAfter(u string, t time.Time, within time.Duration) (int, bool) {
	for j := tl.after(t); j < len(tl.events); j++ {
		g := tl.events[j]
		if g.Published.Sub(t) > within {
			break
		}
		if g.EventType == "user.account.privilege.grant" && succeeded(g) {
			if l, _ := targetUser(g); l == u {
				return j, true
			}
		}
	}
	return 0, false
}
