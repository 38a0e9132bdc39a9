package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// seenIntents is a directory that reports every query it is asked.
type seenIntents struct {
	bot.Directory
	seen chan intents.Intent
}

func (s seenIntents) Query(ctx context.Context, in intents.Intent) (intents.Result, error) {
	select {
	case s.seen <- in:
	default:
	}
	return s.Directory.Query(ctx, in)
}

// TestTodayInTheTeamsZone: with the team in America/Chicago, "today"
// starts at Central midnight exactly and the answer prints Central times; with
// per-person zones, a person whose Slack zone is Asia/Tokyo gets Tokyo's
// day and Tokyo times, and a person whose Slack zone does not load gets
// the team's zone.
func TestTodayInTheTeamsZone(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	// 16:30 UTC: 10:30 in Chicago (today began at 06:00 UTC), 01:30 the
	// next day in Tokyo (today began at 15:00 UTC).
	now := time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC)
	centralMidnight, tokyoMidnight := time.Date(2026, 11, 25, 0, 0, 0, 0, chicago), time.Date(2026, 11, 26, 0, 0, 0, 0, tokyo)
	tests := []struct {
		name    string
		perUser bool
		user    string
		want    time.Time
		abbr    string
	}{
		{"team zone", false, analyst, centralMidnight, "CST"},
		{"team zone even for a person elsewhere", false, "U0TOKYO", centralMidnight, "CST"},
		{"the person's Slack zone", true, "U0TOKYO", tokyoMidnight, "JST"},
		{"no Slack zone that loads: the team's zone", true, "U0NOZONE", centralMidnight, "CST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := make(chan intents.Intent, 1)
			h := newHarness(t, harnessOpts{
				cfg:  bot.Config{Location: chicago, LocationPerUser: tt.perUser, Now: func() time.Time { return now }},
				wrap: func(d bot.Directory) bot.Directory { return seenIntents{d, seen} },
			})
			if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: tt.user, ChannelID: secChannel, Text: "show me the logs today"}); err != nil {
				t.Fatal(err)
			}
			var in intents.Intent
			select {
			case in = <-seen:
			case <-h.waitCtx(15 * time.Second).Done():
				t.Fatalf("the bot asked Okta nothing:\n%s", dump(h.slack.Messages()))
			}
			if in.Kind != intents.Logs || !in.Since.Equal(tt.want) || in.Window != 0 {
				t.Errorf("asked Okta for %s since %v (window %v), want logs since %v exactly", in.Kind, in.Since, in.Window, tt.want)
			}
			m := h.answer("the answer", func(m slackfake.Message) bool { return has(m, "System Log") || has(m, "event") })
			if !has(m, " "+tt.abbr) || has(m, ":00 UTC") {
				t.Errorf("the answer does not print %s times:\n%s", tt.abbr, dump([]slackfake.Message{m}))
			}
		})
	}
}
