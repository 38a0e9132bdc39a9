package blocks

import (
	"strings"
	"testing"
)

func TestSuggestions(t *testing.T) {
	m := Suggestions("Which did you mean for <!channel>?", []string{"/okta user john@company.com", "/okta investigate john@company.com"})
	if err := Validate(m); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	text, choices := Plain(m)
	if len(choices) != 2 || choices[1].Value != "/okta investigate john@company.com" || !strings.HasPrefix(choices[0].ActionID, ActionRun) {
		t.Errorf("choices = %+v", choices)
	}
	if strings.Contains(m.Text, "<!channel>") || !strings.Contains(text, "john@company.com") {
		t.Errorf("the title echoes a live ping: %q", m.Text)
	}
}
