package bot_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
)

func TestSlashUserDetails(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	env := h.slash(analyst, secChannel, "user john@company.com")
	ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
	if err != nil {
		t.Fatalf("WaitAck: %v", err)
	}
	if !strings.Contains(string(ack.Payload), "Looking that up") || !strings.Contains(string(ack.Payload), `"response_type":"ephemeral"`) {
		t.Errorf("ack payload = %s, want the ⏳ reply to the asker alone", ack.Payload)
	}
	m := h.answer("the user card", func(m slackfake.Message) bool {
		return isAnswer(m) && has(m, "john@company.com")
	})
	if !has(m, "<@"+analyst+"> asked `/okta user john@company.com`") {
		t.Errorf("the answer does not say who asked what:\n%s", m.Blocks)
	}
	for _, want := range []string{"John", "ACTIVE"} {
		if !has(m, want) {
			t.Errorf("user card lacks %q:\n%s", want, m.Blocks)
		}
	}
	if got := h.sim.Calls("GET", "/api/v1/users/"); got == 0 {
		t.Error("the simulator saw no user lookup: the answer did not come from Okta")
	}
}

func TestMentionAnsweredInThread(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "user john@company.com", TS: "1700000000.000100"})
	if err != nil {
		t.Fatal(err)
	}
	m := h.answer("the threaded answer", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, "john@company.com")
	})
	if m.ThreadTS != "1700000000.000100" || m.Channel != secChannel {
		t.Errorf("answer in channel %s thread %q, want %s thread 1700000000.000100", m.Channel, m.ThreadTS, secChannel)
	}
}

func TestRefusedOutsideAllowedChannels(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	env := h.slash(analyst, otherChannel, "user john@company.com")
	ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
	if err != nil {
		t.Fatal(err)
	}
	p := unescapeJSON(ack.Payload)
	if !strings.Contains(p, "<#"+secChannel+">") || !strings.Contains(p, `"ephemeral"`) {
		t.Errorf("refusal = %s, want an ephemeral reply naming <#%s>", p, secChannel)
	}
	_, err = h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: otherChannel, Text: "user john@company.com"})
	if err != nil {
		t.Fatal(err)
	}
	m := h.answer("the mention refusal", func(m slackfake.Message) bool { return m.Method == "chat.postEphemeral" })
	if m.User != analyst || !has(m, secChannel) {
		t.Errorf("mention refusal to %q: %s", m.User, m.Text)
	}
	h.stop() // every request in flight is finished
	if n := h.sim.Calls("", "/api/v1/users"); n != 0 {
		t.Errorf("the simulator saw %d user calls for refused requests, want 0", n)
	}
}

// The ack reaches Slack at once even when Okta is slow.
func TestAckDoesNotWaitForOkta(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	h := newHarness(t, harnessOpts{})
	h.sim.SetLatency(2 * time.Second)
	env := h.slash(analyst, secChannel, "user john@company.com")
	ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Latency() > 100*time.Millisecond {
		t.Errorf("ack took %v with a 2s Okta, want < 100ms", ack.Latency())
	}
	h.answer("the slow answer", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "john@company.com") })
}

// Fifty people asking at once are all acked and answered (with a queue
// that holds them all: a fuller queue answers "busy", TestPerUserLimit).
func TestFiftyCommandsAtOnce(t *testing.T) {
	const n = 50
	h := newHarness(t, harnessOpts{cfg: bot.Config{Queue: n}})
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = h.slash(person(i), secChannel, "user john@company.com")
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if _, err := h.slack.WaitAck(h.waitCtx(10*time.Second), id); err != nil {
			t.Fatalf("envelope %s not acked: %v", id, err)
		}
	}
	answered := func() int {
		k := 0
		for _, m := range h.slack.Messages() {
			if isAnswer(m) && has(m, "john@company.com") {
				k++
			}
		}
		return k
	}
	waitUntil(t, h, 30*time.Second, fmt.Sprintf("%d answers", n), func() bool { return answered() == n })
}

