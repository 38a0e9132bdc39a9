package bot

import (
	"context"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The singletons are the work one replica must do for all: the watcher
// and its digest, the expiry of proposals, and the proposals an earlier
// run left approved or executing. With several replicas (Config.Leadership)
// only the elected leader runs them, and stops the moment it is no longer
// the leader; every replica answers Slack.

// Leadership elects the replica that runs the singletons.
type Leadership interface {
	// Campaign blocks until this replica leads, or ctx ends. It returns a
	// context that ends when the leadership is lost (its lease lapsed,
	// the store cut off) or ctx ends.
	Campaign(ctx context.Context) (context.Context, error)
}

// leaderRetry is the pause before campaigning again after a failure.
const leaderRetry = time.Second

// leading is whether this replica leads now, for health.
type leading struct {
	mu    sync.Mutex
	on    bool
	since time.Time
}

func (l *leading) set(on bool, at time.Time) {
	l.mu.Lock()
	l.on, l.since = on, at
	l.mu.Unlock()
}

// Leading reports whether this replica runs the singletons now, and since
// when (it always does without Config.Leadership).
func (b *Bot) Leading() (bool, time.Time) {
	b.leader.mu.Lock()
	defer b.leader.mu.Unlock()
	return b.leader.on, b.leader.since
}

// lead runs the singletons while this replica leads, until ctx ends.
// started is when Run began: proposals approved before it were approved
// by an earlier run.
func (b *Bot) lead(ctx context.Context, started time.Time) {
	if b.cfg.Leadership == nil {
		b.leader.set(true, b.cfg.Now())
		b.singletons(ctx, started)
		return
	}
	for ctx.Err() == nil {
		lctx, err := b.cfg.Leadership.Campaign(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.log.Warn("leadership: cannot campaign; trying again", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(leaderRetry):
			}
			continue
		}
		b.log.Info("leadership: this replica leads: it watches the System Log and runs the sweeps")
		b.leader.set(true, b.cfg.Now())
		// The lead is lost the moment the term ends, however long the
		// singletons take to return (a store call cut off from etcd
		// waits for its time-out); the next campaign waits for them.
		lost := make(chan struct{})
		context.AfterFunc(lctx, func() {
			b.leader.set(false, b.cfg.Now())
			close(lost)
		})
		b.singletons(lctx, started)
		<-lost
		if ctx.Err() == nil {
			b.log.Warn("leadership: lost; this replica stops watching and sweeping, and keeps answering Slack")
		}
	}
}

// singletons runs the leader's work until ctx ends and waits for it.
func (b *Bot) singletons(ctx context.Context, started time.Time) {
	var wg sync.WaitGroup
	if b.cfg.Proposals != nil {
		wg.Go(func() {
			b.cfg.Proposals.Sweep(ctx, b.cfg.SweepEvery, func(p intents.Proposal) {
				b.spawn("expired", func(ctx context.Context) { b.redraw(ctx, p, "") })
			})
		})
		for _, p := range b.cfg.Recovered {
			b.ReportUnknown(p)
		}
		b.spawn("reoffer", func(ctx context.Context) { b.reofferApproved(ctx, started, afterRestart) })
		wg.Go(func() { b.reofferStale(ctx) })
	}
	if b.watchOn() {
		wg.Go(func() { b.watch(ctx) })
		if b.cfg.DigestAt >= 0 {
			wg.Go(func() { b.digests(ctx) })
		}
	}
	<-ctx.Done()
	wg.Wait()
}
