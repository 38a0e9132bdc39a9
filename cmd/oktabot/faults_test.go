package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/bot/slackfake"
)

// The approvals file locked by another oktabot when `oktabot run` starts:
// run stops at once with one line naming OKTABOT_DB and the cause, and
// starts normally once the other process lets go. (bbolt's lock is flock
// on an open file, so a second Open in this process meets it exactly as
// another process would.)
func TestRunRefusesLockedStore(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	db := vars["OKTABOT_DB"]
	other, err := approvals.Open(db, approvals.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("approvals.Open(%s) as the other process: %v", db, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _, err = runCmd(t, ctx, vars, "run")
	switch {
	case err == nil:
		t.Fatal("oktabot run started on an approvals file another process holds")
	case errors.Is(err, context.DeadlineExceeded):
		t.Fatalf("oktabot run waited for the lock instead of stopping: %v", err)
	case !errors.Is(err, approvals.ErrInUse):
		t.Errorf("oktabot run = %v, want approvals.ErrInUse", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "OKTABOT_DB "+db) || !strings.Contains(msg, "in use by another oktabot process") {
		t.Errorf("oktabot run = %q, want one line naming OKTABOT_DB %s and that another oktabot holds it", msg, db)
	}
	if fake.Connections() != 0 {
		t.Errorf("oktabot run opened %d Socket Mode connections before giving up", fake.Connections())
	}

	// The other process exits: the same command starts.
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	startRun(t, fake, vars)
}