func TestReconnectAfterDisconnect(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	opened := h.slack.Connections()
	if err := h.slack.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if err := h.slack.WaitConnections(h.waitCtx(15*time.Second), opened+1); err != nil {
		t.Fatalf("no reconnect after disconnect: %v", err)
	}
	if n := h.slack.Calls("apps.connections.open"); n < opened+1 {
		t.Errorf("apps.connections.open called %d times, want ≥ %d", n, opened+1)
	}
	h.slash(analyst, secChannel, "user john@company.com")
	h.answer("an answer after reconnecting", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "john@company.com") })
}

func TestRetriedEventAnsweredOnce(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	env, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "user john@company.com", EventID: "Ev0RETRY"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.slack.RedeliverEvent(h.waitCtx(5*time.Second), env, "timeout"); err != nil {
		t.Fatal(err)
	}
	h.answer("the first answer", func(m slackfake.Message) bool { return m.Method == "chat.postMessage" })
	if _, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil {
		t.Fatal(err)
	}
	h.stop() // both deliveries handled and their work done
	n := 0
	for _, m := range h.slack.Messages() {
		if m.Method == "chat.postMessage" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("a retried event was answered %d times, want once", n)
	}
}

func TestBadInputGetsPrivateAnswer(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, text := range []string{"suspend", "logs 900d", "frobnicate john", "user a b c"} {
		env := h.slash(analyst, secChannel, text)
		ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
		if err != nil {
			t.Fatal(err)
		}
		p := unescapeJSON(ack.Payload)
		if !strings.Contains(p, `"ephemeral"`) {
			t.Errorf("/okta %s: ack %s, want an ephemeral explanation", text, p)
		}
		if strings.Contains(p, "<!channel>") {
			t.Errorf("/okta %s: the answer echoes <!channel> as a live ping: %s", text, p)
		}
	}
}

// Slack markup in an argument is never echoed back as a live ping.
func TestMarkupNotEchoed(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.slash(analyst, secChannel, "user <!channel>")
	m := h.answer("the not-found answer", func(m slackfake.Message) bool { return m.Ephemeral && m.Method != "ack" })
	if !has(m, "no such user") && !has(m, "not") {
		t.Errorf("answer = %s", m.Text)
	}
	for _, m := range h.slack.Messages() {
		if has(m, "<!channel>") || has(m, "<!here>") {
			t.Errorf("%s echoed a live ping: %s %s", m.Method, m.Text, m.Blocks)
		}
	}
}

