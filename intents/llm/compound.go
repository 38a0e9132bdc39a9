package llm

import (
	"context"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// allClassifier reads every request of a message (freetext.Rules does).
type allClassifier interface {
	ClassifyAll(ctx context.Context, text string) ([]intents.Intent, error)
}

// ClassifyAll reads every request of a message, in the order written: the
// model may call one tool for each ("suspend john@company.com and clear
// his sessions"), and every call is validated and grounded in the text as
// Classify's one is; if any is not, the rules read the whole message.
// Slash commands, and text whose pronoun stands for a person ("suspend
// him"), are read by the rules, which resolve the pronoun against the
// subject the context carries (freetext.WithSubject).
func (c *Classifier) ClassifyAll(ctx context.Context, text string) ([]intents.Intent, error) {
	ins, _, err := c.ClassifyAllBy(ctx, text)
	return ins, err
}

// ClassifyAllBy is ClassifyAll that also says which path decided.
func (c *Classifier) ClassifyAllBy(ctx context.Context, text string) ([]intents.Intent, intents.By, error) {
	o := intents.ReadOptions{Now: c.now(), Location: intents.LocationFrom(ctx, c.loc)}
	if freetext.IsSlash(text) {
		return c.rulesAll(ctx, text, "slash command")
	}
	plain := freetext.PlainText(text)
	if plain == "" || len(plain) > freetext.MaxFreeText {
		return c.rulesAll(ctx, text, "no text for the model")
	}
	if freetext.Refers(text, o.Present()) {
		return c.rulesAll(ctx, text, "a pronoun stands for a person: the rules resolve it")
	}
	ins, err := c.askAll(ctx, plain)
	if err == nil {
		ins, err = freetext.GroundedAllIn(text, ins, o, freetext.SubjectFrom(ctx))
	}
	if err != nil {
		return c.rulesAll(ctx, text, redact(err.Error(), c.secret))
	}
	c.log.DebugContext(ctx, "llm: the model decided", "requests", len(ins))
	return ins, intents.ByModel, nil
}

// rulesAll answers with the fallback: every request when it can read
// several, else its one.
func (c *Classifier) rulesAll(ctx context.Context, text, why string) ([]intents.Intent, intents.By, error) {
	c.log.DebugContext(ctx, "llm: the rules decide", "why", why)
	if all, ok := c.fallback.(allClassifier); ok {
		ins, err := all.ClassifyAll(ctx, text)
		return ins, intents.ByRules, err
	}
	in, err := c.fallback.Classify(ctx, text)
	return []intents.Intent{in}, intents.ByRules, err
}
