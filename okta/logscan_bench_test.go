package okta

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// BenchmarkLogScan reads 200,000 System Log events from the simulator on
// loopback twice per iteration: through oktabot's stream (Client.Events)
// and through okta-sdk-golang the way its README pages
// (SystemLogAPI.ListLogEvents(...).Since(...).Limit(1000).Execute(), then
// HasNextPage/Next, stopping on an empty page because a polling query,
// one without until, always links a next page). Both sign in as the same
// service app with
// private_key_jwt; the simulator's log rate limit is off so that neither
// waits for a window.
//
// The simulator runs in a child process (this test binary again, as
// TestLogScanSimulatorProcess), like Okta on the far side of the wire: its
// 200,000 events would otherwise dominate this process's heap and its
// garbage collections. A warm-up read of every page, not measured, fills
// the simulator's cache of encoded events for both readers. The child
// holds about 2 GB while it runs.
//
// Metrics:
//   - events/s: oktabot's events per second.
//   - x-sdk: oktabot's events/s ÷ the SDK loop's (goal ≥ 3).
//   - peak-heap-MiB: the highest heap in use (runtime/metrics
//     /memory/classes/heap/objects + /memory/classes/heap/unused, which
//     is MemStats.HeapInuse, read without stopping the world) sampled every
//     2 ms during oktabot's scan, which starts after a runtime.GC(); the
//     largest over all iterations (goal ≤ 64).
//   - sdk-events/s, sdk-peak-heap-MiB: the same for the SDK loop.
//
// ns/op covers both scans.
func BenchmarkLogScan(b *testing.B) {
	sim := startLogScanSimulator(b)
	since := sim.since
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSA())})
	c, err := New(Config{OrgURL: sim.url, ClientID: testClientID, PrivateKey: pemKey, KeyID: logScanKeyID,
		Scopes: []string{intents.ScopeLogsRead}})
	if err != nil {
		b.Fatalf("New() error = %v", err)
	}
	api := logScanSDK(b, sim.url, pemKey)
	ctx := context.Background()

	oktabotScan := func() int { return eventsScan(ctx, b, c, since) }
	sdkScan := func() int { return sdkLogScan(ctx, b, api, since) }

	warmUp(b, c, sim)
	var ours, theirs time.Duration
	var ourPeak, theirPeak uint64
	for b.Loop() {
		for _, r := range []struct {
			name string
			scan func() int
			took *time.Duration
			peak *uint64
		}{
			{"Events()", oktabotScan, &ours, &ourPeak},
			{"ListLogEvents+Next", sdkScan, &theirs, &theirPeak},
		} {
			runtime.GC()
			hp := watchHeap(2 * time.Millisecond)
			start := time.Now()
			n := r.scan()
			*r.took += time.Since(start)
			*r.peak = max(*r.peak, hp.stop())
			if n != logScanEvents {
				b.Fatalf("%s read %d events, want %d", r.name, n, logScanEvents)
			}
		}
	}
	events := float64(logScanEvents) * float64(b.N)
	ourRate, theirRate := events/ours.Seconds(), events/theirs.Seconds()
	const mib = 1 << 20
	b.ReportMetric(ourRate, "events/s")
	b.ReportMetric(ourRate/theirRate, "x-sdk")
	b.ReportMetric(float64(ourPeak)/mib, "peak-heap-MiB")
	b.ReportMetric(theirRate, "sdk-events/s")
	b.ReportMetric(float64(theirPeak)/mib, "sdk-peak-heap-MiB")
}

// eventsScan reads the System Log since since through Client.Events and
// returns the number of events.
func eventsScan(ctx context.Context, b *testing.B, c *Client, since time.Time) int {
	n := 0
	for _, err := range c.Events(ctx, intents.LogFilter{Since: since}) {
		if err != nil {
			b.Fatalf("Events() after %d events: %v", n, err)
		}
		n++
	}
	return n
}

// sdkLogScan reads the System Log since since the way okta-sdk-golang's
// README pages (ListLogEvents, then HasNextPage/Next, stopping on an
// empty page) and returns the number of events.
func sdkLogScan(ctx context.Context, b *testing.B, api *oktasdk.APIClient, since time.Time) int {
	events, resp, err := api.SystemLogAPI.ListLogEvents(ctx).Since(since).Limit(1000).Execute()
	n := 0
	for {
		if err != nil {
			b.Fatalf("ListLogEvents after %d events: %v", n, err)
		}
		n += len(events)
		if len(events) == 0 || !resp.HasNextPage() {
			return n
		}
		events = nil
		resp, err = resp.Next(&events)
	}
}

