package oktasim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// JOSE is go-jose's: the simulator parses and verifies client assertions
// and DPoP proofs with it, and adds only what Okta checks on top.

// oktaAlgs are the JWS algorithms Okta accepts for client assertions and
// DPoP proofs.
var oktaAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// parseAlgs are the algorithms a JWT may name and still be parsed, so that
// a proof with an algorithm Okta refuses gets its own description.
var parseAlgs = append([]jose.SignatureAlgorithm{jose.HS256, jose.HS384, jose.HS512, jose.PS256, jose.PS384, jose.PS512, jose.EdDSA}, oktaAlgs...)

// jwtClaims holds the claims of client assertions and DPoP proofs.
type jwtClaims struct {
	jwt.Claims
	Htm   string `json:"htm"`
	Htu   string `json:"htu"`
	Ath   string `json:"ath"`
	Nonce string `json:"nonce"`
}

// signedJWT is a compact JWS parsed by go-jose. Its claims are unverified
// until verify succeeds, which decodes them again from the verified payload.
type signedJWT struct {
	tok    *jwt.JSONWebToken
	header jose.Header
	claims jwtClaims
}

var (
	errMalformedJWT = errors.New("oktasim: malformed jwt")
	errBadSignature = errors.New("oktasim: jwt signature is invalid")
	errAlgMismatch  = errors.New("oktasim: jwt alg does not fit the key")
)

// parseJWT parses a compact JWS without verifying it.
func parseJWT(token string) (*signedJWT, error) {
	tok, err := jwt.ParseSigned(token, parseAlgs)
	if err != nil || len(tok.Headers) != 1 {
		return nil, errMalformedJWT
	}
	j := &signedJWT{tok: tok, header: tok.Headers[0]}
	if err := tok.UnsafeClaimsWithoutVerification(&j.claims); err != nil {
		return nil, errMalformedJWT
	}
	return j, nil
}

// alg is the JWS alg header.
func (j *signedJWT) alg() string { return j.header.Algorithm }

// typ is the JOSE typ header.
func (j *signedJWT) typ() string {
	t, _ := j.header.ExtraHeaders[jose.HeaderType].(string)
	return t
}

// oktaAlg reports whether Okta accepts the JWT's alg at all.
func (j *signedJWT) oktaAlg() bool {
	for _, a := range oktaAlgs {
		if string(a) == j.alg() {
			return true
		}
	}
	return false
}

// algFits reports whether alg is an algorithm Okta accepts for pub's key
// type: RS* for an RSA key, ES256/384/512 for a P-256/384/521 key.
func algFits(alg string, pub crypto.PublicKey) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return alg == string(jose.RS256) || alg == string(jose.RS384) || alg == string(jose.RS512)
	case *ecdsa.PublicKey:
		want := map[elliptic.Curve]jose.SignatureAlgorithm{elliptic.P256(): jose.ES256, elliptic.P384(): jose.ES384, elliptic.P521(): jose.ES512}[k.Curve]
		return want != "" && alg == string(want)
	}
	return false
}

// verify checks that the alg fits pub and the signature verifies with it,
// and replaces the claims with those of the verified payload.
func (j *signedJWT) verify(pub crypto.PublicKey) error {
	if !j.oktaAlg() || !algFits(j.alg(), pub) {
		return errAlgMismatch
	}
	var c jwtClaims
	if err := j.tok.Claims(pub, &c); err != nil {
		return errBadSignature
	}
	j.claims = c
	return nil
}

// thumbprint is the RFC 7638 SHA-256 thumbprint of a public JWK, base64url.
func thumbprint(k *jose.JSONWebKey) (string, error) {
	sum, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// NewServiceAppKey makes a fresh RSA-2048 key pair and returns the private
// key as a JWK JSON document like the one Okta's Admin Console generates
// ({"kty":"RSA","kid",…,"n","e","d","p","q","dp","dq","qi","alg":"RS256","use":"sig"}),
// plus the public key to register with AddServiceApp.
func NewServiceAppKey(kid string) (privateJWK []byte, pub crypto.PublicKey, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("oktasim: new service app key: %w", err)
	}
	jwk := jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"}
	privateJWK, err = jwk.MarshalJSON()
	if err != nil {
		return nil, nil, fmt.Errorf("oktasim: new service app key: %w", err)
	}
	return privateJWK, &key.PublicKey, nil
}
