package okta

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
	"sync"
	"testing"
)

// testRSA is one RSA-2048 key shared by the tests of this package: making
// one takes a while under the race detector.
var testRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rsaJWK is k as the private JWK Okta's Admin Console generates.
func rsaJWK(t *testing.T, k *rsa.PrivateKey, kid string) []byte {
	t.Helper()
	m := map[string]string{
		"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": b64u(k.N.Bytes()), "e": b64u(big.NewInt(int64(k.E)).Bytes()), "d": b64u(k.D.Bytes()),
		"p": b64u(k.Primes[0].Bytes()), "q": b64u(k.Primes[1].Bytes()),
		"dp": b64u(k.Precomputed.Dp.Bytes()), "dq": b64u(k.Precomputed.Dq.Bytes()), "qi": b64u(k.Precomputed.Qinv.Bytes()),
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ecKeyP256(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecJWK(t *testing.T, k *ecdsa.PrivateKey, kid string) []byte {
	t.Helper()
	pub, err := k.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	d, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"kty": "EC", "crv": "P-256", "kid": kid, "x": b64u(pub[1:33]), "y": b64u(pub[33:]), "d": b64u(d)})
	return b
}

func pemOf(t *testing.T, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pkcs8(t *testing.T, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf(t, "PRIVATE KEY", der)
}
