package approvals

import (
	"context"
	"fmt"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// DefaultSweepEvery is Sweep's period when given none.
const DefaultSweepEvery = time.Minute

// ExpireDue moves every pending proposal whose Expires is not after now to
// expired, each with an "expired" audit record, in one transaction, and
// returns them (oldest first) so that the caller can update their messages.
// It reads only the pending index.
func (s *Store) ExpireDue(now time.Time) ([]intents.Proposal, error) {
	now = now.UTC().Round(0)
	var out []intents.Proposal
	err := s.update(func(t *txn) error {
		out = out[:0]
		var due []string
		c := t.pending.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !now.Before(bytesTime(v)) {
				due = append(due, pendingID(k))
			}
		}
		for _, id := range due {
			p, err := t.load(id)
			if err != nil {
				return err
			}
			if err := t.expire(&p, now); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: expire due: %w", err)
	}
	return out, nil
}

// expire moves pending p to expired with its audit record.
func (t *txn) expire(p *intents.Proposal, now time.Time) error {
	return t.commit(p, intents.StatePending, ApplyExpire(p, now))
}

// Sweep runs ExpireDue with the store's clock at once and then every
// period (DefaultSweepEvery if every <= 0) until ctx ends or the store is
// closed, calling onExpired (if not nil) for each proposal it expired.
// Errors are logged and the next tick tries again.
func (s *Store) Sweep(ctx context.Context, every time.Duration, onExpired func(intents.Proposal)) {
	SweepEvery(ctx, every, func() ([]intents.Proposal, error) { return s.ExpireDue(s.now()) }, s.log, onExpired)
}
