package blocks

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// messageJSON is a message as a golden file holds it: Slack's payload
// shape, indented, with <, > and & left readable.
func messageJSON(t *testing.T, m Message) []byte {
	t.Helper()
	// slack-go escapes <, > and & inside some blocks' JSON; decoding into
	// generic values and encoding again keeps the file readable (keys come
	// out sorted).
	b, err := json.Marshal(struct {
		Text   string `json:"text"`
		Blocks any    `json:"blocks"`
	}{m.Text, m.Blocks})
	if err != nil {
		t.Fatalf("encode message: %v", err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("decode message: %v", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		t.Fatalf("encode message: %v", err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test ./blocks -update to create it): %v", path, err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test ./blocks -update rewrites it):\n%s", path, diff)
	}
}

func TestResultGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			m := Result(tc.r, tc.opts)
			if err := Validate(m); err != nil {
				t.Fatalf("Validate(Result(%s)) = %v", tc.name, err)
			}
			golden(t, tc.name+".json", messageJSON(t, m))
			text, _ := Plain(m)
			golden(t, tc.name+".txt", []byte(text+"\n"))
		})
	}
}

func TestOtherGolden(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"help_all", Help("")},
		{"help_users", Help(intents.AreaUsers)},
		{"help_user_actions", Help(intents.AreaUserActions)},
		{"error", Error(ErrorInfo{
			Title:         "Okta authentication failed",
			Detail:        "Okta said: invalid_client <The client_assertion signature is invalid>",
			WhatToDo:      "Check OKTA_CLIENT_ID, that the key pair matches the public key registered on the service app, and that the app is active. Then run `oktabot doctor`.",
			CorrelationID: "c-7Q2M9",
		})},
		{"working", Working("")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Validate(tc.m); err != nil {
				t.Fatalf("Validate(%s) = %v", tc.name, err)
			}
			golden(t, tc.name+".json", messageJSON(t, tc.m))
			text, _ := Plain(tc.m)
			golden(t, tc.name+".txt", []byte(text+"\n"))
		})
	}
}
