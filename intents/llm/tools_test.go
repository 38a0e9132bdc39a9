package llm_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	openai "github.com/sashabaranov/go-openai"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/intents/llm"
)

type toolSchema struct {
	Type                 string                    `json:"type"`
	Properties           map[string]propertySchema `json:"properties"`
	Required             []string                  `json:"required"`
	AdditionalProperties *bool                     `json:"additionalProperties"`
}

type propertySchema struct {
	Type    string   `json:"type"`
	Enum    []string `json:"enum"`
	Pattern string   `json:"pattern"`
	Minimum int      `json:"minimum"`
	Maximum int      `json:"maximum"`
}

func parse(t *testing.T, tool openai.Tool) toolSchema {
	t.Helper()
	raw, err := json.Marshal(tool.Function.Parameters)
	if err != nil {
		t.Fatalf("marshal parameters of %s: %v", tool.Function.Name, err)
	}
	var s toolSchema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("parameters of %s are not a schema: %v\n%s", tool.Function.Name, err, raw)
	}
	return s
}

// TestToolsFollowTheCatalogue: one tool per kind, named as it, whose
// schema takes exactly the kind's arguments, requires its required ones and
// allows nothing else; and a last tool, unknown.
func TestToolsFollowTheCatalogue(t *testing.T) {
	tools := llm.Tools()
	if len(tools) != len(intents.Catalogue)+1 {
		t.Fatalf("Tools() has %d tools, want %d kinds + unknown", len(tools), len(intents.Catalogue))
	}
	valid := regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	for i, info := range intents.Catalogue {
		tool := tools[i]
		if tool.Type != openai.ToolTypeFunction || tool.Function == nil {
			t.Fatalf("tool %d is not a function tool: %+v", i, tool)
		}
		if tool.Function.Name != string(info.Kind) || !valid.MatchString(tool.Function.Name) {
			t.Errorf("tool %d is named %q, want %q", i, tool.Function.Name, info.Kind)
		}
		if tool.Function.Description == "" {
			t.Errorf("tool %s has no description", info.Kind)
		}
		for _, id := range info.Idioms {
			if !strings.Contains(tool.Function.Description, strings.TrimSuffix(id, " …")) {
				t.Errorf("tool %s: the description does not show the idiom %q", info.Kind, id)
			}
		}
		s := parse(t, tool)
		if s.Type != "object" || s.AdditionalProperties == nil || *s.AdditionalProperties {
			t.Errorf("tool %s schema type %q additionalProperties %v; want an object that allows no other properties", info.Kind, s.Type, s.AdditionalProperties)
		}
		var want []string
		for _, list := range [][]intents.Arg{info.Positional, info.Required, info.Optional} {
			for _, a := range list {
				if !slices.Contains(want, string(a)) {
					want = append(want, string(a))
				}
			}
		}
		var got []string
		for k := range s.Properties {
			got = append(got, k)
		}
		sort.Strings(want)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("tool %s properties (-kind's args +schema):\n%s", info.Kind, diff)
		}
		wantReq := make([]string, 0, len(info.Required))
		for _, a := range info.Required {
			wantReq = append(wantReq, string(a))
		}
		if diff := cmp.Diff(wantReq, s.Required, cmp.Transformer("nil", func(s []string) []string {
			if s == nil {
				return []string{}
			}
			return s
		})); diff != "" {
			t.Errorf("tool %s required (-kind +schema):\n%s", info.Kind, diff)
		}
	}
	last := tools[len(tools)-1]
	if last.Function.Name != "unknown" || len(parse(t, last).Properties) != 0 {
		t.Errorf("the last tool is %q, want unknown without properties", last.Function.Name)
	}
}

// TestToolEnumsValidate: every value a schema offers passes the validators
// of the slash grammar, so the schema never invites a rejected answer; and
// the types of the schema are the ones FromArgs reads.
func TestToolEnumsValidate(t *testing.T) {
	for i, info := range intents.Catalogue {
		s := parse(t, llm.Tools()[i])
		for name, p := range s.Properties {
			var samples []any
			switch {
			case len(p.Enum) > 0:
				for _, v := range p.Enum {
					samples = append(samples, v)
				}
			case name == string(intents.ArgWindow):
				samples = []any{"30m", "24h", "7d", "2w", "90d"}
				if !regexp.MustCompile(p.Pattern).MatchString("24h") || regexp.MustCompile(p.Pattern).MatchString("1 day") {
					t.Errorf("window pattern %q of %s is wrong", p.Pattern, info.Kind)
				}
			case p.Type == "integer":
				samples = []any{p.Minimum, p.Maximum}
			case p.Type == "array":
				samples = []any{[]string{"RU", "Iran"}}
			case p.Type == "object" && name == string(intents.ArgFields):
				samples = []any{map[string]string{"department": "Finance"}}
			case p.Type == "object":
				samples = []any{map[string]any{"name": "x"}}
			case name == string(intents.ArgEventType):
				samples = []any{"user.session.start", "user.authentication.*"}
			case name == string(intents.ArgID):
				samples = []any{"p-7Q2MXK"}
			default:
				samples = []any{"jdoe"}
			}
			for _, v := range samples {
				args := map[string]any{name: v}
				for _, r := range info.Required {
					if string(r) != name {
						args[string(r)] = requiredSample(r)
					}
				}
				raw, _ := json.Marshal(args)
				if _, err := intents.FromArgs(info.Kind, raw); err != nil {
					t.Errorf("FromArgs(%s, %s), a value the schema offers, error: %v", info.Kind, raw, err)
				}
			}
		}
	}
}

func requiredSample(a intents.Arg) any {
	switch a {
	case intents.ArgFields:
		return map[string]string{"title": "VP"}
	case intents.ArgBody:
		return map[string]any{"name": "x"}
	case intents.ArgID:
		return "p-7Q2MXK"
	}
	return "jdoe"
}
