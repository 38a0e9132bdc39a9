package etcdstore_test

import (
	"context"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
)

// leadership is a copy of the bot's Leadership: the package must not
// import bot, and its Leader must still fit there.
type leadership interface {
	Campaign(ctx context.Context) (context.Context, error)
}

var _ leadership = (*etcdstore.Leader)(nil)

// testTTL is the leases of these tests: etcd's minimum with its default
// timing.
const testTTL = 2 * time.Second

// margin is what a term may take beyond its lease to end: etcd checks for
// expired leases twice a second, and the machine is shared.
const margin = 2 * time.Second

func newLeader(t *testing.T, cli *clientv3.Client, name string) *etcdstore.Leader {
	return etcdstore.NewLeader(cli, etcdstore.LeaderOptions{Prefix: "/leader-test/", TTL: testTTL, Name: name})
}

// campaign runs Campaign in the background; its result arrives on the
// channel.
type won struct {
	ctx context.Context
	err error
}

func campaign(ctx context.Context, l leadership) <-chan won {
	ch := make(chan won, 1)
	go func() {
		lctx, err := l.Campaign(ctx)
		ch <- won{lctx, err}
	}()
	return ch
}

// mustWin waits for a campaign to win within d.
func mustWin(t *testing.T, name string, ch <-chan won, d time.Duration) context.Context {
	t.Helper()
	select {
	case w := <-ch:
		if w.err != nil {
			t.Fatalf("%s: Campaign() = %v", name, w.err)
		}
		return w.ctx
	case <-time.After(d):
		t.Fatalf("%s: Campaign() did not win within %s", name, d)
		return nil
	}
}

// mustEnd waits for a term to end within d.
func mustEnd(t *testing.T, name string, ctx context.Context, d time.Duration) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(d):
		t.Fatalf("%s: the leadership context did not end within %s", name, d)
	}
}

// holds reports whether f's term still holds in etcd.
func holds(t *testing.T, cli *clientv3.Client, f etcdstore.Fence) bool {
	t.Helper()
	resp, err := cli.Txn(context.Background()).If(f.Cmp()).Commit()
	if err != nil {
		t.Fatalf("Txn(fence) = %v", err)
	}
	return resp.Succeeded
}

func term(t *testing.T, name string, ctx context.Context) etcdstore.Term {
	t.Helper()
	tm, ok := etcdstore.TermOf(ctx)
	if !ok || tm.Key == "" || tm.Rev == 0 {
		t.Fatalf("%s: TermOf() = %+v, %v; want a term", name, tm, ok)
	}
	return tm
}

// TestLeaderHandover: of two campaigners on one etcd exactly one leads;
// when its term ends the other takes over, its predecessor's fence no
// longer holds, and the new term says whether the old one was resigned
// or lapsed.
func TestLeaderHandover(t *testing.T) {
	t.Parallel()
	ends := []struct {
		name   string
		end    func(cancel context.CancelFunc, l *etcdstore.Leader, cli *clientv3.Client)
		lapsed bool
	}{
		{"parent cancelled", func(cancel context.CancelFunc, _ *etcdstore.Leader, _ *clientv3.Client) { cancel() }, false},
		{"closed, then its client", func(_ context.CancelFunc, l *etcdstore.Leader, cli *clientv3.Client) {
			_ = l.Close()
			_ = cli.Close()
		}, false},
		{"client closed", func(_ context.CancelFunc, _ *etcdstore.Leader, cli *clientv3.Client) { _ = cli.Close() }, true},
	}
	srv := etcdtest.Start(t)
	for i, tc := range ends {
		t.Run(tc.name, func(t *testing.T) {
			prefix := "/handover-" + string(rune('a'+i)) + "/"
			clis := []*clientv3.Client{srv.Client(t), srv.Client(t)}
			leaders := []*etcdstore.Leader{
				etcdstore.NewLeader(clis[0], etcdstore.LeaderOptions{Prefix: prefix, TTL: testTTL, Name: "a"}),
				etcdstore.NewLeader(clis[1], etcdstore.LeaderOptions{Prefix: prefix, TTL: testTTL, Name: "b"}),
			}
			ctxA, cancelA := context.WithCancel(t.Context())
			defer cancelA()
			first := mustWin(t, "a", campaign(ctxA, leaders[0]), testTTL+margin)
			termA := term(t, "a", first)
			if !termA.Lapsed {
				t.Errorf("first term: Lapsed = false; want true (no term before it was resigned)")
			}
			if f, ok := leaders[0].Fence(); !ok || f != termA.Fence {
				t.Errorf("a: Fence() = %+v, %v; want %+v, true", f, ok, termA.Fence)
			}
			chB := campaign(t.Context(), leaders[1])
			// b cannot win while a holds its key: a's fence holds, and
			// b's campaign has not returned.
			if !holds(t, clis[1], termA.Fence) {
				t.Fatal("a's fence does not hold while a leads")
			}
			select {
			case w := <-chB:
				t.Fatalf("b: Campaign() = %v while a leads", w.err)
			default:
			}
			if _, ok := leaders[1].Fence(); ok {
				t.Error("b: Fence() reports a term while a leads")
			}

			tc.end(cancelA, leaders[0], clis[0])
			mustEnd(t, "a", first, testTTL+margin)
			second := mustWin(t, "b", chB, testTTL+margin)
			select {
			case <-first.Done():
			default:
				t.Fatal("b leads while a's term has not ended")
			}
			termB := term(t, "b", second)
			if termB.Fence == termA.Fence {
				t.Fatalf("b's fence = a's %+v", termA.Fence)
			}
			if holds(t, clis[1], termA.Fence) {
				t.Error("a's fence still holds after b took over")
			}
			if !holds(t, clis[1], termB.Fence) {
				t.Error("b's fence does not hold while b leads")
			}
			if termB.Lapsed != tc.lapsed {
				t.Errorf("b's term: Lapsed = %v; want %v", termB.Lapsed, tc.lapsed)
			}
			if _, ok := leaders[0].Fence(); ok {
				t.Error("a: Fence() reports a term after it ended")
			}
		})
	}
}

