package intents

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxText is the longest command Parse reads, in characters: Slack cuts
// slash-command text at about this length.
const MaxText = 4000

// SlashPrefix is the slash command; it is optional in front of the verb.
const SlashPrefix = "/okta"

// Parse reads one slash command, `/okta <verb> [args]` (the /okta is
// optional), into a validated Intent. It derives everything from Catalogue:
//
//   - verbs are a kind's Verbs or its name (with _ or -), in any case;
//   - positional arguments fill KindInfo.Positional in order; connective
//     words ("to", "from", "in", "of", "for", "into") between them are
//     skipped, and the last name or query argument takes the remaining words;
//   - key:value options name an Arg (or an alias such as type:, q:, since:,
//     country:); `key: value` works too; values may be quoted with straight
//     or curly quotes, with \" escapes;
//   - a bare duration (48h, 7d, 2w) is the window of kinds that take one;
//     since: and until: bound it by the clock (bounds.go), read at the
//     real time in UTC (ParseIn: another clock and zone);
//   - reason: takes the rest of the text;
//   - kinds with Fields turn other key:value pairs into profile attributes;
//   - kinds with a Body read Okta's JSON object from the first '{'.
//
// Slack's markup is unwrapped first: <mailto:a@b|a@b> and <http://x|x>
// become what was typed, <@U123|name> becomes <@U123>, and &amp; &lt; &gt;
// their characters.
//
// Empty text is Help. An unknown verb is Kind Unknown with up to three
// suggested commands and a nil error. Any invalid argument is an error
// wrapping ErrInvalid whose Detail says what to do, with the zero Intent.
// Parse never panics and never fills in defaults (see EffectiveWindow).
func Parse(text string) (Intent, error) {
	return ParseAt(text, time.Time{})
}

// ParseIn is Parse with the clock and zone of o: since:2026-11-30 starts
// at midnight in o.Location, until:2h ends two hours before o.Now.
func ParseIn(text string, o ReadOptions) (Intent, error) {
	return ParseAt(text, o.Present())
}

// ParseAt is Parse at now (zero: the real clock, in UTC).
func ParseAt(text string, now time.Time) (Intent, error) {
	if len(text) > MaxText && utf8.RuneCountInString(text) > MaxText {
		return Intent{}, Invalid("the command is longer than %d characters (Slack's limit); shorten it", MaxText)
	}
	if !utf8.ValidString(text) {
		return Intent{}, Invalid("the command is not valid UTF-8 text")
	}
	s := TrimPrefix(strings.TrimSpace(Unslack(text)))
	if s == "" {
		return Intent{Kind: Help}, nil
	}
	verb, rest := SplitWord(s)
	info, ok := LookupVerb(verb)
	if !ok {
		return Intent{Kind: Unknown, Suggestions: Suggest(verb)}, nil
	}
	in, err := parseArgs(info, rest, now)
	if err != nil {
		return Intent{}, err
	}
	return in, nil
}

// TrimPrefix removes a leading "/okta" (any case).
func TrimPrefix(s string) string {
	if len(s) < len(SlashPrefix) || !strings.EqualFold(s[:len(SlashPrefix)], SlashPrefix) {
		return s
	}
	rest := s[len(SlashPrefix):]
	if rest != "" && strings.TrimLeftFunc(rest, isSpace) == rest {
		return s // "/oktaxyz" is not the prefix
	}
	return strings.TrimSpace(rest)
}

