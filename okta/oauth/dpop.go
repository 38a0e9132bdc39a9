package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// maxNonceRounds bounds the use_dpop_nonce challenges answered for one
// token request or one API call: Okta may hand out a nonce and then rotate
// it again on the retry.
const maxNonceRounds = 3

// clockHint ends every report of a refused DPoP proof: the usual cause is a
// proof whose iat Okta finds too far from its own time.
const clockHint = "check this machine's clock (NTP): Okta refuses a DPoP proof issued too far from its own time"

// DPoP is the client's DPoP key pair, kept for the client's life, and
// the nonces Okta handed out: one for the token endpoint, one for the
// resource server.
type DPoP struct {
	mu         sync.Mutex
	enabled    bool
	key        *Key
	tokenNonce string
	apiNonce   string
}

// NewDPoP makes the state; with enabled, the key pair is made now so
// that the very first token request carries a proof.
func NewDPoP(enabled bool) (*DPoP, error) {
	d := &DPoP{}
	if enabled {
		if err := d.enable(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// enable switches DPoP on, making the key pair if there is none yet.
func (d *DPoP) enable() error {
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

func (d *DPoP) on() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.enabled
}

func (d *DPoP) setNonce(api bool, nonce string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if api {
		d.apiNonce = nonce
	} else {
		d.tokenNonce = nonce
	}
}

// keepNonce stores the DPoP-Nonce of any response, success or error, so
// that the next proof carries the newest nonce Okta handed out.
func (d *DPoP) keepNonce(api bool, h http.Header) {
	if n := h.Get("DPoP-Nonce"); n != "" {
		d.setNonce(api, n)
	}
}

// dpopClaims are the claims of a DPoP proof (RFC 9449 section 4.2).
type dpopClaims struct {
	Htm   string `json:"htm"`
	Htu   string `json:"htu"`
	Iat   int64  `json:"iat"`
	Jti   string `json:"jti"`
	Nonce string `json:"nonce,omitempty"`
	Ath   string `json:"ath,omitempty"`
}

// proof returns a DPoP proof JWT for one request. accessToken is empty for
// token requests; for API calls its hash goes in ath.
func (d *DPoP) proof(method, target, accessToken string, api bool, now time.Time) (string, error) {
	return d.ProofWith(method, target, accessToken, api, now, "")
}

// ProofWith is proof with the nonce a challenge to this very call handed
// out (RFC 9449: the retry carries the nonce of the error response), so
// that concurrent calls answering their own challenges never trade each
// other's newer nonces. An empty nonce means the newest one stored.
func (d *DPoP) ProofWith(method, target, accessToken string, api bool, now time.Time, nonce string) (string, error) {
	d.mu.Lock()
	key := d.key
	if nonce == "" {
		nonce = d.tokenNonce
		if api {
			nonce = d.apiNonce
		}
	}
	d.mu.Unlock()
	if key == nil {
		return "", fmt.Errorf("okta: dpop proof: no key pair")
	}
	c := dpopClaims{
		Htm:   strings.ToUpper(method),
		Htu:   htu(target),
		Iat:   now.Unix(),
		Jti:   newJTI(),
		Nonce: nonce,
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		c.Ath = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	s, err := signJWT(key, "dpop+jwt", true, c)
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

// dpopError reads the DPoP challenge of a response: its error code and
// description, from the WWW-Authenticate header (Okta may send a 400 with
// no body at all).
func dpopError(h http.Header) (code, description string) {
	for _, v := range h.Values("WWW-Authenticate") {
		scheme, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		if !strings.EqualFold(scheme, "DPoP") {
			continue
		}
		p := AuthParams(v)
		if p["error"] != "" {
			return p["error"], p["error_description"]
		}
	}
	return "", ""
}

// NonceRounds is one call's answers to use_dpop_nonce challenges: how many
// so far, and the nonce the last challenge handed out, which the retry's
// proof carries.
type NonceRounds struct {
	n     int
	Nonce string // the nonce of the last challenge; "" before any
}

// OnAPIResponse is the DPoP side of one API answer: it stores the answer's
// DPoP-Nonce, says whether to send the call again with a fresh proof for a
// use_dpop_nonce challenge (400 or 401; at most maxNonceRounds per call,
// counted in rounds, which also keeps the challenge's nonce), and turns a
// refused proof into an error. tokenType is the type of the token the call
// carried.
func (d *DPoP) OnAPIResponse(resp *http.Response, tokenType string, rounds *NonceRounds) (retry bool, err error) {
	d.keepNonce(true, resp.Header)
	if tokenType != "DPoP" || resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnauthorized {
		return false, nil
	}
	code, desc := dpopError(resp.Header)
	switch code {
	case "use_dpop_nonce":
		if resp.Header.Get("DPoP-Nonce") == "" {
			break // a challenge without a nonce cannot be answered
		}
		if rounds.n < maxNonceRounds {
			rounds.n++
			rounds.Nonce = resp.Header.Get("DPoP-Nonce")
			return true, nil
		}
		return false, &intents.Error{Err: intents.ErrUnavailable, Status: resp.StatusCode,
			RequestID: resp.Header.Get("X-Okta-Request-Id"),
			Detail:    fmt.Sprintf("Okta asked for a new DPoP nonce %d times in a row (%s)", rounds.n+1, nonEmpty(desc, "use_dpop_nonce"))}
	case "invalid_dpop_proof":
		return false, &intents.Error{Err: intents.ErrAuth, Status: resp.StatusCode,
			RequestID: resp.Header.Get("X-Okta-Request-Id"),
			Detail:    "Okta refused the DPoP proof (" + nonEmpty(desc, "invalid_dpop_proof") + "): " + clockHint}
	}
	return false, nil
}
