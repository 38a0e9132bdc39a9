package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// mfa_push_fatigue: a storm of Okta Verify pushes the user denies or leaves
// unanswered, hoping they give in.

const (
	basePushFatigue = 45 // a push storm: Medium, High with one more signal
	wPushAccepted   = 30 // … and then the user gave in: Critical (Chronicle)

	// pushExpiry is how long an Okta Verify push waits for an answer
	// before it counts as unanswered.
	pushExpiry = 5 * time.Minute

	// evPushAccepted starts the evidence item Remedies reads.
	evPushAccepted = "then the user approved a push or signed in"
)

type pushKind int

const (
	noPush pushKind = iota
	pushSent
	pushDenied
	pushUnanswered
	pushAccepted
)

func pushEvent(e intents.Event) pushKind {
	switch e.EventType {
	case "system.push.send_factor_verify_push":
		return pushSent
	case "user.mfa.okta_verify.deny_push":
		return pushDenied
	case "user.authentication.auth_via_mfa":
		if passwordCheck(e) || !isPush(e) {
			return noPush
		}
		switch {
		case wrongNumber(e), failed(e):
			return pushDenied
		case mfaUnanswered(e):
			return pushUnanswered
		case succeeded(e):
			return pushAccepted
		}
	}
	return noPush
}

// isPush reports an Okta Verify push: Classic names the factor
// (OKTA_VERIFY_PUSH), Identity Engine the enrolment's method in target[]
// and the push's answer in debugData.
func isPush(e intents.Event) bool {
	s := strings.ToLower(e.Debug["factor"] + " " + e.DisplayMessage + " " + e.Outcome.Reason)
	if strings.Contains(s, "push") || e.Debug["pushOnlyResponseType"] != "" || e.Debug["pushWithNumberChallengeResponseType"] != "" {
		return true
	}
	for _, t := range e.Targets {
		if strings.Contains(strings.ToLower(t.Detail["methodTypeUsed"]), "push") {
			return true
		}
	}
	return false
}

// wrongNumber reports an Okta Verify number challenge answered with the
// wrong number.
func wrongNumber(e intents.Event) bool {
	return strings.EqualFold(e.Debug["pushWithNumberChallengeResponseType"], "OV_WITH_CHALLENGE_RESPONSE_INVALID")
}

// mfaUnanswered reports an MFA challenge Okta logged as left unanswered or
// abandoned (outcome UNANSWERED or ABANDONED), whatever the factor.
func mfaUnanswered(e intents.Event) bool {
	if e.EventType != "user.authentication.auth_via_mfa" {
		return false
	}
	switch strings.ToUpper(e.Outcome.Result) {
	case "UNANSWERED", "ABANDONED":
		return true
	}
	return false
}

// push is one push challenge and what became of it.
type push struct {
	at      time.Time
	evs     []int
	denied  bool
	decided time.Time
	logged  bool // an event says what became of it (not only its expiry)
}

// mfaPushFatigue finds storms of denied or unanswered pushes for one user,
// above all when the user then approves one.
func mfaPushFatigue(tl *timeline) []finding {
	type state struct {
		pending *push
		failed  []push
	}
	users := map[string]*state{}
	settle := func(s *state, p *push, denied bool, at time.Time) {
		p.denied, p.decided = denied, at
		s.failed = append(s.failed, *p)
	}
	for i, e := range tl.events {
		k := pushEvent(e)
		u := subject(e)
		if k == noPush || u == "" {
			continue
		}
		s := users[u]
		if s == nil {
			s = &state{}
			users[u] = s
		}
		if s.pending != nil && e.Published.Sub(s.pending.at) > pushExpiry {
			settle(s, s.pending, false, s.pending.at.Add(pushExpiry))
			s.pending = nil
		}
		switch k {
		case pushSent:
			if s.pending != nil { // a new push replaced an unanswered one
				settle(s, s.pending, false, e.Published)
			}
			s.pending = &push{at: e.Published, evs: []int{i}}
		case pushUnanswered:
			last := len(s.failed) - 1
			switch {
			case s.pending != nil:
				s.pending.evs = append(s.pending.evs, i)
				s.pending.logged = true
				settle(s, s.pending, false, e.Published)
				s.pending = nil
			case last >= 0 && !s.failed[last].denied && !s.failed[last].logged &&
				e.Published.Sub(s.failed[last].at) <= 2*pushExpiry:
				// the push that expired, logged unanswered late
				s.failed[last].evs = append(s.failed[last].evs, i)
				s.failed[last].logged = true
			default:
				settle(s, &push{at: e.Published, evs: []int{i}, logged: true}, false, e.Published)
			}
		case pushDenied:
			switch {
			case s.pending != nil:
				s.pending.evs = append(s.pending.evs, i)
				settle(s, s.pending, true, e.Published)
				s.pending = nil
			case len(s.failed) > 0 && s.failed[len(s.failed)-1].denied &&
				e.Published.Sub(s.failed[len(s.failed)-1].decided) <= 10*time.Second:
				// deny_push and auth_via_mfa FAILURE for the same answer
				last := &s.failed[len(s.failed)-1]
				last.evs = append(last.evs, i)
			default:
				settle(s, &push{at: e.Published, evs: []int{i}}, true, e.Published)
			}
		case pushAccepted:
			s.pending = nil
		}
	}
	var out []finding
	r := tl.cfg.Thresholds.PushFatigue
	for _, u := range sortedKeys(users) {
		s := users[u]
		if s.pending != nil {
			settle(s, s.pending, false, s.pending.at.Add(pushExpiry))
		}
		slices.SortStableFunc(s.failed, func(a, b push) int { return a.at.Compare(b.at) })
		ts := make([]time.Time, len(s.failed))
		for i, p := range s.failed {
			ts[i] = p.at
		}
		for _, run := range bursts(ts, r) {
			out = append(out, tl.pushStorm(u, s.failed[run[0]:run[1]+1]))
		}
	}
	return append(out, tl.mfaAbandonment()...)
}

