package approvals_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/intents"
)

// Some tests need a second process: to be killed mid-run, to hold the
// file lock, or to run under a file size limit. They re-execute the test
// binary with childEnv naming the part to play (as os/exec's tests do);
// TestMain runs that part instead of the tests.
const (
	childEnv   = "APPROVALS_TEST_CHILD"
	childDBEnv = "APPROVALS_TEST_DB"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		runChild(role, os.Getenv(childDBEnv))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child starts the test binary as role on db, its stdout piped.
func child(t *testing.T, role, db string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// GORACE: under -race a child would otherwise sleep a second at exit.
	cmd.Env = append(os.Environ(), childEnv+"="+role, childDBEnv+"="+db, "GORACE=atexit_sleep_ms=0")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting child %s: %v", role, err)
	}
	return cmd, bufio.NewScanner(out), in
}

// runChild plays role; it prints one line per committed step.
func runChild(role, db string) {
	fail := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "child %s: "+format+"\n", append([]any{role}, a...)...)
		os.Exit(2)
	}
	s, err := approvals.Open(db, approvals.Options{Timeout: time.Second})
	if err != nil {
		fail("Open() = %v", err)
	}
	say := func(a ...any) { fmt.Println(a...) }
	switch {
	case strings.HasPrefix(role, "crash-after-"):
		crashAfter(s, strings.TrimPrefix(role, "crash-after-"), say, fail)
	case role == "loop":
		for {
			crashAfter(s, "never", say, fail)
		}
	case role == "hold":
		say("ready")
		_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes stdin
		_ = s.Close()
	case role == "fsize":
		diskFull(s, db, say, fail)
	default:
		fail("unknown role")
	}
}

// crashAfter runs a proposal through its life and SIGKILLs this process
// right after the step named point commits.
func crashAfter(s *approvals.Store, point string, say func(...any), fail func(string, ...any)) {
	kill := func(step string) {
		if step == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // never reached
		}
	}
	p, err := s.Create(suspendJohn())
	if err != nil {
		fail("Create() = %v", err)
	}
	say("requested", p.ID)
	kill("create")
	if _, err := s.Decide(approve(p.ID, approver), policy()); err != nil {
		fail("Decide() = %v", err)
	}
	say("approved", p.ID)
	kill("decide")
	if _, err := s.BeginExecute(p.ID); err != nil {
		fail("BeginExecute() = %v", err)
	}
	say("executing", p.ID)
	kill("begin")
	if _, err := s.Finish(p.ID, outcome(), nil); err != nil {
		fail("Finish() = %v", err)
	}
	say("executed", p.ID)
	kill("finish")
}

// diskFull limits the file size to the current size, then tries
// transitions that must grow the file; it reports each one's error.
func diskFull(s *approvals.Store, db string, say func(...any), fail func(string, ...any)) {
	big := suspendJohn()
	big.Preview.Impact = []string{strings.Repeat("x", 64<<10)} // needs new pages when rewritten
	p, err := s.Create(big)
	if err != nil {
		fail("Create() = %v", err)
	}
	say("created", p.ID)
	info, err := os.Stat(db)
	if err != nil {
		fail("%v", err)
	}
	signal.Ignore(syscall.SIGXFSZ) // writes past the limit then fail with EFBIG
	lim := syscall.Rlimit{Cur: uint64(info.Size()), Max: uint64(info.Size())}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fail("Setrlimit() = %v", err)
	}
	_, err = s.Decide(approve(p.ID, approver), policy())
	say("decide", errors.Is(err, syscall.EFBIG) || strings.Contains(fmt.Sprint(err), "file too large"), err)
	other := suspendUser(1) // not big's duplicate, which would store nothing
	other.Preview.Impact = big.Preview.Impact
	_, err = s.Create(other)
	say("create", errors.Is(err, syscall.EFBIG) || strings.Contains(fmt.Sprint(err), "file too large"), err)
	if err := s.Close(); err != nil {
		fail("Close() = %v", err)
	}
}

