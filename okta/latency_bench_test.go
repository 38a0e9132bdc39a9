package okta

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// oktaLatency is an Okta-like time per request for the benchmarks' second
// measurement: at loopback speed a ratio measures JSON decoding, at
// 100 ms it measures round trips.
const oktaLatency = 100 * time.Millisecond

// latencyRounds is how many interleaved rounds a latency measurement
// runs: each round runs oktabot's version, then the other.
const latencyRounds = 3

// interleaved runs ours and theirs one after the other, rounds times, and
// returns the median time of each: the machine's noise falls on both.
func interleaved(rounds int, ours, theirs func()) (time.Duration, time.Duration) {
	var a, b []time.Duration
	for range rounds {
		start := time.Now()
		ours()
		a = append(a, time.Since(start))
		start = time.Now()
		theirs()
		b = append(b, time.Since(start))
	}
	return median(a), median(b)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// latencyScanEvents is the size of BenchmarkLogScanLatency's System Log:
// five pages of 1,000, so that three rounds of both readers stay within
// Okta's 50 log calls a minute.
const latencyScanEvents = 5_000

// BenchmarkLogScanLatency is BenchmarkLogScan at an Okta-like 100 ms per
// request with the logs bucket on (Okta's 50 calls a minute): oktabot's
// stream (Client.Events) and the SDK's ListLogEvents/Next loop each read
// the same 5,000 events, in interleaved rounds.
//
// Metrics:
//   - x-sdk-100ms: the SDK loop's median time ÷ oktabot's (above 1:
//     oktabot is faster).
//   - ms, sdk-ms: the median times of one read.
func BenchmarkLogScanLatency(b *testing.B) {
	sim, err := oktasim.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	first := now.Add(-6 * 24 * time.Hour)
	if err := sim.AddLogs(newScanEvents(first, now.Add(-time.Minute), latencyScanEvents).next(latencyScanEvents)...); err != nil {
		b.Fatal(err)
	}
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: testClientID, PublicKey: testRSA().Public(), KeyID: logScanKeyID})
	srv := httptest.NewServer(sim)
	b.Cleanup(srv.Close)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSA())})
	c, err := New(Config{OrgURL: srv.URL, ClientID: testClientID, PrivateKey: pemKey, KeyID: logScanKeyID,
		Scopes: []string{intents.ScopeLogsRead}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	api := logScanSDK(b, srv.URL, pemKey)
	ctx := context.Background()
	since := first.Add(-time.Second)
	read := func(scan func() int) func() {
		return func() {
			if n := scan(); n != latencyScanEvents {
				b.Fatalf("read %d events, want %d", n, latencyScanEvents)
			}
		}
	}
	ours := read(func() int { return eventsScan(ctx, b, c, since) })
	theirs := read(func() int { return sdkLogScan(ctx, b, api, since) })
	if _, err := c.granted(ctx); err != nil { // the token, outside the latency
		b.Fatal(err)
	}
	sim.SetLatency(oktaLatency)
	var a, t []time.Duration
	for b.Loop() {
		x, y := interleaved(latencyRounds, ours, theirs)
		a, t = append(a, x), append(t, y)
	}
	ourMed, theirMed := median(a), median(t)
	b.ReportMetric(float64(theirMed)/float64(ourMed), "x-sdk-100ms")
	b.ReportMetric(float64(ourMed)/float64(time.Millisecond), "ms")
	b.ReportMetric(float64(theirMed)/float64(time.Millisecond), "sdk-ms")
}
