package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

// torConfig is OKTABOT_TOR_EXITS: a file path or an https URL of the Tor
// Project's exit list, e.g. https://check.torproject.org/torbulkexitlist.
type torConfig struct {
	Source string // "" : no list
	URL    bool
}

// Refresh timing of the exit list: daily, and hourly while it fails.
const (
	torRefresh    = 24 * time.Hour
	torRetry      = time.Hour
	torMaxBytes   = 16 << 20 // the Tor Project's lists are well under 1 MB
	torGetTimeout = 30 * time.Second
)

func loadTor(e env) (torConfig, error) {
	s := e.get("OKTABOT_TOR_EXITS")
	if s == "" {
		return torConfig{}, nil
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return torConfig{}, badf("OKTABOT_TOR_EXITS %q is not a URL: use https://check.torproject.org/torbulkexitlist or a file path", s)
		}
		if u.Scheme != "https" && (u.Scheme != "http" || !isLoopback(u.Hostname())) {
			return torConfig{}, badf("OKTABOT_TOR_EXITS %q: use an https URL (e.g. https://check.torproject.org/torbulkexitlist) or a file path", s)
		}
		return torConfig{Source: s, URL: true}, nil
	}
	if _, err := os.Stat(s); err != nil {
		return torConfig{}, badf("OKTABOT_TOR_EXITS %s cannot be read (%v): give the path of a saved Tor exit list, or its https URL", s, pathErr(err))
	}
	return torConfig{Source: s}, nil
}

// pathErr is an os error without the path it repeats.
func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// torFeed keeps an ExitList filled from its source.
type torFeed struct {
	cfg    torConfig
	list   *detect.ExitList
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
}

func newTorFeed(cfg torConfig, client *http.Client, log *slog.Logger) *torFeed {
	if client == nil {
		client = &http.Client{Timeout: torGetTimeout}
	}
	return &torFeed{cfg: cfg, list: &detect.ExitList{}, client: client, log: log, now: time.Now}
}

// load reads the list once and replaces the current one; on an error the
// current list stays.
func (f *torFeed) load(ctx context.Context) error {
	var r io.ReadCloser
	if f.cfg.URL {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.cfg.Source, nil)
		if err != nil {
			return err
		}
		resp, err := f.client.Do(req)
		if err != nil {
			return fmt.Errorf("Tor exit list %s: %w", f.cfg.Source, err)
		}
		if resp.StatusCode != http.StatusOK {
			_ = resp.Body.Close() // the body is done with; a close error changes nothing
			return fmt.Errorf("Tor exit list %s: HTTP %d", f.cfg.Source, resp.StatusCode)
		}
		r = resp.Body
	} else {
		file, err := os.Open(f.cfg.Source)
		if err != nil {
			return fmt.Errorf("Tor exit list %s: %w", f.cfg.Source, pathErr(err))
		}
		r = file
	}
	defer func() { _ = r.Close() }() // read-only: a close error loses nothing
	return f.parse(io.LimitReader(r, torMaxBytes), f.cfg.Source)
}

func (f *torFeed) parse(r io.Reader, source string) error {
	addrs, err := detect.ParseExitList(r)
	if err != nil {
		return fmt.Errorf("Tor exit list %s: %w", source, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("Tor exit list %s lists no address", source)
	}
	f.list.Set(addrs, source, f.now())
	f.log.Info("Tor exit list loaded", "source", source, "addresses", len(addrs))
	return nil
}

// run refreshes the list after wait, then daily until ctx ends, hourly
// while it fails.
func (f *torFeed) run(ctx context.Context, wait time.Duration) {
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = torRefresh
		if err := f.load(ctx); err != nil {
			f.log.Warn("cannot refresh the Tor exit list; keeping the current one", "err", err, "retry_in", torRetry)
			wait = torRetry
		}
	}
}

// startTor loads cfg's list and keeps it fresh until ctx ends. A file that
// does not parse stops start-up; a URL that fails is retried hourly, the
// detections running without Tor names until it loads. inDemo uses the
// list the demo ships when cfg names none. It returns nil when there is
// no list.
func startTor(ctx context.Context, cfg torConfig, inDemo bool, log *slog.Logger) (*detect.ExitList, error) {
	f := newTorFeed(cfg, nil, log)
	switch {
	case cfg.Source == "" && inDemo:
		if err := f.parse(strings.NewReader(demo.TorExits()), "the demo's list"); err != nil {
			return nil, err
		}
		return f.list, nil
	case cfg.Source == "":
		return nil, nil
	}
	if err := f.load(ctx); err != nil {
		if !cfg.URL {
			return nil, badf("OKTABOT_TOR_EXITS: %v", err)
		}
		log.Warn("cannot load the Tor exit list; retrying hourly, Tor exits are named only once it loads", "err", err)
		go f.run(ctx, torRetry)
		return f.list, nil
	}
	go f.run(ctx, torRefresh)
	return f.list, nil
}