// TestCrash kills a child process right after each step of a proposal's
// life and checks, on reopening, that nothing committed was lost and that
// an action interrupted while executing becomes unknown, not re-run.
func TestCrash(t *testing.T) {
	tests := []struct {
		point     string
		wantState intents.State
		wantAudit []string
		recovered bool
	}{
		{"create", intents.StatePending, []string{"requested"}, false},
		{"decide", intents.StateApproved, []string{"requested", "approved"}, false},
		{"begin", intents.StateUnknown, []string{"requested", "approved", "executing", "unknown"}, true},
		{"finish", intents.StateExecuted, []string{"requested", "approved", "executing", "executed"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.point, func(t *testing.T) {
			ts := MustOpen(t)
			ts.Close() // the child opens the file
			cmd, out, _ := child(t, "crash-after-"+tt.point, ts.Path)
			var id string
			for out.Scan() {
				id = strings.Fields(out.Text())[1]
			}
			mustBeKilled(t, cmd)
			if id == "" {
				t.Fatal("the child created no proposal")
			}

			ts.open()
			p := ts.MustState(id, tt.wantState)
			if got := ts.Events(id); !equal(got, tt.wantAudit) {
				t.Errorf("History(%s) after a kill after %s = %v, want %v", id, tt.point, got, tt.wantAudit)
			}
			if rec := ts.Recovered(); tt.recovered != (len(rec) == 1 && rec[0].ID == id) || len(rec) > 1 {
				t.Errorf("Recovered() = %v, want %s listed: %v", ids(rec), id, tt.recovered)
			}
			if tt.recovered && p.DecidedBy != approver {
				t.Errorf("recovered proposal lost its approver: %+v", p)
			}
		})
	}
}

// TestCrashAnywhere kills a child that runs proposals through their life in
// a loop at an arbitrary moment, and checks the invariants: every step the
// child saw committed survived, every proposal's audit trail is a prefix of
// its life, and each proposal's state matches its last record.
func TestCrashAnywhere(t *testing.T) {
	ts := MustOpen(t)
	ts.Close()
	cmd, out, _ := child(t, "loop", ts.Path)
	seen := map[string]string{} // id -> last step the child reported
	for lines := 0; lines < 30 && out.Scan(); lines++ {
		f := strings.Fields(out.Text())
		seen[f[1]] = f[0]
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	mustBeKilled(t, cmd)

	ts.open()
	life := []string{"requested", "approved", "executing", "executed"}
	stateOf := map[string]intents.State{
		"requested": intents.StatePending, "approved": intents.StateApproved,
		"executed": intents.StateExecuted, "unknown": intents.StateUnknown,
	}
	all := map[string][]string{}
	for _, r := range ts.AllRecords() {
		all[r.ProposalID] = append(all[r.ProposalID], r.Event)
	}
	for id, step := range seen {
		if _, ok := all[id]; !ok {
			t.Errorf("proposal %s (child saw %s) has no audit records", id, step)
		}
	}
	for id, events := range all {
		p, err := ts.Get(id)
		if err != nil {
			t.Errorf("audit names %s but Get() = %v", id, err)
			continue
		}
		want := life[:min(len(events), len(life))]
		if events[len(events)-1] == "unknown" {
			want = append(life[:3:3], "unknown")
		}
		if !equal(events, want) {
			t.Errorf("History(%s) = %v, not a prefix of its life", id, events)
		}
		if last := events[len(events)-1]; stateOf[last] != p.State {
			t.Errorf("%s is %s but its last audit record is %s", id, p.State, last)
		}
		if step, ok := seen[id]; ok && indexOf(events, step) < 0 {
			t.Errorf("%s: child saw %s committed, audit has %v", id, step, events)
		}
	}
	if len(seen) == 0 {
		t.Error("the child reported nothing")
	}
}

// TestOpenHeldByAnotherProcess: a second process holding the file makes
// Open fail with ErrInUse after the default timeout, never hang.
func TestOpenHeldByAnotherProcess(t *testing.T) {
	ts := MustOpen(t)
	ts.Close()
	cmd, out, in := child(t, "hold", ts.Path)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("child did not open the store: %q", out.Text())
	}
	start := time.Now()
	_, err := approvals.Open(ts.Path, approvals.Options{}) // zero Timeout: the default, not forever
	t.Logf("Open() gave up after %v", time.Since(start))
	want := "approvals: open " + ts.Path + ": the file is in use by another oktabot process (timeout after 1s)"
	if !errors.Is(err, approvals.ErrInUse) || err.Error() != want {
		t.Errorf("Open() while another process holds the file = %v, want %q", err, want)
	}
	_ = in.Close() // teardown; a close error here decides nothing the test checks
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	ts.open() // released: opens again
}

// TestDiskFull makes writes fail (RLIMIT_FSIZE, so EFBIG) in a child: the
// failed transitions return errors and, after reopening, the state and
// audit log are as before them.
func TestDiskFull(t *testing.T) {
	ts := MustOpen(t)
	ts.Close()
	cmd, out, _ := child(t, "fsize", ts.Path)
	got := map[string]string{}
	for out.Scan() {
		f := strings.SplitN(out.Text(), " ", 3)
		got[f[0]] = strings.Join(f[1:], " ")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	id := got["created"]
	for _, step := range []string{"decide", "create"} {
		t.Logf("%s under a full disk: %s", step, got[step])
		if !strings.HasPrefix(got[step], "true approvals: ") {
			t.Errorf("%s under a full disk = %q, want a file-too-large error", step, got[step])
		}
	}
	ts.open()
	p := ts.MustState(id, intents.StatePending)
	if events := ts.Events(id); !equal(events, []string{"requested"}) {
		t.Errorf("History(%s) = %v, want [requested]", id, events)
	}
	if n := len(ts.AllRecords()); n != 1 {
		t.Errorf("audit log has %d records, want 1", n)
	}
	// The store works again once there is room.
	ts.Clock.Set(p.Created) // the child ran on the real clock
	if _, err := ts.Decide(approve(id, approver), policy()); err != nil {
		t.Errorf("Decide() after the disk has room = %v", err)
	}
}

func mustBeKilled(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child exited with %v, want killed by SIGKILL", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child exited with %v, want killed by SIGKILL", err)
	}
}

func equal(a, b []string) bool { return slices.Equal(a, b) }

func indexOf(xs []string, x string) int { return slices.Index(xs, x) }
