package bot

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The watcher (docs/architecture.md, "an alert"): every WatchEvery the
// System Log is read from the committed cursor until caught up; each page
// is fed to the detections and committed with its findings' incidents in
// one store transaction (Incidents.CommitWatch); every incident that
// changed is then brought to the alert channel: a new one as a message
// with the proposed fixes in its thread, a grown one by updating that
// message and adding one thread line, a rise in severity by sending that
// line to the channel too. Incidents whose message is behind their
// version (a crash between commit and post) are posted when Run starts.

// Watcher is what the bot needs to watch the org: the System Log poller
// with its detections (okta.Watcher).
type Watcher interface {
	// Poll reads the System Log from where the last committed batch left
	// it until caught up, handing each page's batch to commit in order;
	// it stops at the first error commit returns, and a later Poll
	// starts again from the last batch committed.
	Poll(ctx context.Context, commit func(intents.WatchBatch) error) error
	// Remedies are the fixes an incident's findings call for, their
	// targets resolved to Okta ids.
	Remedies(ctx context.Context, inc intents.Incident) ([]intents.Action, error)
	// Combine scores an incident's findings together.
	Combine(fs []intents.Finding) (int, intents.Severity)
	// SignIn is what "was this you?" asks about: the Okta email of the
	// person an incident is about and their newest sign-in among its
	// findings' events; ok is false when it names no sign-in of theirs.
	SignIn(ctx context.Context, inc intents.Incident) (email string, ev intents.Event, ok bool, err error)
}

// Incidents is what the bot needs from the incident store.
type Incidents interface {
	CommitWatch(b intents.WatchBatch, o intents.WatchOptions) ([]intents.IncidentChange, int, error)
	AddFindings(fs []intents.Finding, now time.Time, o intents.WatchOptions) ([]intents.IncidentChange, error)
	Incident(id string) (intents.Incident, error)
	Incidents(open bool) ([]intents.Incident, error)
	Unposted() ([]intents.Incident, error)
	SetIncidentMessage(id, channel, ts string, version int, notified intents.Severity) error
	SetIncidentProposals(id string, proposalIDs []string) error
	Acknowledge(id, by string) (intents.Incident, error)
	CloseIncident(id, by, why string) (intents.Incident, error)
	Suppress(sp intents.Suppression) (intents.Suppression, error)
	Suppressions() ([]intents.Suppression, error)
	RemoveSuppression(id, by string) error
	SetAnswer(id, answer string, at time.Time) (intents.Incident, error)
}

// DefaultWatchEvery is the watcher's default interval.
const DefaultWatchEvery = time.Minute

// MinWatchEvery is the shortest interval the watcher accepts.
const MinWatchEvery = 10 * time.Second

// WatchHealth is how the watcher is doing, for /healthz, metrics and App
// Home.
type WatchHealth struct {
	On bool
	// Leading is whether this replica runs the watcher now (always, with
	// no Config.Leadership), and since when.
	Leading      bool
	LeadingSince time.Time
	Every        time.Duration
	LastPoll     time.Time // the last poll that ended, well or not
	LastOK       time.Time // the last poll that caught up
	LastErr      string    // why the last poll failed; "" when it caught up
	// Lag is how far the newest event read is behind the time it was
	// read at.
	Lag             time.Duration
	EventsRead      int64
	IncidentsOpened int64
	Suppressed      int64
	// PerMinute is the events read in the last full minute of polling.
	PerMinute int64
}

// Healthy reports whether the watcher polled successfully within five
// intervals of now, counted from when this replica began to lead if it
// has not polled since (or it is off, or another replica leads).
func (h WatchHealth) Healthy(now time.Time) bool {
	if !h.On || !h.Leading {
		return true
	}
	last := h.LastOK
	if last.Before(h.LeadingSince) {
		last = h.LeadingSince
	}
	return !last.IsZero() && now.Sub(last) <= 5*h.Every
}

// watchState holds the health figures; it is safe for concurrent use.
type watchState struct {
	mu      sync.Mutex
	h       WatchHealth
	started time.Time // when this process began watching
	minute  time.Time // the start of the minute being counted
	count   int64     // events read in it
}

