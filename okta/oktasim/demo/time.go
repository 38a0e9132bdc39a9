package demo

import (
	"slices"
	"time"
	_ "time/tzdata" // the people's and the org's zones, the same on every machine
)

// When the demo's stories happen.
//
// The stories are written as times of a reference week, the seven days
// before Now (Saturday 10 to Friday 16 October 2026), read as clock
// times in the org's zone. The builder moves each story onto the real week
// before its present:
//
//   - Stories of a weekday and an hour keep both in the org's zone (story g
//     in its user's own zone): Emily's pushes on a Thursday at 02:38, the
//     Moscow sign-in on a Monday at 02:14, the Pyongyang one on a Wednesday
//     at 01:06, Sarah's lockout on a Thursday at 14:03, the old tablet on a
//     Wednesday from 19:52. Each goes to the most recent such moment whose
//     whole story lies in the week before now, its first event at least an
//     hour inside; when now falls inside a story's span a week ago, it keeps
//     its clock time on the most recent day that fits instead.
//   - The Super Administrator grant is the most recent Saturday 03:12 in the
//     org's zone before now: always within the last seven days; events of
//     its session that would lie after now are not written.
//   - The Tor takeover (a) is recent: it keeps its distance to now (the
//     failures start 2 h 48 min before now), as does the policy change
//     (e) that let it in without MFA, half an hour before the attack, so
//     that john's sign-in is the first the weakened rule allows without
//     MFA; ordinary sign-ins through that rule in between move to after it.
//
// Ordinary activity follows the real calendar of the window in each
// person's own zone, and timestamps from before the window (last sign-ins,
// status changes, …) fall in working hours on weekdays, with jittered
// minutes and seconds.

// demoWindowMargin keeps a weekly story's start this far inside the window,
// so that `threats 7d` asked a while after the demo starts still holds it.
const demoWindowMargin = time.Hour

// demoPlace is where one story lands: ref is its anchor in the reference
// week, real the same moment in the real week. Every other time of the story
// keeps its distance to the anchor.
type demoPlace struct {
	ref, real time.Time
}

// at moves a reference time of the story onto the real week.
func (p demoPlace) at(ref time.Time) time.Time { return p.real.Add(ref.Sub(p.ref)) }

// demoTimes are the placements of the stories, decided before anything is
// written (the sign-on rule's change decides who is asked for MFA).
type demoTimes struct {
	tor, policy, push, moscow, pyongyang, grant, lockout, blocked demoPlace
}

// Anchors of the stories in the reference week (clock times in the org's
// zone, written as UTC), and what their spans need around them.
var (
	demoRefTor       = demoUTC(time.October, 16, 14, 12, 3, 418)  // the first wrong password
	demoRefTorIn     = demoUTC(time.October, 16, 14, 25, 11, 92)  // the attacker's sign-in
	demoRefWeakened  = demoUTC(time.October, 16, 13, 42, 12, 311) // the rule loses its MFA
	demoRefPush      = demoUTC(time.October, 15, 2, 38, 0, 0)     // Thursday night
	demoRefMoscow    = demoUTC(time.October, 12, 2, 14, 8, 640)   // Monday night
	demoRefPyongyang = demoUTC(time.October, 14, 1, 6, 51, 305)   // Wednesday night
	demoRefDenver    = demoUTC(time.October, 13, 15, 41, 9, 0)    // chris's day before it
	demoRefGrant     = demoUTC(time.October, 10, 3, 12, 37, 402)  // Saturday 03:12
	demoRefLockout   = demoUTC(time.October, 15, 14, 3, 10, 266)  // Thursday 14:03
	demoRefBlocked   = demoUTC(time.October, 14, 19, 52, 7, 318)  // Wednesday evening, the user's own zone
)

// planTimes places every story (see above).
func (b *demoBuilder) planTimes() {
	shift := b.now.Sub(demoNow())
	recent := func(ref time.Time) demoPlace { return demoPlace{ref, ref.Add(shift)} }
	t := &b.times
	t.tor = recent(demoRefTor)
	t.policy = recent(demoRefWeakened)
	t.push = b.weekly(demoRefPush, b.zone, 0, 21*time.Minute)
	t.moscow = b.weekly(demoRefMoscow, b.zone, 0, 7*time.Minute)
	t.pyongyang = b.weekly(demoRefPyongyang, b.zone, demoRefDenver.Sub(demoRefPyongyang), 16*time.Minute)
	t.lockout = b.weekly(demoRefLockout, b.zone, 0, 10*time.Minute)
	t.grant = demoPlace{demoRefGrant, b.lastClock(demoRefGrant, b.zone)}
	// story g is placed once its user is known (blockedPlace)
	b.clearWeakened(t.pyongyang.at(demoRefPyongyang), t.pyongyang.at(demoRefDenver)) // chris is an engineer
}

// blockedPlace places story g in its user's zone: an evening of about
// three hours.
func (b *demoBuilder) blockedPlace(loc *time.Location) demoPlace {
	return b.weekly(demoRefBlocked, loc, 0, 3*time.Hour+30*time.Minute)
}

