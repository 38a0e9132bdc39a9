package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Create stores p as a new pending proposal, as approvals.Store.Create
// does: when a proposal for the same change is pending it stores nothing
// and returns that one with a *StateError wrapping
// intents.ErrAlreadyPending. The check and the insert are one Txn, so of
// concurrent identical requests, from any process, one wins.
func (s *Store) Create(p intents.Proposal) (intents.Proposal, error) {
	now := s.now()
	out, err := approvals.NewPending(p, now, s.ttl)
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: create: %w", err)
	}
	var created, dup intents.Proposal
	err = s.update(func(t *txn) error {
		created, dup = intents.Proposal{}, intents.Proposal{}
		old, found, err := t.pendingSame(out.Preview.Action, now)
		if err != nil || found {
			dup = old
			return err
		}
		q := out
		for range 20 {
			q.ID = approvals.NewID()
			data, err := t.get(s.proposalKey(q.ID))
			if err != nil {
				return err
			}
			if data == nil {
				created = q
				return approvals.Commit(t, &created, "", approvals.Requested(created))
			}
		}
		return errors.New("no free id")
	})
	if err == nil && dup.ID != "" {
		return dup, &intents.StateError{Err: intents.ErrAlreadyPending, ID: dup.ID, State: dup.State, By: dup.DecidedBy, At: dup.DecidedAt}
	}
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: create %s for %s: %w", out.Preview.Action.Kind, out.Requester, err)
	}
	return created, nil
}

// pendingSame returns the pending, unexpired proposal that makes the same
// change as a, if any.
func (t *txn) pendingSame(a intents.Action, now time.Time) (intents.Proposal, bool, error) {
	id, err := t.get(t.s.sameKey(a))
	if err != nil || id == nil {
		return intents.Proposal{}, false, err
	}
	p, err := t.Load(string(id))
	if err != nil {
		return intents.Proposal{}, false, err
	}
	if !approvals.BlocksSame(p, now) {
		return intents.Proposal{}, false, nil
	}
	return p, true, nil
}

// Get returns one proposal; an unknown id wraps intents.ErrNotFound, and
// one Archive moved out also approvals.ErrArchived.
func (s *Store) Get(id string) (intents.Proposal, error) {
	return approvals.GetIn(func(fn func(approvals.Tx) error) error {
		return s.view(0, func(t *txn) error { return t.archivedErr(approvals.CanonicalID(id), fn(t)) }) // archive.go
	}, id)
}

// SetMessage records where the proposal's message lives.
func (s *Store) SetMessage(id, channel, ts string) error {
	return s.SetGroupMessage([]string{id}, channel, ts)
}

// SetGroupMessage records that the proposals ids share one message, in
// that order; all of them or, when one is unknown, none.
func (s *Store) SetGroupMessage(ids []string, channel, ts string) error {
	return approvals.SetGroupMessageIn(s.updater, ids, channel, ts)
}

