package okta

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// answer is a response with rate-limit headers.
func answer(limit, remaining int, reset time.Time) *http.Response {
	h := http.Header{}
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
	return &http.Response{StatusCode: http.StatusOK, Header: h}
}

// TestWindowPacer drives the pacer step by step on a fixed clock: each
// step either admits a call (want "go"), refuses it until an answer comes
// ("answer") or until the reset ("reset"), or releases a call with an
// answer.
func TestWindowPacer(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	reset := t0.Add(5 * time.Second)
	type step struct {
		at      time.Duration // clock offset from t0
		release *http.Response
		want    string // "go", "answer", "reset" for an admit; "" for a release
	}
	admitAt := func(at time.Duration, want string) step { return step{at: at, want: want} }
	tests := []struct {
		name  string
		seed  RateLimit
		steps []step
	}{
		{"one call until the limit is known", RateLimit{}, []step{
			admitAt(0, "go"), admitAt(0, "answer"),
			{release: answer(3, 2, reset)},
			admitAt(0, "go"), admitAt(0, "go"), admitAt(0, "answer"), // 1 counted + 2 in flight = 3
		}},
		{"full window waits for the reset", RateLimit{}, []step{
			admitAt(0, "go"),
			{release: answer(2, 1, reset)},
			admitAt(0, "go"), admitAt(0, "answer"),
			{release: answer(2, 0, reset)},
			admitAt(time.Second, "reset"), // exact now: nothing in flight, 2 of 2 counted
			admitAt(5*time.Second, "go"),  // a new window
			admitAt(5*time.Second, "go"),
			admitAt(5*time.Second, "answer"),
		}},
		{"answers out of order keep the highest count", RateLimit{}, []step{
			admitAt(0, "go"),
			{release: answer(4, 3, reset)},
			admitAt(0, "go"), admitAt(0, "go"), admitAt(0, "go"), admitAt(0, "answer"),
			{release: answer(4, 0, reset)}, // the last one counted answers first
			{release: answer(4, 2, reset)},
			admitAt(0, "answer"), // 4 counted, 1 in flight
			{release: answer(4, 1, reset)},
			admitAt(0, "reset"),
		}},
		{"other clients' calls count", RateLimit{}, []step{
			admitAt(0, "go"),
			{release: answer(10, 1, reset)}, // 9 used: 8 by someone else
			admitAt(0, "go"), admitAt(0, "answer"),
		}},
		{"a stale answer does not refill a new window", RateLimit{}, []step{
			admitAt(0, "go"), admitAt(0, "answer"),
			{release: answer(2, 0, reset)},
			admitAt(6*time.Second, "go"),   // the window passed
			{release: answer(2, 0, reset)}, // an answer of the old window
			admitAt(6*time.Second, "go"), admitAt(6*time.Second, "go"),
			admitAt(6*time.Second, "answer"),
		}},
		{"seeded from the transport's last state", RateLimit{Limit: 5, Remaining: 0, Reset: reset}, []step{
			admitAt(0, "reset"),
			admitAt(5*time.Second, "go"),
		}},
		{"unlimited", RateLimit{}, []step{
			admitAt(0, "go"),
			{release: &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}},
			admitAt(0, "go"), admitAt(0, "go"), admitAt(0, "go"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			p := newWindowPacer(tt.seed, func() time.Time { return now })
			for i, s := range tt.steps {
				now = t0.Add(s.at)
				if s.release != nil {
					p.release(s.release)
					continue
				}
				p.mu.Lock()
				ok, wait := p.admit(now)
				p.mu.Unlock()
				got := "go"
				switch {
				case !ok && wait > 0:
					got = "reset"
					if want := reset.Sub(now) + resetMargin; wait != want {
						t.Errorf("step %d: admit() waits %v, want %v (until the reset)", i, wait, want)
					}
				case !ok:
					got = "answer"
				}
				if got != s.want {
					t.Errorf("step %d at +%v: admit() = %s, want %s", i, s.at, got, s.want)
				}
			}
		})
	}
}

func TestSkew(t *testing.T) {
	now := time.Date(2026, 10, 16, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		date string
		want time.Duration
	}{
		{now.Format(http.TimeFormat), 0},
		{now.Add(-time.Second).Format(http.TimeFormat), 0},
		{now.Add(-10 * time.Second).Format(http.TimeFormat), 10 * time.Second},
		{now.Add(30 * time.Second).Format(http.TimeFormat), -30 * time.Second},
		{"not a date", 0},
	}
	for _, tt := range tests {
		h := http.Header{"Date": {tt.date}}
		if got := skew(h, now); got != tt.want {
			t.Errorf("skew(Date: %s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

// With a share, a window admits only that share of the limit (at least
// one call), counting what others used.
func TestWindowPacerShare(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	for _, tt := range []struct {
		share     float64
		remaining int // of 10, when the job starts
		want      int // calls admitted before the window is full
	}{
		{0.5, 10, 5},
		{0.5, 7, 2}, // others used 3 of the 5
		{1, 10, 10},
		{0.01, 10, 1},
	} {
		p := newWindowPacer(RateLimit{Limit: 10, Remaining: tt.remaining, Reset: t0.Add(time.Minute)}, func() time.Time { return t0 })
		p.share = tt.share
		got := 0
		for {
			p.mu.Lock()
			ok, _ := p.admit(t0)
			p.mu.Unlock()
			if !ok {
				break
			}
			got++
		}
		if got != tt.want {
			t.Errorf("share %v with %d of 10 remaining: %d calls admitted, want %d", tt.share, tt.remaining, got, tt.want)
		}
	}
}
