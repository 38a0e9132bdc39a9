package oktasim

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

const (
	assertionType  = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	assertionMaxTT = time.Hour        // exp may be at most this far after iat
	clockSkew      = 60 * time.Second // tolerated for iat/nbf in the future
	descBadClient  = "Client authentication failed. Either the client or the client credentials are invalid."
)

// accessToken is an issued token.
type accessToken struct {
	clientID string
	appName  string
	scopes   []string
	expires  time.Time
	gen      int    // revocation generation it was issued in
	jkt      string // DPoP key thumbprint; "" for a Bearer token
}

func (t *accessToken) has(scope string) bool { return slices.Contains(t.scopes, scope) }

var wildcardScope = regexp.MustCompile(`^okta\.[A-Za-z]+\.(read|manage)$`)

// handleToken is POST /oauth2/v1/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if !s.rateLimit(w, r) {
		return
	}
	tok, err := s.grant(r)
	if err != nil {
		s.mu.Lock()
		if err.code != "use_dpop_nonce" {
			s.grantsBad++
		}
		s.mu.Unlock()
		writeOAuthError(w, err)
		return
	}
	s.mu.Lock()
	s.grantsOK++
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tok)
}

type tokenAnswer struct {
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
}

// grant checks a client credentials request and issues a token.
func (s *Server) grant(r *http.Request) (*tokenAnswer, *oauthError) {
	if err := r.ParseForm(); err != nil {
		return nil, errInvalidRequest("The request body is not a valid form.")
	}
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		return nil, errInvalidRequest("The 'grant_type' parameter is missing.")
	default:
		return nil, &oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type",
			description: "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials]."}
	}
	if r.PostForm.Get("client_assertion_type") != assertionType {
		return nil, errInvalidClient("The client_assertion_type is invalid; it must be " + assertionType + ".")
	}
	raw := r.PostForm.Get("client_assertion")
	if raw == "" {
		return nil, errInvalidClient(descBadClient)
	}
	j, perr := parseJWT(raw)
	if perr != nil {
		return nil, errInvalidClient("The client_assertion is not a valid JWT.")
	}
	clientID := j.claims.Subject
	if id := r.PostForm.Get("client_id"); id != "" && id != clientID {
		return nil, errInvalidClient("The client_id does not match the client_assertion's subject.")
	}
	now := s.now()
	s.mu.Lock()
	app, known := s.apps[clientID]
	ttl, gen := s.tokenTTL, s.revokeGen
	s.mu.Unlock()
	if !known {
		return nil, errInvalidClient(descBadClient)
	}
	if app.Inactive {
		return nil, errInvalidClient("The client is not active.")
	}
	if err := checkAssertion(j, app, tokenURL(r), now); err != nil {
		return nil, err
	}
	var jkt string
	if app.RequireDPoP {
		p, desc := checkProof(r, r.Header.Get("DPoP"), now, "")
		if desc != "" {
			return nil, errInvalidDPoP(desc)
		}
		s.mu.Lock()
		if !s.nonceValidLocked(p.nonce, now) {
			n := s.newNonceLocked(now)
			s.mu.Unlock()
			return nil, &oauthError{status: http.StatusBadRequest, code: "use_dpop_nonce",
				description: "Authorization server requires nonce in DPoP proof.", nonce: n}
		}
		fresh := s.useProofLocked(p, now)
		s.mu.Unlock()
		if !fresh {
			return nil, errInvalidDPoP("The DPoP proof JWT has already been used.")
		}
		jkt = p.jkt
	} else if r.Header.Get("DPoP") != "" {
		return nil, errInvalidDPoP("DPoP proof JWT was provided but the client is not configured to use DPoP.")
	}
	scopes, serr := grantedScopes(app, r.PostForm.Get("scope"))
	if serr != nil {
		return nil, serr
	}
	// The jti is spent only now, so a request refused for want of a DPoP
	// nonce may be retried with the same assertion.
	s.mu.Lock()
	if _, used := s.usedJTIs[j.claims.ID]; used {
		s.mu.Unlock()
		return nil, errInvalidClient("The client_assertion token has already been used (its 'jti' claim is a replay).")
	}
	s.usedJTIs[j.claims.ID] = j.claims.Expiry.Time().Add(clockSkew)
	s.pruneLocked(now)
	tokenStr := newTokenString(r, clientID, scopes, jkt, now, ttl)
	s.tokens[tokenStr] = &accessToken{clientID: clientID, appName: clientID, scopes: scopes,
		expires: now.Add(ttl), gen: gen, jkt: jkt}
	s.mu.Unlock()
	ans := &tokenAnswer{TokenType: "Bearer", ExpiresIn: int(math.Ceil(ttl.Seconds())),
		AccessToken: tokenStr, Scope: strings.Join(scopes, " ")}
	if jkt != "" {
		ans.TokenType = "DPoP"
	}
	return ans, nil
}

