package oktasim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// newProof makes a DPoP proof signed by key for method and url, with nonce
// and the ath of token when they are set.
func newProof(t testing.TB, key *rsa.PrivateKey, method, url, nonce, token string) string {
	t.Helper()
	return newProofWith(t, key, &key.PublicKey, method, url, nonce, token, nil)
}

// newProofWith is newProof signed by key with the public key pub in its
// header, its header or claims changed by mod.
func newProofWith(t testing.TB, key crypto.Signer, pub crypto.PublicKey, method, url, nonce, token string, mod func(header, claims map[string]any)) string {
	t.Helper()
	var jwk map[string]any
	switch k := pub.(type) {
	case *rsa.PublicKey:
		jwk = map[string]any{"kty": "RSA", "n": b64.EncodeToString(k.N.Bytes()),
			"e": b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())}
	case *ecdsa.PublicKey:
		b, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		jwk = map[string]any{"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(b[1:33]), "y": b64.EncodeToString(b[33:])}
	}
	header := map[string]any{"typ": "dpop+jwt", "jwk": jwk}
	claims := map[string]any{"htm": method, "htu": url, "iat": time.Now().Unix(), "jti": randomText(20)}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if token != "" {
		claims["ath"] = tokenHash(token)
	}
	if mod != nil {
		mod(header, claims)
	}
	return signJWT(t, key, header, claims)
}

// dpopCall makes an API call with a DPoP token and proof.
func dpopCall(t testing.TB, ts *httptest.Server, scheme, token, proof, method, path string) apiResult {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, nil)
	req.Header.Set("Authorization", scheme+" "+token)
	if proof != "" {
		req.Header.Set("DPoP", proof)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	b, _ := io.ReadAll(resp.Body)
	return apiResult{status: resp.StatusCode, header: resp.Header, body: b}
}

const dpopClient = "0oadpop"

// otherEC is a P-256 key pair no app or proof uses elsewhere.
var otherEC = sync.OnceValue(func() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
})

func dpopSim(t *testing.T) (*Server, *httptest.Server) {
	s, ts := newSim(t, smallOrg())
	s.AddServiceApp(ServiceApp{ClientID: dpopClient, PublicKey: &testRSAKey().PublicKey, RequireDPoP: true})
	return s, ts
}

// dpopToken runs the nonce dance and returns a DPoP token bound to the test
// proof key.
func dpopToken(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	tokenURL := ts.URL + "/oauth2/v1/token"
	form := func() map[string][]string {
		return tokenForm(signJWT(t, testRSAKey(), nil, assertionClaims(ts, dpopClient)), "okta.users.read")
	}
	resp, body := postToken(t, ts, form(), newProof(t, testProofKey(), "POST", tokenURL, "", ""))
	nonce := resp.Header.Get("DPoP-Nonce")
	if resp.StatusCode != 400 || body["error"] != "use_dpop_nonce" || nonce == "" {
		t.Fatalf("token request without nonce = %d %v (DPoP-Nonce %q), want 400 use_dpop_nonce with a nonce", resp.StatusCode, body, nonce)
	}
	resp, body = postToken(t, ts, form(), newProof(t, testProofKey(), "POST", tokenURL, nonce, ""))
	if resp.StatusCode != 200 || body["token_type"] != "DPoP" {
		t.Fatalf("token request with nonce = %d %v, want a DPoP token", resp.StatusCode, body)
	}
	tok := body["access_token"].(string)
	// The token carries the proof key's RFC 7638 thumbprint as cnf.jkt.
	k := testProofKey()
	canonical := `{"e":"` + b64.EncodeToString(big.NewInt(int64(k.E)).Bytes()) + `","kty":"RSA","n":"` + b64.EncodeToString(k.N.Bytes()) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	var claims struct {
		Cnf struct {
			Jkt string `json:"jkt"`
		} `json:"cnf"`
	}
	if parts := strings.Split(tok, "."); len(parts) == 3 {
		b, _ := b64.DecodeString(parts[1])
		_ = json.Unmarshal(b, &claims)
	}
	if want := b64.EncodeToString(sum[:]); claims.Cnf.Jkt != want {
		t.Fatalf("access token cnf.jkt = %q, want the proof key's thumbprint %q", claims.Cnf.Jkt, want)
	}
	return tok
}

