package bot_test

import (
	"bytes"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/blocks/charts"
	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// Charts through the whole bot: the real slack-go client uploads them with
// the files v2 flow to the fake Slack, from investigations the real okta
// adapter reads from the simulator.

// upload waits for an upload whose file name starts with prefix.
func (h *harness) upload(prefix string) slackfake.Upload {
	h.t.Helper()
	u, err := h.slack.WaitUpload(h.waitCtx(30*time.Second), func(u slackfake.Upload) bool { return strings.HasPrefix(u.Filename, prefix) })
	if err != nil {
		h.t.Fatalf("waiting for the upload %s…: %v\nmessages so far:\n%s", prefix, err, dump(h.slack.Messages()))
	}
	return u
}

// checkChart fails t unless u is a PNG of the charts' size with a title
// and alt text that says want.
func checkChart(t *testing.T, u slackfake.Upload, want ...string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(u.Content))
	if err != nil {
		t.Fatalf("%s does not decode as a PNG: %v", u.Filename, err)
	}
	if b := img.Bounds(); b.Dx() != charts.Width || b.Dy() != charts.Height {
		t.Errorf("%s is %dx%d, want %dx%d", u.Filename, b.Dx(), b.Dy(), charts.Width, charts.Height)
	}
	if u.Title == "" || u.Title == u.Filename {
		t.Errorf("%s has no title of its own: %q", u.Filename, u.Title)
	}
	for _, w := range want {
		if !strings.Contains(u.AltText, w) {
			t.Errorf("%s: alt text %q does not say %q", u.Filename, u.AltText, w)
		}
	}
}

// isInvestigation matches john's investigation, not the proposals that
// follow it.
func isInvestigation(m slackfake.Message) bool {
	return has(m, "Investigation") && has(m, "185.220.101.1") && !has(m, blocks.ActionApprove)
}

// onRequestDone returns a Config.Observe that closes the channel when a
// request of kind has been answered, and that channel. The bot observes a
// query after everything its answer does, the chart included.
func onRequestDone(kind intents.Kind) (func(string, string, time.Duration), <-chan struct{}) {
	done := make(chan struct{})
	var once sync.Once
	return func(k, _ string, _ time.Duration) {
		if k == string(kind) {
			once.Do(func() { close(done) })
		}
	}, done
}

func (h *harness) waitDone(what string, done <-chan struct{}) {
	h.t.Helper()
	select {
	case <-done:
	case <-h.waitCtx(30 * time.Second).Done():
		h.t.Fatalf("%s never finished\nmessages so far:\n%s", what, dump(h.slack.Messages()))
	}
}

// The done-when point: a chart PNG is uploaded with an investigation and
// decodes as an image of the expected size, in the investigation's thread,
// with alt text.
func TestInvestigationChart(t *testing.T) {
	t.Run("slash command", func(t *testing.T) {
		h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Charts = true })
		h.slash(analyst, secChannel, "investigate john@company.com")
		answer := h.answer("the investigation", func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && m.ThreadTS == "" && isInvestigation(m)
		})
		u := h.upload("events-")
		checkChart(t, u, "john@company.com", "ringed as named by a finding")
		if u.Channel != secChannel || u.ThreadTS != answer.TS {
			t.Errorf("chart shared in %s thread %q, want the investigation's thread %s %q", u.Channel, u.ThreadTS, secChannel, answer.TS)
		}
		h.answer("the suspend proposal", func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "Suspend")
		})
	})
	t.Run("mention", func(t *testing.T) {
		h := newHarness(t, harnessOpts{cfg: bot.Config{Charts: true}})
		const ts = "1700000042.000100"
		if _, err := h.slack.Mention(h.waitCtx(5*time.Second), slackfake.Mention{UserID: analyst, ChannelID: secChannel, Text: "investigate john@company.com", TS: ts}); err != nil {
			t.Fatal(err)
		}
		h.answer("the investigation in the mention's thread", func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && m.ThreadTS == ts && isInvestigation(m)
		})
		u := h.upload("events-")
		checkChart(t, u, "john@company.com")
		if u.Channel != secChannel || u.ThreadTS != ts {
			t.Errorf("chart shared in %s thread %q, want the mention's thread %s %q", u.Channel, u.ThreadTS, secChannel, ts)
		}
	})
}

// With charts off (OKTABOT_CHARTS=false) the investigation is answered as
// ever and nothing is uploaded.
func TestChartsOffUploadsNothing(t *testing.T) {
	observe, done := onRequestDone(intents.Investigate)
	h := newHarness(t, harnessOpts{cfg: bot.Config{Observe: observe}})
	h.slash(analyst, secChannel, "investigate john@company.com")
	h.waitDone("the investigation", done)
	if ups := h.slack.Uploads(); len(ups) != 0 {
		t.Errorf("%d files uploaded with charts off, first %s", len(ups), ups[0].Filename)
	}
	h.answer("the investigation", func(m slackfake.Message) bool {
		return isAnswer(m) && isInvestigation(m)
	})
}

// A chart that cannot be posted never costs the answer.
func TestChartFailureKeepsTheAnswer(t *testing.T) {
	t.Run("the upload fails", func(t *testing.T) {
		observe, done := onRequestDone(intents.Investigate)
		h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Charts, o.cfg.Observe = true, observe })
		h.slack.FailNext("files.getUploadURLExternal", "fatal_error")
		h.slash(analyst, secChannel, "investigate john@company.com")
		h.answer("the investigation", func(m slackfake.Message) bool { return m.Method == "chat.postMessage" && isInvestigation(m) })
		h.waitDone("the investigation", done)
		if ups := h.slack.Uploads(); len(ups) != 0 {
			t.Errorf("%d files uploaded although files.getUploadURLExternal failed", len(ups))
		}
		// The proposals still follow, and no error reached the channel.
		h.answer("the suspend proposal", func(m slackfake.Message) bool {
			return m.Method == "chat.postMessage" && has(m, blocks.ActionApprove) && has(m, "Suspend")
		})
		for _, m := range h.slack.Messages() {
			if (m.Ephemeral && m.Method != "ack") || has(m, "went wrong") || has(m, "fatal_error") {
				t.Errorf("a message about the failed chart reached Slack: %s %q", m.Method, m.Text)
			}
		}
	})
}

// The threat sweep and the MFA scan attach theirs too, each in its
// answer's thread.
func TestSweepAndMFACharts(t *testing.T) {
	t.Parallel() // waits on Okta latency, rate limits or Slack retries
	h := newHarness(t, harnessOpts{cfg: bot.Config{Charts: true}})
	h.slash(analyst, secChannel, "threats 7d")
	sweep := h.answer("the sweep", func(m slackfake.Message) bool {
		return m.Method == "chat.postMessage" && has(m, "Threat sweep")
	})
	u := h.upload("threats-")
	checkChart(t, u, "one bar per user", "john@company.com")
	if u.ThreadTS != sweep.TS || u.Channel != secChannel {
		t.Errorf("sweep chart in %s thread %q, want %s %q", u.Channel, u.ThreadTS, secChannel, sweep.TS)
	}

	h.slash(analyst, secChannel, "mfa-status")
	scan := h.answer("the scan result", func(m slackfake.Message) bool {
		return m.Method == "chat.update" && has(m, blocks.ActionMFARefresh)
	})
	u = h.upload("mfa-")
	checkChart(t, u, "active users", "with no MFA factor")
	if u.ThreadTS != scan.TS || u.Channel != secChannel {
		t.Errorf("MFA chart in %s thread %q, want the scan message's %s %q", u.Channel, u.ThreadTS, secChannel, scan.TS)
	}
}
