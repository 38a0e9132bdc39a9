// Package authtest holds what the tests of okta and okta/oauth sign in
// with: private keys in the forms Okta's Admin Console and openssl give
// them, and a fake token endpoint. Only tests import it.
package authtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// RSA is one RSA-2048 key shared by the tests of a package: making one
// takes a while under the race detector.
var RSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// B64URL is b in unpadded base64url, as JWKs carry numbers.
func B64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// RSAJWK is k as the private JWK Okta's Admin Console generates.
func RSAJWK(t testing.TB, k *rsa.PrivateKey, kid string) []byte {
	t.Helper()
	m := map[string]string{
		"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": B64URL(k.N.Bytes()), "e": B64URL(big.NewInt(int64(k.E)).Bytes()), "d": B64URL(k.D.Bytes()),
		"p": B64URL(k.Primes[0].Bytes()), "q": B64URL(k.Primes[1].Bytes()),
		"dp": B64URL(k.Precomputed.Dp.Bytes()), "dq": B64URL(k.Precomputed.Dq.Bytes()), "qi": B64URL(k.Precomputed.Qinv.Bytes()),
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ECP256 makes a P-256 key.
func ECP256(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ECJWK is k as a private JWK.
func ECJWK(t testing.TB, k *ecdsa.PrivateKey, kid string) []byte {
	t.Helper()
	pub, err := k.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	d, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"kty": "EC", "crv": "P-256", "kid": kid, "x": B64URL(pub[1:33]), "y": B64URL(pub[33:]), "d": B64URL(d)})
	return b
}

// PEM is der in a PEM block of type typ.
func PEM(t testing.TB, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// PKCS8 is k as a PKCS#8 PEM private key.
func PKCS8(t testing.TB, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return PEM(t, "PRIVATE KEY", der)
}

// TokenServer answers token requests with answer(n) for the n-th
// request (from 1) and counts them.
func TokenServer(t testing.TB, answer func(n int32, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/v1/token" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.NotFound(w, r)
			return
		}
		answer(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// JSONAnswer writes v as a JSON answer with status.
func JSONAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
