package freetext

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// MaxFreeText is the longest message Understand reads, in characters:
// Slack's limit for the text of a message.
const MaxFreeText = 40000

// Understand reads a request written the way people speak — a mention or a
// direct message such as "show me logins from suspicious countries in the
// last 24 hours" — into a validated Intent, with rules and no model.
//
// Text that starts with /okta is the slash grammar and goes to Parse as it
// is. Text that starts with a slash verb ("investigate john@company.com 7d")
// is tried with Parse first; when Parse rejects it, or its names and queries
// swallowed words of a sentence ("add john@company.com to the Finance Team
// group"), the free-text rules read it instead.
//
// The rules find the kind from the words used (typos such as "investgate"
// or "lgoins" corrected), and its arguments: users (emails, Okta ids, Slack
// mentions, which stay <@U123> for the bot to map to an Okta login through
// the person's Slack email, and logins after words such as "user" or a verb),
// group, app, policy and rule names (quoted or not), policy types, statuses,
// countries, event types, limits, reasons and time windows.
//
// A window is a duration back from now ("last 24 hours", "past week",
// "24hrs", "in the last 3 days"), or bounded by the clock when the words
// name days: "today" and "since Monday" start at 00:00 (UTC; UnderstandIn
// reads days in another zone) and run to now; "yesterday", "on Monday",
// "last Monday" and "over the weekend" are those whole days, from midnight
// to midnight; "last night" is 18:00 to 06:00, and "since Monday 9am"
// starts at that time of day (freetext_window.go lists them all).
//
// An action kind is returned only for an explicit verb in the imperative
// ("suspend", "unlock", "reset … mfa", "clear … sessions", "log … out",
// "add … to …", "remove … from …") or an idiom the catalogue lists for the
// action (KindInfo.Idioms: "freeze", "let … back in", "take … out of"), never for vague or negated text ("get
// rid of john", "don't suspend john") or advice ("should we suspend
// john?"): those, and any request that could mean several things, are Kind
// Unknown with up to three Suggestions — complete slash commands that Parse
// accepts, for the bot to offer as buttons. The reason of an action is the
// text after its target ("suspend john@company.com, he clicked a phishing
// link") or after reason:. An action Intent is a request for a proposal; it
// never acts by itself.
//
// Values are checked by the validators Parse uses; an invalid one is an
// error wrapping ErrInvalid, with the zero Intent. Understand never panics,
// and reads a message of MaxFreeText characters in milliseconds.
func Understand(text string, now time.Time) (intents.Intent, error) {
	return understand(text, now.UTC())
}

// understand is Understand with days starting at midnight in now's location.
func understand(text string, now time.Time) (intents.Intent, error) {
	if len(text) > MaxFreeText && utf8.RuneCountInString(text) > MaxFreeText {
		return intents.Intent{}, intents.Invalid("the message is longer than %d characters; shorten it", MaxFreeText)
	}
	if !utf8.ValidString(text) {
		return intents.Intent{}, intents.Invalid("the message is not valid UTF-8 text")
	}
	raw := stripLead(text)
	in, isSlash, err := slashFirst(raw, now)
	if isSlash {
		return in, err
	}
	slashErr := err
	in, err = understandRules(strings.TrimSpace(intents.Unslack(raw)), now)
	if err == nil && slashErr != nil && in.Kind == intents.Unknown && len(in.Suggestions) <= 1 && slices.Equal(in.Suggestions, helpOnly) {
		return intents.Intent{}, slashErr // the slash parser says best what is wrong
	}
	return in, err
}

