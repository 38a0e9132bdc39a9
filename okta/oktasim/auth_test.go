package oktasim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTokenGrant(t *testing.T) {
	s, ts := newSim(t, nil)
	s.AddServiceApp(ServiceApp{ClientID: "0oaec", PublicKey: &testECKey().PublicKey})
	s.AddServiceApp(ServiceApp{ClientID: "0oaoff", PublicKey: &testRSAKey().PublicKey, Inactive: true})
	s.AddServiceApp(ServiceApp{ClientID: "0oaro", PublicKey: &testRSAKey().PublicKey, Scopes: []string{"okta.users.read"}})
	replayed := assertionClaims(ts, testClient)
	first := signJWT(t, testRSAKey(), map[string]any{"kid": testKid}, replayed)
	if resp, body := postToken(t, ts, tokenForm(first, "okta.users.read"), ""); resp.StatusCode != 200 {
		t.Fatalf("first use of an assertion: %d %v", resp.StatusCode, body)
	}

	with := func(client string, mod func(c map[string]any)) map[string]any {
		return claimsWith(ts, client, mod)
	}
	kid := map[string]any{"kid": testKid}
	tests := []struct {
		name      string
		key       crypto.Signer
		header    map[string]any
		claims    map[string]any
		scope     string
		form      func(f map[string][]string)
		dpop      bool
		status    int
		errorCode string
		wantScope string
	}{
		{name: "valid RS256 grant", key: testRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "okta.users.read okta.logs.read", status: 200, wantScope: "okta.logs.read okta.users.read"},
		{name: "valid ES256 grant, app without kid", key: testECKey(), claims: with("0oaec", nil),
			scope: "okta.groups.read", status: 200, wantScope: "okta.groups.read"},
		{name: "wrong key", key: otherRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "wrong kid", key: testRSAKey(), header: map[string]any{"kid": "other"}, claims: with(testClient, nil),
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "missing kid", key: testRSAKey(), claims: with(testClient, nil),
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "unknown client id", key: testRSAKey(), header: kid, claims: with("0oanobody", nil),
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "iss is not the client", key: testRSAKey(), header: kid,
			claims: with(testClient, func(c map[string]any) { c["iss"] = "0oaother" }),
			scope:  "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "wrong aud", key: testRSAKey(), header: kid,
			claims: with(testClient, func(c map[string]any) { c["aud"] = "https://company.okta.com/oauth2/v1/token" }),
			scope:  "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "aud without the port", key: testRSAKey(), header: kid,
			claims: with(testClient, func(c map[string]any) { c["aud"] = "http://127.0.0.1/oauth2/v1/token" }),
			scope:  "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "expired assertion", key: testRSAKey(), header: kid,
			claims: with(testClient, func(c map[string]any) {
				c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
				c["exp"] = time.Now().Add(-time.Hour).Unix()
			}),
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "exp more than an hour after iat", key: testRSAKey(), header: kid,
			claims: with(testClient, func(c map[string]any) { c["exp"] = time.Now().Add(3 * time.Hour).Unix() }),
			scope:  "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "no jti", key: testRSAKey(), header: kid,
			claims: with(testClient, func(c map[string]any) { delete(c, "jti") }),
			scope:  "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "replayed jti", key: testRSAKey(), header: kid, claims: replayed,
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "alg none", key: testRSAKey(), header: map[string]any{"kid": testKid, "alg": "none"},
			claims: with(testClient, nil), scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "inactive app", key: testRSAKey(), claims: with("0oaoff", nil),
			scope: "okta.users.read", status: 401, errorCode: "invalid_client"},
		{name: "scope not granted", key: testRSAKey(), claims: with("0oaro", nil),
			scope: "okta.users.read okta.users.manage", status: 400, errorCode: "invalid_scope"},
		{name: "no scope", key: testRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "", status: 400, errorCode: "invalid_scope"},
		{name: "not an okta scope", key: testRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "openid", status: 400, errorCode: "invalid_scope"},
		{name: "wrong grant type", key: testRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "okta.users.read", form: func(f map[string][]string) { f["grant_type"] = []string{"password"} },
			status: 400, errorCode: "unsupported_grant_type"},
		{name: "wrong assertion type", key: testRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "okta.users.read", form: func(f map[string][]string) { f["client_assertion_type"] = []string{"x"} },
			status: 401, errorCode: "invalid_client"},
		{name: "DPoP proof for a Bearer app", key: testRSAKey(), header: kid, claims: with(testClient, nil),
			scope: "okta.users.read", dpop: true, status: 400, errorCode: "invalid_dpop_proof"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := tokenForm(signJWT(t, tt.key, tt.header, tt.claims), tt.scope)
			if tt.form != nil {
				tt.form(form)
			}
			dpop := ""
			if tt.dpop {
				dpop = newProof(t, testProofKey(), "POST", ts.URL+"/oauth2/v1/token", "", "")
			}
			resp, body := postToken(t, ts, form, dpop)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST /oauth2/v1/token = %d %v, want %d", resp.StatusCode, body, tt.status)
			}
			if tt.errorCode != "" {
				if body["error"] != tt.errorCode || body["error_description"] == "" {
					t.Errorf("POST /oauth2/v1/token body = %v, want error %q with a description", body, tt.errorCode)
				}
				return
			}
			if body["token_type"] != "Bearer" || body["expires_in"] != 3600.0 || body["scope"] != tt.wantScope || body["access_token"] == "" {
				t.Errorf("POST /oauth2/v1/token body = %v, want a Bearer token for %q valid 3600s", body, tt.wantScope)
			}
		})
	}
	ok, failed := s.TokenGrants()
	if ok != 3 || failed != len(tests)-2 {
		t.Errorf("TokenGrants() = %d, %d; want 3, %d", ok, failed, len(tests)-2)
	}
}

