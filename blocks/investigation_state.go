package blocks

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// An investigation of one person leads with their state when it matters
// (locked out, suspended, a password just reset…), and says what it
// covered: the window, how many events it read, and whether the read was
// incomplete (window.go). It never shows a bare check mark over a partial
// read or over an account that needs attention.

// stateLine is one notable fact about the investigated user: short for
// the notification text, long for the message.
type stateLine struct{ short, long string }

// personState lists the notable facts of the investigated user's state,
// most urgent first; none for an ACTIVE user with nothing recent.
func (rc *rctx) personState() []stateLine {
	r := rc.r
	p := r.Profile
	if p == nil {
		return nil
	}
	u := p.User
	who := md(u.Login, rc.c.name)
	since := ""
	if !u.StatusChanged.IsZero() {
		since = " since " + rc.when(u.StatusChanged)
	}
	var out []stateLine
	switch strings.ToUpper(u.Status) {
	case "LOCKED_OUT":
		out = append(out, stateLine{"LOCKED OUT", ":lock: *Locked out*" + since + ": " + who + " cannot sign in until an admin unlocks the account or the lockout expires."})
	case "SUSPENDED":
		out = append(out, stateLine{"SUSPENDED", ":red_circle: *Suspended*" + since + ": " + who + " cannot sign in until unsuspended."})
	case "PASSWORD_EXPIRED":
		out = append(out, stateLine{"PASSWORD EXPIRED", ":hourglass_flowing_sand: *Password expired*" + since + ": " + who + " must set a new password at the next sign-in."})
	case "RECOVERY":
		out = append(out, stateLine{"IN RECOVERY", ":key: *In password recovery*" + since + ": a reset is pending; " + who + " cannot sign in until it is completed."})
	case "DEPROVISIONED":
		out = append(out, stateLine{"DEACTIVATED", ":black_circle: *Deactivated*" + since + ": the account of " + who + " is deprovisioned."})
	}
	if strings.EqualFold(u.Status, "ACTIVE") && slices.Contains(p.Blocks, "UNKNOWN_DEVICES") {
		out = append(out, stateLine{"BLOCKED ON NEW DEVICES", ":lock: *Blocked from new devices*: Okta blocks sign-ins of " + who + " from unknown devices; known devices still work."})
	}
	if l, ok := rc.passwordReset(); ok {
		out = append(out, l)
	}
	return out
}

// passwordReset is the password change or reset of the window: the
// newest reset_password / update_password event, else the profile's
// passwordChanged when it falls in the window.
func (rc *rctx) passwordReset() (stateLine, bool) {
	r := rc.r
	for _, e := range r.Events { // newest first
		switch e.EventType {
		case "user.account.reset_password":
			by := ""
			if e.Actor.AlternateID != "" && !strings.EqualFold(e.Actor.AlternateID, r.Profile.User.Login) {
				by = " by " + md(e.Actor.AlternateID, rc.c.name)
			}
			return stateLine{"PASSWORD RESET", ":key: *Password reset* " + rc.when(e.Published) + by + ": whoever set the new password can sign in as this user."}, true
		case "user.account.update_password":
			return stateLine{"PASSWORD CHANGED", ":key: *Password changed* " + rc.when(e.Published) + "."}, true
		}
	}
	pc := r.Profile.User.PasswordChanged
	from := r.Since
	if from.IsZero() && !rc.o.Now.IsZero() {
		from = rc.o.Now.Add(-24 * time.Hour)
	}
	if !pc.IsZero() && !from.IsZero() && !pc.Before(from) {
		return stateLine{"PASSWORD CHANGED", ":key: *Password changed* " + rc.timeAgo(pc, "") + "."}, true
	}
	return stateLine{}, false
}

// eventsRead is how many System Log events the answer read.
func (rc *rctx) eventsRead() int { return max(rc.r.Read, len(rc.r.Events)) }

// incomplete lists why the read did not cover the whole window (gaps).
// An investigation, whose layout has no notes line, counts what the
// adapter noted among them.
func (rc *rctx) incomplete() []string {
	var out []string
	if rc.r.Intent.Kind == intents.Investigate {
		for _, n := range rc.r.Notes {
			if n = md(n, rc.c.long); n != "" {
				out = append(out, n)
			}
		}
	}
	return append(out, rc.gaps()...)
}

// incompleteText says why the read was incomplete, on a line of its own;
// empty when it was complete.
func incompleteText(why []string) string {
	if len(why) == 0 {
		return ""
	}
	return "\n:warning: *Incomplete:* " + strings.Join(why, " ")
}
