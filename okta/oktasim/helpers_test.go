package oktasim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Keys are slow to make; the tests share a few.
var (
	testRSAKey   = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	otherRSAKey  = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	testProofKey = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	testECKey    = sync.OnceValue(func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	})
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

const (
	testClient = "0oaclient1"
	testKid    = "kid1"
)

var b64 = base64.RawURLEncoding

// signJWT signs header and claims with key (RS256 for RSA, ES256 for P-256).
func signJWT(t testing.TB, key crypto.Signer, header, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"typ": "JWT"}
	switch key.(type) {
	case *rsa.PrivateKey:
		h["alg"] = "RS256"
	case *ecdsa.PrivateKey:
		h["alg"] = "ES256"
	}
	for k, v := range header {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	hb, _ := json.Marshal(h)
	cb, err := json.Marshal(claims)
	if err != nil {
		t.Fatalf("marshal claims: %v", err)
	}
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest[:])
	case *ecdsa.PrivateKey:
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k, digest[:])
		if err == nil {
			sig = make([]byte, 64)
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
		}
	}
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return input + "." + b64.EncodeToString(sig)
}

// assertionClaims are the claims of a good client assertion for ts.
func assertionClaims(ts *httptest.Server, clientID string) map[string]any {
	now := time.Now()
	return map[string]any{"iss": clientID, "sub": clientID, "aud": ts.URL + "/oauth2/v1/token",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": randomText(16)}
}

func tokenForm(assertion, scope string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "scope": {scope},
		"client_assertion_type": {assertionType}, "client_assertion": {assertion}}
}

// postToken posts a token request and decodes the JSON answer.
func postToken(t testing.TB, ts *httptest.Server, form url.Values, dpop string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if dpop != "" {
		req.Header.Set("DPoP", dpop)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("POST /oauth2/v1/token: %v", err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	var body map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("POST /oauth2/v1/token: body %q: %v", b, err)
	}
	return resp, body
}

// newSim starts a simulator on fx with the test service app registered.
func newSim(t testing.TB, fx *Fixture) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(fx)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, serveSim(t, s)
}

// serveSim registers the test service app and serves s on httptest; the
// test fails at the end if a request found no route.
func serveSim(t testing.TB, s *Server) *httptest.Server {
	t.Helper()
	s.AddServiceApp(ServiceApp{ClientID: testClient, PublicKey: &testRSAKey().PublicKey, KeyID: testKid})
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		if u := s.Unhandled(); len(u) > 0 {
			t.Errorf("unhandled requests: %v", u)
		}
	})
	return ts
}

// bearer gets a Bearer token with scopes.
func bearer(t testing.TB, ts *httptest.Server, scopes string) string {
	t.Helper()
	a := signJWT(t, testRSAKey(), map[string]any{"kid": testKid}, assertionClaims(ts, testClient))
	resp, body := postToken(t, ts, tokenForm(a, scopes), "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %v", resp.StatusCode, body)
	}
	return body["access_token"].(string)
}

const allTestScopes = "okta.users.read okta.users.manage okta.groups.read okta.groups.manage okta.apps.read okta.apps.manage okta.policies.read okta.policies.manage okta.logs.read"

// apiResult is an API answer.
type apiResult struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResult) json(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return v
}

func (r apiResult) list(t testing.TB) []any {
	t.Helper()
	l, ok := r.json(t).([]any)
	if !ok {
		t.Fatalf("body %s is not a list", r.body)
	}
	return l
}

func (r apiResult) object(t testing.TB) map[string]any {
	t.Helper()
	o, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("body %s is not an object", r.body)
	}
	return o
}

func (r apiResult) errorCode(t testing.TB) string {
	t.Helper()
	code, _ := r.object(t)["errorCode"].(string)
	return code
}

// call makes an API call with a Bearer token; body is JSON-encoded when set.
func call(t testing.TB, ts *httptest.Server, token, method, path string, body any) apiResult {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = ts.URL + path
	}
	req, _ := http.NewRequest(method, target, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
	b, _ := io.ReadAll(resp.Body)
	return apiResult{status: resp.StatusCode, header: resp.Header, body: b}
}

// ids lists the "id" of each object of a list.
func ids(list []any) []string {
	out := []string{}
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			id, _ := m["id"].(string)
			out = append(out, id)
		}
	}
	return out
}

// fakeClock is a settable clock for a simulator under test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// smallOrg is a fixture with a few of everything.
func smallOrg() *Fixture {
	return &Fixture{
		Users: []Object{
			{"id": "00u1", "status": "ACTIVE", "profile": Object{"login": "john@company.com", "firstName": "John", "lastName": "Smith", "email": "john@company.com"}},
			{"id": "00u2", "status": "SUSPENDED", "profile": Object{"login": "jane@company.com", "firstName": "Jane", "lastName": "Doe", "email": "jane@company.com"}},
			{"id": "00u3", "status": "LOCKED_OUT", "profile": Object{"login": "lock@company.com", "firstName": "Lou", "lastName": "Locke", "email": "lock@company.com"}},
			{"id": "00u4", "status": "STAGED", "profile": Object{"login": "new@company.com", "firstName": "Nia", "lastName": "New", "email": "new@company.com"}},
			{"id": "00u5", "status": "DEPROVISIONED", "profile": Object{"login": "gone@company.com", "firstName": "Gus", "lastName": "Gone", "email": "gone@company.com"}},
			{"id": "00u6", "status": "PROVISIONED", "profile": Object{"login": "prov@company.com", "firstName": "Pat", "lastName": "Prov", "email": "prov@company.com"}},
		},
		Groups: []Object{
			{"id": "00gall", "type": "BUILT_IN", "profile": Object{"name": "Everyone"}},
			{"id": "00g1", "profile": Object{"name": "Engineering"}, "members": []any{"00u1", "jane@company.com"}, "apps": []any{"0oa1"}},
			{"id": "00gapp", "type": "APP_GROUP", "profile": Object{"name": "AD Admins"}},
		},
		Apps: []Object{
			{"id": "0oa1", "label": "Salesforce", "name": "salesforce", "signOnMode": "SAML_2_0", "status": "ACTIVE", "users": []any{"00u3"}},
			{"id": "0oa2", "label": "GitHub", "name": "github", "signOnMode": "AUTO_LOGIN", "status": "INACTIVE"},
		},
		Policies: []Object{
			{"id": "00pdef", "type": "OKTA_SIGN_ON", "name": "Default Policy", "system": true, "priority": 2,
				"rules": []any{map[string]any{"id": "0prdef", "name": "Default Rule", "system": true}}},
			{"id": "00p1", "type": "OKTA_SIGN_ON", "name": "Admins", "priority": 1,
				"rules": []any{map[string]any{"id": "0pr1", "name": "MFA always"}}},
			{"id": "00p2", "type": "PASSWORD", "name": "Default Password Policy", "system": true},
		},
		Factors: map[string][]Object{
			"00u1":             {{"id": "opf1", "factorType": "push", "status": "ACTIVE"}},
			"jane@company.com": {{"factorType": "sms", "profile": Object{"phoneNumber": "+1 555 0100"}}},
		},
	}
}
