package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// assertionLifetime is how long a client assertion is valid. Okta refuses
// an exp more than an hour after iat; a few minutes cover clock skew.
const assertionLifetime = 5 * time.Minute

// signJWT returns the compact JWS of claims signed with k. typ is the JOSE
// typ header; embedJWK puts k's public half in the header (a DPoP proof),
// else k's kid, if any, goes in the header.
func signJWT(k *Key, typ string, embedJWK bool, claims ...any) (string, error) {
	key := jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.alg), Key: k.priv}
	if !embedJWK && k.kid != "" {
		key.Key = jose.JSONWebKey{Key: k.priv, KeyID: k.kid}
	}
	opts := (&jose.SignerOptions{EmbedJWK: embedJWK}).WithType(jose.ContentType(typ))
	signer, err := jose.NewSigner(key, opts)
	if err != nil {
		return "", err
	}
	b := jwt.Signed(signer)
	for _, c := range claims {
		b = b.Claims(c)
	}
	return b.Serialize()
}

// newJTI returns a random, unique JWT id.
func newJTI() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// clientAssertion is the private_key_jwt assertion for one token request:
// iss = sub = the client id, aud = the org's token endpoint, a fresh jti.
func clientAssertion(k *Key, clientID, tokenURL string, now time.Time) (string, error) {
	s, err := signJWT(k, "JWT", false, jwt.Claims{
		Issuer:   clientID,
		Subject:  clientID,
		Audience: jwt.Audience{tokenURL},
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(assertionLifetime)),
		ID:       newJTI(),
	})
	if err != nil {
		return "", fmt.Errorf("okta: sign client assertion: %w", err)
	}
	return s, nil
}
