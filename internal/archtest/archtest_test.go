package archtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const self = "github.com/oktabot/oktabot/internal/archtest"

// graph is a small build graph: app → svc → slack/socketmode, app → fmt.
func graph() []Package {
	return []Package{
		{ImportPath: "fmt", Standard: true},
		{ImportPath: "github.com/slack-go/slack", Imports: []string{"fmt"}},
		{ImportPath: "github.com/slack-go/slack/socketmode", Imports: []string{"github.com/slack-go/slack"}},
		{ImportPath: "example.com/svc", Imports: []string{"github.com/slack-go/slack/socketmode"}},
		{ImportPath: "example.com/app", Imports: []string{"example.com/svc", "fmt"}},
	}
}

func TestForbidden(t *testing.T) {
	tests := []struct {
		name      string
		forbidden []string
		want      []string
	}{
		{"nothing forbidden", nil, nil},
		{"unrelated", []string{"go.etcd.io/bbolt"}, nil},
		{"a prefix forbids what is below it", []string{"github.com/slack-go/slack"}, []string{
			"example.com/app must not depend on github.com/slack-go/slack (import chain: example.com/app → example.com/svc → github.com/slack-go/slack/socketmode → github.com/slack-go/slack)",
			"example.com/app must not depend on github.com/slack-go/slack/socketmode (import chain: example.com/app → example.com/svc → github.com/slack-go/slack/socketmode)",
		}},
		{"slash dots form", []string{"example.com/..."}, []string{
			"example.com/app must not depend on example.com/svc (import chain: example.com/app → example.com/svc)",
		}},
		{"a name is not a prefix of a longer name", []string{"example.com/sv"}, nil},
		{"standard packages can be forbidden", []string{"fmt"}, []string{
			"example.com/app must not depend on fmt (import chain: example.com/app → fmt)",
		}},
		{"the package itself is never a violation", []string{"example.com/app"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Forbidden("example.com/app", graph(), tt.forbidden)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Forbidden(app, %v) (-want +got):\n%s", tt.forbidden, diff)
			}
		})
	}
}

func TestNotAllowed(t *testing.T) {
	tests := []struct {
		name    string
		allowed []string
		want    int
		mention string
	}{
		{"standard library only", nil, 3, "may depend on only the standard library, not example.com/svc"},
		{"slack allowed", []string{"github.com/slack-go/slack"}, 1, "not example.com/svc (import chain: example.com/app → example.com/svc)"},
		{"everything allowed", []string{"github.com/slack-go/slack", "example.com/svc"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NotAllowed("example.com/app", graph(), tt.allowed)
			if len(got) != tt.want {
				t.Fatalf("NotAllowed(app, %v) = %d violations %q, want %d", tt.allowed, len(got), got, tt.want)
			}
			if tt.mention != "" && !strings.Contains(strings.Join(got, "\n"), tt.mention) {
				t.Errorf("NotAllowed(app, %v) = %q, want a message containing %q", tt.allowed, got, tt.mention)
			}
		})
	}
}

func TestImporters(t *testing.T) {
	tests := []struct {
		name    string
		pkg     string
		allowed []string
		want    []string
	}{
		{"no importer allowed", "example.com/svc", nil, []string{
			"example.com/svc may be imported by no package, not by example.com/app",
		}},
		{"the importer allowed", "example.com/svc", []string{"example.com/app"}, nil},
		{"a prefix allows what is below it", "example.com/svc", []string{"example.com/..."}, nil},
		{"another importer allowed", "github.com/slack-go/slack", []string{"example.com/app"}, []string{
			"github.com/slack-go/slack may be imported by only example.com/app, not by github.com/slack-go/slack/socketmode",
		}},
		{"only direct imports count", "github.com/slack-go/slack/socketmode", []string{"example.com/svc"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Importers(tt.pkg, graph(), tt.allowed)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Importers(%s, %v) (-want +got):\n%s", tt.pkg, tt.allowed, diff)
			}
		})
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
	r.fatal = true
}

// TestCheckRunsGoList checks the real thing: go list on this package, which
// imports encoding/json but nothing outside the standard library.
func TestCheckRunsGoList(t *testing.T) {
	deps, err := Deps(context.Background(), ".")
	if err != nil {
		t.Fatalf("Deps(.) error: %v", err)
	}
	if got := deps[len(deps)-1].ImportPath; got != self {
		t.Fatalf("Deps(.) last package = %q, want %q", got, self)
	}

	Check(t, self, "github.com/slack-go/slack", "github.com/oktabot/oktabot/intents")
	CheckOnly(t, ".")

	r := &recorder{TB: t}
	Check(r, self, "encoding/json")
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "must not depend on encoding/json (import chain: "+self+" → encoding/json)") {
		t.Errorf("Check(archtest, encoding/json) reported %q, want one violation with its chain", r.errors)
	}

	// go-cmp reaches its own internal packages: not the standard library.
	r = &recorder{TB: t}
	CheckOnly(r, "github.com/google/go-cmp/cmp")
	if len(r.errors) == 0 || !strings.Contains(r.errors[0], "github.com/google/go-cmp/cmp/internal/") {
		t.Errorf("CheckOnly(go-cmp) reported %q, want its internal packages", r.errors)
	}
	r = &recorder{TB: t}
	CheckOnly(r, "github.com/google/go-cmp/cmp", "github.com/google/go-cmp")
	if len(r.errors) != 0 {
		t.Errorf("CheckOnly(go-cmp, go-cmp) reported %q, want none", r.errors)
	}

	r = &recorder{TB: t}
	Check(r, "github.com/oktabot/oktabot/no/such/package")
	if !r.fatal {
		t.Errorf("Check(missing package) did not fail: %q", r.errors)
	}
}

// TestImportedOnlyByRunsGoList checks ImportedOnlyBy against go list: in
// go-cmp, cmp imports cmp/internal/diff, and nothing else does.
func TestImportedOnlyByRunsGoList(t *testing.T) {
	const diff = "github.com/google/go-cmp/cmp/internal/diff"
	ImportedOnlyBy(t, "github.com/google/go-cmp/...", diff, "github.com/google/go-cmp/cmp")
	r := &recorder{TB: t}
	ImportedOnlyBy(r, "github.com/google/go-cmp/...", diff)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "not by github.com/google/go-cmp/cmp") {
		t.Errorf("ImportedOnlyBy(go-cmp, diff) reported %q, want one violation naming cmp", r.errors)
	}
}
