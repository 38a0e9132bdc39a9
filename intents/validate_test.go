package intents

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCountryName(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"RU", "Russia", true},
		{"ru", "Russia", true},
		{"RUS", "Russia", true},
		{"Russia", "Russia", true},
		{"russian federation", "Russia", true},
		{"KP", "North Korea", true},
		{"DPRK", "North Korea", true},
		{"north-korea", "North Korea", true},
		{"North Korea", "North Korea", true},
		{"KR", "South Korea", true},
		{"CN", "China", true},
		{"IR", "Iran", true},
		{"Islamic Republic of Iran", "Iran", true},
		{"BY", "Belarus", true},
		{"SY", "Syria", true},
		{"CU", "Cuba", true},
		{"VE", "Venezuela", true},
		{"US", "United States", true},
		{"USA", "United States", true},
		{"U.S.A.", "United States", true},
		{"united states of america", "United States", true},
		{"GB", "United Kingdom", true},
		{"UK", "United Kingdom", true},
		{"Great Britain", "United Kingdom", true},
		{"DE", "Germany", true},
		{"the Netherlands", "Netherlands", true},
		{"NL", "Netherlands", true},
		{"Türkiye", "Turkey", true},
		{"Czech Republic", "Czechia", true},
		{"Viet Nam", "Vietnam", true},
		{"  ae ", "United Arab Emirates", true},
		{"Côte d'Ivoire", "Ivory Coast", true},
		{"", "", false},
		{"Atlantis", "", false},
		{"Korea", "", false}, // ambiguous: North or South
		{"XX", "", false},
	}
	for _, tt := range tests {
		got, ok := CountryName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CountryName(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCountryTable checks the table itself: well-formed rows, at least 60
// countries, and no code or alias naming two countries.
func TestCountryTable(t *testing.T) {
	names := map[string]bool{}
	owner := map[string]string{}
	for _, row := range CountryTable() {
		f := strings.Split(row, "|")
		if len(f) < 3 || len(f[0]) != 2 || len(f[1]) != 3 || f[0] != strings.ToUpper(f[0]) || f[1] != strings.ToUpper(f[1]) {
			t.Errorf("countryTable row %q: want CC|CCC|Name|aliases…", row)
			continue
		}
		names[f[2]] = true
		for _, alias := range f {
			k := NormCountry(alias)
			if other, dup := owner[k]; dup && other != f[2] {
				t.Errorf("%q names both %s and %s", alias, other, f[2])
			}
			owner[k] = f[2]
		}
		if got, ok := CountryName(f[0]); !ok || got != f[2] {
			t.Errorf("CountryName(%q) = %q, %v; want %q", f[0], got, ok, f[2])
		}
	}
	if len(names) < 60 {
		t.Errorf("countryTable has %d countries, want at least 60", len(names))
	}
}

func TestUnslack(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"<mailto:a@b.com|a@b.com>", "a@b.com"},
		{"<mailto:a@b.com>", "a@b.com"},
		{"<http://x.com|x.com>", "x.com"},
		{"<https://x.com/a?b=1&amp;c=2>", "https://x.com/a?b=1&c=2"},
		{"<@U123|bob>", "<@U123>"},
		{"<@U123>", "<@U123>"},
		{"<#C123|general>", "#general"},
		{"<#C123>", "<#C123>"},
		{"<!here>", "@here"},
		{"<!subteam^S123|@sec-team>", "@sec-team"},
		{"<!subteam^S123>", "<!subteam^S123>"},
		{"a &amp; b &lt;c&gt;", "a & b <c>"},
		{"&amp;lt;", "&lt;"}, // decoded once only
		{"&lt;@U123&gt;", "<@U123>"},
		{"a < b", "a < b"},
		{"<a <b>", "<a b"},
		{"zero\u200bwidth\ufeff", "zerowidth"},
		{"&nbsp;", "&nbsp;"},
	}
	for _, tt := range tests {
		if got := Unslack(tt.in); got != tt.want {
			t.Errorf("unslack(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLex(t *testing.T) {
	isReason := func(k string) bool { return NormKey(k) == "reason" }
	tests := []struct {
		name   string
		in     string
		bodies bool
		want   []token
		reason string
	}{
		{"words", "a  b\tc", false, []token{{val: "a", raw: "a"}, {val: "b", raw: "b"}, {val: "c", raw: "c"}}, ""},
		{"key value", "type:x q:\"a b\"", false, []token{{key: "type", val: "x", raw: "type:x"}, {key: "q", val: "a b", raw: `q:"a b"`, quoted: true}}, ""},
		{"key then value", "type: x", false, []token{{key: "type", val: "x", raw: "type: x"}}, ""},
		{"glued quotes", `ab"c d"e`, false, []token{{val: "abc de", raw: `ab"c d"e`, quoted: true}}, ""},
		{"escapes", `"a\"b\\c\d"`, false, []token{{val: `a"b\c\d`, raw: `"a\"b\\c\d"`, quoted: true}}, ""},
		{"url is not a key", "https://x.com", false, []token{{val: "https://x.com", raw: "https://x.com"}}, ""},
		{"digit start is not a key", "12:30", false, []token{{val: "12:30", raw: "12:30"}}, ""},
		{"reason takes the rest", "a reason:  b  c:d ", false, []token{{val: "a", raw: "a"}}, "b c:d"},
		{"brace is text without bodies", "{a}", false, []token{{val: "{a}", raw: "{a}"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lex(tt.in, tt.bodies, isReason)
			if err != nil {
				t.Fatalf("lex(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got.toks, cmp.AllowUnexported(token{})); diff != "" {
				t.Errorf("lex(%q) tokens (-want +got):\n%s", tt.in, diff)
			}
			if got.reason != tt.reason {
				t.Errorf("lex(%q) reason = %q, want %q", tt.in, got.reason, tt.reason)
			}
		})
	}
}

func TestDecodeObjectLimit(t *testing.T) {
	big := `{"a":"` + strings.Repeat("x", maxBody) + `"}`
	if _, _, err := DecodeObject(big); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "limit") {
		t.Errorf("decodeObject(%d bytes) error = %v, want the size limit", len(big), err)
	}
	ok := `{"a":"` + strings.Repeat("x", maxBody-20) + `"} reason: x`
	raw, n, err := DecodeObject(ok)
	if err != nil || n != strings.Index(ok, " reason") || len(raw) != n {
		t.Errorf("decodeObject(%d bytes) = %d bytes, %d, %v; want the object and its length", len(ok), len(raw), n, err)
	}
}

func TestDurationShaped(t *testing.T) {
	for s, want := range map[string]bool{
		"48h": true, "7d": true, "2w": true, "30m": true, "1h30m": true, "1.5h": true, "48H": true,
		"": false, "48": false, "h": false, "eng": false, "7days": false, "-5h": false, "2x": false,
		"a1h": false, "1h2": false,
	} {
		if got := DurationShaped(s); got != want {
			t.Errorf("durationShaped(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidUserForms(t *testing.T) {
	for s, want := range map[string]bool{
		"john@company.com":              true,
		"00u1abcdefghijklmnop":          true,
		"<@U024BE7LH>":                  true,
		"jdoe":                          true,
		"john smith":                    false,
		"<@U024BE7LH|bob>":              false, // unslack removes the label first
		"<mailto:a@b>":                  false,
		"a\tb":                          false,
		strings.Repeat("a", 101):        false,
		strings.Repeat("a", 100):        true,
		"00u1abcdefghijklmno!":          true, // a login then, not an id
		"\u00e9l\u00e8ve@\u00e9cole.fr": true,
	} {
		_, err := validUser(s)
		if (err == nil) != want {
			t.Errorf("validUser(%q) error = %v, want ok=%v", s, err, want)
		}
	}
	if !IsOktaUserID("00u1abcdefghijklmnop") || IsOktaUserID("00g1abcdefghijklmnop") || IsOktaUserID("00u1abcdefghijklmno") {
		t.Errorf("isOktaUserID accepts the wrong ids")
	}
}

func TestValidFieldKey(t *testing.T) {
	for k, want := range map[string]bool{
		"firstName": true, "x": true, "employee_number": true, "a1": true,
		strings.Repeat("a", 50): true, strings.Repeat("a", 51): false,
		"": false, "1a": false, "_a": false, "first-name": false, "a.b": false, "é": false,
	} {
		if got := validFieldKey(k); got != want {
			t.Errorf("validFieldKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"suspend", "suspend", 0},
		{"suspnd", "suspend", 1}, {"investiagte", "investigate", 1}, //nolint:misspell // the typo is the test
		{"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		verb string
		want []string
	}{
		{"suspnd", []string{"/okta suspend"}},
		{"grups", []string{"/okta groups"}},
		{"membres", []string{"/okta members"}},
		{"polices", []string{"/okta policies"}},
		{"deact", []string{"/okta deactivate-user", "/okta deactivate-app", "/okta deactivate-policy"}},
		{"xy", nil},
		{"", nil},
		{strings.Repeat("a", 100), nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Suggest(tt.verb)); diff != "" {
			t.Errorf("suggest(%q) (-want +got):\n%s", tt.verb, diff)
		}
	}
}

// TestEveryArgHasAKey checks that each argument the catalogue uses can be
// given as an option (except fields and body, which have their own syntax).
func TestEveryArgHasAKey(t *testing.T) {
	for _, info := range Catalogue {
		for _, list := range [][]Arg{info.Positional, info.Required, info.Optional} {
			for _, a := range list {
				if a == ArgFields || a == ArgBody {
					continue
				}
				if args := ArgsForKey(NormKey(optionKey(a))); len(args) == 0 || args[0] != a {
					t.Errorf("%s: argument %s has no option key (argsForKey(%q) = %v)", info.Kind, a, optionKey(a), args)
				}
			}
		}
	}
}

// TestSetArgRefusesStructuredArgs covers the guard for arguments that have
// their own syntax (fields as name:value, body as JSON).
func TestSetArgRefusesStructuredArgs(t *testing.T) {
	info, _ := Lookup(UpdateApp)
	for _, a := range []Arg{ArgFields, ArgBody, ArgReason} {
		ps := &parser{info: info, set: map[Arg]bool{}}
		if err := ps.setArg(a, "x"); !errors.Is(err, ErrInvalid) {
			t.Errorf("setArg(%s, x) error = %v, want ErrInvalid", a, err)
		}
	}
}
