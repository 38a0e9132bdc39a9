package bot_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// The ▶ Next button of a logs answer, pressed after new events arrived,
// shows the next page of the answer's own window: the bot pages within the
// window of the first request, never up to a new "now".
func TestLogsNextKeepsWindow(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	fx := &oktasim.Fixture{Now: now}
	event := func(at time.Time, msg string) oktasim.Object {
		return oktasim.Object{"published": at.Format("2006-01-02T15:04:05.000Z"), "eventType": "user.session.start",
			"displayMessage": msg, "outcome": oktasim.Object{"result": "SUCCESS"},
			"actor": oktasim.Object{"id": "00u1", "type": "User", "alternateId": "john@company.com", "displayName": "John Smith"}}
	}
	for i := 1; i <= 30; i++ { // Event 01 is the newest
		fx.Logs = append(fx.Logs, event(now.Add(-time.Duration(i)*10*time.Minute), fmt.Sprintf("Old event %02d", i)))
	}
	h := newHarness(t, harnessOpts{fixture: fx})
	h.slash(analyst, secChannel, "logs 24h")
	first := h.answer("page 1", func(m slackfake.Message) bool { return isAnswer(m) && has(m, "Page 1 of 3") })
	if !has(first, "Old event 01") || !has(first, "Old event 10") || has(first, "Old event 11") {
		t.Fatalf("page 1 should show the 10 newest events: %s", first.Blocks)
	}
	// New events arrive after the answer (and before the click: its
	// "now" would take them in).
	published := time.Now().UTC()
	var fresh []oktasim.Object
	for i := 1; i <= 5; i++ {
		fresh = append(fresh, event(published, fmt.Sprintf("New event %d", i)))
	}
	if err := h.sim.AddLogs(fresh...); err != nil {
		t.Fatal(err)
	}
	for !time.Now().After(published.Add(2 * time.Millisecond)) {
		runtime.Gosched()
	}
	if _, ok := buttons(t, first)[blocks.ActionNext]; !ok {
		t.Fatalf("page 1 has no ▶ button")
	}
	cur := currentMessage(t, h, first)
	n := len(h.slack.Messages())
	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: analyst, ChannelID: secChannel, MessageTS: cur.TS, ActionID: blocks.ActionNext}); err != nil {
		t.Fatal(err)
	}
	second := h.answerAfter(n, "page 2", func(m slackfake.Message) bool { return m.Method == "chat.update" && has(m, "Page 2 of") })
	if !has(second, "Page 2 of 3") || has(second, "New event") {
		t.Errorf("page 2 should be one of the original 30 events: %s", second.Blocks)
	}
	for i := 1; i <= 30; i++ {
		want := i > 10 && i <= 20
		if got := has(second, fmt.Sprintf("Old event %02d", i)); got != want {
			t.Errorf("page 2 shows Old event %02d: %v, want %v", i, got, want)
		}
	}
	if has(second, "continued listing") {
		t.Errorf("page 2 of the first answer says it continues another listing: %s", second.Blocks)
	}
}
