package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestDialectFlag(t *testing.T) {
	for _, cmd := range [][]string{
		{"demo", "--dialect", "cloud"},
		{"sim", "--dialect", "cloud", "--client-id", "0oacli", "--write-key", filepath.Join(t.TempDir(), "k.json")},
	} {
		err := run(context.Background(), cmd, stdio{out: io.Discard, err: io.Discard}, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), `--dialect "cloud"`) {
			t.Errorf("oktabot %s = %v, want an error naming --dialect", strings.Join(cmd, " "), err)
		}
	}

	// oktabot sim --dialect classic serves the Classic demo org: Emily's
	// denied pushes are deny_push events. The org is built for now, its
	// stories on their weekdays: the pushes are within the week.
	orgURL, keyFile := serveSim(t, "--dialect", "classic")
	vars := map[string]string{"OKTA_ORG_URL": orgURL, "OKTA_CLIENT_ID": "0oacli", "OKTA_PRIVATE_KEY_FILE": keyFile}
	out, stderr, err := runCmd(t, context.Background(), vars, "ask", "--json", "/okta security-events 7d user:emily.chen@company.com")
	if err != nil {
		t.Fatalf("ask against oktabot sim: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "user.mfa.okta_verify.deny_push") {
		t.Errorf("security-events on the Classic demo org lists no deny_push:\n%.2000s", out)
	}
}

// serveSim runs `oktabot sim` with args until the test ends and returns
// the org URL it prints and the key file it writes.
func serveSim(t *testing.T, args ...string) (orgURL, keyFile string) {
	t.Helper()
	keyFile = filepath.Join(t.TempDir(), "key.json")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		cmd := append([]string{"sim", "--addr", "127.0.0.1:0", "--client-id", "0oacli", "--write-key", keyFile}, args...)
		done <- run(ctx, cmd, stdio{out: pw, err: io.Discard}, func(string) string { return "" })
		_ = pw.Close() // closing a pipe's writer does not fail
	}()
	t.Cleanup(func() {
		cancel()
		_ = <-done // the server ends because it was cancelled
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "export OKTA_ORG_URL="); ok {
			orgURL = u
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // drains the rest; nothing to check in it
	if orgURL == "" {
		t.Fatal("oktabot sim printed no OKTA_ORG_URL")
	}
	return orgURL, keyFile
}
