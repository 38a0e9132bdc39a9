package okta

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// The MFA scan (mfa_status): the factors of every user who can sign in
// (ACTIVE, PASSWORD_EXPIRED, RECOVERY, LOCKED_OUT), read with bounded
// concurrency at a share (Config.RateShare) of the rate limit of Okta's
// bucket that counts factor calls, as a background job that saves its
// progress (mfascan_job.go), kept in the Client with the scan's time so
// that asking again is instant; a Refresh re-reads only the users whose
// factors or status changed since.

// MFAScanOptions tune ScanMFA. The zero value answers from the last scan
// when there is one.
type MFAScanOptions struct {
	// Refresh brings the last scan up to date: it re-reads the factors of
	// the users whose factors changed since it (the System Log's factor
	// events) and of the users who became active since, and drops those
	// who are no longer active. Without a last scan it scans everyone.
	Refresh bool
	// Progress, when set, is called after each user is checked with the
	// users checked so far and the active users listed so far (the second
	// grows while Okta lists the users, usually for the first seconds of a
	// scan). Calls come from one goroutine, in order, never concurrently.
	Progress func(scanned, total int)
}

const defaultScanConcurrency = 8

// MFAReport is the outcome of the last MFA scan.
type MFAReport struct {
	// ScannedAt is when the scan (or the refresh that brought it up to
	// date) started: a change after it may not be in the report.
	ScannedAt time.Time
	// Took is how long the scan or refresh ran.
	Took time.Duration
	// Active counts the users scanned: those who can sign in (ACTIVE,
	// PASSWORD_EXPIRED, RECOVERY, LOCKED_OUT).
	Active int
	// NoFactor lists the users scanned with no active factor; WeakOnly those
	// whose every active factor is weak (sms, call, email, question). Both
	// are sorted by login.
	NoFactor []intents.User
	WeakOnly []intents.User
	// Checked counts the users whose factors this run read from Okta (0
	// for an answer from memory).
	Checked int
	// Refreshed is true for an incremental refresh, Cached for an answer
	// from memory.
	Refreshed bool
	Cached    bool
}

// mfaClass is what protects a user.
type mfaClass uint8

const (
	mfaStrong mfaClass = iota
	mfaWeakOnly
	mfaNone
)

// classify says what a user's factors protect them with: only ACTIVE
// factors count (a pending enrolment protects nobody).
func classify(fs []intents.Factor) mfaClass {
	class := mfaNone
	for _, f := range fs {
		if !strings.EqualFold(f.Status, "ACTIVE") {
			continue
		}
		if !f.Weak() {
			return mfaStrong
		}
		class = mfaWeakOnly
	}
	return class
}

// mfaState is one completed scan. It is never changed once stored: a
// refresh makes a new one.
type mfaState struct {
	at    time.Time // when the scan started
	took  time.Duration
	users map[string]scannedUser // the users who can sign in, by id
	// seen is what the next refresh, whose reads overlap this one's by
	// refreshLag, need not check again (refreshes only).
	seen refreshSeen
}

// scannedUser is an active user as the scan keeps them: without the
// profile map, which can be large and which the report does not show.
type scannedUser struct {
	user  intents.User
	class mfaClass
}

// report turns a state into a report.
func (s *mfaState) report() MFAReport {
	r := MFAReport{ScannedAt: s.at, Took: s.took, Active: len(s.users)}
	for _, su := range s.users {
		switch su.class {
		case mfaNone:
			r.NoFactor = append(r.NoFactor, su.user)
		case mfaWeakOnly:
			r.WeakOnly = append(r.WeakOnly, su.user)
		}
	}
	byLogin := func(a, b intents.User) int {
		return cmp.Or(strings.Compare(a.Login, b.Login), strings.Compare(a.ID, b.ID))
	}
	slices.SortFunc(r.NoFactor, byLogin)
	slices.SortFunc(r.WeakOnly, byLogin)
	return r
}

// mfaCache keeps the last scan and the running full scan, and lets one
// scan start at a time. Its zero value is ready.
type mfaCache struct {
	mu    sync.Mutex
	gate  chan struct{} // holds a token while a scan starts or a refresh runs; made on first use
	last  *mfaState
	job   *mfaJob         // the full scan running in the background, if any
	bg    context.Context // the jobs' context (StartJobs); nil: none
	store ScanStore       // where jobs keep their progress; nil: in memory
}

