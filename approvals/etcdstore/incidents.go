package etcdstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// The watcher's incidents and suppressions on etcd: the rules are
// approvals.IncidentOps, shared with the bbolt store; this file gives
// them their etcd transactions (txn as an approvals.IncidentTx) and the
// listings.

func (s *Store) incidentKey(id string) string { return s.prefix + "incidents/" + id }

func (s *Store) newestKey(key string) string {
	return s.prefix + "incidentKeys/" + url.PathEscape(key)
}

func (s *Store) openPrefix() string { return s.prefix + "incidentOpen/" }

func (s *Store) outboxPrefix() string { return s.prefix + "incidentOutbox/" }

func (s *Store) suppressionsPrefix() string { return s.prefix + "suppressions/" }

// incidents is the shared incident operations on this store; CommitWatch
// carries the fence set by SetFence.
func (s *Store) incidents() approvals.IncidentOps {
	update := func(fn func(approvals.IncidentTx) error) error {
		return s.update(func(t *txn) error { return fn(t) })
	}
	watch := func(fn func(approvals.IncidentTx) error) error {
		return s.updateFenced(s.fence.Load(), func(t *txn) error { return fn(t) })
	}
	view := func(fn func(approvals.IncidentTx) error) error {
		return s.view(0, func(t *txn) error { return fn(t) })
	}
	return approvals.IncidentOps{Update: update, View: view, Watch: watch, Now: s.now}
}

// CommitWatch writes the cursor, the windows and the incidents the
// findings make or change in one etcd Txn, as approvals.Store.CommitWatch
// does, comparing the mod revision of every incident and subject it read
// (and, with a Fence, the leader key), again from the read when another
// writer got there first. Refused, it writes nothing.
func (s *Store) CommitWatch(b approvals.WatchBatch, o approvals.WatchOptions) ([]intents.IncidentChange, int, error) {
	changes, suppressed, err := s.incidents().CommitWatch(b, o)
	if !errors.Is(err, ErrTxnTooLarge) || len(b.Findings) < 2 {
		return changes, suppressed, err
	}
	return s.commitInParts(b, o)
}

// commitInParts commits a page whose incidents are too many for one Txn:
// the findings first, a subject's together, in parts that fit (not
// fenced, like AddFindings: they are true whoever writes them), then the
// cursor and windows with no findings, fenced. A crash between the parts
// re-reads the page, and the findings already held are no news, so
// nothing is lost or alerted twice; the watcher never stays stuck on a
// busy page.
func (s *Store) commitInParts(b approvals.WatchBatch, o approvals.WatchOptions) ([]intents.IncidentChange, int, error) {
	var keys []string
	bySubject := map[string][]intents.Finding{}
	for _, f := range b.Findings {
		k := intents.IncidentKey(f)
		if _, ok := bySubject[k]; !ok {
			keys = append(keys, k)
		}
		bySubject[k] = append(bySubject[k], f)
	}
	var changes []intents.IncidentChange
	flush := func(part []intents.Finding) error {
		if len(part) == 0 {
			return nil
		}
		chs, err := s.incidents().AddFindings(part, b.Now, o)
		changes = append(changes, chs...)
		return err
	}
	var part []intents.Finding
	subjects, perPart := 0, max(1, s.maxOps/opsPerSubject)
	for _, k := range keys {
		if subjects == perPart {
			if err := flush(part); err != nil {
				return changes, 0, err
			}
			part, subjects = nil, 0
		}
		part = append(part, bySubject[k]...)
		subjects++
	}
	if err := flush(part); err != nil {
		return changes, 0, err
	}
	rest := b
	rest.Findings = nil
	_, _, err := s.incidents().CommitWatch(rest, o)
	return changes, 0, err
}

// opsPerSubject is the share of a Txn's operations one subject's incident
// is given in a part of a busy page: a new incident costs four writes and
// its reads' compares, with room for the audit chain's head.
const opsPerSubject = 8

// AddFindings joins findings from elsewhere than the System Log to their
// incidents (approvals.Store.AddFindings), leaving the cursor and windows
// as they are. It is not fenced: any replica may record an answer.
func (s *Store) AddFindings(fs []intents.Finding, now time.Time, o approvals.WatchOptions) ([]intents.IncidentChange, error) {
	return s.incidents().AddFindings(fs, now, o)
}

