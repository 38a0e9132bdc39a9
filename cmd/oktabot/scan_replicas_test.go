package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/okta"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// resumedScan is what `oktabot run` logs when it resumes an MFA scan.
const resumedScan = "resumed the MFA scan an earlier run left unfinished"

// With two replicas on etcd, an MFA scan an earlier run left unfinished
// is resumed once, by the leader. (Were every replica to try, the scan's
// claim in etcd would still let one resume it: this fails when the claim
// does not hold, and only sometimes when a follower tries.)
func TestReplicasResumeScanOnce(t *testing.T) {
	w := newLiveWeek(t)
	w.sim.SetRateLimit(oktasim.BucketOther, 0, 0)
	srv := etcdtest.Start(t)
	const prefix = "/scan-resume/"

	// An earlier run began the scan and stopped part-way: its progress
	// is in etcd, owned by no one.
	store := etcdstore.New(srv.Client(t), etcdstore.Options{Prefix: prefix})
	earlier, err := okta.New(okta.Config{OrgURL: w.oktaURL, ClientID: "0oawatch", PrivateKey: []byte(w.vars["OKTA_PRIVATE_KEY"])})
	if err != nil {
		t.Fatal(err)
	}
	jobs, stop := context.WithCancel(t.Context())
	earlier.SetupJobs(jobs, store)
	if _, err := earlier.ScanMFA(t.Context(), okta.MFAScanOptions{Progress: func(scanned, _ int) {
		if scanned == 20 {
			stop() // the process stops
		}
	}}); err == nil {
		t.Fatal("the earlier run's scan ended; want it stopped part-way")
	}
	if state, _, err := store.LoadScan("mfa-scan"); err != nil || state == nil {
		t.Fatalf("no unfinished scan saved: %v", err)
	}
	_ = store.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	replicas := startReplicas(ctx, t, w, srv, prefix)
	who, err := firstToLog(ctx, resumedScan, replicas)
	if err != nil {
		t.Fatalf("no replica resumed the scan: %v", err)
	}
	if !strings.Contains(replicas[who].stderr.String(), leads) {
		t.Errorf("replica %s resumed the scan without leading", who)
	}
	for name, r := range replicas { // the follower first: it must not take over
		if name != who {
			r.stop()
		}
	}
	replicas[who].stop()
	n := 0
	for _, r := range replicas {
		n += strings.Count(r.stderr.String(), resumedScan)
	}
	if n != 1 {
		t.Errorf("the scan was resumed %d times, want once", n)
	}
}
