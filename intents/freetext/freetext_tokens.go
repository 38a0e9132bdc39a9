package freetext

import (
	"net/netip"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// This file splits free text into tokens: words, quoted names, and the
// shapes that need no vocabulary (emails, Slack mentions, Okta ids,
// proposal ids, event types, IP addresses, numbers and key:value options).
// Every token keeps its byte span, so that names and reasons are cut from
// the text as typed.

// shape says what a token looks like.
type shape uint8

const (
	shapeWord shape = iota
	shapeEmail
	shapeMention
	shapeOktaID
	shapeProposalID
	shapeEventType
	shapeIP
	shapeNumber
	shapeOption // key:value
	shapeDate   // 2026-11-20
)

// tok is one token of free text.
type tok struct {
	raw        string // as typed, without surrounding punctuation or quotes
	low        string // lower case, with ’ straightened
	norm       string // the vocabulary word it is (typos corrected), else low
	start, end int    // byte span of raw in the text
	shape      shape
	quoted     bool
	poss       bool // it ended in 's
	sep        bool // a clause ends after it: , ; . ! ? : or a dash
	colon      bool // it ended in a colon
	first      bool // it starts a sentence
	key, val   string
}

// tokenize splits s into tokens.
func tokenize(s string) []tok {
	var out []tok
	qs := &quoteScan{}
	markSep := func() {
		if n := len(out); n > 0 {
			out[n-1].sep = true
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case isDash(r) && (i+size == len(s) || isSpaceAt(s, i+size)):
			markSep()
			i += size
			continue
		case isOpenQuote(s, i):
			if t, next, ok := qs.token(s, i); ok {
				out = append(out, t)
				i = next
				continue
			}
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			if j > i && s[j-1] == ':' && intents.IsQuote(r) {
				if _, next, ok := qs.token(s, j); ok {
					j = next // key:"a value with spaces"
					continue
				}
			}
			j += size
		}
		out = appendWord(out, s, i, j)
		i = j
	}
	for k := range out {
		out[k].first = k == 0 || out[k-1].sep
	}
	return out
}

func isSpaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

func isDash(r rune) bool { return r == '-' || r == '–' || r == '—' }

// isOpenQuote reports a quote that opens a quoted name at s[i]: a double
// quote of any kind, a curly single quote, or a straight single quote at the
// start of a word.
func isOpenQuote(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '"', '“', '”', '‘':
		return true
	case '\'':
		return i == 0 || isSpaceAt(s, i-1) || s[i-1] == '('
	}
	return false
}

// quoteScan remembers, per kind of quote, that no closing quote follows a
// position, so that text full of unclosed quotes is read in linear time.
type quoteScan struct {
	unclosed [3]int // 1 + the position after which no quote of the kind closes; 0 = unknown
}

// quoteKind groups the opening quotes that close the same way.
func quoteKind(open rune) int {
	switch open {
	case '‘':
		return 1
	case '\'':
		return 2
	}
	return 0
}

// token is quotedToken unless an earlier search showed that no quote of
// this kind closes after s[i].
func (q *quoteScan) token(s string, i int) (tok, int, bool) {
	open, _ := utf8.DecodeRuneInString(s[i:])
	k := quoteKind(open)
	if q.unclosed[k] > 0 && i >= q.unclosed[k]-1 {
		return tok{}, 0, false
	}
	t, next, ok := quotedToken(s, i)
	if !ok && next < 0 {
		q.unclosed[k] = i + 1
	}
	return t, next, ok
}

