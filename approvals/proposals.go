package approvals

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// idAlphabet is base32 without the confusable 0, 1, I and O (L stays: with
// 1 and I gone nothing looks like it).
const (
	idAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	idPrefix   = "p-"
	idLen      = 6 // 30 random bits
)

// NewID returns a new proposal id: "p-" and six random characters from
// crypto/rand. The store checks it is free.
func NewID() string { return randomID(idPrefix) }

// randomID returns prefix and six random characters from crypto/rand
// (incidents and suppressions have their own prefixes).
func randomID(prefix string) string {
	var b [idLen]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	out := make([]byte, 0, len(prefix)+idLen)
	out = append(out, prefix...)
	for _, c := range b {
		out = append(out, idAlphabet[c&31]) // 256 is a multiple of 32: unbiased
	}
	return string(out)
}

// CanonicalID is an id as stored, from one as a person types it (see
// canonicalID).
func CanonicalID(id string) string { return canonicalID(id) }

// canonicalID accepts an id as a person types it: any case, spaces around.
// It knows the proposals' prefix and those of incidents and suppressions.
func canonicalID(id string) string {
	id = strings.TrimSpace(id)
	for _, prefix := range []string{idPrefix, incidentPrefix, suppressionPrefix} {
		if len(id) > len(prefix) && strings.EqualFold(id[:len(prefix)], prefix) {
			return prefix + strings.ToUpper(id[len(prefix):])
		}
	}
	return id
}

// Create stores p as a new pending proposal and returns it as stored: with
// a fresh unguessable id ("p-7Q2MXK"), Created now, Expires after the TTL,
// and an audit record "requested". Of p it keeps Preview, Requester,
// Channel, MessageTS, ThreadTS and UndoOf; it needs a Requester and an
// action kind (errors wrap intents.ErrInvalid).
//
// When a proposal for the same action on the same target (sameAction) is
// pending, nothing is stored: Create returns that proposal and a
// *StateError wrapping intents.ErrAlreadyPending. The check and the insert
// are one transaction, so of concurrent identical requests one wins.
func (s *Store) Create(p intents.Proposal) (intents.Proposal, error) {
	now := s.now()
	out, err := NewPending(p, now, s.ttl)
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: create: %w", err)
	}
	var dup intents.Proposal
	err = s.update(func(t *txn) error {
		old, found, err := t.pendingSame(out.Preview.Action, now)
		if err != nil || found {
			dup = old
			return err
		}
		return t.create(&out)
	})
	if err == nil && dup.ID != "" {
		return dup, stateError(intents.ErrAlreadyPending, dup)
	}
	if err != nil {
		return intents.Proposal{}, fmt.Errorf("approvals: create %s for %s: %w", out.Preview.Action.Kind, out.Requester, err)
	}
	return out, nil
}

// create gives p a free id and stores it with its "requested" record.
func (t *txn) create(p *intents.Proposal) error {
	for range 20 {
		if p.ID = NewID(); !t.exists(p.ID) {
			break
		}
	}
	if t.exists(p.ID) {
		return errors.New("no free id")
	}
	return t.commit(p, "", Requested(*p))
}

// Get returns one proposal; an unknown id wraps intents.ErrNotFound. The id
// may be typed in any case.
func (s *Store) Get(id string) (intents.Proposal, error) {
	return GetIn(func(fn func(Tx) error) error {
		return s.view(func(t *txn) error { return t.archivedErr(CanonicalID(id), fn(t)) }) // archive.go
	}, id)
}

// SetMessage records where the proposal's message lives, so that later
// transitions can update it and Decide can check where a click came from.
func (s *Store) SetMessage(id, channel, ts string) error {
	return s.SetGroupMessage([]string{id}, channel, ts)
}

// SetGroupMessage records that the proposals ids share one message, in
// that order, so that a transition of any of them redraws them all. It
// changes all of them or, when one is unknown, none.
func (s *Store) SetGroupMessage(ids []string, channel, ts string) error {
	return SetGroupMessageIn(s.updater, ids, channel, ts)
}

// Pending returns the proposals waiting for a decision, oldest first. It
// reads only the pending index, however many proposals were ever made, and
// leaves out those past Expires (ExpireDue moves them to expired).
func (s *Store) Pending() ([]intents.Proposal, error) {
	now := s.now()
	var out []intents.Proposal
	err := s.view(func(t *txn) error {
		c := t.pending.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !now.Before(bytesTime(v)) {
				continue
			}
			p, err := t.load(pendingID(k))
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: pending: %w", err)
	}
	return out, nil
}

// Approved returns the proposals approved but not yet begun, in id order:
// after a restart, those whose execution never started. Running them is the
// caller's choice, through BeginExecute.
func (s *Store) Approved() ([]intents.Proposal, error) {
	var out []intents.Proposal
	err := s.view(func(t *txn) error {
		return t.active.ForEach(func(k, v []byte) error {
			if intents.State(v) != intents.StateApproved {
				return nil
			}
			p, err := t.load(string(k))
			if err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: approved: %w", err)
	}
	return out, nil
}

// expired reports whether p's time is up at now.
func expired(p intents.Proposal, now time.Time) bool {
	return !now.Before(p.Expires)
}