// warmUp reads every page once without decoding it, so that the
// simulator has encoded each event before either reader is timed.
func warmUp(b *testing.B, c *Client, sim logScanSim) {
	next := sim.url + "/api/v1/logs?limit=1000&since=" + url.QueryEscape(sim.since.UTC().Format("2006-01-02T15:04:05.000Z"))
	for range logScanEvents/logPageMax + 2 {
		resp, body, err := c.rawCall(context.Background(), "warm up", intents.ScopeLogsRead, http.MethodGet, next, nil)
		if err != nil {
			b.Fatalf("warming up the simulator: %v", err)
		}
		if string(body) == "[]" {
			return
		}
		next = parseLinks(resp.Header)["next"]
	}
	b.Fatal("warming up the simulator: the System Log did not end")
}

// logScanSDK is okta-sdk-golang configured as its README shows for a
// service app (private_key_jwt), pointed at the simulator.
func logScanSDK(b *testing.B, orgURL string, pemKey []byte) *oktasdk.APIClient {
	cfg, err := oktasdk.NewConfiguration(
		oktasdk.WithOrgUrl(orgURL),
		oktasdk.WithAuthorizationMode("PrivateKey"),
		oktasdk.WithClientId(testClientID),
		oktasdk.WithScopes([]string{intents.ScopeLogsRead}),
		oktasdk.WithPrivateKey(string(pemKey)),
		oktasdk.WithPrivateKeyId(logScanKeyID),
		oktasdk.WithTestingDisableHttpsCheck(true),
	)
	if err != nil {
		b.Fatalf("oktasdk.NewConfiguration() error = %v", err)
	}
	cfg.Host = strings.TrimPrefix(orgURL, "http://") // the SDK keeps only the hostname
	return oktasdk.NewAPIClient(cfg)
}

// heapWatch samples the heap in use until stopped.
type heapWatch struct {
	done chan struct{}
	peak chan uint64
}

// watchHeap starts sampling HeapInuse (objects + unused bytes of in-use
// spans) every interval with runtime/metrics, which does not stop the
// world.
func watchHeap(every time.Duration) *heapWatch {
	w := &heapWatch{done: make(chan struct{}), peak: make(chan uint64, 1)}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	read := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() + samples[1].Value.Uint64()
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		peak := read()
		for {
			select {
			case <-w.done:
				w.peak <- max(peak, read())
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the peak.
func (w *heapWatch) stop() uint64 {
	close(w.done)
	return <-w.peak
}

const (
	logScanEvents   = 200_000
	logScanKeyID    = "kid-logscan"
	logScanRoleEnv  = "OKTABOT_LOGSCAN_SIMULATOR" // set in the child: serve
	logScanKeyEnv   = "OKTABOT_LOGSCAN_PUBLIC_KEY"
	logScanEventEnv = "OKTABOT_LOGSCAN_EVENTS"
)

// logScanSim is the simulator child as the benchmark sees it.
type logScanSim struct {
	url   string
	since time.Time // before the oldest event
}

// startLogScanSimulator starts the child process that serves the
// simulator with the benchmark's events, and stops it when b ends.
func startLogScanSimulator(b *testing.B) logScanSim {
	return startSimProcess(b, "TestLogScanSimulatorProcess", fmt.Sprintf("%s=%d", logScanEventEnv, logScanEvents))
}

// startSimProcess starts this test binary again as the simulator process
// that test (a TestXxxSimulatorProcess) serves, with env added, and waits
// for it to serve.
func startSimProcess(b *testing.B, test string, env ...string) logScanSim {
	b.Helper()
	der, err := x509.MarshalPKIXPublicKey(testRSA().Public())
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), logScanRoleEnv+"=1", logScanKeyEnv+"="+base64.StdEncoding.EncodeToString(der), "GORACE=atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("starting the simulator process: %v", err)
	}
	b.Cleanup(func() {
		_ = in.Close() // the child serves until its stdin closes
		if err := cmd.Wait(); err != nil {
			b.Errorf("the simulator process: %v", err)
		}
	})
	type ready struct {
		sim logScanSim
		err error
	}
	ch := make(chan ready, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var nano int64
			var u string
			if _, err := fmt.Sscanf(sc.Text(), "serving %s since %d", &u, &nano); err == nil {
				ch <- ready{sim: logScanSim{url: u, since: time.Unix(0, nano)}}
				_, _ = io.Copy(io.Discard, out)
				return
			}
		}
		ch <- ready{err: fmt.Errorf("the simulator process exited without serving: %v", sc.Err())}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			b.Fatal(r.err)
		}
		return r.sim
	case <-time.After(3 * time.Minute):
		b.Fatal("the simulator process did not start serving within 3 minutes")
	}
	return logScanSim{}
}

