package etcdstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/approvals/storetest"
	"github.com/oktabot/oktabot/intents"
)

// lead wins the watcher's election for cli and returns its session and
// the fence it gives.
func lead(t *testing.T, cli *clientv3.Client, name string) (*concurrency.Session, etcdstore.Fence) {
	t.Helper()
	sess, err := concurrency.NewSession(cli, concurrency.WithTTL(10))
	if err != nil {
		t.Fatalf("NewSession() = %v", err)
	}
	t.Cleanup(func() { _ = sess.Close() })
	el := concurrency.NewElection(sess, "/test-election/watcher")
	if err := el.Campaign(context.Background(), name); err != nil {
		t.Fatalf("Campaign(%s) = %v", name, err)
	}
	return sess, etcdstore.Fence{Key: el.Key(), Rev: el.Rev()}
}

func commitOne(s *etcdstore.Store, cursor string, f intents.Finding) error {
	_, _, err := s.CommitWatch(intents.WatchBatch{Cursor: cursor, Windows: map[string][]byte{"w:" + cursor: []byte(cursor)},
		Findings: []intents.Finding{f}}, intents.WatchOptions{})
	return err
}

// TestCommitWatchFenced: the replica that led the watcher loses its
// leader key (its session ends); its CommitWatch is then refused with
// ErrFenced and writes nothing, before and after the other replica wins
// the election and commits.
func TestCommitWatchFenced(t *testing.T) {
	srv := etcdtest.Start(t)
	cliA, cliB := srv.Client(t), srv.Client(t)
	a := etcdstore.New(cliA, etcdstore.Options{Prefix: "/fence"})
	b := etcdstore.New(cliB, etcdstore.Options{Prefix: "/fence"})

	sessA, fenceA := lead(t, cliA, "a")
	a.SetFence(fenceA)
	if err := commitOne(a, "c1", storetest.Finding("failed_login_burst", "john@company.com", 40, "e1")); err != nil {
		t.Fatalf("leader's CommitWatch() = %v", err)
	}
	if err := sessA.Close(); err != nil { // a loses: its lease and key are gone
		t.Fatal(err)
	}
	stale := storetest.Finding("mfa_failures", "bob@company.com", 30, "e9")
	if err := commitOne(a, "stale-1", stale); !errors.Is(err, etcdstore.ErrFenced) || !strings.Contains(err.Error(), fenceA.Key) {
		t.Errorf("CommitWatch() after losing the key = %v, want ErrFenced naming %s", err, fenceA.Key)
	}

	_, fenceB := lead(t, cliB, "b")
	b.SetFence(fenceB)
	if err := commitOne(b, "c2", storetest.Finding("mfa_failures", "mary@company.com", 30, "e2")); err != nil {
		t.Fatalf("new leader's CommitWatch() = %v", err)
	}
	if err := commitOne(a, "stale-2", stale); !errors.Is(err, etcdstore.ErrFenced) {
		t.Errorf("old leader's CommitWatch() after the new one started = %v, want ErrFenced", err)
	}

	cursor, windows, err := b.WatchState()
	if err != nil || cursor != "c2" || len(windows) != 2 || windows["w:stale-1"] != nil || windows["w:stale-2"] != nil {
		t.Errorf("WatchState() = %q %q, %v; want c2 and the windows of c1 and c2 alone", cursor, windows, err)
	}
	incs, err := b.Incidents(false)
	if err != nil || len(incs) != 2 {
		t.Fatalf("Incidents() = %d, %v; want john's and mary's", len(incs), err)
	}
	for _, inc := range incs {
		if inc.Subject == "bob@company.com" {
			t.Errorf("the fenced-off replica wrote incident %s", inc.ID)
		}
	}
	// Buttons are not fenced: any replica serves them.
	if _, err := a.Acknowledge(incs[0].ID, "U_A"); err != nil {
		t.Errorf("Acknowledge() on the old leader = %v", err)
	}
}

