package okta

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// logSlices is how many slices of a busy window an investigation reads at
// once. Every call still goes through the transport, which paces the logs
// bucket; a few calls in flight hide Okta's time per page (a second or
// more on a busy org) instead of paying it page after page.
const logSlices = 4

// sliced streams the events of q (newest first) that keep accepts (nil:
// all), in order. It reads the first page; when the window holds more, it
// reads what is older than that page in logSlices slices of time at once,
// each following its own next links, and hands the pages on in order,
// leaving out the events of the first page's last millisecond it reads
// again. A slice stops early once the newer ones hold as many kept events
// as one answer reads (Config.MaxEventsRead): the answer would not look at
// it.
func (c *Client) sliced(ctx context.Context, q logQuery, keep func(intents.Event) bool) iter.Seq2[page[intents.Event], error] {
	filter := func(p page[intents.Event]) page[intents.Event] {
		if keep != nil {
			p.items = slices.DeleteFunc(p.items, func(e intents.Event) bool { return !keep(e) })
		}
		return p
	}
	return func(yield func(page[intents.Event], error) bool) {
		var first page[json.RawMessage]
		got := false
		err := c.readParts(ctx, q, q.partsFrom(cursor{}), func(p page[json.RawMessage]) bool {
			first, got = p, true
			return false
		})
		if err != nil {
			yield(page[intents.Event]{}, err)
			return
		}
		if !got {
			return
		}
		p := c.decodeLogPage(q, first)
		pos := p.next.pos
		if !yield(filter(p), nil) || !p.more {
			return
		}
		if pos.IsZero() {
			// An empty first page (a part of a split window): read on
			// from its cursor, one page after another.
			for p, err := range c.readLog(ctx, q, p.next) {
				if err != nil {
					yield(page[intents.Event]{}, err)
					return
				}
				if !yield(filter(p), nil) {
					return
				}
			}
			return
		}
		seen := map[string]bool{}
		ms := pos.Truncate(time.Millisecond)
		for _, e := range p.items {
			if e.Published.Truncate(time.Millisecond).Equal(ms) {
				seen[e.UUID] = true
			}
		}
		parts := evenSlices(q.since, ms.Add(time.Millisecond), logSlices)
		bufs := make([]*sliceBuf, len(parts))
		for i := range bufs {
			bufs[i] = &sliceBuf{ready: make(chan struct{}, 1)}
		}
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		for i, part := range parts {
			wg.Go(func() {
				b := bufs[i]
				err := c.readParts(ctx, q, []logPart{part}, func(raw page[json.RawMessage]) bool {
					newer := int64(0)
					for _, o := range bufs[:i] {
						newer += o.n.Load()
					}
					if newer >= int64(c.s.maxRead) {
						return false
					}
					p := filter(c.decodeLogPage(q, raw))
					if i == 0 {
						p.items = slices.DeleteFunc(p.items, func(e intents.Event) bool { return seen[e.UUID] })
					}
					b.add(p)
					return ctx.Err() == nil
				})
				b.finish(err)
			})
		}
		for _, b := range bufs {
			for {
				pages, done, err := b.take(ctx)
				for _, p := range pages {
					if !yield(p, nil) {
						return
					}
				}
				if err != nil {
					yield(page[intents.Event]{}, err)
					return
				}
				if done {
					break
				}
			}
		}
	}
}

// evenSlices cuts [lo, hi) into n slices of equal time, newest first
// (fewer when it is too short for slices of minLogSplit).
func evenSlices(lo, hi time.Time, n int) []logPart {
	n = max(1, min(n, int(hi.Sub(lo)/minLogSplit)))
	step := hi.Sub(lo) / time.Duration(n)
	out := make([]logPart, 0, n)
	for i := range n {
		part := logPart{lo: lo.Add(time.Duration(i) * step).Truncate(time.Millisecond), hi: lo.Add(time.Duration(i+1) * step).Truncate(time.Millisecond)}
		if i == 0 {
			part.lo = lo
		}
		if i == n-1 {
			part.hi = hi
		}
		out = append(out, part)
	}
	slices.Reverse(out)
	return out
}

// sliceBuf holds the pages one slice has read until the consumer reaches
// it.
type sliceBuf struct {
	mu    sync.Mutex
	pages []page[intents.Event]
	done  bool
	err   error
	n     atomic.Int64  // kept events read
	ready chan struct{} // a page or the end arrived
}

func (b *sliceBuf) add(p page[intents.Event]) {
	b.mu.Lock()
	b.pages = append(b.pages, p)
	b.mu.Unlock()
	b.n.Add(int64(len(p.items)))
	b.signal()
}

func (b *sliceBuf) finish(err error) {
	b.mu.Lock()
	b.done, b.err = true, err
	b.mu.Unlock()
	b.signal()
}

func (b *sliceBuf) signal() {
	select {
	case b.ready <- struct{}{}:
	default:
	}
}

// take waits for pages or the end and returns them.
func (b *sliceBuf) take(ctx context.Context) ([]page[intents.Event], bool, error) {
	for {
		b.mu.Lock()
		pages, done, err := b.pages, b.done, b.err
		b.pages = nil
		b.mu.Unlock()
		if len(pages) > 0 || done {
			return pages, done, err
		}
		select {
		case <-b.ready:
		case <-ctx.Done():
			return nil, true, ctx.Err()
		}
	}
}
