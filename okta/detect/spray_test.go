package detect

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/oktabot/oktabot/intents"
)

// distributedAttack is a spray from at (offset from t0): ips addresses
// (a residential proxy pool, one network each) rotating over users
// accounts, one failed sign-in every 20 s, tries in all, each as Okta
// logs a wrong password (user.session.start, FAILURE,
// INVALID_CREDENTIALS) with the uuids spray-NNN.
func distributedAttack(at time.Duration, ips, tries int) []intents.Event {
	var l orgLog
	for i := range tries {
		ip := fmt.Sprintf("198.18.%d.%d", i%ips, 10+i%ips)
		u := fmt.Sprintf("staff%02d@company.com", i%(2*ips))
		e := l.add(signIn, at+time.Duration(i)*20*time.Second, as(u), from(ip, frankfurt), asn(64500+i%ips, fmt.Sprintf("isp%d", i%ips)),
			failure("INVALID_CREDENTIALS"), message("User login to Okta"))
		l.events[len(l.events)-1].UUID = fmt.Sprintf("spray-%03d-%s", i, e.Published.Format("150405"))
	}
	return l.events
}

func TestDistributedSpray(t *testing.T) {
	spray := distributedAttack(0, 10, 30) // 10 IPs, 20 users, 30 tries in 10 min
	// Four IPs only: below the shape's five.
	fewIPs := distributedAttack(0, 4, 30)
	// The same 30 tries over 2 h: never 25 within 15 min.
	var slow orgLog
	for i := range 30 {
		slow.add(signIn, time.Duration(i)*4*time.Minute, as(fmt.Sprintf("staff%02d@company.com", i%20)),
			from(fmt.Sprintf("198.18.%d.10", i%10), frankfurt), failure("INVALID_CREDENTIALS"))
	}
	// Ten IPs and eight users, but six tries each: a brute force, not a
	// spray (more than 5 tries per user).
	var focused orgLog
	for i := range 48 {
		focused.add(signIn, time.Duration(i)*15*time.Second, as(fmt.Sprintf("staff%02d@company.com", i%8)),
			from(fmt.Sprintf("198.18.%d.10", i%10), frankfurt), failure("INVALID_CREDENTIALS"))
	}
	// Thirty sign-ins that succeed.
	var fine orgLog
	for i := range 30 {
		fine.add(signIn, time.Duration(i)*20*time.Second, as(fmt.Sprintf("staff%02d@company.com", i%20)),
			from(fmt.Sprintf("198.18.%d.10", i%10), frankfurt))
	}
	// Two sprays an hour apart are two findings.
	twice := append(distributedAttack(0, 10, 30), distributedAttack(2*time.Hour, 10, 30)...)
	// Through Tor and proxies: anonymizers weigh more.
	anon := distributedAttack(0, 10, 30)
	for i := range anon {
		anon[i].Security.IsProxy = true
	}

	runCases(t, DistributedSpray, []detCase{
		{name: "ten IPs, twenty users, thirty tries", events: spray, want: []got{{"", intents.SeverityHigh, 30}}},
		{name: "four IPs", events: fewIPs},
		{name: "spread over two hours", events: slow.events},
		{name: "eight users tried six times each", events: focused.events},
		{name: "successful sign-ins", events: fine.events},
		{name: "two sprays", events: twice, want: []got{{"", intents.SeverityHigh, 30}, {"", intents.SeverityHigh, 30}}},
		{name: "through anonymizers", events: anon, want: []got{{"", intents.SeverityHigh, 30}}},
		{name: "a lower bar", events: fewIPs, cfg: func(c *Config) { c.Thresholds.DistributedSpray.IPs = 4 },
			want: []got{{"", intents.SeverityHigh, 30}}},
	})
	// Failed sign-ins from one IP are failed_login_burst's; no single IP
	// of the distributed spray finds anything there.
	for _, f := range Run(testConfig(), spray) {
		if f.Detection == FailedLoginBurst {
			t.Errorf("Run(distributed spray) found %s: %s", f.Detection, f.Summary)
		}
	}
}

// TestDistributedSprayEngine: the engine, fed page by page, finds the
// spray (failed sign-ins of twenty users from ten IPs, each window its
// own) as the batch does, in an org's day.
func TestDistributedSprayEngine(t *testing.T) {
	cfg := testConfig()
	evs := orgDay(4000)
	evs = append(evs, distributedAttack(-6*time.Hour, 10, 30)...)
	slices.SortStableFunc(evs, func(a, b intents.Event) int { return a.Published.Compare(b.Published) })
	want := Analyze(cfg, evs)
	if !slices.ContainsFunc(want.Findings, func(f intents.Finding) bool { return f.Detection == DistributedSpray }) {
		t.Fatalf("Analyze(day with a spray) found no %s", DistributedSpray)
	}
	for _, n := range []int{1, 100, 5000} {
		e := NewEngine(cfg, Limits{})
		feedAll(e, evs, n)
		if diff := cmp.Diff(want, e.Analysis(), cmpopts.IgnoreFields(intents.Finding{}, "IPs", "Last")); diff != "" {
			t.Errorf("pages of %d: the engine's analysis differs from Analyze (-batch +engine):\n%s", n, diff)
		}
	}
}
