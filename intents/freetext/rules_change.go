package freetext

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// This file decides requests to change Okta. A change is read only from an
// explicit verb in the imperative — "suspend john@company.com", "please
// unlock jdoe", "can you add john@company.com to Engineering", or an idiom
// the catalogue gives the action ("freeze jdoe", rules_idioms.go) — and
// never from a negated verb, advice ("should we suspend john?"), a
// condition ("if he is compromised, suspend him"), several changes at once,
// or a vague verb ("disable" a user, "get rid of", an idiom without its
// target): those ask back with the likely meanings as suggestions.

// mood is how a verb is used.
type mood uint8

const (
	moodOther      mood = iota // "password reset for john", "who suspended john"
	moodImperative             // "suspend john", "can you suspend john"
	moodNegated                // "don't suspend john"
	moodHow                    // "how do I suspend john?"
	moodAdvice                 // "should we suspend john?", "can I suspend john?"
)

// clauseStart is the first token of the clause of toks[i]: after the last
// punctuation or "and", "then".
func (sc *scan) clauseStart(i int) int {
	j := i
	for j > 0 && !sc.toks[j-1].sep && sc.cue[j-1] != cJoin {
		j--
	}
	return j
}

// courtesyWords may stand before an imperative: "we need to", "I want you
// to", "go ahead and".
var courtesyWords = map[string]bool{
	"i": true, "we": true, "you": true, "u": true, "need": true, "needs": true, "want": true, "to": true,
	"go": true, "ahead": true, "just": true, "now": true, "quickly": true, "immediately": true, "asap": true,
	"right": true, "let": true, "lets": true, "let's": true, "us": true, "me": true, "ok": true, "okay": true,
	"so": true, "i'd": true, "id": true, "like": true, "must": true, "have": true, "gotta": true, "hey": true,
	"hi": true, "yo": true, "oktabot": true, "@oktabot": true, "quick": true, "urgently": true, "urgent": true,
	"do": true, "be": true, "able": true, "kindly": true, "also": true, "then": true, "force": true,
	"forcibly": true, "please": true,
}

// mood reads how the verb at toks[i] is used, from the words before it in
// its clause.
func (sc *scan) mood(i int) mood {
	start := sc.clauseStart(i)
	for k := sc.sentenceStart(i); k < i; k++ {
		switch sc.cue[k] {
		case cNegation:
			if k >= start || sc.toks[k].low != "no" {
				return moodNegated
			}
		case cHow:
			return moodHow
		case cAdvice, cIf:
			return moodAdvice
		}
		if sc.toks[k].low == "i" && k > 0 {
			switch sc.toks[k-1].norm {
			case "can", "could", "may", "should", "shall":
				return moodAdvice
			}
		}
	}
	for k := start; k < i; k++ {
		if sc.cue[k] != cCourtesy && sc.cue[k] != cJoin && !courtesyWords[sc.toks[k].low] {
			return moodOther
		}
	}
	return moodImperative
}

// sentenceStart is the first token of the sentence of toks[i].
func (sc *scan) sentenceStart(i int) int {
	j := i
	for j > 0 && !(sc.toks[j-1].sep && sentenceEnd(sc.s, sc.toks[j-1].end)) {
		j--
	}
	return j
}

// sentenceEnd reports whether the punctuation at s[end:] ends a sentence.
func sentenceEnd(s string, end int) bool {
	for ; end < len(s); end++ {
		switch s[end] {
		case '.', '!', '?', ';':
			return true
		case ',', ':', ' ', ')', '"', '\'':
			continue
		}
		return false
	}
	return true
}

// markSplitVerbs reads "log jdoe out" and "sign jdoe out" as the verb of
// "log out".
func (sc *scan) markSplitVerbs() {
	for i := 0; i+2 < len(sc.toks); i++ {
		switch sc.toks[i].norm {
		case "log", "sign", "kick", "boot":
		default:
			continue
		}
		if sc.toks[i+2].norm == "out" && !sc.toks[i].sep && !sc.toks[i+1].sep &&
			(sc.loginAt(i+1) || sc.cue[i+1] == cPronoun || sc.cue[i+1] == cUser || sc.cue[i+1] == cCourtesy) {
			sc.cue[i], sc.cue[i+2] = vLogout, cStop
		}
	}
}

// maxVerbs is the most change verbs one request is read with.
const maxVerbs = 8

