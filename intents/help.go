package intents

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Usage is the synopsis of a kind's slash command, derived from the
// catalogue: `/okta suspend <user> [reason: …]`. Required arguments are in
// <>, optional ones in []. An unknown kind's usage is `/okta help`.
func Usage(k Kind) string {
	info, ok := Lookup(k)
	if !ok || len(info.Verbs) == 0 {
		return SlashPrefix + " help"
	}
	parts := []string{SlashPrefix, info.Verbs[0]}
	required := func(a Arg) bool { return slices.Contains(info.Required, a) }
	for _, a := range info.Positional {
		if required(a) {
			parts = append(parts, "<"+placeholder(a)+">")
		} else {
			parts = append(parts, "["+placeholder(a)+"]")
		}
	}
	var opts []Arg
	for _, a := range append(slices.Clone(info.Required), info.Optional...) {
		if !slices.Contains(info.Positional, a) && !slices.Contains(opts, a) && a != ArgReason {
			opts = append(opts, a)
		}
	}
	for _, a := range opts {
		var s string
		switch a {
		case ArgBody:
			s = "{Okta JSON}"
		case ArgFields:
			s = "attribute:value …"
		default:
			s = optionKey(a) + ":…"
		}
		if required(a) {
			parts = append(parts, "<"+s+">")
		} else {
			parts = append(parts, "["+s+"]")
		}
	}
	if info.Accepts(ArgReason) {
		parts = append(parts, "[reason: …]")
	}
	return strings.Join(parts, " ")
}

// placeholder names a positional argument in a synopsis.
func placeholder(a Arg) string {
	if a == ArgPolicyType {
		return "type"
	}
	return string(a)
}

// HelpText is plain-text help derived from the catalogue: for each kind of
// the area (every area when area is ""), its usage, summary, other verbs and
// whether it needs approval. Areas match case-insensitively; an unknown area
// gives "". The full help ends with notes on the grammar.
func HelpText(area Area) string {
	areas := Areas()
	if area != "" {
		i := slices.IndexFunc(areas, func(a Area) bool { return strings.EqualFold(string(a), strings.TrimSpace(string(area))) })
		if i < 0 {
			return ""
		}
		areas = areas[i : i+1]
	}
	var b strings.Builder
	for i, a := range areas {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(capitalize(string(a)) + "\n")
		for _, info := range InArea(a) {
			b.WriteString("  " + Usage(info.Kind) + "\n")
			line := info.Summary
			if info.Action {
				line += " (needs approval)"
			}
			if len(info.Verbs) > 1 {
				line += ". Also: " + strings.Join(info.Verbs[1:], ", ")
			}
			b.WriteString("      " + line + "\n")
		}
	}
	if area == "" {
		b.WriteString("\n" + grammarNotes)
	}
	return b.String()
}

// grammarNotes explains what Parse reads.
const grammarNotes = `Notes
  Windows: 30m, 24h, 7d, 2w (at most 90 days), alone or as window:48h;
  by the clock: since:2026-11-30 until:2026-12-01 (days in your zone), until:2h.
  Options are key:value (type:, user:, outcome:, status:, q:, countries:, limit:).
  Quote names with spaces: "Finance Team". reason: takes the rest of the line.
  Changes to Okta are proposals: they run only after an approver clicks Approve.
`

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
