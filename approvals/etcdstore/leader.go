package etcdstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// DefaultLeaderTTL is the lease of a leader for the zero LeaderOptions.
const DefaultLeaderTTL = 10 * time.Second

// LeaderOptions configures NewLeader. The zero value is usable.
type LeaderOptions struct {
	// Prefix is the store's prefix (Options.Prefix); the election lies
	// under <prefix>leader/ and the last term's record at
	// <prefix>meta/leaderTerm.
	Prefix string
	// TTL is the lease the leadership rests on; zero means
	// DefaultLeaderTTL. etcd counts leases in whole seconds and raises
	// one below its minimum (2 s with its default timing); the lease
	// etcd grants is the one used.
	TTL time.Duration
	// Name is this replica's value in the election (a host name, say),
	// for people reading etcd; "" means "oktabot".
	Name string
	// Logger receives why a term ended; nil discards.
	Logger *slog.Logger
}

// Fence names one term of leadership: the election key the leader holds
// and the revision that created it. The key lives on the leader's lease,
// so the fence holds while the leader does: until it resigns or its lease
// lapses. A write that only the leader may make (the watcher's cursor, an
// incident) adds Cmp to its Txn, so a replica that lost the leadership
// cannot write after the next leader began, whatever it still believes.
type Fence struct {
	Key string `json:"key"`
	Rev int64  `json:"rev"`
}

// Cmp is the Txn comparison that is true exactly while f's term lasts.
func (f Fence) Cmp() clientv3.Cmp {
	return clientv3.Compare(clientv3.CreateRevision(f.Key), "=", f.Rev)
}

// Term is one replica's leadership, from Campaign's return to the end of
// the context it returned.
type Term struct {
	Fence
	// Lapsed is true when the term before this one did not end by its
	// leader resigning: its lease lapsed (a crash, a replica cut off)
	// or there is no record of one (the first leader on this prefix).
	// Only then may the new leader call (*Store).Recover, which also
	// takes the proposals that record no executor; otherwise
	// (*Store).RecoverGone. See Leader.
	Lapsed bool
}

// termRecord is <prefix>meta/leaderTerm: the last term, and whether its
// leader resigned. It has no lease, so it outlives the leader.
type termRecord struct {
	Fence
	Resigned bool `json:"resigned"`
}

// Leader elects, among the processes sharing an etcd and a prefix, the
// one that runs the singletons (the watcher, the digest, the sweeps). It
// has the method set of the bot's Leadership.
//
// Each Campaign grants a lease, keeps it alive in a concurrency.Session
// and campaigns on it as concurrency.Election does (same keys, same
// order). The term it wins ends, and the context Campaign returned is
// cancelled, at the first of: the parent context ending; etcd reporting
// the lease gone; the election key deleted (by etcd or anyone); the
// watch on it failing, which happens when the etcd member it talks to
// has lost quorum; and the lease's earliest possible expiry coming near
// without a renewal. That last is counted by this process from the
// moment it sent the last renewal that etcd answered, not from when the
// answer came, so a replica cut off from etcd stops before etcd lets
// another lead (barring clocks that run at different rates by more than
// the guard, a tenth of the lease). At the end of a term the leader
// resigns, if etcd still answers, and revokes its lease; on a clean
// shutdown call Close before closing the client, so that the resignation
// is written.
//
// # Recovering proposals left executing
//
// A proposal found executing is evidence of a crash only when the process
// that began it is gone. A store opened with Options.Replica records, as
// it begins a proposal, its own liveness lease as the executor (see
// (*Store).RecoverGone); the leader moves to unknown those whose
// executor's lease is gone, at the start of each term and then about
// every lease TTL while it leads. So a replica that crashes while another
// leads is recovered too, and a surviving replica's execution is not
// (unless that replica is itself cut off from etcd past its lease: then
// what it runs is reported unknown, and its Finish is refused):
//
//	lctx, err := leader.Campaign(ctx)
//	if t, ok := etcdstore.TermOf(lctx); ok && t.Lapsed {
//		recovered, err := store.Recover()
//		…
//	}
//	go store.RecoverEvery(lctx, ttl, report) // RecoverGone, now and every ttl
//
// Proposals that record no executor (begun by a store without a Replica,
// or before executors were recorded) keep the older rule: Term.Lapsed
// says whether the term before ended by a lapsed lease rather than a
// resignation, and only then does the new leader move them, with
// (*Store).Recover. Among those, one that a surviving replica is
// executing at that moment is reported unknown too. It is never run
// twice either way: unknown is final and checked by a person.
type Leader struct {
	cli    *clientv3.Client
	prefix string // the election's, with its slash
	term   string // the term record's key
	ttl    time.Duration
	name   string
	log    *slog.Logger

	mu    sync.Mutex
	cur   *Term         // nil: not leading
	end   func()        // ends the current term
	ended chan struct{} // closed when the last term has resigned
}

