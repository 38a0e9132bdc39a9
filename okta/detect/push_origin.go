package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// push_origin_mismatch: an Okta Verify push requested from one place and
// answered from another, in one session (Okta's "mismatch between source
// and response for Verify push request"). Whoever signed in with the
// user's password asked for the push from their own machine; the user
// answered it from home.
//
// Okta sends a push to every enrolled device, so pushes of one session
// within Thresholds.PushCoalesce (2 s) are one push. The requester must
// be new to Okta: its push event carries New Device or New IP POSITIVE
// (Okta's rule wants both; both weigh more). A session whose pushes were
// denied, or mostly left unapproved (fewer than PushSpamRatio of at least
// PushSpamPushes pushes approved), is push spam and weighs more; an
// approval means the requester got in.

const (
	basePushOrigin      = 30 // requested from one place, answered from another: Medium
	wPushOriginBoth     = 10 // both New Device and New IP on the requester (Okta requires both)
	wPushOriginSpam     = 15 // pushes denied or mostly unapproved: push spam (Okta)
	wPushOriginAccepted = 10 // the push was approved: the requester got in
	wPushOriginCountry  = 10 // requester and answer in different countries

	// evPushOriginAccepted starts the evidence item Remedies reads.
	evPushOriginAccepted = "a push was approved"
)

// pushRequest reports a push sent for a sign-in (the requester's event).
func pushRequest(e intents.Event) bool { return e.EventType == "system.push.send_factor_verify_push" }

// pushAnswer reports the user's answer to a push: approved or not.
func pushAnswer(e intents.Event) (answered, approved bool) {
	switch {
	case e.EventType == "user.mfa.okta_verify.deny_push":
		return true, false
	case isMFAChallenge(e) && isPush(e) && (succeeded(e) || failed(e)):
		return true, succeeded(e)
	}
	return false, false
}

// sessionOf is e's externalSessionId, or "" when Okta logged none.
func sessionOf(e intents.Event) string {
	if strings.EqualFold(e.SessionID, "unknown") {
		return ""
	}
	return e.SessionID
}

// pushOriginMismatch finds sessions whose pushes were requested from a new
// device or IP and answered from another IP.
func pushOriginMismatch(tl *timeline) []finding {
	sessions := map[string][]int{}
	for i, e := range tl.events {
		s := sessionOf(e)
		if s == "" || subject(e) == "" {
			continue
		}
		if answered, _ := pushAnswer(e); answered || pushRequest(e) {
			sessions[s] = append(sessions[s], i)
		}
	}
	var out []finding
	for _, s := range sortedKeys(sessions) {
		if f, ok := tl.pushOrigin(sessions[s]); ok {
			out = append(out, f)
		}
	}
	return out
}

// pushOrigin judges one session's pushes and answers.
func (tl *timeline) pushOrigin(idx []int) (finding, bool) {
	th := tl.cfg.Thresholds
	var requests, answers []int
	pushes, approved, denied := 0, 0, 0
	var last time.Time
	for _, i := range idx {
		e := tl.events[i]
		if pushRequest(e) {
			requests = append(requests, i)
			if len(requests) == 1 || e.Published.Sub(last) > th.PushCoalesce {
				pushes++
				last = e.Published
			}
			continue
		}
		_, ok := pushAnswer(e)
		answers = append(answers, i)
		if ok {
			approved++
		} else {
			denied++
		}
	}
	if len(requests) == 0 || len(answers) == 0 {
		return finding{}, false
	}
	// The requester: the push request Okta found newest to the user.
	req := -1
	for _, i := range requests {
		e := tl.events[i]
		if !(positive(e, "New Device") || positive(e, "New IP")) || e.Client.IP == "" {
			continue
		}
		if req < 0 || newness(e) > newness(tl.events[req]) {
			req = i
		}
	}
	if req < 0 {
		return finding{}, false
	}
	from := map[string]bool{}
	for _, i := range requests {
		from[tl.events[i].Client.IP] = true
	}
	ans := -1
	for _, i := range answers {
		if ip := tl.events[i].Client.IP; ip != "" && !from[ip] {
			ans = i
			break
		}
	}
	if ans < 0 {
		return finding{}, false
	}
	r, a := tl.events[req], tl.events[ans]
	u := subject(r)
	var what []string
	for _, b := range []string{"New Device", "New IP"} {
		if positive(r, b) {
			what = append(what, b)
		}
	}
	var ev evidence
	ev.add(basePushOrigin, "Okta Verify push requested from %s (%s, Okta: %s for %s) and answered from %s (%s), in one session",
		tl.ipLabel(r), clientName(r.Client), strings.Join(what, " and "), u, a.Client.IP, clientName(a.Client))
	if len(what) == 2 {
		ev.add(wPushOriginBoth, "the requester was both a new device and a new IP")
	}
	behaviorEvidence(&ev, r, "New Device", "New IP")
	if denied > 0 || (pushes >= th.PushSpamPushes && float64(approved) < th.PushSpamRatio*float64(pushes)) {
		ev.add(wPushOriginSpam, "%s and %s answered with an approval (push spam: a denial, or under %.0f%% of %d or more approved)",
			plural(pushes, "push", "pushes"), plural(approved, "was", "were"), th.PushSpamRatio*100, th.PushSpamPushes)
	}
	if c1, c2 := r.Client.Country, a.Client.Country; c1 != "" && c2 != "" && c1 != c2 {
		ev.add(wPushOriginCountry, "requested in %s, answered in %s", c1, c2)
	}
	tl.proxyEvidence(&ev, r, "the request")
	tl.watchEvidence(&ev, r, "the request")
	riskEvidence(&ev, r)
	tl.adminEvidence(&ev, u)
	summary := "Okta Verify " + plural(pushes, "push", "pushes") + " to " + u + " requested from " + tl.ipLabel(r)
	if p := r.Client.Place(); p != "" {
		summary += " in " + p
	}
	summary += ", answered from " + a.Client.IP
	if p := a.Client.Place(); p != "" {
		summary += " in " + p
	}
	if approved > 0 {
		at := tl.events[firstApproval(tl, answers)].Published
		ev.add(wPushOriginAccepted, "%s at %s: whoever requested it is signed in", evPushOriginAccepted, tl.clock(at))
		summary += "; approved at " + tl.clock(at)
	} else {
		summary += "; " + plural(denied, "denial", "denials") + ", none approved"
	}
	all := append(slices.Clone(requests), answers...)
	return tl.newFinding(PushOriginMismatch, u, summary, ev, all), true
}

// newness ranks how new Okta found e's client: New Device and New IP.
func newness(e intents.Event) int {
	n := 0
	if positive(e, "New Device") {
		n += 2
	}
	if positive(e, "New IP") {
		n++
	}
	return n
}

// firstApproval is the first approving answer among answers.
func firstApproval(tl *timeline, answers []int) int {
	for _, i := range answers {
		if _, ok := pushAnswer(tl.events[i]); ok {
			return i
		}
	}
	return answers[0]
}
