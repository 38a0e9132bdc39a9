package okta

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// mfaOrg is an org of n ACTIVE users whose factors follow their number:
// none (…0), SMS only (…1), email and security question (…2), a push
// still pending activation (…3), SMS and push (…4), push (the rest); and
// ten SUSPENDED users without factors, whom the scan must leave out.
func mfaOrg(n int) *oktasim.Fixture {
	type O = oktasim.Object
	fx := &oktasim.Fixture{Factors: map[string][]O{}}
	user := func(id, login, status string) O {
		return O{"id": id, "status": status, "created": "2026-01-05T10:00:00.000Z", "statusChanged": "2026-01-05T10:00:00.000Z",
			"profile": O{"login": login, "email": login, "firstName": "M", "lastName": id}}
	}
	factor := func(typ, status string) O { return O{"factorType": typ, "status": status} }
	for i := range n {
		id := fmt.Sprintf("00uM%05d", i)
		fx.Users = append(fx.Users, user(id, fmt.Sprintf("m%05d@company.com", i), "ACTIVE"))
		var fs []O
		switch i % 10 {
		case 0:
		case 1:
			fs = []O{factor("sms", "ACTIVE")}
		case 2:
			fs = []O{factor("email", "ACTIVE"), factor("question", "ACTIVE")}
		case 3:
			fs = []O{factor("push", "PENDING_ACTIVATION")}
		case 4:
			fs = []O{factor("sms", "ACTIVE"), factor("push", "ACTIVE")}
		default:
			fs = []O{factor("push", "ACTIVE")}
		}
		if fs != nil {
			fx.Factors[id] = fs
		}
	}
	for i := range 10 {
		fx.Users = append(fx.Users, user(fmt.Sprintf("00uS%05d", i), fmt.Sprintf("s%05d@company.com", i), "SUSPENDED"))
	}
	return fx
}

// factorReads counts the factor list requests among seen and those
// answered 429.
func factorReads(seen []string) (reads, throttled int) {
	for _, line := range seen {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != http.MethodGet {
			continue
		}
		if p, _, _ := strings.Cut(f[1], "?"); strings.HasPrefix(p, "/api/v1/users/") && strings.HasSuffix(p, "/factors") {
			reads++
			if f[2] == "429" {
				throttled++
			}
		}
	}
	return reads, throttled
}

// postLifecycle posts a lifecycle operation for a user, as an admin would in
// the Admin Console; the simulator writes its System Log event.
func postLifecycle(t *testing.T, h *harness, userID, op string) {
	t.Helper()
	u := h.client.s.org.String() + "/api/v1/users/" + userID + "/lifecycle/" + op
	if _, _, err := h.client.rawCall(context.Background(), op+" "+userID, intents.ScopeUsersManage, http.MethodPost, u, nil); err != nil {
		t.Fatalf("POST %s error = %v", u, err)
	}
}

