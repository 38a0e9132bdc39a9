package rules_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect/rules"
)

// ruleWith is a rule file around detection (indented by four spaces).
func ruleWith(detection string) string {
	return "title: Test rule\nid: t-1\nlogsource:\n    product: okta\ndetection:\n" + detection + "level: high\n"
}

// raw is an event as Okta logs it.
func raw(s string) intents.Event {
	var e struct {
		EventType string `json:"eventType"`
	}
	_ = json.Unmarshal([]byte(s), &e)
	return intents.Event{UUID: "e1", EventType: e.EventType, Raw: json.RawMessage(s)}
}

// TestMatching runs the subset's semantics: fields without regard to
// case, arrays, the modifiers, wildcards, null, keywords and the
// condition's operators.
func TestMatching(t *testing.T) {
	signIn := `{"eventType":"user.session.start","displayMessage":"User login to Okta","outcome":{"result":"FAILURE","reason":"INVALID_CREDENTIALS"},
		"actor":{"alternateId":"Mary@Example.com","type":"User"},"securityContext":{"isProxy":true,"asNumber":7922},
		"target":[{"type":"AppInstance","displayName":"GitHub"},{"type":"PolicyRule","displayName":"Okta Admin Console"}],
		"debugContext":{"debugData":{"requestUri":"/api/v1/authn","behaviors":"{New IP=POSITIVE, New Device=NEGATIVE}"}},"client":{"zone":null}}`
	cases := []struct {
		name, detection string
		want            bool
	}{
		{"equal, any case of field and value", "    sel:\n        EVENTTYPE: USER.SESSION.START\n    condition: sel\n", true},
		{"equal is whole", "    sel:\n        eventType: user.session\n    condition: sel\n", false},
		{"list is any", "    sel:\n        eventType: [a.b, user.session.start]\n    condition: sel\n", true},
		{"map is all", "    sel:\n        eventType: user.session.start\n        outcome.result: SUCCESS\n    condition: sel\n", false},
		{"list of maps is any", "    sel:\n        - outcome.result: SUCCESS\n        - outcome.reason: invalid_credentials\n    condition: sel\n", true},
		{"contains", "    sel:\n        debugContext.debugData.requestUri|contains: /V1/\n    condition: sel\n", true},
		{"startswith", "    sel:\n        eventType|startswith: user.\n    condition: sel\n", true},
		{"endswith", "    sel:\n        actor.alternateId|endswith: '@example.com'\n    condition: sel\n", true},
		{"endswith misses", "    sel:\n        actor.alternateId|endswith: '@example.org'\n    condition: sel\n", false},
		{"contains all", "    sel:\n        debugContext.debugData.behaviors|contains|all: ['New IP=POSITIVE', 'New Device=NEGATIVE']\n    condition: sel\n", true},
		{"contains all misses one", "    sel:\n        debugContext.debugData.behaviors|contains|all: ['New IP=POSITIVE', 'New Device=POSITIVE']\n    condition: sel\n", false},
		{"re is case-sensitive", "    sel:\n        actor.alternateId|re: '^mary@'\n    condition: sel\n", false},
		{"re", "    sel:\n        actor.alternateId|re: '^Mary@.*\\.com$'\n    condition: sel\n", true},
		{"wildcard", "    sel:\n        eventType: 'user.*.start'\n    condition: sel\n", true},
		{"wildcard ?", "    sel:\n        eventType: 'user.session.star?'\n    condition: sel\n", true},
		{"escaped wildcard is literal", "    sel:\n        eventType: 'user.\\*'\n    condition: sel\n", false},
		{"boolean as text", "    sel:\n        securityContext.isProxy: 'true'\n    condition: sel\n", true},
		{"boolean", "    sel:\n        securityContext.isProxy: true\n    condition: sel\n", true},
		{"number", "    sel:\n        securityContext.asNumber: 7922\n    condition: sel\n", true},
		{"array of objects", "    sel:\n        target.displayName: 'okta admin console'\n    condition: sel\n", true},
		{"null matches absent", "    sel:\n        client.device: null\n    condition: sel\n", true},
		{"null matches null", "    sel:\n        client.zone: null\n    condition: sel\n", true},
		{"null misses present", "    sel:\n        eventType: null\n    condition: sel\n", false},
		{"absent field misses", "    sel:\n        legacyEventType: core.user_auth.login_failed\n    condition: sel\n", false},
		{"keyword", "    keywords:\n        - 'ADMIN CONSOLE'\n    condition: keywords\n", true},
		{"keyword misses", "    keywords:\n        - 'phishing'\n    condition: keywords\n", false},
		{"and not", "    a:\n        eventType: user.session.start\n    b:\n        outcome.result: FAILURE\n    condition: a and not b\n", false},
		{"or", "    a:\n        eventType: x\n    b:\n        outcome.result: FAILURE\n    condition: a or b\n", true},
		{"not binds tighter than and", "    a:\n        eventType: x\n    b:\n        outcome.result: x\n    condition: not a and not b\n", true},
		{"and binds tighter than or", "    a:\n        eventType: user.session.start\n    b:\n        outcome.result: x\n    c:\n        eventType: x\n    condition: a or b and c\n", true},
		{"parentheses", "    a:\n        eventType: user.session.start\n    b:\n        outcome.result: x\n    c:\n        eventType: x\n    condition: (a or b) and c\n", false},
		{"1 of", "    sel_a:\n        eventType: x\n    sel_b:\n        outcome.result: FAILURE\n    condition: 1 of sel_*\n", true},
		{"all of", "    sel_a:\n        eventType: x\n    sel_b:\n        outcome.result: FAILURE\n    condition: all of sel_*\n", false},
		{"all of them skips _", "    a:\n        eventType: user.session.start\n    _b:\n        eventType: x\n    condition: all of them\n", true},
		{"1 of them", "    a:\n        eventType: x\n    b:\n        outcome.result: FAILURE\n    condition: 1 of them\n", true},
		{"conditions list is any", "    a:\n        eventType: x\n    b:\n        outcome.result: FAILURE\n    condition:\n        - a\n        - b\n", true},
		{"key with dots", "    sel:\n        debugContext.debugData.requestUri: /api/v1/authn\n    condition: sel\n", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := rules.Parse("t.yml", []byte(ruleWith(c.detection)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := r.Matches(raw(signIn)); got != c.want {
				t.Errorf("Matches = %v, want %v for\n%s", got, c.want, c.detection)
			}
		})
	}
}

// TestEventTypes: the event types a rule bounds its events to, for the
// System Log filter; a rule that may match any type says so.
func TestEventTypes(t *testing.T) {
	cases := []struct {
		name, detection string
		want            []string // nil: any
	}{
		{"equal", "    sel:\n        eventType: [a.b, c.d]\n    condition: sel\n", []string{"a.b", "c.d"}},
		{"prefix", "    sel:\n        eventType|startswith: user.\n    condition: sel\n", []string{"user.*"}},
		{"wildcard prefix", "    sel:\n        eventType: 'user.mfa.*'\n    condition: sel\n", []string{"user.mfa.*"}},
		{"inner wildcard", "    sel:\n        eventType: 'user.*.start'\n    condition: sel\n", nil},
		{"contains", "    sel:\n        eventType|contains: session\n    condition: sel\n", nil},
		{"no eventType", "    sel:\n        displayMessage: x\n    condition: sel\n", nil},
		{"and bounds by either", "    a:\n        eventType: a.b\n    b:\n        displayMessage: x\n    condition: a and b\n", []string{"a.b"}},
		{"or needs both", "    a:\n        eventType: a.b\n    b:\n        displayMessage: x\n    condition: a or b\n", nil},
		{"or of bounded", "    a:\n        eventType: a.b\n    b:\n        eventType: c.d\n    condition: a or b\n", []string{"a.b", "c.d"}},
		{"not", "    a:\n        eventType: a.b\n    condition: not a\n", nil},
		{"and not", "    a:\n        eventType: a.b\n    f:\n        eventType: c.d\n    condition: a and not f\n", []string{"a.b"}},
		{"list of maps needs each", "    a:\n        - eventType: a.b\n        - displayMessage: x\n    condition: a\n", nil},
		{"keywords", "    k:\n        - x\n    condition: k\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := rules.Parse("t.yml", []byte(ruleWith(c.detection)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			types, all := r.EventTypes()
			if all != (c.want == nil) || !slices.Equal(types, c.want) {
				t.Errorf("EventTypes = %v, any %v; want %v", types, all, c.want)
			}
		})
	}
}

