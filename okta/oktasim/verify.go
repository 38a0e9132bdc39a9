package oktasim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Push factor verification, as Okta's Factors API does it:
//
//	POST /api/v1/users/{id}/factors/{factorId}/verify (no body, or {})
//	  → 201 {"factorResult":"WAITING","expiresAt":…,
//	         "_links":{"poll":{"href":…/transactions/{transactionId}},"cancel":…},
//	         "_embedded":{"challenge":{"correctAnswer":42}}}   (number challenge only)
//	GET  /api/v1/users/{id}/factors/{factorId}/transactions/{transactionId}
//	  → 200 {"factorResult":"WAITING",…} until the outcome, then SUCCESS,
//	        REJECTED or TIMEOUT (with _links.verify to start again)
//
// What the person does on their phone is programmed: SetVerifyOutcome (or
// POST /_sim/factor-verify-outcome, or the fixture's factor_verify) sets
// the outcome, its delay and whether Okta shows a number challenge for the
// verifications started from then on. A transaction keeps the outcome it
// started with. The verify call is counted in the /api/v1 bucket with the
// other factor calls, as Okta's rate-limit table counts users/{id}/*.

// The outcomes a push verification can be programmed to have.
const (
	OutcomeSuccess = "success" // the person approves: SUCCESS
	OutcomeReject  = "reject"  // the person taps "No, it's not me": REJECTED
	OutcomeTimeout = "timeout" // nobody answers: TIMEOUT
)

// PushLifetime is how long Okta waits for an answer to a push (its
// expiresAt); a programmed delay longer than that ends in TIMEOUT.
const PushLifetime = 5 * time.Minute

// VerifyOutcome is what the verifications of push factors started from
// now on do. The zero value is an immediate success without a number
// challenge. Its JSON is the body of POST /_sim/factor-verify-outcome and
// the fixture's factor_verify: {"outcome":"reject","delay":"2s","challenge":true}.
type VerifyOutcome struct {
	// Outcome is OutcomeSuccess, OutcomeReject or OutcomeTimeout ("":
	// success).
	Outcome string
	// Delay is how long the transaction answers WAITING before the
	// outcome (0: the first poll sees it).
	Delay time.Duration
	// Challenge makes Okta show a number challenge: the verify answer
	// and every WAITING poll carry _embedded.challenge.correctAnswer.
	Challenge bool
}

type verifyOutcomeJSON struct {
	Outcome   string `json:"outcome"`
	Delay     string `json:"delay,omitempty"`
	Challenge bool   `json:"challenge,omitempty"`
}

// MarshalJSON writes the delay as a Go duration ("2s").
func (v VerifyOutcome) MarshalJSON() ([]byte, error) {
	j := verifyOutcomeJSON{Outcome: v.Outcome, Challenge: v.Challenge}
	if j.Outcome == "" {
		j.Outcome = OutcomeSuccess
	}
	if v.Delay > 0 {
		j.Delay = v.Delay.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads {"outcome","delay","challenge"} strictly: an unknown
// field, an unknown outcome or a delay that is not a non-negative Go
// duration is an error.
func (v *VerifyOutcome) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var j verifyOutcomeJSON
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return errors.New("factor verify outcome: not a JSON object")
	}
	if err := d.Decode(&j); err != nil {
		return fmt.Errorf("factor verify outcome: %w", err)
	}
	if j.Outcome == "" {
		return errors.New("factor verify outcome: outcome is missing")
	}
	out := VerifyOutcome{Outcome: j.Outcome, Challenge: j.Challenge}
	if j.Delay != "" {
		delay, err := time.ParseDuration(j.Delay)
		if err != nil {
			return fmt.Errorf("factor verify outcome: delay %q is not a duration such as \"2s\"", j.Delay)
		}
		out.Delay = delay
	}
	if err := out.check(); err != nil {
		return err
	}
	*v = out
	return nil
}

func (v VerifyOutcome) check() error {
	switch v.Outcome {
	case "", OutcomeSuccess, OutcomeReject, OutcomeTimeout:
	default:
		return fmt.Errorf("factor verify outcome: outcome %q is not %s, %s or %s", v.Outcome, OutcomeSuccess, OutcomeReject, OutcomeTimeout)
	}
	if v.Delay < 0 {
		return errors.New("factor verify outcome: delay is negative")
	}
	return nil
}

// VerifyTransaction is one push verification the simulator started.
type VerifyTransaction struct {
	ID       string
	UserID   string
	FactorID string
	Started  time.Time
	Outcome  VerifyOutcome
	// CorrectAnswer is the number challenge shown (0: none).
	CorrectAnswer int
	// Polls counts the GETs of the transaction.
	Polls int
}

// verifier holds the programmed outcome and the transactions. Its zero
// value is ready: immediate success.
type verifier struct {
	mu   sync.Mutex
	next VerifyOutcome
	txns map[string]*VerifyTransaction
}

// SetVerifyOutcome sets what the push verifications started from now on
// do. Transactions already started keep theirs.
func (s *Server) SetVerifyOutcome(v VerifyOutcome) error {
	if err := v.check(); err != nil {
		return fmt.Errorf("oktasim: %w", err)
	}
	s.verify.mu.Lock()
	s.verify.next = v
	s.verify.mu.Unlock()
	return nil
}

// VerifyTransactions lists the push verifications started, in no order.
func (s *Server) VerifyTransactions() []VerifyTransaction {
	s.verify.mu.Lock()
	defer s.verify.mu.Unlock()
	out := make([]VerifyTransaction, 0, len(s.verify.txns))
	for _, t := range s.verify.txns {
		out = append(out, *t)
	}
	return out
}

