package blocks

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestErrorChannelLinks(t *testing.T) {
	m := Error(ErrorInfo{Title: "Not here", Channels: []string{"C0SEC", "<!channel>", "G12AB"}})
	if err := Validate(m); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m.Blocks); err != nil {
		t.Fatal(err)
	}
	b := buf.String()
	for _, want := range []string{"<#C0SEC>", "<#G12AB>"} {
		if !strings.Contains(b, want) {
			t.Errorf("Error(Channels) lacks the link %s: %s", want, b)
		}
	}
	if strings.Contains(b, "<!channel>") || strings.Contains(m.Text, "<!channel>") {
		t.Errorf("Error(Channels) let a non-channel through as a live token: %s", b)
	}
}
