package okta

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// approverOrg has approvers with and without Okta Verify: ann has an
// ACTIVE push (and SMS), bob SMS only, pen a push whose enrolment is not
// finished; two users share an email.
func approverOrg() *oktasim.Fixture {
	type O = oktasim.Object
	user := func(id, login, email string) O {
		return O{"id": id, "status": "ACTIVE", "profile": O{"login": login, "email": email, "firstName": id, "lastName": "X"}}
	}
	return &oktasim.Fixture{
		Users: []O{
			user("00uann", "ann@company.com", "ann@company.com"),
			user("00ubob", "bob@company.com", "bob@company.com"),
			user("00upen", "pen@company.com", "pen@company.com"),
			user("00utw1", "twin1@company.com", "shared@company.com"),
			user("00utw2", "twin2@company.com", "shared@company.com"),
		},
		Factors: map[string][]O{
			"00uann": {{"id": "mblann", "factorType": "sms"}, {"id": "opfann", "factorType": "push", "status": "ACTIVE"}},
			"00ubob": {{"id": "mblbob", "factorType": "sms"}},
			"00upen": {{"id": "opfpen", "factorType": "push", "status": "PENDING_ACTIVATION"}},
		},
	}
}

func newVerifyHarness(t *testing.T) *harness {
	t.Helper()
	return newHarness(t, setup{fixture: approverOrg(), cfg: Config{Scopes: allScopes(), PushInterval: time.Millisecond}})
}

// setOutcome programs the simulator's next verifications.
func (h *harness) setOutcome(v oktasim.VerifyOutcome) {
	h.t.Helper()
	if err := h.sim.SetVerifyOutcome(v); err != nil {
		h.t.Fatal(err)
	}
}

// onlyTxn is the one verification the simulator started.
func (h *harness) onlyTxn() oktasim.VerifyTransaction {
	h.t.Helper()
	txns := h.sim.VerifyTransactions()
	if len(txns) != 1 {
		h.t.Fatalf("the simulator started %d verifications, want 1: %+v", len(txns), txns)
	}
	return txns[0]
}

// pushAnn programs the simulator with v and starts a push to ann.
func (h *harness) pushAnn(v oktasim.VerifyOutcome) intents.PushTxn {
	h.t.Helper()
	h.setOutcome(v)
	txn, err := h.client.StartPushVerify(h.t.Context(), "00uann")
	if err != nil {
		h.t.Fatalf("StartPushVerify(00uann) = %v", err)
	}
	return txn
}

const annVerify = "/api/v1/users/00uann/factors/opfann/verify"

// Each programmed outcome reaches WaitPush through the real SDK, and only
// SUCCESS confirms.
func TestPushVerifyOutcomes(t *testing.T) {
	tests := []struct {
		outcome string
		want    intents.PushResult
	}{
		{oktasim.OutcomeSuccess, intents.PushSuccess},
		{oktasim.OutcomeReject, intents.PushRejected},
		{oktasim.OutcomeTimeout, intents.PushTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			h := newVerifyHarness(t)
			h.setOutcome(oktasim.VerifyOutcome{Outcome: tt.outcome, Delay: 30 * time.Millisecond})
			u, err := h.client.UserByEmail(t.Context(), "Ann@Company.com")
			if err != nil {
				t.Fatalf("UserByEmail = %v", err)
			}
			txn, err := h.client.StartPushVerify(t.Context(), u.ID)
			if err != nil {
				t.Fatalf("StartPushVerify(%s) = %v", u.ID, err)
			}
			sim := h.onlyTxn()
			want := intents.PushTxn{ID: sim.ID, UserID: "00uann", FactorID: "opfann", Expires: sim.Started.Add(oktasim.PushLifetime).Truncate(time.Millisecond)}
			if diff := cmp.Diff(want, txn, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Fatalf("StartPushVerify (-want +got):\n%s", diff)
			}
			out, err := h.client.WaitPush(t.Context(), txn, nil)
			if err != nil {
				t.Fatalf("WaitPush = %v", err)
			}
			if out.Result != tt.want || out.TxnID != sim.ID || out.Confirmed() != (tt.want == intents.PushSuccess) {
				t.Fatalf("WaitPush = %+v, want %s for %s", out, tt.want, sim.ID)
			}
			if n := h.sim.CallCount("POST", annVerify); n != 1 {
				t.Fatalf("verify calls = %d, want 1", n)
			}
			if polls := h.onlyTxn().Polls; polls < 1 {
				t.Fatalf("polls = %d", polls)
			}
		})
	}
}

