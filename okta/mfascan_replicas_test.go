package okta

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/oktabot/oktabot/approvals/etcdstore"
	"github.com/oktabot/oktabot/approvals/etcdstore/etcdtest"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// Two replicas (two Clients) share one MFA scan record in etcd. While A
// scans, B asked for the report says the scan runs on another replica
// and gives no result, partial or other; B's ResumeJobs (B's leader term
// beginning) waits. When A's lease ends half-way (its replica crashed or
// was cut off), B resumes the scan from what A saved while A, still
// running, can save no more and stops without a result; B's report is a
// single scan's, every user counted once.
func TestMFAScanTwoReplicasOneScan(t *testing.T) {
	const users = 600
	h := newHarness(t, setup{fixture: mfaOrg(users)})
	h.sim.SetRateLimit(oktasim.BucketOther, 0, 0) // speed is not the point here
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	a := h.client
	b, err := New(Config{OrgURL: h.srv.URL, ClientID: testClientID, PrivateKey: rsaJWK(t, testRSA(), "kid-test")})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	storeA := &chunkSaved{Store: etcdstore.New(srv.Client(t), etcdstore.Options{}), saved: make(chan struct{})}
	a.SetupJobs(t.Context(), storeA)
	b.SetupJobs(t.Context(), etcdstore.New(srv.Client(t), etcdstore.Options{}))

	var (
		busyRes   []string
		busyErr   error
		revokeErr error
	)
	type resumed struct {
		ok  bool
		err error
	}
	resumedB := make(chan resumed, 1)
	_, errA := a.ScanMFA(t.Context(), MFAScanOptions{Progress: func(scanned, _ int) {
		switch scanned {
		case users / 3:
			res, err := b.ScanMFA(t.Context(), MFAScanOptions{})
			busyRes, busyErr = logins(res.Users), err
			go func() {
				ok, err := b.ResumeJobs(t.Context())
				resumedB <- resumed{ok, err}
			}()
		case users / 2:
			// A's replica crashes, once it saved results: its lease ends.
			<-storeA.saved
			owner, err := cli.Get(t.Context(), etcdstore.DefaultPrefix+"scanOwners/"+mfaJobName)
			if err != nil || len(owner.Kvs) != 1 {
				revokeErr = errors.Join(err, errors.New("no owner key"))
				return
			}
			_, revokeErr = cli.Revoke(t.Context(), clientv3.LeaseID(owner.Kvs[0].Lease))
		}
	}})
	if revokeErr != nil {
		t.Fatalf("revoke A's lease: %v", revokeErr)
	}
	if !errors.Is(busyErr, ErrScanElsewhere) || busyRes != nil || !strings.Contains(busyErr.Error(), "users listed so far checked") {
		t.Errorf("B's ScanMFA() while A scans = %q, %v; want no users and ErrScanElsewhere with A's progress", busyRes, busyErr)
	}
	if errA == nil {
		t.Fatal("A's ScanMFA() after its lease ended half-way: error = nil, want it stopped")
	}
	if r, ok := a.LastMFAScan(); ok {
		t.Fatalf("A's LastMFAScan() after it lost the scan = %+v, want none", r)
	}
	firstRun := len(factorReadsByUser(h.seen.all()))

	if r := <-resumedB; r.err != nil || !r.ok {
		t.Fatalf("B's ResumeJobs(), begun while A scanned, = %v, %v; want A's scan resumed once A's lease ended", r.ok, r.err)
	}
	res, err := b.ScanMFA(t.Context(), MFAScanOptions{})
	if err != nil {
		t.Fatalf("B's ScanMFA() after resuming: %v", err)
	}
	wantNone, _ := simMFA(h.sim.Snapshot())
	if diff := cmp.Diff(wantNone, logins(res.Users)); diff != "" {
		t.Errorf("B's users without MFA (-want +got):\n%s", diff)
	}
	if res.MFA.Active != users {
		t.Errorf("B's report counts %d users, want %d", res.MFA.Active, users)
	}
	if res.MFA.Checked >= users || res.MFA.Checked < users-firstRun {
		t.Errorf("B checked %d users itself, want it to resume after A's saved progress (A read %d)", res.MFA.Checked, firstRun)
	}
	if reads := factorReadsByUser(h.seen.all()); len(reads) != users {
		t.Errorf("the two runs read the factors of %d users, want all %d", len(reads), users)
	}
	if state, chunks, _ := etcdstore.New(cli, etcdstore.Options{}).LoadScan(mfaJobName); state != nil || chunks != nil {
		t.Errorf("the finished scan's progress is still in etcd")
	}
}

// chunkSaved is an etcd store that tells when a run first saved results.
type chunkSaved struct {
	*etcdstore.Store
	once  sync.Once
	saved chan struct{}
}

func (s *chunkSaved) SaveScanAs(job, run string, state, chunk []byte) error {
	err := s.Store.SaveScanAs(job, run, state, chunk)
	if err == nil && chunk != nil {
		s.once.Do(func() { close(s.saved) })
	}
	return err
}
