package demo

import (
	"slices"
	"time"
)

// ordinaryActivity writes everyone's working days: a sign-in in the morning
// from the office or from home (always in the user's own city), sign-ons
// into their apps through the day, sometimes a second sign-in after the
// session went idle, sometimes a sign-out. Now and then someone mistypes
// their password once, or rejects one push by mistake — never more.
func (b *demoBuilder) ordinaryActivity() {
	for _, u := range b.users {
		if !u.signsIn() {
			continue
		}
		loc := u.city.loc()
		vacation := !u.alwaysWorks && !u.story && b.act.Float64() < 0.05
		first, last := demoMidnight(b.start.In(loc)), demoMidnight(b.now.In(loc))
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			b.workDay(u, d, vacation)
		}
	}
}

func demoMidnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func (b *demoBuilder) workDay(u *demoUser, day time.Time, vacation bool) {
	date := day.Format(time.DateOnly)
	if u.stopDate != "" && date >= u.stopDate {
		return
	}
	weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
	p := 0.94
	switch {
	case vacation:
		p = 0
	case weekend && (u.dept == "Engineering" || u.dept == "Support" || u.dept == "IT" || u.dept == "Security"):
		p = 0.12
	case weekend:
		p = 0.06
	case u.city.countryCode == "CA" && day.Month() == time.October && day.Weekday() == time.Monday && day.Day() > 7 && day.Day() <= 14:
		p = 0.05 // Thanksgiving in Canada, the second Monday of October
	case u.alwaysWorks:
		p = 1
	}
	start, fixed := u.fixedStart[date]
	switch {
	case fixed:
	case b.act.Float64() >= p:
		return
	case weekend:
		start = day.Add(10*time.Hour + time.Duration(b.act.IntN(6*3600))*time.Second)
	default:
		start = day.Add(7*time.Hour + 30*time.Minute + time.Duration(b.act.IntN(150*60))*time.Second)
	}
	start = start.Add(time.Duration(b.act.IntN(1000)) * time.Millisecond)
	start = b.afterTakeover(u, start)
	if !start.Before(b.now) {
		return
	}
	length := 7*time.Hour + 30*time.Minute + time.Duration(b.act.IntN(150*60))*time.Second
	if weekend {
		length = time.Duration(20+b.act.IntN(130)) * time.Minute
	}
	end := start.Add(length)
	from := u.home
	if !u.remote && !weekend && b.act.Float64() < u.officeShare {
		from = u.city.officeNet
	}
	s := demoSignIn{u: u, at: start, from: from, agent: u.agent, dtHash: u.dtHash}
	if !u.typoUsed && b.act.Float64() < 0.03 && b.failureSlot(from, start) {
		s.typo, u.typoUsed = true, true
	}
	if f := u.primary(); f != nil && f.kind == "push" && !u.denyUsed && b.act.Float64() < 0.02 {
		s.deny, u.denyUsed = true, true
	}
	sid, t := b.signIn(s)
	u.days = append(u.days, demoDay{date: date, start: t, end: end, from: from, sid: sid})

	// a second sign-in after lunch, once the first session went idle
	var again time.Time
	var sid2 string
	if !weekend && b.act.Float64() < 0.4 {
		again = b.afterTakeover(u, start.Add(4*time.Hour+time.Duration(b.act.IntN(3600))*time.Second))
		sid2, again = b.signIn(demoSignIn{u: u, at: again, from: from, agent: u.agent, dtHash: u.dtHash})
	}
	apps := b.assignedApps(u, t)
	n := 2 + b.act.IntN(5)
	if weekend {
		n = 1 + b.act.IntN(2)
	}
	n = min(n, len(apps))
	b.act.Shuffle(len(apps), func(i, j int) { apps[i], apps[j] = apps[j], apps[i] })
	times := make([]time.Time, n)
	for i := range times {
		times[i] = t.Add(time.Duration(60+b.act.IntN(int(end.Sub(t)/time.Second))) * time.Second)
	}
	if n > 0 {
		times[0] = t.Add(b.jitter(40, 300))
	}
	slices.SortFunc(times, time.Time.Compare)
	for i, at := range times {
		id := sid
		if !again.IsZero() && at.After(again) {
			id = sid2
		}
		b.sso(u, id, from, u.agent, apps[i], at.Add(time.Duration(b.act.IntN(1000))*time.Millisecond))
	}
	if b.act.Float64() < 0.35 {
		id := sid
		if !again.IsZero() {
			id = sid2
		}
		b.sessionEnd(u, id, from, u.agent, end)
	}
}

// failureSlot reports whether an ordinary mistyped password may come from
// an address in the hour of t (at most one a hour from any address, so
// that no office looks like a password spray), and takes the slot.
func (b *demoBuilder) failureSlot(from *demoNet, t time.Time) bool {
	key := from.ip + t.UTC().Truncate(time.Hour).Format(time.RFC3339)
	if b.failures == nil {
		b.failures = map[string]bool{}
	}
	if b.failures[key] {
		return false
	}
	b.failures[key] = true
	return true
}

// afterTakeover moves a sign-in through the Engineering rule that would
// come between story (e)'s change and story (a)'s sign-in to a few minutes
// after the latter, so that the attacker's is the first the weakened rule
// lets through without MFA.
func (b *demoBuilder) afterTakeover(u *demoUser, t time.Time) time.Time {
	if rule, _ := b.signOn.rule(u, t); rule != b.signOn.engineering {
		return t
	}
	if after, in := b.inWeakenedGap(t); in {
		return after.Add(t.Sub(t.Truncate(20 * time.Minute)))
	}
	return t
}
