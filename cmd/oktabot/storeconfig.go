package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// storeConfig is where oktabot keeps its state (OKTABOT_STORE): a bbolt
// file for one replica (the default, OKTABOT_DB), or etcd for several.
type storeConfig struct {
	Kind      string   // "bbolt" or "etcd"
	Endpoints []string // OKTABOT_ETCD_ENDPOINTS
	Prefix    string   // OKTABOT_ETCD_PREFIX (default /oktabot/)
	// CA, Cert and Key are the TLS files (OKTABOT_ETCD_CA,
	// OKTABOT_ETCD_CERT, OKTABOT_ETCD_KEY): the CA that signed etcd's
	// server certificates, and this client's certificate and key.
	CA, Cert, Key string
	// LeaseTTL is the leader's lease (OKTABOT_ETCD_LEASE_TTL, default
	// 10s): a replica cut off from etcd stops its singletons within it,
	// and another takes over after it.
	LeaseTTL time.Duration
}

// Store kinds.
const (
	storeBbolt = "bbolt"
	storeEtcd  = "etcd"
)

// loadStore reads OKTABOT_STORE and, for etcd, its connection, naming
// every bad setting.
func loadStore(e env) (storeConfig, error) {
	c := storeConfig{Kind: storeBbolt, Prefix: "/oktabot/", LeaseTTL: 10 * time.Second}
	var p problems
	switch k := strings.ToLower(e.get("OKTABOT_STORE")); k {
	case "", storeBbolt:
	case storeEtcd:
		c.Kind = storeEtcd
	default:
		p.add(badf("OKTABOT_STORE %q: use bbolt (one replica, the file OKTABOT_DB; the default) or etcd (several replicas sharing OKTABOT_ETCD_ENDPOINTS)", k))
	}
	etcdVars := []string{"OKTABOT_ETCD_ENDPOINTS", "OKTABOT_ETCD_PREFIX", "OKTABOT_ETCD_CA", "OKTABOT_ETCD_CERT", "OKTABOT_ETCD_KEY", "OKTABOT_ETCD_LEASE_TTL"}
	if c.Kind != storeEtcd {
		for _, v := range etcdVars {
			if e.get(v) != "" {
				p.add(badf("%s is set but OKTABOT_STORE is not etcd: set OKTABOT_STORE=etcd to use etcd, or unset %s", v, v))
			}
		}
		return c, p.err()
	}
	c.Endpoints = list(e.get("OKTABOT_ETCD_ENDPOINTS"))
	if len(c.Endpoints) == 0 {
		p.add(badf("OKTABOT_ETCD_ENDPOINTS is not set: list your etcd members' client URLs, comma separated, e.g. https://etcd-1:2379,https://etcd-2:2379,https://etcd-3:2379"))
	}
	for _, ep := range c.Endpoints {
		p.add(checkEndpoint(ep))
	}
	if s := e.get("OKTABOT_ETCD_PREFIX"); s != "" {
		if !strings.HasPrefix(s, "/") || strings.ContainsAny(s, " \t\n") {
			p.add(badf("OKTABOT_ETCD_PREFIX %q: use a key prefix starting with /, e.g. /oktabot/ (replicas share state exactly when they share it)", s))
		} else {
			c.Prefix = s
		}
	}
	if s := e.get("OKTABOT_ETCD_LEASE_TTL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 5*time.Second || d > time.Minute || d%time.Second != 0 {
			p.add(badf("OKTABOT_ETCD_LEASE_TTL %q: use whole seconds from 5s to 60s, e.g. 10s: a replica cut off from etcd stops watching within it, and another takes over after it", s))
		} else {
			c.LeaseTTL = d
		}
	}
	c.CA, c.Cert, c.Key = e.get("OKTABOT_ETCD_CA"), e.get("OKTABOT_ETCD_CERT"), e.get("OKTABOT_ETCD_KEY")
	if (c.Cert == "") != (c.Key == "") {
		p.add(badf("OKTABOT_ETCD_CERT and OKTABOT_ETCD_KEY go together: set both (this client's certificate and its key) or neither"))
	}
	tlsEndpoint := false
	for _, ep := range c.Endpoints {
		tlsEndpoint = tlsEndpoint || strings.HasPrefix(ep, "https://")
	}
	if !tlsEndpoint && (c.CA != "" || c.Cert != "") {
		p.add(badf("OKTABOT_ETCD_CA/CERT/KEY are set but no endpoint in OKTABOT_ETCD_ENDPOINTS uses https: use https:// endpoints for TLS"))
	}
	if len(p) == 0 && (c.CA != "" || c.Cert != "") {
		_, err := c.tls()
		p.add(err)
	}
	return c, p.err()
}

// checkEndpoint refuses what is not an etcd client URL, and plain http to
// anything but a loopback address (state and the audit log would cross
// the network in the clear).
func checkEndpoint(ep string) error {
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return badf("OKTABOT_ETCD_ENDPOINTS: %q is not an etcd client URL: use https://host:2379", ep)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return badf("OKTABOT_ETCD_ENDPOINTS: %q has no port: use https://host:2379", ep)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return badf("OKTABOT_ETCD_ENDPOINTS: %q uses http: use https (with OKTABOT_ETCD_CA, OKTABOT_ETCD_CERT and OKTABOT_ETCD_KEY); plain http is only for an etcd on this machine's loopback", ep)
		}
	default:
		return badf("OKTABOT_ETCD_ENDPOINTS: %q: use https://host:2379", ep)
	}
	return nil
}

// tls is the client's TLS configuration from the files, or nil when none
// is set. A file that cannot be read or parsed is named; its content is
// never printed.
func (c storeConfig) tls() (*tls.Config, error) {
	if c.CA == "" && c.Cert == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CA != "" {
		pem, err := os.ReadFile(c.CA)
		if err != nil {
			return nil, badf("OKTABOT_ETCD_CA %s: %v", c.CA, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, badf("OKTABOT_ETCD_CA %s holds no PEM certificate: use the CA certificate that signed your etcd members' server certificates", c.CA)
		}
		cfg.RootCAs = pool
	}
	if c.Cert != "" {
		pair, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, badf("OKTABOT_ETCD_CERT and OKTABOT_ETCD_KEY (%s, %s) are not a PEM certificate and its private key: %s", c.Cert, c.Key, keyPairProblem(err))
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// keyPairProblem words a tls.LoadX509KeyPair error without quoting the
// files' content.
func keyPairProblem(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "no such file"), strings.Contains(msg, "permission denied"):
		return msg
	case strings.Contains(msg, "does not match"):
		return "the key does not belong to the certificate"
	}
	return fmt.Sprintf("they cannot be read as a pair (%T)", err)
}