func (s *watchState) snapshot() WatchHealth {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.h
}

func (s *watchState) batch(b intents.WatchBatch, opened, suppressed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h.EventsRead += int64(b.Events)
	s.h.IncidentsOpened += int64(opened)
	s.h.Suppressed += int64(suppressed)
	if !b.Newest.IsZero() {
		s.h.Lag = max(b.Now.Sub(b.Newest), 0)
	}
	m := b.Now.Truncate(time.Minute)
	if !m.Equal(s.minute) {
		if m.Sub(s.minute) == time.Minute {
			s.h.PerMinute = s.count
		} else {
			s.h.PerMinute = 0
		}
		s.minute, s.count = m, 0
	}
	s.count += int64(b.Events)
}

func (s *watchState) polled(at time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h.LastPoll = at
	if err != nil {
		s.h.LastErr = err.Error()
		return
	}
	s.h.LastOK, s.h.LastErr = at, ""
}

// watchOn reports whether the watcher is configured.
func (b *Bot) watchOn() bool {
	return b.cfg.Watch != nil && b.cfg.Incidents != nil && b.cfg.AlertChannel != ""
}

// WatchHealth is the watcher's health now.
func (b *Bot) WatchHealth() WatchHealth {
	h := b.watching.snapshot()
	h.On, h.Every = b.watchOn(), b.cfg.WatchEvery
	h.Leading, h.LeadingSince = b.Leading()
	return h
}

// watch runs the watcher until ctx ends.
func (b *Bot) watch(ctx context.Context) {
	b.watching.mu.Lock()
	b.watching.started = b.cfg.Now()
	b.watching.mu.Unlock()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		b.pollOnce(ctx)
		t.Reset(b.cfg.WatchEvery)
	}
}

// pollOnce reads the System Log until caught up, committing and alerting
// page by page.
func (b *Bot) pollOnce(ctx context.Context) {
	b.flushIncidents(ctx) // what an earlier poll could not post
	if ctx.Err() != nil {
		return // the lead was lost (or the bot stops) meanwhile
	}
	opts := intents.WatchOptions{Window: b.cfg.IncidentWindow, Combine: b.cfg.Watch.Combine}
	err := b.cfg.Watch.Poll(ctx, func(batch intents.WatchBatch) error {
		changes, suppressed, err := b.cfg.Incidents.CommitWatch(batch, opts)
		if err != nil {
			return err
		}
		opened := 0
		for _, ch := range changes {
			if ch.New {
				opened++
			}
		}
		b.watching.batch(batch, opened, suppressed)
		// New incidents first: the channel's pace is shared, and an
		// incident that grew is in the channel already.
		slices.SortStableFunc(changes, func(x, y intents.IncidentChange) int {
			return cmp.Compare(btoi(!x.New), btoi(!y.New))
		})
		for _, ch := range changes {
			b.alert(ctx, ch)
		}
		return nil
	})
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return
	}
	if err != nil {
		b.log.Warn("watcher: the System Log read stopped; the next poll resumes from the last committed page", "err", err)
	}
	b.watching.polled(b.cfg.Now(), err)
	if b.cfg.WatchObserve != nil {
		b.cfg.WatchObserve(b.WatchHealth())
	}
}

// alerted reports whether inc is severe enough to be in the channel.
func (b *Bot) alerted(inc intents.Incident) bool {
	return inc.Severity.Rank() >= b.cfg.AlertMin.Rank()
}

// btoi is 1 for true.
func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// flushIncidents posts what the store holds that Slack does not show yet.
func (b *Bot) flushIncidents(ctx context.Context) {
	incs, err := b.cfg.Incidents.Unposted()
	if err != nil {
		b.log.Error("watcher: cannot list incidents not yet posted", "err", err)
		return
	}
	for _, inc := range incs {
		b.alert(ctx, intents.IncidentChange{Incident: inc}) // not New: its message may be in Slack already
	}
}
