package okta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
)

// The watcher's Okta side: the System Log read in polling mode (Poll)
// fed page by page to the streaming detections (detect.Engine). Each page
// becomes one intents.WatchBatch (the cursor after it, the detection
// windows it changed and the findings it made or grew) that the caller
// commits before the next page is read.

// Defaults of WatchConfig.
const (
	DefaultWatchBackfill = time.Hour
)

// WatchConfig configures a Watcher.
type WatchConfig struct {
	// Backfill is how far back the first poll reads when nothing was
	// committed yet (default DefaultWatchBackfill).
	Backfill time.Duration
	// Limits bound the detection windows (zero: detect's defaults).
	Limits detect.Limits
	// Load returns the committed cursor and detection windows: at the
	// start, and after a commit failed (the engine may then hold a page
	// that was not committed, so it is rebuilt from what was).
	Load func() (cursor string, windows map[string][]byte, err error)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Watcher polls the System Log and runs the detections on what it reads.
// One goroutine uses it at a time.
type Watcher struct {
	c      *Client
	cfg    WatchConfig
	eng    *detect.Engine // nil: to be rebuilt from Load
	cursor string
}

// NewWatcher returns a watcher of c's org.
func (c *Client) NewWatcher(cfg WatchConfig) *Watcher {
	if cfg.Backfill <= 0 {
		cfg.Backfill = DefaultWatchBackfill
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Load == nil {
		cfg.Load = func() (string, map[string][]byte, error) { return "", nil, nil }
	}
	return &Watcher{c: c, cfg: cfg}
}

// load rebuilds the engine from the committed state.
func (w *Watcher) load() error {
	cursor, windows, err := w.cfg.Load()
	if err != nil {
		return fmt.Errorf("okta: watcher: reading the committed state: %w", err)
	}
	eng := detect.NewEngine(w.c.s.detect, w.cfg.Limits)
	if err := eng.Restore(windows); err != nil {
		return fmt.Errorf("okta: watcher: restoring the detection windows: %w", err)
	}
	w.eng, w.cursor = eng, cursor
	return nil
}

// Poll reads from the committed cursor until Okta has nothing newer,
// handing each page to commit; see bot.Watcher.
func (w *Watcher) Poll(ctx context.Context, commit func(intents.WatchBatch) error) error {
	if w.eng == nil {
		if err := w.load(); err != nil {
			return err
		}
	}
	since := w.cfg.Now().Add(-w.cfg.Backfill)
	read := false
	for p, err := range w.c.Poll(ctx, w.cursor, since) {
		if err != nil && !read && w.cursor != "" && errors.Is(err, intents.ErrInvalid) {
			// A cursor this org refuses (its URL changed) would stop the
			// watcher for good: start again from the backfill, saying
			// what may be missed.
			w.c.log.Warn("okta: watcher: the stored System Log cursor is refused; reading again from the backfill window, events older than it and not yet read are not watched",
				"backfill", w.cfg.Backfill, "err", err)
			w.cursor = ""
			return w.Poll(ctx, commit)
		}
		if err != nil {
			return err
		}
		read = true
		b := intents.WatchBatch{
			Cursor:   p.Cursor,
			Findings: w.eng.Feed(p.Events),
			Windows:  w.eng.TakeDirty(),
			Events:   len(p.Events),
			Now:      w.cfg.Now(),
		}
		for _, e := range p.Events {
			if e.Published.After(b.Newest) {
				b.Newest = e.Published
			}
		}
		if err := commit(b); err != nil {
			w.eng = nil // holds a page that was not committed
			return err
		}
		w.cursor = p.Cursor
		if !b.Newest.IsZero() {
			// The incidents hold what was found; the engine keeps only
			// what a window can still grow.
			w.eng.Forget(b.Newest.Add(-max(w.cfg.Limits.Window, detect.DefaultWindow)))
		}
		if p.CaughtUp {
			return nil
		}
	}
	return nil
}

// Combine scores findings about one subject together, as investigations
// do: the worst detection in full, half of each other's worst.
func (w *Watcher) Combine(fs []intents.Finding) (int, intents.Severity) {
	return detect.Combine(fs)
}

// Remedies proposes the fixes for an incident's findings, their users
// resolved to Okta ids.
func (w *Watcher) Remedies(ctx context.Context, inc intents.Incident) ([]intents.Action, error) {
	return w.c.resolveTargets(ctx, remedies(inc.Findings, map[string]string{}), map[string]string{})
}

// SignIn is what "was this you?" asks the person an incident is about:
// their Okta email, and their newest successful sign-in among the
// incident's events (read back from the System Log by uuid). ok is false
// for an org-wide incident or one that names no sign-in of theirs.
func (w *Watcher) SignIn(ctx context.Context, inc intents.Incident) (string, intents.Event, bool, error) {
	if inc.Subject == "" {
		return "", intents.Event{}, false, nil
	}
	u, err := w.c.ResolveUser(ctx, inc.Subject)
	if err != nil {
		return "", intents.Event{}, false, err
	}
	var ids []string
	var last time.Time
	for _, f := range inc.Findings {
		for _, id := range f.Events {
			if len(ids) < maxSignInUUIDs && !strings.Contains(id, ":") { // answers and locators are not Okta's
				ids = append(ids, term("uuid", "eq", id))
			}
		}
		if f.Last.After(last) {
			last = f.Last
		}
	}
	if len(ids) == 0 {
		return "", intents.Event{}, false, nil
	}
	if last.IsZero() {
		last = w.cfg.Now()
	}
	q := logQuery{since: last.Add(-detect.Span(w.c.s.detect)).Truncate(time.Millisecond), until: last.Add(time.Millisecond).Truncate(time.Millisecond), filter: anyOf(ids...)}
	g, err := w.c.gather(w.c.descending(ctx, q, nil), 0)
	if err != nil {
		return "", intents.Event{}, false, err
	}
	for _, e := range g.events { // newest first
		if e.Actor.ID == u.ID && e.Outcome.Result == "SUCCESS" && e.Client.IP != "" {
			return u.Email, e, u.Email != "", nil
		}
	}
	return u.Email, intents.Event{}, false, nil
}

// maxSignInUUIDs bounds the uuids one SignIn asks Okta for.
const maxSignInUUIDs = 40
