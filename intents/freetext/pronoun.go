package freetext

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// This file resolves a pronoun that stands for a person: "suspend him",
// "clear his sessions", "what else did he do yesterday", "deactivate that
// account". It refers to the person of the request before it in the same
// message, else to the subject of the conversation (UnderstandAll).

// ErrWho is a pronoun in the place of a person whom nothing names: neither
// the message nor the conversation says who "him" is. It wraps
// intents.ErrInvalid; the person should be asked whom they mean.
var ErrWho = fmt.Errorf("a pronoun names nobody: %w", intents.ErrInvalid)

// whoError is ErrWho for one pronoun, with a message for people.
func whoError(pronoun string) error {
	return &intents.Error{Err: ErrWho, Op: "freetext", Detail: fmt.Sprintf("who is %q? Name the person (a login, an email or an @mention)", pronoun)}
}

// personNouns follow "this" or "that" to point at a person.
var personNouns = map[string]bool{
	"user": true, "account": true, "person": true, "guy": true, "employee": true, "identity": true,
}

// pronounSpans are the byte spans of the pronouns of a person in the
// tokens of s: he, him, his, she, her, hers, they, them, their, and "this
// user", "that account" and the like.
func pronounSpans(sc *scan) [][2]int {
	var out [][2]int
	for i, t := range sc.toks {
		if t.quoted || t.shape != shapeWord {
			continue
		}
		switch {
		case sc.cue[i] == cPronoun:
			out = append(out, [2]int{t.start, t.end})
		case (t.low == "this" || t.low == "that") && i+1 < len(sc.toks) && personNouns[sc.toks[i+1].low] && !t.sep:
			out = append(out, [2]int{t.start, sc.toks[i+1].end})
		}
	}
	return out
}

// hasPronoun reports a pronoun of a person in text.
func hasPronoun(text string) bool {
	s := PlainText(text)
	return len(pronounSpans(newScan(s, time.Time{}))) > 0
}

// substitute writes who in the place of every pronoun of a person in s.
func substitute(s, who string) string {
	spans := pronounSpans(newScan(s, time.Time{}))
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		b.WriteString(s[at:sp[0]])
		b.WriteString(who)
		at = sp[1]
	}
	b.WriteString(s[at:])
	return b.String()
}

// pronounProbe stands in for a person to learn whether a pronoun is in
// the place of the request's user.
const pronounProbe = "someone@example.com"

// resolvePronoun reads text again with the people of refer in the place
// of its pronoun, one request each, when the text names no user itself
// (in, err: its reading) and a person there would be the request's user.
// ok is false when there is no such pronoun; the error wraps ErrWho when
// refer names nobody.
func resolvePronoun(text string, in intents.Intent, err error, now time.Time, refer []string) (out []intents.Intent, ok bool, _ error) {
	if err == nil && in.User != "" {
		return nil, false, nil
	}
	s := PlainText(text)
	spans := pronounSpans(newScan(s, now))
	if len(spans) == 0 {
		return nil, false, nil
	}
	probe, perr := understand(substitute(s, pronounProbe), now)
	if perr != nil || !strings.EqualFold(probe.User, pronounProbe) {
		return nil, false, nil
	}
	for _, who := range refer {
		if who == "" {
			continue
		}
		got, err := understand(substitute(s, who), now)
		if err != nil {
			return nil, true, err
		}
		out = append(out, got)
	}
	if len(out) == 0 {
		return nil, true, whoError(s[spans[0][0]:spans[0][1]])
	}
	return out, true, nil
}

// Refers reports whether text stands for a person by a pronoun ("suspend
// him", "clear his sessions") that nothing in it names: what it asks
// depends on whom the conversation is about (UnderstandAll's subject).
func Refers(text string, now time.Time) bool {
	_, err := understandAll(text, now.UTC(), "")
	return errors.Is(err, ErrWho)
}
