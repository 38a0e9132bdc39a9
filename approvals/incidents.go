package approvals

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/oktabot/oktabot/intents"
)

// The watcher's store: each poll's System Log cursor, detection windows
// and the incidents its findings make are committed together (CommitWatch),
// so that a crash neither loses an alert nor repeats one. Incidents keep
// what Slack shows of them (an outbox: Unposted), and the buttons on them
// (acknowledge, close, mark false positive) are recorded in the audit log.
// The rules are IncidentOps (incidentops.go), shared with the etcd store;
// this file is their bbolt side.

// Id prefixes, beside the proposals' "p-".
const (
	incidentPrefix    = "i-"
	suppressionPrefix = "s-"
)

// MaxSuppression is the longest a false-positive mark may last.
const MaxSuppression = 90 * 24 * time.Hour

// ErrIncidentClosed is a change refused because the incident is closed.
var ErrIncidentClosed = errors.New("the incident is closed")

// errUnchanged, from a changeIncident function, leaves the incident as it
// is and is no error for the caller.
var errUnchanged = errors.New("unchanged")

// WatchBatch is one poll's outcome (intents.WatchBatch); a zero Now is
// the store's clock.
type WatchBatch = intents.WatchBatch

// WatchOptions are the incident rules (intents.WatchOptions): a zero
// Window is intents.DefaultIncidentWindow, a nil Combine takes the highest
// score.
type WatchOptions = intents.WatchOptions

// incidents is the shared incident operations on this store.
func (s *Store) incidents() IncidentOps {
	update := func(fn func(IncidentTx) error) error { return s.update(func(t *txn) error { return fn(t) }) }
	view := func(fn func(IncidentTx) error) error { return s.view(func(t *txn) error { return fn(t) }) }
	return IncidentOps{Update: update, View: view, Now: s.now}
}

// CommitWatch writes the cursor, the windows and the incidents the
// findings make or change in one transaction, so that a crash loses and
// repeats nothing, and returns the changes, in the order the findings
// first name each subject. Findings a live suppression matches are dropped
// and counted (the second result). Each finding joins the newest incident
// of its subject (intents.IncidentKey) if that still Takes it, and opens a
// new incident otherwise; a finding that a closed or lapsed incident
// already holds in full is old news and opens nothing. A finding without a
// detection or events is refused (intents.ErrInvalid) and nothing of the
// batch is written.
func (s *Store) CommitWatch(b WatchBatch, o WatchOptions) ([]intents.IncidentChange, int, error) {
	return s.incidents().CommitWatch(b, o)
}

// AddFindings joins findings that come from elsewhere than the System Log
// (a person's answer to "was this you?") to their incidents by the rules
// of CommitWatch, leaving the cursor and windows as they are.
func (s *Store) AddFindings(fs []intents.Finding, now time.Time, o WatchOptions) ([]intents.IncidentChange, error) {
	return s.incidents().AddFindings(fs, now, o)
}

// LoadIncident reads one incident; an unknown id wraps intents.ErrNotFound.
func (t *txn) LoadIncident(id string) (intents.Incident, error) {
	var inc intents.Incident
	data := t.bucket(bucketIncidents).Get([]byte(id))
	if data == nil {
		return inc, fmt.Errorf("incident %s: %w", id, intents.ErrNotFound)
	}
	if err := json.Unmarshal(data, &inc); err != nil {
		return inc, fmt.Errorf("%w: incident %s: %v", ErrCorrupt, id, err)
	}
	return inc, nil
}

// SaveIncident writes inc and keeps the open and outbox indexes.
func (t *txn) SaveIncident(inc intents.Incident) error {
	data, err := json.Marshal(inc)
	if err != nil {
		return fmt.Errorf("encode incident %s: %w", inc.ID, err)
	}
	id := []byte(inc.ID)
	if err := t.bucket(bucketIncidents).Put(id, data); err != nil {
		return err
	}
	if err := mark(t.bucket(bucketIncidentOpen), id, inc.Status != intents.IncidentClosed); err != nil {
		return err
	}
	return mark(t.bucket(bucketIncidentOutbox), id, inc.Version > inc.Posted)
}

// NewestIncident is the id of key's newest incident, "" when none.
func (t *txn) NewestIncident(key string) (string, error) {
	return string(t.bucket(bucketIncidentKeys).Get([]byte(key))), nil
}

// SetNewestIncident makes id key's newest incident.
func (t *txn) SetNewestIncident(key, id string) error {
	return t.bucket(bucketIncidentKeys).Put([]byte(key), []byte(id))
}

// Taken reports whether the incident or suppression id exists.
func (t *txn) Taken(id string) (bool, error) {
	b := bucketIncidents
	if strings.HasPrefix(id, suppressionPrefix) {
		b = bucketSuppressions
	}
	return t.bucket(b).Get([]byte(id)) != nil, nil
}

// mark puts id in the index b when on, and takes it out when not.
func mark(b *bolt.Bucket, id []byte, on bool) error {
	if on {
		return b.Put(id, nil)
	}
	return b.Delete(id)
}

// Incident returns one incident; an unknown id wraps intents.ErrNotFound.
func (s *Store) Incident(id string) (intents.Incident, error) {
	return s.incidents().Incident(id)
}

