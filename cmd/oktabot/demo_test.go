package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe to read while the demo writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// terminal is `oktabot demo` run on a pipe, as a person at the terminal:
// type a line, wait for what it shows.
type terminal struct {
	t     *testing.T
	ctx   context.Context
	out   *syncBuffer
	typed *io.PipeWriter
	done  chan error
	pos   int // the next wait looks from here
}

func startDemo(t *testing.T, args ...string) *terminal {
	t.Helper()
	in, typed := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	d := &terminal{t: t, ctx: ctx, out: &syncBuffer{}, typed: typed, done: make(chan error, 1)}
	pictures := t.TempDir()
	env := func(k string) string {
		if k == "OKTABOT_DEMO_PICTURES" {
			return pictures
		}
		return ""
	}
	go func() {
		d.done <- run(ctx, append([]string{"demo"}, args...), stdio{in: in, out: d.out, err: io.Discard}, env)
	}()
	t.Cleanup(func() {
		_ = typed.Close() // teardown; a close error here decides nothing the test checks
		cancel()
	})
	d.waitFor("the first prompt", "you> ")
	return d
}

// typeLine types a line and Enter.
func (d *terminal) typeLine(line string) {
	d.t.Helper()
	if _, err := io.WriteString(d.typed, line+"\n"); err != nil {
		d.t.Fatalf("typing %q: %v", line, err)
	}
}

// waitFor waits until the terminal shows want after what was already
// waited for, and returns what it showed up to and with want.
func (d *terminal) waitFor(what, want string) string {
	d.t.Helper()
	from := d.pos
	d.pos = waitTerminal(d.t, d.ctx, d.out, d.done, what, want, from)
	return d.out.String()[from:d.pos]
}

// step types a line and waits for want.
func (d *terminal) step(line, want string) string {
	d.t.Helper()
	d.typeLine(line)
	return d.waitFor("the answer to "+line, want)
}

// quit ends the input and waits for the demo to end.
func (d *terminal) quit() {
	d.t.Helper()
	_ = d.typed.Close() // teardown; a close error here decides nothing the test checks
	select {
	case err := <-d.done:
		if err != nil {
			d.t.Errorf("demo ended with %v after Ctrl-D", err)
		}
	case <-time.After(15 * time.Second):
		d.t.Error("demo did not end on end of input")
	}
}

// The demo starts with one command and answers in the terminal; a person
// types lines and clicks buttons by number. A page replaced in place keeps
// its message's number.
func TestDemoTerminalChat(t *testing.T) {
	d := startDemo(t)
	d.step("/okta user john@company.com", "John Smith")
	d.waitFor("the next prompt", "you> ")
	d.step("/okta users status:ACTIVE", "#2 oktabot:")
	d.waitFor("the numbered Next button", "[2.1] ▶ Next")
	d.waitFor("the next prompt", "you> ")
	d.step("1", "→ clicked ▶ Next on message 2")
	d.waitFor("page 2 in place of page 1", "#2 oktabot, updated:")
	d.waitFor("page 2", "Page 2 of")
	d.waitFor("the next prompt", "you> ")
	d.step("/okta frobnicate", "I don't know")
	d.waitFor("the next prompt", "you> ")
	d.quit()
}

// `oktabot demo --live` plays the stories through the simulator's
// POST /_sim/events while the watcher polls: an incident arrives in the
// terminal by itself, with its fixes waiting for Approve, and plain
// `demo` (above) has none.
func TestDemoLive(t *testing.T) {
	d := startDemo(t, "--live", "--play", "3s")
	d.waitFor("the first story", "▶ live: ")
	d.waitFor("an incident posted by the watcher", " incident: ")
	d.waitFor("its fixes in the thread", "Approve")
	d.waitFor("the end of the play", "every story has been played")
	d.quit()
}
