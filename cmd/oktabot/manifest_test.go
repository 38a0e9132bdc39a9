package main

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v3"

	"github.com/oktabot/oktabot/bot/slackfake"
)

// parsedManifest is what TestManifest reads back, in the field names of
// Slack's app manifest reference.
type parsedManifest struct {
	DisplayInformation struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome *struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketModeEnabled bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// `oktabot manifest` prints YAML Slack accepts: Socket Mode, /okta with
// no URL, interactivity on, the scopes of the methods oktabot calls, the
// Home tab with app_home_opened, and the Messages tab for "was this you?"
// (read-only unless --dm, which adds im:history and message.im).
func TestManifest(t *testing.T) {
	for _, dm := range []bool{false, true} {
		args := []string{"manifest"}
		if dm {
			args = append(args, "--dm")
		}
		out, _, err := runCmd(t, context.Background(), nil, args...)
		if err != nil {
			t.Fatal(err)
		}
		var m parsedManifest
		if err := yaml.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("manifest (dm=%v) is not YAML: %v\n%s", dm, err, out)
		}
		if !strings.Contains(m.DisplayInformation.Description, ": ") {
			t.Errorf("description = %q, want the text with its colon kept", m.DisplayInformation.Description)
		}
		s := m.Settings
		if !s.SocketModeEnabled || !s.Interactivity.IsEnabled || s.Interactivity.RequestURL != "" || s.EventSubscriptions.RequestURL != "" {
			t.Errorf("settings = %+v, want socket mode and interactivity on, and no request URL (Socket Mode)", s)
		}
		if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/okta" || m.Features.SlashCommands[0].URL != "" || !m.Features.SlashCommands[0].ShouldEscape {
			t.Errorf("slash commands = %+v, want /okta with no URL (Socket Mode), escaped", m.Features.SlashCommands)
		}
		want := calledScopes(t, dm)
		if diff := cmp.Diff(want, m.OAuthConfig.Scopes.Bot); diff != "" {
			t.Errorf("manifest (dm=%v) scopes, want those of the methods called (-want +got):\n%s", dm, diff)
		}
		events := []string{"app_home_opened", "app_mention"}
		if dm {
			events = append(events, "message.im")
		}
		if diff := cmp.Diff(events, s.EventSubscriptions.BotEvents); diff != "" {
			t.Errorf("manifest (dm=%v) bot events (-want +got):\n%s", dm, diff)
		}
		if h := m.Features.AppHome; h == nil || !h.HomeTabEnabled || !h.MessagesTabEnabled || h.MessagesTabReadOnlyEnabled == dm {
			t.Errorf("manifest (dm=%v) app_home = %+v, want the Home tab and the Messages tab on, read-only unless --dm", dm, h)
		}
	}
}

// calledScopes reads bot/ and cmd/oktabot for the Slack client's methods
// they call and returns the scopes those need, with the features' (the
// slash command, app mentions, and with dm direct messages), sorted. It
// fails on a method slackCalls does not know, on a call that is not the
// Context form (the scan would miss a new spelling), and on an entry of
// slackCalls nothing calls.
func calledScopes(t *testing.T, dm bool) []string {
	t.Helper()
	called := clientCalls(t, "../../bot", ".")
	var out []string
	for _, name := range called {
		c, ok := slackCalls[name]
		if !ok {
			t.Errorf("the code calls api.%s, which slackCalls does not list: add it with the Slack method and the bot scope Slack requires", name)
			continue
		}
		out = append(out, c.Scopes...)
	}
	for name := range slackCalls {
		if !slices.Contains(called, name) {
			t.Errorf("slackCalls lists %s, which nothing calls: remove it (and its scopes, if nothing else needs them)", name)
		}
	}
	out = append(out, slackFeatures.all...)
	if dm {
		out = append(out, slackFeatures.dm...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// clientCalls lists the slack-go client methods called on a value named
// api (api.Xxx( or b.api.Xxx() in the non-test Go files of dirs, sorted.
func clientCalls(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !namedAPI(sel.X) {
					return true
				}
				name := sel.Sel.Name
				if !strings.HasSuffix(name, "Context") {
					t.Errorf("%s calls api.%s: call %sContext, with the request's context", fset.Position(call.Pos()), name, name)
				}
				out = append(out, name)
				return true
			})
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// namedAPI reports whether x is api or something.api.
func namedAPI(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == "api"
	case *ast.SelectorExpr:
		return x.Sel.Name == "api"
	}
	return false
}

// Each entry of slackCalls names Web API methods the fake Slack serves and
// asks for the scope Slack requires there (the fake answers missing_scope
// without it); the fake's default token has exactly the manifest's scopes.
func TestManifestScopesMatchSlack(t *testing.T) {
	// Scopes asked for a field of an answer rather than the method itself.
	fieldScopes := map[string]string{"users:read.email": "users.info"}
	for name, c := range slackCalls {
		var allowed []string
		for _, method := range c.Methods {
			need, ok := slackfake.MethodScopes(method)
			if !ok {
				t.Errorf("slackCalls[%s]: the fake Slack does not serve %s", name, method)
				continue
			}
			if len(need) > 0 && !slices.ContainsFunc(c.Scopes, func(s string) bool { return slices.Contains(need, s) }) {
				t.Errorf("slackCalls[%s] = %v, lacks one of %v that Slack requires for %s", name, c.Scopes, need, method)
			}
			allowed = append(allowed, need...)
		}
		for _, s := range c.Scopes {
			if !slices.Contains(allowed, s) && !slices.Contains(c.Methods, fieldScopes[s]) {
				t.Errorf("slackCalls[%s] asks for %s, which none of %v needs", name, s, c.Methods)
			}
		}
	}
	if diff := cmp.Diff(slackfake.DefaultScopes(), newManifest(true).OAuthConfig.Scopes.Bot); diff != "" {
		t.Errorf("slackfake.DefaultScopes() and the manifest's scopes (--dm) differ (-fake +manifest):\n%s", diff)
	}
}
