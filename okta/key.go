package okta

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// signingKey is the service app's private key, ready to sign JWTs.
type signingKey struct {
	alg  string // RS256 or ES256
	kid  string
	rsa  *rsa.PrivateKey
	ec   *ecdsa.PrivateKey
	form string // "JWK" or "PEM", for messages
}

// minRSABits is the smallest RSA key Okta accepts for private_key_jwt.
const minRSABits = 2048

// parsePrivateKey reads a JWK (as Okta's Admin Console generates it, or a
// JWK Set holding one key) or a PEM private key. kid, when not empty,
// overrides the JWK's own. Errors never quote key material.
func parsePrivateKey(b []byte, kid string) (*signingKey, error) {
	b = bytes.TrimSpace(b)
	var (
		k   *signingKey
		err error
	)
	switch {
	case len(b) > 0 && b[0] == '{':
		k, err = parseJWK(b)
	case bytes.HasPrefix(b, []byte("-----BEGIN")):
		k, err = parsePEM(b)
	default:
		return nil, errors.New("okta: private key is neither a JWK (JSON starting with {) nor a PEM block (-----BEGIN …): paste the private key Okta generated for the service app")
	}
	if err != nil {
		return nil, err
	}
	if kid != "" {
		k.kid = kid
	}
	return k, nil
}

// jwk is a JSON Web Key, private or public, RSA or EC.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
	// RSA
	N  string `json:"n,omitempty"`
	E  string `json:"e,omitempty"`
	D  string `json:"d,omitempty"`
	P  string `json:"p,omitempty"`
	Q  string `json:"q,omitempty"`
	DP string `json:"dp,omitempty"`
	DQ string `json:"dq,omitempty"`
	QI string `json:"qi,omitempty"`
	// EC (D shared with RSA)
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

func parseJWK(b []byte) (*signingKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, errors.New("okta: private key looks like a JWK but is not valid JSON: paste the whole key Okta generated, braces included")
	}
	if set.Keys != nil {
		if len(set.Keys) != 1 {
			return nil, fmt.Errorf("okta: private key is a JWK Set with %d keys: give exactly one private key", len(set.Keys))
		}
		b = set.Keys[0]
	}
	var k jwk
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, errors.New("okta: private key JWK is not a JSON object")
	}
	if k.D == "" {
		return nil, errors.New("okta: the JWK has no private part (\"d\"): this is the public key; give the private key Okta generated (shown once when the key was added)")
	}
	switch k.Kty {
	case "RSA":
		if k.Alg != "" && k.Alg != "RS256" {
			return nil, fmt.Errorf("okta: JWK alg %q is not supported: use an RS256 or ES256 key", k.Alg)
		}
		key, err := rsaFromJWK(k)
		if err != nil {
			return nil, err
		}
		return newRSAKey(key, k.Kid, "JWK")
	case "EC":
		if k.Alg != "" && k.Alg != "ES256" {
			return nil, fmt.Errorf("okta: JWK alg %q is not supported: use an RS256 or ES256 key", k.Alg)
		}
		key, err := ecFromJWK(k)
		if err != nil {
			return nil, err
		}
		return &signingKey{alg: "ES256", kid: k.Kid, ec: key, form: "JWK"}, nil
	case "":
		return nil, errors.New("okta: JWK has no \"kty\": give the private key Okta generated")
	default:
		return nil, fmt.Errorf("okta: JWK key type %q is not supported: use an RSA or EC P-256 key", k.Kty)
	}
}

// b64int decodes a base64url big-endian integer of a JWK.
func b64int(name, s string) (*big.Int, error) {
	b, err := b64(s)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("okta: JWK field %q is not base64url: paste the key unchanged", name)
	}
	return new(big.Int).SetBytes(b), nil
}

// b64 decodes base64url with or without padding.
func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func rsaFromJWK(k jwk) (*rsa.PrivateKey, error) {
	fields := map[string]string{"n": k.N, "e": k.E, "d": k.D, "p": k.P, "q": k.Q}
	vals := map[string]*big.Int{}
	for _, name := range []string{"n", "e", "d", "p", "q"} {
		if fields[name] == "" {
			return nil, fmt.Errorf("okta: RSA JWK lacks %q: paste the whole private key Okta generated", name)
		}
		v, err := b64int(name, fields[name])
		if err != nil {
			return nil, err
		}
		vals[name] = v
	}
	if !vals["e"].IsInt64() || vals["e"].Int64() > 1<<31-1 {
		return nil, errors.New("okta: RSA JWK exponent is out of range")
	}
	key := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: vals["n"], E: int(vals["e"].Int64())},
		D:         vals["d"],
		Primes:    []*big.Int{vals["p"], vals["q"]},
	}
	if err := key.Validate(); err != nil {
		return nil, errors.New("okta: RSA JWK is inconsistent (its parts do not form one key): paste the key unchanged")
	}
	key.Precompute()
	return key, nil
}

