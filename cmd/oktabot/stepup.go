package main

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

// OKTABOT_STEP_UP: the actions whose approval the approver confirms in
// their own Okta Verify before oktabot runs them (bot/stepup.go). Unset:
// the catalogue's default (intents.DefaultStepUp), which adds group
// membership changes when OKTABOT_ALLOW_ADMIN_TARGETS lets oktabot change
// groups that grant admin roles. "all": every action; "none": no step-up.

var _ bot.Verifier = (*okta.Client)(nil)

// stepUpConfig is which actions step up.
type stepUpConfig struct {
	// Kinds are the actions that step up, in catalogue order; empty: none.
	Kinds []intents.Kind
}

// loadStepUp reads OKTABOT_STEP_UP (and OKTABOT_ALLOW_ADMIN_TARGETS for
// the default, whose own problems loadOkta reports).
func loadStepUp(e env) (stepUpConfig, error) {
	s := e.get("OKTABOT_STEP_UP")
	switch strings.ToLower(s) {
	case "":
		admins, _ := loadAllowAdmins(e)
		return stepUpConfig{Kinds: intents.DefaultStepUp(admins)}, nil
	case "none":
		return stepUpConfig{}, nil
	case "all":
		var all []intents.Kind
		for _, k := range intents.Catalogue {
			if k.Action {
				all = append(all, k.Kind)
			}
		}
		return stepUpConfig{Kinds: all}, nil
	}
	var p problems
	want := map[intents.Kind]bool{}
	for _, name := range list(s) {
		k := intents.Kind(strings.ReplaceAll(strings.ToLower(name), "-", "_"))
		if !k.IsAction() {
			p.add(badf("OKTABOT_STEP_UP: %q is not an action: write all, none, or action names separated by commas, e.g. deactivate_user,reset_factors,deactivate_policy (the actions: %s)", name, strings.Join(actionNames(), ", ")))
			continue
		}
		want[k] = true
	}
	if err := p.err(); err != nil {
		return stepUpConfig{}, err
	}
	var c stepUpConfig
	for _, k := range intents.Catalogue {
		if want[k.Kind] {
			c.Kinds = append(c.Kinds, k.Kind)
		}
	}
	return c, nil
}

// actionNames are the catalogue's actions.
func actionNames() []string {
	var out []string
	for _, k := range intents.Catalogue {
		if k.Action {
			out = append(out, string(k.Kind))
		}
	}
	return out
}

// stepsUp is the bot's Config.StepUp; nil when nothing steps up.
func (c stepUpConfig) stepsUp() func(intents.Kind) bool {
	if len(c.Kinds) == 0 {
		return nil
	}
	kinds := slices.Clone(c.Kinds)
	return func(k intents.Kind) bool { return slices.Contains(kinds, k) }
}