// TestParseErrors: a file that is not a rule of the subset is refused,
// naming the file and the line of the offending key or value.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"yaml syntax", "title: x\nlogsource:\n    product: okta\ndetection:\n    sel:\n        eventType: [a, b\n    condition: sel\n", "bad.yml:6: not valid YAML: did not find expected ',' or ']'"},
		{"yaml tab", "title: x\nlogsource:\n\tproduct: okta\ndetection:\n    sel:\n        eventType: x\n    condition: sel\n", "bad.yml:3: not valid YAML"},
		{"yaml key without value", ruleWith("    sel:\n        eventType x\n        outcome.result: FAILURE\n    condition: sel\n"), "bad.yml:8: not valid YAML"},
		{"unknown modifier", ruleWith("    sel:\n        eventType|base64: x\n    condition: sel\n"), `bad.yml:7: selection sel: "eventType|base64": modifier "base64" is not supported`},
		{"unknown selection", ruleWith("    sel:\n        eventType: x\n    condition: sel and filter\n"), `bad.yml:8: condition "sel and filter": "filter" is not a selection`},
		{"aggregation", ruleWith("    sel:\n        eventType: x\n    condition: sel | count() > 5\n"), "bad.yml:8: condition \"sel | count() > 5\": aggregations"},
		{"timeframe", ruleWith("    sel:\n        eventType: x\n    timeframe: 5m\n    condition: sel\n"), "bad.yml:8: timeframe"},
		{"other product", "title: x\nlogsource:\n    product: aws\ndetection:\n    sel:\n        eventName: x\n    condition: sel\n", `bad.yml:3: logsource product "aws"`},
		{"no product", "title: x\nlogsource:\n    service: okta\ndetection:\n    sel:\n        eventType: x\n    condition: sel\n", "bad.yml:2: logsource has no product"},
		{"no detection", "title: x\nlogsource:\n    product: okta\n", "bad.yml:1: the rule has no detection"},
		{"no title", "logsource:\n    product: okta\ndetection:\n    sel:\n        eventType: x\n    condition: sel\n", "bad.yml:1: the rule has no title"},
		{"no condition", ruleWith("    sel:\n        eventType: x\n"), "bad.yml:5: detection has no condition"},
		{"bad regexp", ruleWith("    sel:\n        actor.alternateId|re: '(?<=x)y'\n    condition: sel\n"), "bad.yml:7: selection sel: actor.alternateId: error parsing regexp"},
		{"bad level", strings.Replace(ruleWith("    sel:\n        eventType: x\n    condition: sel\n"), "level: high", "level: severe", 1), `bad.yml:9: level "severe"`},
		{"duplicate key", ruleWith("    sel:\n        eventType: x\n        eventType: y\n    condition: sel\n"), `bad.yml:8: selection sel: "eventType" is given twice (first on line 7)`},
		{"two documents", ruleWith("    sel:\n        eventType: x\n    condition: sel\n") + "---\ntitle: y\n", "bad.yml:10: a second YAML document"},
		{"empty file", "", "bad.yml: the file is empty"},
		{"not a map", "- a\n- b\n", "bad.yml:1: the rule: want a map"},
		{"two comparisons", ruleWith("    sel:\n        eventType|contains|startswith: x\n    condition: sel\n"), "bad.yml:7: selection sel"},
		{"nested value", ruleWith("    sel:\n        eventType:\n            a: b\n    condition: sel\n"), "bad.yml:8: selection sel: eventType: want a value"},
		{"empty list", ruleWith("    sel:\n        eventType: []\n    condition: sel\n"), "bad.yml:7: selection sel: eventType has an empty list"},
		{"unclosed parenthesis", ruleWith("    sel:\n        eventType: x\n    condition: (sel\n"), "bad.yml:8: condition \"(sel\": a ( is not closed"},
		{"of names nothing", ruleWith("    sel:\n        eventType: x\n    condition: 1 of filter_*\n"), `bad.yml:8: condition "1 of filter_*": "filter_*" names no selection`},
		{"2 of", ruleWith("    sel:\n        eventType: x\n    condition: 2 of sel\n"), `bad.yml:8: condition "2 of sel": "2" of: only 1 of and all of`},
		{"alias", "title: x\nlogsource:\n    product: okta\ndetection:\n    sel: &s\n        eventType: x\n    other: *s\n    condition: sel\n", "bad.yml:7: detection: YAML aliases"},
		{"keyword modifier", ruleWith("    sel:\n        '|contains': x\n    condition: sel\n"), "bad.yml:7: selection sel"},
		{"null with modifier", ruleWith("    sel:\n        eventType|contains: null\n    condition: sel\n"), "bad.yml:7: selection sel: eventType: null takes no modifier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := rules.Parse("bad.yml", []byte(c.text))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", c.text)
			}
			var re *rules.Error
			if !errors.As(err, &re) {
				t.Fatalf("Parse error %T %v, want *rules.Error", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse error = %q, want it to contain %q", err, c.want)
			}
		})
	}
}