// result is the factorResult of t at now.
func (t *VerifyTransaction) result(now time.Time) string {
	delay := min(t.Outcome.Delay, PushLifetime)
	if now.Before(t.Started.Add(delay)) {
		return "WAITING"
	}
	switch {
	case t.Outcome.Delay >= PushLifetime, t.Outcome.Outcome == OutcomeTimeout:
		return "TIMEOUT"
	case t.Outcome.Outcome == OutcomeReject:
		return "REJECTED"
	}
	return "SUCCESS"
}

// verifyFactor is POST /api/v1/users/{id}/factors/{fid}/verify for a push
// factor: it starts a transaction and answers 201 WAITING with its poll
// link. Only push factors are simulated; a challenge of another type is
// refused with 400.
func (s *Server) verifyFactor(w http.ResponseWriter, r *http.Request, _ *caller) error {
	if err := emptyOrObject(r); err != nil {
		return err
	}
	s.org.mu.RLock()
	u, f, err := s.org.factorOr404(r)
	var ftype, fstatus, login string
	if err == nil {
		ftype, fstatus, login = f.str("factorType"), f.str("status"), u.str("profile", "login")
	}
	s.org.mu.RUnlock()
	if err != nil {
		return err
	}
	if ftype != "push" {
		return errValidation("factorType", "the simulator verifies push factors only, not "+ftype)
	}
	if fstatus != statusActive {
		return errValidation("factor", "Factor is not active: "+fstatus)
	}
	now := s.now()
	s.verify.mu.Lock()
	t := &VerifyTransaction{ID: "v2mst." + randomText(22), UserID: u.id, FactorID: f.id, Started: now, Outcome: s.verify.next}
	if t.Outcome.Challenge {
		t.CorrectAnswer = 10 + rand.IntN(90) // Okta shows two digits
	}
	if s.verify.txns == nil {
		s.verify.txns = map[string]*VerifyTransaction{}
	}
	s.verify.txns[t.ID] = t
	cp := *t
	s.verify.mu.Unlock()
	writeJSON(w, http.StatusCreated, transactionBody(baseURL(r), &cp, "WAITING", login))
	return nil
}

// emptyOrObject refuses a verify body that is neither empty nor a JSON
// object (the SDK sends "null" when no body is set).
func emptyOrObject(r *http.Request) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return errValidation("body", "The request body could not be read")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var obj Object
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return errValidation("body", "The request body was not well-formed.")
	}
	return nil
}

// factorTransaction is GET …/factors/{fid}/transactions/{tid}: the
// transaction's factorResult now.
func (s *Server) factorTransaction(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.org.mu.RLock()
	u, f, err := s.org.factorOr404(r)
	var login string
	if err == nil {
		login = u.str("profile", "login")
	}
	s.org.mu.RUnlock()
	if err != nil {
		return err
	}
	id := r.PathValue("txn")
	s.verify.mu.Lock()
	t := s.verify.txns[id]
	if t == nil || t.UserID != u.id || t.FactorID != f.id {
		s.verify.mu.Unlock()
		return errNotFound(id + " (FactorTransaction)")
	}
	t.Polls++
	cp := *t
	s.verify.mu.Unlock()
	writeJSON(w, http.StatusOK, transactionBody(baseURL(r), &cp, cp.result(s.now()), login))
	return nil
}

// transactionBody is Okta's answer for a push transaction with result.
func transactionBody(base string, t *VerifyTransaction, result, login string) Object {
	factor := base + "/api/v1/users/" + t.UserID + "/factors/" + t.FactorID
	txn := factor + "/transactions/" + t.ID
	body := Object{"factorResult": result, "profile": Object{"credentialId": login}}
	link := func(href string, allow ...string) Object {
		return Object{"href": href, "hints": Object{"allow": allow}}
	}
	if result == "WAITING" {
		body["expiresAt"] = formatTime(t.Started.Add(PushLifetime))
		body["_links"] = Object{"poll": link(txn, "GET"), "cancel": link(txn, "DELETE")}
		if t.CorrectAnswer > 0 {
			body["_embedded"] = Object{"challenge": Object{"correctAnswer": t.CorrectAnswer}}
		}
		return body
	}
	if result != "SUCCESS" {
		body["_links"] = Object{"verify": link(factor+"/verify", "POST"), "factor": link(factor, "GET", "DELETE")}
	}
	return body
}

// maxOutcomeBody bounds a POST /_sim/factor-verify-outcome body.
const maxOutcomeBody = 4 << 10

// postVerifyOutcome is POST /_sim/factor-verify-outcome: a VerifyOutcome
// in JSON, set with SetVerifyOutcome. It answers the outcome now in
// force, or 400 in Okta's error shape with nothing changed.
func (s *Server) postVerifyOutcome(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxOutcomeBody+1))
	if err != nil || len(body) > maxOutcomeBody {
		writeAPIError(w, errValidation("outcome", "the body could not be read or is too large"))
		return
	}
	var v VerifyOutcome
	if err := json.Unmarshal(body, &v); err != nil {
		msg := strings.TrimPrefix(err.Error(), "factor verify outcome: ")
		writeAPIError(w, errValidation("outcome", `give {"outcome":"success|reject|timeout","delay":"2s","challenge":false}: `+msg))
		return
	}
	if err := s.SetVerifyOutcome(v); err != nil {
		writeAPIError(w, errValidation("outcome", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, v)
}
