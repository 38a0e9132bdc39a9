package intents

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns the text of a slash command into tokens: Slack's markup is
// unwrapped first, then the text after the verb is split into words, quoted
// strings, key:value options, an optional JSON body and a trailing reason.

// maxBody is the largest JSON body accepted, in bytes.
const maxBody = 16 << 10

// token is one word of the command after the verb.
type token struct {
	key    string // the key of a key:value option as typed; "" for a bare word
	val    string // the value, with quotes removed and escapes applied
	raw    string // the token as typed (key, colon and value)
	quoted bool   // some part of the value was quoted
}

// lexed is the command after the verb.
type lexed struct {
	toks      []token
	reason    string
	hasReason bool
	body      json.RawMessage
}

// Unslack undoes Slack's formatting of message text: <mailto:a@b|a@b> and
// <http://x|x> links become what the person typed, <@U123|name> mentions
// become <@U123>, channel and group mentions their label, and &amp; &lt;
// &gt; their characters. Zero-width characters some clients insert are
// dropped. Markup is unwrapped before entities are decoded, so an escaped
// "&lt;" never becomes markup.
func Unslack(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '<':
			end := strings.IndexByte(s[i+1:], '>')
			if end < 0 || strings.IndexByte(s[i+1:i+1+end], '<') >= 0 {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(unentity(unwrapMarkup(s[i+1 : i+1+end])))
			i += end + 2
		case '&':
			n := entityLen(s[i:])
			if n == 0 {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(unentity(s[i : i+n]))
			i += n
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !ignorable(r) {
				b.WriteString(s[i : i+size])
			}
			i += size
		}
	}
	return b.String()
}

// unwrapMarkup returns what one <…> element stands for.
func unwrapMarkup(inner string) string {
	target, label, hasLabel := strings.Cut(inner, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		// A user mention: the bot maps the id to an Okta login later.
		return "<" + target + ">"
	case strings.HasPrefix(target, "#"), strings.HasPrefix(target, "!"):
		if hasLabel && label != "" {
			if strings.HasPrefix(target, "#") && !strings.HasPrefix(label, "#") {
				return "#" + label
			}
			return label
		}
		if name, ok := strings.CutPrefix(target, "!"); ok && !strings.ContainsAny(name, "^") {
			return "@" + name // <!here>, <!channel>, <!everyone>
		}
		return "<" + target + ">"
	case hasLabel && label != "":
		return label // a link: the label is what the person typed
	default:
		return strings.TrimPrefix(target, "mailto:")
	}
}

// entityLen is the length of the Slack entity at the start of s, or 0.
func entityLen(s string) int {
	for _, e := range []string{"&amp;", "&lt;", "&gt;"} {
		if strings.HasPrefix(s, e) {
			return len(e)
		}
	}
	return 0
}