// change decides a request to change Okta, if the text makes one.
func (sc *scan) change() (draft, bool) {
	if d, ok := sc.passive(); ok {
		return d, true
	}
	var imperative, advised, negated []int
	verbs := 0
	for i, c := range sc.cue {
		if !c.isVerb() || sc.used[i] {
			continue
		}
		if verbs++; verbs > maxVerbs {
			return ask(), true // a list of commands is no command
		}
		if c == vClear && !sc.has(cSession, cToken, cPassword, cMFA) {
			switch sc.toks[i].norm {
			case "kill", "terminate", "revoke":
				sc.cue[i] = vVague
			default:
				continue // "end of day", "clear" without sessions
			}
		}
		switch sc.mood(i) {
		case moodImperative:
			imperative = append(imperative, i)
		case moodAdvice:
			advised = append(advised, i)
		case moodNegated:
			negated = append(negated, i)
		}
	}
	if len(imperative) == 0 && len(advised) == 0 {
		if len(negated) > 0 {
			if tg := sc.targetOf(negated[0]); tg.user != "" {
				return ask(with(intents.UserDetails, intents.ArgUser, tg.user), with(intents.Investigate, intents.ArgUser, tg.user)), true
			}
		}
		return draft{}, false
	}
	var drafts []draft
	for _, i := range append(imperative, advised...) {
		if d, ok := sc.resolve(i); ok {
			drafts = append(drafts, d)
		}
	}
	if len(drafts) == 0 {
		return draft{}, false
	}
	if len(drafts) == 1 && len(advised) == 0 && !sc.investigateAsked() {
		return drafts[0], true
	}
	var asks []draft
	if tg := sc.targetOf(append(imperative, advised...)[0]); tg.user != "" {
		asks = append(asks, with(intents.Investigate, intents.ArgUser, tg.user))
	}
	for _, d := range drafts {
		if len(d.ask) > 0 {
			asks = append(asks, d.ask...)
		} else {
			d.args.Reason = "" // a question back offers the plain commands
			asks = append(asks, d)
		}
	}
	return ask(asks...), true
}

// investigateAsked reports an investigation asked for besides a change: not
// one in a clause that only says how long the change lasts ("suspend jdoe
// while we look into it", "until we investigate").
func (sc *scan) investigateAsked() bool {
	for i, c := range sc.cue {
		if c != cInvestigate {
			continue
		}
		sub := false
		for k := sc.clauseStart(i); k < i; k++ {
			switch sc.toks[k].norm {
			case "while", "whilst", "until", "till", "pending":
				sub = true
			}
		}
		if !sub {
			return true
		}
	}
	return false
}

// passiveKinds are the actions named by "needs to be suspended".
var passiveKinds = map[cue]intents.Kind{
	cSuspended: intents.SuspendUser, cUnsuspended: intents.UnsuspendUser, cUnlocked: intents.UnlockUser,
	cDeactivated: intents.DeactivateUser, cActivated: intents.ActivateUser,
}

// passive reads "john@company.com needs to be suspended" or "get jdoe
// unlocked": a change asked for without an imperative verb, which asks
// back.
func (sc *scan) passive() (draft, bool) {
	for i, c := range sc.cue {
		k, ok := passiveKinds[c]
		if !ok || i == 0 {
			continue
		}
		switch sc.toks[i-1].norm {
		case "be", "get", "gets", "getting":
		default:
			if i < 2 || sc.toks[i-2].norm != "get" {
				continue
			}
		}
		user, _ := sc.subject()
		if user == "" {
			if j, ok := sc.weakUserAfter(i - 1); ok {
				user = sc.toks[j].raw
			} else if i >= 2 && sc.loginAt(i-1) {
				user = sc.toks[i-1].raw
			}
		}
		if user == "" {
			return ask(), true
		}
		return ask(with(intents.Investigate, intents.ArgUser, user), with(k, intents.ArgUser, user)), true
	}
	return draft{}, false
}

// target is who an action is for.
type target struct {
	user   string
	at     int // the token of the user, or of the verb when there is none
	person string
	many   []string
}

// actionLogin reports a login an action may name: an email, a mention, an
// Okta id, or a lower-case word (jdoe), not a capitalized name (Salesforce).
func (sc *scan) actionLogin(i int) bool {
	if !sc.loginAt(i) {
		return false
	}
	t := sc.toks[i]
	return t.shape != shapeWord || !isUpperStart(t.raw) || strings.ContainsAny(t.raw, "0123456789._\\")
}

// targetOf finds the user of the verb at toks[i].
func (sc *scan) targetOf(i int) target {
	end := i + 1
	for end < len(sc.toks) && sc.cue[end] == cPart {
		end++
	}
	tg := target{at: end - 1}
	strong := sc.strongUsers()
	switch {
	case len(strong) == 1:
		tg.user, tg.at = sc.toks[strong[0]].raw, strong[0]
		if strong[0] < i {
			tg.at = end - 1 // "john@company.com clicked a link, suspend him"
			if end < len(sc.toks) && sc.cue[end] == cPronoun {
				tg.at = end
			}
		}
		return tg
	case len(strong) > 1:
		for _, k := range strong {
			tg.many = append(tg.many, sc.toks[k].raw)
		}
		return tg
	}
	if j, ok := sc.weakUserAfter(end - 1); ok && sc.actionLogin(j) {
		tg.user, tg.at = sc.toks[j].raw, j
		return tg
	}
	if j, ok := sc.possessiveUser(); ok && sc.actionLogin(j) {
		tg.user, tg.at = sc.toks[j].raw, j
		return tg
	}
	for k := end; k < len(sc.toks); k++ {
		if sc.toks[k].norm == "for" || sc.toks[k].norm == "of" {
			if j, ok := sc.weakUserAfter(k); ok && sc.actionLogin(j) {
				tg.user, tg.at = sc.toks[j].raw, j
				return tg
			}
		}
	}
	j := end
	for j < len(sc.toks) && userSkip(sc.toks[j].low) && !sc.toks[j].sep {
		j++
	}
	if name, _, ok := sc.personAt(j); ok {
		tg.person = name
	}
	return tg
}

