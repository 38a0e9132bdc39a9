package etcdtest_test

import (
	"context"
	"testing"

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
