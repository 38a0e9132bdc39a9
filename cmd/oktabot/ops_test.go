package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot/slackfake"
)

// `oktabot run` end to end: it serves Slack, answers a command from Okta,
// and exposes /healthz and /metrics with what it did.
func TestRunServesSlackAndMetrics(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	sim, err := startSim(nil, "", newLogger(io.Discard, env(func(string) string { return "" })))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars := map[string]string{
		"SLACK_BOT_TOKEN": slackfake.DefaultBotToken, "SLACK_APP_TOKEN": slackfake.DefaultAppToken, "SLACK_API_URL": fake.APIURL(),
		"OKTA_ORG_URL": sim.OrgURL, "OKTA_CLIENT_ID": sim.Client.ClientID, "OKTA_PRIVATE_KEY": string(sim.Client.PrivateKey),
		"OKTABOT_CHANNELS": "C0SEC", "OKTABOT_HTTP_ADDR": addr, "OKTABOT_DB": filepath.Join(t.TempDir(), "oktabot.db"),
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := runCmd(t, ctx, vars, "run")
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("oktabot run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("oktabot run did not stop on cancel")
		}
	})
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		t.Fatalf("oktabot run never connected to Slack: %v", err)
	}
	if _, err := fake.SlashCommand(wctx, slackfake.SlashCommand{UserID: "U0A", ChannelID: "C0SEC", Text: "user john@company.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitMessage(wctx, func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && strings.Contains(m.Text, "john@company.com")
	}); err != nil {
		t.Fatalf("no answer: %v", err)
	}
	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
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
