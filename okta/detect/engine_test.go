package detect

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/oktabot/oktabot/intents"
)

// ordinary is event i of an org's ordinary work: users people each
// signing in, evaluating the sign-on policy, passing MFA and reaching
// apps, one event every step from start, with the fields and debugData
// Okta writes (most of which no detection reads).
func ordinary(i, users int, start time.Time, step time.Duration) intents.Event {
	u := i % users
	login := fmt.Sprintf("user%05d@company.com", u)
	kinds := [...]string{"policy.evaluate_sign_on", viaMFA, signIn, "user.authentication.sso", "user.authentication.sso", "user.session.end"}
	typ := kinds[(i/users)%len(kinds)]
	e := intents.Event{
		UUID:           fmt.Sprintf("%08x-0000-4000-8000-%012x", i, u),
		Published:      start.Add(time.Duration(i) * step),
		EventType:      typ,
		DisplayMessage: "User login to Okta",
		Severity:       "INFO",
		Actor:          intents.Actor{ID: fmt.Sprintf("00u%017d", u), Type: "User", AlternateID: login, DisplayName: fmt.Sprintf("User %d", u)},
		Outcome:        intents.EventOutcome{Result: "SUCCESS"},
		Client: intents.EventClient{
			IP:        fmt.Sprintf("10.%d.%d.%d", u/65536, u/256%256, u%256),
			UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
			Browser:   "CHROME", OS: "Mac OS X", Device: "Computer", Zone: "null",
			City: sanFrancisco.city, State: "California", Country: sanFrancisco.country, Lat: sanFrancisco.lat, Lon: sanFrancisco.lon,
		},
		Security:      intents.Security{ASNumber: 7922, ASOrg: "comcast", ISP: "comcast cable communications  llc", Domain: "comcast.net"},
		SessionID:     fmt.Sprintf("idx%020d", u),
		TransactionID: fmt.Sprintf("tx%022d", i),
		Debug: map[string]string{
			"dtHash":          fmt.Sprintf("%064x", u),
			"requestId":       fmt.Sprintf("req%029d", i),
			"requestUri":      "/idp/idx/identify",
			"url":             "/idp/idx/identify?",
			"behaviors":       "{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}",
			"risk":            "{level=LOW}",
			"threatSuspected": "false",
		},
	}
	switch typ {
	case "policy.evaluate_sign_on":
		e.Targets = []intents.Actor{{ID: "0pr1", Type: "Rule", DisplayName: "Default rule"}}
	case viaMFA:
		e.Debug["factor"] = "OKTA_VERIFY_PUSH"
		e.DisplayMessage = "Authentication of user via MFA"
	case "user.authentication.sso":
		e.Targets = []intents.Actor{{ID: "0oa" + fmt.Sprint(i%16), Type: "AppInstance", AlternateID: "App " + fmt.Sprint(i%16), DisplayName: "App"}}
	}
	return e
}

