package main

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// `oktabot run` end to end: it serves Slack, answers a command from Okta,
// and exposes /healthz and /metrics with what it did.
func TestRunServesSlackAndMetrics(t *testing.T) {
	fake, vars := runSetup(t, slackfake.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // teardown; a close error here decides nothing the test checks
	vars["OKTABOT_HTTP_ADDR"] = addr
	ctx := startRun(t, fake, vars)
	slash(t, ctx, fake, "user john@company.com", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && strings.Contains(m.Text, "john@company.com")
	})
	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return string(b)
	}
	if h := get("/healthz"); strings.TrimSpace(h) != "ok" {
		t.Errorf("/healthz = %q", h)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		m := get("/metrics")
		ok := strings.Contains(m, `oktabot_requests_total{kind="user_details",outcome="ok"} 1`) &&
			strings.Contains(m, `oktabot_okta_calls_total{bucket="GET /api/v1/users/{id}",status="200"}`) &&
			strings.Contains(m, "oktabot_okta_call_duration_seconds_bucket")
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks the request and Okta call counts:\n%s", grepLines(m, "oktabot_"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// With the watcher on, /metrics counts what it read and when it last
// caught up, and /healthz fails, saying why on one line, once the watcher
// has not read the System Log for five intervals (here Okta is gone).
func TestRunWatchHealth(t *testing.T) {
	fake, sim, vars := runSetupSim(t, slackfake.Options{})
	addr := freeAddr(t)
	vars["OKTABOT_HTTP_ADDR"] = addr
	vars["OKTABOT_TEST_WATCH_INTERVAL"] = "100ms"
	if _, err := sim.Sim.AddEvents([]oktasim.Object{{
		"eventType": "user.session.start", "outcome": map[string]any{"result": "SUCCESS"},
		"actor": map[string]any{"type": "User", "alternateId": "john@company.com", "displayName": "John Smith"},
	}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	startRun(t, fake, vars)
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer func() { _ = resp.Body.Close() }() // the body is done with; a close error changes nothing
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, m := get("/metrics")
		last := metricValue(m, "oktabot_watch_last_success_timestamp_seconds")
		if metricValue(m, "oktabot_watch_events_read_total") >= 1 && last > float64(start.Unix()-1) &&
			metricValue(m, "oktabot_watch_lag_seconds") >= 0 && metricValue(m, "oktabot_watch_incidents_opened_total") >= 0 &&
			metricValue(m, "oktabot_watch_alerts_suppressed_total") >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks the watcher's figures after its first polls:\n%s", grepLines(m, "oktabot_watch"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, h := get("/healthz"); code != 200 || strings.TrimSpace(h) != "ok" {
		t.Errorf("/healthz while the watcher polls = %d %q, want 200 ok", code, h)
	}
	_ = sim.Close() // Okta goes away: every poll fails from now on
	for {
		code, h := get("/healthz")
		if code == http.StatusServiceUnavailable {
			if !strings.Contains(h, "has not read the System Log successfully since") || strings.Count(strings.TrimSpace(h), "\n") != 0 {
				t.Errorf("/healthz = %q, want one line saying the watcher has not polled", h)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz = %d %q with Okta gone for many intervals, want 503", code, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // teardown; a close error here decides nothing the test checks
	return addr
}

// metricValue is the value of an unlabelled metric in a /metrics page, or
// -1 when the page lacks it.
func metricValue(page, name string) float64 {
	for _, l := range strings.Split(page, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

// Read-only oktabot watches too: the demo org's week (read back in full)
// brings an incident to the channel with no proposal. With
// OKTABOT_WATCH=off nothing reads the System Log by itself.
func TestRunWatchesReadOnly(t *testing.T) {
	t.Run("read-only", func(t *testing.T) {
		fake, _, vars := runSetupSim(t, slackfake.Options{})
		ctx := startRun(t, fake, with(vars, map[string]string{
			"OKTABOT_APPROVERS": "", "OKTABOT_READ_ONLY": "true",
			"OKTABOT_WATCH_BACKFILL": "168h", "OKTABOT_TEST_WATCH_INTERVAL": "100ms",
		}))
		m, err := fake.WaitMessage(ctx, func(m slackfake.Message) bool { return incidentMessage(m) != "" })
		if err != nil {
			t.Fatalf("no incident message from a read-only oktabot watching the demo week: %v", err)
		}
		if m.Channel != secChannel {
			t.Errorf("incident posted in %s, want the alert channel %s", m.Channel, secChannel)
		}
		for _, m := range fake.Messages() {
			if strings.Contains(m.Text+string(m.Blocks), "Approve") {
				t.Errorf("read-only oktabot proposed a change: %q", m.Text)
			}
		}
	})
	t.Run("off", func(t *testing.T) {
		fake, sim, vars := runSetupSim(t, slackfake.Options{})
		ctx := startRun(t, fake, with(vars, map[string]string{"OKTABOT_WATCH": "off", "OKTABOT_TEST_WATCH_INTERVAL": "100ms"}))
		// A command's answer shows the bot at work; by then a watcher
		// would have polled several times.
		slash(t, ctx, fake, "user john@company.com", func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && strings.Contains(m.Text, "john@company.com")
		})
		if n := sim.Sim.Calls("GET", "/api/v1/logs"); n != 0 {
			t.Errorf("with OKTABOT_WATCH=off oktabot read the System Log %d times by itself", n)
		}
		for _, m := range fake.Messages() {
			if incidentMessage(m) != "" {
				t.Errorf("with OKTABOT_WATCH=off oktabot posted an incident: %q", m.Text)
			}
		}
	})
}