// quotedToken reads the quoted string opening at s[i]. A straight single
// quote closes only before white space, punctuation or the end. When no
// quote closes it, next is -1.
func quotedToken(s string, i int) (t tok, next int, ok bool) {
	open, size := utf8.DecodeRuneInString(s[i:])
	start := i + size
	for j := start; j < len(s); {
		r, sz := utf8.DecodeRuneInString(s[j:])
		closes := false
		switch open {
		case '"', '“', '”':
			closes = r == '"' || r == '”' || r == '“'
		case '‘':
			closes = r == '’' || r == '\''
		case '\'':
			closes = r == '\'' && (j+sz == len(s) || !isWordRune(s, j+sz))
		}
		if closes {
			raw := s[start:j]
			if strings.TrimSpace(raw) == "" {
				return tok{}, 0, false
			}
			t := tok{raw: raw, low: lower(raw), start: start, end: j, quoted: true}
			next := j + sz
			for next < len(s) {
				p, psz := utf8.DecodeRuneInString(s[next:])
				if !strings.ContainsRune(",.;!?:)", p) {
					break
				}
				t.sep = true
				t.colon = t.colon || p == ':'
				next += psz
			}
			return t, next, true
		}
		j += sz
	}
	return tok{}, -1, false
}

func isWordRune(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// trailing punctuation ends a clause; these are stripped from words.
const (
	leadPunct  = "([{\"'“‘*_"
	trailPunct = ",.;:!?)]}\"'”’…*_"
	clausePunc = ",.;:!?…"
)

// appendWord classifies the word s[i:j] and appends its token(s).
func appendWord(out []tok, s string, i, j int) []tok {
	sepBefore := false
	for i < j {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !strings.ContainsRune(leadPunct, r) {
			break
		}
		if r == '(' {
			sepBefore = true
		}
		i += size
	}
	if sepBefore && len(out) > 0 {
		out[len(out)-1].sep = true
	}
	sep, colon := false, false
	for j > i {
		r, size := utf8.DecodeLastRuneInString(s[i:j])
		if r == '>' && strings.HasPrefix(s[i:j], "<") {
			break // a mention keeps its brackets
		}
		if r == '*' && strings.HasSuffix(s[i:j], ".*") {
			break // user.authentication.*
		}
		if intents.IsQuote(r) && strings.Contains(s[i:j], ":") && j-size > i && !strings.ContainsRune(clausePunc, rune(s[j-size-1])) {
			break // key:"a quoted value"
		}
		if !strings.ContainsRune(trailPunct, r) {
			break
		}
		if strings.ContainsRune(clausePunc, r) {
			sep = true
		}
		colon = colon || r == ':'
		j -= size
	}
	if i >= j {
		if sep && len(out) > 0 {
			out[len(out)-1].sep = true
		}
		return out
	}
	t := tok{raw: s[i:j], start: i, end: j, sep: sep, colon: colon}
	if base, ok := cutPossessive(t.raw); ok {
		t.poss = true
		t.raw = base
		t.end = i + len(base)
	}
	t.low = lower(t.raw)
	t.shape = shapeOf(t.raw)
	if t.shape == shapeOption {
		k, v, _ := strings.Cut(t.raw, ":")
		t.key, t.val = k, unquoteValue(v)
	}
	if t.shape == shapeWord && strings.Contains(t.low, "-") {
		return append(out, splitHyphens(t)...)
	}
	return append(out, t)
}

// lower is strings.ToLower with curly apostrophes straightened.
func lower(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "’", "'")
}

// cutPossessive removes a trailing 's from a possessive ("john's"), but not
// from contractions ("who's", "it's").
func cutPossessive(w string) (string, bool) {
	base := ""
	for _, suf := range []string{"'s", "'S", "’s", "’S"} {
		if b, ok := strings.CutSuffix(w, suf); ok {
			base = b
			break
		}
	}
	if base == "" {
		return w, false
	}
	switch lower(base) {
	case "who", "what", "where", "that", "it", "there", "here", "let", "he", "she", "how", "when", "why":
		return w, false
	}
	return base, true
}

// unquoteValue removes the quotes around an option's value.
func unquoteValue(v string) string {
	r, size := utf8.DecodeRuneInString(v)
	last, lsize := utf8.DecodeLastRuneInString(v)
	if len(v) >= size+lsize && intents.IsQuote(r) && intents.IsQuote(last) {
		return v[size : len(v)-lsize]
	}
	return v
}

