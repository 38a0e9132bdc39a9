package oktasim

import (
	"crypto/rsa"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newProof makes a DPoP proof signed by key for method and url, with nonce
// and the ath of token when they are set.
func newProof(t testing.TB, key *rsa.PrivateKey, method, url, nonce, token string) string {
	t.Helper()
	jwk := map[string]any{"kty": "RSA", "n": b64.EncodeToString(key.N.Bytes()),
		"e": b64.EncodeToString(big.NewInt(int64(key.E)).Bytes())}
	claims := map[string]any{"htm": method, "htu": url, "iat": time.Now().Unix(), "jti": randomText(20)}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if token != "" {
		claims["ath"] = tokenHash(token)
	}
	return signJWT(t, key, map[string]any{"typ": "dpop+jwt", "jwk": jwk}, claims)
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
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResult{status: resp.StatusCode, header: resp.Header, body: b}
}

const dpopClient = "0oadpop"

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
	return body["access_token"].(string)
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
	}{
		{"proof for another URL", newProof(t, testProofKey(), "POST", ts.URL+"/oauth2/v1/other", "", "")},
		{"proof for another method", newProof(t, testProofKey(), "GET", tokenURL, "", "")},
		{"proof with a bad signature", newProof(t, testProofKey(), "POST", tokenURL, "", "")[:40] + "x" +
			newProof(t, testProofKey(), "POST", tokenURL, "", "")[41:]},
		{"not a JWT", "garbage"},
	}
	for _, tt := range bad {
		resp, body := postToken(t, ts, form(), tt.proof)
		if resp.StatusCode != 400 || body["error"] != "invalid_dpop_proof" {
			t.Errorf("%s: token request = %d %v, want 400 invalid_dpop_proof", tt.name, resp.StatusCode, body)
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
