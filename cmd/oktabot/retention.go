package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/bot"
)

// defaultRetention is how long decided proposals and audit records stay in
// OKTABOT_DB before the daily housekeeping archives them.
const defaultRetention = 400 * 24 * time.Hour

// retentionConfig is OKTABOT_RETENTION and OKTABOT_ARCHIVE_DIR.
type retentionConfig struct {
	// Keep is how long decided proposals stay in the store; 0 keeps them
	// for ever (OKTABOT_RETENTION=off).
	Keep time.Duration
	// Dir is where archive files go (default: beside OKTABOT_DB).
	Dir string
}

// loadRetention reads OKTABOT_RETENTION (days: "400d" or "400"; 0 or off
// keeps everything) and OKTABOT_ARCHIVE_DIR, naming every problem.
func loadRetention(e env, db string) (retentionConfig, error) {
	c := retentionConfig{Keep: defaultRetention, Dir: e.get("OKTABOT_ARCHIVE_DIR")}
	var p problems
	switch s := strings.ToLower(e.get("OKTABOT_RETENTION")); s {
	case "":
	case "0", "off":
		c.Keep = 0
	default:
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 1 || n > 100*365 {
			p.add(badf("OKTABOT_RETENTION %q: use a number of days, e.g. 400d (the default) or 90d, at least 1d; 0 or off keeps everything in OKTABOT_DB", e.get("OKTABOT_RETENTION")))
		} else {
			c.Keep = time.Duration(n) * 24 * time.Hour
		}
	}
	if c.Dir == "" {
		c.Dir = filepath.Dir(db)
	} else if info, err := os.Stat(c.Dir); err == nil && !info.IsDir() {
		p.add(badf("OKTABOT_ARCHIVE_DIR %q is a file: name a directory for the archive files (created if missing; default: the directory of OKTABOT_DB)", c.Dir))
	}
	return c, p.err()
}

// archiver is a store with retention: bbolt's or etcd's.
type archiver interface {
	ArchiveContext(ctx context.Context, before time.Time, w io.Writer) (approvals.ArchiveReport, error)
}

var (
	_ archiver = (*approvals.Store)(nil)
	_ archiver = (*etcdstore.Store)(nil)
)

// archiveFile archives, into a new file in dir, what is older than
// before. A run that moves nothing, even one that fails, leaves no file. It returns the file's
// path ("" when none) and what moved; after an error the file keeps the
// batches that were written, and says so in the error.
func archiveFile(ctx context.Context, store archiver, dir string, before, now time.Time) (string, approvals.ArchiveReport, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", approvals.ArchiveReport{}, fmt.Errorf("OKTABOT_ARCHIVE_DIR: %w", err)
	}
	// A new file (0600, never one that exists), named by the time and a
	// random part so that two runs in one second do not collide.
	f, err := os.CreateTemp(dir, "oktabot-archive-"+now.UTC().Format("20060102T150405Z")+"-*.jsonl")
	if err != nil {
		return "", approvals.ArchiveReport{}, fmt.Errorf("OKTABOT_ARCHIVE_DIR: %w", err)
	}
	path := f.Name()
	rep, err := store.ArchiveContext(ctx, before, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if !rep.Moved() {
		// Nothing left the store: whatever the file holds is still there.
		rerr := os.Remove(path)
		if err == nil {
			err = rerr
		}
		path = ""
	}
	if err != nil {
		return path, rep, fmt.Errorf("archive to %s stopped after %d audit records and %d proposals (the store still verifies; the next run goes on from there): %w", path, rep.Records, rep.Proposals, err)
	}
	return path, rep, nil
}

// housekeeping archives, once now and then once a day, what is older than
// rc.Keep, until ctx ends. It does nothing when retention is off. The
// function it returns stops it and waits for a run in progress to reach
// the end of its batch.
func housekeeping(ctx context.Context, store archiver, rc retentionConfig, log *slog.Logger) (stop func()) {
	if rc.Keep == 0 {
		log.Info("retention is off (OKTABOT_RETENTION=off): the store keeps every decided proposal")
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(24 * time.Hour)
		defer tick.Stop()
		for {
			housekeepOnce(ctx, store, rc, log)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// leaderHousekeeping is the etcd election with housekeeping: each term
// this replica leads, it archives (housekeeping) until the term ends, so
// that of several replicas one archives at a time, into its own
// OKTABOT_ARCHIVE_DIR.
type leaderHousekeeping struct {
	bot.Leadership
	start func(term context.Context)
}

func (l leaderHousekeeping) Campaign(ctx context.Context) (context.Context, error) {
	term, err := l.Leadership.Campaign(ctx)
	if err == nil {
		l.start(term)
	}
	return term, err
}

// withHousekeeping runs housekeeping on store in every term of lead. The
// function it returns stops a run in progress, at the end of its batch,
// and waits for it.
func withHousekeeping(lead bot.Leadership, store archiver, rc retentionConfig, log *slog.Logger) (bot.Leadership, func()) {
	if rc.Keep == 0 {
		return lead, housekeeping(context.Background(), store, rc, log) // says retention is off
	}
	var (
		mu      sync.Mutex
		stops   []func()
		stopped bool
	)
	start := func(term context.Context) {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			log.Info("leading: archiving what is older than the retention, now and daily while this replica leads", "dir", rc.Dir)
			stops = append(stops, housekeeping(term, store, rc, log))
		}
	}
	return leaderHousekeeping{Leadership: lead, start: start}, func() {
		mu.Lock()
		stopped = true
		all := stops
		mu.Unlock()
		for _, stop := range all {
			stop()
		}
	}
}

// housekeepOnce is one daily run.
func housekeepOnce(ctx context.Context, store archiver, rc retentionConfig, log *slog.Logger) {
	now := time.Now()
	path, rep, err := archiveFile(ctx, store, rc.Dir, now.Add(-rc.Keep), now)
	switch {
	case errors.Is(err, context.Canceled):
		log.Info("archiving stopped with oktabot; the next run goes on", "file", path, "records", rep.Records, "proposals", rep.Proposals)
	case err != nil:
		log.Error("archiving old proposals failed", "err", err)
	case rep.Moved():
		log.Info("archived decided proposals and audit records older than the retention", "file", path,
			"proposals", rep.Proposals, "records", rep.Records, "anchor", rep.Anchor.Seq, "before", rep.Before.Format(time.DateOnly))
	}
}

// parseBefore reads --before: a date (2025-01-31, midnight UTC) or an
// RFC 3339 time, not in the future.
func parseBefore(s string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, fmt.Errorf("--before %q: use a date, e.g. 2025-01-31, or a time, e.g. 2025-01-31T12:00:00Z", s)
		}
	}
	if t.After(now) {
		return time.Time{}, fmt.Errorf("--before %q is in the future: archive only what is already decided", s)
	}
	return t, nil
}

