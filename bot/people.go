package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// resolvePerson maps a Slack mention of a person (<@U123>) in the intent's
// user to their Okta login, through the email of their Slack profile
// (users.info needs users:read.email). Anything else is left as typed.
func (b *Bot) resolvePerson(ctx context.Context, in *intents.Intent) error {
	id, ok := strings.CutPrefix(in.User, "<@")
	if !ok {
		return nil
	}
	id = strings.TrimSuffix(id, ">")
	u, err := b.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return &intents.Error{Err: intents.ErrNotFound, Op: "bot: users.info " + id,
			Detail: fmt.Sprintf("Slack does not say who <@%s> is (%v).", id, err)}
	}
	if u.IsBot {
		return intents.Invalidf("<@%s> is a bot, not a person with an Okta account.", id)
	}
	email := strings.TrimSpace(u.Profile.Email)
	if email == "" {
		return intents.Invalidf("Slack shows no email for <@%s>, so I can't find their Okta account: use their Okta login instead (oktabot needs the users:read.email scope).", id)
	}
	in.User = email
	return nil
}