// TestLeaderKeyDeleted: a term ends when its election key is deleted
// behind the leader's back, and the leader does not write its term's
// record as resigned then.
func TestLeaderKeyDeleted(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	lctx := mustWin(t, "a", campaign(t.Context(), newLeader(t, cli, "a")), testTTL+margin)
	tm := term(t, "a", lctx)
	if _, err := cli.Delete(context.Background(), tm.Key); err != nil {
		t.Fatal(err)
	}
	mustEnd(t, "a", lctx, margin)
	next := mustWin(t, "b", campaign(t.Context(), newLeader(t, srv.Client(t), "b")), testTTL+margin)
	if !term(t, "b", next).Lapsed {
		t.Error("after a deleted key: Lapsed = false; want true")
	}
}

// TestLeaderCutOff: a leader cut off from etcd (etcd keeps running)
// ends its term before etcd lets its lease lapse: its context is done
// when another client sees the election key deleted by the lapse.
func TestLeaderCutOff(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	proxy := srv.Proxy(t)
	l := newLeader(t, proxy.Client(t), "a")
	lctx := mustWin(t, "a", campaign(t.Context(), l), testTTL+margin)
	tm := term(t, "a", lctx)
	watch := srv.Client(t).Watch(t.Context(), tm.Key, clientv3.WithRev(tm.Rev+1))
	cut := time.Now()
	endedAfter := make(chan time.Duration, 1)
	go func() {
		<-lctx.Done()
		endedAfter <- time.Since(cut)
	}()
	proxy.Cut()
	select {
	case wr := <-watch:
		if wr.Err() != nil || len(wr.Events) == 0 || wr.Events[0].Type != clientv3.EventTypeDelete {
			t.Fatalf("watch(%s) = %+v, %v; want its deletion", tm.Key, wr.Events, wr.Err())
		}
	case <-time.After(testTTL + margin):
		t.Fatalf("etcd did not delete the election key within %s of the cut", testTTL+margin)
	}
	lapsed := time.Since(cut)
	select {
	case <-lctx.Done():
	default:
		t.Fatalf("etcd let the lease lapse %s after the cut, and the term goes on", lapsed.Round(time.Millisecond))
	}
	if _, ok := l.Fence(); ok {
		t.Error("Fence() reports a term after it ended")
	}
	t.Logf("the term ended %s after the cut, and the lease lapsed in etcd %s after it (lease %s)",
		(<-endedAfter).Round(time.Millisecond), lapsed.Round(time.Millisecond), testTTL)
}

// TestLeaderCampaignCutOff: a campaign cut off from etcd while another
// leads fails once its lease could have lapsed, rather than waiting on a
// dead connection for a term it could no longer hold; so does one that
// cannot reach etcd at all.
func TestLeaderCampaignCutOff(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	mustWin(t, "a", campaign(t.Context(), newLeader(t, cli, "a")), testTTL+margin)
	proxy := srv.Proxy(t)
	b := newLeader(t, proxy.Client(t), "b")
	keys := cli.Watch(t.Context(), "/leader-test/leader/", clientv3.WithPrefix())
	ch := campaign(t.Context(), b)
	campaignKey(t, "b", keys)
	proxy.Cut()
	mustFail(t, "b cut off", ch, testTTL+margin)
	ctx, cancel := context.WithTimeout(t.Context(), testTTL+margin)
	defer cancel()
	if _, err := b.Campaign(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("b: Campaign() out of reach = %v, context %v; want an error before the context ends", err, ctx.Err())
	}
}

// TestLeaderCampaignLeaseRevoked: a campaign whose lease is revoked
// behind its back fails, rather than waiting for a term whose key is
// gone.
func TestLeaderCampaignLeaseRevoked(t *testing.T) {
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	mustWin(t, "a", campaign(t.Context(), newLeader(t, cli, "a")), testTTL+margin)
	keys := cli.Watch(t.Context(), "/leader-test/leader/", clientv3.WithPrefix())
	ch := campaign(t.Context(), newLeader(t, srv.Client(t), "b"))
	lease := campaignKey(t, "b", keys)
	if _, err := cli.Revoke(t.Context(), lease); err != nil {
		t.Fatalf("Revoke(%x) = %v", lease, err)
	}
	mustFail(t, "b with its lease revoked", ch, testTTL+margin)
}

// campaignKey waits for a campaigner's key on the election's watch, and
// returns its lease.
func campaignKey(t *testing.T, name string, keys clientv3.WatchChan) clientv3.LeaseID {
	t.Helper()
	select {
	case wr := <-keys:
		if wr.Err() != nil || len(wr.Events) == 0 {
			t.Fatalf("watch = %v, %v", wr.Events, wr.Err())
		}
		return clientv3.LeaseID(wr.Events[0].Kv.Lease)
	case <-time.After(margin):
		t.Fatalf("%s: no campaign key within %s", name, margin)
		return 0
	}
}

// mustFail waits for a campaign to fail within d.
func mustFail(t *testing.T, name string, ch <-chan won, d time.Duration) {
	t.Helper()
	select {
	case w := <-ch:
		if w.err == nil {
			t.Fatalf("%s: Campaign() = a term, nil; want an error", name)
		}
	case <-time.After(d):
		t.Fatalf("%s: Campaign() did not return within %s", name, d)
	}
}