// TestLogScanSimulatorProcess is not a test: it is BenchmarkLogScan's
// simulator process, and returns at once unless started as one (the
// os/exec TestHelperProcess idiom). It loads the events, serves them on a
// loopback port, prints "serving URL since UNIXNANO" and serves until its
// stdin closes.
func TestLogScanSimulatorProcess(t *testing.T) {
	if os.Getenv(logScanRoleEnv) == "" || os.Getenv(logScanEventEnv) == "" {
		return
	}
	var n int
	if _, err := fmt.Sscan(os.Getenv(logScanEventEnv), &n); err != nil || n <= 0 {
		t.Fatalf("%s = %q: want a number of events", logScanEventEnv, os.Getenv(logScanEventEnv))
	}
	serveSimProcess(t, func(sim *oktasim.Server, now time.Time) time.Time {
		first := now.Add(-6 * 24 * time.Hour)
		gen := newScanEvents(first, now.Add(-time.Minute), n)
		const chunk = 10_000
		for i := 0; i < n; i += chunk {
			if err := sim.AddLogs(gen.next(min(chunk, n-i))...); err != nil {
				t.Fatalf("AddLogs(events %d…): %v", i, err)
			}
		}
		return first
	})
}

// serveSimProcess is the body of a simulator process: load fills the
// simulator with events as of now and returns the oldest event's time; it
// then serves them with the service app of the parent's key and no log
// rate limit, prints "serving URL since UNIXNANO" and serves until its
// stdin closes.
func serveSimProcess(t *testing.T, load func(sim *oktasim.Server, now time.Time) time.Time) {
	der, err := base64.StdEncoding.DecodeString(os.Getenv(logScanKeyEnv))
	if err != nil {
		t.Fatalf("%s: %v", logScanKeyEnv, err)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatalf("%s: %v", logScanKeyEnv, err)
	}
	sim, err := oktasim.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	first := load(sim, time.Now().UTC())
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: testClientID, PublicKey: pub, KeyID: logScanKeyID})
	sim.SetRateLimit(oktasim.FamilyLogs, 0, 0)
	srv := httptest.NewServer(sim)
	defer srv.Close()
	runtime.GC()
	fmt.Printf("serving %s since %d\n", srv.URL, first.Add(-time.Second).UnixNano())
	_, _ = io.Copy(io.Discard, os.Stdin)
	if u := sim.Unhandled(); len(u) > 0 {
		t.Errorf("the simulator saw requests no route answers: %q", u)
	}
}

// scanEvents makes System Log events shaped like Okta's sign-in traffic:
// every field Okta sends for sessions, SSO, MFA and sign-on policy, about
// 2 KB of JSON each, for 2,000 users in a handful of places, spread
// evenly between two times. It is deterministic.
type scanEvents struct {
	rnd   *rand.Rand
	first time.Time
	gap   time.Duration
	i     int
}

func newScanEvents(first, last time.Time, n int) *scanEvents {
	return &scanEvents{rnd: rand.New(rand.NewPCG(7, 7)), first: first, gap: last.Sub(first) / time.Duration(max(n, 1))}
}

type scanPlace struct {
	city, state, country, postal, ip string
	lat, lon                         float64
	asn                              float64
	isp, domain                      string
}

