package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Block Kit limits the fake enforces, as Slack documents them.
const (
	MaxMessageBlocks   = 50
	MaxModalBlocks     = 100
	MaxMessageText     = 40000
	MaxSectionText     = 3000
	MaxSectionFields   = 10
	MaxFieldText       = 2000
	MaxHeaderText      = 150
	MaxContextElements = 10
	MaxActionsElements = 25
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxURL             = 3000
	MaxID              = 255 // action_id, block_id
	MaxMarkdownText    = 12000
	MaxInputMaxLength  = 3000
	MaxModalTitle      = 24
)

// Rejection is a message or view the fake refused as Slack would.
type Rejection struct {
	Method   string // chat.postMessage, chat.update, response_url, ack, views.open, …
	Channel  string
	Error    string   // Slack's error: invalid_blocks, msg_blocks_too_long, no_text, …
	Messages []string // response_metadata.messages, e.g. "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
	Text     string
	Blocks   json.RawMessage // as sent
	At       time.Time
}

// Rejections lists every refused message or view, in order.
func (s *Server) Rejections() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejections...)
}

func (s *Server) reject(method, channel, text string, blocks json.RawMessage, err error) {
	ae, _ := err.(*apiError)
	r := Rejection{Method: method, Channel: channel, Text: text, Blocks: append(json.RawMessage(nil), blocks...), At: time.Now()}
	if ae != nil {
		r.Error, r.Messages = ae.Code, ae.Messages
	}
	s.mu.Lock()
	s.rejections = append(s.rejections, r)
	s.notifyLocked()
	s.mu.Unlock()
	s.opts.Logger.Info("slackfake: message rejected", "method", method, "error", r.Error, "messages", r.Messages)
}

// checkMessage validates a message as Slack does and returns its blocks as
// compact JSON (nil if none).
func (s *Server) checkMessage(text string, blocks json.RawMessage, attachments bool) (json.RawMessage, error) {
	list, compact, err := parseBlocks(blocks)
	if err != nil {
		return nil, err
	}
	if text == "" && len(list) == 0 && !attachments {
		return nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > MaxMessageText {
		return nil, fail("msg_too_long")
	}
	c := newChecker()
	c.blocks(list, "/blocks", MaxMessageBlocks)
	if len(c.problems) > 0 {
		return nil, &apiError{Code: "invalid_blocks", Messages: c.problems}
	}
	if len(compact) > s.opts.MaxBlocksBytes {
		return nil, &apiError{Code: "msg_blocks_too_long", Messages: []string{
			fmt.Sprintf("[ERROR] blocks are %d bytes; the limit is %d [json-pointer:/blocks]", len(compact), s.opts.MaxBlocksBytes),
		}}
	}
	return compact, nil
}

// parseBlocks decodes a blocks argument: absent, null and [] are no blocks.
func parseBlocks(raw json.RawMessage) ([]any, json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil, nil
	}
	var list []any
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, nil, &apiError{Code: "invalid_blocks_format", Messages: []string{"[ERROR] blocks must be a JSON array of objects"}}
	}
	if len(list) == 0 {
		return nil, nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, nil, fail("invalid_blocks_format")
	}
	return list, buf.Bytes(), nil
}

// checker walks a block list and collects Slack-style problems.
type checker struct {
	problems []string
	blockIDs map[string]bool
}

func newChecker() *checker { return &checker{blockIDs: map[string]bool{}} }

func (c *checker) bad(ptr, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, ptr)...))
}

func (c *checker) blocks(list []any, ptr string, max int) {
	if len(list) > max {
		c.bad(ptr, "no more than %d items allowed", max)
	}
	for i, b := range list {
		p := fmt.Sprintf("%s/%d", ptr, i)
		obj, ok := b.(map[string]any)
		if !ok {
			c.bad(p, "must be an object")
			continue
		}
		c.block(obj, p)
	}
}