func TestTokenUse(t *testing.T) {
	tests := []struct {
		name    string
		scopes  string
		method  string
		path    string
		prepare func(s *Server, c *fakeClock)
		status  int
		code    string
		scope   string // in WWW-Authenticate of a 403
	}{
		{name: "read with read scope", scopes: "okta.users.read", method: "GET", path: "/api/v1/users", status: 200},
		{name: "read with manage scope", scopes: "okta.users.manage", method: "GET", path: "/api/v1/users/00u1", status: 200},
		{name: "read without scope", scopes: "okta.groups.read", method: "GET", path: "/api/v1/users",
			status: 403, code: "E0000006", scope: "okta.users.read"},
		{name: "write with read scope only", scopes: "okta.users.read", method: "POST",
			path: "/api/v1/users/00u1/lifecycle/suspend", status: 403, code: "E0000006", scope: "okta.users.manage"},
		{name: "factors need users scope", scopes: "okta.groups.read", method: "GET", path: "/api/v1/users/00u1/factors",
			status: 403, code: "E0000006", scope: "okta.users.read"},
		{name: "logs need logs scope", scopes: "okta.users.read", method: "GET", path: "/api/v1/logs",
			status: 403, code: "E0000006", scope: "okta.logs.read"},
		{name: "revoked token", scopes: "okta.users.read", method: "GET", path: "/api/v1/users",
			prepare: func(s *Server, _ *fakeClock) { s.RevokeTokens() }, status: 401, code: "E0000011"},
		{name: "expired token", scopes: "okta.users.read", method: "GET", path: "/api/v1/users",
			prepare: func(_ *Server, c *fakeClock) { c.advance(time.Hour) }, status: 401, code: "E0000011"},
		{name: "token just before expiry", scopes: "okta.users.read", method: "GET", path: "/api/v1/users",
			prepare: func(_ *Server, c *fakeClock) { c.advance(time.Hour - time.Second) }, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ts := newSim(t, smallOrg())
			clock := &fakeClock{t: time.Now()}
			s.SetClock(clock.now)
			tok := bearer(t, ts, tt.scopes)
			if tt.prepare != nil {
				tt.prepare(s, clock)
			}
			res := call(t, ts, tok, tt.method, tt.path, nil)
			if res.status != tt.status {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, res.status, res.body, tt.status)
			}
			if tt.code != "" && res.errorCode(t) != tt.code {
				t.Errorf("%s %s errorCode = %q, want %q", tt.method, tt.path, res.errorCode(t), tt.code)
			}
			if res.header.Get("X-Okta-Request-Id") == "" {
				t.Errorf("%s %s: no X-Okta-Request-Id", tt.method, tt.path)
			}
			if tt.scope != "" {
				h := res.header.Get("WWW-Authenticate")
				for _, want := range []string{`Bearer authorization_uri="` + ts.URL + `/oauth2/v1/authorize"`,
					`scope="` + tt.scope + `"`, `error="insufficient_scope"`,
					`error_description="The access token provided does not contain the required scopes."`} {
					if !strings.Contains(h, want) {
						t.Errorf("%s %s WWW-Authenticate = %q, want it to contain %q", tt.method, tt.path, h, want)
					}
				}
			}
		})
	}
}

