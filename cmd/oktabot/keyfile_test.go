package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/bot/slackfake"
)

// A key file that group or others may read stops ask, doctor and run with
// the chmod that fixes it; once fixed, the same command works.
func TestKeyFileMustBePrivate(t *testing.T) {
	ctx := context.Background()
	fake, vars := runSetup(t, slackfake.Options{})
	keyFile := filepath.Join(t.TempDir(), "okta key.json")
	if err := os.WriteFile(keyFile, []byte(vars["OKTA_PRIVATE_KEY"]), 0o600); err != nil {
		t.Fatal(err)
	}
	vars = with(vars, map[string]string{"OKTA_PRIVATE_KEY": "", "OKTA_PRIVATE_KEY_FILE": keyFile})
	readable := "OKTA_PRIVATE_KEY_FILE " + keyFile + " is readable by others: run chmod 600 '" + keyFile + "'"
	for _, tt := range []struct {
		mode os.FileMode
		want string
	}{
		{0o644, readable},
		{0o640, readable},
		{0o604, readable},
		{0o620, "OKTA_PRIVATE_KEY_FILE " + keyFile + " is writable by others: run chmod 600 '" + keyFile + "'"},
	} {
		if err := os.Chmod(keyFile, tt.mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := runCmd(t, ctx, vars, "ask", "/okta user john@company.com")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ask with the key file %#o = %v, want %q", tt.mode, err, tt.want)
		}
		out, _, err := runCmd(t, ctx, vars, "doctor")
		if err == nil || strings.Count(out, tt.want) != 1 || strings.Contains(out, "✓ token") {
			t.Errorf("doctor with the key file %#o = %v, stdout %q; want the problem once and no token", tt.mode, err, out)
		}
		if lines := runRefused(t, fake, vars); !strings.Contains(strings.Join(lines, "\n"), tt.want) {
			t.Errorf("run with the key file %#o = %q, want %q", tt.mode, lines, tt.want)
		}
	}

	if err := os.Chmod(keyFile, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := runCmd(t, ctx, vars, "ask", "/okta user john@company.com"); err != nil || !strings.Contains(out, "john@company.com") {
		t.Errorf("ask with the key file 0600 = %v\n%s%s", err, out, stderr)
	}
	if out, _, err := runCmd(t, ctx, vars, "doctor"); !strings.Contains(out, "✓ token") || strings.Contains(out, "OKTA_PRIVATE_KEY_FILE") {
		t.Errorf("doctor with the key file 0600 = %v, stdout %q; want a token and no word about the key file", err, out)
	}
}

// OPENAI_BASE_URL over plain http is refused unless it is this machine,
// without echoing a key in the URL.
func TestModelURLPlainHTTPOnlyToLoopback(t *testing.T) {
	for _, tt := range []struct {
		url    string
		refuse bool
	}{
		{"http://models.example.com/v1", true},
		{"http://sk-secret:x@10.0.0.5:11434/v1", true},
		{"HTTP://192.168.1.20:8000/v1", true},
		{"http://127.0.0.1:11434/v1", false},
		{"http://localhost:8080/v1", false},
		{"http://[::1]:8080/v1", false},
		{"https://models.example.com/v1", false},
	} {
		vars := map[string]string{"OPENAI_MODEL": "gpt-4o-mini", "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": tt.url}
		_, err := loadClassifier(env(func(k string) string { return vars[k] }), newLogger(io.Discard, env(func(string) string { return "" })))
		switch {
		case tt.refuse && (err == nil || !strings.Contains(err.Error(), "OPENAI_BASE_URL") || !strings.Contains(err.Error(), "loopback")):
			t.Errorf("OPENAI_BASE_URL=%s: %v, want a refusal that says plain http is for loopback only", tt.url, err)
		case tt.refuse && strings.Contains(err.Error(), "sk-secret"):
			t.Errorf("OPENAI_BASE_URL=%s: the error %q repeats the key in the URL", tt.url, err)
		case !tt.refuse && err != nil:
			t.Errorf("OPENAI_BASE_URL=%s: %v, want it accepted", tt.url, err)
		}
	}
	// The commands that use the model refuse it the same way.
	_, _, err := runCmd(t, context.Background(), map[string]string{"OPENAI_MODEL": "m", "OPENAI_BASE_URL": "http://models.example.com/v1"}, "ask", "--sim", "who is john")
	if err == nil || !strings.Contains(err.Error(), "OPENAI_BASE_URL http://models.example.com/… uses plain http") {
		t.Errorf("ask --sim with a plain-http model URL = %v", err)
	}
}
