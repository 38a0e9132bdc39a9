package blocks

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Choice is a button of a message rendered by Plain, numbered as shown:
// "[N] Label". A terminal that reads N acts as a click with this action id,
// block id and value.
type Choice struct {
	N        int
	Label    string
	ActionID string
	BlockID  string
	Value    string
}

const rule = "────────────────────────────────────────"

// Plain renders a Block Kit message as readable text for a terminal:
// headers underlined, sections and fields as lines, context indented,
// dividers as rules, and buttons as numbered choices
// ("[1] ◀ Prev  [2] ▶ Next  [3] Export CSV"), returned too. Slack tokens
// become text (dates their fallback), entities are unescaped, emoji
// shortcodes this package uses become Unicode, and control characters are
// removed, so Okta data cannot drive the terminal.
func Plain(m Message) (string, []Choice) {
	raw, err := marshalBlocks(m.Blocks)
	var blocks []any
	if err != nil || json.Unmarshal(raw, &blocks) != nil || len(blocks) == 0 {
		return terminalSafe(fromMrkdwn(m.Text)), nil
	}
	p := plainer{}
	for _, b := range blocks {
		if obj, ok := b.(map[string]any); ok {
			p.block(obj)
		}
	}
	return terminalSafe(strings.TrimRight(strings.Join(p.out, "\n"), "\n")), p.choices
}

type plainer struct {
	out     []string
	choices []Choice
	prev    string // type and id of the previous block
}

func (p *plainer) block(b map[string]any) {
	blockID, _ := b["block_id"].(string)
	typ, _ := b["type"].(string)
	// A blank line between sections, except between the row sections of
	// one list.
	if typ == "section" && strings.HasPrefix(p.prev, "section ") &&
		!(strings.HasPrefix(p.prev, "section rows_") && strings.HasPrefix(blockID, "rows_")) {
		p.out = append(p.out, "")
	}
	p.prev = typ + " " + blockID
	switch typ {
	case "header":
		t := textOf(b["text"])
		if len(p.out) > 0 {
			p.out = append(p.out, "")
		}
		p.out = append(p.out, t, strings.Repeat("═", min(max(displayWidth(t), 3), 60)))
	case "section":
		if t, ok := b["text"]; ok {
			p.out = append(p.out, textOf(t))
		}
		fields, _ := b["fields"].([]any)
		for _, f := range fields {
			lines := strings.Split(textOf(f), "\n")
			line := lines[0]
			if len(lines) > 1 {
				line += ": " + strings.Join(lines[1:], " ")
			}
			p.out = append(p.out, "  "+line)
		}
		if acc, ok := b["accessory"].(map[string]any); ok && acc["type"] == "button" {
			p.out = append(p.out, p.buttons(blockID, []any{acc}))
		}
	case "context":
		els, _ := b["elements"].([]any)
		var parts []string
		for _, e := range els {
			if obj, ok := e.(map[string]any); ok {
				if obj["type"] == "image" {
					alt, _ := obj["alt_text"].(string)
					parts = append(parts, "["+alt+"]")
				} else {
					parts = append(parts, textOf(obj))
				}
			}
		}
		p.out = append(p.out, "  "+strings.Join(parts, "  ·  "))
	case "divider":
		p.out = append(p.out, rule)
	case "actions":
		els, _ := b["elements"].([]any)
		if line := p.buttons(blockID, els); line != "" {
			p.out = append(p.out, line)
		}
	case "image":
		alt, _ := b["alt_text"].(string)
		p.out = append(p.out, "[image: "+alt+"]")
	default:
		var texts []string
		collectText(b, &texts)
		if len(texts) > 0 {
			p.out = append(p.out, strings.Join(texts, ""))
		}
	}
}

// buttons numbers the buttons of an actions block as choices.
func (p *plainer) buttons(blockID string, els []any) string {
	var parts []string
	for _, e := range els {
		obj, ok := e.(map[string]any)
		if !ok || obj["type"] != "button" {
			continue
		}
		c := Choice{N: len(p.choices) + 1, Label: textOf(obj["text"]), BlockID: blockID}
		c.ActionID, _ = obj["action_id"].(string)
		c.Value, _ = obj["value"].(string)
		p.choices = append(p.choices, c)
		parts = append(parts, "["+strconv.Itoa(c.N)+"] "+c.Label)
	}
	return strings.Join(parts, "  ")
}

