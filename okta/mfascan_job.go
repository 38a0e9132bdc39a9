package okta

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// A full MFA scan is one factors call per user (Okta has no bulk factors
// endpoint), so a large org takes longer than any chat request: at 600
// calls a minute and half the bucket, 30 minutes cover about 9,000 users.
// It runs as a background job, under the context StartJobs gave (or none),
// whatever happens to the request that started it; a request that asks
// meanwhile waits for it, or leaves it running when its own time is up.
// As it goes it saves its progress (the users-list cursor and every result
// so far) in a ScanStore; a scan that stopped (a restart, a failure, the
// jobs' context ended) resumes from there and reads no user's factors
// twice.
//
// Several oktabot replicas may share one store (etcd): then the store is
// also ScanOwners, and one run at a time owns the scan. A run claims it
// before it reads the progress and saves only while it owns it, so two
// runs never add to one scan and its results never mix two runs; a run
// that loses the scan (its replica cut off from etcd long enough for its
// lease to end) stops. A replica asked while another runs the scan says
// so (ErrScanElsewhere), with the progress saved so far, and never offers
// a partial result.

// ScanStore keeps a background job's progress so that it survives a
// restart. The approvals store is one; without one it is kept in memory.
type ScanStore interface {
	// SaveScan stores a job's state and, when chunk is not nil, adds chunk
	// to its results, in one transaction.
	SaveScan(job string, state, chunk []byte) error
	// LoadScan returns a job's state (nil: none) and its chunks in the
	// order they were saved.
	LoadScan(job string) (state []byte, chunks [][]byte, err error)
	// DeleteScan forgets a job.
	DeleteScan(job string) error
}

// ScanOwners is a ScanStore that several processes share: one run owns a
// job at a time, on a lease of its process, so that a crashed process's
// job can be taken over after its lease ends.
type ScanOwners interface {
	// ClaimScan makes run the owner of job unless another run owns it
	// (ok false). lost is closed when the ownership ends: released, or
	// lost (the lease ended); the run must then stop.
	ClaimScan(job, run string) (lost <-chan struct{}, ok bool, err error)
	// SaveScanAs is SaveScan in a transaction that also checks that run
	// owns job, and otherwise writes nothing and fails.
	SaveScanAs(job, run string, state, chunk []byte) error
	// ReleaseScan ends run's ownership of job, and when finished forgets
	// the job, in one transaction that checks that run owns it.
	ReleaseScan(job, run string, finished bool) error
	// WaitScanFree returns once no run owns job (at once when none
	// does), or when ctx ends.
	WaitScanFree(ctx context.Context, job string) error
}

// ErrScanElsewhere is the error of a full MFA scan asked for while
// another process sharing the ScanStore runs it.
// It wraps intents.ErrElsewhere.
var ErrScanElsewhere = fmt.Errorf("the MFA scan is %w", intents.ErrElsewhere)

// mfaJobName names the MFA scan in the ScanStore.
const mfaJobName = "mfa-scan"

// signInStatuses are the user statuses that can sign in: the users whose
// MFA the scan checks.
var signInStatuses = []string{"ACTIVE", "PASSWORD_EXPIRED", "RECOVERY", "LOCKED_OUT"}

