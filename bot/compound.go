package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// allClassifier is a Classifier that reads every request of a message
// (freetext.Rules and llm.Classifier do).
type allClassifier interface {
	ClassifyAll(ctx context.Context, text string) ([]intents.Intent, error)
}

// classifyAll reads the requests of a message: all of them when the
// classifier can, else its one.
func (b *Bot) classifyAll(ctx context.Context, text string) ([]intents.Intent, error) {
	if c, ok := b.cfg.Classifier.(allClassifier); ok {
		return c.ClassifyAll(ctx, text)
	}
	in, err := b.cfg.Classifier.Classify(ctx, text)
	return []intents.Intent{in}, err
}

// answerText answers free text from a mention or a DM: a pronoun read
// with the thread's subject, and every request the text makes.
func (b *Bot) answerText(o origin, text string) {
	b.request(o, "text", b.cfg.LongTimeout, func(ctx context.Context) {
		ctx = intents.WithLocation(ctx, b.zone(ctx, o.user))
		ctx, ok := b.withThreadSubject(ctx, o, text)
		if !ok {
			return
		}
		ins, err := b.classifyAll(ctx, text)
		switch {
		case errors.Is(err, freetext.ErrWho):
			b.askWho(ctx, o, nil)
			return
		case err != nil:
			var in intents.Intent
			if len(ins) == 1 {
				in = ins[0]
			}
			b.fail(ctx, o, in, err)
			return
		}
		b.serveAll(ctx, o, ins)
	})
}

// serveAll answers the requests of one message in the order written:
// questions each with its answer (an investigation each whole), and the
// changes together, one proposal message for each person acted on.
func (b *Bot) serveAll(ctx context.Context, o origin, ins []intents.Intent) {
	if len(ins) == 1 {
		b.serveText(ctx, o, ins[0])
		return
	}
	var changes []intents.Intent
	for _, in := range ins {
		if in.Kind.IsAction() {
			changes = append(changes, in)
			continue
		}
		b.serveText(ctx, o, in)
	}
	b.proposeTogether(ctx, o, changes)
}

// serveText answers one request read from free text: ambiguous text is
// asked back.
func (b *Bot) serveText(ctx context.Context, o origin, in intents.Intent) {
	if in.Kind == intents.Unknown {
		if err := b.tell(ctx, o, b.askBack(in)); err != nil {
			b.log.Error("reply failed", "err", err)
		}
		return
	}
	b.serve(ctx, o, in)
}

// proposeTogether proposes the changes one message asked for: the
// changes for one person (with the companions their previews call for) in
// one message, each with its own Approve and Reject.
func (b *Bot) proposeTogether(ctx context.Context, o origin, changes []intents.Intent) {
	if len(changes) == 0 {
		return
	}
	if len(changes) == 1 {
		b.serve(ctx, o, changes[0])
		return
	}
	if !b.moveTo(ctx, o, changes[0].Kind) {
		return
	}
	if o.via == "dm" || isDM(o.channel) {
		b.fail(ctx, o, changes[0], errNoChangesInDM)
		return
	}
	var order []string
	byUser := map[string][]intents.Proposal{}
	for _, in := range changes {
		if err := b.resolvePerson(ctx, &in); err != nil {
			b.fail(ctx, o, in, err)
			continue
		}
		p, ok := b.create(ctx, o, in, "", nil)
		if !ok {
			continue
		}
		who := strings.ToLower(in.User)
		if u := p.Preview.Action.User; u != nil && u.ID != "" {
			who = u.ID
		}
		if _, seen := byUser[who]; !seen {
			order = append(order, who)
		}
		byUser[who] = append(byUser[who], p)
	}
	for _, who := range order {
		b.post(ctx, o, b.withCompanions(ctx, o, byUser[who]))
	}
}
