package etcdtest

import (
	"fmt"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
)

// Kill stops member i at once, as a crash would: it leaves the raft
// group without handing over its leadership, and its clients' connections
// are dropped and refused (through the Members' proxies). Its servers are
// closed in the background (a graceful close waits seconds for open
// streams), and by the end of the test.
func (m *Members) Kill(t testing.TB, i int) {
	t.Helper()
	s := m.Servers[i]
	m.killed[i] = true
	s.etcd.Server.HardStop()
	m.proxies[i].Cut()
	go s.close()
	t.Cleanup(func() { <-s.closed })
}

// Restart starts killed member i again from its data, as a crashed
// member comes back: with its name and peer address, a new client port
// behind the same proxy, and the raft log it had. It returns when the
// member has rejoined and serves its clients again.
func (m *Members) Restart(t testing.TB, i int) {
	t.Helper()
	old := m.Servers[i]
	if !m.killed[i] {
		t.Fatalf("etcdtest: Restart(%d): the member is running", i)
	}
	<-old.closed // its data and peer port are free
	e, err := embed.StartEtcd(old.cfg)
	if err != nil {
		t.Fatalf("etcdtest: restart member %d: %v", i, err)
	}
	s := &Server{etcd: e, cfg: old.cfg, closed: make(chan struct{})}
	t.Cleanup(s.close)
	ready(t, i, s)
	m.Servers[i] = s
	delete(m.killed, i)
	m.proxies[i].mend(s.clientAddr())
}

// ready waits for member i to serve, and notes its client URLs.
func ready(t testing.TB, i int, s *Server) {
	t.Helper()
	select {
	case <-s.etcd.Server.ReadyNotify():
	case err := <-s.etcd.Err():
		t.Fatalf("etcdtest: member %d: %v", i, err)
	case <-time.After(startTimeout):
		t.Fatalf("etcdtest: member %d not ready after %s", i, startTimeout)
	}
	s.Endpoints = nil
	for _, l := range s.etcd.Clients {
		s.Endpoints = append(s.Endpoints, "http://"+l.Addr().String())
	}
}

// close closes the member once, however many times it is called.
func (s *Server) close() {
	s.once.Do(func() {
		s.etcd.Close()
		close(s.closed)
	})
}

// Members is a cluster of etcd members on loopback.
type Members struct {
	// Servers are the members, each with its own client URLs.
	Servers []*Server
	proxies []*Proxy
	killed  map[int]bool
}

// Cluster starts n members of one new etcd cluster for t, each on
// loopback with its data under t.TempDir(), and stops them when t ends.
// The peer ports are picked by listening on port 0 and closing, so that
// each member can be told the others' before it starts.
func Cluster(t testing.TB, n int) *Members {
	t.Helper()
	peers := make([]url.URL, n)
	var initial string
	for i := range peers {
		peers[i] = url.URL{Scheme: "http", Host: freeAddr(t)}
		if i > 0 {
			initial += ","
		}
		initial += fmt.Sprintf("m%d=%s", i, peers[i].String())
	}
	m := &Members{Servers: make([]*Server, n), killed: make(map[int]bool)}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		cfg := config(t, fmt.Sprintf("m%d", i), peers[i])
		cfg.InitialCluster = initial
		cfg.InitialClusterToken = "etcdtest"
		// Half etcd's default timing: a member lost is noticed, and a
		// new raft leader elected, within about a second.
		cfg.TickMs, cfg.ElectionMs = 50, 500
		wg.Go(func() {
			e, err := embed.StartEtcd(cfg)
			if err != nil {
				errs[i] = err
				return
			}
			m.Servers[i] = &Server{etcd: e, cfg: cfg, closed: make(chan struct{})}
		})
	}
	wg.Wait()
	for i, s := range m.Servers {
		if s != nil {
			t.Cleanup(s.close)
		} else {
			t.Fatalf("etcdtest: start member %d: %v", i, errs[i])
		}
	}
	for i, s := range m.Servers {
		ready(t, i, s)
		m.proxies = append(m.proxies, s.Proxy(t))
	}
	return m
}

// Leader is the index of the live member that leads the raft group now,
// as it sees itself.
func (m *Members) Leader(t testing.TB) int {
	t.Helper()
	for i, s := range m.Servers {
		if !m.killed[i] && s.etcd.Server.Leader() == s.etcd.Server.MemberID() {
			return i
		}
	}
	t.Fatal("etcdtest: no member leads")
	return -1
}

// Client is a new client of the whole cluster, through the proxies,
// closed when t ends.
func (m *Members) Client(t testing.TB) *clientv3.Client {
	t.Helper()
	var endpoints []string
	for _, p := range m.proxies {
		endpoints = append(endpoints, p.Endpoints...)
	}
	return (&Server{Endpoints: endpoints}).Client(t)
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("etcdtest: free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}
