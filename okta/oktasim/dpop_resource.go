package oktasim

import (
	"net/http"
	"time"
)

// DPoPBehaviour is how the resource server (the /api/v1 endpoints) treats
// the DPoP proofs of calls made with a DPoP-bound token, where Okta's
// published contract leaves it open. The zero value verifies every proof,
// asks for no nonce and answers a refused proof with a JSON body.
type DPoPBehaviour struct {
	// NonceStatus, when 400 or 401, makes the resource server require its
	// own nonce: a proof without a current one is answered with this
	// status, no body, a DPoP-Nonce header and
	// WWW-Authenticate: DPoP …, error="use_dpop_nonce", error_description="…".
	NonceStatus int
	// Rotations is how many times in a row a retry that carries the nonce
	// just handed out is challenged again with yet another nonce. A nonce
	// is challenged at most once: it is accepted afterwards (recent nonces
	// stay valid), so concurrent calls sharing nonces still get through.
	Rotations int
	// MaxProofAge, when positive, refuses a proof whose iat is more than
	// this long before the simulator's clock with a 400 that has no body:
	// the reason is only in WWW-Authenticate (error="invalid_dpop_proof",
	// "The DPoP proof JWT was issued too far in the past."). Proofs older
	// than 5 minutes are refused anyway, with a JSON body.
	MaxProofAge time.Duration
}

// dpopResource is the resource server's DPoP state. It is guarded by
// Server.mu.
type dpopResource struct {
	b      DPoPBehaviour
	nonces map[string]int // nonce handed out → rotations left when it comes back (0: accepted)
}

// maxResourceNonces bounds the nonces remembered; past it they are all
// forgotten and clients are challenged afresh, as when Okta's expire.
const maxResourceNonces = 4096

// SetDPoPBehaviour sets how API calls with DPoP-bound tokens are answered.
// It forgets the nonces handed out so far.
func (s *Server) SetDPoPBehaviour(b DPoPBehaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dpopRS = dpopResource{b: b, nonces: map[string]int{}}
}

// checkResourceProof checks the DPoP proof of an API call made with the
// DPoP-bound token t (raw is the token as sent): the proof itself, its key
// against the token's binding (cnf.jkt), its age, the resource server's
// nonce when one is required, and the jti replay. On failure it has written
// the answer and returns false.
func (s *Server) checkResourceProof(w http.ResponseWriter, r *http.Request, t *accessToken, raw string, now time.Time) bool {
	refuse := func(desc string) bool {
		w.Header().Set("WWW-Authenticate", dpopChallenge(r, "", "invalid_dpop_proof", desc))
		writeOAuthError(w, errInvalidDPoP(desc))
		return false
	}
	p, desc := checkProof(r, r.Header.Get("DPoP"), now, tokenHash(raw))
	if desc != "" {
		return refuse(desc)
	}
	if p.jkt != t.jkt {
		return refuse("The DPoP proof JWT key does not match the access token's binding.")
	}
	s.mu.Lock()
	b := s.dpopRS.b
	if b.MaxProofAge > 0 && p.iat.Before(now.Add(-b.MaxProofAge)) {
		s.mu.Unlock()
		w.Header().Set("WWW-Authenticate", dpopChallenge(r, "", "invalid_dpop_proof", "The DPoP proof JWT was issued too far in the past."))
		w.WriteHeader(http.StatusBadRequest)
		return false
	}
	if b.NonceStatus != 0 {
		left, known := s.dpopRS.nonces[p.nonce]
		if !known || left > 0 {
			rotations := b.Rotations
			if known {
				s.dpopRS.nonces[p.nonce] = 0
				rotations = left - 1
			}
			if len(s.dpopRS.nonces) >= maxResourceNonces {
				clear(s.dpopRS.nonces)
			}
			n := randomText(32)
			s.dpopRS.nonces[n] = rotations
			s.mu.Unlock()
			w.Header().Set("WWW-Authenticate", dpopChallenge(r, "", "use_dpop_nonce", "Resource server requires nonce in DPoP proof."))
			w.Header().Set("DPoP-Nonce", n)
			w.WriteHeader(b.NonceStatus)
			return false
		}
	}
	fresh := s.useProofLocked(p, now)
	s.mu.Unlock()
	if !fresh {
		return refuse("The DPoP proof JWT has already been used.")
	}
	return true
}
