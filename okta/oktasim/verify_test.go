package oktasim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// verifySim is smallOrg (00u1 has an ACTIVE push factor opf1, jane an SMS
// factor) on a settable clock.
func verifySim(t *testing.T, fx *Fixture) (*Server, *httptest.Server, *fakeClock) {
	t.Helper()
	if fx == nil {
		fx = smallOrg()
	}
	// Near the real time: the client assertion is checked against it.
	clock := &fakeClock{t: time.Now().Truncate(time.Second)}
	s, err := newServer(fx, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	return s, serveSim(t, s), clock
}

// postOutcome sends POST /_sim/factor-verify-outcome, without a token.
func postOutcome(t *testing.T, ts *httptest.Server, body string) apiResult {
	t.Helper()
	return postControl(t, ts, "/_sim/factor-verify-outcome", body)
}

var pollHref = regexp.MustCompile(`^http://[^/]+/api/v1/users/00u1/factors/opf1/transactions/(v2mst\.[0-9A-Za-z]{22})$`)

// startPush starts a verification of 00u1's push factor and returns the
// answer and its poll link.
func startPush(t *testing.T, ts *httptest.Server, tok string) (map[string]any, string) {
	t.Helper()
	res := call(t, ts, tok, "POST", "/api/v1/users/00u1/factors/opf1/verify", map[string]any{})
	if res.status != http.StatusCreated {
		t.Fatalf("POST …/verify = %d %s, want 201", res.status, res.body)
	}
	obj := res.object(t)
	poll, _ := lookup(obj, "_links", "poll", "href")
	href, _ := poll.(string)
	if !pollHref.MatchString(href) {
		t.Fatalf("POST …/verify: poll link %q, want …/users/00u1/factors/opf1/transactions/v2mst.…", href)
	}
	return obj, href
}

// The push factor is listed as Okta lists it, and a verification answers
// WAITING until its programmed delay has passed, then its outcome, which
// later polls keep answering.
func TestVerifyOutcomes(t *testing.T) {
	tests := []struct {
		outcome string
		delay   time.Duration
		want    string
	}{
		{OutcomeSuccess, 0, "SUCCESS"},
		{OutcomeSuccess, 2 * time.Second, "SUCCESS"},
		{OutcomeReject, 2 * time.Second, "REJECTED"},
		{OutcomeTimeout, 2 * time.Second, "TIMEOUT"},
		{OutcomeSuccess, time.Hour, "TIMEOUT"}, // longer than a push lives
	}
	for _, tt := range tests {
		t.Run(tt.outcome+"/"+tt.delay.String(), func(t *testing.T) {
			s, ts, clock := verifySim(t, nil)
			tok := bearer(t, ts, allTestScopes)
			fs := call(t, ts, tok, "GET", "/api/v1/users/00u1/factors", nil).list(t)
			f := fs[0].(map[string]any)
			if f["factorType"] != "push" || f["provider"] != "OKTA" || f["status"] != "ACTIVE" {
				t.Fatalf("factors of 00u1 = %v, want an ACTIVE OKTA push", fs)
			}
			if err := s.SetVerifyOutcome(VerifyOutcome{Outcome: tt.outcome, Delay: tt.delay}); err != nil {
				t.Fatal(err)
			}
			started, poll := startPush(t, ts, tok)
			if started["factorResult"] != "WAITING" || started["expiresAt"] != formatTime(clock.now().Add(5*time.Minute)) {
				t.Fatalf("verify answer = %v, want WAITING expiring in 5 minutes", started)
			}
			if _, ok := started["_embedded"]; ok {
				t.Fatalf("verify answer = %v: a number challenge nobody asked for", started)
			}
			result := func() (string, map[string]any) {
				res := call(t, ts, tok, "GET", poll, nil)
				if res.status != http.StatusOK || res.header.Get("X-Rate-Limit-Limit") == "" {
					t.Fatalf("GET poll = %d %v %s, want 200 with rate-limit headers", res.status, res.header, res.body)
				}
				obj := res.object(t)
				return obj["factorResult"].(string), obj
			}
			if tt.delay > 0 {
				if got, obj := result(); got != "WAITING" {
					t.Fatalf("poll before the delay = %v, want WAITING", obj)
				}
				clock.advance(min(tt.delay, PushLifetime) - time.Millisecond)
				if got, _ := result(); got != "WAITING" {
					t.Fatalf("poll just before the delay = %s, want WAITING", got)
				}
				clock.advance(time.Millisecond)
			}
			for range 2 {
				got, obj := result()
				if got != tt.want {
					t.Fatalf("poll after the delay = %v, want %s", obj, tt.want)
				}
				_, hasVerify := lookup(obj, "_links", "verify", "href")
				if hasVerify != (tt.want != "SUCCESS") {
					t.Fatalf("poll answer %v: a verify link only when not SUCCESS", obj)
				}
			}
			if n := s.CallCount("GET", strings.TrimPrefix(poll, ts.URL)); n < 2 {
				t.Fatalf("CallCount(poll) = %d", n)
			}
			txns := s.VerifyTransactions()
			if len(txns) != 1 || txns[0].UserID != "00u1" || txns[0].FactorID != "opf1" || txns[0].Polls < 2 {
				t.Fatalf("VerifyTransactions() = %+v", txns)
			}
		})
	}
}

// A number challenge is shown in the verify answer and in every WAITING
// poll, and is the transaction's.
func TestVerifyChallenge(t *testing.T) {
	s, ts, clock := verifySim(t, nil)
	tok := bearer(t, ts, allTestScopes)
	if res := postOutcome(t, ts, `{"outcome":"success","delay":"1s","challenge":true}`); res.status != http.StatusOK {
		t.Fatalf("POST /_sim/factor-verify-outcome = %d %s", res.status, res.body)
	}
	started, poll := startPush(t, ts, tok)
	want := float64(s.VerifyTransactions()[0].CorrectAnswer)
	if want < 10 || want > 99 {
		t.Fatalf("CorrectAnswer = %v, want two digits", want)
	}
	if got, _ := lookup(started, "_embedded", "challenge", "correctAnswer"); got != want {
		t.Fatalf("verify answer = %v, want correctAnswer %v", started, want)
	}
	waiting := call(t, ts, tok, "GET", poll, nil).object(t)
	if got, _ := lookup(waiting, "_embedded", "challenge", "correctAnswer"); got != want {
		t.Fatalf("WAITING poll = %v, want correctAnswer %v", waiting, want)
	}
	clock.advance(time.Second)
	if done := call(t, ts, tok, "GET", poll, nil).object(t); done["factorResult"] != "SUCCESS" {
		t.Fatalf("poll after the delay = %v", done)
	}
}

// The control endpoint refuses bad input with a clear 400 and keeps what
// was set; a transaction keeps the outcome it started with.
func TestVerifyOutcomeControl(t *testing.T) {
	s, ts, _ := verifySim(t, nil)
	tok := bearer(t, ts, allTestScopes)
	if res := postOutcome(t, ts, `{"outcome":"reject"}`); res.status != http.StatusOK {
		t.Fatalf("POST reject = %d %s", res.status, res.body)
	}
	_, rejected := startPush(t, ts, tok)
	for _, bad := range []struct{ body, says string }{
		{`{"outcome":"maybe"}`, "maybe"},
		{`{"outcome":"success","delay":"soon"}`, "soon"},
		{`{"outcome":"success","delay":"-1s"}`, "negative"},
		{`{"outcome":"success","when":"now"}`, "when"},
		{`{"delay":"1s"}`, "outcome is missing"},
		{`null`, "not a JSON object"},
		{`[`, "outcome"},
	} {
		res := postOutcome(t, ts, bad.body)
		if res.status != http.StatusBadRequest || !strings.Contains(string(res.body), bad.says) {
			t.Errorf("POST %s = %d %s, want 400 saying %q", bad.body, res.status, res.body, bad.says)
		}
	}
	if got := s.Snapshot().FactorVerify; got == nil || got.Outcome != OutcomeReject {
		t.Fatalf("after bad input the outcome is %+v, want reject kept", got)
	}
	if res := postOutcome(t, ts, `{"outcome":"success"}`); res.status != http.StatusOK {
		t.Fatalf("POST success = %d %s", res.status, res.body)
	}
	if got := call(t, ts, tok, "GET", rejected, nil).object(t)["factorResult"]; got != "REJECTED" {
		t.Fatalf("the transaction started under reject = %v, want REJECTED", got)
	}
	_, ok := startPush(t, ts, tok)
	if got := call(t, ts, tok, "GET", ok, nil).object(t)["factorResult"]; got != "SUCCESS" {
		t.Fatalf("a transaction started under success = %v", got)
	}
}

// A fixture's factor_verify sets the default outcome.
func TestVerifyFixtureDefault(t *testing.T) {
	var fx Fixture
	if err := json.Unmarshal([]byte(`{"users":[{"id":"00u1","profile":{"login":"a@b.co","email":"a@b.co","firstName":"A","lastName":"B"}}],
		"factors":{"00u1":[{"id":"opf1","factorType":"push"}]},
		"factor_verify":{"outcome":"timeout","delay":"30s","challenge":true}}`), &fx); err != nil {
		t.Fatal(err)
	}
	want := VerifyOutcome{Outcome: OutcomeTimeout, Delay: 30 * time.Second, Challenge: true}
	if diff := cmp.Diff(&want, fx.FactorVerify); diff != "" {
		t.Fatalf("fixture factor_verify (-want +got):\n%s", diff)
	}
	s, ts, clock := verifySim(t, &fx)
	tok := bearer(t, ts, allTestScopes)
	_, poll := startPush(t, ts, tok)
	clock.advance(30 * time.Second)
	if got := call(t, ts, tok, "GET", poll, nil).object(t)["factorResult"]; got != "TIMEOUT" {
		t.Fatalf("poll = %v, want TIMEOUT from the fixture", got)
	}
	if _, err := New(&Fixture{FactorVerify: &VerifyOutcome{Outcome: "later"}}); err == nil {
		t.Fatal("New with outcome \"later\" = nil error")
	}
	_ = s
}

// Verification is an API call like the others: a token with
// okta.users.manage starts it, polls need a token, and a transaction is
// found only under its own user and factor.
func TestVerifyAuthAndErrors(t *testing.T) {
	fx := smallOrg()
	fx.Factors["00u6"] = []Object{{"id": "opf6", "factorType": "push", "status": "PENDING_ACTIVATION"}}
	_, ts, _ := verifySim(t, fx)
	readOnly := bearer(t, ts, "okta.users.read")
	if res := call(t, ts, readOnly, "POST", "/api/v1/users/00u1/factors/opf1/verify", nil); res.status != http.StatusForbidden {
		t.Fatalf("verify with okta.users.read = %d %s, want 403", res.status, res.body)
	}
	tok := bearer(t, ts, allTestScopes)
	_, poll := startPush(t, ts, tok)
	txn := pollHref.FindStringSubmatch(poll)[1]
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"poll without a token", "GET", poll, "", nil, http.StatusUnauthorized},
		{"poll under another factor", "GET", "/api/v1/users/00u2/factors/opf1/transactions/" + txn, tok, nil, http.StatusNotFound},
		{"unknown transaction", "GET", "/api/v1/users/00u1/factors/opf1/transactions/v2mst.nope", tok, nil, http.StatusNotFound},
		{"unknown factor", "POST", "/api/v1/users/00u1/factors/opfX/verify", tok, nil, http.StatusNotFound},
		{"pending push", "POST", "/api/v1/users/00u6/factors/opf6/verify", tok, nil, http.StatusBadRequest},
		{"a null body", "POST", "/api/v1/users/00u1/factors/opf1/verify", tok, json.RawMessage("null"), http.StatusBadRequest},
	} {
		if res := call(t, ts, tc.token, tc.method, tc.path, tc.body); res.status != tc.status {
			t.Errorf("%s: %s %s = %d %s, want %d", tc.name, tc.method, tc.path, res.status, res.body, tc.status)
		}
	}
}