// attacks is a takeover of john (failures from a Tor exit, then a
// success and SSO), a push storm on alice, a password spray over many
// users from one IP, six accounts locked out at once, and one IP failing
// once each for 12 users, one of whom then signs in from another IP, and
// one IP abandoning MFA for 6 users, a session churning device tokens and
// a root session replayed, from t0 on.
func attacks() []intents.Event {
	var l orgLog
	repeat(&l, 12, 0, time.Minute, signIn, from(torIP, frankfurt), proxied, failure("INVALID_CREDENTIALS"))
	l.add(signIn, 20*time.Minute, from(torIP, frankfurt), proxied)
	l.add("user.authentication.sso", 21*time.Minute, from(torIP, frankfurt), proxied, target("AppInstance", "0oa9", "Salesforce"))
	for i := range 6 {
		at := 30*time.Minute + time.Duration(i)*time.Minute
		l.add(sendPush, at, as(alice), from(torIP, frankfurt))
		l.add(denyPush, at+20*time.Second, as(alice), from(torIP, frankfurt), failure("User rejected Okta push verify"))
	}
	for i := range 12 {
		l.add(signIn, 40*time.Minute+time.Duration(i)*30*time.Second, as(fmt.Sprintf("user%05d@company.com", i%6)),
			from("203.0.113.9", moscow), failure("INVALID_CREDENTIALS"))
	}
	for i := range 6 { // many accounts locked out at once
		l.add("user.account.lock", 50*time.Minute+time.Duration(i)*30*time.Second, as(fmt.Sprintf("user%05d@company.com", 10+i)),
			from("203.0.113.9", moscow), message("Max sign in attempts exceeded"))
	}
	for i := range 12 { // one IP failing once each for 12 users in 4 min …
		l.add(signIn, time.Hour+time.Duration(i)*20*time.Second, as(fmt.Sprintf("staff%d@company.com", i)),
			from("203.0.113.70", frankfurt), failure("INVALID_CREDENTIALS"))
	}
	// … then one of them signs in from another IP
	l.add(signIn, 70*time.Minute, as("staff3@company.com"), from("203.0.113.71", frankfurt))
	for i := range 6 { // one IP abandoning MFA for 6 users
		l.add(viaMFA, 75*time.Minute+time.Duration(i)*5*time.Minute, as(fmt.Sprintf("staff%d@company.com", 20+i)),
			from("203.0.113.72", frankfurt), outcome("ABANDONED", ""))
	}
	for i := range 4 { // one session presenting 4 device tokens from 2 IPs
		l.add("user.authentication.sso", 110*time.Minute+time.Duration(i)*time.Minute, as("staff40@company.com"), session("102churn"),
			debug("dtHash", fmt.Sprintf("dt%d", i)), from([]string{home, "198.51.100.60"}[i%2], sanFrancisco))
	}
	// a root session's cookie replayed from abroad with another browser
	l.add(signIn, 120*time.Minute, as("staff41@company.com"), session("102orig"), rootSession("idxROOT1"))
	l.add("user.authentication.sso", 125*time.Minute, as("staff41@company.com"), session("102copy"), rootSession("idxROOT1"),
		from("203.0.113.5", frankfurt), agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "FIREFOX", "Windows 10"))
	for i := range l.events {
		l.events[i].UUID = fmt.Sprintf("attack-%03d", i)
	}
	return l.events
}

