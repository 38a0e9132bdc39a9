package archtest

import (
	"bufio"
	"bytes"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// outsideDocs are names of documents that live outside the repository (the
// team's design notes): a clone does not have them, so a comment or a doc
// that cites one points nowhere. Each name is built from pieces so that this
// file does not cite them itself.
var outsideDocs = []string{
	"design" + " §",
	"design" + ".md",
	"style" + ".md",
	"okta" + "-notes",
	"slack" + "-notes",
	"detections" + ".md",
}

// TestNoOutsideDocs fails when a comment in a .go file, or a .md file, of
// the repository cites a document the repository does not have. Rules are
// stated where they are used, or in docs/architecture.md. String literals
// are not checked: they are code, not references.
func TestNoOutsideDocs(t *testing.T) {
	root := repoRoot(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		switch filepath.Ext(path) {
		case ".go":
			checked++
			for _, hit := range citesInComments(t, path) {
				t.Errorf("%s:%s", rel, hit)
			}
		case ".md":
			checked++
			for _, hit := range citesInText(path) {
				t.Errorf("%s:%s", rel, hit)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	if checked < 100 {
		t.Fatalf("checked %d files under %s; expected the whole repository", checked, root)
	}
}

// TestOutsideDocsFound checks the checker: a cite in a comment is found, the
// same words in a string literal are not.
func TestOutsideDocsFound(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\n// Rule of " + outsideDocs[2] + ".\nvar s = \"" + outsideDocs[0] + "5\"\n\n/* see " + outsideDocs[3] + " */\nvar x = 1\n"
	path := filepath.Join(dir, "p.go")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := citesInComments(t, path)
	if len(got) != 2 || !strings.HasPrefix(got[0], "3:") || !strings.HasPrefix(got[1], "6:") {
		t.Errorf("citesInComments = %q, want lines 3 and 6 only", got)
	}
	md := filepath.Join(dir, "a.md")
	if err := os.WriteFile(md, []byte("fine\nsee "+outsideDocs[5]+"\nand "+repoDocs[0]+", the repository's own\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := citesInText(md); len(got) != 1 || !strings.HasPrefix(got[0], "2:") {
		t.Errorf("citesInText = %q, want line 2", got)
	}
}

// repoRoot is the directory holding go.mod, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// citesInComments lists "line: needle" for every comment of a Go file that
// names an outside document.
func citesInComments(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) {
		t.Errorf("%s: %s", pos, msg)
	}, scanner.ScanComments)
	var hits []string
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return hits
		}
		if tok != token.COMMENT {
			continue
		}
		for i, line := range strings.Split(lit, "\n") {
			if n := cited(line); n != "" {
				hits = append(hits, strconv.Itoa(fset.Position(pos).Line+i)+": cites "+n+": "+strings.TrimSpace(line))
			}
		}
	}
}

// citesInText lists "line: needle" for every line of a text file that names
// an outside document.
func citesInText(path string) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		return []string{"0: " + err.Error()}
	}
	var hits []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if d := cited(sc.Text()); d != "" {
			hits = append(hits, strconv.Itoa(n)+": cites "+d+": "+strings.TrimSpace(sc.Text()))
		}
	}
	return hits
}

// repoDocs are documents of the repository that share a name with an
// outside one: cited by their path in the repository, they resolve.
var repoDocs = []string{"docs/" + "detections" + ".md"}

// cited returns the outside document a line names, or "".
func cited(line string) string {
	for _, d := range repoDocs {
		line = strings.ReplaceAll(line, d, "")
	}
	for _, n := range outsideDocs {
		if strings.Contains(line, n) {
			return n
		}
	}
	return ""
}