// mfaAbandonment finds one IP leaving MFA unanswered or abandoned for
// many users (Okta's suspicious MFA abandonment): someone holding their
// passwords, trying whose MFA gives in. Org-wide findings (no user).
func (tl *timeline) mfaAbandonment() []finding {
	byIP := map[string][]int{}
	for i, e := range tl.events {
		if mfaUnanswered(e) && e.Client.IP != "" && subject(e) != "" {
			byIP[e.Client.IP] = append(byIP[e.Client.IP], i)
		}
	}
	shape := tl.cfg.Thresholds.MFAAbandonIP
	var out []finding
	for _, ip := range sortedKeys(byIP) {
		idx := byIP[ip]
		for _, run := range bursts(tl.timesOf(idx), Rate{Count: shape.Users, Window: shape.Window}) {
			part := idx[run[0] : run[1]+1]
			users := map[string]bool{}
			for _, i := range part {
				users[subject(tl.events[i])] = true
			}
			if len(users) < shape.Users {
				continue
			}
			first := tl.events[part[0]]
			d := tl.events[part[len(part)-1]].Published.Sub(first.Published)
			var ev evidence
			ev.add(basePushFatigue, "MFA left unanswered or abandoned %d times for %d users from one IP in %s (threshold %d users in %s)",
				len(part), len(users), span(d), shape.Users, span(shape.Window))
			tl.proxyEvidence(&ev, first, "challenges")
			tl.watchEvidence(&ev, first, "challenges")
			where := tl.ipLabel(first)
			if p := first.Client.Place(); p != "" {
				where += " in " + p
			}
			summary := "MFA abandoned for " + plural(len(users), "user", "users") + " from " + where + " in " + span(d) +
				", starting " + tl.clock(first.Published)
			f := tl.newFinding(MFAPushFatigue, "", summary, ev, slices.Clone(part))
			f.Reason = "One IP left MFA unanswered for many users"
			out = append(out, f)
		}
	}
	return out
}

func (tl *timeline) pushStorm(user string, ps []push) finding {
	var idx []int
	denied := 0
	for _, p := range ps {
		idx = append(idx, p.evs...)
		if p.denied {
			denied++
		}
	}
	n := len(ps)
	d := ps[n-1].at.Sub(ps[0].at)
	r := tl.cfg.Thresholds.PushFatigue
	var ev evidence
	ev.add(basePushFatigue, "%d Okta Verify pushes denied or unanswered in %s (%d denied, %d unanswered; threshold %d in %s)",
		n, span(d), denied, n-denied, r.Count, span(r.Window))
	summary := itoa(n) + " Okta Verify pushes to " + user + " denied or unanswered in " + span(d) +
		" (" + itoa(denied) + " denied, " + itoa(n-denied) + " unanswered)"
	if p, ok := tl.firstProxied(idx); ok {
		tl.proxyEvidence(&ev, p, "pushes requested")
		summary += ", requested from " + tl.ipLabel(p)
	} else if w, ok := tl.firstWatched(idx); ok {
		summary += ", requested from " + w.Client.Place()
	}
	if w, ok := tl.firstWatched(idx); ok {
		tl.watchEvidence(&ev, w, "pushes requested")
	}
	tl.adminEvidence(&ev, user)
	if i, ok := tl.verifiedAfter(user, ps[0].at, ps[n-1].at.Add(tl.cfg.Thresholds.PushAcceptWithin)); ok {
		at := tl.events[i].Published
		ev.add(wPushAccepted, "%s at %s", evPushAccepted, tl.clock(at))
		summary += ", then the user approved a push or signed in at " + tl.clock(at)
		idx = append(idx, i)
	}
	return tl.newFinding(MFAPushFatigue, user, summary, ev, idx)
}

// verifiedAfter is the first successful MFA or sign-in of user in
// (from, to].
func (tl *timeline) verifiedAfter(user string, from, to time.Time) (int, bool) {
	for i := tl.after(from); i < len(tl.events); i++ {
		e := tl.events[i]
		if e.Published.After(to) {
			break
		}
		if subject(e) != user {
			continue
		}
		if isSignIn(e) || (isMFAChallenge(e) && succeeded(e)) {
			return i, true
		}
	}
	return 0, false
}
