package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadStoreDefault(t *testing.T) {
	c, err := loadStore(env(func(string) string { return "" }))
	if err != nil || c.Kind != storeBbolt {
		t.Fatalf("loadStore() = %+v, %v; want bbolt", c, err)
	}
}

func TestLoadStoreEtcd(t *testing.T) {
	vars := map[string]string{
		"OKTABOT_STORE": "etcd", "OKTABOT_ETCD_ENDPOINTS": "http://127.0.0.1:2379, http://127.0.0.1:22379",
		"OKTABOT_ETCD_PREFIX": "/sec/oktabot/", "OKTABOT_ETCD_LEASE_TTL": "15s",
	}
	c, err := loadStore(env(func(k string) string { return vars[k] }))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != storeEtcd || len(c.Endpoints) != 2 || c.Prefix != "/sec/oktabot/" || c.LeaseTTL != 15*time.Second {
		t.Errorf("loadStore() = %+v", c)
	}
}

// TestLoadStoreProblems names every bad setting in one run, and never
// prints a key file's content.
func TestLoadStoreProblems(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "client.key")
	if err := os.WriteFile(secret, []byte("-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		vars map[string]string
		want []string
	}{
		{map[string]string{"OKTABOT_STORE": "redis"}, []string{"OKTABOT_STORE"}},
		{map[string]string{"OKTABOT_ETCD_ENDPOINTS": "https://etcd:2379"}, []string{"OKTABOT_STORE is not etcd"}},
		{map[string]string{"OKTABOT_STORE": "etcd"}, []string{"OKTABOT_ETCD_ENDPOINTS is not set"}},
		{map[string]string{"OKTABOT_STORE": "etcd", "OKTABOT_ETCD_ENDPOINTS": "http://etcd.internal:2379,etcd:2379,https://etcd", "OKTABOT_ETCD_PREFIX": "oktabot", "OKTABOT_ETCD_LEASE_TTL": "1s"},
			[]string{"uses http", `"etcd:2379" is not an etcd client URL`, `"https://etcd" has no port`, "OKTABOT_ETCD_PREFIX", "OKTABOT_ETCD_LEASE_TTL"}},
		{map[string]string{"OKTABOT_STORE": "etcd", "OKTABOT_ETCD_ENDPOINTS": "https://etcd:2379", "OKTABOT_ETCD_KEY": secret}, []string{"go together"}},
		{map[string]string{"OKTABOT_STORE": "etcd", "OKTABOT_ETCD_ENDPOINTS": "https://etcd:2379", "OKTABOT_ETCD_CERT": secret, "OKTABOT_ETCD_KEY": secret}, []string{"not a PEM certificate and its private key"}},
		{map[string]string{"OKTABOT_STORE": "etcd", "OKTABOT_ETCD_ENDPOINTS": "https://etcd:2379", "OKTABOT_ETCD_CA": secret}, []string{"holds no PEM certificate"}},
	} {
		_, err := loadStore(env(func(k string) string { return c.vars[k] }))
		if err == nil {
			t.Errorf("%v: no error", c.vars)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", c.vars, err, w)
			}
		}
		if strings.Contains(err.Error(), "TOPSECRET") {
			t.Errorf("%v: the error quotes the key file: %v", c.vars, err)
		}
	}
}
