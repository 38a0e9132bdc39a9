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

// BenchmarkMFAScan scans 20,000 users' factors in the simulator, stopping
// the scan half-way (its jobs' context ends) and resuming it with a new
// Client on the same store, as after a restart. Okta's limits are scaled
// down so that a run takes about 35 s: the bucket that counts factor calls
// allows 1,200 calls per 1-second window (Okta's window is a minute), and
// the scan uses its default share, half: 34 windows. Windows follow the wall clock, as
// Okta's do, and the clock starts at a window's start.
//
// The floor is the time the calls need at that rate: they fill
// ceil(users ÷ (share × limit)) windows, and the last of those opens
// (windows − 1) × window after the start. The benchmark reports its time
// as a multiple of the floor (x-floor, at most 1.15), the calls Okta
// refused (failed-calls, none) and the users whose factors were read more
// than once (rescanned, none: the resumed scan skips those the first run
// checked). Run it alone:
//
//	go test ./okta -run '^$' -bench MFAScan -benchtime 1x
func BenchmarkMFAScan(b *testing.B) {
	const (
		users  = 20000
		limit  = 1200
		window = time.Second
		share  = 0.5
	)
	budget := int(limit * share)
	windows := (users + budget - 1) / budget
	floor := time.Duration(windows-1) * window
	for range b.N {
		b.StopTimer()
		fx := mfaOrg(users)
		c, sim, failed := benchClient(b, fx, Config{RateShare: share})
		sim.SetRateLimit(oktasim.BucketOther, limit, window)
		if _, err := c.ResolveUser(context.Background(), "m00000@company.com"); err != nil { // the token, before the clock starts
			b.Fatalf("ResolveUser() error = %v", err)
		}
		store := &memScanStore{}
		jobs, stop := context.WithCancel(context.Background())
		if _, err := c.StartJobs(jobs, store); err != nil {
			b.Fatalf("StartJobs() error = %v", err)
		}
		time.Sleep(time.Until(time.Now().Truncate(window).Add(window))) // a window's start
		b.StartTimer()
		start := time.Now()
		_, err := c.ScanMFA(context.Background(), MFAScanOptions{Progress: func(scanned, _ int) {
			if scanned == users/2 {
				stop()
			}
		}})
		if err == nil {
			b.Fatal("ScanMFA() stopped half-way: error = nil")
		}
		again := benchRestart(b, c)
		if resumed, err := again.StartJobs(context.Background(), store); err != nil || !resumed {
			b.Fatalf("StartJobs() after the restart = %v, %v; want the scan resumed", resumed, err)
		}
		res, err := again.ScanMFA(context.Background(), MFAScanOptions{})
		took := time.Since(start)
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatalf("ScanMFA() after the restart error = %v", err)
		}
		if len(res.Users) != 2*users/10 {
			b.Errorf("ScanMFA() found %d users without MFA, want %d", len(res.Users), 2*users/10)
		}
		rescanned, missed := 0, 0
		for _, u := range fx.Users {
			if u["status"] != "ACTIVE" {
				continue
			}
			switch n := sim.CallCount("GET", "/api/v1/users/"+u["id"].(string)+"/factors"); {
			case n == 0:
				missed++
			case n > 1:
				rescanned++
			}
		}
		if missed > 0 {
			b.Errorf("the factors of %d users were never read", missed)
		}
		ratio := took.Seconds() / floor.Seconds()
		b.ReportMetric(ratio, "x-floor")
		b.ReportMetric(float64(failed.Load()), "failed-calls")
		b.ReportMetric(float64(rescanned), "rescanned")
		if ratio > 1.15 || failed.Load() > 0 || rescanned > 0 {
			b.Errorf("ScanMFA() took %v (%.3f × the %v floor) with %d failed calls and %d users read twice; want at most 1.15 × and none",
				took, ratio, floor, failed.Load(), rescanned)
		}
	}
}

// benchClient is a simulator and a client for a benchmark; failed counts
// the answers with a status of 400 or more.
func benchClient(b *testing.B, fx *oktasim.Fixture, cfg Config) (*Client, *oktasim.Server, *atomic.Int64) {
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
	cfg.OrgURL, cfg.ClientID, cfg.KeyID = srv.URL, testClientID, "kid-test"
	cfg.PrivateKey = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	cfg.Logger = slog.New(slog.DiscardHandler)
	c, err := New(cfg)
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	return c, sim, failed
}

// benchRestart is a new Client configured like c: oktabot after a restart.
func benchRestart(b *testing.B, c *Client) *Client {
	b.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(testRSA())
	if err != nil {
		b.Fatalf("x509.MarshalPKCS8PrivateKey() error = %v", err)
	}
	again, err := New(Config{OrgURL: c.OrgURL(), ClientID: c.ClientID(), KeyID: "kid-test", RateShare: c.s.rateShare,
		PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	return again
}
