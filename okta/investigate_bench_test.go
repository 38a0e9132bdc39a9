package okta

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// investigateLatency is the simulator's latency per call (SetLatency):
// about an Okta round trip from a bot hosted in another region.
const investigateLatency = 50 * time.Millisecond

// BenchmarkInvestigate runs `investigate john@company.com` (Query with
// Kind investigate, its default 7-day window) on the demo org with 50 ms of
// simulator latency on every call, and beside it a sequential version that
// makes the same reads one after another as a script on the SDK would:
// the user, their factors, groups and apps, then the window's System Log
// events about them, page by page.
//
// The logs bucket is off for that loop. Then both versions run again at
// an Okta-like 100 ms per call with the logs bucket on (Okta's 50 calls a
// minute), in interleaved rounds.
//
// Metrics:
//   - x-roundtrip: oktabot's time per investigation ÷ one call's latency
//     (goal ≤ 3): how many round trips long the answer takes.
//   - x-roundtrip-seq: the same for the sequential version.
//   - calls, calls-seq: Okta calls per investigation (the simulator's count).
//   - x-roundtrip-100ms, x-roundtrip-seq-100ms: x-roundtrip and
//     x-roundtrip-seq at 100 ms, each the median of the rounds.
//
// ns/op covers both versions at 50 ms.
func BenchmarkInvestigate(b *testing.B) {
	c, sim := investigateBenchClient(b, demo.Org())
	ctx := context.Background()
	in := intents.Intent{Kind: intents.Investigate, User: "john@company.com"}
	investigate := func() {
		res, err := c.Query(ctx, in)
		if err != nil {
			b.Fatalf("Query(investigate john@company.com) error = %v", err)
		}
		if res.Profile == nil || res.Profile.User.Login != "john@company.com" || len(res.Events) == 0 {
			b.Fatalf("Query(investigate john@company.com) = profile %v with %d events; want john's profile and events", res.Profile, len(res.Events))
		}
	}
	sequential := func() {
		if n := sequentialInvestigation(ctx, b, c, "john@company.com", in.EffectiveWindow()); n == 0 {
			b.Fatal("the sequential investigation read no events")
		}
	}
	investigate() // a token, outside the latency
	sim.SetRateLimit(oktasim.BucketLogs, 0, 0)
	sim.SetLatency(investigateLatency)

	var ours, theirs time.Duration
	var ourCalls, theirCalls int
	for b.Loop() {
		for _, r := range []struct {
			run   func()
			took  *time.Duration
			calls *int
		}{{investigate, &ours, &ourCalls}, {sequential, &theirs, &theirCalls}} {
			before := sim.Calls("", "/api/")
			start := time.Now()
			r.run()
			*r.took += time.Since(start)
			*r.calls += sim.Calls("", "/api/") - before
		}
	}
	b.StopTimer()
	sim.SetRateLimit(oktasim.BucketLogs, 50, time.Minute)
	sim.SetLatency(oktaLatency)
	ourMed, theirMed := interleaved(latencyRounds, investigate, sequential)
	b.ReportMetric(float64(ourMed)/float64(oktaLatency), "x-roundtrip-100ms")
	b.ReportMetric(float64(theirMed)/float64(oktaLatency), "x-roundtrip-seq-100ms")
	n := float64(b.N)
	b.ReportMetric(float64(ours)/n/float64(investigateLatency), "x-roundtrip")
	b.ReportMetric(float64(theirs)/n/float64(investigateLatency), "x-roundtrip-seq")
	b.ReportMetric(float64(ourCalls)/n, "calls")
	b.ReportMetric(float64(theirCalls)/n, "calls-seq")
}

// sequentialInvestigation reads what investigate reads, one call after
// another, and returns the number of events read.
func sequentialInvestigation(ctx context.Context, b *testing.B, c *Client, login string, window time.Duration) int {
	u, err := c.ResolveUser(ctx, login)
	if err != nil {
		b.Fatalf("ResolveUser(%s) error = %v", login, err)
	}
	if _, err := c.Factors(ctx, u.ID); err != nil {
		b.Fatalf("Factors(%s) error = %v", u.ID, err)
	}
	if _, err := c.userGroups(ctx, u.ID); err != nil {
		b.Fatalf("userGroups(%s) error = %v", u.ID, err)
	}
	if _, err := c.userApps(ctx, u.ID); err != nil {
		b.Fatalf("userApps(%s) error = %v", u.ID, err)
	}
	until := time.Now().UTC()
	q := logQuery{since: until.Add(-window), until: until, descending: true, pageSize: logPageMax,
		filter: fmt.Sprintf(`actor.id eq "%s" or target.id eq "%s"`, u.ID, u.ID)}
	n := 0
	for p, err := range c.logPages(ctx, q, "") {
		if err != nil {
			b.Fatalf("reading the System Log: %v", err)
		}
		n += len(p.items)
	}
	return n
}

// investigateBenchClient is a simulator with fx on loopback and a client
// signed in to it.
func investigateBenchClient(b *testing.B, fx *oktasim.Fixture) (*Client, *oktasim.Server) {
	b.Helper()
	sim, err := oktasim.New(fx)
	if err != nil {
		b.Fatalf("oktasim.New() error = %v", err)
	}
	srv := httptest.NewServer(sim)
	b.Cleanup(srv.Close)
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: testClientID, PublicKey: testRSA().Public(), KeyID: "kid-test"})
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSA())})
	c, err := New(Config{OrgURL: srv.URL, ClientID: testClientID, PrivateKey: key, KeyID: "kid-test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	return c, sim
}