// checkAssertion verifies a client assertion for app (everything but the
// jti replay): the kid, the alg against the registered key's type, the
// signature, then the claims with go-jose's validation (iss = sub = the
// client id, aud = the token endpoint, exp, nbf and iat with clockSkew)
// plus what Okta adds: exp is required, at most an hour after iat, and a
// jti is required.
func checkAssertion(j *signedJWT, app ServiceApp, aud string, now time.Time) *oauthError {
	if app.KeyID != "" && j.header.KeyID != app.KeyID {
		return errInvalidClient("The client_assertion token has a kid which does not identify a key in the client's JWKS.")
	}
	if app.PublicKey == nil {
		return errInvalidClient(descBadClient)
	}
	switch j.verify(app.PublicKey) {
	case nil:
	case errAlgMismatch:
		return errInvalidClient("The client_assertion token's signature algorithm (" + j.alg() + ") does not match the client's key.")
	default:
		return errInvalidClient("The client_assertion signature is invalid.")
	}
	c := j.claims
	if c.Expiry == nil {
		return errInvalidClient("The client_assertion token must contain an 'exp' claim.")
	}
	err := c.ValidateWithLeeway(jwt.Expected{Issuer: app.ClientID, Subject: app.ClientID,
		AnyAudience: jwt.Audience{aud}, Time: now}, clockSkew)
	switch {
	case errors.Is(err, jwt.ErrInvalidIssuer), errors.Is(err, jwt.ErrInvalidSubject):
		return errInvalidClient("The issuer [iss] and subject [sub] claims in the client_assertion must both be the client_id.")
	case errors.Is(err, jwt.ErrInvalidAudience):
		return errInvalidClient("The audience [aud] claim in the client_assertion is invalid; it must be the endpoint invoked for the client_assertion: " + aud + ".")
	case errors.Is(err, jwt.ErrExpired):
		return errInvalidClient("The client_assertion token is expired.")
	case errors.Is(err, jwt.ErrNotValidYet):
		return errInvalidClient("The client_assertion token is not yet valid.")
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return errInvalidClient("The client_assertion token was issued in the future.")
	case err != nil:
		return errInvalidClient(descBadClient)
	}
	issued := now
	if c.IssuedAt != nil {
		issued = c.IssuedAt.Time()
	}
	if c.Expiry.Time().Sub(issued) > assertionMaxTT+clockSkew {
		return errInvalidClient("The client_assertion token has an expiration too far into the future.")
	}
	if c.ID == "" {
		return errInvalidClient("The client_assertion token must contain a 'jti' claim.")
	}
	return nil
}

// grantedScopes checks the requested scopes against the app's grants.
func grantedScopes(app ServiceApp, requested string) ([]string, *oauthError) {
	want := strings.Fields(requested)
	if len(want) == 0 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_scope",
			description: "The authorization server resource does not have any configured default scopes, 'scope' must be provided."}
	}
	var missing []string
	for _, sc := range want {
		ok := app.Scopes == nil && wildcardScope.MatchString(sc) || slices.Contains(app.Scopes, sc)
		if !ok {
			missing = append(missing, sc)
		}
	}
	if len(missing) > 0 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_scope",
			description: "One or more scopes are not configured for the authorization server resource: " + strings.Join(missing, " ") + "."}
	}
	slices.Sort(want)
	return slices.Compact(want), nil
}

