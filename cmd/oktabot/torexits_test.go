package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestLoadTor(t *testing.T) {
	file := filepath.Join(t.TempDir(), "exits.txt")
	if err := os.WriteFile(file, []byte("185.220.101.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		value string
		want  torConfig
		err   string
	}{
		{"", torConfig{}, ""},
		{"https://check.torproject.org/torbulkexitlist", torConfig{Source: "https://check.torproject.org/torbulkexitlist", URL: true}, ""},
		{"http://127.0.0.1:8080/exits", torConfig{Source: "http://127.0.0.1:8080/exits", URL: true}, ""},
		{file, torConfig{Source: file}, ""},
		{"http://check.torproject.org/torbulkexitlist", torConfig{}, "use an https URL"},
		{"ftp://example.org/x", torConfig{}, "use an https URL"},
		{filepath.Join(t.TempDir(), "missing.txt"), torConfig{}, "cannot be read (no such file or directory)"},
	} {
		got, err := loadTor(mapEnv(map[string]string{"OKTABOT_TOR_EXITS": tc.value}))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "OKTABOT_TOR_EXITS") {
				t.Errorf("loadTor(%q) error = %v, want one naming OKTABOT_TOR_EXITS with %q", tc.value, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("loadTor(%q) = %+v, %v; want %+v", tc.value, got, err, tc.want)
		}
	}
}

// The list is read over https, replaced whole on refresh, and kept when a
// refresh brings something that is not an exit list.
func TestTorFeedRefresh(t *testing.T) {
	var body atomic.Value
	body.Store("185.220.101.1\n185.220.101.2\n")
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, body.Load().(string)) // a failed write shows as a failed fetch
	}))
	defer srv.Close()
	f := newTorFeed(torConfig{Source: srv.URL, URL: true}, srv.Client(), slog.New(slog.DiscardHandler))
	ctx := context.Background()
	if err := f.load(ctx); err != nil {
		t.Fatalf("load() = %v", err)
	}
	if !f.list.Has("185.220.101.2") || f.list.Has("203.0.113.9") {
		t.Fatalf("after the first load the list is wrong")
	}
	body.Store("ExitNode AAAA\nExitAddress 203.0.113.9 2026-12-01 10:00:00\n")
	if err := f.load(ctx); err != nil {
		t.Fatalf("refresh = %v", err)
	}
	if f.list.Has("185.220.101.2") || !f.list.Has("203.0.113.9") {
		t.Errorf("a refresh did not replace the list")
	}
	body.Store("<html>rate limited</html>")
	if err := f.load(ctx); err == nil || !strings.Contains(err.Error(), "not an IP address") {
		t.Errorf("load(HTML) = %v, want a parse error", err)
	}
	if !f.list.Has("203.0.113.9") {
		t.Errorf("a failed refresh dropped the list")
	}
}

// A file that is not an exit list stops start-up with the variable named;
// the demo uses its own list, which names the demo's brute-force IP.
func TestStartTor(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("not an address\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := startTor(t.Context(), torConfig{Source: bad}, false, log); err == nil || !strings.Contains(err.Error(), "OKTABOT_TOR_EXITS") {
		t.Errorf("startTor(bad file) = %v, want an error naming OKTABOT_TOR_EXITS", err)
	}
	l, err := startTor(t.Context(), torConfig{}, true, log)
	if err != nil || !l.Has("185.220.101.1") {
		t.Errorf("startTor(demo) = %v; want the demo list with 185.220.101.1", err)
	}
	if l, err := startTor(t.Context(), torConfig{}, false, log); l != nil || err != nil {
		t.Errorf("startTor(none) = %v, %v; want no list", l, err)
	}
}
