package oauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestParsePrivateKey(t *testing.T) {
	rk := testRSA()
	ek := ecKeyP256(t)
	ecDER, err := x509.MarshalECPrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	jwkSet := []byte(`{"keys":[` + string(rsaJWK(t, rk, "set-kid")) + `]}`)
	var public map[string]string
	_ = json.Unmarshal(rsaJWK(t, rk, "k1"), &public)
	for _, f := range []string{"d", "p", "q", "dp", "dq", "qi"} {
		delete(public, f)
	}
	publicJWK, _ := json.Marshal(public)
	var broken map[string]string
	_ = json.Unmarshal(rsaJWK(t, rk, "k1"), &broken)
	broken["p"] = b64u(big.NewInt(7919).Bytes())
	brokenJWK, _ := json.Marshal(broken)

	tests := []struct {
		name    string
		key     []byte
		kid     string
		wantAlg string
		wantKid string
		wantErr string
	}{
		{name: "rsa jwk", key: rsaJWK(t, rk, "kid-1"), wantAlg: "RS256", wantKid: "kid-1"},
		{name: "rsa jwk, kid overridden", key: rsaJWK(t, rk, "kid-1"), kid: "other", wantAlg: "RS256", wantKid: "other"},
		{name: "jwk set of one", key: jwkSet, wantAlg: "RS256", wantKid: "set-kid"},
		{name: "ec jwk", key: ecJWK(t, ek, "ec-1"), wantAlg: "ES256", wantKid: "ec-1"},
		{name: "pem pkcs1", key: pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), kid: "pem-kid", wantAlg: "RS256", wantKid: "pem-kid"},
		{name: "pem pkcs8 rsa", key: pkcs8(t, rk), wantAlg: "RS256"},
		{name: "pem pkcs8 ec", key: pkcs8(t, ek), wantAlg: "ES256"},
		{name: "pem sec1 ec", key: pemOf(t, "EC PRIVATE KEY", ecDER), wantAlg: "ES256"},
		{name: "pem with spaces around", key: []byte("\n  " + string(pkcs8(t, rk)) + "\n"), wantAlg: "RS256"},
		{name: "public jwk", key: publicJWK, wantErr: "public key"},
		{name: "inconsistent jwk", key: brokenJWK, wantErr: "inconsistent"},
		{name: "garbage", key: []byte("hello"), wantErr: "neither a JWK"},
		{name: "bad json", key: []byte(`{"kty":`), wantErr: "not valid JSON"},
		{name: "unknown kty", key: []byte(`{"kty":"oct","d":"AA"}`), wantErr: "not supported"},
		{name: "certificate", key: pemOf(t, "CERTIFICATE", []byte{1, 2}), wantErr: "certificate"},
		{name: "encrypted pkcs8", key: pemOf(t, "ENCRYPTED PRIVATE KEY", []byte{1, 2}), wantErr: "encrypted"},
		{name: "rsa 1024", key: pkcs8(t, small), wantErr: "at least 2048"},
		{name: "ec p-384", key: pkcs8(t, p384), wantErr: "P-256"},
		{name: "jwk set of two", key: []byte(`{"keys":[{},{}]}`), wantErr: "2 keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKey(tt.key, tt.kid)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseKey() error = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), b64u(rk.D.Bytes())[:16]) {
					t.Fatalf("ParseKey() error quotes key material: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKey() error = %v", err)
			}
			if k.alg != tt.wantAlg || k.kid != tt.wantKid {
				t.Fatalf("ParseKey() = alg %q kid %q, want %q %q", k.alg, k.kid, tt.wantAlg, tt.wantKid)
			}
			// The parsed key signs what its public half verifies.
			s, err := signJWT(k, "JWT", false, map[string]any{"msg": "signing input"})
			if err != nil {
				t.Fatalf("signJWT() error = %v", err)
			}
			header, _ := decodeJWT(t, s, k.public())
			if header["alg"] != tt.wantAlg {
				t.Fatalf("signed header alg = %v, want %s", header["alg"], tt.wantAlg)
			}
		})
	}
}
