package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// Work runs in lanes, each with its own workers and a bounded queue, so
// that what is quick never waits behind what is slow:
//
//   - quick: lookups (users, groups, apps), pages, forms, proposals;
//   - long: investigations, threat sweeps, MFA scans, failed and
//     suspicious logins, exports (Config.LongWorkers, a few: they read a
//     whole window or every user, and Okta's rate limits are shared);
//   - decide: Approve, Reject and Undo, so that a click is never behind
//     anything else.
//
// A person has at most Config.MaxPerUser requests admitted at once
// (waiting or worked on), across the quick and long lanes; the next one,
// like one that finds its lane's queue full, is answered "busy" at once
// and privately rather than left waiting in silence. Decisions do not
// count against the person: refusing an approver's click because their
// own investigations run would put the click behind them after all; the
// decide lane's queue bounds them.
//
// Modals open outside the lanes (openNow): a trigger id lives 3 seconds,
// so views.open cannot wait for a worker.

// laneID names a lane.
type laneID int

const (
	quickLane laneID = iota
	longLane
	decideLane
	numLanes
)

var laneNames = [numLanes]string{"quick", "long", "decide"}

// laneFor is the lane of a piece of work, by what it is: a query kind, or
// one of the names the handlers give (approve, export, …).
func laneFor(what string) laneID {
	switch what {
	case "approve", "reject", "undo":
		return decideLane
	case "export", "mfa_refresh":
		return longLane
	}
	if long(intents.Kind(what)) {
		return longLane
	}
	return quickLane
}

// lane is a set of workers and the requests waiting for them.
type lane struct {
	workers chan struct{} // a token for each request being worked on
	room    int           // requests held at most: the workers and the queue
	held    int           // admitted and not finished; guarded by lanes.mu
}

// lanes admits work into the lanes and counts each person's requests.
type lanes struct {
	mu         sync.Mutex
	lane       [numLanes]*lane
	perUser    map[string]int
	maxPerUser int
}

func newLanes(cfg Config) *lanes {
	ls := &lanes{perUser: map[string]int{}, maxPerUser: cfg.MaxPerUser}
	workers := [numLanes]int{cfg.Workers, cfg.LongWorkers, cfg.DecideWorkers}
	for id := range numLanes {
		ls.lane[id] = &lane{workers: make(chan struct{}, workers[id]), room: workers[id] + cfg.Queue}
	}
	if cfg.onePool {
		// Every request in one pool of Workers, as before lanes: only for
		// comparison in benchmarks.
		ls.lane[longLane], ls.lane[decideLane] = ls.lane[quickLane], ls.lane[quickLane]
	}
	return ls
}

// busyReason says why a request was not admitted.
type busyReason int

const (
	notBusy busyReason = iota
	busyPerson
	busyLane
)

// ticket is admitted work: its place in a lane and, for a person's
// request, one of that person's places. Only the goroutine running the
// work uses it.
type ticket struct {
	ls      *lanes
	lane    *lane
	user    string // whose request counts; "" for none
	working bool   // holds one of lane's workers
}

// admit places work in lane id. A person's request (user not "") is
// refused when that person has MaxPerUser requests admitted (unless it is
// a decision) or when the lane's queue is full; the bot's own work
// (user "") is always admitted.
func (ls *lanes) admit(id laneID, user string) (*ticket, busyReason) {
	l := ls.lane[id]
	counted := user != "" && id != decideLane
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if user != "" {
		if counted && ls.perUser[user] >= ls.maxPerUser {
			return nil, busyPerson
		}
		if l.held >= l.room {
			return nil, busyLane
		}
	}
	l.held++
	t := &ticket{ls: ls, lane: l}
	if counted {
		ls.perUser[user]++
		t.user = user
	}
	return t, notBusy
}

// work waits for a worker of the ticket's lane; false when ctx ends first.
func (t *ticket) work(ctx context.Context) bool {
	select {
	case t.lane.workers <- struct{}{}:
		t.working = true
		return true
	case <-ctx.Done():
		return false
	}
}

// done gives back the ticket's worker and places.
func (t *ticket) done() {
	if t.working {
		<-t.lane.workers
		t.working = false
	}
	ls := t.ls
	ls.mu.Lock()
	defer ls.mu.Unlock()
	t.lane.held--
	if t.user != "" {
		if ls.perUser[t.user]--; ls.perUser[t.user] <= 0 {
			delete(ls.perUser, t.user)
		}
	}
}

// move takes the ticket to lane id: it gives back its worker and waits for
// one there. It refuses (busyLane) when that lane's queue is full, and
// returns ctx's error when ctx ends while it waits.
func (t *ticket) move(ctx context.Context, id laneID) (busyReason, error) {
	to := t.ls.lane[id]
	if to == t.lane {
		return notBusy, nil
	}
	t.ls.mu.Lock()
	if to.held >= to.room {
		t.ls.mu.Unlock()
		return busyLane, nil
	}
	t.lane.held--
	to.held++
	t.ls.mu.Unlock()
	if t.working {
		<-t.lane.workers
		t.working = false
	}
	t.lane = to
	if !t.work(ctx) {
		return notBusy, ctx.Err()
	}
	return notBusy, nil
}

type ticketKey struct{}

