package blocks

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestValidate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	sec := func(id, text string) slack.Block { return section(id, text) }
	raw := func(id, text string) slack.Block { // a section whose text is not clipped
		return slack.NewSectionBlock(mrkdwn(text), nil, nil, slack.SectionBlockOptionBlockID(id))
	}
	btn := func(id, label, value string) *slack.ButtonBlockElement {
		return slack.NewButtonBlockElement(id, value, plain(label))
	}
	many := func(n int, mk func(i int) slack.Block) []slack.Block {
		var bs []slack.Block
		for i := range n {
			bs = append(bs, mk(i))
		}
		return bs
	}
	fields := func(n, size int) []*slack.TextBlockObject {
		var fs []*slack.TextBlockObject
		for range n {
			fs = append(fs, mrkdwn(long(size)))
		}
		return fs
	}
	ctxEls := func(n int) []slack.MixedElement {
		var es []slack.MixedElement
		for range n {
			es = append(es, mrkdwn("x"))
		}
		return es
	}
	buttons := func(n int) []slack.BlockElement {
		var es []slack.BlockElement
		for i := range n {
			es = append(es, btn("b"+count(i), "x", "v"))
		}
		return es
	}
	tests := []struct {
		name    string
		m       Message
		wantErr string // "" means valid
	}{
		{"valid", Message{Text: "ok", Blocks: []slack.Block{header("h", "Title"), sec("s", "hi"), divider("d"), contextBlock("c", "a", "b"),
			slack.NewActionBlock("a", btn("x", "Go", "1"), btn("y", "Stop", "2"))}}, ""},
		{"valid without blocks", Message{Text: "just text"}, ""},
		{"empty fallback text", Message{Text: " ", Blocks: []slack.Block{sec("s", "hi")}}, "fallback text is empty"},
		{"fallback text too long", Message{Text: long(MaxMessageText + 1)}, "fallback text is 40001 characters"},
		{"too many blocks", Message{Text: "t", Blocks: many(MaxBlocks+1, func(i int) slack.Block { return divider("d" + count(i)) })}, "51 blocks, over 50"},
		{"section text too long", Message{Text: "t", Blocks: []slack.Block{raw("s", long(MaxSectionText+1))}}, "text: is 3001 characters, over 3000"},
		{"section text counted in UTF-16", Message{Text: "t", Blocks: []slack.Block{raw("s", strings.Repeat("😀", 1501))}}, "is 3002 characters"},
		{"empty section text", Message{Text: "t", Blocks: []slack.Block{raw("s", "")}}, "is empty"},
		{"section with nothing", Message{Text: "t", Blocks: []slack.Block{slack.NewSectionBlock(nil, nil, nil)}}, "neither text nor fields"},
		{"too many fields", Message{Text: "t", Blocks: []slack.Block{slack.NewSectionBlock(nil, fields(MaxFields+1, 5), nil)}}, "11 fields, over 10"},
		{"field too long", Message{Text: "t", Blocks: []slack.Block{slack.NewSectionBlock(nil, fields(1, MaxFieldText+1), nil)}}, "field 0: is 2001 characters, over 2000"},
		{"header too long", Message{Text: "t", Blocks: []slack.Block{slack.NewHeaderBlock(plain(long(MaxHeaderText + 1)))}}, "is 151 characters, over 150"},
		{"header must be plain_text", Message{Text: "t", Blocks: []slack.Block{slack.NewHeaderBlock(mrkdwn("x"))}}, "type is mrkdwn, want plain_text"},
		{"too many context elements", Message{Text: "t", Blocks: []slack.Block{slack.NewContextBlock("c", ctxEls(MaxContextElements+1)...)}}, "11 elements, want 1–10"},
		{"empty context", Message{Text: "t", Blocks: []slack.Block{slack.NewContextBlock("c")}}, "0 elements, want 1–10"},
		{"too many actions", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", buttons(MaxActionElements+1)...)}}, "26 elements, want 1–25"},
		{"button text too long", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", btn("b", long(MaxButtonText+1), "v"))}}, "is 76 characters, over 75"},
		{"button value too long", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", btn("b", "x", long(MaxButtonValue+1)))}}, "value is 2001 characters, over 2000"},
		{"button url too long", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", &slack.ButtonBlockElement{Type: slack.METButton, ActionID: "b", Text: plain("x"), URL: "https://" + long(MaxURL)})}}, "url is 3008 characters, over 3000"},
		{"bad button style", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", &slack.ButtonBlockElement{Type: slack.METButton, ActionID: "b", Text: plain("x"), Style: "loud"})}}, `style "loud"`},
		{"duplicate block_id", Message{Text: "t", Blocks: []slack.Block{sec("same", "a"), sec("same", "b")}}, "block_id is not unique"},
		{"block_id too long", Message{Text: "t", Blocks: []slack.Block{sec(long(MaxID+1), "a")}}, "block_id is 256 characters, over 255"},
		{"duplicate action_id across blocks", Message{Text: "t", Blocks: []slack.Block{
			slack.NewActionBlock("a1", btn(ActionNext, "x", "1")), slack.NewActionBlock("a2", btn(ActionNext, "y", "2"))}}, `action_id "page_next" is not unique`},
		{"duplicate action_id in accessory", Message{Text: "t", Blocks: []slack.Block{
			slack.NewSectionBlock(mrkdwn("a"), nil, slack.NewAccessory(btn("dup", "x", "1"))), slack.NewActionBlock("a2", btn("dup", "y", "2"))}}, `action_id "dup" is not unique`},
		{"action_id too long", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", btn(long(MaxID+1), "x", "v"))}}, "action_id is 256 characters"},
		{"confirm text too long", Message{Text: "t", Blocks: []slack.Block{slack.NewActionBlock("a", btn("b", "x", "v").WithConfirm(
			slack.NewConfirmationBlockObject(plain("Sure?"), mrkdwn(long(301)), plain("Yes"), plain("No"))))}}, "confirm text: is 301 characters, over 300"},
		{"emoji flag on mrkdwn", Message{Text: "t", Blocks: []slack.Block{slack.NewSectionBlock(&slack.TextBlockObject{Type: "mrkdwn", Text: "x", Emoji: new(true)}, nil, nil)}}, "emoji is set on mrkdwn"},
		{"cumulative size", Message{Text: "t", Blocks: many(5, func(i int) slack.Block { return raw("s"+count(i), long(2900)) })}, "over 12000 (msg_blocks_too_long)"},
		{"nil block", Message{Text: "t", Blocks: []slack.Block{(*slack.SectionBlock)(nil)}}, "is not an object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.m)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("Validate() = nil, want an error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("Validate() = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