// unentity decodes the three entities Slack escapes.
func unentity(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// ignorable reports whether r is a zero-width character that clients paste
// into text.
func ignorable(r rune) bool {
	return r == '\u200b' || r == '\u2060' || r == '\ufeff'
}

// IsQuote reports whether r opens or closes a quoted string: the straight
// double quote and the curly ones Slack clients substitute.
func IsQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

// IsKeyStart and IsKeyByte describe option keys and profile attribute
// names: [A-Za-z][A-Za-z0-9_-]*. IsKeyStart is the first byte.
func IsKeyStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// IsKeyByte is a byte after the first.
func IsKeyByte(c byte) bool { return IsKeyStart(c) || '0' <= c && c <= '9' || c == '_' || c == '-' }

// lexer splits the text after the verb.
type lexer struct {
	s        string
	pos      int
	bodies   bool // the kind takes a JSON body: a '{' starts it
	isReason func(key string) bool
}

// lex splits s. A '{' starts Okta's JSON when the kind takes a body; a
// reason: option takes the rest of the text.
func lex(s string, bodies bool, isReason func(key string) bool) (lexed, error) {
	lx := &lexer{s: s, bodies: bodies, isReason: isReason}
	var out lexed
	for {
		lx.skipSpace()
		if lx.pos >= len(lx.s) {
			return out, nil
		}
		if lx.bodies && lx.s[lx.pos] == '{' {
			return lx.rest(out)
		}
		start := lx.pos
		key := lx.key()
		if key != "" && lx.isReason(key) {
			out.reason, out.hasReason = ReasonText(lx.s[lx.pos:]), true
			return out, nil
		}
		if key != "" && lx.atSpace() {
			// "key: value": the value is the next word.
			lx.skipSpace()
			if lx.pos >= len(lx.s) {
				return lexed{}, Invalid("%s: needs a value, as in %s:value", key, key)
			}
		}
		val, quoted, err := lx.value()
		if err != nil {
			return lexed{}, err
		}
		out.toks = append(out.toks, token{key: key, val: val, raw: lx.s[start:lx.pos], quoted: quoted})
	}
}

// rest reads the JSON body at the cursor: it is the rest of the line, and
// only a reason may follow it.
func (lx *lexer) rest(out lexed) (lexed, error) {
	body, err := lx.body()
	if err != nil {
		return lexed{}, err
	}
	out.body = body
	lx.skipSpace()
	if lx.pos >= len(lx.s) {
		return out, nil
	}
	if k := lx.key(); k == "" || !lx.isReason(k) {
		return lexed{}, Invalid("only reason: may follow the JSON body (got %q); put the other arguments before the {", Excerpt(lx.s[lx.pos:]))
	}
	out.reason, out.hasReason = ReasonText(lx.s[lx.pos:]), true
	return out, nil
}

func (lx *lexer) atSpace() bool {
	if lx.pos >= len(lx.s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(lx.s[lx.pos:])
	return unicode.IsSpace(r)
}

func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.s) {
		r, size := utf8.DecodeRuneInString(lx.s[lx.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		lx.pos += size
	}
}

// key reads "name:" at the cursor and returns name, or returns "" and
// leaves the cursor alone. "https://…" is a value, not a key.
func (lx *lexer) key() string {
	s := lx.s[lx.pos:]
	if s == "" || !IsKeyStart(s[0]) {
		return ""
	}
	i := 1
	for i < len(s) && IsKeyByte(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != ':' || strings.HasPrefix(s[i+1:], "//") {
		return ""
	}
	lx.pos += i + 1
	return s[:i]
}

// value reads one word: bare characters and quoted strings glued together,
// up to unquoted white space (or a '{' when the kind takes a body). Inside
// quotes \" and \\ are escapes; other backslashes are kept.
func (lx *lexer) value() (string, bool, error) {
	var b strings.Builder
	quoted := false
	for lx.pos < len(lx.s) {
		r, size := utf8.DecodeRuneInString(lx.s[lx.pos:])
		switch {
		case unicode.IsSpace(r):
			return b.String(), quoted, nil
		case r == '{' && lx.bodies:
			return b.String(), quoted, nil
		case IsQuote(r):
			open := lx.pos
			lx.pos += size
			if err := lx.quoted(&b, open); err != nil {
				return "", false, err
			}
			quoted = true
		default:
			b.WriteString(lx.s[lx.pos : lx.pos+size])
			lx.pos += size
		}
	}
	return b.String(), quoted, nil
}

// quoted reads a quoted string after its opening quote, up to the closing
// one.
func (lx *lexer) quoted(b *strings.Builder, open int) error {
	for lx.pos < len(lx.s) {
		r, size := utf8.DecodeRuneInString(lx.s[lx.pos:])
		switch {
		case r == '\\' && lx.pos+size < len(lx.s):
			next, nsize := utf8.DecodeRuneInString(lx.s[lx.pos+size:])
			if IsQuote(next) || next == '\\' {
				b.WriteRune(next)
				lx.pos += size + nsize
				continue
			}
			b.WriteRune(r)
			lx.pos += size
		case IsQuote(r):
			lx.pos += size
			return nil
		default:
			b.WriteString(lx.s[lx.pos : lx.pos+size])
			lx.pos += size
		}
	}
	return Invalid("a quote is not closed: %s", Excerpt(lx.s[open:]))
}

// body reads Okta's JSON object at the cursor. Curly quotes a Slack client
// substituted for straight ones are straightened when the JSON does not
// parse as typed.
func (lx *lexer) body() (json.RawMessage, error) {
	raw, n, err := DecodeObject(lx.s[lx.pos:])
	if err != nil {
		straight := strings.NewReplacer("“", `"`, "”", `"`).Replace(lx.s[lx.pos:])
		if straight == lx.s[lx.pos:] {
			return nil, err
		}
		var err2 error
		if raw, n, err2 = DecodeObject(straight); err2 != nil {
			return nil, err
		}
		lx.s = lx.s[:lx.pos] + straight
	}
	lx.pos += n
	return raw, nil
}

// DecodeObject reads one JSON object at the start of s and returns it,
// compacted, with the number of bytes it took.
func DecodeObject(s string) (json.RawMessage, int, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, 0, Invalid("the JSON body does not parse (%s); give one JSON object, e.g. {\"name\":\"value\"}", jsonProblem(err))
	}
	n := int(dec.InputOffset())
	if n > maxBody {
		return nil, 0, Invalid("the JSON body is %d bytes; the limit is %d", n, maxBody)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, 0, Invalid("the JSON body does not parse (%s)", jsonProblem(err))
	}
	return json.RawMessage(b.Bytes()), n, nil
}

// jsonProblem shortens encoding/json's message for people.
func jsonProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if msg == "EOF" || msg == "unexpected EOF" {
		return "it ends too soon: a } or \" is missing"
	}
	return msg
}

// ReasonText is the rest of the command after "reason:": white space
// collapsed, and one quoted string unquoted.
func ReasonText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r, size := utf8.DecodeRuneInString(s)
	last, lsize := utf8.DecodeLastRuneInString(s)
	if len(s) >= size+lsize && IsQuote(r) && IsQuote(last) {
		inner := s[size : len(s)-lsize]
		if !strings.ContainsFunc(inner, IsQuote) {
			return strings.TrimSpace(inner)
		}
	}
	return s
}

// Excerpt quotes the start of s for an error message.
func Excerpt(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