// slashFirst reads raw with the slash grammar when it is one: empty text
// (Help), text that starts with /okta (Parse decides, errors included), or
// text that starts with a slash verb and that Parse reads without
// swallowing words of a sentence. Otherwise isSlash is false and err is
// Parse's complaint, if it tried.
func slashFirst(raw string, now time.Time) (in intents.Intent, isSlash bool, err error) {
	t := strings.TrimSpace(raw)
	if t == "" {
		return intents.Intent{Kind: intents.Help}, true, nil
	}
	if intents.TrimPrefix(t) != t {
		in, err := intents.ParseAt(raw, now)
		return in, true, err
	}
	verb, _ := intents.SplitWord(strings.TrimSpace(intents.Unslack(t)))
	if _, ok := intents.LookupVerb(verb); !ok {
		return intents.Intent{}, false, nil
	}
	in, err = intents.ParseAt(raw, now)
	if err == nil && in.Kind != intents.Unknown && !swallowed(raw, in) {
		return in, true, nil
	}
	return intents.Intent{}, false, err
}

// IsSlash reports whether text is the slash grammar that Understand hands
// to Parse as it is: a model has nothing to add to it.
func IsSlash(text string) bool {
	if len(text) > intents.MaxText || !utf8.ValidString(text) {
		return false
	}
	_, isSlash, _ := slashFirst(stripLead(text), time.Time{})
	return isSlash
}

// PlainText is text as the person typed it, as a model is shown it: Slack's
// markup unwrapped (<mailto:a@b|a@b> is a@b, &amp; is &; user mentions stay
// <@U123>), greetings and an "@oktabot" at the start removed.
func PlainText(text string) string {
	return strings.TrimSpace(intents.Unslack(stripLead(text)))
}

// helpOnly is the suggestion of a request the rules made nothing of.
var helpOnly = []string{intents.SlashPrefix + " help"}

// understandRules applies the free-text rules to unwrapped text.
func understandRules(s string, now time.Time) (intents.Intent, error) {
	sc := newScan(s, now)
	return sc.decide().intent(now)
}

// leadWords are greetings and courtesies removed from the start of a
// message, longest first; "help me" goes too, so that "help me find
// john's logins" reads as "find john's logins".
var leadWords = []string{
	"can you please", "could you please", "would you please", "can you", "could you", "would you",
	"will you", "can u", "help me to", "help me", "@oktabot", "oktabot", "hey", "hi", "hello", "yo",
	"ok", "okay", "please", "pls", "plz", "kindly",
}

// stripLead removes greetings, courtesies and an "@oktabot" typed as text
// from the start of text.
func stripLead(text string) string {
	s := strings.TrimLeftFunc(text, unicode.IsSpace)
	for changed := true; changed; {
		changed = false
		for _, w := range leadWords {
			if len(s) < len(w) || !strings.EqualFold(s[:len(w)], w) {
				continue
			}
			rest := s[len(w):]
			r, _ := utf8.DecodeRuneInString(rest)
			if rest != "" && !unicode.IsSpace(r) && !strings.ContainsRune(",:!.", r) {
				continue
			}
			rest = strings.TrimLeftFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",:!.", r) })
			if rest == "" && w != "@oktabot" && w != "oktabot" && !strings.HasPrefix(w, "help") {
				continue // "please" alone stays
			}
			s, changed = rest, true
			break
		}
	}
	return s
}

// swallowed reports a Parse result whose free-form values took in words of
// a sentence — "me", "the", "who", a trailing comma, or words the rules
// know — rather than a name or query. Quoted text is trusted.
func swallowed(raw string, in intents.Intent) bool {
	quoted := quotedParts(raw)
	grammar := func(c cue) bool {
		switch c {
		case cStop, cCourtesy, cJoin, cTime, cNegation, cWho, cWhat, cWhen, cWhere, cHow, cIf, cPronoun, cAdvice, cList:
			return true
		}
		return false
	}
	check := func(v string, known func(cue) bool) bool {
		if slices.Contains(quoted, v) {
			return false
		}
		if strings.ContainsAny(v, ",;!?") || strings.HasSuffix(v, ".") || strings.HasSuffix(v, ":") {
			return true
		}
		for _, w := range strings.Fields(strings.ToLower(v)) {
			c, inVocabulary := vocabulary[w]
			if ps, phrase := phrases[w]; phrase && !inVocabulary {
				c, inVocabulary = ps[len(ps)-1].cue, true
			}
			if inVocabulary && known(c) {
				return true
			}
		}
		return false
	}
	anyWord := func(cue) bool { return true }
	notInNames := func(c cue) bool { return grammar(c) || !nameCue(c) }
	if in.User != "" && check(in.User, anyWord) {
		return true
	}
	if in.Kind == intents.Help {
		return check(in.Query, grammar)
	}
	if strings.EqualFold(in.Group, "okta") && !slices.Contains(quoted, in.Group) {
		return true // "remove jdoe from okta" is not about a group
	}
	for _, v := range []string{in.Query, in.Group, in.App, in.Policy, in.Rule} {
		if v != "" && check(v, notInNames) {
			return true
		}
	}
	return false
}

