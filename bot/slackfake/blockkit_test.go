package slackfake

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func section(text string) slack.Block { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func button(actionID, value, text string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, plain(text))
}

func repeat[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestBlockKitLimits(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	dividers := func(n int) []slack.Block {
		return repeat(n, func(int) slack.Block { return slack.NewDividerBlock() })
	}
	fields := func(n, size int) slack.Block {
		return slack.NewSectionBlock(nil, repeat(n, func(int) *slack.TextBlockObject { return mrkdwn(x(size)) }), nil)
	}
	context := func(n int) slack.Block {
		return slack.NewContextBlock("", repeat(n, func(int) slack.MixedElement { return mrkdwn("c") })...)
	}
	actions := func(n int) slack.Block {
		return slack.NewActionBlock("", repeat(n, func(i int) slack.BlockElement {
			return button("a"+strings.Repeat("i", i), "v", "B")
		})...)
	}
	urlButton := button("open", "", "Open")
	urlButton.URL = "https://example.com/" + x(MaxURL)

	tests := []struct {
		name    string
		text    string
		blocks  []slack.Block
		want    string // Slack error, "" for accepted
		pointer string // expected in response_metadata.messages
	}{
		{"50 blocks", "t", dividers(MaxMessageBlocks), "", ""},
		{"51 blocks", "t", dividers(MaxMessageBlocks + 1), "invalid_blocks", "/blocks]"},
		{"section text at limit", "", []slack.Block{section(x(MaxSectionText))}, "", ""},
		{"section text over limit", "", []slack.Block{section(x(MaxSectionText + 1))}, "invalid_blocks", "/blocks/0/text/text"},
		{"section text empty", "t", []slack.Block{section("")}, "invalid_blocks", "/blocks/0/text/text"},
		{"10 fields", "", []slack.Block{fields(MaxSectionFields, 1000)}, "", ""},
		{"one field at limit", "", []slack.Block{fields(1, MaxFieldText)}, "", ""},
		{"11 fields", "", []slack.Block{fields(MaxSectionFields+1, 1)}, "invalid_blocks", "/blocks/0/fields]"},
		{"field over limit", "", []slack.Block{fields(1, MaxFieldText+1)}, "invalid_blocks", "/blocks/0/fields/0/text"},
		{"header at limit", "", []slack.Block{slack.NewHeaderBlock(plain(x(MaxHeaderText)))}, "", ""},
		{"header over limit", "", []slack.Block{slack.NewHeaderBlock(plain(x(MaxHeaderText + 1)))}, "invalid_blocks", "/blocks/0/text/text"},
		{"header mrkdwn", "", []slack.Block{slack.NewHeaderBlock(mrkdwn("*h*"))}, "invalid_blocks", "/blocks/0/text/type"},
		{"context 10 elements", "t", []slack.Block{context(MaxContextElements)}, "", ""},
		{"context 11 elements", "t", []slack.Block{context(MaxContextElements + 1)}, "invalid_blocks", "/blocks/0/elements]"},
		{"actions 25 elements", "t", []slack.Block{actions(MaxActionsElements)}, "", ""},
		{"actions 26 elements", "t", []slack.Block{actions(MaxActionsElements + 1)}, "invalid_blocks", "/blocks/0/elements]"},
		{"button text over limit", "t", []slack.Block{slack.NewActionBlock("", button("a", "v", x(MaxButtonText+1)))}, "invalid_blocks", "/blocks/0/elements/0/text/text"},
		{"button value over limit", "t", []slack.Block{slack.NewActionBlock("", button("a", x(MaxButtonValue+1), "B"))}, "invalid_blocks", "/blocks/0/elements/0/value"},
		{"button url over limit", "t", []slack.Block{slack.NewActionBlock("", urlButton)}, "invalid_blocks", "/blocks/0/elements/0/url"},
		{"action_id over limit", "t", []slack.Block{slack.NewActionBlock("", button(x(MaxID+1), "v", "B"))}, "invalid_blocks", "/blocks/0/elements/0/action_id"},
		{"block_id over limit", "t", []slack.Block{slack.NewDividerBlock(), slack.NewActionBlock(x(MaxID+1), button("a", "v", "B"))}, "invalid_blocks", "/blocks/1/block_id"},
		{"duplicate block_id", "t", []slack.Block{slack.NewActionBlock("p", button("a", "v", "B")), slack.NewActionBlock("p", button("b", "v", "B"))}, "invalid_blocks", "/blocks/1/block_id"},
		{"duplicate action_id in a block", "t", []slack.Block{slack.NewActionBlock("", button("a", "1", "B"), button("a", "2", "C"))}, "invalid_blocks", "/blocks/0/elements/1/action_id"},
		{"same action_id in two blocks", "t", []slack.Block{slack.NewActionBlock("p1", button("a", "1", "B")), slack.NewActionBlock("p2", button("a", "2", "B"))}, "", ""},
		{"text at limit", x(MaxMessageText), nil, "", ""},
		{"text over limit", x(MaxMessageText + 1), nil, "msg_too_long", ""},
		{"no text, no blocks", "", nil, "no_text", ""},
		{"cumulative size", "t", repeat(8, func(int) slack.Block { return section(x(2000)) }), "msg_blocks_too_long", "/blocks]"},
	}

	fake := New(Options{})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Rejections())
			opts := []slack.MsgOption{slack.MsgOptionText(tt.text, false)}
			if tt.blocks != nil {
				opts = append(opts, slack.MsgOptionBlocks(tt.blocks...))
			}
			_, _, err := api.PostMessageContext(t.Context(), "C1", opts...)
			if got := slackErr(err); got != tt.want {
				t.Fatalf("PostMessage = %v, want %q", err, tt.want)
			}
			rej := fake.Rejections()
			if tt.want == "" {
				if len(rej) != before {
					t.Errorf("Rejections() grew on an accepted message: %+v", rej[before:])
				}
				return
			}
			if len(rej) != before+1 {
				t.Fatalf("Rejections() has %d new entries, want 1", len(rej)-before)
			}
			r := rej[before]
			if r.Method != "chat.postMessage" || r.Channel != "C1" || r.Error != tt.want {
				t.Errorf("rejection = %s %s %s, want chat.postMessage C1 %s", r.Method, r.Channel, r.Error, tt.want)
			}
			if tt.pointer != "" && !strings.Contains(strings.Join(r.Messages, "\n"), tt.pointer) {
				t.Errorf("rejection messages %q do not name %s", r.Messages, tt.pointer)
			}
		})
	}
}

