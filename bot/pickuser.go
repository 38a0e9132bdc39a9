package bot

import (
	"context"
	"errors"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// askWhichUser answers a person argument that named several Okta users, or
// none, with a choice: one button per user, each running the request
// again for that user. It reports whether err was such an answer.
func (b *Bot) askWhichUser(ctx context.Context, o origin, in intents.Intent, err error) bool {
	um, ok := intents.AsUserMatch(err)
	if !ok {
		return false
	}
	b.log.Info("asked back which user", "via", o.via, "channel", o.channel, "user", o.user, "kind", in.Kind,
		"typed", um.Typed, "candidates", len(um.Candidates), "ambiguous", errors.Is(err, intents.ErrAmbiguous))
	m := blocks.PickUser(blocks.UserChoice{Request: in, Typed: um.Typed, Ambiguous: errors.Is(err, intents.ErrAmbiguous),
		Candidates: um.Candidates, More: um.More})
	if terr := b.tell(context.WithoutCancel(ctx), o, m); terr != nil {
		b.log.Error("could not ask back", "err", terr)
	}
	return true
}

// askWhichObject answers a group, app, policy or rule name that several
// Okta objects answer to with a button per object. It reports whether err
// was such an answer.
func (b *Bot) askWhichObject(ctx context.Context, o origin, in intents.Intent, err error) bool {
	om, ok := intents.AsObjectMatch(err)
	if !ok || len(om.Candidates) == 0 {
		return false
	}
	b.log.Info("asked back which object", "via", o.via, "channel", o.channel, "user", o.user, "kind", in.Kind,
		"arg", om.Arg, "typed", om.Typed, "candidates", len(om.Candidates))
	m := blocks.PickObject(blocks.ObjectChoice{Request: in, Arg: om.Arg, Typed: om.Typed, Candidates: om.Candidates})
	if terr := b.tell(context.WithoutCancel(ctx), o, m); terr != nil {
		b.log.Error("could not ask back", "err", terr)
	}
	return true
}

// pickUser runs a request again for the user picked on an ask-back: the
// value is checked like typed input, and the answer goes to the channel
// like a slash command's (an action is only proposed).
func (b *Bot) pickUser(o origin, value string) {
	b.request(o, "pick_user", b.cfg.LongTimeout, func(ctx context.Context) {
		in, err := blocks.DecodeRerun(value)
		if err != nil {
			b.fail(ctx, o, intents.Intent{}, intents.Invalidf("That button's data is not valid; run the command again."))
			return
		}
		o.via = "mention"
		b.serve(ctx, o, in)
	})
}