// shapeOf classifies a word by its form alone.
func shapeOf(w string) shape {
	switch {
	case intents.IsSlackMention(w):
		return shapeMention
	case intents.IsOktaUserID(w):
		return shapeOktaID
	case isEmail(w):
		return shapeEmail
	case isProposalID(w):
		return shapeProposalID
	case isEventTypeWord(w):
		return shapeEventType
	case isIP(w):
		return shapeIP
	case isDigits(w):
		return shapeNumber
	case isISODate(w):
		return shapeDate
	case isOptionWord(w):
		return shapeOption
	}
	return shapeWord
}

// isEmail reports local@domain.tld without spaces or markup.
func isEmail(w string) bool {
	at := strings.LastIndexByte(w, '@')
	if at <= 0 || at == len(w)-1 || strings.ContainsAny(w, "<>\"(),;:") || len(w) > intents.MaxLogin {
		return false
	}
	domain := w[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}

// isProposalID reports an approvals id such as p-7Q2MXK.
func isProposalID(w string) bool {
	rest, ok := strings.CutPrefix(w, "p-")
	if !ok {
		rest, ok = strings.CutPrefix(w, "P-")
	}
	if !ok || len(rest) < 4 || len(rest) > 12 || !intents.IsAlnum(rest) {
		return false
	}
	return strings.ContainsAny(rest, "0123456789") || rest == strings.ToUpper(rest)
}

// eventRoots are the first segments of Okta's event types.
var eventRoots = []string{"user", "group", "app", "application", "policy", "system", "security", "zone",
	"iam", "oauth2", "directory", "core", "org", "device", "pki", "plugin", "self_service", "task",
	"credential", "analytics", "event_hook", "inline_hook", "workflows", "network_zone", "mim", "scheduled_action"}

// isEventTypeWord reports a System Log event type or pattern:
// user.session.start, user.authentication.*.
func isEventTypeWord(w string) bool {
	root, rest, ok := strings.Cut(w, ".")
	if !ok || rest == "" {
		return false
	}
	known := false
	for _, r := range eventRoots {
		known = known || r == root
	}
	if !known {
		return false
	}
	_, err := intents.ValidEventType(w)
	return err == nil
}

func isIP(w string) bool {
	if !strings.Contains(w, ".") && strings.Count(w, ":") < 2 {
		return false
	}
	_, err := netip.ParseAddr(w)
	return err == nil
}

func isISODate(w string) bool {
	_, err := time.Parse("2006-01-02", w)
	return len(w) == 10 && err == nil
}

func isDigits(w string) bool {
	if w == "" || len(w) > 9 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// isOptionWord reports key:value with a slash-grammar key.
func isOptionWord(w string) bool {
	k, v, ok := strings.Cut(w, ":")
	if !ok || k == "" || v == "" || strings.HasPrefix(v, "//") || !intents.IsKeyStart(k[0]) {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !intents.IsKeyByte(k[i]) {
			return false
		}
	}
	return true
}

// splitHyphens turns sign-in into one vocabulary word when the joined form
// is one ("signin"), else into its parts, each with its own span.
func splitHyphens(t tok) []tok {
	joined := strings.ReplaceAll(t.low, "-", "")
	if _, ok := vocabulary[joined]; ok {
		t.low = joined
		return []tok{t}
	}
	var out []tok
	pos := t.start
	for _, part := range strings.Split(t.raw, "-") {
		if part != "" {
			out = append(out, tok{raw: part, low: lower(part), start: pos, end: pos + len(part), shape: shapeOf(part)})
		}
		pos += len(part) + 1
	}
	if len(out) == 0 {
		return nil
	}
	last := &out[len(out)-1]
	last.sep, last.colon, last.poss = t.sep, t.colon, t.poss
	for k := range out {
		if out[k].shape == shapeOption {
			out[k].shape = shapeWord
		}
	}
	return out
}