// quotedParts lists the strings quoted in s.
func quotedParts(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !intents.IsQuote(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			q, qsize := utf8.DecodeRuneInString(s[j:])
			if intents.IsQuote(q) {
				break
			}
			j += qsize
		}
		if j >= len(s) {
			break
		}
		out = append(out, s[i+size:j])
		_, qsize := utf8.DecodeRuneInString(s[j:])
		i = j + qsize
	}
	return out
}

// scan is one message being understood.
type scan struct {
	s      string
	now    time.Time
	toks   []tok
	cue    []cue
	used   []bool // taken by the window, an option or a country
	win    window
	hasWin bool
	body   string         // a JSON object in the text
	idioms map[int]*idiom // the action idioms, by the token of their verb (vIdiom)
}

// newScan tokenizes s, finds its cues and its time window.
func newScan(s string, now time.Time) *scan {
	sc := &scan{s: s, now: now}
	if k := strings.IndexByte(s, '{'); k >= 0 {
		if raw, n, err := intents.DecodeObject(s[k:]); err == nil {
			sc.body = string(raw)
			sc.toks = append(tokenizeAt(s[:k], 0), tokenizeAt(s[k+n:], k+n)...)
		}
	}
	if sc.body == "" {
		sc.toks = tokenize(s)
	}
	normalize(sc.toks)
	sc.cue = cues(sc.toks)
	sc.used = make([]bool, len(sc.toks))
	sc.markSplitVerbs()
	sc.markIdioms()
	if w, ok := findWindow(sc.toks, now); ok {
		sc.win, sc.hasWin = w, true
		for i := w.from; i < w.to; i++ {
			sc.used[i] = true
		}
	}
	return sc
}

// tokenizeAt tokenizes s, a part of the text that starts at offset off.
func tokenizeAt(s string, off int) []tok {
	toks := tokenize(s)
	for i := range toks {
		toks[i].start += off
		toks[i].end += off
	}
	return toks
}

// Rules is the Classifier that needs no model and no network: Understand
// with the clock Now (time.Now when nil), reading days in the zone the
// context carries (WithLocation), else in Location (nil: UTC).
type Rules struct {
	Now      func() time.Time
	Location *time.Location
}

// Classify implements Classifier.
func (r Rules) Classify(ctx context.Context, text string) (intents.Intent, error) {
	in, _, err := r.ClassifyBy(ctx, text)
	return in, err
}

// ClassifyBy is Classify that also says which path decided: always ByRules.
func (r Rules) ClassifyBy(ctx context.Context, text string) (intents.Intent, intents.By, error) {
	if err := ctx.Err(); err != nil {
		return intents.Intent{}, intents.ByRules, fmt.Errorf("intents: classify: %w", err)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	in, err := UnderstandIn(text, intents.ReadOptions{Now: now(), Location: intents.LocationFrom(ctx, r.Location)})
	return in, intents.ByRules, err
}

// UnderstandIn is Understand with the clock and zone of o.
func UnderstandIn(text string, o intents.ReadOptions) (intents.Intent, error) {
	return understand(text, o.Present())
}

// GroundedIn is Grounded with the clock and zone of o.
func GroundedIn(text string, in intents.Intent, o intents.ReadOptions) (intents.Intent, error) {
	return grounded(text, in, o.Present())
}
