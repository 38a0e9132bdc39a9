package approvals_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the dependency rule (docs/architecture.md): approvals
// imports only the standard library, intents and bbolt, and nothing else of
// oktabot's.
func TestImports(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	list := func(format string) []string {
		t.Helper()
		out, err := exec.Command(goTool, "list", "-f", format, "github.com/oktabot/oktabot/approvals").Output()
		if err != nil {
			t.Fatalf("go list -f %s: %v", format, err)
		}
		return strings.Fields(string(out))
	}
	for _, imp := range list(`{{join .Imports " "}}`) {
		switch {
		case imp == "github.com/oktabot/oktabot/intents", imp == "go.etcd.io/bbolt", imp == "go.etcd.io/bbolt/errors":
		case !strings.Contains(strings.SplitN(imp, "/", 2)[0], "."): // standard library
		default:
			t.Errorf("approvals imports %s; it may import only the standard library, intents and bbolt", imp)
		}
	}
	for _, dep := range list(`{{join .Deps " "}}`) {
		if strings.HasPrefix(dep, "github.com/oktabot/oktabot/") && dep != "github.com/oktabot/oktabot/intents" {
			t.Errorf("approvals depends on %s", dep)
		}
	}
}
