package intents

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxSuggestions is how many commands an unknown verb suggests.
const MaxSuggestions = 3

// maxSuggestLen bounds the verbs compared by edit distance.
const maxSuggestLen = 40

// Suggest returns up to three slash commands whose verb is close to verb:
// verbs it is a prefix of (or that are a prefix of it), then verbs within a
// small edit distance, best first and one per kind.
func Suggest(verb string) []string {
	v := normVerb(verb)
	if v == "" || utf8.RuneCountInString(v) > maxSuggestLen {
		return nil
	}
	type cand struct {
		info  KindInfo
		score int // lower is better
		order int
	}
	var cands []cand
	for i, info := range Catalogue {
		best := -1
		for _, w := range verbsOf(info) {
			if s, ok := closeness(v, w); ok && (best < 0 || s < best) {
				best = s
			}
		}
		if best >= 0 {
			cands = append(cands, cand{info: info, score: best, order: i})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score < cands[j].score
		}
		return cands[i].order < cands[j].order
	})
	var out []string
	for _, c := range cands {
		if len(out) == MaxSuggestions {
			break
		}
		out = append(out, SlashPrefix+" "+c.info.Verbs[0])
	}
	return out
}

// closeness scores how close typed is to the verb w: 1 when one is a prefix
// of the other (typed at least 3 characters), 2×distance when the edit
// distance is small for the length. ok is false when they are not close.
func closeness(typed, w string) (int, bool) {
	if len(typed) >= 3 && (strings.HasPrefix(w, typed) || strings.HasPrefix(typed, w) && len(w) >= 3) {
		return 1, true
	}
	d := editDistance(typed, w)
	limit := 1
	if n := utf8.RuneCountInString(typed); n >= 5 {
		limit = 2
	} else if n <= 2 {
		return 0, false
	}
	if d > limit {
		return 0, false
	}
	return 2 * d, true
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each cost 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// EditDistance is the Damerau–Levenshtein distance between a and b (in
// runes), as the suggestions for a mistyped word use it.
func EditDistance(a, b string) int { return editDistance(a, b) }
