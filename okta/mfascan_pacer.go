package okta

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// windowPacer keeps a bulk job (the MFA scan's factor reads) at the limit
// of one rate-limit family without ever exceeding it, from the
// X-Rate-Limit-* headers of the job's own answers.
//
// Okta counts calls in fixed windows: X-Rate-Limit-Limit calls until
// X-Rate-Limit-Reset. The pacer estimates the calls counted in the current
// window as the highest count an answer of that window reported
// (Limit − Remaining, which includes other clients' calls) plus the job's
// calls still in flight, which Okta may or may not have counted yet. That
// estimate is never below Okta's count, and it is exact once the calls in
// flight have answered. A call is sent while the estimate is below the
// limit; when it is not, the pacer waits for the calls in flight (their
// answers make the estimate exact) and, if the window is really full,
// until its reset. Until the first answer says what the limit is, one call
// is in flight at a time.
//
// Because a call is only sent when the window has room for it, the
// transport's own pacing (which slows the last tenth of a window and waits
// for the reset when it thinks nothing remains) never holds a call past
// the reset: it sees at least one remaining call.
type windowPacer struct {
	now    func() time.Time
	margin time.Duration // added to every wait for a reset, for clock error
	share  float64       // of the limit the job may use; 0 or 1: all of it

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced when an answer arrives
	limit     int           // 0: not known yet
	unlimited bool          // answers carry no rate-limit headers
	reset     time.Time     // end of the window the counts belong to
	stale     bool          // reset has passed: counts are of a finished window
	used      int           // highest count an answer of the window reported
	inflight  int
}

// resetMargin is how long after X-Rate-Limit-Reset the pacer resumes:
// enough for a small difference between the clocks, small beside Okta's
// one-minute windows.
const resetMargin = 50 * time.Millisecond

// newWindowPacer starts from the family's last known state (zero: none).
func newWindowPacer(seed RateLimit, now func() time.Time) *windowPacer {
	p := &windowPacer{now: now, margin: resetMargin, changed: make(chan struct{})}
	if seed.Limit > 0 && seed.Reset.After(now()) {
		p.limit, p.reset = seed.Limit, seed.Reset
		p.used = max(0, seed.Limit-seed.Remaining)
	}
	return p
}

// acquire waits until a call may be sent, and counts it as in flight.
// Every acquire must be followed by one release.
func (p *windowPacer) acquire(ctx context.Context) error {
	for {
		p.mu.Lock()
		ok, wait := p.admit(p.now())
		changed := p.changed
		p.mu.Unlock()
		switch {
		case ok:
			return nil
		case wait > 0:
			if err := sleep(ctx, wait); err != nil {
				return err
			}
		default:
			select {
			case <-changed:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// admit decides, with p.mu held, whether a call may be sent at now, and
// counts it when it may. When it may not, wait is how long until the
// window resets, or 0 when an answer in flight must be waited for.
func (p *windowPacer) admit(now time.Time) (ok bool, wait time.Duration) {
	if !p.reset.IsZero() && !now.Before(p.reset) && !p.stale {
		// The window is over: Okta counts afresh. Calls still in flight
		// stay in the estimate (they may be counted in the new window).
		p.stale, p.used = true, 0
	}
	switch {
	case p.unlimited:
		ok = true
	case p.limit == 0:
		ok = p.inflight == 0
	case p.used+p.inflight < p.budget():
		ok = true
	case p.inflight == 0:
		return false, p.reset.Sub(now) + p.margin
	}
	if ok {
		p.inflight++
	}
	return ok, 0
}

// budget is the calls a window may count before the job waits: the
// job's share of the limit, at least one.
func (p *windowPacer) budget() int {
	if p.share <= 0 || p.share >= 1 {
		return p.limit
	}
	return max(1, int(float64(p.limit)*p.share))
}

// knownLimit is the bucket's limit once an answer said it (0 before).
func (p *windowPacer) knownLimit() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limit
}

// release records the answer of a call acquire let through (nil: it got
// none) and wakes the waiting callers.
func (p *windowPacer) release(resp *http.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	defer func() {
		close(p.changed)
		p.changed = make(chan struct{})
	}()
	if resp == nil {
		return
	}
	limit, err1 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Limit"))
	remaining, err2 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Remaining"))
	resetSec, err3 := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || limit <= 0 {
		if resp.StatusCode >= 200 && resp.StatusCode < 300 && resp.Header.Get("X-Rate-Limit-Limit") == "" {
			p.unlimited = true // a success without limits: the family is not limited
		}
		return
	}
	p.unlimited = false
	reset := time.Unix(resetSec, 0).Add(skew(resp.Header, p.now()))
	used := max(0, limit-remaining)
	p.limit = limit
	switch {
	case reset.After(p.reset):
		// An answer of a newer window.
		p.reset, p.stale, p.used = reset, false, used
	case reset.Equal(p.reset) && !p.stale:
		p.used = max(p.used, used)
	}
}

// skew is how far Okta's clock (its Date header) is behind ours, when the
// two disagree by more than the header's one-second precision can
// explain; reset times are moved onto our clock by it.
func skew(h http.Header, now time.Time) time.Duration {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return 0
	}
	if diff := now.Sub(d); diff > 2*time.Second || diff < -2*time.Second {
		return diff.Truncate(time.Second)
	}
	return 0
}
