package freetext_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/freetext"
)

// FuzzUnderstand checks that Understand never panics and that what it
// returns is whole: an ErrInvalid with the zero Intent; or Unknown with one
// to three suggestions that Parse accepts; or a catalogue kind with its
// required arguments, valid UTF-8, a lossless JSON form and the same answer
// twice. Its seed corpus is the phrasing table, the catalogue's examples and
// testdata/fuzz/FuzzUnderstand. Run it with
//
//	go test -run=^$ -fuzz=FuzzUnderstand -fuzztime=30s ./intents
func FuzzUnderstand(f *testing.F) {
	for _, p := range phrasings {
		f.Add(p.text)
	}
	for _, info := range intents.Catalogue {
		f.Add(info.Example)
	}
	f.Fuzz(func(t *testing.T, text string) {
		in, err := freetext.Understand(text, ftNow)
		if err != nil {
			if !errors.Is(err, intents.ErrInvalid) {
				t.Fatalf("Understand(%q) error %v is not ErrInvalid", text, err)
			}
			if e, ok := intents.AsError(err); !ok || e.Detail == "" {
				t.Fatalf("Understand(%q) error %v has no message for people", text, err)
			}
			if diff := cmp.Diff(intents.Intent{}, in, ftJSON()); diff != "" {
				t.Fatalf("Understand(%q) returned a half-built intent with its error:\n%s", text, diff)
			}
			return
		}
		checkWhole(t, text, in)
		again, err := freetext.Understand(text, ftNow)
		if err != nil || !cmp.Equal(in, again, ftJSON()) {
			t.Fatalf("Understand(%q) is not deterministic: %+v then %+v, %v", text, in, again, err)
		}
	})
}

// checkWhole fails t unless in is a whole answer to text.
func checkWhole(t *testing.T, text string, in intents.Intent) {
	t.Helper()
	if in.Kind == intents.Unknown {
		if len(in.Suggestions) > 3 {
			t.Fatalf("Understand(%q) suggests %d commands, want at most 3", text, len(in.Suggestions))
		}
		if freetext.IsSlash(text) {
			return // Parse's own answer to an unknown verb: the closest verbs, maybe none
		}
		if len(in.Suggestions) == 0 {
			t.Fatalf("Understand(%q) suggests nothing; free text gets at least /okta help", text)
		}
		for _, s := range in.Suggestions {
			if got, err := intents.Parse(s); err != nil || got.Kind == intents.Unknown {
				t.Fatalf("Understand(%q) suggests %q, which Parse rejects: %+v, %v", text, s, got, err)
			}
		}
		return
	}
	info, ok := intents.Lookup(in.Kind)
	if !ok {
		t.Fatalf("Understand(%q).Kind = %q is not in the catalogue", text, in.Kind)
	}
	if len(in.Suggestions) > 0 {
		t.Fatalf("Understand(%q) = %s with suggestions %q", text, in.Kind, in.Suggestions)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("json.Marshal(Understand(%q)) error: %v", text, err)
	}
	if !utf8.Valid(b) {
		t.Fatalf("json.Marshal(Understand(%q)) is not UTF-8: %q", text, b)
	}
	var back intents.Intent
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("json.Unmarshal(%s) error: %v", b, err)
	}
	if diff := cmp.Diff(in, back, ftJSON()); diff != "" {
		t.Fatalf("JSON round trip of Understand(%q) (-got +decoded):\n%s", text, diff)
	}
	cmd := intents.SlashCommand(in)
	parsed, err := intents.Parse(cmd)
	if err != nil && len(cmd) <= intents.MaxText {
		t.Fatalf("Parse(SlashCommand(Understand(%q))) = Parse(%q) error: %v", text, cmd, err)
	}
	if err == nil && !cmp.Equal(in, parsed, ftJSON()) {
		t.Fatalf("Understand(%q) = %+v, but its slash command %q parses to %+v", text, in, cmd, parsed)
	}
	for _, a := range info.Required {
		if !strings.Contains(string(b), `"`+string(a)+`":`) {
			t.Fatalf("Understand(%q) = %s lacks required %s", text, b, a)
		}
	}
}

// TestUnderstandLongMessages runs messages of Slack's maximum length, and
// ones built to be slow to read (unclosed quotes, many verbs, no spaces).
// There is no timing assertion; the time is logged.
func TestUnderstandLongMessages(t *testing.T) {
	fill := func(unit string) string {
		s := strings.Repeat(unit, freetext.MaxFreeText/utf8.RuneCountInString(unit)+1)
		return string([]rune(s)[:freetext.MaxFreeText])
	}
	for _, tt := range []struct{ name, text string }{
		{"repeated request", fill("show me failed logins from russia in the last 24 hours for john@company.com, ")},
		{"pasted log lines", fill(`{"eventType":"user.session.start","outcome":{"result":"FAILURE"}} `)},
		{"one long word", fill("a")},
		{"unclosed quotes", fill("‘x ")},
		{"unclosed double quotes", fill(`"x `)},
		{"many verbs", fill("suspend add remove unlock ")},
		{"many names", fill("Engineering Group ")},
		{"many countries", fill("logins from Russia, ")},
		{"many windows", fill("last 24 hours ")},
		{"angle brackets", fill("<")},
		{"suspend with a long reason", "suspend john@company.com, " + fill("he clicked a phishing link ")[:freetext.MaxFreeText-30]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if n := utf8.RuneCountInString(tt.text); n > freetext.MaxFreeText {
				t.Fatalf("test text has %d characters, more than MaxFreeText", n)
			}
			start := time.Now()
			in, err := freetext.Understand(tt.text, ftNow)
			t.Logf("Understand(%d characters) took %v: %s, %v", utf8.RuneCountInString(tt.text), time.Since(start), in.Kind, err)
			if err != nil {
				if !errors.Is(err, intents.ErrInvalid) {
					t.Fatalf("Understand(long %s) error %v is not ErrInvalid", tt.name, err)
				}
				return
			}
			checkWhole(t, tt.name, in)
		})
	}
}