// TestLoadStopsAtABadFile: a directory with a bad file is refused with
// that file and line; nothing is loaded.
func TestLoadStopsAtABadFile(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("testdata/sigma/okta_user_created.yml")
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yml", string(good))
	write("notes.txt", "not a rule")
	write(".hidden/x.yml", "not: [a rule")
	set, err := rules.Load(dir)
	if err != nil || set.Len() != 1 {
		t.Fatalf("Load(one rule, a text file, a hidden dir) = %v, %v; want 1 rule", set, err)
	}
	write("team/b.yaml", ruleWith("    sel:\n        eventType|exists: true\n    condition: sel\n"))
	set, err = rules.Load(dir)
	want := filepath.Join(dir, "team", "b.yaml") + ":7:"
	if err == nil || !strings.Contains(err.Error(), want) || set != nil {
		t.Fatalf("Load(dir with a bad file) = %v, %v; want an error naming %s", set, err, want)
	}
	write("team/b.yaml", string(good))
	if _, err = rules.Load(dir); err == nil || !strings.Contains(err.Error(), "is also the id of") {
		t.Errorf("Load(two rules with one id) = %v, want an error", err)
	}
	if _, err = rules.Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("Load(missing dir) = nil error")
	}
	if _, err = rules.Load(filepath.Join(dir, "a.yml")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Load(a file) = %v, want not a directory", err)
	}
}