func ecFromJWK(k jwk) (*ecdsa.PrivateKey, error) {
	if k.Crv != "P-256" {
		return nil, fmt.Errorf("okta: EC JWK curve %q is not supported: use P-256 (ES256)", k.Crv)
	}
	d, err := b64(k.D)
	if err != nil || len(d) != 32 {
		return nil, errors.New("okta: EC JWK \"d\" is not a P-256 private scalar")
	}
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	if err != nil {
		return nil, errors.New("okta: EC JWK \"d\" is not a valid P-256 private key")
	}
	if k.X != "" || k.Y != "" {
		pub, err := key.PublicKey.Bytes()
		if err != nil {
			return nil, errors.New("okta: EC JWK public point is invalid")
		}
		x, errX := b64(k.X)
		y, errY := b64(k.Y)
		if errX != nil || errY != nil || !bytes.Equal(pub[1:33], x) || !bytes.Equal(pub[33:], y) {
			return nil, errors.New("okta: EC JWK \"x\"/\"y\" do not belong to its \"d\": paste the key unchanged")
		}
	}
	return key, nil
}

func newRSAKey(key *rsa.PrivateKey, kid, form string) (*signingKey, error) {
	if key.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("okta: RSA key has %d bits: Okta needs at least %d", key.N.BitLen(), minRSABits)
	}
	return &signingKey{alg: "RS256", kid: kid, rsa: key, form: form}, nil
}

func parsePEM(b []byte) (*signingKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("okta: private key PEM does not decode: paste the whole block, BEGIN and END lines included")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, encrypted := block.Headers["DEK-Info"]; encrypted {
			return nil, errors.New("okta: private key PEM is encrypted: give an unencrypted key")
		}
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("okta: RSA PRIVATE KEY block does not parse as PKCS#1")
		}
		return newRSAKey(key, "", "PEM")
	case "EC PRIVATE KEY":
		key, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("okta: EC PRIVATE KEY block does not parse")
		}
		return ecKey(key, "PEM")
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("okta: PRIVATE KEY block does not parse as PKCS#8")
		}
		switch key := parsed.(type) {
		case *rsa.PrivateKey:
			return newRSAKey(key, "", "PEM")
		case *ecdsa.PrivateKey:
			return ecKey(key, "PEM")
		default:
			return nil, fmt.Errorf("okta: PKCS#8 key type %T is not supported: use RSA or EC P-256", parsed)
		}
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("okta: private key PEM is encrypted: give an unencrypted key")
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("okta: the PEM block is a %s, not a private key: give the private key", strings.ToLower(block.Type))
	default:
		return nil, fmt.Errorf("okta: PEM block %q is not a private key: give an RSA or EC private key", block.Type)
	}
}

func ecKey(key *ecdsa.PrivateKey, form string) (*signingKey, error) {
	if key.Curve != elliptic.P256() {
		return nil, fmt.Errorf("okta: EC key curve %s is not supported: use P-256 (ES256)", key.Curve.Params().Name)
	}
	return &signingKey{alg: "ES256", ec: key, form: form}, nil
}

// public returns the key's public half.
func (k *signingKey) public() crypto.PublicKey {
	if k.rsa != nil {
		return &k.rsa.PublicKey
	}
	return &k.ec.PublicKey
}

// sign returns the JWS signature of the signing input.
func (k *signingKey) sign(input []byte) ([]byte, error) {
	h := sha256.Sum256(input)
	if k.rsa != nil {
		return rsa.SignPKCS1v15(rand.Reader, k.rsa, crypto.SHA256, h[:])
	}
	r, s, err := ecdsa.Sign(rand.Reader, k.ec, h[:])
	if err != nil {
		return nil, err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig, nil
}

// publicJWK returns the public half as a JWK, for the DPoP proof header.
func (k *signingKey) publicJWK() map[string]string {
	if k.rsa != nil {
		return map[string]string{
			"kty": "RSA",
			"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.rsa.E)).Bytes()),
			"n":   base64.RawURLEncoding.EncodeToString(k.rsa.N.Bytes()),
		}
	}
	pub, _ := k.ec.PublicKey.Bytes() // a valid P-256 key always encodes
	return map[string]string{
		"kty": "EC",
		"crv": "P-256",
		"x":   base64.RawURLEncoding.EncodeToString(pub[1:33]),
		"y":   base64.RawURLEncoding.EncodeToString(pub[33:]),
	}
}

// newDPoPKey makes the key pair a client binds its DPoP tokens to: P-256,
// cheap to make and to sign with.
func newDPoPKey() (*signingKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("okta: dpop key: %w", err)
	}
	return &signingKey{alg: "ES256", ec: key, form: "generated"}, nil
}
