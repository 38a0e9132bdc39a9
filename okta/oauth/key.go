package oauth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// Key is the service app's private key (or the DPoP key pair),
// ready to sign JWTs with go-jose.
type Key struct {
	alg  string        // RS256 or ES256
	kid  string        // "" when the key has none
	priv crypto.Signer // *rsa.PrivateKey or *ecdsa.PrivateKey (P-256)
}

// minRSABits is the smallest RSA key Okta accepts for private_key_jwt.
const minRSABits = 2048

// ParseKey reads a JWK (as Okta's Admin Console generates it, or a
// JWK Set holding one key) or a PEM private key. kid, when not empty,
// overrides the JWK's own. Errors never quote key material.
func ParseKey(b []byte, kid string) (*Key, error) {
	b = bytes.TrimSpace(b)
	var (
		k   *Key
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

// parseJWK reads a private JWK with go-jose. A few fields are looked at
// first only to give errors that say what to do; go-jose decodes and checks
// the key itself.
func parseJWK(b []byte) (*Key, error) {
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
	var head struct {
		Kty, Alg, D, Crv string
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, errors.New("okta: private key JWK is not a JSON object")
	}
	switch head.Kty {
	case "RSA", "EC":
	case "":
		return nil, errors.New("okta: JWK has no \"kty\": give the private key Okta generated")
	default:
		return nil, fmt.Errorf("okta: JWK key type %q is not supported: use an RSA or EC P-256 key", head.Kty)
	}
	if head.D == "" {
		return nil, errors.New("okta: the JWK has no private part (\"d\"): this is the public key; give the private key Okta generated (shown once when the key was added)")
	}
	if want := map[string]string{"RSA": "RS256", "EC": "ES256"}[head.Kty]; head.Alg != "" && head.Alg != want {
		return nil, fmt.Errorf("okta: JWK alg %q is not supported: use an RS256 or ES256 key", head.Alg)
	}
	if head.Kty == "EC" && head.Crv != "P-256" {
		return nil, fmt.Errorf("okta: EC JWK curve %q is not supported: use P-256 (ES256)", head.Crv)
	}
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(b); err != nil {
		if head.Kty == "RSA" {
			return nil, errors.New("okta: RSA JWK is inconsistent or incomplete (its parts do not form one key): paste the whole key Okta generated, unchanged")
		}
		return nil, errors.New("okta: EC JWK is not a valid P-256 private key: paste the key unchanged")
	}
	switch key := k.Key.(type) {
	case *rsa.PrivateKey:
		key.Precompute()
		return newRSAKey(key, k.KeyID)
	case *ecdsa.PrivateKey:
		// go-jose does not check that "d" belongs to "x"/"y": a key that
		// signs what its public half cannot verify would only fail at Okta.
		d := make([]byte, 32)
		if key.D.BitLen() > 256 { //nolint:staticcheck // SA1019: checking go-jose's key is what reads D
			return nil, errors.New("okta: EC JWK \"d\" is not a P-256 private scalar")
		}
		key.D.FillBytes(d) //nolint:staticcheck // SA1019: as above
		derived, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
		if err != nil {
			return nil, errors.New("okta: EC JWK \"d\" is not a valid P-256 private key")
		}
		if !derived.PublicKey.Equal(&key.PublicKey) {
			return nil, errors.New("okta: EC JWK \"x\"/\"y\" do not belong to its \"d\": paste the key unchanged")
		}
		sk, err := ecKey(derived)
		if err != nil {
			return nil, err
		}
		sk.kid = k.KeyID
		return sk, nil
	default:
		return nil, errors.New("okta: the JWK has no private part (\"d\"): this is the public key; give the private key Okta generated (shown once when the key was added)")
	}
}

func newRSAKey(key *rsa.PrivateKey, kid string) (*Key, error) {
	if key.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("okta: RSA key has %d bits: Okta needs at least %d", key.N.BitLen(), minRSABits)
	}
	return &Key{alg: string(jose.RS256), kid: kid, priv: key}, nil
}

func parsePEM(b []byte) (*Key, error) {
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
		return newRSAKey(key, "")
	case "EC PRIVATE KEY":
		key, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("okta: EC PRIVATE KEY block does not parse")
		}
		return ecKey(key)
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("okta: PRIVATE KEY block does not parse as PKCS#8")
		}
		switch key := parsed.(type) {
		case *rsa.PrivateKey:
			return newRSAKey(key, "")
		case *ecdsa.PrivateKey:
			return ecKey(key)
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

func ecKey(key *ecdsa.PrivateKey) (*Key, error) {
	if key.Curve != elliptic.P256() {
		return nil, fmt.Errorf("okta: EC key curve %s is not supported: use P-256 (ES256)", key.Curve.Params().Name)
	}
	return &Key{alg: string(jose.ES256), priv: key}, nil
}

// KeyID is the key's kid, "" when it has none.
func (k *Key) KeyID() string { return k.kid }

// public returns the key's public half.
func (k *Key) public() crypto.PublicKey { return k.priv.Public() }

// publicJWK returns the public half as a JWK, as the DPoP proof header
// carries it.
func (k *Key) publicJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.public()}
}

// newDPoPKey makes the key pair a client binds its DPoP tokens to: P-256,
// cheap to make and to sign with.
func newDPoPKey() (*Key, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("okta: dpop key: %w", err)
	}
	return &Key{alg: string(jose.ES256), priv: key}, nil
}