// approvalsArchive is `oktabot approvals archive [--before DATE]`.
func approvalsArchive(ctx context.Context, store archiver, bc botConfig, beforeFlag string, io stdio) error {
	now := time.Now()
	var before time.Time
	switch {
	case beforeFlag != "":
		var err error
		if before, err = parseBefore(beforeFlag, now); err != nil {
			return err
		}
	case bc.Retention.Keep == 0:
		return errors.New("OKTABOT_RETENTION is off: give --before DATE to archive what was decided before DATE")
	default:
		before = now.Add(-bc.Retention.Keep)
	}
	path, rep, err := archiveFile(ctx, store, bc.Retention.Dir, before, now)
	if err != nil {
		return err
	}
	if !rep.Moved() {
		fmt.Fprintf(io.out, "Nothing to archive before %s: no file written.\n", before.UTC().Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(io.out, "Archived %d decided proposals and %d audit records from before %s to %s.\n",
		rep.Proposals, rep.Records, before.UTC().Format(time.RFC3339), path)
	if rep.Records > 0 {
		fmt.Fprintf(io.out, "The archive holds audit records %d–%d; the store's log now continues from record %d (hash %s).\n",
			rep.From.Seq+1, rep.Anchor.Seq, rep.Anchor.Seq, rep.Anchor.Hash)
	}
	return nil
}

// approvalsVerifyArchive is `oktabot approvals verify --archive FILE`: the
// file's chain, then whether the store (OKTABOT_DB, or etcd) continues it.
func approvalsVerifyArchive(ctx context.Context, bc botConfig, stc storeConfig, file string, io stdio, e env) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("--archive: %w", err)
	}
	check, err := approvals.VerifyArchive(f)
	_ = f.Close() // read only
	if err != nil {
		return fmt.Errorf("--archive %s: %w", file, err)
	}
	if b := check.Break; b != nil {
		return fmt.Errorf("the archive %s is broken: %v", file, b)
	}
	fmt.Fprintf(io.out, "The archive %s holds %d proposals and %d audit records, records %d–%d, each chained to the one before from record %d (hash %s); the last hash is %s.\n",
		file, check.Proposals, check.Records, check.From.Seq+1, check.Last.Seq, check.From.Seq, check.From.Hash, check.Last.Hash)
	if check.CutOff > 0 {
		fmt.Fprintf(io.out, "Its line %d is cut off: the run that wrote it stopped while writing; the records of that line were not removed from the store.\n", check.CutOff)
	}
	name, where := "OKTABOT_DB", "OKTABOT_DB "+bc.DB
	if stc.Kind == storeEtcd {
		name, where = "The etcd store", fmt.Sprintf("the etcd store %v %s", stc.Endpoints, stc.Prefix)
	}
	st, err := openCLIStores(ctx, stc, bc, io, e)
	if err != nil {
		return fmt.Errorf("the archive verifies, but whether %s continues it was not checked: %w", where, err)
	}
	defer st.close() // read only
	cont, err := st.cli.ContinuesArchive(check)
	if err != nil {
		return fmt.Errorf("%s does not continue the archive %s: %w", where, file, err)
	}
	switch cont {
	case approvals.Continues:
		fmt.Fprintf(io.out, "%s continues it: the store's log starts after record %d, the archive's last.\n", name, check.Last.Seq)
	case approvals.Overlaps:
		fmt.Fprintf(io.out, "%s still holds the archive's last records, up to %d, identical (a run stopped after writing them, before removing them): the next archive run moves them, and its file repeats them.\n", name, check.Last.Seq)
	case approvals.Earlier:
		fmt.Fprintf(io.out, "%s does not start right after this archive: its log continues from a later record, so a later archive file holds the records after %d: verify that one too.\n", name, check.Last.Seq)
	}
	return nil
}