// The number challenge Okta shows is in the PushTxn and reported once to
// OnChallenge; one that first shows in a poll is reported from there.
func TestPushChallenge(t *testing.T) {
	h := newVerifyHarness(t)
	txn := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Delay: 20 * time.Millisecond, Challenge: true})
	want := h.onlyTxn().CorrectAnswer
	if want == 0 || txn.Challenge != want {
		t.Fatalf("StartPushVerify challenge = %d, want the simulator's %d", txn.Challenge, want)
	}
	var seen []int
	out, err := h.client.WaitPush(t.Context(), txn, func(n int) { seen = append(seen, n) })
	if err != nil || !out.Confirmed() {
		t.Fatalf("WaitPush = %+v, %v", out, err)
	}
	if diff := cmp.Diff([]int{want}, seen); diff != "" || out.Challenge != want {
		t.Fatalf("OnChallenge calls (-want +got):\n%s; outcome %+v", diff, out)
	}
	// A challenge first seen in a WAITING poll is reported from there.
	txn2 := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeReject, Delay: time.Hour, Challenge: true})
	want2 := txn2.Challenge
	txn2.Challenge = 0
	ctx, cancel := context.WithCancel(t.Context())
	seen = nil
	_, err = h.client.WaitPush(ctx, txn2, func(n int) { seen = append(seen, n); cancel() })
	if !errors.Is(err, context.Canceled) || len(seen) != 1 || seen[0] != want2 {
		t.Fatalf("WaitPush of a waiting push = %v, challenges %v, want %d from the poll", err, seen, want2)
	}
}

// A user without an ACTIVE Okta Verify push is told so, with nothing
// sent.
func TestNoPushFactor(t *testing.T) {
	h := newVerifyHarness(t)
	tests := []struct {
		user     string
		inactive []string
	}{
		{"00ubob", nil},
		{"00upen", []string{"PENDING_ACTIVATION"}},
	}
	for _, tt := range tests {
		_, err := h.client.StartPushVerify(t.Context(), tt.user)
		var np *intents.NoPushFactorError
		if !errors.As(err, &np) || np.UserID != tt.user || !cmp.Equal(np.Inactive, tt.inactive) {
			t.Fatalf("StartPushVerify(%s) = %v, want an intents.NoPushFactorError with inactive %v", tt.user, err, tt.inactive)
		}
		if !errors.Is(err, intents.ErrNotFound) || !strings.Contains(err.Error(), "no active Okta Verify push factor") {
			t.Fatalf("StartPushVerify(%s) = %v, want an intents ErrNotFound saying so", tt.user, err)
		}
	}
	if n := h.sim.Calls("POST", "/api/v1/users/"); n != 0 || len(h.sim.VerifyTransactions()) != 0 {
		t.Fatalf("%d POSTs sent for users without a push: %v", n, h.sim.CallLog())
	}
}