// weekly places a story anchored at ref's weekday and clock time in loc,
// whose events lie between ref+lo and ref+hi: the most recent such moment
// that keeps them inside the window, or else the most recent day at ref's
// clock time that does.
func (b *demoBuilder) weekly(ref time.Time, loc *time.Location, lo, hi time.Duration) demoPlace {
	fits := func(t time.Time) bool {
		return t.Add(lo).After(b.start.Add(demoWindowMargin)) && t.Add(hi).Before(b.now.Add(-time.Minute))
	}
	for _, sameWeekday := range []bool{true, false} {
		for t := range b.clockTimes(ref, loc) {
			if (!sameWeekday || t.Weekday() == ref.Weekday()) && fits(t) {
				return demoPlace{ref, t}
			}
		}
	}
	panic("oktasim: demo: a story longer than its window") // the stories' spans are hours, the window days
}

// lastClock is the most recent moment before now at ref's weekday and
// clock time in loc.
func (b *demoBuilder) lastClock(ref time.Time, loc *time.Location) time.Time {
	for t := range b.clockTimes(ref, loc) {
		if t.Weekday() == ref.Weekday() && t.Before(b.now) {
			return t
		}
	}
	panic("oktasim: demo: no " + ref.Weekday().String() + " in two weeks")
}

// clockTimes yields ref's clock time in loc on each day from now's date
// back two weeks, newest first.
func (b *demoBuilder) clockTimes(ref time.Time, loc *time.Location) func(yield func(time.Time) bool) {
	return func(yield func(time.Time) bool) {
		today := b.now.In(loc)
		for d := range 15 {
			day := time.Date(today.Year(), today.Month(), today.Day()-d, 12, 0, 0, 0, loc)
			t := time.Date(day.Year(), day.Month(), day.Day(), ref.Hour(), ref.Minute(), ref.Second(), ref.Nanosecond(), loc)
			if !yield(t) {
				return
			}
		}
	}
}

// clearWeakened keeps the rule change before the Tor sign-in and after
// every story sign-in through the same rule that precedes the attack (at
// times), so that john's is the first sign-in it lets through without MFA.
func (b *demoBuilder) clearWeakened(times ...time.Time) {
	torIn := b.times.tor.at(demoRefTorIn)
	slices.SortFunc(times, time.Time.Compare)
	for _, t := range times {
		w := b.times.policy.at(demoRefWeakened)
		if moved := t.Add(2 * time.Minute); t.After(w) && moved.Before(torIn.Add(-time.Minute)) {
			b.times.policy.real = b.times.policy.real.Add(moved.Sub(w))
		}
	}
}

// inWeakenedGap reports whether a sign-in at t through the weakened rule
// would come between the change and john's sign-in from Tor; after returns
// a moment just past the latter.
func (b *demoBuilder) inWeakenedGap(t time.Time) (after time.Time, in bool) {
	torIn := b.times.tor.at(demoRefTorIn)
	return torIn.Add(2 * time.Minute), t.After(b.signOn.weakened) && !t.After(torIn)
}

// adminDays are the dates (in loc) of the last five weekdays whose working
// day fits in the window, oldest first, for the five days of the admins'
// plan; when only four fit, the first two days of the plan share one.
func (b *demoBuilder) adminDays(loc *time.Location) []string {
	var days []string
	now := b.now.In(loc)
	for d := range 10 {
		day := time.Date(now.Year(), now.Month(), now.Day()-d, 0, 0, 0, 0, loc)
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			continue
		}
		if day.Add(9*time.Hour).After(b.start) && day.Add(10*time.Hour).Before(b.now) {
			days = append(days, day.Format(time.DateOnly))
		}
		if len(days) == 5 {
			break
		}
	}
	slices.Reverse(days)
	for len(days) < 5 {
		days = append(days[:1], days...)
	}
	return days
}

// workHours moves t to working hours of a weekday in loc, never later than
// t: its date (or the weekday before), at a time between 08:00 and 18:00
// drawn from the builder's clock stream, to the millisecond.
func (b *demoBuilder) workHours(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	clock := time.Duration(b.clock.Int64N(int64(10*time.Hour/time.Millisecond))) * time.Millisecond
	for d := 0; ; d++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()-d, 8, 0, 0, 0, loc)
		if w := day.Weekday(); w == time.Saturday || w == time.Sunday {
			continue
		}
		if at := day.Add(clock); !at.After(t) {
			return at
		}
	}
}

// jitterSeconds is up to n seconds, to the millisecond, from the builder's
// clock stream.
func (b *demoBuilder) jitterSeconds(n int) time.Duration {
	return time.Duration(b.clock.IntN(n*1000)) * time.Millisecond
}

// before is limit less up to a day, to the millisecond: for timestamps
// clamped to a limit, so that they do not all share its clock time.
func (b *demoBuilder) before(limit time.Time) time.Time {
	return limit.Add(-b.jitterSeconds(24 * 3600))
}