// lock waits, bounded by ctx, until no other scan starts or refreshes.
func (m *mfaCache) lock(ctx context.Context) (unlock func(), err error) {
	m.mu.Lock()
	if m.gate == nil {
		m.gate = make(chan struct{}, 1)
	}
	gate := m.gate
	m.mu.Unlock()
	select {
	case gate <- struct{}{}:
		return func() { <-gate }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// running is the full scan running in the background, or nil.
func (m *mfaCache) running() *mfaJob {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.job
}

// scanStore is where jobs keep their progress.
func (m *mfaCache) scanStore() ScanStore {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.store == nil {
		m.store = &memScanStore{}
	}
	return m.store
}

// finish ends a job: its report becomes the last scan when it succeeded.
func (m *mfaCache) finish(j *mfaJob, s *mfaState, r MFAReport, err error) {
	m.mu.Lock()
	if err == nil {
		m.last = s
	}
	if m.job == j {
		m.job = nil
	}
	m.mu.Unlock()
	j.report, j.err = r, err
	close(j.done)
}

func (m *mfaCache) get() *mfaState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

func (m *mfaCache) put(s *mfaState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last = s
}

// LastMFAScan returns the report of the last MFA scan, if there was one,
// without calling Okta.
func (c *Client) LastMFAScan() (MFAReport, bool) {
	s := c.mfa.get()
	if s == nil {
		return MFAReport{}, false
	}
	r := s.report()
	r.Cached = true
	return r, true
}

// ScanMFA answers mfa_status: the users who can sign in with no active MFA
// factor (Result.Users, sorted by login). The first call scans every such
// user's factors, in the background: it waits for the scan, and when ctx
// ends first it returns an error and the scan goes on (MFAScanRunning);
// later calls answer from memory unless opts.Refresh asks to bring the
// scan up to date. One scan runs at a time: a caller that waited for
// another's scan gets its result. The full report, with the
// users whose only factors are weak and the scan's time, is LastMFAScan.
func (c *Client) ScanMFA(ctx context.Context, opts MFAScanOptions) (intents.Result, error) {
	r, err := c.scanMFA(ctx, opts)
	if err != nil {
		return intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}}, err
	}
	return mfaResult(r), nil
}

// MFAStatus is ScanMFA with plain arguments, for a consumer that must not
// import this package (the bot declares it as an interface): refresh and
// progress are MFAScanOptions' Refresh and Progress.
func (c *Client) MFAStatus(ctx context.Context, refresh bool, progress func(scanned, total int)) (intents.Result, error) {
	return c.ScanMFA(ctx, MFAScanOptions{Refresh: refresh, Progress: progress})
}

// mfaResult is the Result of a report.
func mfaResult(r MFAReport) intents.Result {
	res := intents.Result{Intent: intents.Intent{Kind: intents.MFAStatus}, Users: r.NoFactor, MFA: r.summary()}
	if res.Users == nil {
		res.Users = []intents.User{}
	}
	return res
}

// summary is the report as the domain carries it in a Result.
func (r MFAReport) summary() *intents.MFAReport {
	return &intents.MFAReport{
		ScannedAt: r.ScannedAt, Active: r.Active, NoFactor: len(r.NoFactor), WeakOnly: r.WeakOnly,
		Checked: r.Checked, Refreshed: r.Refreshed, Cached: r.Cached,
	}
}

// queryMFA answers mfa_status through Query, without progress reports.
func (c *Client) queryMFA(ctx context.Context, in intents.Intent, res *intents.Result) error {
	r, err := c.scanMFA(ctx, MFAScanOptions{})
	if err != nil {
		return err
	}
	full := mfaResult(r)
	res.Users, res.MFA = full.Users, full.MFA
	if in.Limit > 0 && len(res.Users) > in.Limit {
		res.Users, res.Truncated = res.Users[:in.Limit], true
	}
	return nil
}

// scanMFA returns the report ScanMFA answers from. A full scan runs in
// the background (mfascan_job.go): scanMFA waits for it, and returns an
// error when ctx ends first, leaving it running.
func (c *Client) scanMFA(ctx context.Context, opts MFAScanOptions) (MFAReport, error) {
	asked := time.Now()
	if err := ctx.Err(); err != nil {
		return MFAReport{}, err
	}
	unlock, err := c.mfa.lock(ctx)
	if err != nil {
		return MFAReport{}, err
	}
	if j := c.mfa.running(); j != nil {
		unlock()
		return c.waitJob(ctx, j, opts.Progress)
	}
	last := c.mfa.get()
	switch {
	case last != nil && (!opts.Refresh || last.at.Add(last.took).After(asked)):
		// From memory; or a refresh that finished while this one waited.
		unlock()
		r := last.report()
		r.Cached = true
		return r, nil
	case last != nil && time.Since(last.at) < maxRefreshAge:
		r, err := c.refreshMFA(ctx, last, opts)
		if !errors.Is(err, errRescanAll) {
			unlock()
			return r, err
		}
		c.log.Info("okta: a factor type was deactivated for the whole org; the MFA refresh scans everyone")
	}
	cl, err := c.claimJob()
	if err != nil {
		unlock()
		return MFAReport{}, err
	}
	j, unsubscribe := c.startJob(cl, opts.Progress)
	unlock()
	defer unsubscribe()
	return c.waitJob(ctx, j, nil)
}