// WaitPush leaves the last tenth of the /api/v1 bucket to the rest of
// oktabot: when the simulator's X-Rate-Limit-Remaining falls to it, the
// next poll waits for the window's reset instead of spending it, and no
// call is refused 429.
func TestPushPollPaced(t *testing.T) {
	h := newVerifyHarness(t)
	h.sim.SetRateLimit(oktasim.BucketOther, 20, time.Minute)
	txn := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Delay: time.Hour})
	const interval = time.Millisecond
	stop := errors.New("paced")
	var long time.Duration
	// Without pacing the polls run into the transport's waits and 429s;
	// the deadline only bounds that failure.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := h.client.waitPush(ctx, txn, nil, func(ctx context.Context, d time.Duration) error {
		if d > interval {
			long = d
			return stop
		}
		return sleep(ctx, d)
	})
	if !errors.Is(err, stop) {
		t.Fatalf("WaitPush = %v, want it to wait for the reset (%+v)", err, h.client.RateLimits()[bucketOther])
	}
	st := h.client.RateLimits()[bucketOther]
	if st.Limit != 20 || st.Remaining > 2 || long > time.Until(st.Reset)+time.Second {
		t.Fatalf("paced at %+v with a wait of %s, want Remaining ≤ 2 and a wait until the reset", st, long)
	}
	if n := h.answered("/api/v1/", 429); n != 0 {
		t.Fatalf("%d calls answered 429", n)
	}
	if polls := h.onlyTxn().Polls; polls < 1 {
		t.Fatalf("polls = %d", polls)
	}
}

// WaitPush pauses Config.PushInterval before each poll, and a context
// that ends mid-wait ends it at once with its error, the transaction id
// and no result.
func TestWaitPushCancelled(t *testing.T) {
	h := newVerifyHarness(t)
	txn := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Delay: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	var pauses []time.Duration
	out, err := h.client.waitPush(ctx, txn, nil, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		pauses = append(pauses, d)
		if len(pauses) == 3 {
			cancel()
		}
		mu.Unlock()
		return sleep(ctx, d)
	})
	if want := []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}; !cmp.Equal(pauses, want) {
		t.Errorf("pauses = %v, want Config.PushInterval before each poll: %v", pauses, want)
	}
	if !errors.Is(err, context.Canceled) || out.Result != "" || out.Confirmed() || out.TxnID != txn.ID {
		t.Fatalf("WaitPush cancelled = %+v, %v; want no result, %s and context.Canceled", out, err, txn.ID)
	}
	if polls := h.onlyTxn().Polls; polls != 2 {
		t.Fatalf("polls = %d, want 2 (none after the cancel)", polls)
	}
}

// UserByEmail finds exactly one user, by login or email, any case.
func TestUserByEmail(t *testing.T) {
	h := newVerifyHarness(t)
	if u, err := h.client.UserByEmail(t.Context(), " BOB@company.com "); err != nil || u.ID != "00ubob" {
		t.Fatalf("UserByEmail(bob) = %+v, %v", u, err)
	}
	for _, tc := range []struct {
		email string
		want  error
	}{
		{"nobody@company.com", intents.ErrNotFound},
		{"shared@company.com", intents.ErrAmbiguous},
		{" ", intents.ErrInvalid},
	} {
		if _, err := h.client.UserByEmail(t.Context(), tc.email); !errors.Is(err, tc.want) {
			t.Errorf("UserByEmail(%q) = %v, want %v", tc.email, err, tc.want)
		}
	}
}

// Okta's answers are read strictly where it matters: an undocumented
// result is an error (never a success), and the poll link must name a
// transaction.
func TestPushAnswers(t *testing.T) {
	if a, err := decodePushAnswer([]byte(`{"factorResult":"WAITING","_embedded":{"challenge":{"correctAnswer":"42"}}}`)); err != nil || a.challenge != 42 {
		t.Errorf("a quoted challenge = %+v, %v", a, err)
	}
	for _, bad := range []string{`[]`, `{}`, `{"factorResult":"WAITING","_embedded":{"challenge":{"correctAnswer":"x"}}}`} {
		if _, err := decodePushAnswer([]byte(bad)); err == nil {
			t.Errorf("decodePushAnswer(%s) = nil error", bad)
		}
	}
	for href, ok := range map[string]bool{
		"https://o.okta.com/api/v1/users/00u1/factors/opf1/transactions/v2mst.abc": true,
		"/api/v1/users/00u1/factors/opf1/transactions/":                            false,
		"https://o.okta.com/api/v1/users/00u1/factors/opf1/verify":                 false,
		"https://o.okta.com/api/v1/users/00u1/factors/opf1/transactions/a/b":       false,
	} {
		if _, _, _, got := transactionOf(href); got != ok {
			t.Errorf("transactionOf(%s) ok = %v, want %v", href, got, ok)
		}
	}
}