func TestDPoPTokenRequest(t *testing.T) {
	s, ts := dpopSim(t)
	tokenURL := ts.URL + "/oauth2/v1/token"
	form := func() map[string][]string {
		return tokenForm(signJWT(t, testRSAKey(), nil, assertionClaims(ts, dpopClient)), "okta.users.read")
	}
	resp, body := postToken(t, ts, form(), "")
	if resp.StatusCode != 400 || body["error"] != "invalid_dpop_proof" {
		t.Errorf("token request without a proof = %d %v, want 400 invalid_dpop_proof", resp.StatusCode, body)
	}
	bad := []struct {
		name  string
		proof string
		want  string // in error_description
	}{
		{"proof for another URL", newProof(t, testProofKey(), "POST", ts.URL+"/oauth2/v1/other", "", ""), "'htu'"},
		{"proof for another method", newProof(t, testProofKey(), "GET", tokenURL, "", ""), "'htm'"},
		{"proof with a bad signature (signature bytes changed)",
			corruptSignature(t, newProof(t, testProofKey(), "POST", tokenURL, "", "")), "signature is invalid"},
		{"proof signed by a key other than its jwk",
			newProofWith(t, otherRSAKey(), &testProofKey().PublicKey, "POST", tokenURL, "", "", nil), "signature is invalid"},
		{"not a JWT", "garbage", "malformed"},
	}
	for _, tt := range bad {
		resp, body := postToken(t, ts, form(), tt.proof)
		if resp.StatusCode != 400 || body["error"] != "invalid_dpop_proof" {
			t.Errorf("%s: token request = %d %v, want 400 invalid_dpop_proof", tt.name, resp.StatusCode, body)
		}
		if desc, _ := body["error_description"].(string); !strings.Contains(desc, tt.want) {
			t.Errorf("%s: error_description = %q, want it to contain %q", tt.name, desc, tt.want)
		}
	}
	// The nonce dance: answered use_dpop_nonce (not a failure), then a token.
	_ = dpopToken(t, ts)
	// A proof replayed on the token endpoint is refused.
	resp, _ = postToken(t, ts, form(), newProof(t, testProofKey(), "POST", tokenURL, "", ""))
	nonce := resp.Header.Get("DPoP-Nonce")
	proof := newProof(t, testProofKey(), "POST", tokenURL, nonce, "")
	if resp, body := postToken(t, ts, form(), proof); resp.StatusCode != 200 {
		t.Fatalf("token request with nonce = %d %v", resp.StatusCode, body)
	}
	if resp, body := postToken(t, ts, form(), proof); resp.StatusCode != 400 || body["error"] != "invalid_dpop_proof" {
		t.Errorf("replayed proof = %d %v, want 400 invalid_dpop_proof", resp.StatusCode, body)
	}
	ok, failed := s.TokenGrants()
	if ok != 2 || failed != 1+len(bad)+1 {
		t.Errorf("TokenGrants() = %d, %d; want 2, %d", ok, failed, 2+len(bad))
	}
}

