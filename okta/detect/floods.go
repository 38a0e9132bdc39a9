package detect

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// reset_message_flood: many password-reset or unlock emails, texts or
// calls for one user (Elastic's "high number of Okta user password reset
// or unlock attempts": 5 in its hour). Someone who tries to take an
// account over through self-service recovery, or to bury the real
// message in noise, or to run up SMS charges, sends them again and
// again. A password change right after is the takeover itself.

const (
	baseResetFlood     = 30 // Thresholds.ResetFlood messages: Medium
	wResetFloodPhone   = 10 // by SMS or voice: toll fraud, and a phone is easier to hijack
	wResetFloodChanged = 20 // then the password changed or the account unlocked

	// evResetFloodChanged starts the evidence item Remedies reads.
	evResetFloodChanged = "then the password was changed"
)

// resetMessage reports a password-reset or unlock message sent to a user,
// and by which channel.
func resetMessage(t string) (channel string, ok bool) {
	switch t {
	case "system.email.password_reset.sent_message", "system.email.account_unlock.sent_message":
		return "email", true
	case "system.sms.send_password_reset_message", "system.sms.send_account_unlock_message":
		return "SMS", true
	case "system.voice.send_password_reset_call", "system.voice.send_account_unlock_call":
		return "voice call", true
	case "user.account.unlock_token":
		return "unlock link", true
	}
	return "", false
}

// passwordChanged reports a user's password set anew: the end of a reset.
func passwordChanged(e intents.Event) bool {
	switch e.EventType {
	case "user.account.reset_password", "user.account.update_password", "user.credential.enroll":
		return succeeded(e)
	}
	return false
}

// resetMessageFlood finds floods of reset and unlock messages for one
// user.
func resetMessageFlood(tl *timeline) []finding {
	byUser := tl.bySubject(func(e intents.Event) bool {
		_, ok := resetMessage(e.EventType)
		return ok
	})
	r := tl.cfg.Thresholds.ResetFlood
	var out []finding
	for _, u := range sortedKeys(byUser) {
		idx := byUser[u]
		for _, run := range bursts(tl.times(idx), r) {
			out = append(out, tl.resetFlood(u, slices.Clone(idx[run[0]:run[1]+1])))
		}
	}
	return out
}

func (tl *timeline) resetFlood(u string, idx []int) finding {
	r := tl.cfg.Thresholds.ResetFlood
	first, last := tl.events[idx[0]], tl.events[idx[len(idx)-1]]
	var channels []string
	phone := false
	for _, i := range idx {
		c, _ := resetMessage(tl.events[i].EventType)
		if !slices.Contains(channels, c) {
			channels = append(channels, c)
		}
		phone = phone || c == "SMS" || c == "voice call"
	}
	d := last.Published.Sub(first.Published)
	var ev evidence
	ev.add(baseResetFlood, "%d password-reset or unlock messages in %s by %s (threshold %d in %s)",
		len(idx), span(d), strings.Join(channels, ", "), r.Count, span(r.Window))
	if phone {
		ev.add(wResetFloodPhone, "sent to a phone: SMS and calls cost money and a phone number is easier to hijack")
	}
	tl.originOf(&ev, idx, "requests")
	tl.adminEvidence(&ev, u)
	summary := itoa(len(idx)) + " password-reset or unlock messages for " + u + " in " + span(d) + " (" +
		strings.Join(channels, ", ") + ")" + tl.fromIPs(idx)
	for i := tl.after(last.Published); i < len(tl.events); i++ {
		e := tl.events[i]
		if e.Published.Sub(last.Published) > r.Window {
			break
		}
		if subject(e) == u && passwordChanged(e) {
			ev.add(wResetFloodChanged, "%s at %s", evResetFloodChanged, tl.clock(e.Published))
			summary += ", then the password was changed at " + tl.clock(e.Published)
			idx = append(idx, i)
			break
		}
	}
	return tl.newFinding(ResetMessageFlood, u, summary, ev, idx)
}