// orgDay is n ordinary events over the day before t0 and the hour after,
// with the attacks merged in, oldest first.
func orgDay(n int) []intents.Event {
	start := t0.Add(-24 * time.Hour)
	step := 25 * time.Hour / time.Duration(n)
	var evs []intents.Event
	for i := range n {
		evs = append(evs, ordinary(i, 200, start, step))
	}
	evs = append(evs, attacks()...)
	slices.SortStableFunc(evs, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
	return evs
}

// feedAll feeds pages of n and returns what each Feed reported.
func feedAll(e *Engine, evs []intents.Event, n int) []intents.Finding {
	var out []intents.Finding
	for page := range slices.Chunk(evs, n) {
		out = append(out, e.Feed(page)...)
	}
	return out
}

// TestEngineCompactKeepsFindings: the detections over the held form of
// events find exactly what they find over the events as decoded.
func TestEngineCompactKeepsFindings(t *testing.T) {
	evs := orgDay(4000)
	in := newInterner()
	compacted := make([]intents.Event, len(evs))
	for i := range evs {
		compacted[i] = in.compact(&evs[i], nil).event()
	}
	cfg := testConfig()
	want := Analyze(cfg, evs)
	if len(want.Findings) < 4 {
		t.Fatalf("the attacks give %d findings, want at least 4: %s", len(want.Findings), dump(want.Findings))
	}
	if diff := cmp.Diff(want, Analyze(cfg, compacted)); diff != "" {
		t.Errorf("compacted events give other findings (-decoded +compacted):\n%s", diff)
	}
	if got := compacted[0].Debug["requestUri"]; got != "" {
		t.Errorf("the held form keeps debugData.requestUri %q, which no detection reads", got)
	}
}

// TestEngineRestore: an engine rebuilt from another's dirty windows goes
// on as the other would have; no event counts twice.
func TestEngineRestore(t *testing.T) {
	cfg := testConfig()
	evs := orgDay(4000)
	// split in the middle of john's failures: the success needs the
	// failures from before the restart
	split := slices.IndexFunc(evs, func(e intents.Event) bool { return e.UUID == "attack-005" })

	one := NewEngine(cfg, Limits{})
	feedAll(one, evs[:split], 100)
	want := feedAll(one, evs[split:], 100)

	first := NewEngine(cfg, Limits{})
	feedAll(first, evs[:split], 100)
	state := first.TakeDirty()
	if len(state) == 0 {
		t.Fatal("TakeDirty() after feeding is empty")
	}
	if again := first.TakeDirty(); len(again) != 0 {
		t.Errorf("TakeDirty() right after TakeDirty() = %d windows, want none", len(again))
	}
	second := NewEngine(cfg, Limits{})
	if err := second.Restore(state); err != nil {
		t.Fatalf("Restore() error = %v", err)
	}
	if got := second.Feed(evs[split-100 : split]); len(got) != 0 {
		t.Errorf("Feed(a page fed before the restart) = %s, want nothing", dump(got))
	}
	got := feedAll(second, evs[split:], 100)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after Restore the engine finds otherwise (-one engine +restored):\n%s", diff)
	}
	if !slices.ContainsFunc(got, func(f intents.Finding) bool { return f.Detection == SuccessAfterFailures && f.User == john }) {
		t.Errorf("after Restore no success_after_failures on john: %s", dump(got))
	}
	for _, f := range second.Analysis().Findings {
		if s := slices.Clone(f.Events); len(slices.Compact(slices.Sorted(slices.Values(s)))) != len(f.Events) {
			t.Errorf("finding %s on %q names an event twice: %v", f.Detection, f.User, f.Events)
		}
	}
	if got := second.Feed(evs[len(evs)-50:]); len(got) != 0 {
		t.Errorf("Feed(the last page again) = %s, want nothing", dump(got))
	}
	if err := NewEngine(cfg, Limits{}).Restore(map[string][]byte{"u:x": []byte("{")}); err == nil {
		t.Error("Restore(bad JSON) = nil error")
	}
}

// TestEngineFindsAsABatch: the engine's analysis of a day fed page by
// page is Analyze's of the day at once; IPs and Last are filled.
func TestEngineFindsAsABatch(t *testing.T) {
	cfg := testConfig()
	evs := orgDay(4000)
	want := Analyze(cfg, evs)
	for _, n := range []int{1, 100, 5000} {
		e := NewEngine(cfg, Limits{})
		fed := feedAll(e, evs, n)
		if diff := cmp.Diff(want, e.Analysis(), cmpopts.IgnoreFields(intents.Finding{}, "IPs", "Last")); diff != "" {
			t.Errorf("pages of %d: the engine's analysis differs from Analyze (-batch +engine):\n%s", n, diff)
		}
		for _, f := range fed {
			if len(f.IPs) == 0 || f.Last.IsZero() {
				t.Errorf("pages of %d: finding %s on %q has IPs %v and Last %v", n, f.Detection, f.User, f.IPs, f.Last)
			}
		}
	}
}

// TestEngineBounds: windows reach Window back from the newest event and
// hold at most PerKey events; a window that empties is reported gone.
func TestEngineBounds(t *testing.T) {
	start := t0.Add(-72 * time.Hour)
	e := NewEngine(testConfig(), Limits{Window: time.Hour, PerKey: 50})
	var evs []intents.Event
	for i := range 3000 { // 200 users, 72 h: one event a user every 4.8 h
		evs = append(evs, ordinary(i, 200, start, 72*time.Hour/3000))
	}
	feedAll(e, evs[:1500], 100)
	e.TakeDirty()
	feedAll(e, evs[1500:], 100)
	s := e.Stats()
	if s.Events > 60 { // 3000 events in 72 h: about 42 an hour
		t.Errorf("Stats().Events = %d, want the last hour's (about 42)", s.Events)
	}
	dirty := e.TakeDirty()
	gone := 0
	for _, b := range dirty {
		if b == nil {
			gone++
		}
	}
	if gone == 0 {
		t.Errorf("TakeDirty() reports no window gone, though the hour moved on: %d windows", len(dirty))
	}

	hot := NewEngine(testConfig(), Limits{PerKey: 50})
	var one []intents.Event
	for i := range 300 {
		one = append(one, ordinary(i*200, 200, t0, time.Second)) // all user00000
	}
	feedAll(hot, one, 100)
	for key, w := range hot.windows {
		if len(w.evs) > 50 {
			t.Errorf("one user's 300 events: window %s holds %d, want at most PerKey 50", key, len(w.evs))
		}
	}
	if w := hot.windows["u:user00000@company.com"]; w == nil || len(w.evs) != 50 || !w.evs[49].published().Equal(one[299].Published) {
		t.Errorf("the user's window does not hold their newest 50 events")
	}
}

