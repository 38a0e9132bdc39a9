package okta

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// assertionLifetime is how long a client assertion is valid. Okta refuses
// an exp more than an hour after iat; a few minutes cover clock skew.
const assertionLifetime = 5 * time.Minute

// signJWT returns the compact JWS of header and claims signed with k.
func signJWT(k *signingKey, header map[string]any, claims map[string]any) (string, error) {
	header["alg"] = k.alg
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	sig, err := k.sign([]byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + enc.EncodeToString(sig), nil
}

// newJTI returns a random, unique JWT id.
func newJTI() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// clientAssertion is the private_key_jwt assertion for one token request:
// iss = sub = the client id, aud = the org's token endpoint, a fresh jti.
func clientAssertion(k *signingKey, clientID, tokenURL string, now time.Time) (string, error) {
	header := map[string]any{"typ": "JWT"}
	if k.kid != "" {
		header["kid"] = k.kid
	}
	claims := map[string]any{
		"iss": clientID,
		"sub": clientID,
		"aud": tokenURL,
		"iat": now.Unix(),
		"exp": now.Add(assertionLifetime).Unix(),
		"jti": newJTI(),
	}
	s, err := signJWT(k, header, claims)
	if err != nil {
		return "", fmt.Errorf("okta: sign client assertion: %w", err)
	}
	return s, nil
}
