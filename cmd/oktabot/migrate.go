package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
)

const storeUsage = `Usage:
  oktabot store migrate --from bbolt:FILE --to etcd

Copies everything in the bbolt file (proposals, the audit log with its
hashes, incidents, suppressions, the watcher's cursor and windows, scans)
to etcd, under OKTABOT_ETCD_PREFIX on OKTABOT_ETCD_ENDPOINTS (with the
OKTABOT_ETCD_* TLS settings; OKTABOT_STORE=etcd is implied). Stop the bot
first: the file is refused while it runs. The prefix must be empty. After
the copy the etcd audit chain is verified against the file's.
`

// cmdStore is `oktabot store …`.
func cmdStore(ctx context.Context, args []string, io stdio, e env) error {
	if len(args) == 0 || args[0] != "migrate" {
		fmt.Fprint(io.err, storeUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("store migrate", flag.ContinueOnError)
	fs.SetOutput(io.err)
	from := fs.String("from", "", "bbolt:FILE, the file to copy")
	to := fs.String("to", "", "etcd")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	file, ok := strings.CutPrefix(*from, "bbolt:")
	if !ok || file == "" || *to != storeEtcd || fs.NArg() > 0 {
		fmt.Fprintf(io.err, "oktabot store migrate: give --from bbolt:FILE and --to etcd\n\n%s", storeUsage)
		return errUsage
	}
	sc, err := loadStore(func(k string) string {
		if k == "OKTABOT_STORE" {
			return storeEtcd
		}
		return e(k)
	})
	if err != nil {
		return err
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("--from %s: %w", file, err)
	}
	src, err := approvals.Open(file, approvals.Options{Timeout: 2 * time.Second, Logger: newLogger(io.err, e)})
	if errors.Is(err, approvals.ErrInUse) {
		return fmt.Errorf("%s is in use by a running oktabot: stop it first, so that nothing changes during the copy", file)
	}
	if err != nil {
		return fmt.Errorf("--from %s: %w", file, err)
	}
	defer func() { _ = src.Close() }() // read only since Open; the copy is checked on its own
	want, err := src.Verify()
	if err != nil {
		return fmt.Errorf("--from %s: %w", file, err)
	}
	if want.Break != nil {
		return fmt.Errorf("%s: its audit chain is broken, so nothing was copied (oktabot approvals verify shows it): %w", file, want.Break)
	}
	cli, err := dialEtcd(ctx, sc)
	if err != nil {
		return err
	}
	defer func() { _ = cli.Close() }() // the copy is committed and checked before
	dst := etcdstore.New(cli, etcdstore.Options{Prefix: sc.Prefix})
	rep, err := dst.Import(src.Export)
	if err != nil {
		return err
	}
	if err := checkMigrated(dst, want, rep); err != nil {
		return fmt.Errorf("copied %s to etcd %s, but the copy does not verify: %w", file, sc.Prefix, err)
	}
	fmt.Fprintf(io.out, "migrated %s to etcd %v %s: %d proposals, %d audit records (chain verified, head record %d %.12s…), %d incidents, %d suppressions, %d scans, the watch cursor and windows\n",
		file, sc.Endpoints, sc.Prefix, rep.Proposals, rep.Records, rep.Head.Seq, rep.Head.Hash, rep.Incidents, rep.Suppressions, rep.Scans)
	return nil
}

// checkMigrated checks the etcd copy: its chain holds and ends at the
// file's head, and it holds as many of each thing as the file gave.
func checkMigrated(dst *etcdstore.Store, want approvals.ChainReport, rep etcdstore.ImportReport) error {
	got, err := dst.Verify()
	if err != nil {
		return err
	}
	if got.Break != nil {
		return got.Break
	}
	if got.Head != want.Head || got.Records != want.Records || got.Anchor != want.Anchor {
		return fmt.Errorf("the etcd chain has %d records to head %.12s…, the file's %d to %.12s…", got.Records, got.Head, want.Records, want.Head)
	}
	n, err := dst.Count()
	if err != nil {
		return err
	}
	if n != rep.Counts {
		return fmt.Errorf("etcd holds %+v, the file gave %+v", n, rep.Counts)
	}
	return nil
}
