package freetext

import (
	"slices"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file turns what the rules decided into an Intent, and a request that
// could mean several things into suggested slash commands.

// draft is what the rules decided, before validation: a kind and its
// arguments, or the meanings to ask about, or an error to report.
type draft struct {
	kind intents.Kind
	args intents.Draft
	ask  []draft
	err  error
}

// intent validates the draft at now: an Intent, or Unknown with
// suggestions.
func (d draft) intent(now time.Time) (intents.Intent, error) {
	if d.err != nil {
		return intents.Intent{}, d.err
	}
	if d.kind == intents.Unknown || len(d.ask) > 0 {
		return intents.Intent{Kind: intents.Unknown, Suggestions: suggestions(d.ask, now)}, nil
	}
	return intents.Build(d.kind, d.args, now)
}

// suggestions are the slash commands of the drafts that validate, at most
// three, without repeats; "/okta help" when none does.
func suggestions(asks []draft, now time.Time) []string {
	var out []string
	for _, a := range asks {
		if len(out) == intents.MaxSuggestions {
			break
		}
		if a.kind == intents.Unknown || a.err != nil || len(a.ask) > 0 {
			continue
		}
		in, err := intents.Build(a.kind, a.args, now)
		if err != nil {
			continue
		}
		if cmd := intents.SlashCommand(in); !slices.Contains(out, cmd) {
			out = append(out, cmd)
		}
	}
	if len(out) == 0 {
		out = []string{intents.SlashPrefix + " help"}
	}
	return out
}

// ask is a draft that asks which of the meanings was meant.
func ask(meanings ...draft) draft {
	return draft{kind: intents.Unknown, ask: meanings}
}

// with is a draft of kind k with one argument.
func with(k intents.Kind, a intents.Arg, v string) draft {
	d := draft{kind: k}
	if v != "" {
		d.args.Set(a, v)
	}
	return d
}