// userAction is a draft of an action on one user.
func (sc *scan) userAction(k intents.Kind, tg target, verb int) draft {
	switch {
	case tg.person != "":
		return ask(with(intents.ListUsers, intents.ArgQuery, tg.person))
	case len(tg.many) > 0:
		var asks []draft
		for _, u := range tg.many {
			asks = append(asks, with(k, intents.ArgUser, u))
		}
		return ask(asks...)
	}
	d := draft{kind: k}
	if tg.user != "" {
		d.args.Set(intents.ArgUser, tg.user)
	}
	d.args.Reason = sc.reason(tg.at, verb)
	return d
}

// resolve reads the action of the verb at toks[i]; false when the verb
// makes no action here ("make sure …").
func (sc *scan) resolve(i int) (draft, bool) {
	return sc.resolveAs(i, sc.cue[i])
}

// resolveAs is resolve with the verb at toks[i] read as cue c.
func (sc *scan) resolveAs(i int, c cue) (draft, bool) {
	tg := sc.targetOf(i)
	if (c == vCreate || c == vUpdate || c == vSet) && sc.has(cPassword) {
		return sc.password(tg, i), true // "make john change his password": oktabot never sets one
	}
	switch c {
	case vSuspend:
		return sc.userAction(intents.SuspendUser, tg, i), true
	case vUnsuspend:
		return sc.userAction(intents.UnsuspendUser, tg, i), true
	case vUnlock:
		return sc.userAction(intents.UnlockUser, tg, i), true
	case vLogout, vClear:
		if c == vClear && sc.has(cPassword) && !sc.has(cSession, cToken) {
			return sc.password(tg, i), true
		}
		if c == vClear && sc.has(cMFA) && !sc.has(cSession, cToken) {
			return sc.userAction(intents.ResetFactors, tg, i), true // "clear jdoe's okta verify"
		}
		return sc.userAction(intents.ClearSessions, tg, i), true
	case vReset:
		switch {
		case sc.has(cPassword) && !sc.has(cMFA):
			return sc.password(tg, i), true
		case sc.has(cMFA):
			return sc.userAction(intents.ResetFactors, tg, i), true
		case tg.user != "":
			return ask(with(intents.UnlockUser, intents.ArgUser, tg.user), with(intents.ResetFactors, intents.ArgUser, tg.user), with(intents.UserDetails, intents.ArgUser, tg.user)), true
		}
		return ask(), true
	case vAdd:
		return sc.membership(intents.AddGroupMember, tg, i, "to", "into", "in"), true
	case vRemove:
		switch {
		case sc.has(cMFA):
			return sc.userAction(intents.ResetFactors, tg, i), true
		case sc.has(cSession, cToken):
			return sc.userAction(intents.ClearSessions, tg, i), true
		case sc.hasWord("from"):
			d := sc.membership(intents.RemoveGroupMember, tg, i, "from")
			if g := strings.ToLower(d.args.Vals[intents.ArgGroup]); (g == "okta" || g == "the org" || g == "the company") && tg.user != "" {
				return ask(with(intents.DeactivateUser, intents.ArgUser, tg.user), with(intents.UserDetails, intents.ArgUser, tg.user)), true
			}
			return d, true
		case tg.user != "":
			return ask(with(intents.DeactivateUser, intents.ArgUser, tg.user), with(intents.UserDetails, intents.ArgUser, tg.user)), true
		}
		return ask(), true
	case vActivate, vDeactivate, vEnable, vDisable:
		return sc.lifecycle(c, tg, i)
	case vCreate:
		return sc.create(tg, i)
	case vDelete:
		return sc.remove(tg, i)
	case vUpdate, vSet, vRename:
		return sc.update(tg, i)
	case vIdiom:
		return sc.resolveIdiom(i, tg)
	case vVague:
		return sc.vague(tg), true
	}
	return draft{}, false
}

// membership is adding a user to a group or removing them from it: the
// group follows one of the connective words after the user.
func (sc *scan) membership(k intents.Kind, tg target, verb int, connectives ...string) draft {
	if tg.person != "" || len(tg.many) > 0 {
		return sc.userAction(k, tg, verb)
	}
	d := draft{kind: k}
	if tg.user != "" {
		d.args.Set(intents.ArgUser, tg.user)
	}
	last := tg.at
	found := false
	for j := tg.at + 1; j < len(sc.toks) && !found; j++ {
		for _, w := range connectives {
			if sc.toks[j].norm == w && !sc.toks[j].sep && !sc.toks[j].quoted {
				if name, end := sc.nameRun(j+1, true); name != "" {
					d.args.Set(intents.ArgGroup, name)
					last, found = end-1, true
					break
				}
			}
		}
	}
	if !found {
		if name, end, ok := sc.objectSpan(cGroup); ok {
			d.args.Set(intents.ArgGroup, name)
			last = end
		}
	}
	d.args.Reason = sc.reason(last, verb)
	return d
}
