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
// Mend ends the partition; the proxy's address stays the same throughout,
// as a client's configured endpoint does.
type Proxy struct {
	// Endpoints is the proxy's client URL.
	Endpoints []string

	ln     net.Listener
	mu     sync.Mutex
	target string // the member's client address
	cut    bool
	closed bool
	conns  []net.Conn
	wg     sync.WaitGroup
}

// Proxy starts a proxy to s for t, cut when t ends.
func (s *Server) Proxy(t testing.TB) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("etcdtest: proxy: %v", err)
	}
	p := &Proxy{Endpoints: []string{"http://" + ln.Addr().String()}, ln: ln, target: s.clientAddr()}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			target, ok := p.open()
			if !ok {
				_ = c.Close() // refused while cut
				continue
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
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.Cut()
		_ = ln.Close()
		p.wg.Wait()
	})
	return p
}

// open is the member's address, and false while the proxy is cut.
func (p *Proxy) open() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.target, !p.cut
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

// Cut drops every connection through the proxy and refuses new ones:
// each is closed as soon as it is accepted.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// Mend ends a Cut: new connections go through to the member again, at
// its address now (a restarted member listens on a new port).
func (p *Proxy) mend(target string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.cut, p.target = false, target
	}
}

// Mend ends a Cut: the proxy's clients reach the member again.
func (p *Proxy) Mend() {
	target, _ := p.open()
	p.mend(target)
}

// Client is a new client through the proxy, closed when t ends.
func (p *Proxy) Client(t testing.TB) *clientv3.Client {
	t.Helper()
	return (&Server{Endpoints: p.Endpoints}).Client(t)
}
