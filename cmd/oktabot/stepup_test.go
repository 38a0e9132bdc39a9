package main

import (
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// OKTABOT_STEP_UP reaches the bot: unset is the catalogue's default (with
// membership changes only when admin targets are allowed), all and none
// say what they say, a list names actions; anything else is refused with
// a line saying what to write. The bot's Verifier is the Okta adapter.
func TestStepUpVariable(t *testing.T) {
	settings := settingsOf(t)
	for _, tc := range []struct {
		name      string
		vars      map[string]string
		up, notUp []intents.Kind
	}{
		{"default", map[string]string{}, []intents.Kind{intents.DeactivateUser, intents.ResetFactors, intents.DeactivatePolicy, intents.CreateUser}, []intents.Kind{intents.SuspendUser, intents.AddGroupMember}},
		{"default with admin targets", map[string]string{"OKTABOT_ALLOW_ADMIN_TARGETS": "true"}, []intents.Kind{intents.AddGroupMember, intents.RemoveGroupMember}, []intents.Kind{intents.SuspendUser}},
		{"all", map[string]string{"OKTABOT_STEP_UP": "all"}, []intents.Kind{intents.SuspendUser, intents.ClearSessions}, nil},
		{"list", map[string]string{"OKTABOT_STEP_UP": "suspend_user, reset-factors"}, []intents.Kind{intents.SuspendUser, intents.ResetFactors}, []intents.Kind{intents.DeactivateUser}},
	} {
		cfg, err := settings(tc.vars)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.StepUp == nil || cfg.Verifier == nil {
			t.Fatalf("%s: StepUp %v, Verifier %v; want both set", tc.name, cfg.StepUp != nil, cfg.Verifier)
		}
		for _, k := range tc.up {
			if !cfg.StepUp(k) {
				t.Errorf("%s: %s does not step up", tc.name, k)
			}
		}
		for _, k := range tc.notUp {
			if cfg.StepUp(k) {
				t.Errorf("%s: %s steps up", tc.name, k)
			}
		}
	}
	if cfg, err := settings(map[string]string{"OKTABOT_STEP_UP": "NONE"}); err != nil || cfg.StepUp != nil {
		t.Errorf("OKTABOT_STEP_UP=NONE: StepUp set %v, %v; want none", cfg.StepUp != nil, err)
	}
	for _, bad := range []string{"bogus", "list_users", "deactivate_user,,everything"} {
		_, err := settings(map[string]string{"OKTABOT_STEP_UP": bad})
		if err == nil || !strings.Contains(err.Error(), "OKTABOT_STEP_UP: ") || !strings.Contains(err.Error(), "is not an action: write all, none, or action names") {
			t.Errorf("OKTABOT_STEP_UP=%q: %v, want a line naming the variable and what to write", bad, err)
		}
	}
}