// spawn runs the bot's own work (or work no person is charged for) in
// its lane with the timeout of what it is. It returns at once: waiting for
// a worker happens in the new goroutine.
func (b *Bot) spawn(what string, fn func(ctx context.Context)) {
	b.spawnFor(what, 0, fn)
}

// spawnFor is spawn with a timeout (0: the timeout of what it is).
func (b *Bot) spawnFor(what string, timeout time.Duration, fn func(ctx context.Context)) {
	t, _ := b.lanes.admit(laneFor(what), "")
	b.start(t, what, timeout, fn)
}

// request runs a person's request in its lane, with a timeout (0: the
// timeout of what it is), or tells them at once, privately, that oktabot
// is busy. It reports whether the request was admitted.
func (b *Bot) request(o origin, what string, timeout time.Duration, fn func(ctx context.Context)) bool {
	t, why := b.lanes.admit(laneFor(what), o.user)
	if t == nil {
		b.log.Info("request refused: busy", "what", what, "lane", laneNames[laneFor(what)], "user", o.user, "channel", o.channel, "reason", why)
		b.openNow(o, "busy", func(ctx context.Context) {
			if err := b.tell(ctx, o, b.busy(why)); err != nil {
				b.log.Error("could not say oktabot is busy", "user", o.user, "err", err)
			}
		})
		return false
	}
	b.start(t, what, timeout, fn)
	return true
}

// ackRequest answers a slash command's envelope and runs its work: the
// ack is ack when the request is admitted, else "busy" (privately, at
// once, in the ack itself).
func (b *Bot) ackRequest(req *socketmode.Request, ack any, o origin, what string, fn func(ctx context.Context)) {
	t, why := b.lanes.admit(laneFor(what), o.user)
	if t == nil {
		b.log.Info("slash command refused: busy", "what", what, "lane", laneNames[laneFor(what)], "user", o.user, "channel", o.channel, "reason", why)
		b.ackPrivately(req, b.busy(why))
		return
	}
	b.ack(req, ack)
	b.start(t, what, 0, fn)
}

// start runs admitted work in a new goroutine once its lane has a worker
// for it.
func (b *Bot) start(t *ticket, what string, timeout time.Duration, fn func(ctx context.Context)) {
	if timeout <= 0 {
		timeout = b.timeoutFor(what)
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer t.done()
		if !t.work(b.work) {
			return
		}
		ctx, cancel := context.WithTimeout(context.WithValue(b.work, ticketKey{}, t), timeout)
		defer cancel()
		b.guarded(ctx, what, fn)
	}()
}

func (b *Bot) timeoutFor(what string) time.Duration {
	if long(intents.Kind(what)) || what == "mfa_refresh" {
		return b.cfg.LongTimeout
	}
	return b.cfg.Timeout
}

// moveTo continues the request of ctx in the lane of kind k (a request
// whose kind is known only once it is understood, such as free text). It
// reports false when the request ended: that lane is full (the person is
// told) or ctx ended while it waited.
func (b *Bot) moveTo(ctx context.Context, o origin, k intents.Kind) bool {
	t, ok := ctx.Value(ticketKey{}).(*ticket)
	if !ok {
		return true
	}
	why, err := t.move(ctx, laneFor(string(k)))
	switch {
	case err != nil:
		b.fail(ctx, o, intents.Intent{Kind: k}, err)
		return false
	case why != notBusy:
		b.log.Info("request refused: busy", "what", k, "lane", laneNames[laneFor(string(k))], "user", o.user, "channel", o.channel, "reason", why)
		if err := b.tell(ctx, o, b.busy(why)); err != nil {
			b.log.Error("could not say oktabot is busy", "user", o.user, "err", err)
		}
		return false
	}
	return true
}

// openNow runs fn at once outside the lanes, in a goroutine of its own:
// for what cannot wait for a worker (views.open, whose trigger id lives 3
// seconds) and for answers that must come at once ("busy"). At most
// instantMax run at a time; past that the person is told privately.
func (b *Bot) openNow(o origin, what string, fn func(ctx context.Context)) {
	select {
	case b.instant <- struct{}{}:
	default:
		b.log.Warn("too much at once outside the lanes; dropped", "what", what, "user", o.user)
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() { <-b.instant }()
		ctx, cancel := context.WithTimeout(b.work, b.cfg.Timeout)
		defer cancel()
		b.guarded(ctx, what, fn)
	}()
}

// instantMax bounds the goroutines openNow runs at once.
const instantMax = 32

// guarded runs fn, logging a panic instead of crashing the bot.
func (b *Bot) guarded(ctx context.Context, what string, fn func(ctx context.Context)) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic in request", "what", what, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	fn(ctx)
}

// busy is the answer to a request that was not admitted.
func (b *Bot) busy(why busyReason) blocks.Message {
	if why == busyPerson {
		return blocks.Error(blocks.ErrorInfo{
			Title:    fmt.Sprintf("You already have %d requests running", b.cfg.MaxPerUser),
			WhatToDo: "oktabot is busy with your requests: try again in a minute, once one of them has answered.",
		})
	}
	return blocks.Error(blocks.ErrorInfo{
		Title:    "oktabot is busy",
		WhatToDo: "Too many requests are waiting: try again in a minute.",
	})
}

// String names a reason in the log.
func (r busyReason) String() string {
	switch r {
	case busyPerson:
		return "per_user_limit"
	case busyLane:
		return "queue_full"
	}
	return "none"
}
