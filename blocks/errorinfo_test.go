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

// People the bot names in a hint are mentions; a mention typed by a
// person and echoed in the hint stays text.
func TestErrorPeople(t *testing.T) {
	m := Error(ErrorInfo{Title: "Already decided", WhatToDo: "It is executed, decided by {user}. You typed <@U0VICTIM>.",
		People: []string{"U0APPROVER", "not-an-id"}})
	raw := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(mustJSON(t, m))
	if !strings.Contains(raw, "decided by <@U0APPROVER>") {
		t.Errorf("the approver is not a mention: %s", raw)
	}
	if strings.Contains(raw, "<@U0VICTIM>") {
		t.Errorf("a typed mention became live: %s", raw)
	}
	if m := Error(ErrorInfo{WhatToDo: "by {user}", People: []string{"<!channel>"}}); strings.Contains(m.Text, "<!channel>") {
		t.Errorf("a person that is not a user id was put in: %s", m.Text)
	}
}