// Incidents returns the incidents not closed (open), or all of them,
// newest first.
func (s *Store) Incidents(open bool) ([]intents.Incident, error) {
	index := bucketIncidents
	if open {
		index = bucketIncidentOpen
	}
	out, err := s.incidentsIn(index)
	if err != nil {
		return nil, fmt.Errorf("approvals: incidents: %w", err)
	}
	SortIncidents(out, true)
	return out, nil
}

// Unposted lists the incidents whose message does not show their latest
// version (Version > Posted), oldest first: after a crash between a commit
// and its post, the bot posts them. SetIncidentMessage takes them off.
func (s *Store) Unposted() ([]intents.Incident, error) {
	out, err := s.incidentsIn(bucketIncidentOutbox)
	if err != nil {
		return nil, fmt.Errorf("approvals: unposted incidents: %w", err)
	}
	SortIncidents(out, false)
	return out, nil
}

// incidentsIn loads the incidents whose ids are the keys of index.
func (s *Store) incidentsIn(index []byte) ([]intents.Incident, error) {
	var out []intents.Incident
	err := s.view(func(t *txn) error {
		return t.bucket(index).ForEach(func(k, _ []byte) error {
			inc, err := t.LoadIncident(string(k))
			if err != nil {
				return err
			}
			out = append(out, inc)
			return nil
		})
	})
	return out, err
}

// SetIncidentMessage records what Slack shows of incident id: the message
// (channel, ts), the version it shows and the severity the channel was
// told of. A version older than the one recorded (a slow post overtaken
// by a newer one) moves nothing but the message. An empty channel and ts
// record a version that is not shown (below the alert severity): it
// leaves the outbox without a message.
func (s *Store) SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error {
	return s.incidents().SetIncidentMessage(id, channel, ts, version, notified)
}

// SetIncidentProposals records the ids of the fixes proposed in the
// incident's thread.
func (s *Store) SetIncidentProposals(id string, proposalIDs []string) error {
	return s.incidents().SetIncidentProposals(id, proposalIDs)
}

// Acknowledge records that by (a Slack user id) has the incident in hand,
// with an audit record. It is idempotent: an acknowledged incident keeps
// its first acknowledgement and is returned unchanged. A closed incident
// is returned with an error wrapping ErrIncidentClosed.
func (s *Store) Acknowledge(id, by string) (intents.Incident, error) {
	return s.incidents().Acknowledge(id, by)
}

// CloseIncident closes the incident, by a Slack user id, for why ("" is
// "closed"; "false positive", …), with an audit record. A closed incident
// takes no more findings: the next finding about its subject opens a new
// one. Closing it again returns it as it is with an error wrapping
// ErrIncidentClosed, which names who closed it.
func (s *Store) CloseIncident(id, by, why string) (intents.Incident, error) {
	return s.incidents().CloseIncident(id, by, why)
}

// SetAnswer records the affected person's side of "was this you?":
// intents.AnswerYes or intents.AnswerNo and when (a later answer replaces an earlier one),
// intents.AnswerAsked and when they were asked, or intents.AnswerNoSlack. A closed
// incident records it too: a late "no" still matters.
func (s *Store) SetAnswer(id, answer string, at time.Time) (intents.Incident, error) {
	return s.incidents().SetAnswer(id, answer, at)
}

// Suppress stores a false-positive mark and audits it: findings of
// sp.Detection about sp.User (or from sp.IP) raise no alert until
// sp.Until, which must be in the future and at most MaxSuppression away.
// It returns the suppression as stored, with its id and At.
func (s *Store) Suppress(sp intents.Suppression) (intents.Suppression, error) {
	return s.incidents().Suppress(sp)
}

// PutSuppression writes sp.
func (t *txn) PutSuppression(sp intents.Suppression) error {
	data, err := json.Marshal(sp)
	if err != nil {
		return fmt.Errorf("encode suppression %s: %w", sp.ID, err)
	}
	return t.bucket(bucketSuppressions).Put([]byte(sp.ID), data)
}

// AllSuppressions reads every suppression, lapsed or not.
func (t *txn) AllSuppressions() ([]intents.Suppression, error) {
	var out []intents.Suppression
	err := t.bucket(bucketSuppressions).ForEach(func(k, v []byte) error {
		sp, err := decodeSuppression(string(k), v)
		out = append(out, sp)
		return err
	})
	return out, err
}

// LoadSuppression reads one suppression; an unknown id wraps
// intents.ErrNotFound.
func (t *txn) LoadSuppression(id string) (intents.Suppression, error) {
	data := t.bucket(bucketSuppressions).Get([]byte(id))
	if data == nil {
		return intents.Suppression{}, fmt.Errorf("suppression %s: %w", id, intents.ErrNotFound)
	}
	return decodeSuppression(id, data)
}

// DeleteSuppression deletes suppression id.
func (t *txn) DeleteSuppression(id string) error {
	return t.bucket(bucketSuppressions).Delete([]byte(id))
}

// decodeSuppression reads a stored suppression (id names it in errors).
func decodeSuppression(id string, data []byte) (intents.Suppression, error) {
	var sp intents.Suppression
	if err := json.Unmarshal(data, &sp); err != nil {
		return sp, fmt.Errorf("%w: suppression %s: %v", ErrCorrupt, id, err)
	}
	return sp, nil
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
