package blocks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/slack-go/slack"
)

// Validate checks m against Slack's limits: a non-empty fallback text of at
// most MaxMessageText, at most MaxBlocks blocks whose JSON is at most
// MaxBlocksJSON characters, unique block and action ids of at most MaxID,
// and each block's own limits (section text and fields, header, context
// elements, actions elements, buttons, confirmation dialogs, images). It
// checks the JSON slack-go sends, so it works on blocks of any origin. The
// error lists every violation.
func Validate(m Message) error {
	v := validator{blockIDs: map[string]bool{}, actionIDs: map[string]bool{}}
	switch {
	case strings.TrimSpace(m.Text) == "":
		v.add("message", "fallback text is empty")
	case chars(m.Text) > MaxMessageText:
		v.add("message", "fallback text is %d characters, over %d", chars(m.Text), MaxMessageText)
	}
	if len(m.Blocks) > MaxBlocks {
		v.add("message", "%d blocks, over %d", len(m.Blocks), MaxBlocks)
	}
	raw, err := marshalBlocks(m.Blocks)
	if err != nil {
		return fmt.Errorf("blocks: validate: %w", err)
	}
	if n := chars(string(raw)); n > MaxBlocksJSON {
		v.add("message", "blocks are %d characters of JSON, over %d (msg_blocks_too_long)", n, MaxBlocksJSON)
	}
	var blocks []any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return fmt.Errorf("blocks: validate: %w", err)
	}
	for i, b := range blocks {
		v.block(i, b)
	}
	return errors.Join(v.errs...)
}