// TestCommitWatchTooLarge: a batch needing more operations than etcd
// takes in one Txn is refused as a whole, naming the limit, and writes
// nothing; a batch that fits commits.
func TestCommitWatchTooLarge(t *testing.T) {
	s := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{Prefix: "/big", MaxTxnOps: 12})
	var fs []intents.Finding
	for _, u := range []string{"a", "b", "c", "d"} {
		fs = append(fs, storetest.Finding("mfa_failures", u+"@company.com", 30, "e-"+u))
	}
	// Four new incidents need 17 writes: more than one Txn of 12 takes.
	// The page is committed in parts, the cursor last, never refused.
	chs, _, err := s.CommitWatch(intents.WatchBatch{Cursor: "c1", Findings: fs}, intents.WatchOptions{})
	if err != nil || len(chs) != 4 {
		t.Fatalf("CommitWatch(4 new incidents, 17 writes) = %d changes, %v; want 4 in parts", len(chs), err)
	}
	for _, ch := range chs {
		if !ch.New {
			t.Errorf("change %s is not a new incident", ch.Incident.ID)
		}
	}
	if cursor, _, err := s.WatchState(); err != nil || cursor != "c1" {
		t.Errorf("WatchState() = %q, %v; want c1", cursor, err)
	}
	if incs, err := s.Incidents(false); err != nil || len(incs) != 4 {
		t.Errorf("Incidents() = %d, %v; want 4", len(incs), err)
	}
	// The same page read again (a crash before the cursor) is no news.
	if chs, _, err := s.CommitWatch(intents.WatchBatch{Cursor: "c1", Findings: fs}, intents.WatchOptions{}); err != nil || len(chs) != 0 {
		t.Errorf("the page again = %d changes, %v; want none", len(chs), err)
	}
	// One subject's change alone too large for a Txn is refused whole.
	tiny := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{Prefix: "/tiny", MaxTxnOps: 2})
	if _, _, err := tiny.CommitWatch(intents.WatchBatch{Cursor: "c1", Findings: fs[:1]}, intents.WatchOptions{}); !errors.Is(err, etcdstore.ErrTxnTooLarge) || !strings.Contains(err.Error(), "2") {
		t.Errorf("CommitWatch(one incident, Txn of 2) = %v, want ErrTxnTooLarge", err)
	}
	if cursor, _, err := tiny.WatchState(); err != nil || cursor != "" {
		t.Errorf("WatchState() after a refusal = %q, %v; want nothing committed", cursor, err)
	}
}

// TestIncidentsShareTheChain: incident and proposal records appended at
// once from two clients form one unbroken chain.
func TestIncidentsShareTheChain(t *testing.T) {
	srv := etcdtest.Start(t)
	stores := []*etcdstore.Store{
		etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/chain"}),
		etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/chain"}),
	}
	chs, _, err := stores[0].CommitWatch(intents.WatchBatch{Cursor: "c1", Findings: []intents.Finding{
		storetest.Finding("mfa_failures", "john@company.com", 30, "e1"),
		storetest.Finding("mfa_failures", "mary@company.com", 30, "e2"),
	}}, intents.WatchOptions{})
	if err != nil || len(chs) != 2 {
		t.Fatalf("CommitWatch() = %d changes, %v", len(chs), err)
	}
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			login := []string{"ann@company.com", "joe@company.com"}[i]
			if _, err := s.Create(suspend(login)); err != nil {
				t.Errorf("Create() = %v", err)
			}
			if _, err := s.Acknowledge(chs[i].Incident.ID, "U_A"); err != nil {
				t.Errorf("Acknowledge() = %v", err)
			}
			if _, err := s.CloseIncident(chs[i].Incident.ID, "U_A", ""); err != nil {
				t.Errorf("CloseIncident() = %v", err)
			}
			if _, err := s.Suppress(intents.Suppression{Detection: "mfa_failures", User: login, Until: time.Now().Add(time.Hour), By: "U_A"}); err != nil {
				t.Errorf("Suppress() = %v", err)
			}
		})
	}
	wg.Wait()
	rep, err := stores[1].Verify()
	if err != nil || rep.Break != nil || rep.Records != 8 {
		t.Fatalf("Verify() = %+v, %v; want 8 records intact", rep, err)
	}
	var events []string
	if err := stores[0].Audit(func(r intents.AuditRecord) error { events = append(events, r.Event); return nil }); err != nil {
		t.Fatal(err)
	}
	for event, want := range map[string]int{approvals.EventRequested: 2, approvals.EventAcknowledged: 2, approvals.EventClosed: 2, approvals.EventSuppressed: 2} {
		n := 0
		for _, e := range events {
			if e == event {
				n++
			}
		}
		if n != want {
			t.Errorf("the chain holds %d %q records, want %d (%v)", n, event, want, events)
		}
	}
}