func TestDPoPAPICall(t *testing.T) {
	_, ts := dpopSim(t)
	tok := dpopToken(t, ts)
	url := ts.URL + "/api/v1/users/00u1"
	replayed := newProof(t, testProofKey(), "GET", url, "", tok)
	tests := []struct {
		name   string
		scheme string
		proof  string
		status int
		error  string
	}{
		{"good proof", "DPoP", replayed, 200, ""},
		{"replayed proof", "DPoP", replayed, 400, "invalid_dpop_proof"},
		{"good proof with the token's nonce", "DPoP", newProof(t, testProofKey(), "GET", url, "n", tok), 200, ""},
		{"query is not part of htu", "DPoP", newProof(t, testProofKey(), "GET", url+"?x=1", "", tok), 200, ""},
		{"as a Bearer token", "Bearer", newProof(t, testProofKey(), "GET", url, "", tok), 401, "E0000011"},
		{"without a proof", "DPoP", "", 400, "invalid_dpop_proof"},
		{"proof without ath", "DPoP", newProof(t, testProofKey(), "GET", url, "", ""), 400, "invalid_dpop_proof"},
		{"proof for another URL", "DPoP", newProof(t, testProofKey(), "GET", ts.URL+"/api/v1/users/00u2", "", tok), 400, "invalid_dpop_proof"},
		{"proof from another key", "DPoP", newProof(t, otherRSAKey(), "GET", url, "", tok), 400, "invalid_dpop_proof"},
	}
	// Each of these is refused for its own reason, named in the description.
	ec := testECKey()
	for _, tt := range []struct {
		name, proof, want string
	}{
		{"bad signature (signature bytes changed)",
			corruptSignature(t, newProof(t, testProofKey(), "GET", url, "", tok)), "signature is invalid"},
		{"signed by a key other than its jwk",
			newProofWith(t, otherRSAKey(), &testProofKey().PublicKey, "GET", url, "", tok, nil), "signature is invalid"},
		{"EC key, ES256 signature by another EC key",
			newProofWith(t, ec, &otherEC().PublicKey, "GET", url, "", tok, nil), "signature is invalid"},
		{"RSA jwk, alg ES256",
			newProofWith(t, testProofKey(), &testProofKey().PublicKey, "GET", url, "", tok,
				func(h, _ map[string]any) { h["alg"] = "ES256" }), "'alg' does not match its 'jwk'"},
		{"typ JWT", newProofWith(t, testProofKey(), &testProofKey().PublicKey, "GET", url, "", tok,
			func(h, _ map[string]any) { h["typ"] = "JWT" }), "'typ'"},
		{"iat an hour ago", newProofWith(t, testProofKey(), &testProofKey().PublicKey, "GET", url, "", tok,
			func(_, c map[string]any) { c["iat"] = time.Now().Add(-time.Hour).Unix() }), "'iat'"},
		{"wrong ath", newProof(t, testProofKey(), "GET", url, "", tok+"x"), "'ath'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := dpopCall(t, ts, "DPoP", tok, tt.proof, "GET", "/api/v1/users/00u1")
			if res.status != 400 {
				t.Fatalf("GET /api/v1/users/00u1 = %d %s, want 400", res.status, res.body)
			}
			if h := res.header.Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_dpop_proof"`) || !strings.Contains(h, tt.want) {
				t.Errorf("WWW-Authenticate = %q, want invalid_dpop_proof naming %q", h, tt.want)
			}
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := dpopCall(t, ts, tt.scheme, tok, tt.proof, "GET", "/api/v1/users/00u1")
			if res.status != tt.status {
				t.Fatalf("GET /api/v1/users/00u1 = %d %s, want %d", res.status, res.body, tt.status)
			}
			if tt.error == "" {
				return
			}
			obj := res.object(t)
			if obj["error"] != tt.error && obj["errorCode"] != tt.error {
				t.Errorf("GET /api/v1/users/00u1 body = %s, want error %s", res.body, tt.error)
			}
			if tt.error == "invalid_dpop_proof" && !strings.Contains(res.header.Get("WWW-Authenticate"), `DPoP algs=`) {
				t.Errorf("WWW-Authenticate = %q, want a DPoP challenge", res.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestDPoPProofSpentOn429(t *testing.T) {
	s, ts := dpopSim(t)
	tok := dpopToken(t, ts)
	s.SetRateLimit(FamilyUsers, 1, time.Minute)
	path := "/api/v1/users/00u1"
	dpopCall(t, ts, "DPoP", tok, newProof(t, testProofKey(), "GET", ts.URL+path, "", tok), "GET", path)
	proof := newProof(t, testProofKey(), "GET", ts.URL+path, "", tok)
	if res := dpopCall(t, ts, "DPoP", tok, proof, "GET", path); res.status != 429 {
		t.Fatalf("second call = %d, want 429", res.status)
	}
	s.SetRateLimit(FamilyUsers, 0, 0)
	if res := dpopCall(t, ts, "DPoP", tok, proof, "GET", path); res.status != 400 {
		t.Errorf("retry with the proof of the throttled call = %d %s, want 400 invalid_dpop_proof", res.status, res.body)
	}
}

// TestDPoPResourceNonce: with a resource-server nonce required, a call is
// challenged (400 or 401, no body, the nonce in DPoP-Nonce), the retry with
// that nonce is challenged again while rotations remain, and the nonces
// handed out then work for later calls too.
func TestDPoPResourceNonce(t *testing.T) {
	for _, status := range []int{400, 401} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s, ts := dpopSim(t)
			tok := dpopToken(t, ts)
			s.SetDPoPBehaviour(DPoPBehaviour{NonceStatus: status, Rotations: 2})
			path := "/api/v1/users/00u1"
			get := func(nonce string) apiResult {
				return dpopCall(t, ts, "DPoP", tok, newProof(t, testProofKey(), "GET", ts.URL+path, nonce, tok), "GET", path)
			}
			challenged := func(res apiResult, what string) string {
				t.Helper()
				n := res.header.Get("DPoP-Nonce")
				h := res.header.Get("WWW-Authenticate")
				if res.status != status || n == "" || len(res.body) != 0 ||
					!strings.HasPrefix(h, "DPoP ") || !strings.Contains(h, `error="use_dpop_nonce"`) || !strings.Contains(h, `error_description="`) {
					t.Fatalf("%s = %d %q (DPoP-Nonce %q, WWW-Authenticate %q), want a body-less %d use_dpop_nonce challenge with a nonce",
						what, res.status, res.body, n, h, status)
				}
				return n
			}
			n1 := challenged(get(""), "call without a nonce")
			n2 := challenged(get(n1), "retry with the first nonce (rotation 1)")
			n3 := challenged(get(n2), "retry with the second nonce (rotation 2)")
			if n1 == n2 || n2 == n3 || n1 == n3 {
				t.Errorf("nonces %q %q %q, want three different", n1, n2, n3)
			}
			for i := range 2 {
				if res := get(n3); res.status != 200 {
					t.Fatalf("call %d with the last nonce = %d %s, want 200", i+1, res.status, res.body)
				}
			}
			// A nonce is rotated once; afterwards it stays valid.
			for _, n := range []string{n1, n2} {
				if res := get(n); res.status != 200 {
					t.Errorf("call with an earlier nonce = %d %s, want 200", res.status, res.body)
				}
			}
			challenged(get("made-up"), "call with a made-up nonce")
		})
	}
}

// TestDPoPStaleProof: with MaxProofAge, a proof issued too long ago is
// refused with a 400 whose body is empty: the reason is only in
// WWW-Authenticate.
func TestDPoPStaleProof(t *testing.T) {
	s, ts := dpopSim(t)
	tok := dpopToken(t, ts)
	s.SetDPoPBehaviour(DPoPBehaviour{MaxProofAge: time.Minute})
	path := "/api/v1/users/00u1"
	at := func(iat time.Time) apiResult {
		return dpopCall(t, ts, "DPoP", tok, newProofWith(t, testProofKey(), &testProofKey().PublicKey, "GET", ts.URL+path, "", tok,
			func(_, c map[string]any) { c["iat"] = iat.Unix() }), "GET", path)
	}
	res := at(time.Now().Add(-2 * time.Minute))
	h := res.header.Get("WWW-Authenticate")
	if res.status != 400 || len(res.body) != 0 || !strings.Contains(h, `error="invalid_dpop_proof"`) ||
		!strings.Contains(h, `error_description="The DPoP proof JWT was issued too far in the past."`) {
		t.Fatalf("stale proof = %d %q (WWW-Authenticate %q), want a body-less 400 invalid_dpop_proof issued too far in the past", res.status, res.body, h)
	}
	if res := at(time.Now().Add(-30 * time.Second)); res.status != 200 {
		t.Errorf("proof 30s old = %d %s, want 200", res.status, res.body)
	}
}
