package okta

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oktabot/oktabot/intents"
)

// unquote reads one quoted literal of Okta's expression language from the
// start of s and returns its value and the rest of s.
func unquote(s string) (value, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", s, false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", s, false
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"john@company.com", `"john@company.com"`},
		{`x" or profile.login sw "`, `"x\" or profile.login sw \""`},
		{`back\slash`, `"back\\slash"`},
		{`\"`, `"\\\""`},
		{"new\nline\ttab", `"newlinetab"`},
		{"", `""`},
		{"Zoë 東京", `"Zoë 東京"`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzQuote checks that any input becomes exactly one literal whose value
// is the input (minus control characters): nothing escapes into the
// expression.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{`x" or profile.login sw "`, `\`, `\"`, `"`, `a\\"b`, "", "plain", `" or 1 eq 1 or "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		q := quote(s)
		v, rest, ok := unquote(q)
		if !ok || rest != "" {
			t.Fatalf("quote(%q) = %s: not exactly one literal (rest %q)", s, q, rest)
		}
		want := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, s)
		if v != want {
			t.Fatalf("quote(%q) reads back as %q, want %q", s, v, want)
		}
	})
}

func TestUserSearch(t *testing.T) {
	tests := []struct {
		name, text, status, want string
	}{
		{"empty", "", "", ""},
		{"status", "", "suspended", `status eq "SUSPENDED"`},
		{"text", "jo", "", `(profile.login sw "jo" or profile.email sw "jo" or profile.firstName sw "jo" or profile.lastName sw "jo")`},
		{"injection stays literal", `x" or profile.login sw "`, "ACTIVE",
			`status eq "ACTIVE" and (profile.login sw "x\" or profile.login sw \"" or profile.email sw "x\" or profile.login sw \"" or profile.firstName sw "x\" or profile.login sw \"" or profile.lastName sw "x\" or profile.login sw \"")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := userSearch(tt.text, tt.status); got != tt.want {
				t.Errorf("userSearch(%q, %q) =\n%s\nwant\n%s", tt.text, tt.status, got, tt.want)
			}
		})
	}
}

func TestLogFilter(t *testing.T) {
	tests := []struct {
		name   string
		f      intents.LogFilter
		either string
		want   string
	}{
		{"empty", intents.LogFilter{}, "", ""},
		{"types and outcome", intents.LogFilter{EventTypes: []string{"user.session.start", "user.lifecycle.", "policy.*"}, Outcome: "failure"}, "",
			`(eventType eq "user.session.start" or eventType sw "user.lifecycle." or eventType sw "policy.") and outcome.result eq "FAILURE"`},
		{"actor and countries", intents.LogFilter{Actor: "john@company.com", Countries: []string{"Russia", "North Korea"}}, "",
			`(actor.id eq "john@company.com" or actor.alternateId eq "john@company.com") and (client.geographicalContext.country eq "Russia" or client.geographicalContext.country eq "North Korea")`},
		{"either", intents.LogFilter{Target: "00u1"}, `a"b`,
			`(target.id eq "00u1" or target.alternateId eq "00u1") and (actor.id eq "a\"b" or actor.alternateId eq "a\"b" or target.id eq "a\"b" or target.alternateId eq "a\"b")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := logFilter(tt.f, tt.either); got != tt.want {
				t.Errorf("logFilter() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
