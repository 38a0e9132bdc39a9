package approvals_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/oktabot/oktabot/intents"
)

// Execute calls the action once however many callers race for it.
func TestExecuteRunsOnce(t *testing.T) {
	s := MustOpen(t)
	p := s.MustCreate(suspendJohn())
	if _, err := s.Decide(approve(p.ID, approver), policy()); err != nil {
		t.Fatalf("Decide: %v", err)
	}
	var calls atomic.Int32
	act := func(context.Context, intents.Preview) (intents.ActionOutcome, error) {
		calls.Add(1)
		return intents.ActionOutcome{Summary: "suspended", RequestID: "req-1"}, nil
	}
	var wg sync.WaitGroup
	var won atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Execute(context.Background(), p.ID, act); err == nil {
				won.Add(1)
			} else if !errors.Is(err, intents.ErrStarted) {
				t.Errorf("Execute loser: %v, want ErrStarted", err)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 || won.Load() != 1 {
		t.Fatalf("action ran %d times, %d callers won; want 1 and 1", calls.Load(), won.Load())
	}
	got, err := s.Get(p.ID)
	if err != nil || got.State != intents.StateExecuted || got.Outcome == nil || got.Outcome.RequestID != "req-1" {
		t.Fatalf("after Execute: %+v, %v", got, err)
	}
}

func TestExecuteRecordsFailure(t *testing.T) {
	s := MustOpen(t)
	p := s.MustCreate(suspendJohn())
	if _, err := s.Decide(approve(p.ID, approver), policy()); err != nil {
		t.Fatalf("Decide: %v", err)
	}
	boom := &intents.Error{Err: intents.ErrConflict, Detail: "already suspended", RequestID: "req-9"}
	got, err := s.Execute(context.Background(), p.ID, func(context.Context, intents.Preview) (intents.ActionOutcome, error) {
		return intents.ActionOutcome{}, boom
	})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if got.State != intents.StateFailed || got.Error == "" {
		t.Fatalf("after a failed action: state %s error %q, want failed with the error", got.State, got.Error)
	}
}
