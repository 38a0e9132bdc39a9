package approvals_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

func ids(ps []intents.Proposal) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestExpireDue(t *testing.T) {
	ts := MustOpen(t) // TTL 1h
	a := ts.MustCreate(suspendUser(1))
	ts.Clock.Advance(10 * time.Minute)
	b := ts.MustCreate(suspendUser(2))
	ts.Clock.Advance(10 * time.Minute)
	c := ts.MustCreate(suspendUser(3))
	decided := reach(t, ts, intents.StateApproved)

	pending, err := ts.Pending()
	if err != nil {
		t.Fatalf("Pending() = %v", err)
	}
	if diff := cmp.Diff([]string{a.ID, b.ID, c.ID}, ids(pending)); diff != "" {
		t.Errorf("Pending() oldest first (-want +got):\n%s", diff)
	}

	ts.Clock.Advance(55 * time.Minute) // t0+75m: a and b are due, c (t0+80m) is not
	// Pending already leaves out the due ones, before any sweep.
	pending, err = ts.Pending()
	if err != nil {
		t.Fatalf("Pending() = %v", err)
	}
	if diff := cmp.Diff([]string{c.ID}, ids(pending)); diff != "" {
		t.Errorf("Pending() after a and b are due (-want +got):\n%s", diff)
	}

	got, err := ts.ExpireDue(ts.Clock.Now())
	if err != nil {
		t.Fatalf("ExpireDue() = %v", err)
	}
	if diff := cmp.Diff([]string{a.ID, b.ID}, ids(got)); diff != "" {
		t.Errorf("ExpireDue() (-want +got):\n%s", diff)
	}
	for _, p := range got {
		if p.State != intents.StateExpired || !p.Updated.Equal(t0.Add(75*time.Minute)) {
			t.Errorf("ExpireDue() returned %s {State: %s, Updated: %s}, want expired at t0+75m", p.ID, p.State, p.Updated)
		}
		ts.MustState(p.ID, intents.StateExpired)
		if diff := cmp.Diff([]string{"requested", "expired"}, ts.Events(p.ID)); diff != "" {
			t.Errorf("History(%s) (-want +got):\n%s", p.ID, diff)
		}
	}
	ts.MustState(c.ID, intents.StatePending)
	ts.MustState(decided, intents.StateApproved)

	// Nothing is expired twice.
	if again, err := ts.ExpireDue(ts.Clock.Now()); err != nil || len(again) != 0 {
		t.Errorf("second ExpireDue() = %v, %v; want none", ids(again), err)
	}
}

func TestSweep(t *testing.T) {
	ts := MustOpen(t)
	p := ts.MustCreate(suspendJohn())

	ctx, cancel := context.WithCancel(context.Background())
	expired := make(chan intents.Proposal, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.Sweep(ctx, time.Millisecond, func(p intents.Proposal) { expired <- p })
	}()
	ts.Clock.Advance(2 * time.Hour)
	select {
	case got := <-expired:
		if got.ID != p.ID || got.State != intents.StateExpired {
			t.Errorf("Sweep called onExpired(%s in %s), want %s expired", got.ID, got.State, p.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sweep did not expire the proposal")
	}
	cancel()
	<-done
	ts.MustState(p.ID, intents.StateExpired)
}

func TestSweepStopsWhenClosed(t *testing.T) {
	ts := MustOpen(t)
	s := ts.Store
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Sweep(context.Background(), time.Millisecond, nil)
	}()
	ts.Close()
	<-done // a Sweep that never stopped would time the test out
}

func TestPendingSkipsDecided(t *testing.T) {
	ts := MustOpen(t)
	for _, s := range []intents.State{intents.StateApproved, intents.StateRejected, intents.StateExecuted, intents.StateExpired} {
		reach(t, ts, s)
	}
	// reach(expired) moved the clock; this one is fresh.
	fresh := ts.MustCreate(suspendJohn())
	got, err := ts.Pending()
	if err != nil {
		t.Fatalf("Pending() = %v", err)
	}
	if diff := cmp.Diff([]string{fresh.ID}, ids(got)); diff != "" {
		t.Errorf("Pending() (-want +got):\n%s", diff)
	}
}
