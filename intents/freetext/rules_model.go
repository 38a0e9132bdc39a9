package freetext

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file holds the rules a model's answer must also obey: it may only
// name users and objects the request names, and it may only choose an
// action when the request gives the explicit verb for it, as the free-text
// rules require of themselves.

// Grounded checks an Intent that a model made from text (already validated
// by FromArgs) against the text itself:
//
//   - its user, group, app, policy, rule and proposal id appear in the text
//     (case aside): a model never invents them;
//   - an action kind is backed by one explicit imperative verb that makes
//     it ("suspend", "log … out", "add … to …"), not negated, not advice,
//     not under a condition, and not one of several changes;
//   - a window the model left out is the one the text names by a day
//     ("yesterday", "since Monday"), worked out from now as Understand
//     does, with its end ("yesterday" ends at midnight).
//
// It returns the Intent, completed, or an error wrapping ErrInvalid that
// says why the model's answer does not stand.
func Grounded(text string, in intents.Intent, now time.Time) (intents.Intent, error) {
	return grounded(text, in, now.UTC())
}

// grounded is Grounded with days starting at midnight in now's location.
func grounded(text string, in intents.Intent, now time.Time) (intents.Intent, error) {
	plain := PlainText(text)
	low := strings.ToLower(plain)
	for _, v := range []struct {
		arg intents.Arg
		val string
	}{{intents.ArgUser, in.User}, {intents.ArgGroup, in.Group}, {intents.ArgApp, in.App}, {intents.ArgPolicy, in.Policy}, {intents.ArgRule, in.Rule}, {intents.ArgID, in.ID}} {
		if v.val != "" && !strings.Contains(low, strings.ToLower(v.val)) {
			return intents.Intent{}, intents.Invalid("the %s %q is not in the request", v.arg, intents.Excerpt(v.val))
		}
	}
	sc := newScan(plain, now)
	if in.Kind.IsAction() && !sc.explicitAction(in.Kind) {
		return intents.Intent{}, intents.Invalid("%s changes Okta, and the request does not ask for it with an explicit verb", in.Kind)
	}
	if in.Window == 0 && !in.Bounded() && in.Kind.Info().Accepts(intents.ArgWindow) && sc.hasWin && sc.win.err == nil {
		if w, err := sc.win.read(in.Kind, now); err == nil {
			in.Window, in.Since, in.Until = w.Window, w.Since, w.Until
		}
	}
	return in, nil
}

// verbKinds are the action kinds each change verb can make: the words the
// catalogue says ask for each action (KindInfo.Said), each read as its cue.
var verbKinds = func() map[cue][]intents.Kind {
	m := map[cue][]intents.Kind{}
	for _, info := range intents.Catalogue {
		for _, w := range info.Said {
			if c := wordCue(w); c.isVerb() {
				m[c] = append(m[c], info.Kind)
			}
		}
	}
	return m
}()

// explicitAction reports whether the text gives exactly one imperative
// change verb, and that verb can make k.
func (sc *scan) explicitAction(k intents.Kind) bool {
	if sc.has(cIf) {
		return false
	}
	found := 0
	makes := false
	for i, c := range sc.cue {
		if !c.isVerb() || sc.mood(i) != moodImperative {
			continue
		}
		if c == vClear && !sc.has(cSession, cToken, cMFA) {
			continue
		}
		found++
		makes = makes || slices.Contains(sc.idiomMakes(i), k)
	}
	return found == 1 && makes
}