// SplitWord splits s at its first white space.
func SplitWord(s string) (word, rest string) {
	if i := strings.IndexFunc(s, isSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// normVerb is the form verbs are compared in.
func normVerb(v string) string {
	return strings.ReplaceAll(strings.ToLower(v), "_", "-")
}

// verbsOf lists every verb of a kind, normalized: its Verbs and its name.
func verbsOf(info KindInfo) []string {
	out := make([]string, 0, len(info.Verbs)+1)
	for _, v := range info.Verbs {
		out = append(out, normVerb(v))
	}
	return append(out, normVerb(string(info.Kind)))
}

// LookupVerb finds the kind a verb names.
func LookupVerb(verb string) (KindInfo, bool) {
	v := normVerb(verb)
	for _, info := range Catalogue {
		for _, cand := range verbsOf(info) {
			if cand == v {
				return info, true
			}
		}
	}
	return KindInfo{}, false
}

// parser assigns the tokens of one command to an Intent.
type parser struct {
	info  KindInfo
	in    Intent
	set   map[Arg]bool
	slots [][]string // values given positionally, per KindInfo.Positional
	next  int        // the positional slot being filled
	// now is the clock since: and until: are read with (zero: the real
	// one); sinceAgo marks a window given as since:48h.
	now      time.Time
	sinceAgo bool
}

// parseArgs reads the arguments of one kind at now.
func parseArgs(info KindInfo, rest string, now time.Time) (Intent, error) {
	ps := &parser{
		info:  info,
		in:    Intent{Kind: info.Kind},
		set:   map[Arg]bool{},
		slots: make([][]string, len(info.Positional)),
		now:   now,
	}
	isReason := func(key string) bool { return NormKey(key) == string(ArgReason) }
	lx, err := lex(rest, info.Accepts(ArgBody), isReason)
	if err != nil {
		return Intent{}, err
	}
	for i := 0; i < len(lx.toks); i++ {
		tok := lx.toks[i]
		if tok.key != "" {
			n, err := ps.option(lx.toks[i:])
			if err != nil {
				return Intent{}, err
			}
			i += n
			continue
		}
		if err := ps.bare(lx.toks[i:]); err != nil {
			return Intent{}, err
		}
	}
	if err := ps.finishPositional(); err != nil {
		return Intent{}, err
	}
	if lx.body != nil {
		ps.setBody(lx.body)
	}
	if lx.hasReason {
		if err := ps.setReason(lx.reason); err != nil {
			return Intent{}, err
		}
	}
	if err := ps.checkWindow(); err != nil {
		return Intent{}, err
	}
	if err := ps.checkRequired(); err != nil {
		return Intent{}, err
	}
	return ps.in, nil
}

// option handles the key:value token toks[0] and returns how many of the
// following tokens it also consumed.
func (ps *parser) option(toks []token) (int, error) {
	tok := toks[0]
	arg, known := ps.resolveKey(tok.key)
	switch {
	case known && ps.info.Accepts(arg) && arg != ArgFields && arg != ArgBody:
		val, used := tok.val, 0
		if arg == ArgCountries {
			// countries:RU, KP — the list continues after a trailing comma.
			for strings.HasSuffix(val, ",") && used+1 < len(toks) && toks[used+1].key == "" {
				used++
				val += toks[used].val
			}
		}
		return used, ps.setArg(arg, val)
	case ps.info.Accepts(ArgFields):
		return 0, ps.setField(tok.key, tok.val)
	case !known && !tok.quoted && isNameArg(ps.nextSlot()):
		// "AWS:Prod" is a group name, not an option.
		return 0, ps.bare([]token{{val: tok.raw, raw: tok.raw}})
	default:
		return 0, ps.notAccepted(tok.key)
	}
}

// resolveKey maps an option key (or alias) to the first of its arguments the
// kind accepts, or to its first argument.
func (ps *parser) resolveKey(key string) (Arg, bool) {
	args := ArgsForKey(NormKey(key))
	if len(args) == 0 {
		return "", false
	}
	for _, a := range args {
		if ps.info.Accepts(a) {
			return a, true
		}
	}
	return args[0], true
}

// bare handles the word toks[0]; toks[1:] is lookahead.
func (ps *parser) bare(toks []token) error {
	tok := toks[0]
	window := ps.info.Accepts(ArgWindow)
	if window && !tok.quoted && DurationShaped(tok.val) {
		return ps.setArg(ArgWindow, tok.val)
	}
	following := len(toks) > 1 && toks[1].key == ""
	if window && !tok.quoted && following && !ps.set[ArgWindow] && isWindowWord(tok.val) && DurationShaped(toks[1].val) {
		return nil // "last 48h"
	}
	for ps.next < len(ps.slots) && len(ps.slots[ps.next]) == 0 && ps.set[ps.info.Positional[ps.next]] {
		ps.next++ // given as key:value already
	}
	if ps.next >= len(ps.slots) {
		return ps.unexpected(tok.raw)
	}
	slot := ps.info.Positional[ps.next]
	if !tok.quoted && following && slot != ArgQuery && len(ps.slots[ps.next]) == 0 && isConnective(tok.val) {
		return nil // "add john to Engineering"
	}
	ps.slots[ps.next] = append(ps.slots[ps.next], tok.val)
	last := ps.next == len(ps.slots)-1
	if !last || !(isNameArg(slot) || slot == ArgQuery) {
		ps.next++ // only the last name or query takes several words
	}
	return nil
}

// nextSlot is the positional argument the next bare word would fill.
func (ps *parser) nextSlot() Arg {
	for i := ps.next; i < len(ps.slots); i++ {
		if len(ps.slots[i]) > 0 || !ps.set[ps.info.Positional[i]] {
			return ps.info.Positional[i]
		}
	}
	return ""
}

// finishPositional validates and assigns the positional values.
func (ps *parser) finishPositional() error {
	for i, vals := range ps.slots {
		if len(vals) == 0 {
			continue
		}
		if err := ps.setArg(ps.info.Positional[i], strings.Join(vals, " ")); err != nil {
			return withUsage(err, ps.info.Kind)
		}
	}
	return nil
}

// checkRequired reports the first required argument that is missing.
func (ps *parser) checkRequired() error {
	for _, a := range ps.info.Required {
		if ps.set[a] {
			continue
		}
		return Invalid("%s needs %s. Usage: %s (e.g. %s)", ps.info.Verbs[0], argNoun(a), Usage(ps.info.Kind), ps.info.Example)
	}
	return nil
}

// unexpected reports a word no positional argument takes.
func (ps *parser) unexpected(word string) error {
	v := ps.info.Verbs[0]
	if len(ps.info.Positional) == 0 && len(ps.info.Optional) == 0 {
		return Invalid("%s takes no arguments (got %q). Usage: %s", v, Excerpt(word), Usage(ps.info.Kind))
	}
	return Invalid("%s does not understand %q; quote names with spaces. Usage: %s (e.g. %s)", v, Excerpt(word), Usage(ps.info.Kind), ps.info.Example)
}

// notAccepted reports an option the kind does not take, naming those it does.
func (ps *parser) notAccepted(key string) error {
	v := ps.info.Verbs[0]
	keys := acceptedKeys(ps.info)
	if len(keys) == 0 {
		return Invalid("%s takes no options (got %s:). Usage: %s", v, Excerpt(key), Usage(ps.info.Kind))
	}
	return Invalid("%s does not take %s:; it takes %s. Usage: %s", v, Excerpt(key), strings.Join(keys, " "), Usage(ps.info.Kind))
}

// acceptedKeys lists the option keys a kind takes, as "key:".
func acceptedKeys(info KindInfo) []string {
	var out []string
	add := func(a Arg) {
		if a == ArgFields || a == ArgBody {
			return
		}
		k := optionKey(a) + ":"
		for _, have := range out {
			if have == k {
				return
			}
		}
		out = append(out, k)
	}
	for _, list := range [][]Arg{info.Positional, info.Required, info.Optional} {
		for _, a := range list {
			add(a)
			if a == ArgWindow {
				add(ArgSince)
				add(ArgUntil)
			}
		}
	}
	return out
}

// isConnective reports the small words people put between arguments.
func isConnective(w string) bool {
	switch strings.ToLower(w) {
	case "to", "from", "in", "into", "of", "for", "on":
		return true
	}
	return false
}

// isWindowWord reports the words people put before a duration.
func isWindowWord(w string) bool {
	switch strings.ToLower(w) {
	case "last", "past", "for", "in", "over", "within":
		return true
	}
	return false
}

// isNameArg reports arguments that name an Okta object and may contain
// spaces.
func isNameArg(a Arg) bool {
	switch a {
	case ArgGroup, ArgApp, ArgPolicy, ArgRule:
		return true
	}
	return false
}

// withUsage adds the kind's usage to a parser error.
func withUsage(err error, k Kind) error {
	if e, ok := AsError(err); ok && !strings.Contains(e.Detail, "Usage:") {
		e.Detail += ". Usage: " + Usage(k)
	}
	return err
}

// Invalid is an ErrInvalid from the parser, with a message for people.
func Invalid(format string, a ...any) error {
	err := Invalidf(format, a...)
	if e, ok := err.(*Error); ok {
		e.Op = "intents: parse"
	}
	return err
}
