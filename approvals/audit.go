package approvals

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Audit events: intents.AuditRecord.Event is one of these.
const (
	EventRequested = "requested"
	EventApproved  = "approved"
	EventRejected  = "rejected"
	EventExpired   = "expired"
	EventExecuting = "executing"
	EventExecuted  = "executed"
	EventFailed    = "failed"
	EventUnknown   = "unknown"
	EventRefused   = "refused"

	// Incidents and suppressions (incidents.go): ProposalID holds the
	// incident's or the suppression's id, Approver who pressed the button,
	// Target the subject ("user john@company.com", "IP 1.2.3.4") and
	// Detail the rest (the detection, until when, why).
	EventAcknowledged = "acknowledged"
	EventClosed       = "closed"
	EventSuppressed   = "suppressed"
	EventUnsuppressed = "unsuppressed"
)

// record starts an audit record about p.
func record(p intents.Proposal, event string, at time.Time) intents.AuditRecord {
	return intents.AuditRecord{
		At:         at,
		ProposalID: p.ID,
		Event:      event,
		Requester:  p.Requester,
		Action:     p.Preview.Action.Kind,
		Target:     target(p.Preview.Action),
	}
}

// target names an action's objects: "user john@company.com (00u1)".
func target(a intents.Action) string {
	var parts []string
	for _, r := range a.Targets() {
		parts = append(parts, refName(r))
	}
	return strings.Join(parts, ", ")
}

// refName names one object: its type, name and id, as far as known.
func refName(r intents.Ref) string {
	switch {
	case r.Name != "" && r.ID != "":
		return fmt.Sprintf("%s %s (%s)", r.Type, r.Name, r.ID)
	case r.Name != "":
		return r.Type + " " + r.Name
	}
	return r.Type + " " + r.ID
}

// auditBatch is how many records Audit reads per read transaction, so that
// fn never runs while a transaction is held for long.
const auditBatch = 256

// Audit calls fn with every audit record in order, oldest first, and stops
// at fn's first error, which it returns. Records are read in batches, each
// in its own read transaction, so fn may call the store. Records written
// while Audit runs are included. The log is append-only: there is no way to
// edit or delete a record.
func (s *Store) Audit(fn func(intents.AuditRecord) error) error {
	next := uint64(1)
	for {
		var batch []intents.AuditRecord
		err := s.view(func(t *txn) error {
			c := t.audits.Cursor()
			for k, v := c.Seek(seqBytes(next)); k != nil && len(batch) < auditBatch; k, v = c.Next() {
				var rec intents.AuditRecord
				if err := json.Unmarshal(v, &rec); err != nil {
					return fmt.Errorf("%w: audit record %x: %v", ErrCorrupt, k, err)
				}
				batch = append(batch, rec)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("approvals: audit: %w", err)
		}
		for _, rec := range batch {
			if err := fn(rec); err != nil {
				return err
			}
		}
		if len(batch) < auditBatch {
			return nil
		}
		next = batch[len(batch)-1].Seq + 1
	}
}

// History returns one proposal's audit records, oldest first: its request,
// refused clicks, decision, execution and result; given an incident's or a
// suppression's id, its acknowledgement and closing, or its making and
// removal. An id with no records (unknown or never stored) gives an empty
// list.
func (s *Store) History(id string) ([]intents.AuditRecord, error) {
	id = canonicalID(id)
	var out []intents.AuditRecord
	err := s.view(func(t *txn) error {
		prefix := historyPrefix(id)
		c := t.history.Cursor()
		for k, _ := c.Seek(prefix); hasPrefix(k, prefix); k, _ = c.Next() {
			v := t.audits.Get(seqBytes(historySeq(k)))
			if v == nil {
				return fmt.Errorf("%w: audit record %d of %s is missing", ErrCorrupt, historySeq(k), id)
			}
			var rec intents.AuditRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("%w: audit record %d: %v", ErrCorrupt, historySeq(k), err)
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: history %s: %w", id, err)
	}
	return out, nil
}
