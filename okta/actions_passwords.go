package okta

import (
	"context"
	"fmt"
	"slices"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// The password actions. Neither ever asks Okta for a secret: expire_password
// is the plain POST …/lifecycle/expire_password (never
// expire_password_with_temp_password, whose answer is a temporary password),
// and reset_password always sends sendEmail=true (with false Okta answers
// with a one-time resetPasswordUrl, which anyone holding can use). What the
// SDK decodes from either answer is dropped unread, so that nothing secret
// can reach a log, a message or the audit log.

// expirePassword makes an ACTIVE user choose a new password at their next
// sign-in. Okta keeps accepting the current password for that sign-in, so
// it does not keep out someone who holds it: the impact says so.
var expirePassword = lifecycle{
	verb: "Expire the password of", name: "expiring a password", from: []string{"ACTIVE"}, to: "PASSWORD_EXPIRED",
	says: "at their next sign-in they must choose a new password",
	call: func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.ExpirePassword(ctx, id).Execute()
		return resp, err
	},
	check: func(ctx context.Context, c *Client, u intents.User) ([]string, error) {
		provider, err := passwordProvider(ctx, c, u, "expire the password of ", true)
		if err != nil {
			return nil, err
		}
		impact := []string{"the current password still works at the next sign-in, once, to choose a new one: if it may be known to someone else, reset the password instead (" + command(intents.ResetPassword, u.Login) + ")"}
		if provider == "ACTIVE_DIRECTORY" {
			impact = append(impact, "the password is mastered by Active Directory: Okta expires it there too")
		}
		return impact, nil
	},
}

// resetPassword emails the user a link to set a new password; until they
// do, they are in RECOVERY and the current password no longer signs in.
var resetPassword = lifecycle{
	verb: "Reset the password of", name: "a password reset", from: []string{"ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY"}, to: "RECOVERY",
	says: "Okta emails them a link to set a new one, and the current password stops working until they do",
	call: func(ctx context.Context, c *Client, id string) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.GenerateResetPasswordToken(ctx, id).SendEmail(true).Execute()
		return resp, err
	},
	check: func(ctx context.Context, c *Client, u intents.User) ([]string, error) {
		provider, err := passwordProvider(ctx, c, u, "reset the password of ", false)
		if err != nil {
			return nil, err
		}
		email := nonEmpty(u.Email, u.Login)
		impact := []string{
			"the reset link goes to " + email + ": whoever reads that mailbox can set the password",
			"sessions already open are not ended: clear them too (" + command(intents.ClearSessions, u.Login) + ")",
		}
		if u.Status == "RECOVERY" {
			impact = append(impact, "a password reset is already under way: this sends a new email")
		}
		if provider == "ACTIVE_DIRECTORY" || provider == "LDAP" {
			impact = append(impact, "the password is mastered by "+provider+": the new one is set there")
		}
		return impact, nil
	},
}

// passwordProvider refuses a password action on a user whose password is
// not Okta's to act on, and returns their credential provider. A
// FEDERATION or SOCIAL user signs in elsewhere; Okta's reset_password
// would even turn them into an Okta-password user, which oktabot never
// does behind an approver's back. needPassword refuses a user without a
// password (there is none to expire); a reset gives them one.
func passwordProvider(ctx context.Context, c *Client, u intents.User, op string, needPassword bool) (string, error) {
	hasPassword, provider, err := c.signInCredential(ctx, u.ID)
	if err != nil {
		return "", err
	}
	switch {
	case provider == "FEDERATION" || provider == "SOCIAL":
		return "", conflict(op+u.Login, fmt.Sprintf("%s signs in through an identity provider (%s), not with an Okta password; change their password there", u.Login, provider))
	case needPassword && !hasPassword && provider == "OKTA":
		return "", conflict(op+u.Login, u.Login+" has no Okta password to expire (they sign in without one)")
	}
	return provider, nil
}

// passwordHint says what to do instead when a password action does not
// apply to the user's status.
func passwordHint(k intents.Kind, status string) string {
	switch {
	case k == intents.ExpirePassword && status == "PASSWORD_EXPIRED":
		return ". Their password is already expired"
	case k == intents.ExpirePassword && status == "RECOVERY":
		return ". A password reset is already under way: the current password no longer signs in"
	case k == intents.ExpirePassword && status == "LOCKED_OUT":
		return ". Unlock them first, or reset their password, which also keeps the current one from signing in"
	case status == "SUSPENDED":
		return ". A SUSPENDED user cannot sign in; unsuspend them first if their password must change"
	case status == "STAGED" || status == "PROVISIONED":
		return ". They have not finished activation: activate them instead"
	}
	return ""
}

// factorsWarning is what resetting a user's factors leaves open, and the
// companion actions that close it: once the factors are gone, whoever can
// sign in as the user enrolls the next one. After push fatigue that is
// the attacker who holds the password. Companions are only those that
// apply to the user now.
func factorsWarning(ctx context.Context, c *Client, u intents.User) (string, []intents.Kind, error) {
	hasPassword, provider, err := c.signInCredential(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	companions := []intents.Kind{intents.ClearSessions}
	switch {
	case provider == "FEDERATION" || provider == "SOCIAL":
		return fmt.Sprintf("Whoever can sign in to %s through %s can then enroll a new factor of their own: make sure that account is safe, and clear their sessions with this", u.Login, provider), companions, nil
	case !hasPassword && provider == "OKTA":
		return fmt.Sprintf("Whoever holds a session of %s can then enroll a new factor of their own: clear their sessions with this", u.Login), companions, nil
	}
	warning := fmt.Sprintf("Whoever holds the password of %s can then sign in and enroll a new factor of their own (after push fatigue, the attacker does). Clear their sessions and reset their password with this", u.Login)
	if slices.Contains(resetPassword.from, u.Status) {
		companions = append(companions, intents.ResetPassword)
	} else {
		warning = fmt.Sprintf("Whoever holds the password of %s can then sign in and enroll a new factor of their own (after push fatigue, the attacker does). Clear their sessions with this; their password cannot be reset while they are %s", u.Login, u.Status)
	}
	return warning, companions, nil
}

// command is the slash command of an action on a user.
func command(k intents.Kind, login string) string {
	verb := string(k)
	if info, ok := intents.Lookup(k); ok && len(info.Verbs) > 0 {
		verb = info.Verbs[0]
	}
	return "/okta " + verb + " " + login
}