var scanPlaces = []scanPlace{
	{"Denver", "Colorado", "United States", "80202", "73.14.", 39.7392, -104.9903, 7922, "comcast", "comcast.net"},
	{"Austin", "Texas", "United States", "78701", "70.112.", 30.2672, -97.7431, 11427, "charter communications", "spectrum.com"},
	{"London", "England", "United Kingdom", "EC1A", "81.2.", 51.5072, -0.1276, 2856, "british telecommunications plc", "bt.com"},
	{"Berlin", "Land Berlin", "Germany", "10115", "91.64.", 52.52, 13.405, 3209, "vodafone gmbh", "vodafone.de"},
	{"Bengaluru", "Karnataka", "India", "560001", "49.207.", 12.9716, 77.5946, 24560, "bharti airtel ltd.", "airtel.in"},
	{"Toronto", "Ontario", "Canada", "M5H", "99.224.", 43.6532, -79.3832, 812, "rogers communications canada inc.", "rogers.com"},
}

var scanAgents = []struct{ raw, os, browser string }{
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36", "Mac OS X", "CHROME"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0", "Windows 10", "EDGE"},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "iOS", "SAFARI"},
	{"Okta Verify/9.27.0 (iPhone; iOS 17.6.1)", "iOS", "UNKNOWN"},
}

var scanApps = []struct{ id, label, mode string }{
	{"0oa1slack0000000x697", "Slack", "SAML_2_0"},
	{"0oa1salesforce00x697", "Salesforce", "SAML_2_0"},
	{"0oa1github00000000x697", "GitHub Enterprise", "SAML_2_0"},
	{"0oa1zoom0000000000x697", "Zoom", "OPENID_CONNECT"},
}

const scanIDChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (g *scanEvents) text(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = scanIDChars[g.rnd.IntN(len(scanIDChars))]
	}
	return string(b)
}

// next returns the next n events.
func (g *scanEvents) next(n int) []oktasim.Object {
	out := make([]oktasim.Object, 0, n)
	for range n {
		out = append(out, g.event())
	}
	return out
}

