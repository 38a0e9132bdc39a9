package rules_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/detect/rules"
)

// FuzzParse feeds the parser any text, seeded with Sigma's Okta rules and
// a few broken ones: it never panics, refuses with an *Error naming the
// file, and a rule it accepts never matches an event outside the event
// types it bounds itself to (or the System Log filter would starve it).
// Run it for a while with go test ./okta/detect/rules -run XXX -fuzz
// FuzzParse -fuzztime 30s -fuzzminimizetime 100x (the default
// minimization of each new input stalls the run); the suite runs the
// seeds only.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/sigma/*.yml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		ruleWith("    sel:\n        eventType|startswith: 'user.*'\n    condition: not (sel or 1 of them)\n"),
		ruleWith("    a:\n        - x\n    b:\n        - eventType: [a.b, 'c.*']\n          outcome.result: null\n    condition: a or all of b\n"),
		ruleWith("    sel:\n        eventType: [a, b\n    condition: sel\n"),
		"title: x\nlogsource: {product: okta}\ndetection: {s: {eventType: 'x*'}, condition: s and not s}\n",
		"{{{",
		"",
	} {
		f.Add([]byte(s))
	}
	var events []intents.Event
	for _, c := range sigmaCases(f) {
		events = append(events, logEvent(f, c.Match), logEvent(f, c.Miss))
	}
	events = append(events, intents.Event{EventType: "user.session.start", Security: intents.Security{IsProxy: true}})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := rules.Parse("f.yml", data)
		if err != nil {
			var re *rules.Error
			if !errors.As(err, &re) || re.File != "f.yml" || !strings.HasPrefix(err.Error(), "rules: f.yml") {
				t.Fatalf("Parse error %T %q: want an *Error naming f.yml", err, err)
			}
			return
		}
		types, all := r.EventTypes()
		set := rules.NewSet(r)
		for _, e := range events {
			hit := r.Matches(e)
			if hit && !all && !detect.OfType(e.EventType, types) {
				t.Fatalf("the rule matches a %s event outside its event types %v", e.EventType, types)
			}
			if got := len(set.Match(e)) > 0; got != hit {
				t.Fatalf("Set.Match = %v, Rule.Matches = %v for %s", got, hit, e.EventType)
			}
		}
	})
}
