package slackfake

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// testTimeout bounds every test; nothing here should take near it.
const testTimeout = 15 * time.Second

// harness is a fake Slack and the real slack-go Socket Mode client on it.
type harness struct {
	fake   *Server
	api    *slack.Client
	sm     *socketmode.Client
	events chan socketmode.Event
	runErr chan error
}

// onEvent decides what the client does with an event; the default acks
// every envelope without a payload.
type onEvent func(sm *socketmode.Client, evt socketmode.Event)

func ackAll(sm *socketmode.Client, evt socketmode.Event) {
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		_ = sm.Ack(*evt.Request)
	}
	if evt.Type == socketmode.EventTypeErrorBadMessage {
		ackBadMessage(sm, evt)
	}
}

// ackBadMessage acks an envelope slack-go could not parse, taking its id
// from the raw message.
func ackBadMessage(sm *socketmode.Client, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var probe struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if json.Unmarshal(bad.Message, &probe) == nil && probe.EnvelopeID != "" {
		_ = sm.AckCtx(context.Background(), probe.EnvelopeID, nil)
	}
}

// start runs a fake with opts and a connected client. handle may be nil.
func start(t *testing.T, opts Options, handle onEvent) (*harness, context.Context) {
	t.Helper()
	if handle == nil {
		handle = ackAll
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	fake := New(opts)
	o := fake.Options()
	api := slack.New(o.BotToken, slack.OptionAppLevelToken(o.AppToken), slack.OptionAPIURL(fake.APIURL()))
	sm := socketmode.New(api, socketmode.OptionPingInterval(2*o.PingInterval))
	h := &harness{fake: fake, api: api, sm: sm, events: make(chan socketmode.Event, 256), runErr: make(chan error, 1)}

	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { h.runErr <- sm.RunContext(runCtx) })
	wg.Go(func() {
		for {
			select {
			case <-runCtx.Done():
				return
			case evt := <-sm.Events:
				handle(sm, evt)
				select {
				case h.events <- evt:
				default:
					t.Errorf("harness: event buffer full, dropped %s", evt.Type)
				}
			}
		}
	})
	t.Cleanup(func() {
		stop()
		wg.Wait()
		fake.Close()
		cancel()
		if u := fake.UnknownCalls(); len(u) > 0 && !t.Failed() {
			t.Errorf("UnknownCalls() = %q, want none", u)
		}
	})
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("WaitConnections(1): %v", err)
	}
	return h, ctx
}

// next returns the next event of type typ, skipping others.
func (h *harness) next(t *testing.T, ctx context.Context, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for a %s event: %v", typ, ctx.Err())
		case evt := <-h.events:
			if evt.Type == typ {
				return evt
			}
		}
	}
}

// clock is a settable Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// slackErr returns the Slack error code of err, or its text.
func slackErr(err error) string {
	if err == nil {
		return ""
	}
	if se, ok := err.(slack.SlackErrorResponse); ok {
		return se.Err
	}
	return err.Error()
}

// testUsers is a small directory.
func testUsers() map[string]User {
	return map[string]User{
		"U1": {Name: "alice", RealName: "Alice Martin", Email: "alice@example.com"},
		"U2": {Name: "bob", RealName: "Bob Stone", Email: "Bob@Example.com"},
		"U3": {Name: "carol", RealName: "Carol Gone", Email: "carol@example.com", Deleted: true},
	}
}
