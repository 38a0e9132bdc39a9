package detect

import (
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// Credential attacks: failed_login_burst and success_after_failures.

const (
	baseFailedBurst    = 30 // many failures for one user: Medium (Elastic's typical 21–47 band)
	baseStuffing       = 55 // one IP against many users: High
	baseSpray          = 50 // many users, a few tries each: High
	baseManyUsers      = 45 // more than 9 users failing from one IP in 5 min: Medium, High with one more signal
	wRotatedIP         = 20 // the success came from another IP than the attack's: the attacker rotated
	baseSuccessAfter   = 30 // failures, then a success: Medium (often a forgotten password)
	wSameIP            = 10 // the success came from an IP that failed
	wSprayIP           = 20 // … an IP that failed for other users too
	wPerApp            = 3  // each app reached by SSO after the success …
	wAppsCap           = 20 // … capped
	wVolumePerTwo      = 1  // each 2 failures over the threshold …
	wVolumeCap         = 10 // … capped
	wSpreadIPs         = 5  // failures from 3+ IPs
	wSpreadCountries   = 5  // failures from 2+ countries
	minSpreadIPs       = 3
	minSpreadCountries = 2
	wTokenRotation     = 15 // the failures came with a fresh device token each: per-device limits dodged
	evTokenRotation    = "device tokens rotated"
)

// evThenSSO starts the evidence item of app access after a success.
const evThenSSO = "then SSO into "

// failedLoginBurst finds many failed sign-ins for one user in a short
// window, and credential stuffing or password spraying from one IP.
func failedLoginBurst(tl *timeline) []finding {
	var out []finding
	fails := tl.failedSignIns()
	r := tl.cfg.Thresholds.FailedBurst

	byUser := map[string][]attempt{}
	for _, a := range fails {
		byUser[a.user] = append(byUser[a.user], a)
	}
	for _, user := range sortedKeys(byUser) {
		as := byUser[user]
		for _, run := range bursts(times(as), r) {
			out = append(out, tl.userBurst(user, as[run[0]:run[1]+1]))
		}
	}

	byIP := map[string][]attempt{}
	for _, a := range fails {
		if a.ip != "" {
			byIP[a.ip] = append(byIP[a.ip], a)
		}
	}
	for _, ip := range sortedKeys(byIP) {
		out = append(out, tl.ipAttacks(byIP[ip])...)
	}
	return out
}

func (tl *timeline) userBurst(user string, as []attempt) finding {
	r := tl.cfg.Thresholds.FailedBurst
	n := len(as)
	d := as[n-1].at.Sub(as[0].at)
	var ev evidence
	ev.add(baseFailedBurst, "%d failed sign-ins in %s (threshold %d in %s)", n, span(d), r.Count, span(r.Window))
	if extra := (n - r.Count) / 2 * wVolumePerTwo; extra > 0 {
		ev.add(min(extra, wVolumeCap), "%d more than the threshold", n-r.Count)
	}
	ips, countries := spread(tl, as)
	if len(ips) >= minSpreadIPs {
		ev.add(wSpreadIPs, "from %d IP addresses", len(ips))
	}
	if len(countries) >= minSpreadCountries {
		ev.add(wSpreadCountries, "from %d countries: %s", len(countries), strings.Join(countries, ", "))
	}
	idx := indices(as)
	if tokens := tl.deviceTokens(idx); tokens >= tl.cfg.Thresholds.RotatedTokens && 2*tokens >= n {
		ev.add(wTokenRotation, "%s: %d device tokens over %d tries, a client discarding its cookie to slip past per-device limits",
			evTokenRotation, tokens, n)
	}
	if e, ok := tl.firstProxied(idx); ok {
		tl.proxyEvidence(&ev, e, "failures")
	}
	if e, ok := tl.firstWatched(idx); ok {
		tl.watchEvidence(&ev, e, "failures")
	}
	tl.adminEvidence(&ev, user)

	from := "from " + tl.ipLabel(tl.events[as[0].evs[0]])
	if len(ips) > 1 {
		from = "from " + plural(len(ips), "IP", "IPs")
		if len(countries) > 1 {
			from += " in " + plural(len(countries), "country", "countries")
		}
	}
	summary := plural(n, "failed sign-in", "failed sign-ins") + " for " + user + " in " + span(d) + " " + from +
		", starting " + tl.clock(as[0].at)
	return tl.newFinding(FailedLoginBurst, user, summary, ev, idx)
}

// deviceTokens counts the distinct device tokens (debugData.dtHash) of
// the events idx.
func (tl *timeline) deviceTokens(idx []int) int {
	seen := map[string]bool{}
	for _, i := range idx {
		if h := tl.events[i].Debug["dtHash"]; h != "" && h != "-" && !strings.EqualFold(h, "unknown") {
			seen[h] = true
		}
	}
	return len(seen)
}

// ipAttacks finds credential stuffing and password spraying from one IP:
// org-wide findings (no user).
func (tl *timeline) ipAttacks(as []attempt) []finding {
	var out []finding
	th := tl.cfg.Thresholds
	covered := map[int]bool{} // attempts a stronger shape's finding holds
	shapes := []struct {
		shape IPAttack
		count int // the attempts a run needs
		base  int
		name  string
	}{
		{th.Stuffing, th.Stuffing.Tries, baseStuffing, "Credential stuffing"},
		{th.Spray, th.Spray.Tries, baseSpray, "Password spray"},
		{th.ManyUsers, max(th.ManyUsers.Users, th.ManyUsers.Tries), baseManyUsers, "Many accounts tried"},
	}
	for _, s := range shapes {
		for _, run := range bursts(times(as), Rate{Count: s.count, Window: s.shape.Window}) {
			if covered[run[0]] || covered[run[1]] {
				continue
			}
			if f, ok := tl.ipAttack(as[run[0]:run[1]+1], s.shape, s.base, s.name); ok {
				out = append(out, f)
				for k := run[0]; k <= run[1]; k++ {
					covered[k] = true
				}
			}
		}
	}
	return out
}

func (tl *timeline) ipAttack(as []attempt, shape IPAttack, base int, name string) (finding, bool) {
	per := map[string]int{}
	for _, a := range as {
		per[a.user]++
	}
	users := 0
	for _, n := range per {
		if (shape.MinPerUser == 0 || n >= shape.MinPerUser) && (shape.MaxPerUser == 0 || n <= shape.MaxPerUser) {
			users++
		}
	}
	d := as[len(as)-1].at.Sub(as[0].at)
	if users < shape.Users || len(as) < shape.Tries || d < shape.MinSpan {
		return finding{}, false
	}
	first := tl.events[as[0].evs[0]]
	var ev evidence
	ev.add(base, "%s: %d failed sign-ins for %d users from one IP in %s", name, len(as), len(per), span(d))
	tl.proxyEvidence(&ev, first, "attempts")
	tl.watchEvidence(&ev, first, "attempts")
	where := tl.ipLabel(first)
	if p := first.Client.Place(); p != "" {
		where += " in " + p
	}
	summary := name + " from " + where + ": " + plural(len(as), "failed sign-in", "failed sign-ins") +
		" for " + plural(len(per), "user", "users") + " in " + span(d) + ", starting " + tl.clock(as[0].at)
	return tl.newFinding(FailedLoginBurst, "", summary, ev, indices(as)), true
}

// successAfterFailures finds a successful sign-in after failures for the
// same user, or from an IP that failed for other users, within the window.
func successAfterFailures(tl *timeline) []finding {
	th := tl.cfg.Thresholds
	fails := tl.failedSignIns()
	byUser := map[string][]attempt{}
	byIP := map[string][]attempt{}
	for _, a := range fails {
		byUser[a.user] = append(byUser[a.user], a)
		if a.ip != "" {
			byIP[a.ip] = append(byIP[a.ip], a)
		}
	}
	var out []finding
	consumed := map[string]time.Time{} // user, or user+ip: failures before this are spent
	for i, e := range tl.events {
		if !isSignIn(e) {
			continue
		}
		user := actorLogin(e)
		if user == "" {
			continue
		}
		from := e.Published.Add(-th.SuccessWithin)
		own := within(byUser[user], later(from, consumed[user]), e.Published)
		if len(own) >= th.SuccessFailures {
			consumed[user] = e.Published
			out = append(out, tl.successAfter(i, own, ownFailures))
			continue
		}
		key := user + "\x00" + e.Client.IP
		ipFails := within(byIP[e.Client.IP], later(from, consumed[key]), e.Published)
		if len(ipFails) >= th.SuccessFailures && distinctUsers(ipFails) >= 2 {
			consumed[key] = e.Published
			out = append(out, tl.successAfter(i, ipFails, fromAttackIP))
			continue
		}
		if ipFails, ok := tl.attackedFrom(byIP, within(byUser[user], from, e.Published), e, from, consumed); ok {
			out = append(out, tl.successAfter(i, ipFails, fromRotatedIP))
		}
	}
	return out
}

// attackedFrom finds, for a success e, the failures of another IP that
// tried the user among at least AttackUsers users, SuccessFailures times
// or more, since from: the attacker sprayed from one IP and signed in from
// another. It spends them for the user (consumed).
func (tl *timeline) attackedFrom(byIP map[string][]attempt, own []attempt, e intents.Event, from time.Time, consumed map[string]time.Time) ([]attempt, bool) {
	th := tl.cfg.Thresholds
	user := actorLogin(e)
	var tried []string
	for _, a := range own {
		if a.ip != "" && a.ip != e.Client.IP && !slices.Contains(tried, a.ip) {
			tried = append(tried, a.ip)
		}
	}
	slices.Sort(tried)
	for _, ip := range tried {
		key := user + "\x00rotated\x00" + ip
		fails := within(byIP[ip], later(from, consumed[key]), e.Published)
		if len(fails) >= th.SuccessFailures && distinctUsers(fails) >= th.AttackUsers {
			consumed[key] = e.Published
			return fails, true
		}
	}
	return nil, false
}

// successKind is what makes a success after failures suspicious.
type successKind int

const (
	ownFailures   successKind = iota // the user's own failures
	fromAttackIP                     // the success came from an IP that tried many users
	fromRotatedIP                    // the user was tried by such an IP; the success came from another
)

func (tl *timeline) successAfter(i int, fails []attempt, kind successKind) finding {
	e := tl.events[i]
	user := actorLogin(e)
	idx := append(indices(fails), i)
	sameIP := 0
	for _, a := range fails {
		if a.ip == e.Client.IP && a.ip != "" {
			sameIP++
		}
	}
	ips, countries := spread(tl, fails)

	var ev evidence
	var fs facts
	var summary, reason string
	switch kind {
	case fromAttackIP:
		users := distinctUsers(fails)
		ev.add(baseSuccessAfter, "a successful sign-in from %s, which failed %d sign-ins for %d users in the %s before",
			e.Client.IP, len(fails), users, span(tl.cfg.Thresholds.SuccessWithin))
		ev.add(wSprayIP, "the IP was trying many accounts")
		summary = plural(len(fails), "failed sign-in", "failed sign-ins") + " for " + plural(users, "user", "users") +
			" from " + tl.ipLabel(e) + ", then a successful sign-in as " + user + " from the same IP at " + tl.clock(e.Published)
		reason = "Successful sign-in from an IP that was trying many accounts"
		fs.add(plural(len(fails), "failed sign-in", "failed sign-ins") + " for " + plural(users, "user", "users") + " from " + tl.ipLabel(e))
		fs.add("successful sign-in as " + user + " from the same IP at " + tl.clock(e.Published))
	case fromRotatedIP:
		users := distinctUsers(fails)
		attacker := tl.events[fails[0].evs[0]]
		ev.add(baseSuccessAfter, "a successful sign-in as %s, who was among %d users %s failed %d sign-ins for in the %s before",
			user, users, attacker.Client.IP, len(fails), span(tl.cfg.Thresholds.SuccessWithin))
		ev.add(wSprayIP, "that IP was trying many accounts")
		ev.add(wRotatedIP, "the success came from another IP, %s: the attacker may have rotated", e.Client.IP)
		attempts := plural(len(fails), "failed sign-in", "failed sign-ins") + " for " + plural(users, "user", "users") +
			" (" + user + " among them) from " + tl.ipLabel(attacker)
		summary = attempts + ", then a successful sign-in as " + user + " from another IP, " + tl.ipLabel(e) + ", at " + tl.clock(e.Published)
		reason = "Successful sign-in after an attack on many accounts, from another IP"
		fs.add(attempts)
		fs.add("successful sign-in as " + user + " from " + tl.ipLabel(e) + " at " + tl.clock(e.Published))
	default:
		ev.add(baseSuccessAfter, "%d failed sign-ins, then a successful sign-in at %s", len(fails), tl.clock(e.Published))
		from := "from " + tl.ipLabel(tl.events[fails[0].evs[0]])
		if len(ips) > 1 {
			from = "from " + plural(len(ips), "IP", "IPs")
		}
		summary = plural(len(fails), "failed sign-in", "failed sign-ins") + " for " + user + " " + from +
			", then a successful sign-in"
		fs.add(plural(len(fails), "failed sign-in", "failed sign-ins") + " " + from)
		success := "successful sign-in"
		switch {
		case sameIP > 0 && len(ips) == 1:
			ev.add(wSameIP, "the success came from the IP that failed: %s", e.Client.IP)
			success += " from the same IP"
		case sameIP > 0:
			ev.add(wSameIP, "the success came from %s, the IP of %d of the failures", e.Client.IP, sameIP)
			success += " from " + tl.ipLabel(e) + " (one of them)"
		default:
			success += " from " + tl.ipLabel(e)
		}
		success += " at " + tl.clock(e.Published)
		summary += strings.TrimPrefix(success, "successful sign-in")
		fs.add(success)
		reason = "Successful sign-in after " + plural(len(fails), "failed attempt", "failed attempts")
		switch tl.proxy(e) {
		case torExit:
			reason = "Successful sign-in from a Tor exit node after " + plural(len(fails), "failed attempt", "failed attempts")
		case okProxy, listedProxy:
			reason = "Successful sign-in through an anonymizing proxy after " + plural(len(fails), "failed attempt", "failed attempts")
		}
		if len(ips) >= minSpreadIPs {
			ev.add(wSpreadIPs, "the failures came from %d IP addresses", len(ips))
		}
		if len(countries) >= minSpreadCountries {
			ev.add(wSpreadCountries, "the failures came from %d countries: %s", len(countries), strings.Join(countries, ", "))
		}
	}
	tl.origin(&ev, e, "the success")
	tl.adminEvidence(&ev, user)

	more, sso := tl.appsEvidence(&ev, user, i)
	if more != "" {
		fs.add(strings.TrimPrefix(more, ", ") + " within " + span(tl.cfg.Thresholds.AppsWithin))
	}
	contextFacts(&fs, e)
	f := tl.newFinding(SuccessAfterFailures, user, summary+more, ev, append(idx, sso...))
	f.Reason, f.Facts = reason, fs
	return f
}

// appsEvidence adds the apps user reached by SSO within AppsWithin after
// the suspicious sign-in i, and returns the summary's tail and the events.
func (tl *timeline) appsEvidence(ev *evidence, user string, i int) (string, []int) {
	apps, idx := tl.ssoAfter(user, i, tl.cfg.Thresholds.AppsWithin)
	if len(apps) == 0 {
		return "", nil
	}
	n := plural(len(apps), "application", "applications")
	ev.add(min(len(apps)*wPerApp, wAppsCap), "%s%s within %s: %s", evThenSSO, n, span(tl.cfg.Thresholds.AppsWithin),
		strings.Join(apps, ", "))
	return ", then SSO into " + n, idx
}

// ssoAfter lists the apps user signed in to by SSO within d after event i,
// in first-use order, with the events.
func (tl *timeline) ssoAfter(user string, i int, d time.Duration) ([]string, []int) {
	end := tl.events[i].Published.Add(d)
	var apps []string
	var idx []int
	for j := i + 1; j < len(tl.events) && !tl.events[j].Published.After(end); j++ {
		e := tl.events[j]
		if !isSSO(e) || actorLogin(e) != user {
			continue
		}
		idx = append(idx, j)
		if a := appName(e); a != "" && !slices.Contains(apps, a) {
			apps = append(apps, a)
		}
	}
	return apps, idx
}

// within returns the attempts in [from, to).
func within(as []attempt, from, to time.Time) []attempt {
	lo, _ := slices.BinarySearchFunc(as, from, func(a attempt, t time.Time) int { return a.at.Compare(t) })
	hi, _ := slices.BinarySearchFunc(as, to, func(a attempt, t time.Time) int { return a.at.Compare(t) })
	return as[lo:hi]
}

func times(as []attempt) []time.Time {
	ts := make([]time.Time, len(as))
	for i, a := range as {
		ts[i] = a.at
	}
	return ts
}

func indices(as []attempt) []int {
	var idx []int
	for _, a := range as {
		idx = append(idx, a.evs...)
	}
	return idx
}

func distinctUsers(as []attempt) int {
	m := map[string]bool{}
	for _, a := range as {
		m[a.user] = true
	}
	return len(m)
}

// spread lists the distinct IPs and countries of attempts, sorted.
func spread(tl *timeline, as []attempt) (ips, countries []string) {
	for _, a := range as {
		e := tl.events[a.evs[0]]
		if a.ip != "" && !slices.Contains(ips, a.ip) {
			ips = append(ips, a.ip)
		}
		if c := e.Client.Country; c != "" && !slices.Contains(countries, c) {
			countries = append(countries, c)
		}
	}
	slices.Sort(ips)
	slices.Sort(countries)
	return ips, countries
}

// firstProxied is the first of the events that came through a proxy.
func (tl *timeline) firstProxied(idx []int) (intents.Event, bool) {
	for _, i := range idx {
		if tl.proxy(tl.events[i]) != notProxy {
			return tl.events[i], true
		}
	}
	return intents.Event{}, false
}

// firstWatched is the first of the events from a watch-listed country.
func (tl *timeline) firstWatched(idx []int) (intents.Event, bool) {
	for _, i := range idx {
		if tl.isWatched(tl.events[i]) {
			return tl.events[i], true
		}
	}
	return intents.Event{}, false
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
