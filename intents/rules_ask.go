package intents

import (
	"slices"
	"time"
)

// This file turns what the rules decided into an Intent, and a request that
// could mean several things into suggested slash commands.

// draft is what the rules decided, before validation: a kind and its
// arguments, or the meanings to ask about, or an error to report.
type draft struct {
	kind Kind
	args draftArgs
	ask  []draft
	err  error
}

// intent validates the draft at now: an Intent, or Unknown with
// suggestions.
func (d draft) intent(now time.Time) (Intent, error) {
	if d.err != nil {
		return Intent{}, d.err
	}
	if d.kind == Unknown || len(d.ask) > 0 {
		return Intent{Kind: Unknown, Suggestions: suggestions(d.ask, now)}, nil
	}
	return build(d.kind, d.args, now)
}

// suggestions are the slash commands of the drafts that validate, at most
// three, without repeats; "/okta help" when none does.
func suggestions(asks []draft, now time.Time) []string {
	var out []string
	for _, a := range asks {
		if len(out) == maxSuggestions {
			break
		}
		if a.kind == Unknown || a.err != nil || len(a.ask) > 0 {
			continue
		}
		in, err := build(a.kind, a.args, now)
		if err != nil {
			continue
		}
		if cmd := SlashCommand(in); !slices.Contains(out, cmd) {
			out = append(out, cmd)
		}
	}
	if len(out) == 0 {
		out = []string{prefix + " help"}
	}
	return out
}

// ask is a draft that asks which of the meanings was meant.
func ask(meanings ...draft) draft {
	return draft{kind: Unknown, ask: meanings}
}

// with is a draft of kind k with one argument.
func with(k Kind, a Arg, v string) draft {
	d := draft{kind: k}
	if v != "" {
		d.args.set(a, v)
	}
	return d
}
