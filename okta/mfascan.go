package okta

import (
	"cmp"
	"context"
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

// The MFA scan (mfa_status): every active user's factors, read with
// bounded concurrency at the factors family's rate limit, kept in the
// Client with the scan's time so that asking again is instant; a Refresh
// re-reads only the users whose factors or status changed since.

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
	// Concurrency bounds the factor reads in flight; 0: 8.
	Concurrency int
}

const defaultScanConcurrency = 8

// MFAReport is the outcome of the last MFA scan.
type MFAReport struct {
	// ScannedAt is when the scan (or the refresh that brought it up to
	// date) started: a change after it may not be in the report.
	ScannedAt time.Time
	// Took is how long the scan or refresh ran.
	Took time.Duration
	// Active counts the active users.
	Active int
	// NoFactor lists the active users with no active factor; WeakOnly those
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
	users map[string]scannedUser // active users by id
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

// mfaCache keeps the last scan and lets one scan run at a time. Its zero
// value is ready.
type mfaCache struct {
	mu   sync.Mutex
	gate chan struct{} // holds a token while a scan runs; made on first use
	last *mfaState
}

// lock waits, bounded by ctx, until no other scan runs.
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

// ScanMFA answers mfa_status: the active users with no active MFA factor
// (Result.Users, sorted by login). The first call scans every active
// user's factors; later calls answer from memory unless opts.Refresh asks
// to bring the scan up to date. One scan runs at a time: a caller that
// waited for another's scan gets its result. The full report, with the
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

// scanMFA returns the report ScanMFA answers from.
func (c *Client) scanMFA(ctx context.Context, opts MFAScanOptions) (MFAReport, error) {
	asked := time.Now()
	unlock, err := c.mfa.lock(ctx)
	if err != nil {
		return MFAReport{}, err
	}
	defer unlock()
	last := c.mfa.get()
	switch {
	case last != nil && (!opts.Refresh || last.at.Add(last.took).After(asked)):
		// From memory; or a refresh that finished while this one waited.
		r := last.report()
		r.Cached = true
		return r, nil
	case last != nil && time.Since(last.at) < maxRefreshAge:
		return c.refreshMFA(ctx, last, opts)
	}
	return c.fullScan(ctx, opts)
}

// fullScan reads the factors of every active user and keeps the result.
func (c *Client) fullScan(ctx context.Context, opts MFAScanOptions) (MFAReport, error) {
	start := time.Now()
	s := &mfaState{at: start.UTC(), users: map[string]scannedUser{}}
	checked, err := c.checkFactors(ctx, c.Users(ctx, UserQuery{Status: "ACTIVE"}), opts, s.users)
	if err != nil {
		return MFAReport{}, err
	}
	s.took = time.Since(start)
	c.mfa.put(s)
	r := s.report()
	r.Checked = checked
	return r, nil
}

// checkFactors reads the factors of every user the stream yields, with at
// most opts.Concurrency reads in flight, paced by the factors family's
// rate-limit headers, and stores what protects each user in into. A user
// deleted meanwhile (404) is left out; any other failure stops the scan.
func (c *Client) checkFactors(ctx context.Context, users iter.Seq2[intents.User, error], opts MFAScanOptions, into map[string]scannedUser) (int, error) {
	conc := opts.Concurrency
	if conc <= 0 {
		conc = defaultScanConcurrency
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pacer := newWindowPacer(c.limits.snapshot()[bucketOther], time.Now)
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

	type result struct {
		user    intents.User
		factors []intents.Factor
		err     error
	}
	jobs := make(chan intents.User, 2*conc)
	results := make(chan result, 2*conc)
	var listed atomic.Int64
	var lister sync.WaitGroup
	lister.Go(func() {
		defer close(jobs)
		for u, err := range users {
			if err != nil {
				fail(err)
				return
			}
			listed.Add(1)
			select {
			case jobs <- u:
			case <-ctx.Done():
				return
			}
		}
	})
	var workers sync.WaitGroup
	for range conc {
		workers.Go(func() {
			for u := range jobs {
				fs, err := c.pacedFactors(ctx, pacer, u.ID)
				results <- result{u, fs, err}
			}
		})
	}
	go func() {
		workers.Wait()
		close(results)
	}()

	done, checked := 0, 0
	for r := range results {
		done++
		switch {
		case r.err == nil:
			checked++
			u := r.user
			u.Profile = nil
			into[u.ID] = scannedUser{user: u, class: classify(r.factors)}
		case isNotFound(r.err):
			checked++
			delete(into, r.user.ID)
		default:
			fail(r.err)
		}
		if opts.Progress != nil && ctx.Err() == nil {
			opts.Progress(done, int(listed.Load()))
		}
	}
	lister.Wait() // every fail has happened: the workers are done and the lister too
	return checked, firstErr
}

// pacedFactors reads one user's factors when the pacer lets it.
func (c *Client) pacedFactors(ctx context.Context, p *windowPacer, userID string) ([]intents.Factor, error) {
	if err := p.acquire(ctx); err != nil {
		return nil, err
	}
	op := "list factors of " + userID
	u := c.s.org.String() + "/api/v1/users/" + url.PathEscape(userID) + "/factors"
	resp, body, err := c.rawCall(ctx, op, intents.ScopeUsersRead, http.MethodGet, u, nil)
	p.release(resp)
	if err != nil {
		return nil, err
	}
	return decodeAll(op, body, decodeFactor)
}
