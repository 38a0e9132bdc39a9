package main

import (
	"strings"
	"testing"
)

// OKTABOT_CHARTS turns the bot's charts off with false, is on by default,
// and refuses what is not a boolean with a line naming it.
func TestChartsVariable(t *testing.T) {
	settings := settingsOf(t)
	for _, tc := range []struct {
		value string
		want  bool
	}{{"", true}, {"true", true}, {"false", false}, {"0", false}, {" FALSE ", false}} {
		cfg, err := settings(map[string]string{"OKTABOT_CHARTS": tc.value})
		if err != nil {
			t.Fatalf("OKTABOT_CHARTS=%q: %v", tc.value, err)
		}
		if cfg.Charts != tc.want {
			t.Errorf("OKTABOT_CHARTS=%q: the bot's Charts = %v, want %v", tc.value, cfg.Charts, tc.want)
		}
	}
	_, err := settings(map[string]string{"OKTABOT_CHARTS": "sometimes"})
	if err == nil || !strings.Contains(err.Error(), `OKTABOT_CHARTS "sometimes": use true or false`) {
		t.Errorf("OKTABOT_CHARTS=sometimes: %v, want a line naming the variable and its values", err)
	}
}
