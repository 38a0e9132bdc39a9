package freetext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// This file finds the arguments of a request in free text: users, object
// names, statuses, policy types, countries, limits and event types.

// strongUsers are the tokens that can only be users: emails, Slack
// mentions and Okta user ids, first occurrence of each.
func (sc *scan) strongUsers() []int {
	var out []int
	seen := map[string]bool{}
	for i, t := range sc.toks {
		switch t.shape {
		case shapeEmail, shapeMention, shapeOktaID:
			key := strings.ToLower(t.raw)
			if !seen[key] {
				seen[key] = true
				out = append(out, i)
			}
		}
	}
	return out
}

// loginAt reports whether toks[i] may be a login typed without its domain
// (jdoe, CORP\jdoe): one unknown word that is not a person's name.
func (sc *scan) loginAt(i int) bool {
	if i < 0 || i >= len(sc.toks) || sc.used[i] {
		return false
	}
	t := sc.toks[i]
	switch t.shape {
	case shapeEmail, shapeMention, shapeOktaID:
		return true
	case shapeWord:
	default:
		return false
	}
	if sc.cue[i] != cNone || strings.ContainsFunc(t.raw, unicode.IsSpace) || !strings.ContainsFunc(t.raw, unicode.IsLetter) {
		return false
	}
	if _, _, ok := sc.personAt(i); ok {
		return false
	}
	return utf8.RuneCountInString(t.raw) <= intents.MaxLogin
}

// personAt reads a person's name at toks[i]: two or three capitalized
// unknown words ("John Smith"), which no login can be.
func (sc *scan) personAt(i int) (string, int, bool) {
	j := i
	for j < len(sc.toks) && j-i < 3 && sc.capitalName(j) {
		j++
		if sc.toks[j-1].sep || sc.toks[j-1].poss {
			break
		}
	}
	if j-i < 2 {
		return "", 0, false
	}
	return sc.s[sc.toks[i].start:sc.toks[j-1].end], j, true
}

// capitalName reports an unknown capitalized word.
func (sc *scan) capitalName(i int) bool {
	t := sc.toks[i]
	if t.shape != shapeWord || t.quoted || sc.used[i] || sc.cue[i] != cNone {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t.raw)
	return unicode.IsUpper(r) && isLetters(t.low)
}

// userSkip are words between a verb and its user: "suspend the user jdoe".
func userSkip(low string) bool {
	switch low {
	case "the", "user", "account", "of", "for", "login", "username", "okta", "person", "employee", "member", "named", "called":
		return true
	}
	return false
}

// weakUserAfter finds a login-like word soon after toks[i].
func (sc *scan) weakUserAfter(i int) (int, bool) {
	for j := i + 1; j < len(sc.toks) && j <= i+4; j++ {
		if sc.loginAt(j) {
			return j, true
		}
		if (!userSkip(sc.toks[j].low) && sc.cue[j] != cPart) || sc.toks[j].sep {
			return 0, false
		}
	}
	return 0, false
}

// possessiveUser finds "jdoe's" (not "Engineering group's").
func (sc *scan) possessiveUser() (int, bool) {
	for i, t := range sc.toks {
		if t.poss && sc.loginAt(i) {
			return i, true
		}
	}
	return 0, false
}

// nameCue reports the cues a multi-word object name may contain
// ("Okta Admins", "Security Team", "MFA Pilot").
func nameCue(c cue) bool {
	switch c {
	case cNone, cPart, cAdmin, cSecurity, cOkta, cMFA, cNew, cPrivilege, cPassword, cSignOn, cLogin,
		cAccess, cSuspicious, cCountry, cProxy, cDescription, cEnroll, cThreat, cLog, cSession, cToken,
		cChange, cCompromised, cWeak:
		return true
	}
	return false
}

// nameWord reports whether toks[i] may be part of an object name.
func (sc *scan) nameWord(i int, anyCue bool) bool {
	if i < 0 || i >= len(sc.toks) || sc.used[i] || sc.toks[i].quoted {
		return false
	}
	switch sc.toks[i].shape {
	case shapeWord, shapeNumber:
	default:
		return false
	}
	if anyCue {
		return nameCue(sc.cue[i])
	}
	return sc.cue[i] == cNone
}

// innerConnector joins capitalized words of one name: "Bank of America",
// "Research and Development".
func (sc *scan) innerConnector(i int) bool {
	if i <= 0 || i+1 >= len(sc.toks) || sc.toks[i-1].sep {
		return false
	}
	switch sc.toks[i].low {
	case "of", "and", "&", "for":
	default:
		return false
	}
	up := func(k int) bool {
		r, _ := utf8.DecodeRuneInString(sc.toks[k].raw)
		return unicode.IsUpper(r)
	}
	return up(i-1) && up(i+1) && sc.nameWord(i+1, true)
}

