package bot

import (
	"context"
	"strings"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// userAction proposes the action of a user card's or a user list's button
// (blocks.ActionUserAct) exactly as the slash command would: the same
// preview, protected-account check and pending-duplicate check, through
// serve and propose. The value is input like typed text: anything but one
// of the buttons' actions on one Okta user id is refused privately, and
// nothing is read from Okta or proposed.
func (b *Bot) userAction(o origin, value string) {
	b.request(o, "user_action", b.cfg.LongTimeout, func(ctx context.Context) {
		in, err := blocks.DecodeUserAction(value)
		if err != nil {
			b.log.Warn("refused a user action button", "user", o.user, "channel", o.channel, "err", err)
			b.fail(ctx, o, intents.Intent{}, intents.Invalidf("That button's data is not valid, so nothing was proposed. Ask with the slash command instead (`/okta help user actions`)."))
			return
		}
		if strings.HasPrefix(o.channel, "D") {
			o.via = "dm" // a card in a direct message proposes nothing there
		}
		b.serve(ctx, o, in)
	})
}
