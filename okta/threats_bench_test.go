package okta

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// A threat sweep over a big week: ordinary sign-in traffic with three
// account takeovers planted at the start, in the middle and at the end of
// the seven days.

const (
	sweepUsers    = 20_000
	sweepEventEnv = "OKTABOT_SWEEP_EVENTS" // set in BenchmarkSweepMillion's simulator process
)

// sweepPlaces are where the ordinary traffic comes from.
var sweepPlaces = []struct {
	city, country string
	lat, lon      float64
}{
	{"Denver", "United States", 39.7392, -104.9903},
	{"London", "United Kingdom", 51.5072, -0.1276},
	{"Berlin", "Germany", 52.52, 13.405},
	{"Toronto", "Canada", 43.6532, -79.3832},
}

// sweepEvent is ordinary event i of n between first and last: a sign-in,
// an SSO or an MFA check of one of sweepUsers people, from their own IP
// and place. It is small and cheap: the simulator holds a million.
func sweepEvent(i, n int, first, last time.Time) oktasim.Object {
	u := (i * 7919) % sweepUsers
	p := sweepPlaces[u%len(sweepPlaces)]
	at := first.Add(last.Sub(first) / time.Duration(n) * time.Duration(i))
	typ, msg := "user.session.start", "User login to Okta"
	var targets []any
	switch i % 4 {
	case 1, 2:
		typ, msg = "user.authentication.sso", "User single sign on to app"
		targets = []any{oktasim.Object{"id": "0oa1slack0000000x697", "type": "AppInstance", "alternateId": "Slack", "displayName": "Slack"}}
	case 3:
		typ, msg = "user.authentication.auth_via_mfa", "Authentication of user via MFA"
	}
	login := fmt.Sprintf("user%05d@company.com", u)
	return oktasim.Object{
		"uuid":           fmt.Sprintf("%08x-0000-4000-8000-%012x", i, u),
		"published":      at.UTC().Format("2006-01-02T15:04:05.000Z"),
		"eventType":      typ,
		"severity":       "INFO",
		"displayMessage": msg,
		"actor":          oktasim.Object{"id": fmt.Sprintf("00u%017d", u), "type": "User", "alternateId": login, "displayName": login},
		"client": oktasim.Object{
			"ipAddress": fmt.Sprintf("10.%d.%d.%d", u/65536, u/256%256, u%256),
			"userAgent": oktasim.Object{"rawUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0", "os": "Mac OS X", "browser": "CHROME"},
			"geographicalContext": oktasim.Object{"city": p.city, "country": p.country,
				"geolocation": oktasim.Object{"lat": p.lat, "lon": p.lon}},
		},
		"outcome": oktasim.Object{"result": "SUCCESS"},
		"target":  targets,
	}
}

