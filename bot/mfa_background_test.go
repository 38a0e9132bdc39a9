package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta"
)

// A full MFA scan outlasting the request's time goes on in the
// background: the message says so (not that the scan failed), and asking
// again once it is done answers without reading anyone's factors again.
func TestMFAScanGoesOnInTheBackground(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	h := newHarness(t, harnessOpts{cfg: bot.Config{ProgressEvery: 100 * time.Millisecond, LongTimeout: time.Second}})
	h.sim.SetRateLimit("factors", 100, time.Second) // the scan uses half: about 4 s for 197 users
	h.slash(analyst, secChannel, "mfa-status")
	h.answer("the background notice", func(m slackfake.Message) bool {
		return m.Method == "chat.update" && has(m, "still running in the background")
	})
	for _, m := range h.slack.Messages() {
		if has(m, "The MFA scan stopped") {
			t.Fatalf("the bot said the scan stopped: %s", m.Text)
		}
	}
	// Ask again until the scan is done: each ask waits for it up to the
	// request's time, then says it goes on.
	for attempt := 0; ; attempt++ {
		if attempt == 30 {
			t.Fatal("the background scan did not end within 30 asks")
		}
		n := len(h.slack.Messages())
		h.slash(analyst, secChannel, "mfa-status")
		m := h.answerAfter(n, "an answer", func(m slackfake.Message) bool {
			return m.Method == "chat.update" && (has(m, blocks.ActionMFARefresh) || has(m, "still running in the background"))
		})
		if has(m, blocks.ActionMFARefresh) {
			break
		}
	}
	canSignIn := map[string]bool{"ACTIVE": true, "PASSWORD_EXPIRED": true, "RECOVERY": true, "LOCKED_OUT": true}
	users := 0
	for _, u := range h.sim.Snapshot().Users {
		if st, _ := u["status"].(string); canSignIn[st] {
			users++
		}
	}
	read := 0
	for _, line := range h.sim.CallLog() {
		if strings.HasPrefix(line, "GET /api/v1/users/") && strings.Contains(line, "/factors ×") {
			read++
			if !strings.HasSuffix(line, "×1") {
				t.Errorf("a user's factors were read more than once: %s", line)
			}
		}
	}
	if read != users {
		t.Errorf("the scan read the factors of %d users, want the %d who can sign in", read, users)
	}
}

// Two replicas on one etcd: while another replica runs the full MFA
// scan, this one, asked, says so and shows no partial result.
func TestMFAScanOnAnotherReplica(t *testing.T) {
	t.Parallel() // waits on Okta's rate limit
	srv := etcdtest.Start(t)
	h := newHarness(t, harnessOpts{etcd: srv, cfg: bot.Config{ProgressEvery: 100 * time.Millisecond, LongTimeout: time.Second}})
	h.sim.SetRateLimit("factors", 100, time.Second) // the scan takes seconds
	other, err := okta.New(okta.Config{OrgURL: h.oktaSrv.URL, ClientID: "0oabot", PrivateKey: h.key, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	store := etcdstore.New(srv.Client(t), etcdstore.Options{})
	t.Cleanup(func() { _ = store.Close() })
	other.SetupJobs(ctx, store)
	started := make(chan struct{})
	var once sync.Once
	go func() {
		_, _ = other.MFAStatus(ctx, false, func(scanned, _ int) {
			if scanned > 0 {
				once.Do(func() { close(started) })
			}
		})
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the other replica's scan did not start")
	}
	h.slash(analyst, secChannel, "mfa-status")
	m := h.answer("the answer", func(m slackfake.Message) bool {
		return m.Method == "chat.update" && (has(m, "running on another oktabot replica") || has(m, blocks.ActionMFARefresh) || has(m, "The MFA scan"))
	})
	if !has(m, "running on another oktabot replica") || has(m, blocks.ActionMFARefresh) {
		t.Errorf("the answer while another replica scans:\n%s", plainOf(t, m))
	}
}
