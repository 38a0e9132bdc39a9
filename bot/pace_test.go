package bot_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
)

// virtualClock is a clock that moves only when the pacer sleeps on it.
type virtualClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	frozen bool // sleeping does not move it (the waits are only recorded)
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *virtualClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if !c.frozen {
		c.now = c.now.Add(d)
	}
	return nil
}

func (c *virtualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *virtualClock) waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// A channel posts a burst at once, then one message a second; other
// channels are not held back by it, and a quiet channel has its burst
// again.
func TestPacer(t *testing.T) {
	type step struct {
		after   time.Duration // the clock moves this much first
		channel string
		want    time.Duration // how long the post waits
	}
	tests := []struct {
		name  string
		burst int
		steps []step
	}{
		{"burst then one a second", 3, []step{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0},
			{0, "C1", time.Second}, {0, "C1", time.Second}, {0, "C1", time.Second},
		}},
		{"channels apart", 2, []step{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
			{0, "C2", 0}, {0, "C2", 0}, {0, "C2", time.Second},
		}},
		{"quiet channel refills", 2, []step{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
			{10 * time.Second, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
		}},
		{"partly refilled", 2, []step{
			{0, "C1", 0}, {0, "C1", 0},
			{1500 * time.Millisecond, "C1", 0}, {0, "C1", 500 * time.Millisecond}, {0, "C1", time.Second},
		}},
		{"one at a time", 1, []step{
			{0, "C1", 0}, {0, "C1", time.Second}, {0, "C1", time.Second},
			{400 * time.Millisecond, "C1", 600 * time.Millisecond},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &virtualClock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
			p := &bot.Pacer{Every: time.Second, Burst: tt.burst, Now: clock.Now, Sleep: clock.Sleep}
			for i, s := range tt.steps {
				clock.advance(s.after)
				before := len(clock.waits())
				if err := p.Wait(context.Background(), s.channel); err != nil {
					t.Fatalf("step %d: Wait(%s): %v", i, s.channel, err)
				}
				var got time.Duration
				if w := clock.waits(); len(w) > before {
					got = w[len(w)-1]
				}
				if got != s.want {
					t.Errorf("step %d: post %d to %s waited %v, want %v", i, i, s.channel, got, s.want)
				}
			}
		})
	}
}

// A wait ends with its context.
func TestPacerWaitEndsWithContext(t *testing.T) {
	p := &bot.Pacer{Every: time.Hour, Burst: 1}
	if err := p.Wait(context.Background(), "C1"); err != nil {
		t.Fatalf("first post: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx, "C1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with an ended context = %v, want context.Canceled", err)
	}
}

// The burst an investigation posts (its answer, its details in the
// thread, the proposal message) is paced: on a pacer of one message a
// second without a burst, on a clock that stands still, each post after
// the first waits a second longer than the one before, and every message
// posted to the channel was paced.
func TestPaced(t *testing.T) {
	clock := &virtualClock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), frozen: true}
	h := approvalHarness(t, func(o *harnessOpts) {
		o.cfg.Pace = &bot.Pacer{Every: time.Second, Burst: 1, Now: clock.Now, Sleep: clock.Sleep}
	})
	h.slash(analyst, secChannel, "investigate john@company.com")
	h.answer("the proposal message", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove)
	})
	posts := count(h.slack.Messages(), func(m slackfake.Message) bool { return isAnswer(m) && m.Channel == secChannel })
	if posts < 3 {
		t.Fatalf("%d messages posted, want the answer, its details and the proposals\n%s", posts, dump(h.slack.Messages()))
	}
	var want []time.Duration
	for i := 1; i < posts; i++ {
		want = append(want, time.Duration(i)*time.Second)
	}
	got := clock.waits()
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the waits of %d posts to one channel (-want +got):\n%s", posts, diff)
	}
}

// Every chat.postMessage in the bot goes through the pacer: no other file
// calls slack-go's posting methods.
func TestEveryPostPaced(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	posting := []string{"PostMessage", "PostMessageContext", "SendMessage", "SendMessageContext"}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "pace.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && slices.Contains(posting, sel.Sel.Name) {
				t.Errorf("%s: %s posts without the pacer: use b.postMessage", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
