package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// No one approves a change to their own Okta account. The approver's Slack
// email (users.info, which needs users:read.email) names their Okta user;
// the Directory says whether the action targets that user, or a group that
// grants them their admin role. What cannot be checked is refused: the
// approver is told why and another approver can decide.

// ownAccounts is what the bot needs from Okta to keep approvers off their
// own accounts. The bot asks its Directory when the Directory has it (the
// okta adapter does); a Directory without it (a test double) skips the
// check.
type ownAccounts interface {
	OwnAccount(ctx context.Context, email string, a intents.Action) (own bool, why string, err error)
}

// ownCheck is whether an approval would change the approver's own Okta
// account. The zero value: it would not.
type ownCheck struct {
	why  string // set: it would; says how, to the approver
	hint string // set: it could not be checked; what to do
	// unread is the approvals store failing to read the proposal: the
	// decision could not be recorded either, so the click is answered
	// at once rather than after a second time-out.
	unread error
}

func (c ownCheck) set() bool { return c.why != "" || c.hint != "" }

// refuses is the check as ApprovalPolicy.Protected answers: the reason
// goes to the audit log.
func (c ownCheck) refuses() (bool, string) {
	switch {
	case c.why != "":
		return true, "the approver's own Okta account: " + c.why
	case c.hint != "":
		return true, "could not check that this is not the approver's own Okta account"
	}
	return false, ""
}

// words is the refusal for the approver: a title and what to do.
func (c ownCheck) words() (string, string) {
	if c.why != "" {
		return "You can't approve a change to your own Okta account",
			upperFirst(c.why) + ". Another approver has to approve it; nothing was changed."
	}
	return "Could not check that this is not your own Okta account", c.hint
}

// ownAccount checks whether o.user's approving proposal id would change
// their own Okta account. A click Decide refuses anyway (an unknown
// proposal, another channel's, one not pending or past its time, the
// requester's own) asks neither Slack nor Okta.
func (b *Bot) ownAccount(ctx context.Context, o origin, id string) ownCheck {
	acc, ok := b.dir.(ownAccounts)
	if !ok {
		return ownCheck{}
	}
	user := o.user
	p, err := b.cfg.Proposals.Get(id)
	if err != nil && !errors.Is(err, intents.ErrNotFound) {
		return ownCheck{unread: err}
	}
	if err != nil || p.State != intents.StatePending || p.Channel != o.channel || !b.cfg.Now().Before(p.Expires) ||
		(p.Requester == user && !b.cfg.AllowSelfApproval) {
		return ownCheck{}
	}
	email, hint := b.approverEmail(ctx, user, id)
	if hint != "" {
		return ownCheck{hint: hint}
	}
	own, why, err := acc.OwnAccount(ctx, email, p.Preview.Action)
	if err != nil {
		b.log.Warn("cannot tell whether the approver's own Okta account is the target; approval refused", "user", user, "proposal", id, "err", err)
		return ownCheck{hint: "Okta did not say which account is yours just now. Nothing was changed: try again in a minute."}
	}
	if own {
		return ownCheck{why: why}
	}
	return ownCheck{}
}

// approverEmail is the email of the approver's Slack profile, which
// names their Okta user; or, when Slack does not give it, what to tell
// them (the approval of proposal id is refused).
func (b *Bot) approverEmail(ctx context.Context, user, id string) (email, hint string) {
	u, err := b.api.GetUserInfoContext(ctx, user)
	if err != nil {
		b.log.Warn("users.info for the approver failed; approval refused", "user", user, "proposal", id, "err", err)
		return "", "Slack did not say who you are just now. Nothing was changed: try again in a minute."
	}
	email = strings.TrimSpace(u.Profile.Email)
	if email == "" {
		return "", "Slack shows no email for you (oktabot needs the users:read.email scope), so oktabot cannot tell which Okta account is yours. Nothing was changed: another approver can approve it."
	}
	return email, ""
}

// protectedByConfig reports whether p's target is protected by
// OKTABOT_PROTECTED or is the service app, which refused() words.
func (b *Bot) protectedByConfig(p intents.Proposal) bool {
	bad, _ := b.cfg.Protection.Check(p.Preview)
	return bad
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
