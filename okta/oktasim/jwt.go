package oktasim

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// jwtHeader is the JOSE header of a client assertion or DPoP proof.
type jwtHeader struct {
	Alg string          `json:"alg"`
	Kid string          `json:"kid"`
	Typ string          `json:"typ"`
	JWK json.RawMessage `json:"jwk"`
}

// audience is a JWT aud claim: a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("oktasim: aud claim: %w", err)
	}
	*a = many
	return nil
}

// jwtClaims holds the claims of client assertions and DPoP proofs.
type jwtClaims struct {
	Iss   string   `json:"iss"`
	Sub   string   `json:"sub"`
	Aud   audience `json:"aud"`
	Exp   *float64 `json:"exp"`
	Iat   *float64 `json:"iat"`
	Nbf   *float64 `json:"nbf"`
	Jti   string   `json:"jti"`
	Htm   string   `json:"htm"`
	Htu   string   `json:"htu"`
	Ath   string   `json:"ath"`
	Nonce string   `json:"nonce"`
}

// jws is a parsed compact JWS whose signature is not yet checked.
type jws struct {
	header       jwtHeader
	claims       jwtClaims
	signingInput string
	signature    []byte
}

var errMalformedJWT = errors.New("oktasim: malformed jwt")

// parseJWT splits and decodes a compact JWS without verifying it.
func parseJWT(token string) (*jws, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errMalformedJWT
	}
	var j jws
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errMalformedJWT
	}
	if err := json.Unmarshal(hb, &j.header); err != nil {
		return nil, errMalformedJWT
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errMalformedJWT
	}
	if err := json.Unmarshal(cb, &j.claims); err != nil {
		return nil, errMalformedJWT
	}
	if j.signature, err = base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, errMalformedJWT
	}
	j.signingInput = parts[0] + "." + parts[1]
	return &j, nil
}

// algHash maps a JWS alg to its hash; ok is false for algorithms Okta does
// not accept (none, HS256, …).
func algHash(alg string) (h crypto.Hash, rsaAlg bool, ok bool) {
	switch alg {
	case "RS256":
		return crypto.SHA256, true, true
	case "RS384":
		return crypto.SHA384, true, true
	case "RS512":
		return crypto.SHA512, true, true
	case "ES256":
		return crypto.SHA256, false, true
	case "ES384":
		return crypto.SHA384, false, true
	case "ES512":
		return crypto.SHA512, false, true
	}
	return 0, false, false
}

var errBadSignature = errors.New("oktasim: jwt signature is invalid")

// verify checks the signature against pub.
func (j *jws) verify(pub crypto.PublicKey) error {
	h, rsaAlg, ok := algHash(j.header.Alg)
	if !ok {
		return fmt.Errorf("oktasim: jwt alg %q is not supported", j.header.Alg)
	}
	hasher := h.New()
	hasher.Write([]byte(j.signingInput))
	digest := hasher.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if !rsaAlg {
			return errBadSignature
		}
		if rsa.VerifyPKCS1v15(k, h, digest, j.signature) != nil {
			return errBadSignature
		}
		return nil
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		if rsaAlg || len(j.signature) != 2*size || !curveMatches(j.header.Alg, k.Curve) {
			return errBadSignature
		}
		r := new(big.Int).SetBytes(j.signature[:size])
		s := new(big.Int).SetBytes(j.signature[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			return errBadSignature
		}
		return nil
	}
	return fmt.Errorf("oktasim: unsupported public key type %T", pub)
}

func curveMatches(alg string, c elliptic.Curve) bool {
	switch alg {
	case "ES256":
		return c == elliptic.P256()
	case "ES384":
		return c == elliptic.P384()
	case "ES512":
		return c == elliptic.P521()
	}
	return false
}

// publicJWK is a public JSON Web Key as sent in a DPoP proof header.
type publicJWK struct {
	Kty string `json:"kty"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	D   string `json:"d"`
}

// parsePublicJWK decodes a public RSA or EC JWK; a key with private parts is
// refused, as RFC 9449 requires.
func parsePublicJWK(raw []byte) (crypto.PublicKey, *publicJWK, error) {
	var k publicJWK
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, nil, fmt.Errorf("oktasim: jwk: %w", err)
	}
	if k.D != "" {
		return nil, nil, errors.New("oktasim: jwk holds a private key")
	}
	switch k.Kty {
	case "RSA":
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, nil, errors.New("oktasim: jwk: bad rsa modulus or exponent")
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < 2048 {
			return nil, nil, errors.New("oktasim: jwk: rsa key shorter than 2048 bits")
		}
		return pub, &k, nil
	case "EC":
		var curve elliptic.Curve
		switch k.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, nil, fmt.Errorf("oktasim: jwk: unsupported curve %q", k.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := base64.RawURLEncoding.DecodeString(k.X)
		y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return nil, nil, errors.New("oktasim: jwk: bad ec point")
		}
		point := append(append([]byte{4}, x...), y...)
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
		if err != nil {
			return nil, nil, fmt.Errorf("oktasim: jwk: %w", err)
		}
		return pub, &k, nil
	}
	return nil, nil, fmt.Errorf("oktasim: jwk: unsupported kty %q", k.Kty)
}

// thumbprint is the RFC 7638 SHA-256 thumbprint of a public JWK, base64url.
func (k *publicJWK) thumbprint() string {
	var b bytes.Buffer
	if k.Kty == "RSA" {
		fmt.Fprintf(&b, `{"e":%q,"kty":"RSA","n":%q}`, k.E, k.N)
	} else {
		fmt.Fprintf(&b, `{"crv":%q,"kty":"EC","x":%q,"y":%q}`, k.Crv, k.X, k.Y)
	}
	sum := sha256.Sum256(b.Bytes())
	return base64.RawURLEncoding.EncodeToString(sum[:])
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
	b64 := func(i *big.Int) string { return base64.RawURLEncoding.EncodeToString(i.Bytes()) }
	doc := struct {
		Kty string `json:"kty"`
		Alg string `json:"alg"`
		Kid string `json:"kid,omitempty"`
		Use string `json:"use"`
		E   string `json:"e"`
		N   string `json:"n"`
		D   string `json:"d"`
		P   string `json:"p"`
		Q   string `json:"q"`
		DP  string `json:"dp"`
		DQ  string `json:"dq"`
		QI  string `json:"qi"`
	}{
		Kty: "RSA", Alg: "RS256", Kid: kid, Use: "sig",
		E: b64(big.NewInt(int64(key.E))), N: b64(key.N), D: b64(key.D),
		P: b64(key.Primes[0]), Q: b64(key.Primes[1]),
		DP: b64(key.Precomputed.Dp), DQ: b64(key.Precomputed.Dq), QI: b64(key.Precomputed.Qinv),
	}
	privateJWK, err = json.Marshal(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("oktasim: new service app key: %w", err)
	}
	return privateJWK, &key.PublicKey, nil
}