func TestTokenTTL(t *testing.T) {
	s, ts := newSim(t, nil)
	s.SetTokenTTL(90 * time.Second)
	a := signJWT(t, testRSAKey(), map[string]any{"kid": testKid}, assertionClaims(ts, testClient))
	_, body := postToken(t, ts, tokenForm(a, "okta.users.read"), "")
	if body["expires_in"] != 90.0 {
		t.Errorf("expires_in = %v after SetTokenTTL(90s), want 90", body["expires_in"])
	}
}

func TestAPIWithoutToken(t *testing.T) {
	_, ts := newSim(t, smallOrg())
	for _, auth := range []string{"", "Bearer", "Bearer nonsense", "SSWS 00abc"} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/users", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // the body is done with; a close error changes nothing
		if resp.StatusCode != 401 {
			t.Errorf("GET /api/v1/users with Authorization %q = %d, want 401", auth, resp.StatusCode)
		}
	}
}

// claimsWith is assertionClaims for client changed by mod.
func claimsWith(ts *httptest.Server, client string, mod func(c map[string]any)) map[string]any {
	c := assertionClaims(ts, client)
	if mod != nil {
		mod(c)
	}
	return c
}

// corruptSignature changes the signature bytes of a compact JWS, leaving its
// header and claims as they were, so that only a signature check refuses it.
func corruptSignature(t testing.TB, jws string) string {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %d parts", len(parts))
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || len(sig) == 0 {
		t.Fatalf("signature is not base64url: %v", err)
	}
	sig[len(sig)/2] ^= 0x5a
	return parts[0] + "." + parts[1] + "." + b64.EncodeToString(sig)
}

