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

// The demo starts with one command and answers in the terminal; a person
// types lines and clicks buttons by number.
func TestDemoTerminalChat(t *testing.T) {
	in, typed := io.Pipe()
	out := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo"}, stdio{in: in, out: out, err: io.Discard}, func(string) string { return "" })
	}()
	waitFor := func(what, want string, from int) int {
		t.Helper()
		return waitTerminal(t, ctx, out, done, what, want, from)
	}
	type line struct{ text, want string }
	pos := waitFor("the prompt", "you> ", 0)
	for _, l := range []line{
		{"/okta user john@company.com", "John Smith"},
		{"/okta users status:ACTIVE", "[1] ▶ Next"},
		{"1", "Page 2 of"},
		{"/okta frobnicate", "I don't know"},
	} {
		if _, err := io.WriteString(typed, l.text+"\n"); err != nil {
			t.Fatal(err)
		}
		pos = waitFor("the answer to "+l.text, l.want, pos)
		pos = waitFor("the next prompt", "you> ", pos)
	}
	typed.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo ended with %v after Ctrl-D", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("demo did not end on end of input")
	}
}
