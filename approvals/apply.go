package approvals

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Operations that read a proposal, apply the state machine and write it
// back, shared by every store through Tx and Updater.

// Tx is one atomic transaction of a store, as the shared operations use
// it.
type Tx interface {
	// Load reads one proposal; an unknown id wraps intents.ErrNotFound.
	Load(id string) (intents.Proposal, error)
	// Save writes p and moves it between the store's indexes as its state
	// changed from prev ("" for a new proposal).
	Save(p *intents.Proposal, prev intents.State) error
	// Audit appends rec to the audit chain.
	Audit(rec intents.AuditRecord) error
	// PendingSame finds the pending proposal, not past its time at now,
	// that makes the same change as a (ok false: none).
	PendingSame(a intents.Action, now time.Time) (p intents.Proposal, ok bool, err error)
}

// Updater runs fn in one atomic transaction, which either commits every
// write fn made or none. It may run fn again (etcd does when another
// writer got there first), so fn must reset what it reports.
type Updater func(fn func(Tx) error) error

// Commit saves p, whose state was prev, and appends its audit records:
// the end of every transition.
func Commit(t Tx, p *intents.Proposal, prev intents.State, recs ...intents.AuditRecord) error {
	if err := t.Save(p, prev); err != nil {
		return err
	}
	for _, rec := range recs {
		if err := t.Audit(rec); err != nil {
			return err
		}
	}
	return nil
}

// Transition changes one proposal in one transaction: it loads id, lets
// step check the proposal and change it (step's error changes nothing),
// and commits it with the audit record step returns. It returns the
// proposal as it now stands; an error says "approvals: op id: …".
func Transition(update Updater, now func() time.Time, op, id string, step func(p *intents.Proposal, now time.Time) (intents.AuditRecord, error)) (intents.Proposal, error) {
	id = CanonicalID(id)
	var p intents.Proposal
	err := update(func(t Tx) error {
		var err error
		if p, err = t.Load(id); err != nil {
			return err
		}
		prev := p.State
		rec, err := step(&p, now())
		if err != nil {
			return err
		}
		return Commit(t, &p, prev, rec)
	})
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: %s %s: %w", op, id, err)
	}
	return p, nil
}

// GetIn is Store.Get on any store, view running fn in one read
// transaction.
func GetIn(view Updater, id string) (intents.Proposal, error) {
	id = CanonicalID(id)
	var p intents.Proposal
	err := view(func(t Tx) (err error) {
		p, err = t.Load(id)
		return err
	})
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: get %s: %w", id, err)
	}
	return p, nil
}

// DecideIn is Store.Decide on any store: one transaction that loads the
// proposal, applies d (ApplyDecision) and writes the result; a refusal
// that changes no proposal writes only its "refused" record.
func DecideIn(update Updater, now func() time.Time, log *slog.Logger, d Decision, pol Policy) (intents.Proposal, error) {
	id := CanonicalID(d.ProposalID)
	var (
		p       intents.Proposal
		refusal error
	)
	err := update(func(t Tx) error {
		var err error
		if p, err = t.Load(id); err != nil {
			return err
		}
		prev := p.State
		var recs []intents.AuditRecord
		recs, refusal = ApplyDecision(&p, d, pol, now())
		if refusal != nil && p.State == prev {
			// Only the refusal's record: the proposal stays as it was.
			return t.Audit(recs[0])
		}
		return Commit(t, &p, prev, recs...)
	})
	switch {
	case err != nil && errors.Is(err, intents.ErrNotFound):
		return intents.Proposal{}, fmt.Errorf("approvals: decide %s: %w", id, err)
	case err != nil && refusal != nil:
		// The refusal stands; only its audit record (and an expiry) was lost.
		log.Error("approvals: refused decision not audited", "proposal", id, "by", d.By, "refusal", refusal, "err", err)
		return intents.Proposal{}, fmt.Errorf("approvals: decide %s: %w", id, refusal)
	case err != nil:
		return intents.Proposal{}, fmt.Errorf("approvals: decide %s: %w", id, err)
	case refusal != nil:
		return p, fmt.Errorf("approvals: decide %s: %w", id, refusal)
	}
	return p, nil
}

// SetGroupMessageIn is Store.SetGroupMessage on any store: in one
// transaction, all of ids or, when one is unknown, none.
func SetGroupMessageIn(update Updater, ids []string, channel, ts string) error {
	canon := make([]string, len(ids))
	for i, id := range ids {
		canon[i] = CanonicalID(id)
	}
	var group []string
	if len(canon) > 1 {
		group = canon
	}
	err := update(func(t Tx) error {
		for _, id := range canon {
			p, err := t.Load(id)
			if err != nil {
				return err
			}
			p.Channel, p.MessageTS, p.Group = channel, ts, slices.Clone(group)
			if err := t.Save(&p, p.State); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("approvals: set message of %s: %w", strings.Join(canon, ", "), err)
	}
	return nil
}
