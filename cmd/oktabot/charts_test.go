package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/okta"
)

// OKTABOT_CHARTS turns the bot's charts off with false, is on by default,
// and refuses what is not a boolean with a line naming it.
func TestChartsVariable(t *testing.T) {
	log := newLogger(io.Discard, env(func(string) string { return "" }))
	sim, err := startSim(nil, "", log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir, err := okta.New(sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	store, err := approvals.Open(filepath.Join(t.TempDir(), "oktabot.db"), approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for _, tc := range []struct {
		value string
		want  bool
	}{{"", true}, {"true", true}, {"false", false}, {"0", false}, {" FALSE ", false}} {
		bc, err := loadBot(mapEnv(map[string]string{"OKTABOT_CHARTS": tc.value}))
		if err != nil {
			t.Fatalf("OKTABOT_CHARTS=%q: %v", tc.value, err)
		}
		if got := botSettings(bc, store, dir, log).Charts; got != tc.want {
			t.Errorf("OKTABOT_CHARTS=%q: the bot's Charts = %v, want %v", tc.value, got, tc.want)
		}
	}
	_, err = loadBot(mapEnv(map[string]string{"OKTABOT_CHARTS": "sometimes"}))
	if err == nil || !strings.Contains(err.Error(), `OKTABOT_CHARTS "sometimes": use true or false`) {
		t.Errorf("OKTABOT_CHARTS=sometimes: %v, want a line naming the variable and its values", err)
	}
}
