package okta

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// BenchmarkMFAScan scans 2,000 users' factors in the simulator with the
// factors endpoint limited to 200 requests per 5-second window (Okta's
// window is a minute; shortened so that a run takes about a minute). The
// floor is users ÷ limit × window = 50 s; the benchmark reports its time
// as a multiple of the floor (x-floor, at most 1.15) and the calls Okta
// refused (failed-calls, none). X-Rate-Limit-Reset is in whole seconds
// (the simulator rounds it up, so that waiting until then is always
// enough), which makes each of the nine waits about a second longer than
// the window: expect about 1.1. Run it alone:
//
//	go test ./okta -run '^$' -bench MFAScan -benchtime 1x
func BenchmarkMFAScan(b *testing.B) {
	const (
		users  = 2000
		limit  = 200
		window = 5 * time.Second
	)
	floor := time.Duration(users/limit) * window
	for range b.N {
		b.StopTimer()
		c, sim, failed := benchClient(b, mfaOrg(users))
		sim.SetRateLimit(oktasim.FamilyFactors, limit, window)
		if _, err := c.ResolveUser(context.Background(), "m00000@company.com"); err != nil { // the token, before the clock starts
			b.Fatalf("ResolveUser() error = %v", err)
		}
		var last atomic.Int64
		b.StartTimer()
		start := time.Now()
		res, err := c.ScanMFA(context.Background(), MFAScanOptions{Progress: func(scanned, _ int) { last.Store(int64(scanned)) }})
		took := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatalf("ScanMFA() error = %v", err)
		}
		if got := last.Load(); got != users {
			b.Errorf("ScanMFA() checked %d users, want %d", got, users)
		}
		if len(res.Users) != 2*users/10 {
			b.Errorf("ScanMFA() found %d users without MFA, want %d", len(res.Users), 2*users/10)
		}
		ratio := took.Seconds() / floor.Seconds()
		b.ReportMetric(ratio, "x-floor")
		b.ReportMetric(float64(failed.Load()), "failed-calls")
		if ratio > 1.15 || failed.Load() > 0 {
			b.Errorf("ScanMFA() took %v (%.3f × the %v floor) with %d failed calls; want at most 1.15 × and none", took, ratio, floor, failed.Load())
		}
	}
}

// benchClient is a simulator and a client for a benchmark; failed counts
// the answers with a status of 400 or more.
func benchClient(b *testing.B, fx *oktasim.Fixture) (*Client, *oktasim.Server, *atomic.Int64) {
	b.Helper()
	sim, err := oktasim.New(fx)
	if err != nil {
		b.Fatalf("oktasim.New() error = %v", err)
	}
	failed := &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		sim.ServeHTTP(sw, r)
		if sw.status >= 400 {
			failed.Add(1)
		}
	}))
	b.Cleanup(srv.Close)
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: testClientID, PublicKey: testRSA().Public(), KeyID: "kid-test"})
	der, err := x509.MarshalPKCS8PrivateKey(testRSA())
	if err != nil {
		b.Fatalf("x509.MarshalPKCS8PrivateKey() error = %v", err)
	}
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	c, err := New(Config{OrgURL: srv.URL, ClientID: testClientID, PrivateKey: key, KeyID: "kid-test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	return c, sim, failed
}
