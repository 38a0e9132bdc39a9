package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv, when set in the environment, makes the test binary run
// oktabot itself with the arguments it holds, instead of the tests: a test
// that must kill oktabot (SIGKILL) runs it as a child process this way.
const childEnv = "OKTABOT_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childEnv); ok {
		os.Args = append(os.Args[:1], strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is oktabot running as a process of its own.
type child struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{} // closed when the child has exited, with err
	err    error
}

// startChild runs `oktabot args…` as a child process with exactly vars as
// its environment; the test fails at its end if the child is still
// running (it is killed then).
func startChild(t *testing.T, vars map[string]string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{childEnv + "=" + strings.Join(args, " ")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{t: t, cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.stderr, c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting oktabot %v: %v", args, err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = cmd.Process.Kill() // the test failed before stopping it
			<-c.done
		}
		if t.Failed() {
			t.Logf("oktabot %v printed:\n%s", args, c.stderr.String())
		}
	})
	return c
}

// kill ends the child with SIGKILL, as a crash would, and waits for it.
func (c *child) kill() {
	c.t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		c.t.Fatalf("kill: %v", err)
	}
	<-c.done
}

// stop ends the child with SIGTERM and wants a clean exit.
func (c *child) stop() {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-c.done:
		if c.err != nil {
			c.t.Errorf("oktabot stopped with %v after SIGTERM, want a clean exit", c.err)
		}
	case <-time.After(30 * time.Second):
		c.t.Error("oktabot did not stop within 30s of SIGTERM")
	}
}

// context is ctx, cancelled as well when the child exits: a wait on what
// the child does ends when it can no longer happen.
func (c *child) context(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