// factorScan is what checkFactors reads and whom it tells.
type factorScan struct {
	pages    iter.Seq2[page[intents.User], error] // the users to check, page by page
	skip     func(id string) bool                 // already checked (nil: none)
	base     int                                  // users checked before, counted in progress
	progress func(scanned, total int)             // after each user
	limit    func(limit int)                      // when the bucket's limit is first known
	result   func(savedUser)                      // each user checked
	pageDone func(next string)                    // each page, in order, once all its users are checked
}

// checkFactors reads the factors of every user the pages list (but those
// skip names), with at most defaultScanConcurrency reads in flight, paced
// at the rate share of the factors bucket by its rate-limit headers. A
// user deleted meanwhile (404) is a result marked gone; any other failure
// stops the scan. When ctx ends, the reads already sent are finished and
// reported, so that no read is lost; the callbacks are all called from the
// caller's goroutine.
func (c *Client) checkFactors(ctx context.Context, scan factorScan) (int, error) {
	conc := defaultScanConcurrency
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pacer := newWindowPacer(c.limits.snapshot()[bucketOther], time.Now)
	pacer.share = c.s.rateShare
	var (
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			cancel()
		})
	}

	// The lister sends a page's opening (its size) before its users, on the
	// results channel, so that the collector knows it first.
	type result struct {
		open    bool // a page opens: users is how many it sends, next its cursor
		users   int
		next    string
		page    int
		user    intents.User
		factors []intents.Factor
		err     error
	}
	type job struct {
		user intents.User
		page int
	}
	jobs := make(chan job, 2*conc)
	results := make(chan result, 2*conc)
	var listed atomic.Int64
	listed.Store(int64(scan.base))
	var lister, workers sync.WaitGroup
	lister.Go(func() {
		defer close(jobs)
		n := 0
		for p, err := range scan.pages {
			if err != nil {
				fail(err)
				return
			}
			var todo []intents.User
			for _, u := range p.items {
				if scan.skip == nil || !scan.skip(u.ID) {
					todo = append(todo, u)
				}
			}
			next := p.next.page // the next page's request, as Okta linked it
			if !p.more {
				next = ""
			}
			select {
			case results <- result{open: true, users: len(todo), next: next, page: n}:
			case <-ctx.Done():
				fail(ctx.Err())
				return
			}
			listed.Add(int64(len(todo)))
			for _, u := range todo {
				if err := ctx.Err(); err != nil {
					fail(err) // stopped early: never a finished scan
					return
				}
				select {
				case jobs <- job{u, n}:
				case <-ctx.Done():
					fail(ctx.Err())
					return
				}
			}
			n++
		}
	})
	for range conc {
		workers.Go(func() {
			for j := range jobs {
				fs, err := c.pacedFactors(ctx, pacer, j.user.ID)
				results <- result{page: j.page, user: j.user, factors: fs, err: err}
			}
		})
	}
	go func() {
		lister.Wait()
		workers.Wait()
		close(results)
	}()

	type pageState struct {
		left int
		next string
	}
	var pages []pageState
	first := 0 // the first page not done
	advance := func() {
		for first < len(pages) && pages[first].left == 0 {
			if scan.pageDone != nil {
				scan.pageDone(pages[first].next)
			}
			first++
		}
	}
	limitKnown := false
	done, checked := scan.base, 0
	for r := range results {
		if r.open {
			pages = append(pages, pageState{left: r.users, next: r.next})
			advance()
			continue
		}
		var su savedUser
		switch {
		case r.err == nil:
			u := r.user
			u.Profile = nil
			su = savedUser{User: u, Class: classify(r.factors)}
		case isNotFound(r.err):
			su = savedUser{User: intents.User{ID: r.user.ID}, Gone: true}
		default:
			fail(r.err)
			continue // not checked: a later run reads it
		}
		done++
		checked++
		if scan.result != nil {
			scan.result(su)
		}
		pages[r.page].left--
		advance()
		if !limitKnown && scan.limit != nil {
			if l := pacer.knownLimit(); l > 0 {
				limitKnown = true
				scan.limit(l)
			}
		}
		if scan.progress != nil {
			scan.progress(done, int(listed.Load()))
		}
	}
	return checked, firstErr
}

// pacedFactors reads one user's factors when the pacer lets it. A read
// once sent is finished even if ctx ends meanwhile (bounded by the
// per-call timeout), so that its result is not lost.
func (c *Client) pacedFactors(ctx context.Context, p *windowPacer, userID string) ([]intents.Factor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := p.acquire(ctx); err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	op := "list factors of " + userID
	u := c.s.org.String() + "/api/v1/users/" + url.PathEscape(userID) + "/factors"
	resp, body, err := c.rawCall(ctx, op, intents.ScopeUsersRead, http.MethodGet, u, nil)
	p.release(resp)
	if err != nil {
		return nil, err
	}
	return decodeAll(op, body, decodeFactor)
}
