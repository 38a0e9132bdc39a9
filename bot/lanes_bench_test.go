package bot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

const (
	// lanesOktaLatency is each Okta call's latency in
	// BenchmarkLookupsBehindSweeps.
	lanesOktaLatency = 50 * time.Millisecond
	// sweepTime is added to each threat sweep: the demo org's System Log
	// is small, a real org's sweep reads for a while.
	sweepTime = 2 * time.Second
)

// slowSweeps is a directory whose threat sweeps take sweepTime longer.
type slowSweeps struct{ bot.Directory }

func (s slowSweeps) Query(ctx context.Context, in intents.Intent) (intents.Result, error) {
	if in.Kind == intents.Threats {
		select {
		case <-time.After(sweepTime):
		case <-ctx.Done():
			return intents.Result{}, ctx.Err()
		}
	}
	return s.Directory.Query(ctx, in)
}

// BenchmarkLookupsBehindSweeps measures how long ten user lookups (ten
// people, sent at once) take to be answered: alone, behind eight threat
// sweeps sent just before them with the lanes, and behind the same sweeps
// with every request in one pool of 8 workers as before the lanes. The
// whole bot runs: slack-go over the websocket to slackfake, the okta
// adapter against the simulator with lanesOktaLatency per call and its
// rate limits off; each sweep takes sweepTime longer. Each iteration also waits for the sweeps, so that no
// work spills over.
//
// Metrics: lookups-ms, the mean time from the first lookup sent to the
// tenth answered; sweeps-ms, from the first sweep sent to the eighth
// answered (the price of the lanes: two sweeps run at a time).
func BenchmarkLookupsBehindSweeps(b *testing.B) {
	for _, bc := range []struct {
		name   string
		sweeps int
		cfg    bot.Config
	}{
		{"alone", 0, bot.Config{}},
		{"lanes", 8, bot.Config{}},
		{"one-pool", 8, bot.OnePool(bot.Config{})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			fake, sim := benchBot(b, bc.cfg, func(d bot.Directory) bot.Directory { return slowSweeps{d} })
			sim.SetLatency(lanesOktaLatency)
			for _, f := range []string{oktasim.FamilyUsers, oktasim.FamilyLogs, oktasim.FamilyFactors} {
				sim.SetRateLimit(f, 0, 0)
			}
			ctx := context.Background()
			var lookups, sweeps time.Duration
			for b.Loop() {
				n := len(fake.Messages())
				sent := time.Now()
				for i := range bc.sweeps {
					benchSlash(b, fake, fmt.Sprintf("U0SWEEP%02d", i), "threats")
				}
				start := time.Now()
				for i := range 10 {
					benchSlash(b, fake, fmt.Sprintf("U0LOOK%02d", i), "user john@company.com")
				}
				benchUntil(b, ctx, fake, n, 10, isCard("john@company.com"))
				lookups += time.Since(start)
				benchUntil(b, ctx, fake, n, bc.sweeps, func(m slackfake.Message) bool { return isAnswer(m) && has(m, "/okta threats") })
				sweeps += time.Since(sent)
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(b.N) / float64(time.Millisecond) }
			b.ReportMetric(ms(lookups), "lookups-ms")
			if bc.sweeps > 0 {
				b.ReportMetric(ms(sweeps), "sweeps-ms")
			}
		})
	}
}

func benchSlash(b *testing.B, fake *slackfake.Server, user, text string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: user, ChannelID: secChannel, Text: text}); err != nil {
		b.Fatalf("SlashCommand(%q): %v", text, err)
	}
}

// benchUntil waits until want messages after the first n match.
func benchUntil(b *testing.B, ctx context.Context, fake *slackfake.Server, n, want int, match func(slackfake.Message) bool) {
	b.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		changed := fake.Changed()
		if count(fake.Messages()[n:], match) >= want {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			b.Fatalf("%d of %d answers came", count(fake.Messages()[n:], match), want)
		}
	}
}