// marshalBlocks is the compact JSON of blocks, as Slack receives it.
func marshalBlocks(bs []slack.Block) ([]byte, error) {
	if bs == nil {
		bs = []slack.Block{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(bs); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

type validator struct {
	errs      []error
	blockIDs  map[string]bool
	actionIDs map[string]bool
}

func (v *validator) add(where, format string, a ...any) {
	if len(v.errs) == 50 {
		v.errs = append(v.errs, errors.New("blocks: … more violations"))
	}
	if len(v.errs) > 50 {
		return
	}
	v.errs = append(v.errs, fmt.Errorf("blocks: %s: "+format, append([]any{where}, a...)...))
}

func (v *validator) block(i int, b any) {
	obj, ok := b.(map[string]any)
	if !ok {
		v.add(fmt.Sprintf("block %d", i), "is not an object (nil block?)")
		return
	}
	typ, _ := obj["type"].(string)
	id, _ := obj["block_id"].(string)
	where := fmt.Sprintf("block %d (%s %q)", i, typ, id)
	if id != "" {
		if chars(id) > MaxID {
			v.add(where, "block_id is %d characters, over %d", chars(id), MaxID)
		}
		if v.blockIDs[id] {
			v.add(where, "block_id is not unique")
		}
		v.blockIDs[id] = true
	}
	switch typ {
	case "section":
		text, hasText := obj["text"]
		fields, _ := obj["fields"].([]any)
		if !hasText && len(fields) == 0 {
			v.add(where, "has neither text nor fields")
		}
		if hasText {
			v.text(where+" text", text, MaxSectionText, "")
		}
		if len(fields) > MaxFields {
			v.add(where, "%d fields, over %d", len(fields), MaxFields)
		}
		for j, f := range fields {
			v.text(fmt.Sprintf("%s field %d", where, j), f, MaxFieldText, "")
		}
		if acc, ok := obj["accessory"]; ok {
			v.element(where+" accessory", acc)
		}
	case "header":
		v.text(where+" text", obj["text"], MaxHeaderText, slack.PlainTextType)
	case "context":
		els, _ := obj["elements"].([]any)
		if len(els) == 0 || len(els) > MaxContextElements {
			v.add(where, "%d elements, want 1–%d", len(els), MaxContextElements)
		}
		for j, e := range els {
			v.element(fmt.Sprintf("%s element %d", where, j), e)
		}
	case "actions":
		els, _ := obj["elements"].([]any)
		if len(els) == 0 || len(els) > MaxActionElements {
			v.add(where, "%d elements, want 1–%d", len(els), MaxActionElements)
		}
		for j, e := range els {
			v.element(fmt.Sprintf("%s element %d", where, j), e)
		}
	case "image":
		v.element(where, obj)
	case "markdown":
		if s, _ := obj["text"].(string); s == "" || chars(s) > 12000 {
			v.add(where, "text is %d characters, want 1–12000", chars(s))
		}
	case "divider", "rich_text", "input", "file", "video", "table", "context_actions":
	case "":
		v.add(where, "has no type")
	}
	v.actionIDsIn(where, obj)
}

// text checks a text object: its type (want, if set), a non-empty text of
// at most max characters, and no emoji flag on mrkdwn.
func (v *validator) text(where string, t any, max int, want string) {
	obj, ok := t.(map[string]any)
	if !ok {
		v.add(where, "is not a text object")
		return
	}
	typ, _ := obj["type"].(string)
	s, _ := obj["text"].(string)
	switch {
	case typ != slack.PlainTextType && typ != slack.MarkdownType:
		v.add(where, "type %q is not plain_text or mrkdwn", typ)
	case want != "" && typ != want:
		v.add(where, "type is %s, want %s", typ, want)
	case typ == slack.MarkdownType && obj["emoji"] != nil:
		v.add(where, "emoji is set on mrkdwn")
	}
	switch n := chars(s); {
	case strings.TrimSpace(s) == "":
		v.add(where, "is empty")
	case n > max:
		v.add(where, "is %d characters, over %d", n, max)
	}
}

// element checks a block element or context element.
func (v *validator) element(where string, e any) {
	obj, ok := e.(map[string]any)
	if !ok {
		v.add(where, "is not an object")
		return
	}
	typ, _ := obj["type"].(string)
	where += " (" + typ + ")"
	switch typ {
	case slack.PlainTextType, slack.MarkdownType:
		v.text(where, obj, MaxSectionText, "")
	case "button":
		v.text(where+" text", obj["text"], MaxButtonText, slack.PlainTextType)
		v.maxString(where, obj, "value", MaxButtonValue)
		v.maxString(where, obj, "url", MaxURL)
		if s, _ := obj["style"].(string); s != "" && s != "primary" && s != "danger" {
			v.add(where, "style %q is not primary or danger", s)
		}
	case "image":
		v.maxString(where, obj, "image_url", MaxURL)
		if s, _ := obj["alt_text"].(string); s == "" || chars(s) > 2000 {
			v.add(where, "alt_text is %d characters, want 1–2000", chars(s))
		}
	case "":
		v.add(where, "has no type")
	}
	if c, ok := obj["confirm"]; ok {
		v.confirm(where+" confirm", c)
	}
}

func (v *validator) confirm(where string, c any) {
	obj, ok := c.(map[string]any)
	if !ok {
		v.add(where, "is not an object")
		return
	}
	v.text(where+" title", obj["title"], 100, slack.PlainTextType)
	v.text(where+" text", obj["text"], 300, "")
	v.text(where+" confirm", obj["confirm"], 30, slack.PlainTextType)
	v.text(where+" deny", obj["deny"], 30, slack.PlainTextType)
}

func (v *validator) maxString(where string, obj map[string]any, key string, max int) {
	if s, _ := obj[key].(string); chars(s) > max {
		v.add(where, "%s is %d characters, over %d", key, chars(s), max)
	}
}

// actionIDsIn finds every action_id in a block, however deep, and checks
// that it is short and unique in the message.
func (v *validator) actionIDsIn(where string, x any) {
	switch x := x.(type) {
	case map[string]any:
		if id, ok := x["action_id"].(string); ok && id != "" {
			if chars(id) > MaxID {
				v.add(where, "action_id is %d characters, over %d", chars(id), MaxID)
			}
			if v.actionIDs[id] {
				v.add(where, "action_id %q is not unique", clip(id, 60))
			}
			v.actionIDs[id] = true
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			v.actionIDsIn(where, x[k])
		}
	case []any:
		for _, e := range x {
			v.actionIDsIn(where, e)
		}
	}
}
