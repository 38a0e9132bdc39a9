package blocks

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

func TestPlainPagedListChoices(t *testing.T) {
	us := manyUsers(40)
	for i := range us {
		us[i].Status = "ACTIVE" // as asked: no row carries a button of its own
	}
	r := intents.Result{Intent: intents.Intent{Kind: intents.ListUsers, Status: "ACTIVE"}, Users: us}
	text, choices := Plain(Result(r, Options{Page: 2}))
	if !strings.Contains(text, "[1] ◀ Prev  [2] ▶ Next  [3] Export CSV") {
		t.Errorf("Plain(page 2) has no numbered choices line:\n%s", text)
	}
	var got []string
	for _, c := range choices {
		in, page, err := DecodePageValue(c.Value)
		if err != nil {
			t.Fatalf("Plain choice %d value does not decode: %v", c.N, err)
		}
		got = append(got, strings.Join([]string{count(c.N), c.Label, c.ActionID, c.BlockID, string(in.Kind), in.Status, count(page)}, "|"))
	}
	want := []string{
		"1|◀ Prev|page_prev|pager|list_users|ACTIVE|1",
		"2|▶ Next|page_next|pager|list_users|ACTIVE|3",
		"3|Export CSV|export_csv|pager|list_users|ACTIVE|2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Plain(page 2) choices (-want +got):\n%s", diff)
	}
	if !strings.Contains(text, "Page 2 of 3 · 16–30 of 40 users") {
		t.Errorf("Plain(page 2) lacks the position line:\n%s", text)
	}
}

func TestPlainRendering(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"text only", Message{Text: "a &lt;b&gt; &amp; c"}, "a <b> & c"},
		{"header and divider", Message{Text: "t", Blocks: []slack.Block{header("h", ":shield: Policies"), divider("d")}}, "🛡️ Policies\n═══════════\n" + rule},
		{"date token shows its fallback", Message{Text: "t", Blocks: []slack.Block{section("s", "seen "+when(testNow, time.UTC))}}, "seen 2026-11-28 12:00 UTC"},
		{"date token without fallback", Message{Text: "t", Blocks: []slack.Block{section("s", "<!date^1795867200^{date}>")}}, "2026-11-28 12:00 UTC"},
		{"links and mentions", Message{Text: "t", Blocks: []slack.Block{section("s", "<https://x.example|docs> <@U1> <#C1|sec> <!here> <!subteam^S1|@ir>")}}, "docs (https://x.example) @U1 #sec @here @ir"},
		{"escaped data stays literal", Message{Text: "t", Blocks: []slack.Block{section("s", md("<!channel> & <https://evil|x>", 100))}}, "<!channel> & <https://evil|x>"},
		{"bold and italic dropped, code kept", Message{Text: "t", Blocks: []slack.Block{section("s", "*Bold* and _it_ in `list_users` and a_b*c")}}, "Bold and it in `list_users` and a_b*c"},
		{"fields as label: value", Message{Text: "t", Blocks: []slack.Block{fieldsSection("f", "", []field{{"Status", "ACTIVE"}, {"Email", "a@b.c"}})}}, "  Status: ACTIVE\n  Email: a@b.c"},
		{"context indented", Message{Text: "t", Blocks: []slack.Block{contextBlock("c", "one", "two")}}, "  one  ·  two"},
		{"terminal escapes removed", Message{Text: "t", Blocks: []slack.Block{
			slack.NewSectionBlock(mrkdwn("evil\x1b[2J\x07name\u202E"), nil, nil)}}, "evil[2Jname"},
		{"accessory button is a choice", Message{Text: "t", Blocks: []slack.Block{
			slack.NewSectionBlock(mrkdwn("Proposal"), nil, slack.NewAccessory(button("approve", "Approve", "p-1")), slack.SectionBlockOptionBlockID("p"))}}, "Proposal\n[1] Approve"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := Plain(tc.m)
			if got != tc.want {
				t.Errorf("Plain() = %q, want %q", got, tc.want)
			}
		})
	}
}
