package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot/slackfake"
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