// NewLeader returns a Leader on the etcd cli talks to. The caller keeps
// cli and closes it after the last term.
func NewLeader(cli *clientv3.Client, opts LeaderOptions) *Leader {
	prefix := storePrefix(opts.Prefix)
	if opts.TTL <= 0 {
		opts.TTL = DefaultLeaderTTL
	}
	if opts.Name == "" {
		opts.Name = "oktabot"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Leader{
		cli: cli, prefix: prefix + "leader/", term: prefix + "meta/leaderTerm",
		ttl: opts.TTL, name: opts.Name, log: opts.Logger,
	}
}

// storePrefix is prefix as the Store uses it: the default for "", and a
// trailing slash.
func storePrefix(prefix string) string {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix
}

type termKey struct{}

// TermOf is the term a context returned by Campaign belongs to.
func TermOf(ctx context.Context) (Term, bool) {
	t, ok := ctx.Value(termKey{}).(Term)
	return t, ok
}

// Fence is the current term's fence, and false when this process does
// not lead.
func (l *Leader) Fence() (Fence, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur == nil {
		return Fence{}, false
	}
	return l.cur.Fence, true
}

// Campaign blocks until this process leads, or ctx ends, and returns a
// context that ends with the term (see Leader). It carries the Term
// (TermOf). Campaign again after it ends to lead again; one Campaign at a
// time.
func (l *Leader) Campaign(ctx context.Context) (context.Context, error) {
	// The session's own keep-alive outlives Campaign, so it runs on a
	// context of its own, ended with the term.
	sctx, scancel := context.WithCancel(context.WithoutCancel(ctx))
	sent := time.Now()
	gctx, gcancel := context.WithTimeout(ctx, l.ttl)
	grant, err := l.cli.Grant(gctx, int64(math.Ceil(l.ttl.Seconds())))
	gcancel()
	if err != nil {
		scancel()
		return nil, fmt.Errorf("etcdstore: campaign: lease: %w", err)
	}
	ttl := time.Duration(grant.TTL) * time.Second
	session, err := concurrency.NewSession(l.cli, concurrency.WithLease(grant.ID), concurrency.WithContext(sctx))
	if err != nil {
		scancel()
		go revoke(l.cli, grant.ID, ttl)
		return nil, fmt.Errorf("etcdstore: campaign: session: %w", err)
	}
	lost := make(chan struct{})
	go renew(sctx, l.cli, grant.ID, ttl, sent.Add(ttl), lost)
	quit := func() {
		session.Orphan()
		scancel()
		// Revoking deletes the keys on the lease at once rather than at
		// its lapse; it waits at most the lease, in the background.
		go revoke(l.cli, grant.ID, ttl)
	}

	// A lease lost while campaigning ends the campaign: the key it
	// would win with is gone.
	cctx, ccancel := context.WithCancel(ctx)
	defer ccancel()
	go func() {
		select {
		case <-session.Done():
		case <-lost:
		case <-cctx.Done():
		}
		ccancel()
	}()
	f, err := l.elect(cctx, session)
	if err != nil {
		quit() // the revoke deletes the campaign key
		if ctx.Err() == nil {
			err = fmt.Errorf("the lease was lost while campaigning: %w", err)
		}
		return nil, fmt.Errorf("etcdstore: campaign: %w", err)
	}
	term, err := l.begin(ctx, f)
	if err != nil {
		quit()
		return nil, fmt.Errorf("etcdstore: campaign: %w", err)
	}

	lctx, lcancel := context.WithCancel(context.WithValue(ctx, termKey{}, term))
	deleted := l.cli.Watch(clientv3.WithRequireLeader(lctx), term.Key, clientv3.WithRev(term.Rev+1))
	ended := make(chan struct{})
	l.mu.Lock()
	l.cur, l.end, l.ended = &term, lcancel, ended
	l.mu.Unlock()
	go func() {
		defer close(ended)
		why := l.hold(lctx, session, lost, deleted)
		l.mu.Lock()
		l.cur = nil
		l.mu.Unlock()
		lcancel()
		level := slog.LevelWarn
		if ctx.Err() != nil {
			level = slog.LevelInfo
		}
		l.log.Log(context.Background(), level, "etcdstore: leadership ended", "why", why, "key", term.Key, "rev", term.Rev)
		l.resign(term.Fence, ttl)
		quit()
	}()
	return lctx, nil
}

// elect campaigns as concurrency.Election does, with the same keys, and
// returns when this campaigner's key is the oldest. (Election.Campaign,
// cancelled, resigns on the client's own context, which blocks for as
// long as etcd is out of reach.) The key is put on the session's lease
// and named by it; campaigners take turns by the key's create revision.
func (l *Leader) elect(ctx context.Context, session *concurrency.Session) (Fence, error) {
	key := fmt.Sprintf("%s%x", l.prefix, session.Lease())
	resp, err := l.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, l.name, clientv3.WithLease(session.Lease()))).
		Else(clientv3.OpGet(key)).
		Commit()
	if err != nil {
		return Fence{}, err
	}
	f := Fence{Key: key, Rev: resp.Header.Revision}
	if !resp.Succeeded {
		f.Rev = resp.Responses[0].GetResponseRange().Kvs[0].CreateRevision
	}
	for {
		// The campaigner just before this one, if any: wait for its key
		// to go, then look again (it may have been behind another).
		prev, err := l.cli.Get(ctx, l.prefix, append(clientv3.WithLastCreate(), clientv3.WithMaxCreateRev(f.Rev-1))...)
		if err != nil {
			return Fence{}, err
		}
		if len(prev.Kvs) == 0 {
			return f, nil
		}
		if err := l.waitDelete(ctx, string(prev.Kvs[0].Key), prev.Header.Revision); err != nil {
			return Fence{}, err
		}
	}
}