// LoadIncident reads one incident; an unknown id wraps intents.ErrNotFound.
func (t *txn) LoadIncident(id string) (intents.Incident, error) {
	data, err := t.get(t.s.incidentKey(id))
	if err != nil {
		return intents.Incident{}, err
	}
	if data == nil {
		return intents.Incident{}, fmt.Errorf("incident %s: %w", id, intents.ErrNotFound)
	}
	return decodeIncident(id, data)
}

func decodeIncident(id string, data []byte) (intents.Incident, error) {
	var inc intents.Incident
	if err := json.Unmarshal(data, &inc); err != nil {
		return inc, fmt.Errorf("%w: incident %s: %v", approvals.ErrCorrupt, id, err)
	}
	return inc, nil
}

// SaveIncident writes inc and moves it in or out of the open and outbox
// indexes when it changed sides, so that a grown incident costs one or
// two writes of the Txn's budget.
func (t *txn) SaveIncident(inc intents.Incident) error {
	key := t.s.incidentKey(inc.ID)
	prev, err := t.get(key)
	if err != nil {
		return err
	}
	var wasOpen, wasUnposted bool
	if prev != nil {
		old, err := decodeIncident(inc.ID, prev)
		if err != nil {
			return err
		}
		wasOpen, wasUnposted = old.Status != intents.IncidentClosed, old.Version > old.Posted
	}
	data, err := json.Marshal(inc)
	if err != nil {
		return fmt.Errorf("encode incident %s: %w", inc.ID, err)
	}
	t.put(key, data)
	t.mark(t.s.openPrefix()+inc.ID, wasOpen, inc.Status != intents.IncidentClosed)
	t.mark(t.s.outboxPrefix()+inc.ID, wasUnposted, inc.Version > inc.Posted)
	return nil
}

// mark puts the index key when on and deletes it when not, if that
// changes from was.
func (t *txn) mark(key string, was, on bool) {
	switch {
	case on && !was:
		t.put(key, nil)
	case !on && was:
		t.del(key)
	}
}

// NewestIncident is the id of key's newest incident, "" when none.
func (t *txn) NewestIncident(key string) (string, error) {
	id, err := t.get(t.s.newestKey(key))
	return string(id), err
}

// SetNewestIncident makes id key's newest incident.
func (t *txn) SetNewestIncident(key, id string) error {
	t.put(t.s.newestKey(key), []byte(id))
	return nil
}

// Taken reports whether the incident or suppression id exists.
func (t *txn) Taken(id string) (bool, error) {
	key := t.s.incidentKey(id)
	if strings.HasPrefix(id, "s-") {
		key = t.s.suppressionsPrefix() + id
	}
	data, err := t.get(key)
	return data != nil, err
}

