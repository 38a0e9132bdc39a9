package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Pacer spaces the messages the bot posts to each channel. Slack lets an
// app post about one message a second to a channel (chat.postMessage's
// special rate limit), with short bursts; past that it answers 429, which
// slack-go retries after Retry-After (NewSlackClient). The proposals an
// investigation makes come as such a burst: paced, they arrive in order
// instead of through retries.
//
// A channel may post Burst messages at once, then one every Every (a
// generic cell rate: each channel's bucket refills at one message per
// Every). The zero value paces at Slack's rate on the real clock.
type Pacer struct {
	// Every is the spacing once a burst is spent (default 1s).
	Every time.Duration
	// Burst is how many messages a channel may post at once (default 3).
	Burst int
	// Now and Sleep are the clock (default: the real one); tests pace on
	// a virtual clock. Sleep returns ctx's error if ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error

	mu sync.Mutex
	// due is, per channel, when its bucket is full again (the
	// theoretical arrival time of its next message).
	due map[string]time.Time
}

// paceChannels is how many channels the pacer remembers before it forgets
// those whose bucket is full again.
const paceChannels = 1000

// Wait waits until a message may be posted to channel, and counts it.
func (p *Pacer) Wait(ctx context.Context, channel string) error {
	if d := p.reserve(channel); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}

// reserve counts a message to channel and returns how long it must wait.
func (p *Pacer) reserve(channel string) time.Duration {
	every, burst := p.Every, p.Burst
	if every <= 0 {
		every = time.Second
	}
	if burst <= 0 {
		burst = 3
	}
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.due == nil {
		p.due = map[string]time.Time{}
	}
	if len(p.due) >= paceChannels {
		for ch, due := range p.due {
			if !due.After(now) {
				delete(p.due, ch)
			}
		}
	}
	due := p.due[channel]
	if due.Before(now) {
		due = now
	}
	// The message may go once the bucket has room: Burst-1 messages
	// before it are allowed to be early.
	wait := due.Add(-time.Duration(burst-1) * every).Sub(now)
	p.due[channel] = due.Add(every)
	return max(wait, 0)
}

func (p *Pacer) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// postMessage posts to channel at the channel's pace: every message the
// bot posts (chat.postMessage) goes through here.
func (b *Bot) postMessage(ctx context.Context, channel string, opts ...slack.MsgOption) (string, string, error) {
	if err := b.cfg.Pace.Wait(ctx, channel); err != nil {
		return "", "", fmt.Errorf("bot: waiting to post to %s: %w", channel, err)
	}
	return b.api.PostMessageContext(ctx, channel, opts...)
}