// BenchmarkEngineHeap feeds the engine a day of 50,000 active users'
// work (six events each: policy evaluation, MFA, sign-in, two SSOs, sign
// out) with the attacks of attacks() in it, in pages of 1,000, and
// reports the peak heap: HeapAlloc after a runtime.GC() every 25 pages
// (watch-heap-MiB), the engine's own estimate (engine-MiB), and the events
// held at the end. The events are made page by page, so the heap is the
// engine's.
func BenchmarkEngineHeap(b *testing.B) {
	const users, perUser, page = 50_000, 6, 1000
	n := users * perUser
	start := t0.Add(-23 * time.Hour)
	step := 24 * time.Hour / time.Duration(n)
	atk := attacks()
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var peak uint64
		e := NewEngine(testConfig(), Limits{})
		found := 0
		for p := 0; p*page < n; p++ {
			evs := make([]intents.Event, 0, page+len(atk))
			for i := p * page; i < min(n, (p+1)*page); i++ {
				evs = append(evs, ordinary(i, users, start, step))
			}
			lo, hi := evs[0].Published, evs[len(evs)-1].Published
			for _, a := range atk {
				if !a.Published.Before(lo) && a.Published.Before(hi) {
					evs = append(evs, a)
				}
			}
			slices.SortStableFunc(evs, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
			found += len(e.Feed(evs))
			if p%25 == 24 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
			}
		}
		if found == 0 {
			b.Fatal("the engine found none of the attacks")
		}
		s := e.Stats()
		b.ReportMetric(float64(peak)/(1<<20), "watch-heap-MiB")
		b.ReportMetric(float64(s.Bytes)/(1<<20), "engine-MiB")
		b.ReportMetric(float64(s.Events), "events-held")
		runtime.KeepAlive(e)
	}
}

// TestEngineForget: Forget drops the findings last seen before a time and
// the events only they name; later findings stay.
func TestEngineForget(t *testing.T) {
	e := NewEngine(testConfig(), Limits{})
	evs := orgDay(2000)
	feedAll(e, evs, 100)
	all := e.Analysis().Findings
	if len(all) < 4 {
		t.Fatalf("the attacks give %d findings, want at least 4", len(all))
	}
	cut := t0.Add(48 * time.Minute) // after the takeover, the push storm and the spray; before the lockouts and the many accounts
	e.Forget(cut)
	left := e.Analysis().Findings
	if len(left) == 0 || len(left) >= len(all) {
		t.Fatalf("Forget(%v) kept %d of %d findings, want the later ones only", cut, len(left), len(all))
	}
	for _, f := range left {
		if f.Last.Before(cut) || f.User == alice || f.User == john {
			t.Errorf("Forget kept %s on %q, last at %v", f.Detection, f.User, f.Last)
		}
	}
	named := map[string]bool{}
	for _, f := range left {
		for _, u := range f.Events {
			named[u] = true
		}
	}
	for _, ev := range e.FindingEvents() {
		if !named[ev.UUID] {
			t.Errorf("FindingEvents() after Forget lists %s, which no finding left names", ev.UUID)
		}
	}
	if len(e.pinned) != len(named) {
		t.Errorf("the engine keeps %d findings' events, want the %d the findings left name", len(e.pinned), len(named))
	}
}