func (c *checker) block(b map[string]any, ptr string) {
	if id, ok := b["block_id"]; ok {
		s, isStr := id.(string)
		switch {
		case !isStr:
			c.bad(ptr+"/block_id", "must be a string")
		case utf8.RuneCountInString(s) > MaxID:
			c.bad(ptr+"/block_id", "must be less than %d characters", MaxID+1)
		case c.blockIDs[s]:
			c.bad(ptr+"/block_id", "duplicate block_id %q", s)
		default:
			c.blockIDs[s] = true
		}
	}
	actionIDs := map[string]bool{} // unique within a block
	typ, _ := b["type"].(string)
	switch typ {
	case "section":
		text, hasText := b["text"]
		fields, hasFields := b["fields"]
		if !hasText && !hasFields {
			c.bad(ptr, "must provide either text or fields")
		}
		if hasText {
			c.text(text, ptr+"/text", MaxSectionText, false)
		}
		if hasFields {
			list, _ := fields.([]any)
			if len(list) > MaxSectionFields {
				c.bad(ptr+"/fields", "no more than %d items allowed", MaxSectionFields)
			}
			for i, f := range list {
				c.text(f, fmt.Sprintf("%s/fields/%d", ptr, i), MaxFieldText, false)
			}
		}
		if acc, ok := b["accessory"]; ok {
			c.element(acc, ptr+"/accessory", actionIDs)
		}
	case "header":
		c.text(b["text"], ptr+"/text", MaxHeaderText, true)
	case "context":
		list, _ := b["elements"].([]any)
		if len(list) == 0 {
			c.bad(ptr+"/elements", "must provide at least 1 item")
		}
		if len(list) > MaxContextElements {
			c.bad(ptr+"/elements", "no more than %d items allowed", MaxContextElements)
		}
		for i, e := range list {
			p := fmt.Sprintf("%s/elements/%d", ptr, i)
			if m, _ := e.(map[string]any); m != nil && m["type"] == "image" {
				c.image(m, p)
				continue
			}
			c.text(e, p, MaxSectionText, false)
		}
	case "actions":
		list, _ := b["elements"].([]any)
		if len(list) == 0 {
			c.bad(ptr+"/elements", "must provide at least 1 item")
		}
		if len(list) > MaxActionsElements {
			c.bad(ptr+"/elements", "no more than %d items allowed", MaxActionsElements)
		}
		for i, e := range list {
			c.element(e, fmt.Sprintf("%s/elements/%d", ptr, i), actionIDs)
		}
	case "divider":
	case "image":
		c.image(b, ptr)
	case "markdown":
		s, _ := b["text"].(string)
		if n := utf8.RuneCountInString(s); n == 0 || n > MaxMarkdownText {
			c.bad(ptr+"/text", "must be between 1 and %d characters", MaxMarkdownText)
		}
	case "input":
		c.text(b["label"], ptr+"/label", MaxFieldText, true)
		if h, ok := b["hint"]; ok {
			c.text(h, ptr+"/hint", MaxFieldText, true)
		}
		if _, ok := b["element"]; !ok {
			c.bad(ptr+"/element", "is required")
		} else {
			c.element(b["element"], ptr+"/element", actionIDs)
		}
	case "rich_text", "file", "video", "table", "context_actions":
		// Accepted; their inner structure is not checked.
	case "":
		c.bad(ptr+"/type", "is required")
	default:
		c.bad(ptr+"/type", "unsupported type: %s", typ)
	}
}

// text checks a text object: its type, and 1..max characters.
func (c *checker) text(v any, ptr string, max int, plainOnly bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.bad(ptr, "must be a text object")
		return
	}
	switch obj["type"] {
	case "plain_text":
	case "mrkdwn":
		if plainOnly {
			c.bad(ptr+"/type", "must be plain_text")
		}
	default:
		c.bad(ptr+"/type", "must be plain_text or mrkdwn")
	}
	s, isStr := obj["text"].(string)
	n := utf8.RuneCountInString(s)
	switch {
	case !isStr:
		c.bad(ptr+"/text", "must provide a string")
	case n == 0:
		c.bad(ptr+"/text", "must be more than 0 characters")
	case n > max:
		c.bad(ptr+"/text", "must be less than %d characters", max+1)
	}
}

func (c *checker) image(m map[string]any, ptr string) {
	u, _ := m["image_url"].(string)
	if _, file := m["slack_file"]; u == "" && !file {
		c.bad(ptr+"/image_url", "is required")
	}
	if utf8.RuneCountInString(u) > MaxURL {
		c.bad(ptr+"/image_url", "must be less than %d characters", MaxURL+1)
	}
	alt, _ := m["alt_text"].(string)
	if n := utf8.RuneCountInString(alt); n == 0 || n > MaxFieldText {
		c.bad(ptr+"/alt_text", "must be between 1 and %d characters", MaxFieldText)
	}
}

// elementTypes are the interactive elements Slack accepts.
func knownElement(t string) bool {
	switch t {
	case "button", "checkboxes", "datepicker", "datetimepicker", "email_text_input", "image",
		"multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select",
		"multi_channels_select", "number_input", "overflow", "plain_text_input", "radio_buttons",
		"rich_text_input", "static_select", "external_select", "users_select", "conversations_select",
		"channels_select", "timepicker", "url_text_input", "file_input", "workflow_button":
		return true
	}
	return false
}

func (c *checker) element(v any, ptr string, actionIDs map[string]bool) {
	e, ok := v.(map[string]any)
	if !ok {
		c.bad(ptr, "must be an object")
		return
	}
	typ, _ := e["type"].(string)
	if !knownElement(typ) {
		c.bad(ptr+"/type", "unsupported type: %s", typ)
		return
	}
	if id, ok := e["action_id"]; ok {
		s, _ := id.(string)
		switch {
		case utf8.RuneCountInString(s) > MaxID:
			c.bad(ptr+"/action_id", "must be less than %d characters", MaxID+1)
		case actionIDs[s]:
			c.bad(ptr+"/action_id", "duplicate action_id %q", s)
		default:
			actionIDs[s] = true
		}
	}
	switch typ {
	case "button":
		c.text(e["text"], ptr+"/text", MaxButtonText, true)
		if v, ok := e["value"].(string); ok && utf8.RuneCountInString(v) > MaxButtonValue {
			c.bad(ptr+"/value", "must be less than %d characters", MaxButtonValue+1)
		}
		if u, ok := e["url"].(string); ok && utf8.RuneCountInString(u) > MaxURL {
			c.bad(ptr+"/url", "must be less than %d characters", MaxURL+1)
		}
		if st, ok := e["style"].(string); ok && st != "primary" && st != "danger" {
			c.bad(ptr+"/style", "must be one of primary, danger")
		}
	case "image":
		c.image(e, ptr)
	case "plain_text_input":
		for _, k := range []string{"max_length", "min_length"} {
			if n, ok := e[k].(float64); ok && n > MaxInputMaxLength {
				c.bad(ptr+"/"+k, "must be at most %d", MaxInputMaxLength)
			}
		}
	}
}
