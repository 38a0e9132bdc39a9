package approvals_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// TestConcurrentClicks has 50 goroutines, as 50 approvers clicking at once,
// each call Decide(approve) and then BeginExecute on one proposal: exactly
// one decision and exactly one BeginExecute succeed.
func TestConcurrentClicks(t *testing.T) {
	const n = 50
	ts := MustOpen(t)
	id := ts.MustCreate(suspendJohn()).ID
	pol := approvals.Policy{IsApprover: func(string) bool { return true }, HasScope: func(string) bool { return true }}

	var (
		start              = make(chan struct{})
		wg                 sync.WaitGroup
		decideErr, beginEr = make([]error, n), make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			_, decideErr[i] = ts.Decide(approve(id, fmt.Sprintf("U%02d", i)), pol)
			_, beginEr[i] = ts.BeginExecute(id)
		})
	}
	close(start)
	wg.Wait()

	var decided, began int
	for i := range n {
		switch {
		case decideErr[i] == nil:
			decided++
		case !errors.Is(decideErr[i], intents.ErrDecided):
			t.Errorf("goroutine %d: Decide() = %v, want nil or ErrDecided", i, decideErr[i])
		}
		switch {
		case beginEr[i] == nil:
			began++
		case !errors.Is(beginEr[i], intents.ErrStarted):
			t.Errorf("goroutine %d: BeginExecute() = %v, want nil or ErrStarted", i, beginEr[i])
		}
	}
	if decided != 1 || began != 1 {
		t.Errorf("%d Decide and %d BeginExecute calls succeeded, want exactly 1 each", decided, began)
	}
	ts.MustState(id, intents.StateExecuting)
	if rep, err := ts.Verify(); err != nil || rep.Break != nil {
		t.Errorf("Verify() after concurrent clicks = %v, %v; want the audit chain intact", rep.Break, err)
	}
	events := ts.Events(id)
	for event, want := range map[string]int{"requested": 1, "approved": 1, "refused": n - 1, "executing": 1} {
		if got := count(events, event); got != want {
			t.Errorf("History() has %d %q records, want %d", got, event, want)
		}
	}
}
