package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// rulesDir is a directory holding copies of the Sigma rules named (from
// okta/detect/rules/testdata/sigma) and the extra files given.
func rulesDir(t *testing.T, sigma []string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range sigma {
		b, err := os.ReadFile(filepath.Join("..", "..", "okta", "detect", "rules", "testdata", "sigma", n))
		if err != nil {
			t.Fatal(err)
		}
		extra[n] = string(b)
	}
	for n, text := range extra {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const proxyRule = "okta_user_session_start_via_anonymised_proxy.yml"

// TestAskRunsTheTeamsRules: `oktabot ask --json` with OKTABOT_RULES_DIR
// loads the rules and reports a rule's finding with its level, title and
// ATT&CK ids.
func TestAskRunsTheTeamsRules(t *testing.T) {
	dir := rulesDir(t, []string{proxyRule}, map[string]string{})
	out, stderr, err := runCmd(t, context.Background(), map[string]string{"OKTABOT_RULES_DIR": dir}, "ask", "--sim", "--json", "threats 7d")
	if err != nil {
		t.Fatalf("ask threats 7d: %v\n%s", err, stderr)
	}
	var res struct {
		Findings []struct {
			Detection string   `json:"detection"`
			Severity  string   `json:"severity"`
			User      string   `json:"user"`
			Summary   string   `json:"summary"`
			Attack    []string `json:"attack"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("ask printed non-JSON: %v", err)
	}
	found := false
	for _, f := range res.Findings {
		if f.Detection == "rule:bde30855-5c53-4c18-ae90-1ff79ebc9578" {
			found = true
			if f.Severity != "high" || !slices.Equal(f.Attack, []string{"T1685"}) ||
				!strings.HasPrefix(f.Summary, "Okta User Session Start Via An Anonymising Proxy Service: user.session.start") {
				t.Errorf("the rule's finding = %+v", f)
			}
		}
	}
	if !found {
		t.Errorf("ask threats 7d: no finding of the anonymising-proxy rule on the demo org (its Tor sign-ins); stderr:\n%s", stderr)
	}
	if !strings.Contains(stderr, "team rules loaded") {
		t.Errorf("ask did not log the rules it loaded:\n%s", stderr)
	}
}

// TestABadRuleFileStopsTheCommand: run, demo and ask stop with a non-zero
// exit naming the bad file and line, before anything else.
func TestABadRuleFileStopsTheCommand(t *testing.T) {
	bad := "title: x\nlogsource:\n    product: okta\ndetection:\n    sel:\n        eventType|base64: x\n    condition: sel\n"
	dir := rulesDir(t, []string{proxyRule}, map[string]string{"team.yml": bad})
	want := filepath.Join(dir, "team.yml") + ":6:"
	for _, args := range [][]string{{"ask", "--sim", "--json", "threats 7d"}, {"demo"}, {"run"}} {
		t.Run(args[0], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, _, err := runCmd(t, ctx, map[string]string{"OKTABOT_RULES_DIR": dir}, args...)
			if err == nil || exitCode(err) == 0 || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "OKTABOT_RULES_DIR") {
				t.Errorf("oktabot %s with a bad rule file = %v, want an error naming %s", strings.Join(args, " "), err, want)
			}
			if args[0] == "ask" && out != "" {
				t.Errorf("ask printed an answer with a bad rule file:\n%s", out)
			}
		})
	}
}

// TestDemoRunsTheTeamsRules: the terminal demo loads OKTABOT_RULES_DIR and
// its sweep shows the rule's finding.
func TestDemoRunsTheTeamsRules(t *testing.T) {
	dir := rulesDir(t, []string{proxyRule}, map[string]string{})
	in, typed := io.Pipe()
	out := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	done := make(chan error, 1)
	vars := map[string]string{"OKTABOT_RULES_DIR": dir, "OKTABOT_DEMO_PICTURES": t.TempDir()}
	go func() {
		done <- run(ctx, []string{"demo"}, stdio{in: in, out: out, err: io.Discard}, func(k string) string { return vars[k] })
	}()
	defer func() { _ = typed.Close() }() // teardown; a close error decides nothing here
	pos := waitTerminal(t, ctx, out, done, "the first prompt", "you> ", 0)
	if _, err := io.WriteString(typed, "/okta investigate john@company.com 7d\n"); err != nil {
		t.Fatal(err)
	}
	waitTerminal(t, ctx, out, done, "the rule's finding", "Okta User Session Start Via An Anonymising Proxy Service", pos)
}
