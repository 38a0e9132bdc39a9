package oktasim

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DPoP (RFC 9449) as Okta does it: the token endpoint wants a proof with a
// server nonce and binds the token to the proof key's thumbprint; API calls
// then carry "Authorization: DPoP <token>" and a fresh proof with ath.

const (
	proofMaxAge = 5 * time.Minute // how far a proof's iat may be from now
	nonceMaxAge = 24 * time.Hour  // how long a DPoP-Nonce is honoured at the token endpoint
	dpopAlgs    = "RS256 RS384 RS512 ES256 ES384 ES512"
)

// proof is a verified DPoP proof.
type proof struct {
	jkt   string // thumbprint of the proof key
	jti   string
	nonce string
	iat   time.Time
}

// checkProof verifies a DPoP proof for request r with go-jose: typ, alg,
// the embedded public key (go-jose refuses one with private parts, as RFC
// 9449 requires), the alg against that key, the signature, htm, htu, iat,
// jti and, when ath is set, the access token hash. It does not check the
// nonce nor record the jti (callers do, once the whole request is known to
// be good). The error text is the description Okta gives.
func checkProof(r *http.Request, header string, now time.Time, ath string) (*proof, string) {
	if header == "" {
		return nil, "The DPoP proof JWT header is missing."
	}
	j, err := parseJWT(header)
	if err != nil {
		return nil, "The DPoP proof JWT is malformed."
	}
	if j.typ() != "dpop+jwt" {
		return nil, "The DPoP proof JWT 'typ' header must be 'dpop+jwt'."
	}
	if !j.oktaAlg() {
		return nil, "The DPoP proof JWT 'alg' is not supported."
	}
	jwk := j.header.JSONWebKey
	if jwk == nil {
		return nil, "The DPoP proof JWT header must contain a 'jwk'."
	}
	if !jwk.Valid() || !jwk.IsPublic() {
		return nil, "The DPoP proof JWT 'jwk' header is invalid."
	}
	if k, ok := jwk.Key.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
		return nil, "The DPoP proof JWT 'jwk' header is invalid."
	}
	switch j.verify(jwk.Key) {
	case nil:
	case errAlgMismatch:
		return nil, "The DPoP proof JWT 'alg' does not match its 'jwk'."
	default:
		return nil, "The DPoP proof JWT signature is invalid."
	}
	c := j.claims
	if !strings.EqualFold(c.Htm, r.Method) {
		return nil, "'htm' claim in the DPoP proof JWT is invalid."
	}
	if !sameHTU(c.Htu, requestURL(r)) {
		return nil, "'htu' claim in the DPoP proof JWT is invalid."
	}
	if c.IssuedAt == nil {
		return nil, "The DPoP proof JWT must contain an 'iat' claim."
	}
	iat := c.IssuedAt.Time()
	if iat.Before(now.Add(-proofMaxAge)) || iat.After(now.Add(proofMaxAge)) {
		return nil, "The DPoP proof JWT 'iat' claim is out of range."
	}
	if c.ID == "" {
		return nil, "The DPoP proof JWT must contain a 'jti' claim."
	}
	if ath != "" && c.Ath != ath {
		return nil, "'ath' claim in the DPoP proof JWT is invalid."
	}
	jkt, err := thumbprint(jwk)
	if err != nil {
		return nil, "The DPoP proof JWT 'jwk' header is invalid."
	}
	return &proof{jkt: jkt, jti: c.ID, nonce: c.Nonce, iat: iat}, ""
}

// tokenHash is the ath of an access token: base64url(SHA-256(token)).
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// requestURL is the URL of r as the client reached it, without query.
func requestURL(r *http.Request) string {
	return scheme(r) + "://" + r.Host + r.URL.EscapedPath()
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// sameHTU compares an htu claim with the request URL, ignoring query and
// fragment and the case of scheme and host (RFC 9449 §4.3).
func sameHTU(htu, want string) bool {
	a, err1 := url.Parse(htu)
	b, err2 := url.Parse(want)
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host) &&
		a.EscapedPath() == b.EscapedPath()
}

// newNonce issues a DPoP-Nonce. Callers hold s.mu.
func (s *Server) newNonceLocked(now time.Time) string {
	n := randomText(32)
	s.nonces[n] = now
	if len(s.nonces) > 1024 {
		for k, at := range s.nonces {
			if now.Sub(at) > nonceMaxAge {
				delete(s.nonces, k)
			}
		}
	}
	return n
}

// nonceValidLocked reports whether n is a nonce this server issued recently.
func (s *Server) nonceValidLocked(n string, now time.Time) bool {
	at, ok := s.nonces[n]
	return ok && now.Sub(at) <= nonceMaxAge
}

// useProofLocked records a proof's jti; false when it was used before.
func (s *Server) useProofLocked(p *proof, now time.Time) bool {
	if _, seen := s.usedProof[p.jti]; seen {
		return false
	}
	s.usedProof[p.jti] = p.iat.Add(2 * proofMaxAge)
	if len(s.usedProof) > 4096 {
		for k, until := range s.usedProof {
			if now.After(until) {
				delete(s.usedProof, k)
			}
		}
	}
	return true
}

// dpopChallenge is the WWW-Authenticate Okta sends with a resource error for
// a DPoP-bound token.
func dpopChallenge(r *http.Request, scope, code, description string) string {
	base := scheme(r) + "://" + r.Host
	var b strings.Builder
	b.WriteString(`DPoP algs="` + dpopAlgs + `", authorization_uri="` + base + `/oauth2/v1/authorize", realm="` + base + `"`)
	if scope != "" {
		b.WriteString(`, scope="` + scope + `"`)
	}
	b.WriteString(`, error="` + code + `", error_description="` + description + `", resource="` + r.URL.Path + `"`)
	return b.String()
}

// burnProof records the jti of a request's DPoP proof, if it has one, as
// used.
func (s *Server) burnProof(r *http.Request) {
	j, err := parseJWT(r.Header.Get("DPoP"))
	if err != nil || j.claims.ID == "" {
		return
	}
	now := s.now()
	iat := now
	if j.claims.IssuedAt != nil {
		iat = j.claims.IssuedAt.Time()
	}
	s.mu.Lock()
	s.useProofLocked(&proof{jti: j.claims.ID, iat: iat}, now)
	s.mu.Unlock()
}
