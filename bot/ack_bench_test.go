package bot_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

const (
	// ackBurst is how many slash commands arrive at once.
	ackBurst = 100
	// ackOktaLatency makes Okta slow, so that the workers are busy while
	// the envelopes arrive: an ack must not wait for them.
	ackOktaLatency = 50 * time.Millisecond
)

// BenchmarkAck sends 100 slash commands at once through slackfake to the
// whole bot (the real slack-go Socket Mode client, the real okta adapter
// against the simulator with 50 ms of latency per call and its rate
// limits off, the default 8 workers), and measures each envelope's ack latency as slackfake records
// it: from the envelope written to the socket to its ack read back. Each
// iteration also waits for all 100 answers, so that no work spills over.
//
// Metrics: ack-p50-ms and ack-p99-ms over every envelope of the run (goal
// for ack-p99-ms ≤ 50: Slack shows an error after 3 s, and a slash command
// should feel instant).
func BenchmarkAck(b *testing.B) {
	// One person sends the whole burst, and the queue holds it: this
	// measures the acks, not the fair-use limits.
	fake, sim := benchBot(b, bot.Config{MaxPerUser: ackBurst, Queue: ackBurst}, nil)
	sim.SetLatency(ackOktaLatency)
	// A burst is 400 calls; a few bursts pass the simulator's default 600
	// a minute and would be paced: this measures the acks, not the limit.
	sim.SetRateLimit(oktasim.FamilyUsers, 0, 0)
	sim.SetRateLimit(oktasim.FamilyFactors, 0, 0)
	ctx := context.Background()
	var lat []time.Duration
	for b.Loop() {
		before := answers(fake)
		ids := make([]string, ackBurst)
		errs := make([]error, ackBurst)
		var wg sync.WaitGroup
		for i := range ackBurst {
			wg.Go(func() {
				ids[i], errs[i] = fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: analyst, ChannelID: secChannel, Text: "user john@company.com"})
			})
		}
		wg.Wait()
		for i, id := range ids {
			if errs[i] != nil {
				b.Fatalf("SlashCommand %d: %v", i, errs[i])
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			ack, err := fake.WaitAck(wctx, id)
			cancel()
			if err != nil {
				b.Fatalf("WaitAck(%s): %v", id, err)
			}
			lat = append(lat, ack.Latency())
		}
		deadline := time.Now().Add(2 * time.Minute)
		for answers(fake)-before < ackBurst {
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d commands answered", answers(fake)-before, ackBurst)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	slices.Sort(lat)
	pct := func(p int) float64 {
		return float64(lat[min(len(lat)-1, len(lat)*p/100)]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(50), "ack-p50-ms")
	b.ReportMetric(pct(99), "ack-p99-ms")
}

// answers counts the user cards answered through response URLs.
func answers(fake *slackfake.Server) int {
	n := 0
	for _, m := range fake.Messages() {
		if isAnswer(m) && has(m, "john@company.com") {
			n++
		}
	}
	return n
}

// benchBot runs the bot with cfg on the demo org, as newHarness does for
// tests (its messages unpaced), asking wrap(the directory) when wrap is
// set.
func benchBot(b *testing.B, cfg bot.Config, wrap func(bot.Directory) bot.Directory) (*slackfake.Server, *oktasim.Server) {
	b.Helper()
	sim, err := oktasim.New(demo.Org())
	if err != nil {
		b.Fatalf("oktasim.New: %v", err)
	}
	key, pub, err := oktasim.NewServiceAppKey("k1")
	if err != nil {
		b.Fatal(err)
	}
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: "0oabot", PublicKey: pub, KeyID: "k1"})
	oktaSrv := httptest.NewServer(sim)
	b.Cleanup(oktaSrv.Close)
	log := slog.New(slog.DiscardHandler)
	dir, err := okta.New(okta.Config{OrgURL: oktaSrv.URL, ClientID: "0oabot", PrivateKey: key, Logger: log})
	if err != nil {
		b.Fatalf("okta.New: %v", err)
	}
	fake := slackfake.New(slackfake.Options{Users: slackUsers()}) // users.info is asked of every asker
	b.Cleanup(fake.Close)
	api := bot.NewSlackClient(slackfake.DefaultBotToken, slackfake.DefaultAppToken, fake.APIURL())
	cfg.Channels, cfg.Logger, cfg.Pace = []string{secChannel}, log, unpaced()
	var bdir bot.Directory = dir
	if wrap != nil {
		bdir = wrap(dir)
	}
	bt := bot.New(api, bdir, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				b.Errorf("bot.Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			b.Error("bot.Run did not return after cancel")
		}
	})
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnections(wctx, 1); err != nil {
		b.Fatalf("bot never connected: %v", err)
	}
	return fake, sim
}