func TestScanMFA(t *testing.T) {
	const n = 250
	fx := mfaOrg(n)
	h := newHarness(t, setup{fixture: fx})
	h.sim.SetRateLimit(oktasim.FamilyFactors, 100, 500*time.Millisecond) // three windows
	ctx := context.Background()

	var progress [][2]int
	res, err := h.client.ScanMFA(ctx, MFAScanOptions{Progress: func(scanned, total int) {
		progress = append(progress, [2]int{scanned, total})
	}})
	if err != nil {
		t.Fatalf("ScanMFA() error = %v", err)
	}
	wantNone, wantWeak := simMFA(h.sim.Snapshot())
	t.Run("result", func(t *testing.T) {
		if len(wantNone) != 2*n/10 || len(wantWeak) != 2*n/10 {
			t.Fatalf("the fixture has %d users without MFA and %d weak-only, want %d each", len(wantNone), len(wantWeak), 2*n/10)
		}
		if diff := cmp.Diff(wantNone, logins(res.Users)); diff != "" {
			t.Errorf("ScanMFA() users without MFA (-want +got):\n%s", diff)
		}
		rep, ok := h.client.LastMFAScan()
		if !ok {
			t.Fatal("LastMFAScan() = false after a scan")
		}
		if diff := cmp.Diff(wantWeak, logins(rep.WeakOnly)); diff != "" {
			t.Errorf("LastMFAScan().WeakOnly (-want +got):\n%s", diff)
		}
		if rep.Active != n || !rep.Cached || rep.ScannedAt.IsZero() {
			t.Errorf("LastMFAScan() = active %d, cached %v, scanned at %v; want %d active, cached, a time", rep.Active, rep.Cached, rep.ScannedAt, n)
		}
	})
	t.Run("within the rate limit", func(t *testing.T) {
		reads, throttled := factorReads(h.seen.all())
		if reads != n || throttled != 0 {
			t.Errorf("ScanMFA() read factors %d times with %d answered 429, want each of the %d active users once and no 429", reads, throttled, n)
		}
	})
	t.Run("progress", func(t *testing.T) {
		if len(progress) != n {
			t.Fatalf("Progress called %d times, want %d", len(progress), n)
		}
		for i, p := range progress {
			if p[0] != i+1 || p[1] < p[0] || p[1] > n || i > 0 && p[1] < progress[i-1][1] {
				t.Fatalf("Progress call %d = (%d, %d) after %v, want scanned counting up and a total that never shrinks", i, p[0], p[1], progress[max(0, i-1)])
			}
		}
		if last := progress[n-1]; last != [2]int{n, n} {
			t.Errorf("last Progress = %v, want (%d, %d)", last, n, n)
		}
	})
	t.Run("repeat is from memory", func(t *testing.T) {
		mark := len(h.seen.all())
		again, err := h.client.Query(ctx, intents.Intent{Kind: intents.MFAStatus})
		if err != nil {
			t.Fatalf("Query(mfa_status) error = %v", err)
		}
		if seen := since(h, mark); len(seen) != 0 {
			t.Errorf("Query(mfa_status) after a scan called Okta: %q", seen)
		}
		if diff := cmp.Diff(wantNone, logins(again.Users)); diff != "" {
			t.Errorf("Query(mfa_status) users (-want +got):\n%s", diff)
		}
	})
	t.Run("refresh after 10 factor resets", func(t *testing.T) {
		var reset []string
		for i := 5; len(reset) < 10; i += 10 { // users with a push: protected until now
			id := fmt.Sprintf("00uM%05d", i)
			postLifecycle(t, h, id, "reset_factors")
			reset = append(reset, fmt.Sprintf("m%05d@company.com", i))
		}
		mark := len(h.seen.all())
		res, err := h.client.ScanMFA(ctx, MFAScanOptions{Refresh: true})
		if err != nil {
			t.Fatalf("ScanMFA(refresh) error = %v", err)
		}
		seen := since(h, mark)
		if reads, _ := factorReads(seen); reads < 10 || reads > 12 {
			t.Errorf("ScanMFA(refresh) read factors %d times, want about 10 (10 to 12)", reads)
		}
		if passes(seen, "/api/v1/logs") != 1 {
			t.Errorf("ScanMFA(refresh) made %d System Log reads, want 1: %q", passes(seen, "/api/v1/logs"), seen)
		}
		want := append(slices.Clone(wantNone), reset...)
		slices.Sort(want)
		if diff := cmp.Diff(want, logins(res.Users)); diff != "" {
			t.Errorf("ScanMFA(refresh) users without MFA (-want +got):\n%s", diff)
		}
		rep, _ := h.client.LastMFAScan()
		if rep.Active != n {
			t.Errorf("after the refresh, %d active users, want %d", rep.Active, n)
		}
	})
	t.Run("refresh after a new user and a suspension", func(t *testing.T) {
		body := `{"profile":{"login":"newbie@company.com","email":"newbie@company.com","firstName":"New","lastName":"Bie"},"credentials":{"password":{"value":"Tr0ub4dor&3xyz"}}}`
		u := h.client.s.org.String() + "/api/v1/users?activate=true"
		if _, _, err := h.client.rawCall(ctx, "create user", intents.ScopeUsersManage, http.MethodPost, u, strings.NewReader(body)); err != nil {
			t.Fatalf("POST %s error = %v", u, err)
		}
		postLifecycle(t, h, "00uM00000", "suspend") // a user without MFA leaves the active users
		mark := len(h.seen.all())
		res, err := h.client.ScanMFA(ctx, MFAScanOptions{Refresh: true})
		if err != nil {
			t.Fatalf("ScanMFA(refresh) error = %v", err)
		}
		if reads, _ := factorReads(since(h, mark)); reads != 1 {
			t.Errorf("ScanMFA(refresh) read factors %d times, want 1 (the new user)", reads)
		}
		got := logins(res.Users)
		if !slices.Contains(got, "newbie@company.com") || slices.Contains(got, "m00000@company.com") {
			t.Errorf("ScanMFA(refresh) users without MFA %v, want the new user in and the suspended one out", got)
		}
		if rep, _ := h.client.LastMFAScan(); rep.Active != n {
			t.Errorf("after the refresh, %d active users, want %d (one in, one out)", rep.Active, n)
		}
	})
}

func TestClassify(t *testing.T) {
	f := func(typ, status string) intents.Factor { return intents.Factor{Type: typ, Status: status} }
	tests := []struct {
		name string
		fs   []intents.Factor
		want mfaClass
	}{
		{"none", nil, mfaNone},
		{"pending only", []intents.Factor{f("push", "PENDING_ACTIVATION")}, mfaNone},
		{"sms", []intents.Factor{f("sms", "ACTIVE")}, mfaWeakOnly},
		{"weak and pending strong", []intents.Factor{f("call", "ACTIVE"), f("webauthn", "PENDING_ACTIVATION")}, mfaWeakOnly},
		{"fastpass", []intents.Factor{f("signed_nonce", "ACTIVE")}, mfaStrong},
		{"sms and totp", []intents.Factor{f("sms", "ACTIVE"), f("token:software:totp", "ACTIVE")}, mfaStrong},
	}
	for _, tt := range tests {
		if got := classify(tt.fs); got != tt.want {
			t.Errorf("classify(%s) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestScanMFAOneAtATime(t *testing.T) {
	const n = 30
	h := newHarness(t, setup{fixture: mfaOrg(n)})
	ctx := context.Background()

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.client.ScanMFA(cancelled, MFAScanOptions{}); err == nil {
		t.Fatal("ScanMFA(cancelled context) error = nil")
	}
	if _, ok := h.client.LastMFAScan(); ok {
		t.Fatal("LastMFAScan() = true after a cancelled scan")
	}

	var wg sync.WaitGroup
	results := make([]intents.Result, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { results[i], errs[i] = h.client.ScanMFA(ctx, MFAScanOptions{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("ScanMFA() #%d error = %v", i, err)
		}
	}
	if reads, _ := factorReads(h.seen.all()); reads != n {
		t.Errorf("two concurrent ScanMFA() read factors %d times, want %d (one scan)", reads, n)
	}
	if diff := cmp.Diff(logins(results[0].Users), logins(results[1].Users)); diff != "" {
		t.Errorf("two concurrent ScanMFA() disagree (-first +second):\n%s", diff)
	}
}