// TestAssertionRefused sends real signed client assertions over HTTP that
// Okta refuses, each for one reason, and checks that the simulator names
// that reason: a check that is switched off lets the grant through or
// names another reason.
func TestAssertionRefused(t *testing.T) {
	s, ts := newSim(t, nil)
	const ecClient, otherClient = "0oaec", "0oaother"
	s.AddServiceApp(ServiceApp{ClientID: ecClient, PublicKey: &testECKey().PublicKey, KeyID: "kid-ec"})
	s.AddServiceApp(ServiceApp{ClientID: otherClient, PublicKey: &otherRSAKey().PublicKey})
	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	with := func(client string, mod func(c map[string]any)) map[string]any {
		return claimsWith(ts, client, mod)
	}
	kid := map[string]any{"kid": testKid}
	ecKid := map[string]any{"kid": "kid-ec"}
	now := time.Now()
	tests := []struct {
		name     string
		jwt      string
		clientID string // the form's client_id, when sent
		want     string // in error_description
	}{
		{name: "bad signature (signature bytes changed)",
			jwt:  corruptSignature(t, signJWT(t, testRSAKey(), kid, with(testClient, nil))),
			want: "signature is invalid"},
		{name: "bad ES256 signature (signature bytes changed)",
			jwt:  corruptSignature(t, signJWT(t, testECKey(), ecKid, with(ecClient, nil))),
			want: "signature is invalid"},
		{name: "wrong EC key",
			jwt:  signJWT(t, otherEC, ecKid, with(ecClient, nil)),
			want: "signature is invalid"},
		{name: "RSA key, EC signature with ES256",
			jwt:  signJWT(t, testECKey(), kid, with(testClient, nil)),
			want: "signature algorithm (ES256) does not match"},
		{name: "RSA key, RSA signature labelled ES256",
			jwt:  signJWT(t, testRSAKey(), map[string]any{"kid": testKid, "alg": "ES256"}, with(testClient, nil)),
			want: "signature algorithm (ES256) does not match"},
		{name: "EC key, RSA signature with RS256",
			jwt:  signJWT(t, testRSAKey(), ecKid, with(ecClient, nil)),
			want: "signature algorithm (RS256) does not match"},
		{name: "iat in the future",
			jwt: signJWT(t, testRSAKey(), kid, with(testClient, func(c map[string]any) {
				c["iat"] = now.Add(10 * time.Minute).Unix()
				c["exp"] = now.Add(20 * time.Minute).Unix()
			})),
			want: "issued in the future"},
		{name: "nbf in the future",
			jwt: signJWT(t, testRSAKey(), kid, with(testClient, func(c map[string]any) {
				c["nbf"] = now.Add(10 * time.Minute).Unix()
			})),
			want: "not yet valid"},
		{name: "missing exp",
			jwt:  signJWT(t, testRSAKey(), kid, with(testClient, func(c map[string]any) { delete(c, "exp") })),
			want: "must contain an 'exp' claim"},
		{name: "exp past",
			jwt: signJWT(t, testRSAKey(), kid, with(testClient, func(c map[string]any) {
				c["iat"] = now.Add(-20 * time.Minute).Unix()
				c["exp"] = now.Add(-10 * time.Minute).Unix()
			})),
			want: "is expired"},
		{name: "sub is not the client",
			jwt: signJWT(t, otherRSAKey(), nil, with(otherClient, func(c map[string]any) {
				c["iss"] = testClient
			})),
			want: "must both be the client_id"},
		{name: "client_id is not sub",
			jwt:      signJWT(t, otherRSAKey(), nil, with(otherClient, nil)),
			clientID: testClient,
			want:     "client_id does not match"},
		{name: "wrong kid",
			jwt:  signJWT(t, testRSAKey(), map[string]any{"kid": "kid-other"}, with(testClient, nil)),
			want: "kid which does not identify a key"},
		{name: "wrong aud",
			jwt: signJWT(t, testRSAKey(), kid, with(testClient, func(c map[string]any) {
				c["aud"] = ts.URL + "/oauth2/default/v1/token"
			})),
			want: "audience [aud]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := tokenForm(tt.jwt, "okta.users.read")
			if tt.clientID != "" {
				form.Set("client_id", tt.clientID)
			}
			resp, body := postToken(t, ts, form, "")
			if resp.StatusCode != http.StatusUnauthorized || body["error"] != "invalid_client" {
				t.Fatalf("POST /oauth2/v1/token = %d %v, want 401 invalid_client", resp.StatusCode, body)
			}
			if desc, _ := body["error_description"].(string); !strings.Contains(desc, tt.want) {
				t.Errorf("error_description = %q, want it to contain %q", desc, tt.want)
			}
		})
	}
	// The same assertions, made right, are granted: each refusal above is
	// for its one reason.
	for _, good := range []struct {
		name string
		jwt  string
	}{
		{"RS256", signJWT(t, testRSAKey(), kid, with(testClient, nil))},
		{"ES256", signJWT(t, testECKey(), ecKid, with(ecClient, nil))},
		{"iat and nbf within the skew", signJWT(t, testRSAKey(), kid, with(testClient, func(c map[string]any) {
			c["iat"] = now.Add(30 * time.Second).Unix()
			c["nbf"] = now.Add(30 * time.Second).Unix()
		}))},
		{"client_id equal to sub", signJWT(t, otherRSAKey(), nil, with(otherClient, nil))},
	} {
		form := tokenForm(good.jwt, "okta.users.read")
		if good.name == "client_id equal to sub" {
			form.Set("client_id", otherClient)
		}
		if resp, body := postToken(t, ts, form, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: POST /oauth2/v1/token = %d %v, want 200", good.name, resp.StatusCode, body)
		}
	}
}
