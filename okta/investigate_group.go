package okta

import (
	"context"
	"sync"
)

// group runs independent calls concurrently, like golang.org/x/sync's
// errgroup (not a dependency of this module): Wait returns the first
// error, and the first failure cancels the context the others run with, so
// that they stop early instead of spending rate limit on an answer nobody
// will read. Each call still goes through the transport, which paces its
// endpoint family: running calls of different families at once stays
// within Okta's limits.
type group struct {
	wg     sync.WaitGroup
	cancel context.CancelFunc
	once   sync.Once
	err    error
}

// newGroup returns a group and the context its calls must use.
func newGroup(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

// Go runs f in its own goroutine.
func (g *group) Go(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	})
}

// Wait waits for every call and returns the first error.
func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