func TestPagingAndExport(t *testing.T) {
	h := newHarness(t, harnessOpts{fixture: bigOrg(1000)})
	h.slash(analyst, secChannel, "users dept")
	first := h.answer("page 1", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "Page 1 of") })
	if !has(first, "user0000@company.com") || has(first, "user0999@company.com") {
		t.Errorf("page 1 should show the first users only")
	}
	bs := buttons(t, first)
	if _, ok := bs[blocks.ActionNext]; !ok {
		t.Fatalf("page 1 has no ▶ button: %v", bs)
	}
	cur := currentMessage(t, h, first)
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: cur.TS, ActionID: blocks.ActionNext}); err != nil {
		t.Fatal(err)
	}
	h.answer("page 2", func(m slackfake.Message) bool { return m.Method == "chat.update" && has(m, "Page 2 of") })

	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: cur.TS, ActionID: blocks.ActionExport, BlockID: blockOf(t, first, blocks.ActionExport), Value: bs[blocks.ActionExport]}); err != nil {
		t.Fatal(err)
	}
	up, err := h.slack.WaitUpload(h.waitCtx(30*time.Second), func(u slackfake.Upload) bool { return true })
	if err != nil {
		t.Fatalf("no CSV upload: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(up.Content), "\n"), "\n")
	if len(lines) != 1001 {
		t.Errorf("CSV has %d lines, want a header and 1,000 rows", len(lines))
	}
	if up.Channel != secChannel {
		t.Errorf("CSV uploaded to %q, want %s", up.Channel, secChannel)
	}
}

func currentMessage(t *testing.T, h *harness, m slackfake.Message) slackfake.Message {
	t.Helper()
	cur, ok := h.slack.Current(m.Channel, m.TS)
	if !ok {
		t.Fatalf("message %s/%s is not in the channel", m.Channel, m.TS)
	}
	return cur
}

func blockOf(t *testing.T, m slackfake.Message, actionID string) string {
	t.Helper()
	s := string(m.Blocks)
	i := strings.Index(s, `"action_id":"`+actionID+`"`)
	if i < 0 {
		t.Fatalf("no %s button", actionID)
	}
	j := strings.LastIndex(s[:i], `"block_id":"`)
	if j < 0 {
		return ""
	}
	rest := s[j+len(`"block_id":"`):]
	return rest[:strings.Index(rest, `"`)]
}

// A Slack mention of a person is looked up by their Slack email.
func TestMentionOfPersonResolvedByEmail(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.slash(analyst, secChannel, "user <@U0JOHN>")
	h.answer("john's card", func(m slackfake.Message) bool {
		return isAnswer(m) && has(m, "John Smith")
	})
	h.slash(analyst, secChannel, "user <@U0NOEMAIL>")
	h.answer("the refusal", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "no email") })
}

// Direct messages are answered only when enabled (and only to readers:
// see access_test.go).
func TestDirectMessages(t *testing.T) {
	dm := func(h *harness) {
		inner := []byte(`{"type":"message","channel_type":"im","channel":"D0DIRECT","user":"` + analyst + `","text":"show me user john@company.com","ts":"1700000002.000100"}`)
		env, err := h.slack.Event(h.waitCtx(5*time.Second), inner)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("enabled", func(t *testing.T) {
		h := newHarness(t, harnessOpts{cfg: bot.Config{DirectMessages: true, Readers: []string{analyst}}})
		dm(h)
		m := h.answer("the DM answer", func(m slackfake.Message) bool { return m.Method == "chat.postMessage" && has(m, "John Smith") })
		if m.Channel != "D0DIRECT" {
			t.Errorf("answered in %s, want the DM", m.Channel)
		}
		inner := []byte(`{"type":"message","channel_type":"im","channel":"D0DIRECT","user":"` + analyst + `","text":"suspend john@company.com","ts":"1700000003.000100"}`)
		if _, err := h.slack.Event(h.waitCtx(5*time.Second), inner); err != nil {
			t.Fatal(err)
		}
		h.answer("the refusal to propose in a DM", func(m slackfake.Message) bool { return m.Ephemeral && has(m, "security channel") })
	})
	t.Run("disabled", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		dm(h)
		h.stop() // every request in flight is finished
		for _, m := range h.slack.Messages() {
			if m.Channel == "D0DIRECT" {
				t.Errorf("a DM was answered although DMs are off: %s", m.Text)
			}
		}
	})
}

// Two connections: while one reconnects, the other takes the envelopes at
// once; every ack goes back on the socket its envelope came on.
func TestNoGapWhileReconnecting(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	opened := h.slack.Connections()
	if err := h.slack.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	env := h.slash(analyst, secChannel, "user john@company.com")
	ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h.slack.Envelopes() {
		if e.ID == env && e.Waited {
			t.Errorf("the command waited for a socket while one reconnected (socket %d of %d opened)", ack.EnvConn, opened)
		}
	}
	h.answer("the answer", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "john@company.com") })

	if err := h.slack.WaitReady(h.waitCtx(15*time.Second), 2); err != nil {
		t.Fatal(err)
	}
	used := map[int]bool{}
	for i := range 6 {
		env := h.slash(analyst, secChannel, fmt.Sprintf("user user%d@company.com", i))
		ack, err := h.slack.WaitAck(h.waitCtx(5*time.Second), env)
		if err != nil {
			t.Fatal(err)
		}
		used[ack.EnvConn] = true
		if ack.Conn != ack.EnvConn {
			t.Errorf("envelope %s came on socket %d, its ack went back on %d", env, ack.EnvConn, ack.Conn)
		}
	}
	if len(used) < 2 {
		t.Errorf("envelopes went to sockets %v, want both", used)
	}
}