// waitDelete waits for key to be deleted after revision rev.
func (l *Leader) waitDelete(ctx context.Context, key string, rev int64) error {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	for wr := range l.cli.Watch(wctx, key, clientv3.WithRev(rev+1)) {
		if err := wr.Err(); err != nil {
			return err
		}
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.DELETE {
				return nil
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("the watch on the campaigner before this one ended")
}

// Close ends the current term, if any, and returns when it has
// resigned (or failed to, within the lease): call it before closing the
// client on a clean shutdown, so that the next leader finds the term
// resigned rather than lapsed. Campaign may still be called after.
func (l *Leader) Close() error {
	l.mu.Lock()
	end, ended := l.end, l.ended
	l.mu.Unlock()
	if end != nil {
		end()
		<-ended
	}
	return nil
}

// begin records the new term, if its election key still stands (the
// lease may have lapsed while campaigning), and tells whether the one
// before it was resigned.
func (l *Leader) begin(ctx context.Context, f Fence) (Term, error) {
	rec, err := json.Marshal(termRecord{Fence: f})
	if err != nil {
		return Term{}, err
	}
	resp, err := l.cli.Txn(ctx).If(f.Cmp()).Then(clientv3.OpGet(l.term), clientv3.OpPut(l.term, string(rec))).Commit()
	if err != nil {
		return Term{}, err
	}
	if !resp.Succeeded {
		return Term{}, errors.New("the election key went before the term began")
	}
	t := Term{Fence: f, Lapsed: true}
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
		var prev termRecord
		if err := json.Unmarshal(kvs[0].Value, &prev); err != nil {
			l.log.Warn("etcdstore: the last term's record is unreadable; taking its lease as lapsed", "err", err)
		} else {
			t.Lapsed = !prev.Resigned
		}
	}
	return t, nil
}

// hold waits for the term to end and says why.
func (l *Leader) hold(ctx context.Context, session *concurrency.Session, lost <-chan struct{}, deleted clientv3.WatchChan) string {
	for {
		select {
		case <-ctx.Done():
			return "the parent context ended"
		case <-session.Done():
			return "etcd reports the lease gone"
		case <-lost:
			return "no renewal of the lease before its earliest expiry"
		case wr, ok := <-deleted:
			if !ok || wr.Err() != nil {
				return fmt.Sprintf("the watch on the election key failed: %v", wr.Err())
			}
			for _, ev := range wr.Events {
				if ev.Type == mvccpb.DELETE {
					return "the election key was deleted"
				}
			}
		}
	}
}

// resign deletes the election key and records that the term was
// resigned, both only if the key is still this term's: a lease that
// lapsed leaves the record unresigned, for the next leader to see.
func (l *Leader) resign(f Fence, wait time.Duration) {
	rec, err := json.Marshal(termRecord{Fence: f, Resigned: true})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := l.cli.Txn(ctx).If(f.Cmp()).Then(clientv3.OpDelete(f.Key), clientv3.OpPut(l.term, string(rec))).Commit(); err != nil {
		l.log.Warn("etcdstore: cannot resign; the lease will lapse", "err", err)
	}
}

// revoke ends lease id now, deleting its keys; it waits at most wait.
func revoke(cli *clientv3.Client, id clientv3.LeaseID, wait time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, _ = cli.Revoke(ctx, id)
}

// renew keeps lease id alive, a renewal every third of its ttl, and
// closes lost when etcd reports it gone or when its earliest possible
// expiry (the send time of the last answered renewal plus the ttl) is a
// guard away. (etcd renews a lease only on a raft leader that a quorum
// still confirms, so a member cut off from quorum renews nothing.) It
// ends with ctx.
func renew(ctx context.Context, cli *clientv3.Client, id clientv3.LeaseID, ttl time.Duration, expires time.Time, lost chan<- struct{}) {
	defer close(lost)
	guard := ttl / 10
	next := time.Now().Add(ttl / 3)
	for {
		stop := expires.Add(-guard)
		wake := time.NewTimer(min(time.Until(next), time.Until(stop)))
		select {
		case <-ctx.Done():
			wake.Stop()
			return
		case <-wake.C:
		}
		if !time.Now().Before(stop) {
			return
		}
		sent := time.Now()
		// A renewal may hang for good (sent to a raft leader that just
		// died): each try has a sixth of the lease.
		kctx, cancel := context.WithTimeout(clientv3.WithRequireLeader(ctx), min(time.Until(stop), ttl/6))
		resp, err := cli.KeepAliveOnce(kctx, id)
		cancel()
		switch {
		case errors.Is(err, rpctypes.ErrLeaseNotFound):
			return
		case err != nil:
			next = time.Now().Add(min(ttl/10, 500*time.Millisecond))
		default:
			expires = sent.Add(time.Duration(resp.TTL) * time.Second)
			next = sent.Add(ttl / 3)
		}
	}
}