func (g *scanEvents) event() oktasim.Object {
	i := g.i
	g.i++
	at := g.first.Add(time.Duration(i) * g.gap)
	u := g.rnd.IntN(2000)
	p := scanPlaces[u%len(scanPlaces)]
	ua := scanAgents[g.rnd.IntN(len(scanAgents))]
	app := scanApps[g.rnd.IntN(len(scanApps))]
	ip := fmt.Sprintf("%s%d.%d", p.ip, u%250, 1+u%200)
	geo := oktasim.Object{"city": p.city, "state": p.state, "country": p.country, "postalCode": p.postal,
		"geolocation": oktasim.Object{"lat": p.lat, "lon": p.lon}}
	result, reason := "SUCCESS", any(nil)
	typ, msg, legacy := "user.session.start", "User login to Okta", "core.user_auth.login_success"
	targets := []any{}
	switch r := g.rnd.IntN(100); {
	case r < 30:
		if g.rnd.IntN(9) == 0 {
			result, reason, legacy = "FAILURE", "INVALID_CREDENTIALS", "core.user_auth.login_failed"
		}
	case r < 55:
		typ, msg, legacy = "user.authentication.sso", "User single sign on to app", "app.auth.sso"
		targets = []any{
			oktasim.Object{"id": app.id, "type": "AppInstance", "alternateId": app.label, "displayName": app.label,
				"detailEntry": oktasim.Object{"signOnModeType": app.mode}},
			oktasim.Object{"id": "0ua" + g.text(17), "type": "AppUser", "alternateId": fmt.Sprintf("user%04d@company.com", u),
				"displayName": fmt.Sprintf("User %04d", u), "detailEntry": nil},
		}
	case r < 70:
		typ, msg, legacy = "policy.evaluate_sign_on", "Evaluation of sign-on policy", ""
		targets = []any{oktasim.Object{"id": "00p1signon0000000x697", "type": "PolicyEntity", "alternateId": "unknown",
			"displayName": "Default Policy", "detailEntry": oktasim.Object{"policyType": "OktaSignOn"}}}
	case r < 85:
		typ, msg, legacy = "user.authentication.auth_via_mfa", "Authentication of user via MFA", "core.user.factor.attempt_success"
		targets = []any{oktasim.Object{"id": "opf" + g.text(17), "type": "AuthenticatorEnrollment",
			"alternateId": "unknown", "displayName": "Okta Verify", "detailEntry": nil}}
	case r < 95:
		typ, msg, legacy = "user.session.end", "User logout from Okta", "core.user_auth.logout_success"
	default:
		typ, msg, legacy = "app.oauth2.as.token.grant.access_token", "OAuth2 access token is granted", ""
		targets = []any{oktasim.Object{"id": "AT." + g.text(40), "type": "access_token", "alternateId": "unknown",
			"displayName": "Access Token", "detailEntry": oktasim.Object{"expires": at.Add(time.Hour).Format("2006-01-02T15:04:05.000Z"), "subject": fmt.Sprintf("00u%017d", u)}}}
	}
	requestID := g.text(27)
	return oktasim.Object{
		"uuid":            fmt.Sprintf("%08x-%04x-11ef-%04x-%012x", i, u, g.rnd.IntN(1<<16), g.rnd.Int64N(1<<48)),
		"published":       at.UTC().Format("2006-01-02T15:04:05.000Z"),
		"eventType":       typ,
		"version":         "0",
		"severity":        "INFO",
		"legacyEventType": legacy,
		"displayMessage":  msg,
		"actor": oktasim.Object{"id": fmt.Sprintf("00u%017d", u), "type": "User", "alternateId": fmt.Sprintf("user%04d@company.com", u),
			"displayName": fmt.Sprintf("User %04d", u), "detailEntry": nil},
		"client": oktasim.Object{
			"userAgent": oktasim.Object{"rawUserAgent": ua.raw, "os": ua.os, "browser": ua.browser},
			"zone":      "null", "device": "Computer", "id": nil, "ipAddress": ip, "geographicalContext": geo,
		},
		"device": nil,
		"authenticationContext": oktasim.Object{"authenticationProvider": nil, "credentialProvider": nil, "credentialType": nil,
			"issuer": nil, "interface": nil, "authenticationStep": 0.0, "rootSessionId": "102" + g.text(22),
			"externalSessionId": "102" + g.text(22)},
		"outcome":         oktasim.Object{"result": result, "reason": reason},
		"securityContext": oktasim.Object{"asNumber": p.asn, "asOrg": p.isp, "isp": p.isp, "domain": p.domain, "isProxy": false},
		"debugContext": oktasim.Object{"debugData": oktasim.Object{
			"requestId": requestID, "requestUri": "/idp/idx/identify", "url": "/idp/idx/identify?",
			"dtHash": g.text(64), "threatSuspected": "false",
			"behaviors": "{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}",
			"risk":      "{level=LOW}",
		}},
		"transaction": oktasim.Object{"type": "WEB", "id": requestID, "detail": oktasim.Object{}},
		"request":     oktasim.Object{"ipChain": []any{oktasim.Object{"ip": ip, "geographicalContext": geo, "version": "V4", "source": nil}}},
		"target":      targets,
	}
}

// splitList is the log scan's fast splitter: it must agree with
// decodeList (json.Unmarshal) on every list, and refuse what is not one.
func TestSplitList(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"empty body", "", true},
		{"empty list", " [ ] ", true},
		{"numbers", "[1,2]", true},
		{"brackets, commas and escapes in strings", `[ {"a":"]}\"x,\\"} , [1,[2,{}]] ,"s",null ]`, true},
		{"newlines", "[\n{\"a\":1}\n]\n", true},
		{"trailing comma", "[1,]", false},
		{"leading comma", "[,1]", false},
		{"unterminated", "[1", false},
		{"unterminated string", `["a]`, false},
		{"object", "{}", false},
		{"garbage after", "[1]x", false},
		{"mismatched", "[}", false},
		{"blank", " ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitList([]byte(tt.body))
			if (err == nil) != tt.ok {
				t.Fatalf("splitList(%q) error = %v, want ok %v", tt.body, err, tt.ok)
			}
			if !tt.ok {
				return
			}
			want, err := decodeList([]byte(tt.body))
			if err != nil {
				t.Fatalf("decodeList(%q) error = %v", tt.body, err)
			}
			if diff := cmp.Diff(rawStrings(want), rawStrings(got)); diff != "" {
				t.Errorf("splitList(%q) (-decodeList +splitList):\n%s", tt.body, diff)
			}
		})
	}
}

func rawStrings(raws []json.RawMessage) []string {
	out := []string{}
	for _, r := range raws {
		out = append(out, string(r))
	}
	return out
}