// textOf renders a text object: mrkdwn converted, plain_text as is.
func textOf(t any) string {
	obj, ok := t.(map[string]any)
	if !ok {
		return ""
	}
	s, _ := obj["text"].(string)
	if obj["type"] == "mrkdwn" {
		return fromMrkdwn(s)
	}
	return shortcodes(s)
}

func collectText(x any, out *[]string) {
	switch x := x.(type) {
	case map[string]any:
		if s, ok := x["text"].(string); ok {
			*out = append(*out, s)
		}
		for _, k := range []string{"elements", "text"} {
			if v, ok := x[k]; ok {
				collectText(v, out)
			}
		}
	case []any:
		for _, e := range x {
			collectText(e, out)
		}
	}
}

// fromMrkdwn turns mrkdwn into terminal text: tokens to text, *bold* and
// _italic_ markers dropped (not inside `code`), shortcodes to Unicode,
// entities unescaped last.
func fromMrkdwn(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(s)
			break
		}
		gt := strings.IndexByte(s[lt:], '>')
		if gt < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:lt])
		b.WriteString(renderToken(s[lt+1 : lt+gt]))
		s = s[lt+gt+1:]
	}
	return unesc(shortcodes(emphasis(b.String())))
}

// renderToken renders the inside of a <…> token.
func renderToken(t string) string {
	label := ""
	if i := strings.IndexByte(t, '|'); i >= 0 {
		t, label = t[:i], t[i+1:]
	}
	switch {
	case strings.HasPrefix(t, "!date^"):
		if label != "" {
			return label
		}
		parts := strings.Split(t, "^")
		if len(parts) > 1 {
			if n, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
				return stamp(time.Unix(n, 0), time.UTC)
			}
		}
		return t
	case strings.HasPrefix(t, "!subteam^"):
		if label != "" {
			return label
		}
		return "@" + strings.TrimPrefix(t, "!subteam^")
	case strings.HasPrefix(t, "!"):
		return "@" + t[1:]
	case strings.HasPrefix(t, "@"), strings.HasPrefix(t, "#"):
		if label != "" {
			return t[:1] + strings.TrimLeft(label, "@#")
		}
		return t
	case label != "":
		return label + " (" + t + ")"
	default:
		return t
	}
}

// emphasis drops *bold*, _italic_ and ~strike~ markers where Slack would
// read them: a marker that opens after a boundary and closes before one,
// on one line, outside `code`.
func emphasis(s string) string {
	if !strings.ContainsAny(s, "*_~") {
		return s
	}
	r := []rune(s)
	drop := make([]bool, len(r))
	inCode := false
	boundary := func(i int) bool {
		return i < 0 || i >= len(r) || strings.ContainsRune(" \n\t([{\"'.,:;!?)]}—–-…/", r[i])
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if c == '`' {
			inCode = !inCode
			continue
		}
		if inCode || (c != '*' && c != '_' && c != '~') || !boundary(i-1) || i+1 >= len(r) || r[i+1] == ' ' || r[i+1] == c {
			continue
		}
		for j := i + 1; j < len(r) && r[j] != '\n' && r[j] != '`'; j++ {
			if r[j] == c && r[j-1] != ' ' && boundary(j+1) {
				drop[i], drop[j] = true, true
				i = j
				break
			}
		}
	}
	var b strings.Builder
	for i, c := range r {
		if !drop[i] {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// shortcodes replaces the :shortcodes: this package uses with Unicode.
func shortcodes(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			break
		}
		if u, ok := shortcodeUnicode(s[i+1 : i+1+j]); ok {
			b.WriteString(s[:i])
			b.WriteString(u)
			s = s[i+j+2:]
			continue
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
	}
	b.WriteString(s)
	return b.String()
}

// terminalSafe drops control characters (escape sequences) and bidi
// overrides, keeping line breaks.
func terminalSafe(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = sanitize(l)
	}
	return strings.Join(lines, "\n")
}

// displayWidth approximates the terminal width of s: wide East Asian
// characters and emoji count two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
			(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x20000 && r <= 0x3FFFD)):
			n += 2
		case r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F):
		default:
			n++
		}
	}
	return n
}