// Pending returns the proposals waiting for a decision, oldest first,
// leaving out those past Expires. It reads only the pending index.
func (s *Store) Pending() ([]intents.Proposal, error) {
	now := s.now()
	out, err := s.indexed(s.pendingPrefix(), func(v []byte) bool {
		expires, err := strconv.ParseInt(string(v), 10, 64)
		return err == nil && now.Before(time.Unix(0, expires))
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: pending: %w", err)
	}
	return out, nil
}

// Approved returns the proposals approved but not yet begun, in id order.
func (s *Store) Approved() ([]intents.Proposal, error) {
	out, err := s.indexed(s.activePrefix(), func(v []byte) bool {
		st, _, _ := activeEntry(v)
		return st == intents.StateApproved
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: approved: %w", err)
	}
	return out, nil
}

// indexed loads the proposals of the index under prefix (whose keys end
// in the id) whose index value keep accepts, in key order.
func (s *Store) indexed(prefix string, keep func(v []byte) bool) ([]intents.Proposal, error) {
	keys, vals, rev, err := s.scan(prefix)
	if err != nil {
		return nil, err
	}
	var out []intents.Proposal
	err = s.view(rev, func(t *txn) error {
		for i, k := range keys {
			if !keep(vals[i]) {
				continue
			}
			p, err := t.Load(lastPart(k))
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Decide approves or rejects a pending proposal in one Txn that re-checks
// everything approvals.Store.Decide does (approvals.ApplyDecision). A
// refusal writes a "refused" audit record, only if the proposal did not
// change meanwhile, and changes no proposal.
func (s *Store) Decide(d approvals.Decision, pol approvals.Policy) (intents.Proposal, error) {
	return approvals.DecideIn(s.updater, s.now, s.log, d, pol)
}

// BeginExecute is the exactly-once gate (approvals.ApplyBegin) in one Txn
// that compares the proposal's mod revision: of any number of concurrent
// callers, in any number of processes, exactly one moves an approved
// proposal to executing. With Options.Replica the same Txn records this
// process as the executor (its liveness lease), and commits only while
// that lease stands (see RecoverGone).
func (s *Store) BeginExecute(id string) (intents.Proposal, error) {
	if s.replica != nil {
		return s.beginOn(s.replica, id)
	}
	return s.transition("begin", id, approvals.ApplyBegin)
}

// Finish records how an executing proposal's action ended
// (approvals.ApplyFinish).
func (s *Store) Finish(id string, out *intents.ActionOutcome, execErr error) (intents.Proposal, error) {
	return s.transition("finish", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		return approvals.ApplyFinish(p, out, execErr, now)
	})
}

// Execute runs an approved proposal's action exactly once
// (approvals.ExecuteOnce).
func (s *Store) Execute(ctx context.Context, id string, act func(context.Context, intents.Preview) (intents.ActionOutcome, error)) (intents.Proposal, error) {
	return approvals.ExecuteOnce(ctx, s, id, act)
}

// Withdraw expires a pending proposal now (approvals.ApplyWithdraw).
func (s *Store) Withdraw(id, why string) (intents.Proposal, error) {
	return s.transition("withdraw", id, func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error) {
		return approvals.ApplyWithdraw(p, why, now)
	})
}

// ExpireDue moves every pending proposal whose Expires is not after now to
// expired, each in its own Txn with its "expired" audit record, and
// returns those this call expired (oldest first): of two replicas
// sweeping at once, each proposal is expired by one.
func (s *Store) ExpireDue(now time.Time) ([]intents.Proposal, error) {
	now = now.UTC().Round(0)
	keys, vals, _, err := s.scan(s.pendingPrefix())
	if err != nil {
		return nil, fmt.Errorf("approvals: expire due: %w", err)
	}
	var out []intents.Proposal
	for i, k := range keys {
		expires, err := strconv.ParseInt(string(vals[i]), 10, 64)
		if err == nil && now.Before(time.Unix(0, expires)) {
			continue
		}
		p, moved, err := s.moveIf(lastPart(k), func(_ *txn, p *intents.Proposal) (intents.AuditRecord, bool, error) {
			if !approvals.Due(*p, now) {
				return intents.AuditRecord{}, false, nil
			}
			return approvals.ApplyExpire(p, now), true, nil
		})
		if err != nil {
			return out, fmt.Errorf("approvals: expire due: %w", err)
		}
		if moved {
			out = append(out, p)
		}
	}
	return out, nil
}

// moveIf loads id and, in the same Txn, lets step change it; step says
// whether it applies (false: the proposal is left as it is).
func (s *Store) moveIf(id string, step func(t *txn, p *intents.Proposal) (intents.AuditRecord, bool, error)) (intents.Proposal, bool, error) {
	var (
		p     intents.Proposal
		moved bool
	)
	err := s.update(func(t *txn) error {
		var err error
		if p, err = t.Load(id); err != nil {
			return err
		}
		prev := p.State
		rec, ok, err := step(t, &p)
		if moved = ok; err != nil || !ok {
			return err
		}
		return approvals.Commit(t, &p, prev, rec)
	})
	return p, moved, err
}

// Sweep runs ExpireDue with the store's clock at once and then every
// period until ctx ends or the store is closed (approvals.SweepEvery).
func (s *Store) Sweep(ctx context.Context, every time.Duration, onExpired func(intents.Proposal)) {
	approvals.SweepEvery(ctx, every, func() ([]intents.Proposal, error) { return s.ExpireDue(s.now()) }, s.log, onExpired)
}

// Recover moves to unknown (approvals.ApplyUnknown) every executing
// proposal whose executor is gone, each in its own Txn with its "unknown"
// audit record, and returns those it moved in id order: a person checks
// them in Okta; they are never re-run. Gone means either that the
// proposal records an executor whose liveness lease is gone, as
// RecoverGone finds, or that it records none: begun by a store without
// Options.Replica, or before executors were recorded. For those, nothing
// tells a crash from a replica still running them, so call Recover only
// when no process can still be running them: with one replica, at
// start-up, as the bbolt store does when opened; with several, when a
// term begins after one whose lease lapsed (Term.Lapsed), and otherwise
// RecoverGone. A proposal whose executor is alive is left executing
// either way.
//
// Recover also moves every verifying proposal (waiting for its approver's
// Okta Verify) whose replica is gone, or that records none, back to
// pending, or to expired, with its interrupted verification audited; those
// are returned after the unknown ones.
func (s *Store) Recover() ([]intents.Proposal, error) {
	return s.recover(true)
}

// moveActive runs step (see moveIf) on every proposal the active index
// lists in state, each in its own Txn, and returns those it moved.
func (s *Store) moveActive(state intents.State, step func(t *txn, p *intents.Proposal) (intents.AuditRecord, bool, error)) ([]intents.Proposal, error) {
	keys, vals, _, err := s.scan(s.activePrefix())
	if err != nil {
		return nil, err
	}
	var out []intents.Proposal
	for i, k := range keys {
		if st, _, _ := activeEntry(vals[i]); st != state {
			continue
		}
		p, moved, err := s.moveIf(lastPart(k), step)
		if err != nil {
			return out, err
		}
		if moved {
			out = append(out, p)
		}
	}
	return out, nil
}

// ReofferApproved moves every proposal approved before before and never
// begun back to pending, or to expired (approvals.ApplyReoffer), each in
// its own Txn, and returns those it moved in id order.
func (s *Store) ReofferApproved(before time.Time) ([]intents.Proposal, error) {
	out, err := s.moveActive(intents.StateApproved, func(t *txn, p *intents.Proposal) (intents.AuditRecord, bool, error) {
		if p.State != intents.StateApproved || !p.DecidedAt.Before(before) {
			return intents.AuditRecord{}, false, nil
		}
		now := s.now()
		other, err := approvals.OtherPendingSame(t, *p, now)
		if err != nil {
			return intents.AuditRecord{}, false, err
		}
		return approvals.ApplyReoffer(p, other, now), true, nil
	})
	if err != nil {
		return out, fmt.Errorf("approvals: reoffer approved: %w", err)
	}
	return out, nil
}
