package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/bot/slackfake"
	"github.com/oktabot/oktabot/intents"
)

// oldEtcd writes under prefix what oldStore writes in a file: from 500
// days ago, two rejected proposals and a pending one, then one rejected
// now. It returns their ids.
func oldEtcd(t *testing.T, srv *etcdtest.Server, prefix string, users ...string) []string {
	t.Helper()
	at := time.Now().Add(-500 * 24 * time.Hour)
	st := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: prefix, Now: func() time.Time { return at }})
	defer func() { _ = st.Close() }() // each write is committed
	return writeAged(t, st, &at, users)
}

// writeAged writes through st, whose clock reads *at (500 days ago), a
// proposal for each user: rejected, except the third, left pending, and
// from the fourth on, written now. It returns their ids.
func writeAged(t *testing.T, st interface {
	Create(p intents.Proposal) (intents.Proposal, error)
	Decide(d intents.Decision, pol intents.ApprovalPolicy) (intents.Proposal, error)
}, at *time.Time, users []string) []string {
	t.Helper()
	pol := intents.ApprovalPolicy{IsApprover: func(string) bool { return true }, AllowSelfApproval: true}
	var ids []string
	for i, user := range users {
		if i == 3 {
			*at = time.Now()
		}
		p, err := st.Create(intents.Proposal{Requester: "U0ANALYST", Preview: intents.Preview{
			Action: intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: "00u" + user[:1], Name: user}}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		if i == 2 {
			continue // pending
		}
		if _, err := st.Decide(intents.Decision{ProposalID: p.ID, By: "U0LEAD", Reason: "no"}, pol); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

var fourUsers = []string{"a@company.com", "b@company.com", "c@company.com", "d@company.com"}

// archiveCommand runs approvals archive on the state oldStore (or oldEtcd)
// wrote, whose ids are ids, into dir, and checks the command line's view
// of it: verify --archive (the store is name), verify, show, and a second
// run that writes nothing. It returns the archive file.
func archiveCommand(t *testing.T, ctx context.Context, vars map[string]string, dir string, ids []string, name string) string {
	t.Helper()
	out, _, err := runCmd(t, ctx, vars, "approvals", "archive")
	if err != nil || !strings.Contains(out, "Archived 2 decided proposals and 5 audit records") {
		t.Fatalf("approvals archive = %q, %v; want 2 proposals and 5 records", out, err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "oktabot-archive-*.jsonl"))
	if err != nil || len(files) != 1 {
		t.Fatalf("archive files %v, %v; want one", files, err)
	}
	out, _, err = runCmd(t, ctx, vars, "approvals", "verify", "--archive", files[0])
	if err != nil || !strings.Contains(out, "2 proposals and 5 audit records") || !strings.Contains(out, name+" continues it") {
		t.Errorf("verify --archive = %q, %v; want it intact and continued", out, err)
	}
	out, _, err = runCmd(t, ctx, vars, "approvals", "verify")
	if err != nil || !strings.Contains(out, "Records 1–5 were archived") {
		t.Errorf("verify = %q, %v; want the anchor named", out, err)
	}
	if _, _, err := runCmd(t, ctx, vars, "approvals", "show", ids[0]); err == nil || !strings.Contains(err.Error(), "archived") {
		t.Errorf("show %s = %v, want it archived", ids[0], err)
	}
	for _, id := range ids[2:] {
		if _, _, err := runCmd(t, ctx, vars, "approvals", "show", id); err != nil {
			t.Errorf("show %s = %v, want it still in the store", id, err)
		}
	}
	// A run with nothing to move writes no file.
	if out, _, err := runCmd(t, ctx, vars, "approvals", "archive"); err != nil || !strings.Contains(out, "Nothing to archive") {
		t.Errorf("second archive = %q, %v", out, err)
	}
	if again, _ := filepath.Glob(filepath.Join(dir, "*")); len(again) != 1 {
		t.Errorf("archive dir holds %v, want the one file", again)
	}
	return files[0]
}

// With OKTABOT_STORE=etcd, approvals archive moves the old decided
// proposals out of etcd into OKTABOT_ARCHIVE_DIR while a bot's store is
// open on it, and approvals verify --archive checks that etcd continues
// the file.
func TestApprovalsArchiveOnEtcd(t *testing.T) {
	ctx := context.Background()
	srv := etcdtest.Start(t)
	ids := oldEtcd(t, srv, "/ret/", fourUsers...)
	bot := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/ret/"}) // the bot's handle, kept open
	dir := filepath.Join(t.TempDir(), "archive")
	vars := with(etcdVars(srv, "/ret/"), map[string]string{"OKTABOT_STORE": "etcd", "OKTABOT_ARCHIVE_DIR": dir})

	file := archiveCommand(t, ctx, vars, dir, ids, "The etcd store")
	if _, err := bot.Get(ids[1]); !errors.Is(err, approvals.ErrArchived) {
		t.Errorf("the bot's Get(%s) = %v, want archived", ids[1], err)
	}
	for _, id := range ids[2:] {
		if _, err := bot.Get(id); err != nil {
			t.Errorf("the bot's Get(%s) = %v, want it kept", id, err)
		}
	}
	// Another prefix, which this archive does not belong to.
	other := with(vars, map[string]string{"OKTABOT_ETCD_PREFIX": "/other/"})
	oldEtcd(t, srv, "/other/", fourUsers...)
	if _, _, err := runCmd(t, ctx, other, "approvals", "verify", "--archive", file); err == nil || !strings.Contains(err.Error(), "does not continue") {
		t.Errorf("verify --archive against another prefix = %v, want it not continued", err)
	}
}

// replica is one oktabot's stores on etcd with housekeeping in its
// terms, logging to its own log.
type replica struct {
	st   *stores
	stop func()
	logs *logWatch
}

func newReplica(t *testing.T, vars map[string]string, dir string) *replica {
	t.Helper()
	e := env(func(k string) string { return vars[k] })
	sc, err := loadStore(e)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := loadBot(e)
	if err != nil {
		t.Fatal(err)
	}
	bc.Retention = retentionConfig{Keep: defaultRetention, Dir: dir}
	r := &replica{logs: newLogWatch("archived decided proposals")}
	log := newLogger(r.logs, e)
	if r.st, err = openStores(context.Background(), sc, bc, log); err != nil {
		t.Fatal(err)
	}
	r.st.leadership, r.stop = withHousekeeping(r.st.leadership, r.st.proposals.(archiver), bc.Retention, log)
	t.Cleanup(r.close)
	return r
}

func (r *replica) close() {
	r.stop()
	r.st.close()
}

func archiveFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "oktabot-archive-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Of two replicas on etcd, the one that leads archives, into its
// OKTABOT_ARCHIVE_DIR; the other archives only once it leads.
func TestHousekeepingFollowsLeader(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := etcdtest.Start(t)
	vars := with(etcdVars(srv, "/lead/"), map[string]string{"OKTABOT_STORE": "etcd"})
	first := oldEtcd(t, srv, "/lead/", fourUsers...)
	dirA, dirB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	a, b := newReplica(t, vars, dirA), newReplica(t, vars, dirB)

	if _, err := a.st.leadership.Campaign(ctx); err != nil {
		t.Fatal(err)
	}
	a.logs.wait(t, ctx)
	if files := archiveFiles(t, dirA); len(files) != 1 {
		t.Fatalf("the leader's archive files %v, want one", files)
	}
	// b campaigns while a leads: it does not lead, so it archives
	// nothing, though there is more to archive now.
	second := oldEtcd(t, srv, "/lead/", "e@company.com", "f@company.com")
	won := make(chan error, 1)
	go func() {
		_, err := b.st.leadership.Campaign(ctx)
		won <- err
	}()
	waitCampaigning(t, ctx, srv, "/lead/leader/", 2)
	for _, id := range second {
		if _, err := b.st.proposals.Get(id); err != nil {
			t.Fatalf("Get(%s) while a leads = %v, want it kept until the next run", id, err)
		}
	}
	if files := archiveFiles(t, dirB); len(files) != 0 || strings.Contains(b.logs.String(), "archiving") || strings.Contains(b.logs.String(), "archived") {
		t.Fatalf("the replica that does not lead archived: %v\n%s", files, b.logs.String())
	}

	// a stops: b leads, and archives what a left: the new proposals (their
	// records follow today's, which stay, and so stay with them).
	a.close()
	if err := <-won; err != nil {
		t.Fatalf("b's Campaign() = %v", err)
	}
	b.logs.wait(t, ctx)
	files := archiveFiles(t, dirB)
	if len(files) != 1 {
		t.Fatalf("the new leader's archive files %v, want one", files)
	}
	for _, id := range append(first[:2], second...) {
		if _, err := b.st.proposals.Get(id); !errors.Is(err, approvals.ErrArchived) {
			t.Errorf("Get(%s) = %v, want archived", id, err)
		}
	}
	if n := len(archiveFiles(t, dirA)); n != 1 {
		t.Errorf("the old leader's archive dir holds %d files, want its one", n)
	}
	out, _, err := runCmd(t, ctx, vars, "approvals", "verify", "--archive", files[0])
	if err != nil || !strings.Contains(out, "2 proposals and 0 audit records") || !strings.Contains(out, "The etcd store continues it") {
		t.Errorf("verify --archive of b's file = %q, %v; want it intact and continued", out, err)
	}
}

// waitCampaigning waits until n replicas campaign under the election
// prefix: each holds a key there.
func waitCampaigning(t *testing.T, ctx context.Context, srv *etcdtest.Server, prefix string, n int64) {
	t.Helper()
	cli := srv.Client(t)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for {
		resp, err := cli.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			t.Fatal(err)
		}
		if resp.Count >= n {
			return
		}
		// The next change under prefix, from just after this read.
		select {
		case <-cli.Watch(wctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1)):
		case <-ctx.Done():
			t.Fatalf("%d replicas campaign, want %d", resp.Count, n)
		}
	}
}

// oktabot run on etcd archives, once it leads, what is older than
// OKTABOT_RETENTION into OKTABOT_ARCHIVE_DIR.
func TestRunArchivesOnEtcd(t *testing.T) {
	_, vars := runSetup(t, slackfake.Options{})
	srv := etcdtest.Start(t)
	dir := filepath.Join(t.TempDir(), "archive")
	vars = with(vars, with(etcdVars(srv, "/run/"), map[string]string{"OKTABOT_STORE": "etcd", "OKTABOT_ARCHIVE_DIR": dir}))
	ids := oldEtcd(t, srv, "/run/", fourUsers...)
	runUntilArchived(t, vars)
	st := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/run/"})
	if _, err := st.Get(ids[0]); !errors.Is(err, approvals.ErrArchived) {
		t.Errorf("Get(%s) after run = %v, want archived", ids[0], err)
	}
	if files := archiveFiles(t, dir); len(files) != 1 {
		t.Errorf("archive files %v, want one", files)
	}
}

// runUntilArchived runs oktabot run with vars until it logs that it
// archived and that it reached Slack (on bbolt the archive may come
// first; stopped before, the bot's start fails), then stops it, cleanly.
func runUntilArchived(t *testing.T, vars map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	archived, connected := newLogWatch("archived decided proposals"), newLogWatch("connected to Slack")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"run"}, stdio{in: strings.NewReader(""), out: io.Discard, err: io.MultiWriter(archived, connected)}, func(k string) string { return vars[k] })
	}()
	archived.wait(t, ctx)
	connected.wait(t, ctx)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("oktabot run stopped with %v, want a clean stop", err)
	}
}
