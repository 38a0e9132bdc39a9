package intents

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// SlashCommand writes in as the slash command that Parse reads back into
// the same Intent: "/okta investigate john@company.com 168h". Names with
// spaces are quoted; &, < and > are written as Slack's entities, as Slack
// sends them. The bot uses it for suggestion buttons and to show what it
// understood. Unknown (or a kind outside the catalogue) is "/okta help".
func SlashCommand(in Intent) string {
	info, ok := Lookup(in.Kind)
	if !ok || in.Kind == Unknown || len(info.Verbs) == 0 {
		return SlashPrefix + " help"
	}
	parts := []string{SlashPrefix, info.Verbs[0]}
	done := map[Arg]bool{}
	for _, a := range info.Positional {
		v := argValue(in, a)
		if v == "" {
			break
		}
		parts = append(parts, slashValue(a, v))
		done[a] = true
	}
	for _, a := range append(slices.Clone(argOrder), ArgCountries) {
		if done[a] {
			continue
		}
		if v := argValue(in, a); v != "" {
			parts = append(parts, optionKey(a)+":"+slashValue(a, v))
		}
	}
	keys := make([]string, 0, len(in.Fields))
	for k := range in.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+":"+slashValue(ArgFields, in.Fields[k]))
	}
	if len(in.Body) > 0 {
		parts = append(parts, entities(string(in.Body)))
	}
	if in.Reason != "" {
		parts = append(parts, "reason: "+entities(in.Reason))
	}
	return strings.Join(parts, " ")
}

// argValue is an Intent's argument as text.
func argValue(in Intent, a Arg) string {
	switch a {
	case ArgUser:
		return in.User
	case ArgGroup:
		return in.Group
	case ArgApp:
		return in.App
	case ArgPolicy:
		return in.Policy
	case ArgRule:
		return in.Rule
	case ArgPolicyType:
		return in.PolicyType
	case ArgWindow:
		if in.Window > 0 {
			return in.Window.String()
		}
	case ArgSince:
		return BoundText(in.Since)
	case ArgUntil:
		return BoundText(in.Until)
	case ArgEventType:
		return in.EventType
	case ArgOutcome:
		return in.Outcome
	case ArgStatus:
		return in.Status
	case ArgQuery:
		return in.Query
	case ArgCountries:
		return strings.Join(in.Countries, ",")
	case ArgLimit:
		if in.Limit > 0 {
			return strconv.Itoa(in.Limit)
		}
	case ArgID:
		return in.ID
	}
	return ""
}

// slashValue writes one value so that the lexer reads it back whole.
func slashValue(a Arg, v string) string {
	if a == ArgUser && IsSlackMention(v) {
		return v
	}
	plain := !DurationShaped(v) && !isConnective(v) && !isWindowWord(v) && !strings.HasPrefix(v, "{")
	for _, r := range v {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("@._-+*\\", r)) {
			plain = false
			break
		}
	}
	if a == ArgUser || a == ArgWindow || a == ArgLimit || a == ArgEventType || a == ArgID {
		plain = plain || !strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || IsQuote(r) || r == ':' })
	}
	if a == ArgSince || a == ArgUntil {
		plain = !strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || IsQuote(r) }) // 2026-11-30T06:00:00Z
	}
	if plain {
		return entities(v)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		if IsQuote(r) || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return entities(b.String())
}

// entities escapes &, < and > as Slack does.
func entities(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
