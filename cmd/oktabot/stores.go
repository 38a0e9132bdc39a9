package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta"
)

// stores are where oktabot keeps its state (OKTABOT_STORE): the proposals
// and the audit log, the watcher's cursor, windows and incidents, and the
// MFA scan's progress; with etcd, also who leads the singletons and which
// Slack events were taken.
type stores struct {
	proposals  bot.Proposals
	incidents  bot.Incidents
	scans      okta.ScanStore
	watchState func() (string, map[string][]byte, error)
	recovered  []intents.Proposal
	leadership bot.Leadership // nil: this replica leads (bbolt)
	// fenced is the etcd election under leadership, to tell the bot of the
	// proposals it finds unknown; nil on bbolt.
	fenced *fencedLeader
	seen   bot.Seen // nil: this replica's memory
	// bolt is the bbolt store (retention works on it); nil on etcd.
	bolt *approvals.Store
	// health says why the store cannot be used now, or "".
	health func(ctx context.Context) string
	close  func()
	where  string // for the log: the file, or the endpoints and prefix
}

// boltStores is a bbolt store as oktabot's stores, for one replica.
func boltStores(store *approvals.Store, where string) *stores {
	return &stores{
		proposals: store, incidents: store, scans: store, watchState: store.WatchState,
		recovered: store.Recovered(), bolt: store, where: where,
		health: func(context.Context) string { return "" },
		// each write is committed in its own transaction: a close error
		// loses nothing
		close: func() { _ = store.Close() },
	}
}

// etcdDialTimeout bounds the first connection to etcd at start-up.
const etcdDialTimeout = 5 * time.Second

// openStores opens the store OKTABOT_STORE names.
func openStores(ctx context.Context, sc storeConfig, bc botConfig, log *slog.Logger) (*stores, error) {
	if sc.Kind != storeEtcd {
		store, err := approvals.Open(bc.DB, approvals.Options{TTL: bc.ProposalTTL, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("OKTABOT_DB %s: %w", bc.DB, err)
		}
		return boltStores(store, bc.DB), nil
	}
	cli, err := dialEtcd(ctx, sc)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	st := etcdstore.New(cli, etcdstore.Options{Prefix: sc.Prefix, TTL: bc.ProposalTTL, Logger: log, Replica: host, ReplicaTTL: sc.LeaseTTL})
	leader := etcdstore.NewLeader(cli, etcdstore.LeaderOptions{Prefix: sc.Prefix, TTL: sc.LeaseTTL, Name: host, Logger: log})
	fenced := &fencedLeader{leader: leader, store: st, log: log, every: sc.LeaseTTL}
	return &stores{
		proposals: st, incidents: st, scans: st, watchState: st.WatchState,
		leadership: fenced, fenced: fenced,
		seen:  etcdstore.NewSeen(cli, etcdstore.SeenOptions{Prefix: sc.Prefix}),
		where: fmt.Sprintf("etcd %v %s", sc.Endpoints, sc.Prefix),
		health: func(ctx context.Context) string {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			if _, err := cli.Get(ctx, sc.Prefix+"meta/", clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil {
				return "etcd cannot be read (" + err.Error() + "): this replica neither watches nor decides until it can"
			}
			return ""
		},
		close: func() {
			_ = leader.Close()
			_ = st.Close()
			_ = cli.Close()
		},
	}, nil
}

// dialEtcd connects to etcd and checks that it answers, naming what to
// fix when it does not.
func dialEtcd(ctx context.Context, sc storeConfig) (*clientv3.Client, error) {
	tlsCfg, err := sc.tls()
	if err != nil {
		return nil, err
	}
	cli, err := clientv3.New(clientv3.Config{
		Endpoints: sc.Endpoints, TLS: tlsCfg, DialTimeout: etcdDialTimeout, Context: ctx,
		Logger: zap.NewNop(), // oktabot says what matters itself
	})
	if err != nil {
		return nil, fmt.Errorf("OKTABOT_ETCD_ENDPOINTS %v: %w", sc.Endpoints, err)
	}
	cctx, cancel := context.WithTimeout(ctx, etcdDialTimeout)
	defer cancel()
	if _, err := cli.Get(cctx, sc.Prefix+"meta/", clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil {
		_ = cli.Close()
		why := "check OKTABOT_ETCD_ENDPOINTS, that etcd runs and this machine reaches it"
		if tlsCfg != nil {
			why += ", and OKTABOT_ETCD_CA, OKTABOT_ETCD_CERT and OKTABOT_ETCD_KEY"
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("etcd at %v did not answer within %s: %s", sc.Endpoints, etcdDialTimeout, why)
		}
		return nil, fmt.Errorf("etcd at %v: %v: %s", sc.Endpoints, err, why)
	}
	return cli, nil
}

// fencedLeader is the etcd election as the bot's Leadership: each term
// fences the watcher's writes with its election key and, while it lasts,
// moves to unknown, for a person to check, the proposals left executing
// by a replica that is gone: at its start, and then every lease TTL
// (etcdstore.Store.RecoverGone), so that a replica that crashes while
// another leads is recovered too. A term that follows one whose lease
// lapsed also takes the proposals that record no executor
// (etcdstore.Store.Recover).
type fencedLeader struct {
	leader *etcdstore.Leader
	store  *etcdstore.Store
	log    *slog.Logger
	every  time.Duration // between recovery sweeps
	// report tells the channel of a proposal found unknown (the bot's
	// ReportUnknown); set before the first Campaign, nil: only logged.
	report func(intents.Proposal)
	// onTerm runs at the start of each term, if set (run.go: resume the
	// MFA scan).
	onTerm func(lctx context.Context)
}

func (f *fencedLeader) Campaign(ctx context.Context) (context.Context, error) {
	lctx, err := f.leader.Campaign(ctx)
	if err != nil {
		return nil, err
	}
	term, _ := etcdstore.TermOf(lctx)
	f.store.SetFence(term.Fence)
	if term.Lapsed {
		unknown, err := f.store.Recover()
		if err != nil {
			f.log.Error("leadership: cannot check for proposals a crashed replica left executing", "err", err)
		}
		for _, p := range unknown {
			f.unknown(p)
		}
	}
	go f.store.RecoverEvery(lctx, f.every, f.unknown)
	if f.onTerm != nil {
		f.onTerm(lctx)
	}
	return lctx, nil
}

// unknown says that p was moved to unknown.
func (f *fencedLeader) unknown(p intents.Proposal) {
	if p.State != intents.StateUnknown {
		// It was waiting for its approver's Okta Verify: offered again.
		f.log.Warn("a proposal was waiting for its approver's Okta Verify when the replica waiting stopped; it was not run and is offered again", "proposal", p.ID, "state", p.State)
		if f.report != nil {
			f.report(p)
		}
		return
	}
	f.log.Warn("a proposal was executing when the replica running it stopped; it is unknown and was not re-run: check it in Okta", "proposal", p.ID, "summary", p.Preview.Summary)
	if f.report != nil {
		f.report(p)
	}
}