// takeover is planted story k at at: twelve wrong passwords for
// victimK@company.com from a Tor exit a minute apart, then a successful
// sign-in from it.
func takeover(k int, at time.Time) []oktasim.Object {
	login := fmt.Sprintf("victim%d@company.com", k)
	ip := fmt.Sprintf("185.220.101.%d", 10+k)
	var out []oktasim.Object
	for j := range 13 {
		result, reason := "FAILURE", "INVALID_CREDENTIALS"
		if j == 12 {
			result, reason = "SUCCESS", ""
		}
		out = append(out, oktasim.Object{
			"uuid":           fmt.Sprintf("5707e000-0000-4000-8000-%06d%06d", k, j),
			"published":      at.Add(time.Duration(j) * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z"),
			"eventType":      "user.session.start",
			"severity":       "WARN",
			"displayMessage": "User login to Okta",
			"actor":          oktasim.Object{"id": fmt.Sprintf("00uvictim%011d", k), "type": "User", "alternateId": login, "displayName": login},
			"client": oktasim.Object{"ipAddress": ip,
				"userAgent": oktasim.Object{"rawUserAgent": "python-requests/2.32.3", "os": "Unknown", "browser": "UNKNOWN"},
				"geographicalContext": oktasim.Object{"city": "Frankfurt am Main", "country": "Germany",
					"geolocation": oktasim.Object{"lat": 50.1109, "lon": 8.6821}}},
			"securityContext": oktasim.Object{"isProxy": true},
			"outcome":         oktasim.Object{"result": result, "reason": reason},
		})
	}
	return out
}

// sweepStories are the planted stories' times in a week ending at now:
// 30 minutes after its start, its middle, 30 minutes before its end.
func sweepStories(now time.Time) []time.Time {
	start := now.Add(-7 * 24 * time.Hour)
	return []time.Time{start.Add(30 * time.Minute), start.Add(84 * time.Hour), now.Add(-30 * time.Minute)}
}

// loadSweep adds n ordinary events over the week before now and the
// planted stories to sim, in chunks, and returns the week's start.
func loadSweep(tb testing.TB, sim *oktasim.Server, n int, now time.Time) time.Time {
	tb.Helper()
	first, last := now.Add(-7*24*time.Hour+time.Minute), now.Add(-time.Minute)
	const chunk = 20_000
	for i := 0; i < n; i += chunk {
		evs := make([]oktasim.Object, 0, chunk)
		for j := i; j < min(n, i+chunk); j++ {
			evs = append(evs, sweepEvent(j, n, first, last))
		}
		if err := sim.AddLogs(evs...); err != nil {
			tb.Fatalf("AddLogs(events %d…): %v", i, err)
		}
	}
	for k, at := range sweepStories(now) {
		if err := sim.AddLogs(takeover(k, at)...); err != nil {
			tb.Fatalf("AddLogs(story %d): %v", k, err)
		}
	}
	return first
}

// checkSweep fails unless res names every planted story's takeover.
func checkSweep(tb testing.TB, res intents.Result) {
	tb.Helper()
	for k := range 3 {
		login := fmt.Sprintf("victim%d@company.com", k)
		if !slices.ContainsFunc(res.Findings, func(f intents.Finding) bool {
			return f.Detection == detect.SuccessAfterFailures && f.User == login && len(f.Events) == 13
		}) {
			tb.Errorf("threats 7d: no success_after_failures with the 13 events of story %d (%s); findings: %v", k, login, summaries(res.Findings))
		}
	}
	if res.Stopped != "" {
		tb.Errorf("threats 7d stopped early (%s) after %d events", res.Stopped, res.Read)
	}
}

// TestThreatsSweepWeek: `threats 7d` over 50,000 events of a week in the
// simulator finds the takeovers planted at its start, middle and end,
// reads every event of the week — though the client's bound on the events
// one answer holds (MaxEventsRead) is 10,000: threats holds only recent
// windows — and lists the stories' events.
func TestThreatsSweepWeek(t *testing.T) {
	h := newHarness(t, setup{cfg: Config{MaxEventsRead: 10_000}})
	h.sim.SetRateLimit(oktasim.FamilyLogs, 0, 0)
	const n = 50_000
	loadSweep(t, h.sim, n, time.Now().UTC())
	res, err := h.client.Query(context.Background(), intents.Intent{Kind: intents.Threats, Window: intents.Week})
	if err != nil {
		t.Fatalf("Query(threats 7d) error = %v", err)
	}
	checkSweep(t, res)
	if want := n + 3*13; res.Read < want-n/1000 {
		t.Errorf("threats 7d read %d events, want the week's %d", res.Read, want)
	}
	named := namedEvents(res.Findings)
	for _, e := range res.Events {
		if !named[e.UUID] {
			t.Errorf("threats 7d lists event %s that no finding names", e.UUID)
		}
	}
	if len(res.Events) < 3*13 {
		t.Errorf("threats 7d lists %d events, want the stories' %d", len(res.Events), 3*13)
	}
}

// TestSweepSimulatorProcess is not a test: it is BenchmarkSweepMillion's
// simulator process (see TestLogScanSimulatorProcess), which holds the
// week's events apart from the benchmark's heap.
func TestSweepSimulatorProcess(t *testing.T) {
	if os.Getenv(logScanRoleEnv) == "" || os.Getenv(sweepEventEnv) == "" {
		return
	}
	var n int
	if _, err := fmt.Sscan(os.Getenv(sweepEventEnv), &n); err != nil || n <= 0 {
		t.Fatalf("%s = %q: want a number of events", sweepEventEnv, os.Getenv(sweepEventEnv))
	}
	serveSimProcess(t, func(sim *oktasim.Server, now time.Time) time.Time { return loadSweep(t, sim, n, now) })
}

// BenchmarkSweepMillion runs `threats 7d` through the real client over
// 1,000,000 ordinary events of a week in the simulator (a child process,
// so that its copy of the log stays off this heap) with takeovers planted
// at the start, in the middle and at the end, checks that all three are
// found, and reports the peak heap during the sweep (sweep-heap-MiB:
// HeapInuse sampled every 2 ms, after a runtime.GC(); goal ≤ 256) and the
// events read per second. It takes minutes: run it alone with
// -run '^$' -bench SweepMillion -benchtime 1x.
func BenchmarkSweepMillion(b *testing.B) {
	const n = 1_000_000
	sim := startSimProcess(b, "TestSweepSimulatorProcess", fmt.Sprintf("%s=%d", sweepEventEnv, n))
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSA())})
	c, err := New(Config{OrgURL: sim.url, ClientID: testClientID, PrivateKey: pemKey, KeyID: logScanKeyID,
		Scopes: []string{intents.ScopeLogsRead, intents.ScopeUsersRead}})
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	var peak uint64
	var took time.Duration
	read := 0
	for b.Loop() {
		runtime.GC()
		hp := watchHeap(2 * time.Millisecond)
		start := time.Now()
		res, err := c.Query(context.Background(), intents.Intent{Kind: intents.Threats, Window: intents.Week})
		took += time.Since(start)
		peak = max(peak, hp.stop())
		if err != nil {
			b.Fatalf("Query(threats 7d) error = %v", err)
		}
		checkSweep(b, res)
		if b.Failed() {
			b.FailNow()
		}
		read += res.Read
	}
	b.ReportMetric(float64(peak)/(1<<20), "sweep-heap-MiB")
	b.ReportMetric(float64(read)/took.Seconds(), "events/s")
}
