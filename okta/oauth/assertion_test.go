package oauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// decodeJWT splits a compact JWS and checks its signature with pub.
func decodeJWT(t *testing.T, s string, pub crypto.PublicKey) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		t.Fatalf("JWT has %d parts, want 3", len(parts))
	}
	dec := func(i int, v any) {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("JWT part %d is not base64url: %v", i, err)
		}
		if v != nil {
			d := json.NewDecoder(strings.NewReader(string(b)))
			d.UseNumber()
			if err := d.Decode(v); err != nil {
				t.Fatalf("JWT part %d is not JSON: %v", i, err)
			}
		}
	}
	dec(0, &header)
	dec(1, &claims)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatalf("JWT signature is not base64url: %v", err)
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
			t.Fatalf("JWT signature does not verify: %v", err)
		}
	case *ecdsa.PublicKey:
		if len(sig) != 64 || !ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			t.Fatal("JWT signature does not verify")
		}
	default:
		t.Fatalf("unknown public key %T", pub)
	}
	return header, claims
}

func claimInt(t *testing.T, claims map[string]any, k string) int64 {
	t.Helper()
	n, ok := claims[k].(json.Number)
	if !ok {
		t.Fatalf("claim %q = %v, want a number", k, claims[k])
	}
	v, err := n.Int64()
	if err != nil {
		t.Fatalf("claim %q = %v, want an integer", k, n)
	}
	return v
}

func TestClientAssertion(t *testing.T) {
	for _, tt := range []struct {
		name string
		key  func(t *testing.T) *Key
		alg  string
	}{
		{"rsa", func(t *testing.T) *Key {
			k, err := ParseKey(rsaJWK(t, testRSA(), "kid-rsa"), "")
			if err != nil {
				t.Fatal(err)
			}
			return k
		}, "RS256"},
		{"ec", func(t *testing.T) *Key {
			k, err := ParseKey(ecJWK(t, ecKeyP256(t), "kid-ec"), "")
			if err != nil {
				t.Fatal(err)
			}
			return k
		}, "ES256"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.key(t)
			now := time.Unix(1_800_000_000, 0)
			const aud = "https://company.okta.com/oauth2/v1/token"
			seen := map[string]bool{}
			for range 50 {
				s, err := clientAssertion(k, "0oaCLIENT", aud, now)
				if err != nil {
					t.Fatalf("clientAssertion() error = %v", err)
				}
				header, claims := decodeJWT(t, s, k.public())
				if diff := cmp.Diff(map[string]any{"alg": tt.alg, "typ": "JWT", "kid": k.kid}, header); diff != "" {
					t.Fatalf("clientAssertion() header (-want +got):\n%s", diff)
				}
				for c, want := range map[string]string{"iss": "0oaCLIENT", "sub": "0oaCLIENT", "aud": aud} {
					if claims[c] != want {
						t.Errorf("claim %s = %v, want %q", c, claims[c], want)
					}
				}
				iat, exp := claimInt(t, claims, "iat"), claimInt(t, claims, "exp")
				if iat != now.Unix() || exp <= iat || exp-iat > 3600 {
					t.Errorf("iat %d exp %d: want iat = now and 0 < exp-iat ≤ 1h", iat, exp)
				}
				jti, _ := claims["jti"].(string)
				if len(jti) < 16 || seen[jti] {
					t.Fatalf("jti %q is short or repeated", jti)
				}
				seen[jti] = true
			}
		})
	}
}

func TestDPoPProof(t *testing.T) {
	d, err := NewDPoP(true)
	if err != nil {
		t.Fatal(err)
	}
	const tok = "access-token-value"
	for _, tt := range []struct {
		name, method, target, token string
		api                         bool
		nonce                       string
		wantHTU                     string
	}{
		{name: "token request", method: "post", target: "https://company.okta.com/oauth2/v1/token", wantHTU: "https://company.okta.com/oauth2/v1/token"},
		{name: "token request with nonce", method: "POST", target: "https://company.okta.com/oauth2/v1/token", nonce: "n-1", wantHTU: "https://company.okta.com/oauth2/v1/token"},
		{name: "api call drops the query", method: "GET", target: "http://127.0.0.1:8080/api/v1/users?limit=200&after=00u1#x", token: tok, api: true, nonce: "n-api", wantHTU: "http://127.0.0.1:8080/api/v1/users"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d.setNonce(tt.api, tt.nonce)
			s, err := d.proof(tt.method, tt.target, tt.token, tt.api, time.Unix(1_800_000_000, 0))
			if err != nil {
				t.Fatalf("proof() error = %v", err)
			}
			header, claims := decodeJWT(t, s, d.key.public())
			if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" {
				t.Errorf("proof header = %v, want typ dpop+jwt alg ES256", header)
			}
			jwk, _ := header["jwk"].(map[string]any)
			want := map[string]any{}
			pub := d.key.publicJWK()
			wantJSON, err := pub.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(wantJSON, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, jwk); diff != "" {
				t.Errorf("proof jwk (-want +got):\n%s", diff)
			}
			if _, private := jwk["d"]; private {
				t.Fatal("proof jwk carries the private key")
			}
			if claims["htm"] != strings.ToUpper(tt.method) || claims["htu"] != tt.wantHTU {
				t.Errorf("htm %v htu %v, want %s %s", claims["htm"], claims["htu"], strings.ToUpper(tt.method), tt.wantHTU)
			}
			if got, _ := claims["nonce"].(string); got != tt.nonce {
				t.Errorf("nonce = %q, want %q", got, tt.nonce)
			}
			sum := sha256.Sum256([]byte(tok))
			wantATH := ""
			if tt.token != "" {
				wantATH = base64.RawURLEncoding.EncodeToString(sum[:])
			}
			if got, _ := claims["ath"].(string); got != wantATH {
				t.Errorf("ath = %q, want %q", got, wantATH)
			}
			if claimInt(t, claims, "iat") != 1_800_000_000 {
				t.Errorf("iat = %v", claims["iat"])
			}
		})
	}
}
