package etcdstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals"
	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/intents"
)

func suspend(login string) intents.Proposal {
	return intents.Proposal{
		Requester: "U_REQ",
		Channel:   "C_SEC",
		Preview: intents.Preview{
			Action:  intents.Action{Kind: intents.SuspendUser, User: &intents.Ref{Type: "user", ID: "00u-" + login, Name: login}},
			Summary: "Suspend " + login,
			Scope:   "okta.users.manage",
			Granted: true,
		},
	}
}

func mustCreate(t *testing.T, s *etcdstore.Store, p intents.Proposal) intents.Proposal {
	t.Helper()
	got, err := s.Create(p)
	if err != nil {
		t.Fatalf("Create() = %v", err)
	}
	return got
}

// TestDefaultPrefix: with the zero Options every key lies under
// /oktabot/, which "/oktabot" names too, and a store under another prefix
// sees none of it.
func TestDefaultPrefix(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	s := etcdstore.New(cli, etcdstore.Options{})
	p := mustCreate(t, s, suspend("john@company.com"))
	resp, err := cli.Get(context.Background(), "", clientv3.WithFromKey(), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) == 0 {
		t.Fatal("Create() wrote no key")
	}
	for _, kv := range resp.Kvs {
		if !strings.HasPrefix(string(kv.Key), etcdstore.DefaultPrefix) {
			t.Errorf("key %q is not under %s", kv.Key, etcdstore.DefaultPrefix)
		}
	}
	if got, err := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/oktabot"}).Get(p.ID); err != nil || got.ID != p.ID {
		t.Errorf("Get(%s) under /oktabot (no slash) = %v; want the proposal under /oktabot/", p.ID, err)
	}
	other := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: "/elsewhere/"})
	if _, err := other.Get(p.ID); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("Get(%s) under another prefix = %v, want ErrNotFound", p.ID, err)
	}
	if pending, err := other.Pending(); err != nil || len(pending) != 0 {
		t.Errorf("Pending() under another prefix = %d proposals, %v; want none", len(pending), err)
	}
}

// TestVerifyFindsTampering: a record edited, or removed from the end, in
// etcd behind oktabot's back is named by Verify.
func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(ctx context.Context, cli *clientv3.Client, key string, raw []byte) error
		problem string
	}{
		{"edited", func(ctx context.Context, cli *clientv3.Client, key string, raw []byte) error {
			_, err := cli.Put(ctx, key, strings.Replace(string(raw), "U_APPROVER", "U_MALLORY", 1))
			return err
		}, approvals.BrokenHash},
		{"removed", func(ctx context.Context, cli *clientv3.Client, key string, _ []byte) error {
			_, err := cli.Delete(ctx, key)
			return err
		}, approvals.BrokenMissing},
	}
	srv := etcdtest.Start(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli := srv.Client(t)
			prefix := "/" + tt.name + "/"
			s := etcdstore.New(cli, etcdstore.Options{Prefix: prefix})
			p := mustCreate(t, s, suspend("john@company.com"))
			pol := approvals.Policy{IsApprover: func(string) bool { return true }}
			if _, err := s.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Approve: true, Channel: "C_SEC"}, pol); err != nil {
				t.Fatalf("Decide() = %v", err)
			}
			if rep, err := s.Verify(); err != nil || rep.Break != nil || rep.Records != 2 {
				t.Fatalf("Verify() before = %+v, %v; want 2 records intact", rep, err)
			}
			key := prefix + "audit/00000000000000000002"
			resp, err := cli.Get(context.Background(), key)
			if err != nil || len(resp.Kvs) != 1 {
				t.Fatalf("Get(%s) = %v, %v", key, resp, err)
			}
			if err := tt.tamper(context.Background(), cli, key, resp.Kvs[0].Value); err != nil {
				t.Fatal(err)
			}
			rep, err := s.Verify()
			if err != nil || rep.Break == nil || rep.Break.Seq != 2 || rep.Break.Problem != tt.problem {
				t.Fatalf("Verify() after the record was %s = %v, %v; want %q at record 2", tt.name, rep.Break, err, tt.problem)
			}
		})
	}
}

// TestClosed: after Close every call is refused with ErrClosed and Sweep
// returns.
func TestClosed(t *testing.T) {
	s := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{})
	p := mustCreate(t, s, suspend("john@company.com"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if _, err := s.Get(p.ID); !errors.Is(err, approvals.ErrClosed) {
		t.Errorf("Get() after Close = %v, want ErrClosed", err)
	}
	if _, err := s.Create(suspend("mary@company.com")); !errors.Is(err, approvals.ErrClosed) {
		t.Errorf("Create() after Close = %v, want ErrClosed", err)
	}
	done := make(chan struct{})
	go func() {
		s.Sweep(context.Background(), time.Hour, nil)
		close(done)
	}()
	<-done // a Sweep that did not stop would hang the test
}

// TestRecover: a proposal left executing becomes unknown once, with its
// record, and is never handed out for execution again; an approved one is
// left alone.
func TestRecover(t *testing.T) {
	s := etcdstore.New(etcdtest.Start(t).Client(t), etcdstore.Options{Prefix: "/t"})
	pol := approvals.Policy{IsApprover: func(string) bool { return true }}
	var ids []string
	for _, login := range []string{"john@company.com", "mary@company.com"} {
		p := mustCreate(t, s, suspend(login))
		if _, err := s.Decide(approvals.Decision{ProposalID: p.ID, By: "U_APPROVER", Approve: true}, pol); err != nil {
			t.Fatalf("Decide() = %v", err)
		}
		ids = append(ids, p.ID)
	}
	if _, err := s.BeginExecute(ids[0]); err != nil {
		t.Fatalf("BeginExecute() = %v", err)
	}
	got, err := s.Recover()
	if err != nil || len(got) != 1 || got[0].ID != ids[0] || got[0].State != intents.StateUnknown {
		t.Fatalf("Recover() = %+v, %v; want %s unknown", got, err, ids[0])
	}
	if again, err := s.Recover(); err != nil || len(again) != 0 {
		t.Errorf("second Recover() = %d proposals, %v; want none", len(again), err)
	}
	if _, err := s.BeginExecute(ids[0]); !errors.Is(err, intents.ErrStarted) {
		t.Errorf("BeginExecute(unknown) = %v, want ErrStarted", err)
	}
	if p, err := s.Get(ids[1]); err != nil || p.State != intents.StateApproved {
		t.Errorf("Get(approved) = %s, %v; want approved", p.State, err)
	}
	h, err := s.History(ids[0])
	if err != nil || len(h) == 0 || h[len(h)-1].Event != approvals.EventUnknown {
		t.Errorf("History() = %+v, %v; want it to end with unknown", h, err)
	}
	if rep, err := s.Verify(); err != nil || rep.Break != nil {
		t.Errorf("Verify() = %v, %v", rep.Break, err)
	}
}