// A poll refused 429 once the transport gave up (no retries here) is
// waited out until the reset Okta announced and the wait goes on; more
// than maxLimitedPolls in a row end it with ErrRateLimited (not
// confirmed). The transport's own pacing waits for the simulator's
// one-second resets: this test takes a second or two.
func TestPushPollRateLimited(t *testing.T) {
	for _, tc := range []struct {
		refused int
		want    error
	}{
		{1, nil},
		{maxLimitedPolls + 1, intents.ErrRateLimited},
	} {
		h := newHarness(t, setup{fixture: approverOrg(), cfg: Config{Scopes: allScopes(), MaxRetries: -1, PushInterval: time.Millisecond}})
		txn := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess})
		h.sim.Throttle(oktasim.BucketOther, tc.refused)
		var resets int
		out, err := h.client.waitPush(t.Context(), txn, nil, func(ctx context.Context, d time.Duration) error {
			if d > time.Millisecond {
				resets++ // a wait for the reset: skipped, the throttle counts calls
			}
			return nil
		})
		if !errors.Is(err, tc.want) || (tc.want == nil) != out.Confirmed() {
			t.Fatalf("%d polls refused: WaitPush = %+v, %v; want %v", tc.refused, out, err, tc.want)
		}
		if got := h.answered("/api/v1/users/00uann/factors/opfann/transactions/", 429); got != tc.refused || resets < min(tc.refused, maxLimitedPolls) {
			t.Fatalf("%d polls refused: %d answered 429, %d waits for a reset", tc.refused, got, resets)
		}
	}
}

// With a DPoP-bound token and a resource server that challenges for its
// nonce, the push is still sent exactly once: the challenged attempts
// never reach the verify handler, and the poll works the same way.
func TestPushVerifyDPoP(t *testing.T) {
	h := newHarness(t, setup{fixture: approverOrg(), app: oktasim.ServiceApp{RequireDPoP: true}, cfg: Config{DPoP: true, Scopes: allScopes(), PushInterval: time.Millisecond}})
	h.sim.SetDPoPBehaviour(oktasim.DPoPBehaviour{NonceStatus: 401, Rotations: 2})
	txn := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Delay: 10 * time.Millisecond})
	out, err := h.client.WaitPush(t.Context(), txn, nil)
	if err != nil || !out.Confirmed() {
		t.Fatalf("WaitPush = %+v, %v", out, err)
	}
	if n := len(h.writes("POST", annVerify)); n != 1 || len(h.sim.VerifyTransactions()) != 1 {
		t.Fatalf("verify answered 2xx %d times, %d transactions; want one push (%q)", n, len(h.sim.VerifyTransactions()), h.seen.all())
	}
	if h.answered("/api/", 401) == 0 {
		t.Fatal("no DPoP nonce challenge was answered: the test tests nothing")
	}
}

// A transaction still WAITING well after the push expired ends the wait
// with an error, not confirmed, even for a context without a deadline.
func TestWaitPushExpired(t *testing.T) {
	h := newVerifyHarness(t)
	txn := h.pushAnn(oktasim.VerifyOutcome{Outcome: oktasim.OutcomeSuccess, Delay: time.Hour})
	txn.Expires = time.Now().Add(-expiryGrace - time.Second) // as if restored long after
	// The deadline only bounds the failure: without the expiry check the
	// wait would go on for the programmed hour.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	out, err := h.client.WaitPush(ctx, txn, nil)
	if !errors.Is(err, intents.ErrUnavailable) || out.Confirmed() || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("WaitPush of an expired push = %+v, %v; want ErrUnavailable saying it expired", out, err)
	}
	if polls := h.onlyTxn().Polls; polls != 1 {
		t.Fatalf("polls = %d, want 1", polls)
	}
}