// nameRun reads an object name starting at toks[i]: a quoted string, or
// words up to the end of the clause or a word that cannot be in a name. A
// leading "the" is skipped. It returns the name and the token after it.
func (sc *scan) nameRun(i int, anyCue bool) (string, int) {
	for i < len(sc.toks) && sc.toks[i].low == "the" && !sc.toks[i].quoted && !sc.toks[i].sep {
		i++
	}
	if i >= len(sc.toks) || sc.used[i] {
		return "", i
	}
	if sc.toks[i].quoted {
		return sc.toks[i].raw, i + 1
	}
	j := i
	for j < len(sc.toks) {
		if !sc.nameWord(j, anyCue) && !(j > i && sc.innerConnector(j)) {
			break
		}
		j++
		if sc.toks[j-1].sep || sc.toks[j-1].poss {
			break
		}
	}
	if j == i {
		return "", i
	}
	return sc.s[sc.toks[i].start:sc.toks[j-1].end], j
}

// nameBefore reads an object name that ends just before toks[k] ("the
// Engineering group"), and returns where it starts.
func (sc *scan) nameBefore(k int) (string, int) {
	if k > 0 && sc.toks[k-1].quoted {
		return sc.toks[k-1].raw, k - 1
	}
	j := k
	for j > 0 && !sc.toks[j-1].sep && (sc.nameWord(j-1, true) || (j < k && sc.innerConnector(j-1))) {
		j--
	}
	for j < k && sc.cue[j] != cNone && sc.toks[j].shape != shapeNumber {
		j++ // "show admin Engineering group": the name starts at an unknown word
	}
	if j == k {
		return "", k
	}
	return sc.s[sc.toks[j].start:sc.toks[k-1].end], j
}

// objectName finds the name of the object a noun (group, app, policy, rule)
// refers to: "group Engineering", "the Engineering group", "group named
// Engineering", `"Finance Team" group`.
func (sc *scan) objectName(noun cue) (string, bool) {
	name, _, ok := sc.objectSpan(noun)
	return name, ok
}

// objectSpan is objectName that also returns the last token it used.
func (sc *scan) objectSpan(noun cue) (string, int, bool) {
	for k, c := range sc.cue {
		if c != noun || sc.used[k] {
			continue
		}
		if k > 0 && sc.toks[k-1].quoted {
			return sc.toks[k-1].raw, k, true
		}
		if k+1 < len(sc.toks) && sc.toks[k+1].quoted && !sc.toks[k].sep {
			return sc.toks[k+1].raw, k + 1, true
		}
		if k+1 < len(sc.toks) && sc.cue[k+1] == cNamed && !sc.toks[k].sep {
			if name, end := sc.nameRun(k+2, true); name != "" {
				return name, end - 1, true
			}
		}
		if name, j := sc.nameBefore(k); name != "" && !plural(sc.toks[k].low) {
			// Okta's own names end in a capitalized noun: "Default Policy".
			if (noun == cPolicy || noun == cRule) && !sc.toks[k-1].quoted && isUpperStart(sc.toks[k].raw) && isUpperStart(name) {
				name = sc.s[sc.toks[j].start:sc.toks[k].end]
			}
			return name, k, true
		}
		if !sc.toks[k].sep && !plural(sc.toks[k].low) {
			if name, end := sc.nameRun(k+1, false); name != "" {
				return name, end - 1, true
			}
		}
	}
	return "", 0, false
}

func isUpperStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// plural reports the plural nouns of the vocabulary: groups, apps, policies.
func plural(low string) bool {
	return strings.HasSuffix(low, "s") && !strings.HasSuffix(low, "ss")
}

// quotedNames lists the quoted strings, in order.
func (sc *scan) quotedNames() []string {
	var out []string
	for _, t := range sc.toks {
		if t.quoted {
			out = append(out, t.raw)
		}
	}
	return out
}

// afterWord finds the name after the first of the given words that has
// one: "members of X", "access to X".
func (sc *scan) afterWord(anyCue bool, words ...string) (string, int, bool) {
	for i, t := range sc.toks {
		if t.quoted || t.sep || sc.used[i] {
			continue
		}
		for _, w := range words {
			if t.norm == w {
				if name, end := sc.nameRun(i+1, anyCue); name != "" {
					return name, end, true
				}
			}
		}
	}
	return "", 0, false
}

// has reports whether any token has one of the cues.
func (sc *scan) has(cs ...cue) bool {
	return sc.find(cs...) >= 0
}

// find returns the first token with one of the cues, or -1.
func (sc *scan) find(cs ...cue) int {
	for i, c := range sc.cue {
		if sc.used[i] {
			continue
		}
		for _, want := range cs {
			if c == want {
				return i
			}
		}
	}
	return -1
}

// hasWord reports whether a token's norm is one of words.
func (sc *scan) hasWord(words ...string) bool {
	for i, t := range sc.toks {
		if sc.used[i] || t.quoted {
			continue
		}
		for _, w := range words {
			if t.norm == w {
				return true
			}
		}
	}
	return false
}
