package blocks

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// chars counts s as Slack's limits do, conservatively: in UTF-16 code
// units, so an emoji outside the BMP counts two.
func chars(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// sanitize makes untrusted text safe to display: invalid UTF-8 becomes
// U+FFFD, line breaks and tabs become spaces, other control characters and
// bidirectional embeddings, overrides and isolates (which can reorder what a
// reader sees) are dropped. Runs of spaces are kept.
func sanitize(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case unsafeRune(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || isBidiControl(r) || r == 0x2028 || r == 0x2029
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// esc escapes the three characters Slack's mrkdwn reserves.
func esc(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// unesc reverses esc.
func unesc(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// md turns untrusted text into mrkdwn: sanitized, escaped, and shortened so
// that the escaped text is at most max characters. An entity is never cut.
//
// It reads s once and stops a little past max, so a huge value costs no
// more than a short one.
func md(s string, max int) string {
	s = strings.TrimSpace(s)
	var kept []rune
	used, cut := 0, -1
	for _, r := range s { // invalid UTF-8 arrives as U+FFFD
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == 0x2028 || r == 0x2029:
			r = ' '
		case unsafeRune(r):
			continue
		}
		n := escLen(r)
		if cut < 0 && used+n > max-1 {
			cut = len(kept)
		}
		used += n
		kept = append(kept, r)
		if used > max && len(kept) > cut+8 { // enough to see a combined character
			break
		}
	}
	if used <= max {
		return esc(strings.TrimSpace(string(kept)))
	}
	return esc(string(kept[:graphemeCut(kept, cut)])) + "…"
}

// escLen is the length of r once escaped for mrkdwn.
func escLen(r rune) int {
	switch r {
	case '&':
		return 5
	case '<', '>':
		return 4
	}
	return utf16.RuneLen(r)
}

// clip shortens plain (unescaped) text to at most max characters, ending
// with "…".
func clip(s string, max int) string {
	if chars(s) <= max {
		return s
	}
	runes := []rune(s)
	cut, used := 0, 0
	for cut < len(runes) {
		n := utf16.RuneLen(runes[cut])
		if used+n > max-1 {
			break
		}
		used += n
		cut++
	}
	return string(runes[:graphemeCut(runes, cut)]) + "…"
}

// graphemeCut moves a cut point in runes back so that it does not split a
// combined character: a base and its combining marks, variation selectors,
// skin tones or tags, a ZWJ sequence, or a flag's pair of regional
// indicators.
func graphemeCut(runes []rune, cut int) int {
	for cut > 0 && cut < len(runes) && (extends(runes[cut]) || runes[cut-1] == 0x200D) {
		cut--
	}
	if cut > 0 && cut < len(runes) && isRegional(runes[cut]) {
		n := 0
		for i := cut - 1; i >= 0 && isRegional(runes[i]); i-- {
			n++
		}
		if n%2 == 1 {
			cut--
		}
	}
	return cut
}

func extends(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == 0x200D ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// clipMarkup shortens mrkdwn we assembled to at most max characters without
// breaking a <…> token or an &…; entity: at the last line break that keeps
// most of the text, else just before the token or entity it would split.
func clipMarkup(s string, max int) string {
	if chars(s) <= max {
		return s
	}
	runes := []rune(s)
	cut, used := 0, 0
	for cut < len(runes) && used+utf16.RuneLen(runes[cut]) <= max-1 {
		used += utf16.RuneLen(runes[cut])
		cut++
	}
	head := string(runes[:graphemeCut(runes, cut)])
	if i := strings.LastIndexByte(head, '\n'); i > len(head)*2/3 {
		return head[:i] + "\n…"
	}
	if lt := strings.LastIndexByte(head, '<'); lt > strings.LastIndexByte(head, '>') {
		head = head[:lt]
	}
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && amp > strings.LastIndexByte(head, ';') {
		head = head[:amp]
	}
	return head + "…"
}

// stripTicks removes backticks so that data can sit inside `code`.
func stripTicks(s string) string { return strings.ReplaceAll(s, "`", "'") }

// code is untrusted text as inline code, shortened to max.
func code(s string, max int) string {
	v := md(stripTicks(s), max)
	if v == "" {
		return ""
	}
	return "`" + v + "`"
}

// plainText is untrusted text for a plain_text object (not parsed by Slack,
// so not escaped), shortened to max.
func plainText(s string, max int) string { return clip(strings.TrimSpace(sanitize(s)), max) }

// when is t as a Slack date token, which each reader sees in their own
// zone, with a fallback in tz. Zero t gives "".
func when(t time.Time, tz *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^{date_short_pretty} {time}|" + stamp(t, tz) + ">"
}

// stamp is t for people who read plain text: "2026-11-28 14:25 UTC".
func stamp(t time.Time, tz *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(tz).Format("2006-01-02 15:04 MST")
}

// age says how long ago t was before now, coarsely: "3 days", "5 hours".
func age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return ""
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours")
	default:
		return plural(int(d/(24*time.Hour)), "day", "days")
	}
}

// count formats n with thousands separators: 1,000.
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// plural is "1 user" or "2,000 users".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(n) + " " + many
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// slackUserID matches Slack user ids (U…, or W… on Enterprise Grid).
var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// person is a Slack user id as a mention, or anything else (such as
// "cli:alice") as escaped text.
func person(id string, max int) string {
	if slackUserID.MatchString(id) {
		return "<@" + id + ">"
	}
	return md(id, max)
}

func byWord(who string) string {
	if who == "" {
		return ""
	}
	return "by " + who
}

// until says how far in the future t is: "in 3 hours". Zero now, or t
// not in the future, gives "".
func until(now, t time.Time) string {
	switch d := t.Sub(now); {
	case now.IsZero() || d <= 0:
		return ""
	case d < time.Minute:
		return "in under a minute"
	default:
		return "in " + age(t, now)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