// canSignIn reports whether a user in status can sign in.
func canSignIn(status string) bool {
	for _, s := range signInStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// signInSearch is the users search for the users who can sign in.
func signInSearch() string {
	terms := make([]string, len(signInStatuses))
	for i, s := range signInStatuses {
		terms[i] = term("status", "eq", s)
	}
	return anyOf(terms...)
}

// scanState is the saved state of a full scan.
type scanState struct {
	Org     string    `json:"org"`     // the org scanned: another org's progress is dropped
	Started time.Time `json:"started"` // when the scan (its first run) started
	Cursor  string    `json:"cursor"`  // the request of the first page not fully checked (Okta's next link); "": the first
	Limit   int       `json:"limit"`   // the factors bucket's X-Rate-Limit-Limit, once seen
	Listed  int       `json:"listed"`  // users listed so far, with those of earlier runs (for another replica's answer)
}

// savedUser is one result as the store keeps it.
type savedUser struct {
	User  intents.User `json:"user"`
	Class mfaClass     `json:"class"`
	Gone  bool         `json:"gone,omitempty"` // deleted meanwhile (404): not in the report
}

// memScanStore is the ScanStore when none is given.
type memScanStore struct {
	mu   sync.Mutex
	jobs map[string]*memScan
}

type memScan struct {
	state  []byte
	chunks [][]byte
}

func (m *memScanStore) SaveScan(job string, state, chunk []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.jobs == nil {
		m.jobs = map[string]*memScan{}
	}
	j := m.jobs[job]
	if j == nil {
		j = &memScan{}
		m.jobs[job] = j
	}
	j.state = append([]byte{}, state...)
	if chunk != nil {
		j.chunks = append(j.chunks, append([]byte{}, chunk...))
	}
	return nil
}

func (m *memScanStore) LoadScan(job string) ([]byte, [][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j := m.jobs[job]
	if j == nil {
		return nil, nil, nil
	}
	return j.state, append([][]byte{}, j.chunks...), nil
}

func (m *memScanStore) DeleteScan(job string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.jobs, job)
	return nil
}

// mfaJob is a full scan running in the background.
type mfaJob struct {
	done   chan struct{} // closed when the job ends
	report MFAReport     // set before done is closed
	err    error

	mu      sync.Mutex
	subs    map[int]func(scanned, total int)
	nextSub int
	scanned int // users checked, with those of earlier runs
	total   int // users listed so far, with those of earlier runs
	limit   int // the factors bucket's X-Rate-Limit-Limit (0: not seen yet)
	share   float64
}

// subscribe adds a progress listener; the returned func removes it.
func (j *mfaJob) subscribe(f func(scanned, total int)) func() {
	if f == nil {
		return func() {}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	id := j.nextSub
	j.nextSub++
	j.subs[id] = f
	return func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		delete(j.subs, id)
	}
}

// progress records the counts and tells the listeners. It is called from
// one goroutine at a time.
func (j *mfaJob) progress(scanned, total int) {
	j.mu.Lock()
	j.scanned, j.total = scanned, total
	subs := make([]func(int, int), 0, len(j.subs))
	for _, k := range slices.Sorted(maps.Keys(j.subs)) {
		subs = append(subs, j.subs[k])
	}
	j.mu.Unlock()
	for _, f := range subs {
		f(scanned, total)
	}
}

func (j *mfaJob) setLimit(limit int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.limit == 0 {
		j.limit = limit
	}
}

// MFAScanProgress is where a running full MFA scan is.
type MFAScanProgress struct {
	Scanned int // users checked so far, across restarts
	Listed  int // users listed so far (the org's total once the listing ends)
	// Left estimates the time still needed for the users listed so far,
	// from the factors bucket's X-Rate-Limit-Limit (calls a minute) and
	// the share of it the scan uses; 0 until Okta has said its limit.
	Left time.Duration
}

// estimate is the time needed for n more users at share of limit calls a
// minute.
func estimate(n, limit int, share float64) time.Duration {
	if n <= 0 || limit <= 0 || share <= 0 {
		return 0
	}
	perMinute := math.Max(1, math.Floor(float64(limit)*share))
	return time.Duration(float64(n) / perMinute * float64(time.Minute))
}

// MFAScanRunning reports the progress of the full MFA scan running in the
// background, if one is.
func (c *Client) MFAScanRunning() (MFAScanProgress, bool) {
	j := c.mfa.running()
	if j == nil {
		return MFAScanProgress{}, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return MFAScanProgress{Scanned: j.scanned, Listed: j.total, Left: estimate(j.total-j.scanned, j.limit, j.share)}, true
}

// MFAScanEstimate is MFAScanRunning's estimate of the time left, for a
// consumer that must not import this package.
func (c *Client) MFAScanEstimate() (left time.Duration, running bool) {
	p, ok := c.MFAScanRunning()
	return p.Left, ok
}

// StartJobs is SetupJobs then ResumeJobs: it reports whether it resumed
// a scan. Call it once, before the Client's first scan.
func (c *Client) StartJobs(ctx context.Context, st ScanStore) (resumed bool, err error) {
	c.SetupJobs(ctx, st)
	return c.ResumeJobs(ctx)
}

// SetupJobs runs background jobs (the full MFA scan) under ctx from now
// on, with their progress kept in st (nil: in memory). Call it once,
// before the Client's first scan.
func (c *Client) SetupJobs(ctx context.Context, st ScanStore) {
	c.mfa.mu.Lock()
	defer c.mfa.mu.Unlock()
	c.mfa.bg = ctx
	if st != nil {
		c.mfa.store = st
	}
}

// ResumeJobs resumes, in the background, a scan that an earlier run left
// unfinished in the store, unless one runs here; it reports whether it
// did. With replicas sharing a store (ScanOwners) one of them, the
// leader, calls it: while another replica runs the scan it waits,
// bounded by ctx, and resumes the scan if that run ends unfinished (its
// replica crashed), or returns false when it finishes or ctx ends.
func (c *Client) ResumeJobs(ctx context.Context) (resumed bool, err error) {
	for {
		resumed, err := c.resumeJob(ctx)
		own, shared := c.mfa.scanStore().(ScanOwners)
		if !shared || !errors.Is(err, ErrScanElsewhere) {
			return resumed, err
		}
		if err := own.WaitScanFree(ctx, mfaJobName); err != nil {
			if ctx.Err() != nil {
				return false, nil // no longer asked to
			}
			return false, fmt.Errorf("okta: wait for the MFA scan on another replica: %w", err)
		}
	}
}

// resumeJob is one try of ResumeJobs; its error wraps ErrScanElsewhere
// when another process runs the scan.
func (c *Client) resumeJob(ctx context.Context) (resumed bool, err error) {
	st := c.mfa.scanStore()
	state, _, err := st.LoadScan(mfaJobName)
	if err != nil || state == nil {
		return false, err
	}
	unlock, err := c.mfa.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	if c.mfa.running() != nil {
		return false, nil
	}
	cl, err := c.claimJob()
	if err != nil {
		return false, err
	}
	if state, _, err = st.LoadScan(mfaJobName); err != nil || state == nil {
		// Finished (or unreadable) since: nothing to resume.
		if rerr := cl.release(false); rerr != nil {
			c.log.Warn("okta: cannot release the MFA scan", "err", rerr)
		}
		return false, err
	}
	c.startJob(cl, nil)
	c.log.Info("okta: resuming the MFA scan an earlier run left unfinished")
	return true, nil
}

// jobClaim is a run's hold on its job's progress in the store.
type jobClaim struct {
	st   ScanStore
	own  ScanOwners // nil: st is this process's alone, and the scan lock suffices
	run  string
	lost <-chan struct{} // closed when the ownership ends; nil: never
}

// claimJob claims the MFA scan for a new run. While another process runs
// it, the error wraps ErrScanElsewhere and says how far it got.
func (c *Client) claimJob() (*jobClaim, error) {
	st := c.mfa.scanStore()
	own, ok := st.(ScanOwners)
	if !ok {
		return &jobClaim{st: st}, nil
	}
	run := rand.Text()
	lost, ok, err := own.ClaimScan(mfaJobName, run)
	if err != nil {
		return nil, fmt.Errorf("okta: claim the MFA scan: %w", err)
	}
	if !ok {
		return nil, c.elsewhere(st)
	}
	return &jobClaim{st: st, own: own, run: run, lost: lost}, nil
}

// elsewhere is ErrScanElsewhere with the progress the other run saved.
func (c *Client) elsewhere(st ScanStore) error {
	raw, chunks, err := st.LoadScan(mfaJobName)
	var state scanState
	if err != nil || raw == nil || json.Unmarshal(raw, &state) != nil {
		return fmt.Errorf("%w; ask again when it ends", ErrScanElsewhere)
	}
	checked := map[string]bool{}
	for _, ch := range chunks {
		var batch []savedUser
		if json.Unmarshal(ch, &batch) == nil {
			for _, u := range batch {
				checked[u.User.ID] = true
			}
		}
	}
	return fmt.Errorf("%w (%d of %d users listed so far checked); ask again when it ends", ErrScanElsewhere, len(checked), max(state.Listed, len(checked)))
}

// save is SaveScan for this run.
func (cl *jobClaim) save(state, chunk []byte) error {
	if cl.own != nil {
		return cl.own.SaveScanAs(mfaJobName, cl.run, state, chunk)
	}
	return cl.st.SaveScan(mfaJobName, state, chunk)
}

// release ends the run's hold; finished, it also forgets the job.
func (cl *jobClaim) release(finished bool) error {
	switch {
	case cl.own != nil:
		return cl.own.ReleaseScan(mfaJobName, cl.run, finished)
	case finished:
		return cl.st.DeleteScan(mfaJobName)
	}
	return nil
}

// errClaimLost stops a run that no longer owns its scan.
var errClaimLost = errors.New("okta: this replica lost its hold on the MFA scan (its lease in the store ended); it stopped, and the scan's saved progress is resumed by whoever claims it next")

// startJob starts a full scan in the background, as the run cl, with
// progress as its first listener until the returned func removes it. The
// caller holds the scan lock.
func (c *Client) startJob(cl *jobClaim, progress func(scanned, total int)) (*mfaJob, func()) {
	j := &mfaJob{done: make(chan struct{}), subs: map[int]func(int, int){}, share: c.s.rateShare}
	unsubscribe := j.subscribe(progress)
	c.mfa.mu.Lock()
	c.mfa.job = j
	bg := c.mfa.bg
	c.mfa.mu.Unlock()
	if bg == nil {
		bg = context.Background()
	}
	go func() {
		s, rep, err := c.fullScan(bg, j, cl)
		if err != nil {
			c.log.Warn("okta: the MFA scan stopped; its progress is kept and the next scan resumes it", "err", err)
		}
		c.mfa.finish(j, s, rep, err)
	}()
	return j, unsubscribe
}

// waitJob waits for a job's end, telling progress of its progress meanwhile.
// When ctx ends first the job goes on.
func (c *Client) waitJob(ctx context.Context, j *mfaJob, progress func(scanned, total int)) (MFAReport, error) {
	defer j.subscribe(progress)()
	select {
	case <-j.done:
		return j.report, j.err
	case <-ctx.Done():
		p, _ := c.MFAScanRunning()
		return MFAReport{}, fmt.Errorf("okta: the MFA scan goes on in the background (%d of %d users listed so far checked): %w", p.Scanned, p.Listed, ctx.Err())
	}
}

// loadScan reads the saved progress of a full scan: its state (nil when
// there is none, or when it is another org's) and its results by user id.
func (c *Client) loadScan(st ScanStore) (*scanState, map[string]savedUser, error) {
	raw, chunks, err := st.LoadScan(mfaJobName)
	if err != nil || raw == nil {
		return nil, nil, err
	}
	var state scanState
	if err := json.Unmarshal(raw, &state); err != nil || state.Org != c.s.org.String() {
		c.log.Warn("okta: dropped saved MFA scan progress that is not this org's or does not decode")
		return nil, nil, st.DeleteScan(mfaJobName)
	}
	users := map[string]savedUser{}
	for _, ch := range chunks {
		var batch []savedUser
		if err := json.Unmarshal(ch, &batch); err != nil {
			c.log.Warn("okta: dropped saved MFA scan progress that does not decode")
			return nil, nil, st.DeleteScan(mfaJobName)
		}
		for _, u := range batch {
			users[u.User.ID] = u
		}
	}
	return &state, users, nil
}

// saver writes a scan's progress in the background, in order, so that the
// scan never waits for the disk.
type saver struct {
	cl   *jobClaim
	fail func(error) // told of the first failure
	in   chan saveReq
	done chan struct{}
	err  error // the first failure
}

type saveReq struct {
	state scanState
	chunk []savedUser
}

func newSaver(cl *jobClaim, fail func(error)) *saver {
	s := &saver{cl: cl, fail: fail, in: make(chan saveReq, 64), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for r := range s.in {
			if s.err != nil {
				continue
			}
			state, err := json.Marshal(r.state)
			if err != nil {
				s.err = err
				continue
			}
			var chunk []byte
			if len(r.chunk) > 0 {
				if chunk, err = json.Marshal(r.chunk); err != nil {
					s.err = err
					continue
				}
			}
			if s.err = s.cl.save(state, chunk); s.err != nil {
				s.fail(s.err)
			}
		}
	}()
	return s
}

// close waits for every save and returns the first failure.
func (s *saver) close() error {
	close(s.in)
	<-s.done
	return s.err
}

// flushEvery is how many results the scan gathers before saving them when
// no page has been completed meanwhile.
const flushEvery = 200

// fullScan scans every user who can sign in, resuming saved progress, and
// keeps the result.
func (c *Client) fullScan(ctx context.Context, j *mfaJob, cl *jobClaim) (s *mfaState, r MFAReport, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if cl.lost != nil {
		go func() {
			select {
			case <-cl.lost:
				cancel(errClaimLost)
			case <-ctx.Done():
			}
		}()
	}
	defer func() {
		if rerr := cl.release(err == nil); rerr != nil {
			c.log.Warn("okta: cannot release the MFA scan's progress", "err", rerr)
		}
	}()
	state, done, err := c.loadScan(cl.st)
	if err != nil {
		return nil, MFAReport{}, fmt.Errorf("okta: read the MFA scan's progress: %w", err)
	}
	if state == nil {
		state, done = &scanState{Org: c.s.org.String(), Started: time.Now().UTC()}, map[string]savedUser{}
	}
	if state.Limit > 0 {
		j.setLimit(state.Limit)
	}
	sv := newSaver(cl, func(err error) {
		cancel(fmt.Errorf("okta: save the MFA scan's progress: %w", err))
	})
	var pending []savedUser
	flush := func() {
		j.mu.Lock()
		state.Listed = j.total
		j.mu.Unlock()
		sv.in <- saveReq{state: *state, chunk: pending}
		pending = nil
	}
	if len(done) == 0 {
		flush() // the scan exists from its start: a restart resumes it
	}
	before := len(done)
	// skip runs on the lister's goroutine while result fills done on the
	// collector's.
	var doneMu sync.Mutex
	scan := factorScan{
		pages: c.searchUsers(ctx, "list the users who can sign in", signInSearch(), "", state.Cursor),
		skip: func(id string) bool {
			doneMu.Lock()
			defer doneMu.Unlock()
			_, ok := done[id]
			return ok
		},
		base:     before,
		progress: j.progress,
		limit: func(limit int) {
			if state.Limit == 0 {
				state.Limit = limit
			}
			j.setLimit(limit)
		},
		result: func(u savedUser) {
			doneMu.Lock()
			done[u.User.ID] = u
			doneMu.Unlock()
			pending = append(pending, u)
			if len(pending) >= flushEvery {
				flush()
			}
		},
		pageDone: func(next string) {
			state.Cursor = next
			flush()
		},
	}
	_, scanErr := c.checkFactors(ctx, scan)
	if cause := context.Cause(ctx); scanErr != nil && cause != nil {
		scanErr = cause // why it stopped: lost, or a save failed
	}
	if len(pending) > 0 || scanErr != nil {
		flush()
	}
	if err := sv.close(); err != nil && scanErr == nil {
		scanErr = fmt.Errorf("okta: save the MFA scan's progress: %w", err)
	}
	if scanErr != nil {
		return nil, MFAReport{}, scanErr
	}
	s = &mfaState{at: state.Started, took: time.Since(state.Started), users: map[string]scannedUser{}}
	for id, u := range done {
		if !u.Gone {
			s.users[id] = scannedUser{user: u.User, class: u.Class}
		}
	}
	r = s.report()
	r.Checked = len(done) - before
	return s, r, nil
}
