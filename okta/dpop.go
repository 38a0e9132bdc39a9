package okta

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// dpopState is the client's DPoP key pair, kept for the client's life, and
// the nonces Okta handed out: one for the token endpoint, one for the
// resource server.
type dpopState struct {
	mu         sync.Mutex
	enabled    bool
	key        *signingKey
	tokenNonce string
	apiNonce   string
}

// newDPoPState makes the state; with enabled, the key pair is made now so
// that the very first token request carries a proof.
func newDPoPState(enabled bool) (*dpopState, error) {
	d := &dpopState{}
	if enabled {
		if err := d.enable(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// enable switches DPoP on, making the key pair if there is none yet. It
// reports whether DPoP was off before.
func (d *dpopState) enable() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.key == nil {
		k, err := newDPoPKey()
		if err != nil {
			return err
		}
		d.key = k
	}
	d.enabled = true
	return nil
}

func (d *dpopState) on() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.enabled
}

func (d *dpopState) setNonce(api bool, nonce string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if api {
		d.apiNonce = nonce
	} else {
		d.tokenNonce = nonce
	}
}

// proof returns a DPoP proof JWT for one request. accessToken is empty for
// token requests; for API calls its hash goes in ath.
func (d *dpopState) proof(method, target, accessToken string, api bool, now time.Time) (string, error) {
	d.mu.Lock()
	key := d.key
	nonce := d.tokenNonce
	if api {
		nonce = d.apiNonce
	}
	d.mu.Unlock()
	if key == nil {
		return "", fmt.Errorf("okta: dpop proof: no key pair")
	}
	claims := map[string]any{
		"htm": strings.ToUpper(method),
		"htu": htu(target),
		"iat": now.Unix(),
		"jti": newJTI(),
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims["ath"] = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	header := map[string]any{"typ": "dpop+jwt", "jwk": key.publicJWK()}
	s, err := signJWT(key, header, claims)
	if err != nil {
		return "", fmt.Errorf("okta: sign dpop proof: %w", err)
	}
	return s, nil
}

// htu is the DPoP target URI: the request URL without query and fragment.
func htu(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

// dpopChallenge reports whether a resource-server response asks for a
// (new) DPoP nonce, and returns it.
func dpopChallenge(resp *http.Response) (string, bool) {
	nonce := resp.Header.Get("DPoP-Nonce")
	if nonce == "" {
		return "", false
	}
	for _, v := range resp.Header.Values("WWW-Authenticate") {
		if strings.Contains(v, "use_dpop_nonce") {
			return nonce, true
		}
	}
	return "", false
}
