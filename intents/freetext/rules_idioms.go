package freetext

import (
	"slices"
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// This file reads the catalogue's idioms (KindInfo.Idioms): "freeze jdoe",
// "lock down john@company.com", "let jane back in", "take jdoe out of
// Admins", "turn off the Zoom app", "who has Salesforce?". The catalogue
// holds them; nothing here lists words of its own.

// idiom is one catalogue idiom as the rules read it.
type idiom struct {
	head, tail []string // the words before and after the target ("let … back in"); gap: there is one
	gap        bool
	kinds      []intents.Kind // every kind that lists it
	base       cue            // what its words mean to the vocabulary alone
}

// words is the number of words of the idiom, not counting the target.
func (id *idiom) words() int { return len(id.head) + len(id.tail) }

// idiomWords splits an idiom's text into the words the rules read, as
// tokenize and normalize read a request.
func idiomWords(text string) []string {
	var out []string
	for _, t := range tokenize(text) {
		out = append(out, t.low)
	}
	return out
}

// parseIdiom reads one idiom's text: its words, and the "…" of its target.
func parseIdiom(text string) idiom {
	before, after, gap := strings.Cut(text, "…")
	return idiom{head: idiomWords(before), tail: idiomWords(after), gap: gap}
}

// claims reports whether an idiom of an action adds a meaning: its words
// alone are no specific change verb ("freeze", "turn off"), or no verb
// that makes the user action the idiom asks for ("re-enable" for
// unsuspend), so the catalogue says what they ask for. Other idioms
// ("drop", "wipe mfa for", "disable") are read as their words are, by
// context.
func (id *idiom) claims() bool {
	if !id.base.isVerb() || id.base == vVague {
		return true
	}
	k, ok := id.userKind()
	return ok && !slices.Contains(verbKinds[id.base], k)
}

// actionIdioms are the idioms of actions that add a meaning, by first
// word, longest first; queryIdioms the idioms of queries.
var actionIdioms, queryIdioms = func() (map[string][]*idiom, []*idiom) {
	acts := map[string][]*idiom{}
	var queries, all []*idiom
	byText := map[string]*idiom{}
	for _, info := range intents.Catalogue {
		for _, text := range info.Idioms {
			if id, ok := byText[text]; ok {
				id.kinds = append(id.kinds, info.Kind)
				continue
			}
			id := parseIdiom(text)
			if len(id.head) == 0 {
				continue // TestIdiomsMakeTheirKind reports it
			}
			id.kinds = []intents.Kind{info.Kind}
			if id.base = wordCue(strings.Join(id.head, " ")); id.base == cNone {
				id.base = wordCue(id.head[0]) // "unlock the account of" reads as "unlock"
			}
			byText[text] = &id
			all = append(all, &id)
		}
	}
	for _, id := range all {
		switch {
		case !id.kinds[0].IsAction():
			queries = append(queries, id)
		case id.claims():
			acts[id.head[0]] = append(acts[id.head[0]], id)
		}
	}
	for _, list := range acts {
		slices.SortStableFunc(list, func(a, b *idiom) int { return b.words() - a.words() })
	}
	slices.SortStableFunc(queries, func(a, b *idiom) int { return b.words() - a.words() })
	return acts, queries
}()

// matchIdiom reports whether idiom id is written at toks[i], and returns
// the token after it and the target's token (-1 without a gap).
func (sc *scan) matchIdiom(id *idiom, i int) (end, target int, ok bool) {
	at := func(k int, w string, last bool) bool {
		return k < len(sc.toks) && sc.toks[k].norm == w && !sc.toks[k].quoted && (last || !sc.toks[k].sep) && !sc.used[k]
	}
	k := i
	for n, w := range id.head {
		if !at(k, w, n == len(id.head)-1 && !id.gap) {
			return 0, 0, false
		}
		k++
	}
	if !id.gap {
		return k, -1, true
	}
	if k >= len(sc.toks) || !(sc.loginAt(k) || sc.cue[k] == cPronoun) || (sc.toks[k].sep && len(id.tail) > 0) {
		return 0, 0, false
	}
	target = k
	k++
	for n, w := range id.tail {
		if !at(k, w, n == len(id.tail)-1) {
			return 0, 0, false
		}
		k++
	}
	return k, target, true
}

// markIdioms finds the action idioms that add a meaning and gives each
// the cue vIdiom: its first word is the verb, the rest of its words are
// part of it. The words after a target ("back in") are used, except a
// last word that may link a group ("out of", "into").
func (sc *scan) markIdioms() {
	for i := 0; i < len(sc.toks); i++ {
		for _, id := range actionIdioms[sc.toks[i].norm] {
			end, target, ok := sc.matchIdiom(id, i)
			if !ok {
				continue
			}
			if sc.idioms == nil {
				sc.idioms = map[int]*idiom{}
			}
			sc.idioms[i] = id
			sc.cue[i] = vIdiom
			for k := i + 1; k < i+len(id.head); k++ {
				sc.cue[k] = cPart
			}
			if target >= 0 {
				for k := target + 1; k < end; k++ {
					if k == end-1 && id.linksGroup() {
						continue
					}
					sc.cue[k], sc.used[k] = cStop, true
				}
			}
			i = end - 1
			break
		}
	}
}

// linksGroup reports an idiom of a membership whose last word comes before
// the group: "take … out of", "put … into".
func (id *idiom) linksGroup() bool {
	for _, k := range id.kinds {
		if k.Info().Title.Second == intents.ArgGroup {
			return len(id.tail) > 0
		}
	}
	return false
}

// userKind is the one kind of the idiom that acts on a user.
func (id *idiom) userKind() (intents.Kind, bool) {
	var found []intents.Kind
	for _, k := range id.kinds {
		if k.Info().Title.Target == intents.ArgUser {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// objectCue is how the idiom reads without a user: as the narrowest Said
// word of its first kind that acts on an object ("turn off" as "disable").
func (id *idiom) objectCue() (cue, bool) {
	for _, k := range id.kinds {
		info := k.Info()
		if info.Title.Target == intents.ArgUser {
			continue
		}
		best, n := cNone, 0
		for _, w := range info.Said {
			c := wordCue(w)
			if l := len(verbKinds[c]); c.isVerb() && (best == cNone || l < n) {
				best, n = c, l
			}
		}
		return best, best != cNone
	}
	return cNone, false
}

// resolveIdiom reads the action of the idiom at toks[i]: its one user
// action for a user ("freeze jdoe"); for an object, the narrowest Said word
// of its object kinds ("turn off the Zoom app" as "disable"); else what its
// words mean alone, a vague verb when nothing ("turn off jdoe").
func (sc *scan) resolveIdiom(i int, tg target) (draft, bool) {
	id := sc.idioms[i]
	user := tg.user != "" || tg.person != "" || len(tg.many) > 0
	if k, ok := id.userKind(); ok && user {
		if k.Info().Title.Second == intents.ArgGroup {
			links := []string{k.Info().Title.Link}
			if len(id.tail) > 0 {
				links = append(links, id.tail[len(id.tail)-1])
			}
			return sc.membership(k, tg, i, links...), true
		}
		return sc.userAction(k, tg, i), true
	}
	if c, ok := id.objectCue(); ok && !user {
		return sc.resolveAs(i, c)
	}
	if id.base.isVerb() && id.base != vIdiom {
		return sc.resolveAs(i, id.base)
	}
	return sc.resolveAs(i, vVague)
}

// idiomMakes lists the actions the verb at toks[i] may make: those the
// catalogue says its word asks for, and for an idiom its kinds.
func (sc *scan) idiomMakes(i int) []intents.Kind {
	id, ok := sc.idioms[i]
	if !ok {
		return verbKinds[sc.cue[i]]
	}
	out := slices.Clone(id.kinds)
	if c, ok := id.objectCue(); ok {
		out = append(out, verbKinds[c]...)
	}
	return append(out, verbKinds[id.base]...)
}

// idiomQuery answers a query idiom followed by a name: "who has
// Salesforce?", "who can get into Workday?".
func (sc *scan) idiomQuery() (draft, bool) {
	for _, id := range queryIdioms {
		for i := range sc.toks {
			end, _, ok := sc.matchIdiom(id, i)
			if !ok || sc.toks[end-1].sep {
				continue
			}
			name, _ := sc.nameRun(end, false)
			if name == "" {
				continue
			}
			info := id.kinds[0].Info()
			if len(info.Positional) == 0 {
				continue
			}
			return sc.request(info.Kind, "", nil).withArg(info.Positional[0], name), true
		}
	}
	return draft{}, false
}