// AllSuppressions reads every suppression, lapsed or not; the commit
// checks that none was added or changed meanwhile.
func (t *txn) AllSuppressions() ([]intents.Suppression, error) {
	keys, vals, err := t.getPrefix(t.s.suppressionsPrefix())
	if err != nil {
		return nil, err
	}
	out := make([]intents.Suppression, 0, len(keys))
	for i, k := range keys {
		sp, err := decodeSuppression(lastPart(k), vals[i])
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// LoadSuppression reads one suppression; an unknown id wraps
// intents.ErrNotFound.
func (t *txn) LoadSuppression(id string) (intents.Suppression, error) {
	data, err := t.get(t.s.suppressionsPrefix() + id)
	if err != nil {
		return intents.Suppression{}, err
	}
	if data == nil {
		return intents.Suppression{}, fmt.Errorf("suppression %s: %w", id, intents.ErrNotFound)
	}
	return decodeSuppression(id, data)
}

func decodeSuppression(id string, data []byte) (intents.Suppression, error) {
	var sp intents.Suppression
	if err := json.Unmarshal(data, &sp); err != nil {
		return sp, fmt.Errorf("%w: suppression %s: %v", approvals.ErrCorrupt, id, err)
	}
	return sp, nil
}

// PutSuppression writes sp.
func (t *txn) PutSuppression(sp intents.Suppression) error {
	data, err := json.Marshal(sp)
	if err != nil {
		return fmt.Errorf("encode suppression %s: %w", sp.ID, err)
	}
	t.put(t.s.suppressionsPrefix()+sp.ID, data)
	return nil
}

// DeleteSuppression deletes suppression id.
func (t *txn) DeleteSuppression(id string) error {
	t.del(t.s.suppressionsPrefix() + id)
	return nil
}

// Incident returns one incident; an unknown id wraps intents.ErrNotFound.
func (s *Store) Incident(id string) (intents.Incident, error) {
	return s.incidents().Incident(id)
}

// Incidents returns the incidents not closed (open), or all of them,
// newest first.
func (s *Store) Incidents(open bool) ([]intents.Incident, error) {
	var (
		out []intents.Incident
		err error
	)
	if open {
		out, err = s.incidentsIndexed(s.openPrefix())
	} else {
		out, err = s.allIncidents()
	}
	if err != nil {
		return nil, fmt.Errorf("approvals: incidents: %w", err)
	}
	approvals.SortIncidents(out, true)
	return out, nil
}

// Unposted lists the incidents whose message does not show their latest
// version (Version > Posted), oldest first.
func (s *Store) Unposted() ([]intents.Incident, error) {
	out, err := s.incidentsIndexed(s.outboxPrefix())
	if err != nil {
		return nil, fmt.Errorf("approvals: unposted incidents: %w", err)
	}
	approvals.SortIncidents(out, false)
	return out, nil
}

func (s *Store) allIncidents() ([]intents.Incident, error) {
	keys, vals, _, err := s.scan(s.prefix + "incidents/")
	if err != nil {
		return nil, err
	}
	out := make([]intents.Incident, 0, len(keys))
	for i, k := range keys {
		inc, err := decodeIncident(lastPart(k), vals[i])
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, nil
}

// incidentsIndexed loads the incidents an index lists, at the revision
// the index was read at.
func (s *Store) incidentsIndexed(prefix string) ([]intents.Incident, error) {
	keys, _, rev, err := s.scan(prefix)
	if err != nil {
		return nil, err
	}
	var out []intents.Incident
	err = s.view(rev, func(t *txn) error {
		for _, k := range keys {
			inc, err := t.LoadIncident(lastPart(k))
			if err != nil {
				return err
			}
			out = append(out, inc)
		}
		return nil
	})
	return out, err
}

// SetIncidentMessage records what Slack shows of incident id
// (approvals.Store.SetIncidentMessage).
func (s *Store) SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error {
	return s.incidents().SetIncidentMessage(id, channel, ts, version, notified)
}

// SetIncidentProposals records the ids of the fixes proposed in the
// incident's thread.
func (s *Store) SetIncidentProposals(id string, proposalIDs []string) error {
	return s.incidents().SetIncidentProposals(id, proposalIDs)
}

// Acknowledge records that by has the incident in hand, with an audit
// record on the chain (approvals.Store.Acknowledge).
func (s *Store) Acknowledge(id, by string) (intents.Incident, error) {
	return s.incidents().Acknowledge(id, by)
}

// CloseIncident closes the incident, with an audit record
// (approvals.Store.CloseIncident).
func (s *Store) CloseIncident(id, by, why string) (intents.Incident, error) {
	return s.incidents().CloseIncident(id, by, why)
}

// SetAnswer records the affected person's side of "was this you?"
// (approvals.Store.SetAnswer).
func (s *Store) SetAnswer(id, answer string, at time.Time) (intents.Incident, error) {
	return s.incidents().SetAnswer(id, answer, at)
}

// Suppress stores a false-positive mark and audits it
// (approvals.Store.Suppress).
func (s *Store) Suppress(sp intents.Suppression) (intents.Suppression, error) {
	return s.incidents().Suppress(sp)
}

// Suppressions lists the live suppressions, oldest first.
func (s *Store) Suppressions() ([]intents.Suppression, error) {
	return s.incidents().Suppressions()
}

// RemoveSuppression deletes suppression id, by a Slack user id, and
// audits it; an unknown id wraps intents.ErrNotFound.
func (s *Store) RemoveSuppression(id, by string) error {
	return s.incidents().RemoveSuppression(id, by)
}
