package approvals

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The watcher's store operations, shared by every store (this package's
// bbolt Store and approvals/etcdstore), as the proposals' are in apply.go:
// the rules (grouping findings by subject, the incident that takes them,
// suppressions, the outbox's version rule, the buttons and their audit
// records, a suppression's checks) are here once; a store gives only its
// transactions (IncidentTx) and its listings.

// IncidentTx is one atomic transaction of a store, as the incident
// operations use it.
type IncidentTx interface {
	// Audit appends rec to the audit chain.
	Audit(rec intents.AuditRecord) error
	// LoadIncident reads one incident; an unknown id wraps
	// intents.ErrNotFound.
	LoadIncident(id string) (intents.Incident, error)
	// SaveIncident writes inc and keeps the store's open (not closed) and
	// outbox (Version > Posted) indexes.
	SaveIncident(inc intents.Incident) error
	// NewestIncident is the id of the newest incident of subject key, ""
	// when it has none; SetNewestIncident records it.
	NewestIncident(key string) (string, error)
	SetNewestIncident(key, id string) error
	// Taken reports whether the incident or suppression id exists.
	Taken(id string) (bool, error)
	// AllSuppressions reads every stored suppression, lapsed or not.
	AllSuppressions() ([]intents.Suppression, error)
	// LoadSuppression reads one suppression; an unknown id wraps
	// intents.ErrNotFound.
	LoadSuppression(id string) (intents.Suppression, error)
	PutSuppression(sp intents.Suppression) error
	DeleteSuppression(id string) error
	// PutWatchState writes the System Log cursor and the detection windows
	// that changed (a nil value deletes its key).
	PutWatchState(cursor string, windows map[string][]byte) error
}

// IncidentUpdater runs fn in one atomic transaction (see Updater): it may
// run fn again, so fn must reset what it reports.
type IncidentUpdater func(fn func(IncidentTx) error) error

// IncidentOps are the watcher's store methods on any store.
type IncidentOps struct {
	// Update runs a write transaction; View a read-only one.
	Update, View IncidentUpdater
	// Watch runs CommitWatch's transaction; nil means Update. (etcd fences
	// it with the leader's key.)
	Watch IncidentUpdater
	// Now is the store clock, in UTC without a monotonic reading.
	Now func() time.Time
}

// CommitWatch is Store.CommitWatch on any store.
func (o IncidentOps) CommitWatch(b WatchBatch, opt WatchOptions) ([]intents.IncidentChange, int, error) {
	update := o.Watch
	if update == nil {
		update = o.Update
	}
	return o.commitFindings(update, b, opt, true)
}

// AddFindings is Store.AddFindings on any store.
func (o IncidentOps) AddFindings(fs []intents.Finding, now time.Time, opt WatchOptions) ([]intents.IncidentChange, error) {
	changes, _, err := o.commitFindings(o.Update, WatchBatch{Findings: fs, Now: now}, opt, false)
	return changes, err
}

