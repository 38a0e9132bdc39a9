package okta

import (
	"strings"

	"github.com/oktabot/oktabot/intents"
)

// quote returns s as a quoted string literal of Okta's filter and search
// expressions: `"` and `\` are escaped with `\`, so that whatever a person
// typed stays one literal value and never becomes part of the expression.
// Control characters, which no Okta value needs, are dropped.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// term is one comparison `attr op "value"`. attr and op are constants of
// this package, never user input.
func term(attr, op, value string) string {
	return attr + " " + op + " " + quote(value)
}

// anyOf joins terms with or, parenthesised when there are several.
func anyOf(terms ...string) string {
	var kept []string
	for _, t := range terms {
		if t != "" {
			kept = append(kept, t)
		}
	}
	switch len(kept) {
	case 0:
		return ""
	case 1:
		return kept[0]
	default:
		return "(" + strings.Join(kept, " or ") + ")"
	}
}

// allOf joins terms with and.
func allOf(terms ...string) string {
	var kept []string
	for _, t := range terms {
		if t != "" {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, " and ")
}

// userSearch is the users `search` expression of a list_users request:
// a name, email or login prefix and a status. Okta's `q` cannot be
// combined with a status, search can.
func userSearch(text, status string) string {
	var match string
	if text = strings.TrimSpace(text); text != "" {
		match = anyOf(
			term("profile.login", "sw", text),
			term("profile.email", "sw", text),
			term("profile.firstName", "sw", text),
			term("profile.lastName", "sw", text),
		)
	}
	var st string
	if status != "" {
		st = term("status", "eq", strings.ToUpper(status))
	}
	return allOf(st, match)
}

// logFilter is the System Log `filter` of f. either, when set, matches an
// actor or a target (a person's "logs about john").
func logFilter(f intents.LogFilter, either string) string { return logFilterWith(f, either) }

// logFilterWith is logFilter with more alternatives to f's event types:
// whole expressions, such as an event type narrowed by its details.
func logFilterWith(f intents.LogFilter, either string, more ...string) string {
	var types []string
	for _, t := range f.EventTypes {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
		case strings.HasSuffix(t, "*"):
			types = append(types, term("eventType", "sw", strings.TrimSuffix(t, "*")))
		case strings.HasSuffix(t, "."):
			types = append(types, term("eventType", "sw", t))
		default:
			types = append(types, term("eventType", "eq", t))
		}
	}
	types = append(types, more...)
	var outcome, actor, target, who string
	if f.Outcome != "" {
		outcome = term("outcome.result", "eq", strings.ToUpper(f.Outcome))
	}
	if f.Actor != "" {
		actor = anyOf(term("actor.id", "eq", f.Actor), term("actor.alternateId", "eq", f.Actor))
	}
	if f.Target != "" {
		target = anyOf(term("target.id", "eq", f.Target), term("target.alternateId", "eq", f.Target))
	}
	if either != "" {
		who = anyOf(
			term("actor.id", "eq", either), term("actor.alternateId", "eq", either),
			term("target.id", "eq", either), term("target.alternateId", "eq", either),
		)
	}
	var countries []string
	for _, c := range f.Countries {
		if c = strings.TrimSpace(c); c != "" {
			countries = append(countries, term("client.geographicalContext.country", "eq", c))
		}
	}
	return allOf(anyOf(types...), outcome, actor, target, who, anyOf(countries...))
}
