package etcdtest

import (
	"io"
	"net"
	"sync"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Proxy passes TCP connections through to a member until Cut, which
// drops them all and refuses new ones: a network partition between the
// clients of the proxy and etcd, which keeps running for the others.
type Proxy struct {
	// Endpoints is the proxy's client URL.
	Endpoints []string

	ln    net.Listener
	mu    sync.Mutex
	cut   bool
	conns []net.Conn
	wg    sync.WaitGroup
}

// Proxy starts a proxy to s for t, cut when t ends.
func (s *Server) Proxy(t testing.TB) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("etcdtest: proxy: %v", err)
	}
	target := s.etcd.Clients[0].Addr().String()
	p := &Proxy{Endpoints: []string{"http://" + ln.Addr().String()}, ln: ln}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil || !p.track(c, up) {
				_ = c.Close()
				if up != nil {
					_ = up.Close()
				}
				continue
			}
			p.wg.Go(func() { pipe(up, c) })
			p.wg.Go(func() { pipe(c, up) })
		}
	})
	t.Cleanup(func() {
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// track keeps a pair of connections for Cut, unless already cut.
func (p *Proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// pipe copies from src to dst and closes both when either ends.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}

// Cut drops every connection through the proxy and refuses new ones.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	_ = p.ln.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// Client is a new client through the proxy, closed when t ends.
func (p *Proxy) Client(t testing.TB) *clientv3.Client {
	t.Helper()
	return (&Server{Endpoints: p.Endpoints}).Client(t)
}