func (o IncidentOps) commitFindings(update IncidentUpdater, b WatchBatch, opt WatchOptions, state bool) ([]intents.IncidentChange, int, error) {
	now := b.Now.UTC().Round(0)
	if b.Now.IsZero() {
		now = o.Now()
	}
	if opt.Window <= 0 {
		opt.Window = intents.DefaultIncidentWindow
	}
	if opt.Combine == nil {
		opt.Combine = highest
	}
	var changes []intents.IncidentChange
	var dropped int
	err := update(func(t IncidentTx) error {
		changes, dropped = nil, 0
		if state {
			if err := t.PutWatchState(b.Cursor, b.Windows); err != nil {
				return err
			}
		}
		all, err := t.AllSuppressions()
		if err != nil {
			return err
		}
		sups := liveSuppressions(all, now)
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
			ch, ok, err := absorb(t, k, groups[k], now, opt)
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
func absorb(t IncidentTx, key string, fs []intents.Finding, now time.Time, o WatchOptions) (intents.IncidentChange, bool, error) {
	var inc intents.Incident
	id, err := t.NewestIncident(key)
	if err != nil {
		return intents.IncidentChange{}, false, err
	}
	if id != "" {
		prev, err := t.LoadIncident(id)
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
		id, err := freeID(t, incidentPrefix)
		if err != nil {
			return intents.IncidentChange{}, false, err
		}
		inc = intents.Incident{ID: id, Key: key, Subject: fs[0].User}
	}
	ch, ok := inc.Absorb(fs, now, o.Combine)
	if !ok {
		return intents.IncidentChange{}, false, nil
	}
	if err := t.SaveIncident(inc); err != nil {
		return intents.IncidentChange{}, false, err
	}
	if inc.ID == id {
		return ch, true, nil
	}
	return ch, true, t.SetNewestIncident(key, inc.ID)
}

// freeID returns an unused id with prefix.
func freeID(t IncidentTx, prefix string) (string, error) {
	for range 20 {
		id := randomID(prefix)
		taken, err := t.Taken(id)
		if err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", errors.New("no free id")
}

// Incident is Store.Incident on any store.
func (o IncidentOps) Incident(id string) (intents.Incident, error) {
	id = canonicalID(id)
	var inc intents.Incident
	err := o.View(func(t IncidentTx) (err error) {
		inc, err = t.LoadIncident(id)
		return err
	})
	if err != nil {
		return intents.Incident{}, fmt.Errorf("approvals: incident %s: %w", id, err)
	}
	return inc, nil
}

// SortIncidents orders incidents by Opened, newest first (Incidents) or
// oldest first (Unposted); equal times by id.
func SortIncidents(incs []intents.Incident, newest bool) {
	sortByTime(incs, newest, func(inc intents.Incident) (time.Time, string) { return inc.Opened, inc.ID })
}

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

// changeIncident runs fn on incident id in one transaction and saves it.
// When fn fails nothing is written and the incident as stored is returned
// with the error; errUnchanged returns it with none.
func (o IncidentOps) changeIncident(op, id string, fn func(t IncidentTx, inc *intents.Incident) error) (intents.Incident, error) {
	id = canonicalID(id)
	var out intents.Incident
	err := o.Update(func(t IncidentTx) error {
		inc, err := t.LoadIncident(id)
		if err != nil {
			return err
		}
		out = inc
		if err := fn(t, &inc); err != nil {
			return err
		}
		out = inc
		return t.SaveIncident(inc)
	})
	switch {
	case errors.Is(err, errUnchanged):
		return out, nil
	case err != nil:
		return out, fmt.Errorf("approvals: %s %s: %w", op, id, err)
	}
	return out, nil
}

// SetIncidentMessage is Store.SetIncidentMessage on any store.
func (o IncidentOps) SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error {
	_, err := o.changeIncident("set message of", id, func(_ IncidentTx, inc *intents.Incident) error {
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

// SetIncidentProposals is Store.SetIncidentProposals on any store.
func (o IncidentOps) SetIncidentProposals(id string, proposalIDs []string) error {
	ids := make([]string, len(proposalIDs))
	for i, p := range proposalIDs {
		ids[i] = canonicalID(p)
	}
	_, err := o.changeIncident("set proposals of", id, func(_ IncidentTx, inc *intents.Incident) error {
		inc.Proposals = ids
		return nil
	})
	return err
}

// Acknowledge is Store.Acknowledge on any store.
func (o IncidentOps) Acknowledge(id, by string) (intents.Incident, error) {
	now := o.Now()
	return o.changeIncident("acknowledge", id, func(t IncidentTx, inc *intents.Incident) error {
		switch {
		case strings.TrimSpace(by) == "":
			return intents.Invalidf("an acknowledgement needs who made it")
		case inc.Status == intents.IncidentClosed:
			return closedError(*inc)
		case inc.Status == intents.IncidentAcknowledged:
			return errUnchanged
		}
		inc.Status, inc.AckBy, inc.AckAt = intents.IncidentAcknowledged, by, now
		return t.Audit(incidentRecord(*inc, EventAcknowledged, by, now, inc.Summary))
	})
}

// CloseIncident is Store.CloseIncident on any store.
func (o IncidentOps) CloseIncident(id, by, why string) (intents.Incident, error) {
	now := o.Now()
	if strings.TrimSpace(why) == "" {
		why = "closed"
	}
	return o.changeIncident("close", id, func(t IncidentTx, inc *intents.Incident) error {
		switch {
		case strings.TrimSpace(by) == "":
			return intents.Invalidf("closing an incident needs who closes it")
		case inc.Status == intents.IncidentClosed:
			return closedError(*inc)
		}
		inc.Status, inc.ClosedBy, inc.ClosedAt, inc.Closing = intents.IncidentClosed, by, now, why
		return t.Audit(incidentRecord(*inc, EventClosed, by, now, details(inc.Summary, "why: "+why)))
	})
}

func closedError(inc intents.Incident) error {
	return fmt.Errorf("%w (by %s at %s, %s)", ErrIncidentClosed, inc.ClosedBy, inc.ClosedAt.Format(time.RFC3339), inc.Closing)
}

// SetAnswer is Store.SetAnswer on any store.
func (o IncidentOps) SetAnswer(id, answer string, at time.Time) (intents.Incident, error) {
	at = at.UTC().Round(0)
	return o.changeIncident("answer", id, func(t IncidentTx, inc *intents.Incident) error {
		switch answer {
		case intents.AnswerYes, intents.AnswerNo:
			inc.Answer, inc.AnsweredAt = answer, at
			// The person's word changes the incident's confidence: it is
			// on the record like the buttons.
			return t.Audit(incidentRecord(*inc, EventAnswered, "", at, "was this you? "+answer))
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

// Suppress is Store.Suppress on any store.
func (o IncidentOps) Suppress(sp intents.Suppression) (intents.Suppression, error) {
	now := o.Now()
	sp.Detection, sp.User, sp.IP, sp.By = strings.TrimSpace(sp.Detection), strings.TrimSpace(sp.User), strings.TrimSpace(sp.IP), strings.TrimSpace(sp.By)
	sp.Until, sp.At, sp.Incident = sp.Until.UTC().Round(0), now, canonicalID(sp.Incident)
	if err := checkSuppression(sp, now); err != nil {
		return intents.Suppression{}, fmt.Errorf("approvals: suppress: %w", err)
	}
	err := o.Update(func(t IncidentTx) error {
		var err error
		if sp.ID, err = freeID(t, suppressionPrefix); err != nil {
			return err
		}
		if err := t.PutSuppression(sp); err != nil {
			return err
		}
		return t.Audit(suppressionRecord(sp, EventSuppressed, sp.By, now))
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

// liveSuppressions keeps those of all live at now, oldest first.
func liveSuppressions(all []intents.Suppression, now time.Time) []intents.Suppression {
	out := slices.DeleteFunc(all, func(sp intents.Suppression) bool { return !sp.Until.After(now) })
	sortByTime(out, false, func(sp intents.Suppression) (time.Time, string) { return sp.At, sp.ID })
	return out
}

// Suppressions is Store.Suppressions on any store.
func (o IncidentOps) Suppressions() ([]intents.Suppression, error) {
	now := o.Now()
	var out []intents.Suppression
	err := o.View(func(t IncidentTx) error {
		all, err := t.AllSuppressions()
		out = liveSuppressions(all, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("approvals: suppressions: %w", err)
	}
	return out, nil
}

// RemoveSuppression is Store.RemoveSuppression on any store.
func (o IncidentOps) RemoveSuppression(id, by string) error {
	id = canonicalID(id)
	now := o.Now()
	if strings.TrimSpace(by) == "" {
		return fmt.Errorf("approvals: remove suppression %s: %w", id, intents.Invalidf("removing a suppression needs who removes it"))
	}
	err := o.Update(func(t IncidentTx) error {
		sp, err := t.LoadSuppression(id)
		if err != nil {
			return err
		}
		if err := t.DeleteSuppression(id); err != nil {
			return err
		}
		return t.Audit(suppressionRecord(sp, EventUnsuppressed, by, now))
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
