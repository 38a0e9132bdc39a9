package intents_test

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

// FuzzParse checks that Parse never panics and that what it returns is
// whole: an ErrInvalid with the zero Intent, or a catalogue kind (or
// Unknown) with every required argument, valid UTF-8 and a lossless JSON
// form. Run it with
//
//	go test -run=^$ -fuzz=FuzzParse -fuzztime=30s ./intents
func FuzzParse(f *testing.F) {
	for _, info := range intents.Catalogue {
		f.Add(info.Example)
	}
	for _, s := range []string{
		"", "/okta", "?", "suspnd john",
		"/okta add <mailto:john@company.com|john@company.com> to “Finance Team”",
		`/okta update-rule Contractors "Require MFA" {"name":"x"} reason: y`,
		`create-policy {“type”:“OKTA_SIGN_ON”}`,
		"suspicious countries:ru, gb, USA 7d",
		"logs last 2w type:user.authentication.* outcome:deny user:<@U1|x>",
		`members "The \"A\" Team`,
		"update-user jane@company.com title:\"VP, Sales\" reason:",
		"create-app {\"a\":[[[[[[",
		"<<<>>>&amp;&lt;&gt;<@U1|<@U2>>",
		"logs 99999999999999999999h",
		"investigate 1.5h 00u1abcdefghijklmnop",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		in, err := intents.Parse(text)
		if err != nil {
			if !errors.Is(err, intents.ErrInvalid) {
				t.Fatalf("Parse(%q) error %v is not ErrInvalid", text, err)
			}
			if e, ok := intents.AsError(err); !ok || e.Detail == "" {
				t.Fatalf("Parse(%q) error %v has no message for people", text, err)
			}
			if diff := cmp.Diff(intents.Intent{}, in); diff != "" {
				t.Fatalf("Parse(%q) returned a half-parsed intent with its error:\n%s", text, diff)
			}
			return
		}
		if in.Kind == intents.Unknown {
			if len(in.Suggestions) > 3 {
				t.Fatalf("Parse(%q) suggests %d commands, want at most 3", text, len(in.Suggestions))
			}
			return
		}
		info, ok := intents.Lookup(in.Kind)
		if !ok {
			t.Fatalf("Parse(%q).Kind = %q is not in the catalogue", text, in.Kind)
		}
		for _, a := range info.Required {
			if !hasArg(in, a) {
				t.Fatalf("Parse(%q) = %+v lacks required %s", text, in, a)
			}
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("json.Marshal(Parse(%q)) error: %v", text, err)
		}
		if !utf8.Valid(b) {
			t.Fatalf("json.Marshal(Parse(%q)) is not UTF-8: %q", text, b)
		}
		var back intents.Intent
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("json.Unmarshal(%s) error: %v", b, err)
		}
		if diff := cmp.Diff(in, back, sameJSON()); diff != "" {
			t.Fatalf("JSON round trip of Parse(%q) (-parsed +decoded):\n%s", text, diff)
		}
		again, err := intents.Parse(text)
		if err != nil || !cmp.Equal(in, again) {
			t.Fatalf("Parse(%q) is not deterministic: %+v then %+v, %v", text, in, again, err)
		}
	})
}