// pruneLocked forgets spent jtis and tokens that can no longer matter.
func (s *Server) pruneLocked(now time.Time) {
	if len(s.usedJTIs) > 4096 {
		for k, until := range s.usedJTIs {
			if now.After(until) {
				delete(s.usedJTIs, k)
			}
		}
	}
	if len(s.tokens) > 4096 {
		for k, t := range s.tokens {
			if now.After(t.expires) || t.gen < s.revokeGen {
				delete(s.tokens, k)
			}
		}
	}
}

func tokenURL(r *http.Request) string { return scheme(r) + "://" + r.Host + "/oauth2/v1/token" }

// newTokenString makes an access token that looks like Okta's (a JWT from
// the org authorization server, with cnf.jkt, the proof key's thumbprint,
// when it is DPoP-bound); its signature part is random, so it is only ever
// looked up, never verified.
func newTokenString(r *http.Request, clientID string, scopes []string, jkt string, now time.Time, ttl time.Duration) string {
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"kid": "oktasim", "alg": "RS256"})
	org := scheme(r) + "://" + r.Host
	claims := map[string]any{
		"ver": 1, "jti": "AT." + randomText(24), "iss": org, "aud": org,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(), "cid": clientID, "scp": scopes, "sub": clientID,
	}
	if jkt != "" {
		claims["cnf"] = map[string]string{"jkt": jkt}
	}
	body, _ := json.Marshal(claims)
	return enc.EncodeToString(head) + "." + enc.EncodeToString(body) + "." + randomText(43)
}

// caller is who makes an API call: the service app behind the token.
type caller struct {
	clientID  string
	appName   string
	token     *accessToken
	requestID string // X-Okta-Request-Id of the call
}

// authenticate checks the Authorization (and DPoP) headers of an API call.
// On failure it has written the answer and returns nil.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *caller {
	schemeName, raw, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	raw = strings.TrimSpace(raw)
	now := s.now()
	s.mu.Lock()
	t, ok := s.tokens[raw]
	valid := ok && now.Before(t.expires) && t.gen >= s.revokeGen
	s.mu.Unlock()
	invalid := func() *caller {
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="`+scheme(r)+"://"+r.Host+
			`/oauth2/v1/authorize", realm="`+scheme(r)+"://"+r.Host+
			`", error="invalid_token", error_description="The access token is invalid."`)
		writeAPIError(w, &apiError{status: http.StatusUnauthorized, code: codeInvalidToken, summary: summaryInvalidToken})
		return nil
	}
	if raw == "" || !valid {
		return invalid()
	}
	if t.jkt == "" {
		if !strings.EqualFold(schemeName, "Bearer") {
			return invalid()
		}
		return &caller{clientID: t.clientID, appName: t.appName, token: t}
	}
	// A DPoP-bound token: it must come as DPoP with a proof from its key.
	if !strings.EqualFold(schemeName, "DPoP") {
		return invalid()
	}
	if !s.checkResourceProof(w, r, t, raw, now) {
		return nil
	}
	return &caller{clientID: t.clientID, appName: t.appName, token: t}
}

// authorize checks the token's scopes for an endpoint of area (users,
// groups, …); write calls need okta.<area>.manage. On failure it has written
// the 403 and returns false.
func authorize(w http.ResponseWriter, r *http.Request, c *caller, area string, write bool) bool {
	manage, read := "okta."+area+".manage", "okta."+area+".read"
	if c.token.has(manage) || !write && c.token.has(read) {
		return true
	}
	need := read
	if write {
		need = manage
	}
	base := scheme(r) + "://" + r.Host
	schemeName := "Bearer"
	if c.token.jkt != "" {
		schemeName = "DPoP"
	}
	w.Header().Set("WWW-Authenticate", schemeName+` authorization_uri="`+base+`/oauth2/v1/authorize", realm="`+base+
		`", scope="`+need+`", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="`+r.URL.Path+`"`)
	writeAPIError(w, errForbidden())
	return false
}
