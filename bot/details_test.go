package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/bot/slackfake"
)

// Details on a proposal card opens the whole proposal in a modal: the
// blast radius and the history the card leaves out. A Details click from
// another channel shows nothing.
func TestProposalDetailsModal(t *testing.T) {
	h := approvalHarness(t, func(o *harnessOpts) { o.cfg.Channels = []string{secChannel, otherChannel} })
	m := h.propose("suspend john@company.com")
	id := proposalID(t, m)
	if has(m, "Blast radius") {
		t.Errorf("the card shows the blast radius; it belongs behind Details")
	}
	h.click(approver, m, blocks.ActionDetails)
	v := waitView(t, h, 0)
	body := unescapeJSON(v.View)
	for _, want := range []string{"Blast radius", "app assignments", "History", "requested", id} {
		if !strings.Contains(body, want) {
			t.Errorf("details modal lacks %q:\n%s", want, body)
		}
	}
	if v.UserID != approver {
		t.Errorf("details modal opened for %s, want the clicker %s", v.UserID, approver)
	}

	if _, err := h.slack.Click(h.waitCtx(5*time.Second), slackfake.Click{UserID: approver, ChannelID: otherChannel, MessageTS: "1.1",
		ActionID: blocks.ActionDetails, BlockID: "x", Value: id}); err != nil {
		t.Fatal(err)
	}
	h.answer("the refusal", func(m slackfake.Message) bool {
		return m.Ephemeral && m.User == approver && has(m, "Not from here")
	})
	if n := len(h.slack.Views()); n != 1 {
		t.Errorf("%d views after a Details click from another channel, want still 1", n)
	}
}
