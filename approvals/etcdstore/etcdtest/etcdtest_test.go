package etcdtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// TestStart: the member answers a put and a get from a client.
func TestStart(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	ctx := t.Context()
	if _, err := cli.Put(ctx, "k", "v"); err != nil {
		t.Fatalf("Put() = %v", err)
	}
	resp, err := cli.Get(context.WithoutCancel(ctx), "k")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
		t.Fatalf("Get(k) = %v, %v; want v", resp, err)
	}
}

// TestRestart: a cluster that lost quorum takes writes again once a
// killed member is restarted, with what was written before, through the
// same client.
func TestRestart(t *testing.T) {
	m := etcdtest.Cluster(t, 3)
	cli := m.Client(t)
	first, err := cli.Put(t.Context(), "k", "before")
	if err != nil {
		t.Fatalf("Put() = %v", err)
	}
	m.Kill(t, 0)
	m.Kill(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	_, err = cli.Put(ctx, "k", "lost")
	cancel()
	if err == nil {
		t.Fatal("Put() with one member of three succeeded")
	}
	m.Restart(t, 1)
	ctx, cancel = context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if _, err := cli.Put(ctx, "k", "after"); err != nil {
		t.Fatalf("Put() after the restart = %v", err)
	}
	resp, err := cli.Get(ctx, "k")
	// The write that timed out may still be committed once quorum is
	// back (it was in the old raft leader's log): a time-out is not a
	// refusal. The key is the one written first, last written "after".
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "after" || resp.Kvs[0].CreateRevision != first.Header.Revision {
		t.Fatalf("Get(k) = %v, %v; want k as first written, now \"after\"", resp, err)
	}
}