func TestBlockKitUpdateAndEphemeral(t *testing.T) {
	fake := New(Options{})
	defer fake.Close()
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
	ctx := t.Context()
	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("ok", false))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	tooLong := slack.MsgOptionBlocks(section(strings.Repeat("x", MaxSectionText+1)))
	_, _, _, err = api.UpdateMessageContext(ctx, "C1", ts, tooLong)
	if got := slackErr(err); got != "invalid_blocks" {
		t.Errorf("UpdateMessage with a long section = %v, want invalid_blocks", err)
	}
	_, err = api.PostEphemeralContext(ctx, "C1", "U1", tooLong)
	if got := slackErr(err); got != "invalid_blocks" {
		t.Errorf("PostEphemeral with a long section = %v, want invalid_blocks", err)
	}
	var methods []string
	for _, r := range fake.Rejections() {
		methods = append(methods, r.Method)
	}
	if strings.Join(methods, ",") != "chat.update,chat.postEphemeral" {
		t.Errorf("Rejections() methods = %q, want chat.update, chat.postEphemeral", methods)
	}
	if cur, _ := fake.Current("C1", ts); cur.Text != "ok" {
		t.Errorf("Current(C1, %s) = %+v; a refused update must not change it", ts, cur)
	}
}

func TestCheckerRaw(t *testing.T) {
	tests := []struct {
		name    string
		blocks  string
		want    string
		pointer string
	}{
		{"not JSON", `[{"type":`, "invalid_blocks_format", ""},
		{"unsupported block", `[{"type":"carousel_of_doom"}]`, "invalid_blocks", "/blocks/0/type"},
		{"image without alt_text", `[{"type":"image","image_url":"https://x/y.png"}]`, "invalid_blocks", "/blocks/0/alt_text"},
		{"markdown over limit", `[{"type":"markdown","text":"` + strings.Repeat("m", MaxMarkdownText+1) + `"}]`, "invalid_blocks", "/blocks/0/text"},
		{"section without text or fields", `[{"type":"section"}]`, "invalid_blocks", "/blocks/0]"},
		{"button style", `[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"B"},"style":"loud"}]}]`, "invalid_blocks", "/style"},
		{"unknown element", `[{"type":"actions","elements":[{"type":"laser"}]}]`, "invalid_blocks", "/blocks/0/elements/0/type"},
		{"null blocks with text", `null`, "", ""},
		{"rich_text accepted", `[{"type":"rich_text","elements":[]}]`, "", ""},
	}
	s := New(Options{})
	defer s.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.checkMessage("t", json.RawMessage(tt.blocks), false)
			var code string
			var msgs []string
			if ae, ok := err.(*apiError); ok {
				code, msgs = ae.Code, ae.Messages
			}
			if code != tt.want {
				t.Fatalf("checkMessage(%s) = %v, want %q", tt.name, err, tt.want)
			}
			if tt.pointer != "" && !strings.Contains(strings.Join(msgs, "\n"), tt.pointer) {
				t.Errorf("checkMessage(%s) messages %q do not name %s", tt.name, msgs, tt.pointer)
			}
		})
	}

	c := newChecker()
	c.blocks(repeat(MaxModalBlocks+1, func(int) any { return map[string]any{"type": "divider"} }), "/view/blocks", MaxModalBlocks)
	if len(c.problems) != 1 || !strings.Contains(c.problems[0], "no more than 100 items") {
		t.Errorf("101 modal blocks: problems %q, want one about 100 items", c.problems)
	}
}
