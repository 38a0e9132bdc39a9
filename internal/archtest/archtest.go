package archtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listTimeout bounds one `go list` run.
const listTimeout = 2 * time.Minute

// Package is what `go list -deps -json` reports about one package of the
// build graph.
type Package struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Error      *PackageError
}

// PackageError is go list's error for a package that cannot be loaded.
type PackageError struct {
	Err string
}

// Check fails t when pkg (an import path, or a directory such as ".")
// depends, directly or through other packages, on a package whose import
// path is one of forbidden or lies below it: forbidding
// "github.com/slack-go/slack" also forbids ".../slack/socketmode".
func Check(t testing.TB, pkg string, forbidden ...string) {
	t.Helper()
	root, deps, ok := load(t, pkg)
	if !ok {
		return
	}
	for _, v := range Forbidden(root, deps, forbidden) {
		t.Errorf("%s", v)
	}
}

// CheckOnly fails t when pkg depends on a package that is not in the
// standard library, not pkg itself and not one of allowed (or below it).
// CheckOnly(t, pkg) allows the standard library only.
func CheckOnly(t testing.TB, pkg string, allowed ...string) {
	t.Helper()
	root, deps, ok := load(t, pkg)
	if !ok {
		return
	}
	for _, v := range NotAllowed(root, deps, allowed) {
		t.Errorf("%s", v)
	}
}

// ImportedOnlyBy fails t when a package of the build graph of pattern
// (such as "github.com/oktabot/oktabot/...") imports pkg directly but is
// neither pkg, one of importers nor below one.
func ImportedOnlyBy(t testing.TB, pattern, pkg string, importers ...string) {
	t.Helper()
	deps, ok := loadAll(t, pattern)
	if !ok {
		return
	}
	for _, v := range Importers(pkg, deps, importers) {
		t.Errorf("%s", v)
	}
}

// load runs go list and reports its failure on t.
func load(t testing.TB, pkg string) (string, []Package, bool) {
	t.Helper()
	deps, ok := loadAll(t, pkg)
	if !ok {
		return "", nil, false
	}
	root := deps[len(deps)-1] // go list -deps prints the package itself last
	return root.ImportPath, deps, true
}

// loadAll runs go list for pkg (an import path, directory or pattern) and
// reports its failure, or a package it cannot load, on t.
func loadAll(t testing.TB, pkg string) ([]Package, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), listTimeout)
	defer cancel()
	deps, err := Deps(ctx, pkg)
	if err != nil {
		t.Fatalf("archtest: %v", err)
		return nil, false
	}
	var broken []string
	for _, p := range deps {
		if p.Error != nil {
			broken = append(broken, p.ImportPath+": "+p.Error.Err)
		}
	}
	if len(broken) > 0 {
		t.Fatalf("archtest: go list %s cannot load every package, so its imports cannot be checked:\n\t%s", pkg, strings.Join(broken, "\n\t"))
		return nil, false
	}
	return deps, true
}

// Deps runs `go list -e -deps -json` for pkg and returns every package of
// its (non-test) build graph, the package itself last.
func Deps(ctx context.Context, pkg string) ([]Package, error) {
	gobin, err := goCommand()
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, gobin, "list", "-e", "-deps", "-json=ImportPath,Standard,Imports,Error", "--", pkg)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list %s: %w: %s", pkg, err, strings.TrimSpace(stderr.String()))
	}
	var out []Package
	dec := json.NewDecoder(&stdout)
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list %s: decode: %w", pkg, err)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("go list %s: no packages", pkg)
	}
	return out, nil
}

// goCommand finds the go command: on PATH, else under $GOROOT.
func goCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("the go command is not on PATH and GOROOT is not set")
}

// Forbidden lists, one message each, the packages of deps that root must not
// reach because they are one of forbidden or below it.
func Forbidden(root string, deps []Package, forbidden []string) []string {
	var out []string
	for _, p := range deps {
		if p.ImportPath != root && under(p.ImportPath, forbidden) {
			out = append(out, fmt.Sprintf("%s must not depend on %s (import chain: %s)", root, p.ImportPath, chain(root, p.ImportPath, deps)))
		}
	}
	return out
}

// NotAllowed lists, one message each, the packages of deps outside the
// standard library that root reaches although they are neither root nor
// one of allowed (or below it).
func NotAllowed(root string, deps []Package, allowed []string) []string {
	var out []string
	for _, p := range deps {
		if p.Standard || p.ImportPath == root || under(p.ImportPath, allowed) {
			continue
		}
		what := "only the standard library"
		if len(allowed) > 0 {
			what = "only the standard library and " + strings.Join(allowed, ", ")
		}
		out = append(out, fmt.Sprintf("%s may depend on %s, not %s (import chain: %s)", root, what, p.ImportPath, chain(root, p.ImportPath, deps)))
	}
	return out
}

// Importers lists, one message each, the packages of deps that import pkg
// directly although they are neither pkg, one of allowed nor below one.
func Importers(pkg string, deps []Package, allowed []string) []string {
	var out []string
	for _, p := range deps {
		if p.ImportPath == pkg || under(p.ImportPath, allowed) {
			continue
		}
		for _, imp := range p.Imports {
			if imp == pkg {
				what := "no package"
				if len(allowed) > 0 {
					what = "only " + strings.Join(allowed, ", ")
				}
				out = append(out, fmt.Sprintf("%s may be imported by %s, not by %s", pkg, what, p.ImportPath))
			}
		}
	}
	return out
}

// under reports whether path is one of prefixes or lies below one.
func under(path string, prefixes []string) bool {
	for _, p := range prefixes {
		p = strings.TrimSuffix(p, "/...")
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// chain is the shortest import chain from root to target, "a → b → c".
func chain(root, target string, deps []Package) string {
	imports := make(map[string][]string, len(deps))
	for _, p := range deps {
		imports[p.ImportPath] = p.Imports
	}
	prev := map[string]string{root: ""}
	queue := []string{root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == target {
			var path []string
			for n := target; n != ""; n = prev[n] {
				path = append([]string{n}, path...)
			}
			return strings.Join(path, " → ")
		}
		for _, next := range imports[cur] {
			if _, seen := prev[next]; !seen {
				prev[next] = cur
				queue = append(queue, next)
			}
		}
	}
	return root + " → … → " + target
}
