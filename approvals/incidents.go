package approvals

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
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
	return s.commitFindings(b, o, true)
}

// AddFindings joins findings that come from elsewhere than the System Log
// (a person's answer to "was this you?") to their incidents by the rules
// of CommitWatch, leaving the cursor and windows as they are.
func (s *Store) AddFindings(fs []intents.Finding, now time.Time, o WatchOptions) ([]intents.IncidentChange, error) {
	changes, _, err := s.commitFindings(WatchBatch{Findings: fs, Now: now}, o, false)
	return changes, err
}

func (s *Store) commitFindings(b WatchBatch, o WatchOptions, state bool) ([]intents.IncidentChange, int, error) {
	now := b.Now.UTC().Round(0)
	if b.Now.IsZero() {
		now = s.now()
	}
	if o.Window <= 0 {
		o.Window = intents.DefaultIncidentWindow
	}
	if o.Combine == nil {
		o.Combine = highest
	}
	var changes []intents.IncidentChange
	var dropped int
	err := s.update(func(t *txn) error {
		changes, dropped = nil, 0
		if state {
			if err := t.putWatchState(b.Cursor, b.Windows); err != nil {
				return err
			}
		}
		sups, err := t.suppressions(now)
		if err != nil {
			return err
		}
		var keys []string
		groups := map[string][]intents.Finding{}
		for i, f := range b.Findings {
			if strings.TrimSpace(f.Detection) == "" || len(f.Events) == 0 {
				return intents.Invalidf("finding %d (%q) names no detection or no events", i, f.Summary)
			}
			if slices.ContainsFunc(sups, func(sp intents.Suppression) bool { return sp.Matches(f, now) }) {
				dropped++
				continue
			}
			k := intents.IncidentKey(f)
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], f)
		}
		for _, k := range keys {
			ch, ok, err := t.absorb(k, groups[k], now, o)
			if err != nil {
				return err
			}
			if ok {
				changes = append(changes, ch)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("approvals: commit watch: %w", err)
	}
	return changes, dropped, nil
}

// highest is the default Combine: the highest score and its band.
func highest(fs []intents.Finding) (int, intents.Severity) {
	best := 0
	for _, f := range fs {
		best = max(best, f.Score)
	}
	return best, intents.Band(best)
}

// absorb joins fs, all about subject key, to the newest incident of key
// if it takes them, or to a new one. Only the newest can take anything:
// an older one was passed over when the newer one opened, because it was
// closed or had lapsed, and stays so.
func (t *txn) absorb(key string, fs []intents.Finding, now time.Time, o WatchOptions) (intents.IncidentChange, bool, error) {
	var inc intents.Incident
	if id := t.bucket(bucketIncidentKeys).Get([]byte(key)); id != nil {
		prev, err := t.loadIncident(string(id))
		if err != nil {
			return intents.IncidentChange{}, false, err
		}
		if prev.Takes(now, o.Window) {
			inc = prev
		} else {
			fs = slices.DeleteFunc(slices.Clone(fs), prev.Holds)
		}
	}
	if len(fs) == 0 {
		return intents.IncidentChange{}, false, nil
	}
	if inc.ID == "" {
		id, err := t.freeID(incidentPrefix, bucketIncidents)
		if err != nil {
			return intents.IncidentChange{}, false, err
		}
		inc = intents.Incident{ID: id, Key: key, Subject: fs[0].User}
	}
	ch, ok := inc.Absorb(fs, now, o.Combine)
	if !ok {
		return intents.IncidentChange{}, false, nil
	}
	if err := t.saveIncident(inc); err != nil {
		return intents.IncidentChange{}, false, err
	}
	return ch, true, t.bucket(bucketIncidentKeys).Put([]byte(key), []byte(inc.ID))
}

// freeID returns an unused id with prefix in bucket.
func (t *txn) freeID(prefix string, bucket []byte) (string, error) {
	b := t.bucket(bucket)
	for range 20 {
		if id := randomID(prefix); b.Get([]byte(id)) == nil {
			return id, nil
		}
	}
	return "", errors.New("no free id")
}

// loadIncident reads one incident; an unknown id wraps intents.ErrNotFound.
func (t *txn) loadIncident(id string) (intents.Incident, error) {
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

// saveIncident writes inc and keeps the open and outbox indexes.
func (t *txn) saveIncident(inc intents.Incident) error {
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

// mark puts id in the index b when on, and takes it out when not.
func mark(b *bolt.Bucket, id []byte, on bool) error {
	if on {
		return b.Put(id, nil)
	}
	return b.Delete(id)
}

// Incident returns one incident; an unknown id wraps intents.ErrNotFound.
func (s *Store) Incident(id string) (intents.Incident, error) {
	id = canonicalID(id)
	var inc intents.Incident
	err := s.view(func(t *txn) (err error) {
		inc, err = t.loadIncident(id)
		return err
	})
	if err != nil {
		return intents.Incident{}, fmt.Errorf("approvals: incident %s: %w", id, err)
	}
	return inc, nil
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
	sortByTime(out, true, openedID)
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
	sortByTime(out, false, openedID)
	return out, nil
}

func openedID(inc intents.Incident) (time.Time, string) { return inc.Opened, inc.ID }

// sortByTime orders xs by the time key gives, oldest first or, with
// newest, newest first; equal times by id.
func sortByTime[T any](xs []T, newest bool, key func(T) (time.Time, string)) {
	slices.SortFunc(xs, func(a, b T) int {
		ta, ia := key(a)
		tb, ib := key(b)
		if newest {
			ta, tb = tb, ta
		}
		if c := ta.Compare(tb); c != 0 {
			return c
		}
		return strings.Compare(ia, ib)
	})
}

// incidentsIn loads the incidents whose ids are the keys of index.
func (s *Store) incidentsIn(index []byte) ([]intents.Incident, error) {
	var out []intents.Incident
	err := s.view(func(t *txn) error {
		return t.bucket(index).ForEach(func(k, _ []byte) error {
			inc, err := t.loadIncident(string(k))
			if err != nil {
				return err
			}
			out = append(out, inc)
			return nil
		})
	})
	return out, err
}

// changeIncident runs fn on incident id in one transaction and saves it.
// When fn fails nothing is written and the incident as stored is returned
// with the error; errUnchanged returns it with none.
func (s *Store) changeIncident(op, id string, fn func(t *txn, inc *intents.Incident) error) (intents.Incident, error) {
	id = canonicalID(id)
	var out intents.Incident
	err := s.update(func(t *txn) error {
		inc, err := t.loadIncident(id)
		if err != nil {
			return err
		}
		out = inc
		if err := fn(t, &inc); err != nil {
			return err
		}
		out = inc
		return t.saveIncident(inc)
	})
	switch {
	case errors.Is(err, errUnchanged):
		return out, nil
	case err != nil:
		return out, fmt.Errorf("approvals: %s %s: %w", op, id, err)
	}
	return out, nil
}

// SetIncidentMessage records what Slack shows of incident id: the message
// (channel, ts), the version it shows and the severity the channel was
// told of. A version older than the one recorded (a slow post overtaken
// by a newer one) moves nothing but the message. An empty channel and ts
// record a version that is not shown (below the alert severity): it
// leaves the outbox without a message.
func (s *Store) SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error {
	_, err := s.changeIncident("set message of", id, func(_ *txn, inc *intents.Incident) error {
		if (channel == "") != (ts == "") {
			return intents.Invalidf("an incident message needs a channel and a ts")
		}
		if version < 1 || version > inc.Version {
			return intents.Invalidf("version %d: incident %s is at version %d", version, inc.ID, inc.Version)
		}
		if channel != "" {
			inc.Channel, inc.TS = channel, ts
		}
		if version >= inc.Posted {
			inc.Posted = version
			if notified != "" {
				inc.Notified = notified
			}
		}
		return nil
	})
	return err
}

// SetIncidentProposals records the ids of the fixes proposed in the
// incident's thread.
func (s *Store) SetIncidentProposals(id string, proposalIDs []string) error {
	ids := make([]string, len(proposalIDs))
	for i, p := range proposalIDs {
		ids[i] = canonicalID(p)
	}
	_, err := s.changeIncident("set proposals of", id, func(_ *txn, inc *intents.Incident) error {
		inc.Proposals = ids
		return nil
	})
	return err
}

// Acknowledge records that by (a Slack user id) has the incident in hand,
// with an audit record. It is idempotent: an acknowledged incident keeps
// its first acknowledgement and is returned unchanged. A closed incident
// is returned with an error wrapping ErrIncidentClosed.
func (s *Store) Acknowledge(id, by string) (intents.Incident, error) {
	now := s.now()
	return s.changeIncident("acknowledge", id, func(t *txn, inc *intents.Incident) error {
		switch {
		case strings.TrimSpace(by) == "":
			return intents.Invalidf("an acknowledgement needs who made it")
		case inc.Status == intents.IncidentClosed:
			return closedError(*inc)
		case inc.Status == intents.IncidentAcknowledged:
			return errUnchanged
		}
		inc.Status, inc.AckBy, inc.AckAt = intents.IncidentAcknowledged, by, now
		return t.audit(incidentRecord(*inc, EventAcknowledged, by, now, inc.Summary))
	})
}

// CloseIncident closes the incident, by a Slack user id, for why ("" is
// "closed"; "false positive", …), with an audit record. A closed incident
// takes no more findings: the next finding about its subject opens a new
// one. Closing it again returns it as it is with an error wrapping
// ErrIncidentClosed, which names who closed it.
func (s *Store) CloseIncident(id, by, why string) (intents.Incident, error) {
	now := s.now()
	if strings.TrimSpace(why) == "" {
		why = "closed"
	}
	return s.changeIncident("close", id, func(t *txn, inc *intents.Incident) error {
		switch {
		case strings.TrimSpace(by) == "":
			return intents.Invalidf("closing an incident needs who closes it")
		case inc.Status == intents.IncidentClosed:
			return closedError(*inc)
		}
		inc.Status, inc.ClosedBy, inc.ClosedAt, inc.Closing = intents.IncidentClosed, by, now, why
		return t.audit(incidentRecord(*inc, EventClosed, by, now, details(inc.Summary, "why: "+why)))
	})
}

func closedError(inc intents.Incident) error {
	return fmt.Errorf("%w (by %s at %s, %s)", ErrIncidentClosed, inc.ClosedBy, inc.ClosedAt.Format(time.RFC3339), inc.Closing)
}

// SetAnswer records the affected person's side of "was this you?":
// intents.AnswerYes or intents.AnswerNo and when (a later answer replaces an earlier one),
// intents.AnswerAsked and when they were asked, or intents.AnswerNoSlack. A closed
// incident records it too: a late "no" still matters.
func (s *Store) SetAnswer(id, answer string, at time.Time) (intents.Incident, error) {
	at = at.UTC().Round(0)
	return s.changeIncident("answer", id, func(_ *txn, inc *intents.Incident) error {
		switch answer {
		case intents.AnswerYes, intents.AnswerNo:
			inc.Answer, inc.AnsweredAt = answer, at
		case intents.AnswerAsked:
			inc.AskedAt = at
		case intents.AnswerNoSlack:
			inc.NoSlack = true
		default:
			return intents.Invalidf("answer %q: want %s, %s, %s or %s", answer, intents.AnswerYes, intents.AnswerNo, intents.AnswerAsked, intents.AnswerNoSlack)
		}
		return nil
	})
}

// incidentRecord is the audit record of a button pressed on inc.
func incidentRecord(inc intents.Incident, event, by string, at time.Time, detail string) intents.AuditRecord {
	target := "user " + inc.Subject
	if inc.Subject == "" {
		target = "org " + strings.TrimPrefix(inc.Key, "org:")
	}
	return intents.AuditRecord{At: at, ProposalID: inc.ID, Event: event, Approver: by, Target: target, Detail: detail}
}

// details joins the non-empty parts with "; ".
func details(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), "; ")
}

// Suppress stores a false-positive mark and audits it: findings of
// sp.Detection about sp.User (or from sp.IP) raise no alert until
// sp.Until, which must be in the future and at most MaxSuppression away.
// It returns the suppression as stored, with its id and At.
func (s *Store) Suppress(sp intents.Suppression) (intents.Suppression, error) {
	now := s.now()
	sp.Detection, sp.User, sp.IP, sp.By = strings.TrimSpace(sp.Detection), strings.TrimSpace(sp.User), strings.TrimSpace(sp.IP), strings.TrimSpace(sp.By)
	sp.Until, sp.At, sp.Incident = sp.Until.UTC().Round(0), now, canonicalID(sp.Incident)
	if err := checkSuppression(sp, now); err != nil {
		return intents.Suppression{}, fmt.Errorf("approvals: suppress: %w", err)
	}
	err := s.update(func(t *txn) error {
		var err error
		if sp.ID, err = t.freeID(suppressionPrefix, bucketSuppressions); err != nil {
			return err
		}
		if err := t.putSuppression(sp); err != nil {
			return err
		}
		return t.audit(suppressionRecord(sp, EventSuppressed, sp.By, now))
	})
	if err != nil {
		return intents.Suppression{}, fmt.Errorf("approvals: suppress %s: %w", sp.Detection, err)
	}
	return sp, nil
}

func checkSuppression(sp intents.Suppression, now time.Time) error {
	switch {
	case sp.Detection == "":
		return intents.Invalidf("a suppression needs a detection")
	case sp.User == "" && sp.IP == "":
		return intents.Invalidf("a suppression needs a user or an IP address")
	case sp.By == "":
		return intents.Invalidf("a suppression needs who made it")
	case !sp.Until.After(now):
		return intents.Invalidf("a suppression must end in the future (until %s)", sp.Until.Format(time.RFC3339))
	case sp.Until.Sub(now) > MaxSuppression:
		return intents.Invalidf("a suppression lasts at most %d days (until %s)", int(MaxSuppression.Hours()/24), sp.Until.Format(time.RFC3339))
	}
	if sp.IP != "" {
		if _, err := netip.ParseAddr(sp.IP); err != nil {
			return intents.Invalidf("%q is not an IP address", sp.IP)
		}
	}
	return nil
}

func (t *txn) putSuppression(sp intents.Suppression) error {
	data, err := json.Marshal(sp)
	if err != nil {
		return fmt.Errorf("encode suppression %s: %w", sp.ID, err)
	}
	return t.bucket(bucketSuppressions).Put([]byte(sp.ID), data)
}

// suppressions reads the suppressions live at now, oldest first.
func (t *txn) suppressions(now time.Time) ([]intents.Suppression, error) {
	var out []intents.Suppression
	err := t.bucket(bucketSuppressions).ForEach(func(k, v []byte) error {
		var sp intents.Suppression
		if err := json.Unmarshal(v, &sp); err != nil {
			return fmt.Errorf("%w: suppression %s: %v", ErrCorrupt, k, err)
		}
		if sp.Until.After(now) {
			out = append(out, sp)
		}
		return nil
	})
	sortByTime(out, false, func(sp intents.Suppression) (time.Time, string) { return sp.At, sp.ID })
	return out, err
}

// Suppressions lists the live suppressions, oldest first.
func (s *Store) Suppressions() ([]intents.Suppression, error) {
	now := s.now()
	var out []intents.Suppression
	err := s.view(func(t *txn) (err error) {
		out, err = t.suppressions(now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: suppressions: %w", err)
	}
	return out, nil
}

// RemoveSuppression deletes suppression id, by a Slack user id, and
// audits it; an unknown id wraps intents.ErrNotFound.
func (s *Store) RemoveSuppression(id, by string) error {
	id = canonicalID(id)
	now := s.now()
	if strings.TrimSpace(by) == "" {
		return fmt.Errorf("approvals: remove suppression %s: %w", id, intents.Invalidf("removing a suppression needs who removes it"))
	}
	err := s.update(func(t *txn) error {
		b := t.bucket(bucketSuppressions)
		data := b.Get([]byte(id))
		if data == nil {
			return fmt.Errorf("suppression %s: %w", id, intents.ErrNotFound)
		}
		var sp intents.Suppression
		if err := json.Unmarshal(data, &sp); err != nil {
			return fmt.Errorf("%w: suppression %s: %v", ErrCorrupt, id, err)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		return t.audit(suppressionRecord(sp, EventUnsuppressed, by, now))
	})
	if err != nil {
		return fmt.Errorf("approvals: remove suppression %s: %w", id, err)
	}
	return nil
}

// suppressionRecord is the audit record of a suppression made or removed.
func suppressionRecord(sp intents.Suppression, event, by string, at time.Time) intents.AuditRecord {
	var target []string
	if sp.User != "" {
		target = append(target, "user "+sp.User)
	}
	if sp.IP != "" {
		target = append(target, "IP "+sp.IP)
	}
	detail := details("detection "+sp.Detection, "until "+sp.Until.Format(time.RFC3339))
	if sp.Incident != "" {
		detail = details(detail, "incident "+sp.Incident)
	}
	if sp.Reason != "" {
		detail = details(detail, "reason: "+sp.Reason)
	}
	return intents.AuditRecord{At: at, ProposalID: sp.ID, Event: event, Approver: by, Target: strings.Join(target, ", "), Detail: detail}
}
