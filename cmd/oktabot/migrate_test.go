package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

// migrateSource is a closed bbolt file with a pending and a rejected
// proposal, and its chain head.
func migrateSource(t *testing.T) (string, approvals.ChainReport) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "oktabot.db")
	st, err := approvals.Open(db, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }() // teardown; Verify below read the file
	var ids []string
	for _, login := range []string{"john@company.com", "mary@company.com"} {
		p, err := st.Create(intents.Proposal{Requester: "U0ANALYST", Channel: "C0SEC", Preview: intents.Preview{
			Action:  intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: "00u-" + login, Name: login}},
			Summary: "Suspend " + login, Scope: "okta.users.manage", Granted: true}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if _, err := st.Decide(approvals.Decision{ProposalID: ids[1], By: "U0APPROVER", Channel: "C0SEC"},
		approvals.Policy{IsApprover: func(string) bool { return true }}); err != nil {
		t.Fatal(err)
	}
	rep, err := st.Verify()
	if err != nil || rep.Break != nil {
		t.Fatal(rep, err)
	}
	return db, rep
}

func etcdVars(srv *etcdtest.Server, prefix string) map[string]string {
	return map[string]string{"OKTABOT_ETCD_ENDPOINTS": strings.Join(srv.Endpoints, ","), "OKTABOT_ETCD_PREFIX": prefix}
}

func keysUnder(t *testing.T, cli *clientv3.Client, prefix string) int64 {
	t.Helper()
	resp, err := cli.Get(context.Background(), prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

// TestStoreMigrate: the command copies the file to etcd, whose chain then
// verifies with the file's head, says so in one line, and refuses a
// second run into the same prefix.
func TestStoreMigrate(t *testing.T) {
	db, want := migrateSource(t)
	srv := etcdtest.Start(t)
	vars := etcdVars(srv, "/mig/")
	out, errOut, err := runCmd(t, context.Background(), vars, "store", "migrate", "--from", "bbolt:"+db, "--to", "etcd")
	if err != nil {
		t.Fatalf("store migrate = %v (%s)", err, errOut)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(out, "2 proposals") ||
		!strings.Contains(out, "3 audit records") || !strings.Contains(out, "/mig/") || !strings.Contains(out, want.Head[:12]) {
		t.Errorf("store migrate printed %q", out)
	}
	dst := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/mig/"})
	if got, err := dst.Verify(); err != nil || got.Break != nil || got.Head != want.Head || got.Records != want.Records {
		t.Errorf("etcd Verify() = %+v, %v; want head %s", got, err, want.Head)
	}
	if p, err := dst.Pending(); err != nil || len(p) != 1 {
		t.Errorf("etcd Pending() = %v, %v; want the one pending proposal", p, err)
	}
	_, _, err = runCmd(t, context.Background(), vars, "store", "migrate", "--from", "bbolt:"+db, "--to", "etcd")
	if err == nil || !strings.Contains(err.Error(), "/mig/") || !strings.Contains(err.Error(), "already holds state") {
		t.Errorf("second store migrate = %v, want a refusal naming /mig/", err)
	}
}

// TestStoreMigrateRefusals: a file the bot holds, a file whose chain is
// broken and bad arguments are refused, and nothing reaches etcd.
func TestStoreMigrateRefusals(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	vars := etcdVars(srv, "/refused/")
	migrate := func(args ...string) error {
		_, _, err := runCmd(t, context.Background(), vars, append([]string{"store", "migrate"}, args...)...)
		return err
	}

	held, _ := migrateSource(t)
	bot, err := approvals.Open(held, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = migrate("--from", "bbolt:"+held, "--to", "etcd")
	_ = bot.Close()
	if err == nil || !strings.Contains(err.Error(), "in use by a running oktabot") {
		t.Errorf("store migrate of a held file = %v, want in use", err)
	}

	tampered, _ := migrateSource(t)
	bdb, err := bolt.Open(tampered, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		k, v := b.Cursor().First()
		return b.Put(k, bytes.Replace(v, []byte("U0ANALYST"), []byte("U0MALLORY"), 1))
	})
	if cerr := bdb.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	err = migrate("--from", "bbolt:"+tampered, "--to", "etcd")
	if err == nil || !strings.Contains(err.Error(), "audit chain is broken") || !strings.Contains(err.Error(), approvals.BrokenHash) {
		t.Errorf("store migrate of a changed file = %v, want the break named", err)
	}

	for _, args := range [][]string{
		{"--from", held, "--to", "etcd"},
		{"--from", "bbolt:" + held, "--to", "bbolt"},
		{"--from", "bbolt:", "--to", "etcd"},
	} {
		if err := migrate(args...); err != errUsage {
			t.Errorf("store migrate %v = %v, want usage", args, err)
		}
	}
	if err := migrate("--from", "bbolt:"+filepath.Join(t.TempDir(), "none.db"), "--to", "etcd"); err == nil {
		t.Error("store migrate of a missing file succeeded")
	}
	if n := keysUnder(t, cli, "/refused/"); n != 0 {
		t.Errorf("the refused migrations wrote %d keys", n)
	}
}

// TestCheckMigrated: the check after the copy fails when the etcd copy
// differs from the file: a record changed, or a proposal missing.
func TestCheckMigrated(t *testing.T) {
	db, want := migrateSource(t)
	src, err := approvals.Open(db, approvals.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = src.Close() }() // teardown
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		change func(prefix string) error
		want   string
	}{
		{"intact", func(string) error { return nil }, ""},
		{"record changed", func(prefix string) error {
			k := prefix + "audit/00000000000000000001"
			resp, err := cli.Get(ctx, k)
			if err != nil || len(resp.Kvs) != 1 {
				t.Fatalf("Get(%s) = %v, %v", k, resp, err)
			}
			_, err = cli.Put(ctx, k, strings.Replace(string(resp.Kvs[0].Value), "U0ANALYST", "U0MALLORY", 1))
			return err
		}, approvals.BrokenHash},
		{"proposal missing", func(prefix string) error {
			resp, err := cli.Get(ctx, prefix+"proposals/", clientv3.WithPrefix(), clientv3.WithKeysOnly())
			if err != nil || len(resp.Kvs) == 0 {
				t.Fatalf("no proposals: %v", err)
			}
			_, err = cli.Delete(ctx, string(resp.Kvs[0].Key))
			return err
		}, "etcd holds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			prefix := "/" + strings.ReplaceAll(tt.name, " ", "-") + "/"
			dst := etcdstore.New(cli, etcdstore.Options{Prefix: prefix})
			rep, err := dst.Import(src.Export)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.change(prefix); err != nil {
				t.Fatal(err)
			}
			err = checkMigrated(dst, want, rep)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("checkMigrated() = %v, want %q", err, tt.want)
			}
		})
	}
}