// A Web API call answered 429 is retried after Retry-After, and the answer
// arrives.
func TestSlackRateLimitRetried(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	h := newHarness(t, harnessOpts{})
	h.slack.FailNext("chat.postMessage", "ratelimited")
	h.slash(analyst, secChannel, "user john@company.com")
	h.answer("the answer after the retry", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "john@company.com") })
	if n := h.slack.Calls("chat.postMessage"); n < 2 {
		t.Errorf("chat.postMessage called %d times, want the 429 and its retry", n)
	}
}

// A click on an answer in a thread answers in that thread: the CSV export
// of a listing asked in a thread is uploaded to the thread.
func TestClickInThreadAnswersInThread(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	const thread = "1700000077.000100"
	if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel,
		Text: "list active users", TS: thread}); err != nil {
		t.Fatal(err)
	}
	m := h.answer("the listing in the thread", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && m.ThreadTS == thread && has(m, blocks.ActionExport)
	})
	h.click(analyst, m, blocks.ActionExport)
	up, err := h.slack.WaitUpload(h.waitCtx(30*time.Second), func(slackfake.Upload) bool { return true })
	if err != nil {
		t.Fatalf("no CSV upload: %v", err)
	}
	if up.ThreadTS != thread {
		t.Errorf("the export went to thread %q, want the listing's thread %q", up.ThreadTS, thread)
	}
}

// sharedSeen is one memory of event ids for two replicas (the etcd store
// is the real one; here the bot's use of it is tested).
type sharedSeen struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (s *sharedSeen) First(key string, _ time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[key] {
		return false, nil
	}
	s.seen[key] = true
	return true, nil
}

// TestRetryToOtherReplicaAnsweredOnce: an event one replica answered and
// Slack retried to the other replica's connection is answered once when
// the replicas share Config.Seen.
func TestRetryToOtherReplicaAnsweredOnce(t *testing.T) {
	seen := &sharedSeen{seen: map[string]bool{}}
	a := newHarness(t, harnessOpts{cfg: bot.Config{Seen: seen}})
	env, err := a.slack.Mention(a.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "user john@company.com", EventID: "Ev0OTHER"})
	if err != nil {
		t.Fatal(err)
	}
	a.answer("the first answer", func(m slackfake.Message) bool { return m.Method == "chat.postMessage" })
	b := newHarness(t, harnessOpts{reuse: a, cfg: bot.Config{Seen: seen}})
	if err := b.slack.WaitReady(b.waitCtx(10*time.Second), 4); err != nil {
		t.Fatalf("the second replica's connections: %v", err)
	}
	// The fake spreads envelopes over the four sockets in turn: retry
	// until one retry has reached the second replica's (opened after the
	// first replica's 1 and 2).
	reached := false
	for range 4 {
		id, err := b.slack.RedeliverEvent(b.waitCtx(5*time.Second), env, "timeout")
		if err != nil {
			t.Fatal(err)
		}
		ack, err := b.slack.WaitAck(b.waitCtx(5*time.Second), id)
		if err != nil {
			t.Fatal(err)
		}
		if ack.EnvConn > 2 {
			reached = true
			break
		}
	}
	if !reached {
		t.Fatal("no retry reached the second replica")
	}
	b.stop()
	a.stop()
	n := 0
	for _, m := range a.slack.Messages() {
		if m.Method == "chat.postMessage" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("an event retried to the other replica was answered %d times, want once", n)
	}
}
