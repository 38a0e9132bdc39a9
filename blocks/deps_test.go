package blocks

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the package's dependency rule (docs/architecture.md):
// intents, slack-go and the standard library only (go-cmp in tests).
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob: %v, %d files", err, len(files))
	}
	allowed := func(path string, test bool) bool {
		switch {
		case path == "github.com/oktabot/oktabot/intents", path == "github.com/slack-go/slack":
			return true
		case test && path == "github.com/google/go-cmp/cmp":
			return true
		}
		first, _, _ := strings.Cut(path, "/")
		return !strings.Contains(first, ".") // the standard library
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowed(path, strings.HasSuffix(f, "_test.go")) {
				t.Errorf("%s imports %s: blocks may import only intents, slack-go and the standard library", f, path)
			}
			for _, banned := range []string{"net/http", "os/exec", "log/slog", "net"} {
				if path == banned && !strings.HasSuffix(f, "_test.go") {
					t.Errorf("%s imports %s: blocks does no I/O", f, path)
				}
			}
		}
	}
}
