// Package etcdtest starts a real etcd server inside a test: a single
// member from go.etcd.io/etcd/server/v3/embed, on loopback with ports the
// kernel picks, its data under t.TempDir(), logging nothing. It is for
// tests only and must not be imported by a program.
package etcdtest

import (
	"net/url"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// startTimeout bounds the wait for the member to be ready.
const startTimeout = 30 * time.Second

// Server is one running etcd member.
type Server struct {
	// Endpoints are its client URLs.
	Endpoints []string
	etcd      *embed.Etcd
	cfg       *embed.Config // what it was started with, to restart it
	once      sync.Once
	closed    chan struct{} // closed when close has returned
}

// clientAddr is the member's client listener's address.
func (s *Server) clientAddr() string { return s.etcd.Clients[0].Addr().String() }

// Start starts a single-member etcd for t and stops it when t ends. It
// does not fsync (its data is thrown away).
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartDurable is Start with every commit fsynced, as a production etcd
// does: for benchmarks that compare with bbolt's fsynced commits.
func StartDurable(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, durable bool) *Server {
	t.Helper()
	cfg := config(t, "test", url.URL{Scheme: "http", Host: "127.0.0.1:0"})
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.UnsafeNoFsync = !durable
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		t.Fatalf("etcdtest: start: %v", err)
	}
	s := &Server{etcd: e, cfg: cfg, closed: make(chan struct{})}
	t.Cleanup(s.close)
	ready(t, 0, s)
	return s
}

// config is a member's: on loopback, client port picked by the kernel,
// data under t.TempDir(), no metrics, no logs.
func config(t testing.TB, name string, peer url.URL) *embed.Config {
	cfg := embed.NewConfig()
	cfg.Name = name
	cfg.Dir = t.TempDir()
	client := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.ListenMetricsUrls = nil
	cfg.SnapshotCount = 1000
	cfg.UnsafeNoFsync = true // the data dir is thrown away
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	return cfg
}

// Client is a new client of s, as a separate oktabot process would hold,
// closed when t ends.
func (s *Server) Client(t testing.TB) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   s.Endpoints,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		t.Fatalf("etcdtest: client: %v", err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}
