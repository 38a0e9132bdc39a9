package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// Now is the present of Org and OrgIn: their System Log covers the
// seven days before it and ends just before it. They set Fixture.Now to it,
// so the simulator moves every event (and every object timestamp) onto the
// real present by the same offset. It is a Friday, 17:00 UTC (10:00 in San
// Francisco, 18:00 in London), in a week without daylight-saving changes.
// OrgAt builds the org for another present instead, with the stories on
// their weekdays and hours.
var Now = demoNow()

// demoNow is Now, for the builder (which must not depend on a variable
// someone could change).
func demoNow() time.Time { return time.Date(2026, time.October, 16, 17, 0, 0, 0, time.UTC) }

// demoWindow is how far back the demo System Log goes.
const demoWindow = 7 * 24 * time.Hour

const (
	demoDomain = "company.com"
	demoOrgURL = "https://company.okta.com"
	demoTime   = "2006-01-02T15:04:05.000Z" // Okta's timestamps: UTC, milliseconds
)

// Story is one attack (or incident) hidden in the demo org's ordinary
// activity: the users it involves, the okta/detect detections it must trigger
// and the System Log events that make it up.
type Story struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Users      []string `json:"users"`      // logins
	Detections []string `json:"detections"` // okta/detect catalogue ids
	Events     []string `json:"events"`     // uuids of the story's events
}

// Org builds the demo org: over 200 people in eleven departments and
// twelve cities (US, Canada, UK, Germany), their groups, 16 business apps
// and Okta's own three, the four kinds of policies with their rules,
// factors, and a seven-day System Log of ordinary work (some 8,000
// events) with the seven Stories in it.
// It is deterministic, and every call returns a fresh copy that the caller
// may change. Every value is what encoding/json would decode (Objects,
// []any, float64, string, bool, nil), as if read by LoadFixture.
// It is an Identity Engine org whose team works in UTC, as of Now:
// OrgAt(DialectOIE, Now, time.UTC).
func Org() *oktasim.Fixture {
	return OrgIn(oktasim.DialectOIE)
}

// OrgIn builds the demo org as an org of dialect (DialectOIE or
// DialectClassic; anything else panics) and writes its System Log the way
// that kind of org does. Identity Engine logs every password check as
// user.authentication.auth_via_mfa (factor PASSWORD_AS_FACTOR), a wrong
// password included, and a denied Okta Verify push as auth_via_mfa
// FAILURE (OKTA_VERIFY_PUSH, INVALID_CREDENTIALS); an authenticator turned
// off for the org is security.authenticator.lifecycle.deactivate. Classic
// logs a wrong password as user.session.start FAILURE, a denied push as
// user.mfa.okta_verify.deny_push with an auth_via_mfa FAILURE, and a
// factor type turned off as system.mfa.factor.deactivate. The people, apps
// and stories are the same in both.
// It is as of Now, its team in UTC: OrgAt(dialect, Now, time.UTC).
func OrgIn(dialect string) *oktasim.Fixture {
	return OrgAt(dialect, Now, time.UTC)
}

// OrgAt builds the demo org of dialect as of now, for a team whose time
// zone is zone (nil: UTC): the System Log covers the seven days before now,
// ordinary work follows the real calendar of that week in each person's
// own zone, and the stories keep their weekdays and hours in zone (see
// time.go): the Super Administrator grant is the last Saturday 03:12
// before now, the Tor takeover a few hours old. Fixture.Now is now, so the
// simulator serving it moves it only by the time between building and
// loading. The same dialect, now and zone give the same org.
func OrgAt(dialect string, now time.Time, zone *time.Location) *oktasim.Fixture {
	return newDemoBuilder(dialect, now, zone).build().fixture()
}

// Stories lists the stories in the demo org's System Log, in the order
// they are listed in the design (a to f, then g), with the uuids of their
// events.
func Stories() []Story {
	return StoriesIn(oktasim.DialectOIE)
}

// StoriesIn is Stories for the demo org of OrgIn(dialect).
func StoriesIn(dialect string) []Story {
	return StoriesAt(dialect, Now, time.UTC)
}

// StoriesAt is Stories for the demo org of OrgAt(dialect, now,
// zone). A story's events that would lie after now are not in it.
func StoriesAt(dialect string, now time.Time, zone *time.Location) []Story {
	b := newDemoBuilder(dialect, now, zone).build()
	out := make([]Story, len(b.stories))
	for i, s := range b.stories {
		out[i] = *s
		out[i].Users = slices.Clone(s.Users)
		out[i].Detections = slices.Clone(s.Detections)
		out[i].Events = slices.Clone(s.Events)
	}
	return out
}

// demoBuilder holds the org while it is being made. Separate random streams
// keep a change in one part (say, the activity) from reshuffling the others
// (ids, people).
type demoBuilder struct {
	dialect string // DialectOIE or DialectClassic

	ids    *rand.Rand // ids, uuids, session ids, hashes
	people *rand.Rand // who works where, statuses, factors
	act    *rand.Rand // ordinary activity
	clock  *rand.Rand // clock times of timestamps from before the window

	now, start time.Time      // the window: (start, now)
	zone       *time.Location // the team's: the stories' weekdays and hours are in it
	times      demoTimes      // where the stories land (time.go)
	taken      map[string]bool

	cities   []*demoCity
	ips      map[string]bool
	users    []*demoUser
	byLogin  map[string]*demoUser
	groups   []*demoGroup
	apps     []*demoApp
	policies []*demoPolicy
	signOn   *demoSSOPolicies // the rules sign-ins are evaluated against

	statusPool []*demoUser     // ordinary people an admin task may change
	failures   map[string]bool // address+hour slots taken by a mistyped password

	events  []demoEvent
	stories []*Story
	story   *Story // the story being written; nil: ordinary activity
	seq     int    // events of the current story
}

// demoEvent is a System Log event with its time, for sorting.
type demoEvent struct {
	at  time.Time
	n   int // emission order, to keep a sequence stable within a millisecond
	obj oktasim.Object
}

func newDemoBuilder(dialect string, now time.Time, zone *time.Location) *demoBuilder {
	if dialect != oktasim.DialectOIE && dialect != oktasim.DialectClassic {
		panic("oktasim: demo: dialect " + dialect + ": want " + oktasim.DialectOIE + " or " + oktasim.DialectClassic)
	}
	if zone == nil {
		zone = time.UTC
	}
	now = now.Round(0).Truncate(time.Millisecond).UTC() // dates are reckoned in UTC unless a zone is named
	return &demoBuilder{
		dialect: dialect,
		ids:     rand.New(rand.NewPCG(0x6f6b7461, 1)),
		people:  rand.New(rand.NewPCG(0x6f6b7461, 2)),
		act:     rand.New(rand.NewPCG(0x6f6b7461, 3)),
		clock:   rand.New(rand.NewPCG(0x6f6b7461, 4)),
		now:     now,
		start:   now.Add(-demoWindow),
		zone:    zone,
		taken:   map[string]bool{},
		ips:     map[string]bool{},
		byLogin: map[string]*demoUser{},
	}
}

// build makes the whole org, in an order where each step only needs what
// the steps before it made.
func (b *demoBuilder) build() *demoBuilder {
	b.planTimes()
	b.cities = demoCities()
	b.makePeople()
	b.makeApps()
	b.makeGroups()
	b.makePolicies()
	b.makeFactors()
	b.planStories()
	tasks := b.planAdminWork()
	b.ordinaryActivity()
	b.adminWork(tasks)
	b.writeStories()
	b.finish()
	b.makeDefaultPolicies()
	return b
}

// fixture renders the org in Okta's JSON shapes.
func (b *demoBuilder) fixture() *oktasim.Fixture {
	fx := &oktasim.Fixture{
		Dialect:  b.dialect,
		Now:      b.now,
		Users:    make([]oktasim.Object, 0, len(b.users)),
		Groups:   make([]oktasim.Object, 0, len(b.groups)),
		Apps:     make([]oktasim.Object, 0, len(b.apps)),
		Policies: make([]oktasim.Object, 0, len(b.policies)),
		Factors:  map[string][]oktasim.Object{},
		Logs:     make([]oktasim.Object, 0, len(b.events)),
	}
	for _, u := range b.users {
		fx.Users = append(fx.Users, u.object())
		if len(u.factors) > 0 {
			list := make([]oktasim.Object, 0, len(u.factors))
			for _, f := range u.factors {
				list = append(list, f.object(u))
			}
			fx.Factors[u.id] = list
		}
	}
	for _, g := range b.groups {
		fx.Groups = append(fx.Groups, g.object())
	}
	for _, a := range b.apps {
		obj := a.object()
		if b.classic() { // Classic has no authentication policies
			delete(obj["_links"].(oktasim.Object), "accessPolicy")
		}
		fx.Apps = append(fx.Apps, obj)
	}
	for _, p := range b.policies {
		if b.classic() && p.typ == "ACCESS_POLICY" {
			continue
		}
		fx.Policies = append(fx.Policies, p.object())
	}
	for _, e := range b.events {
		fx.Logs = append(fx.Logs, e.obj)
	}
	b.assignRoles(fx)
	return fx
}

// finish sorts the log and brings the users' lastLogin up to date with it
// (a sign-in does not change a user's lastUpdated).
func (b *demoBuilder) finish() {
	slices.SortStableFunc(b.events, func(x, y demoEvent) int {
		if c := x.at.Compare(y.at); c != 0 {
			return c
		}
		return x.n - y.n
	})
	for _, e := range b.events {
		if e.obj["eventType"] != "user.session.start" {
			continue
		}
		if out, _ := e.obj["outcome"].(oktasim.Object); out["result"] != "SUCCESS" {
			continue
		}
		actor, _ := e.obj["actor"].(oktasim.Object)
		login, _ := actor["alternateId"].(string)
		if u := b.byLogin[login]; u != nil && e.at.After(u.lastLogin) {
			u.lastLogin = e.at
		}
	}
}

const demoIDChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// newID makes an Okta object id: a three-character prefix ("00u", "00g",
// "0oa", "00p", "0pr", …) and 17 characters, 20 in all, never repeated.
func (b *demoBuilder) newID(prefix string) string {
	for {
		id := prefix + b.randText(20-len(prefix), demoIDChars)
		if !b.taken[id] {
			b.taken[id] = true
			return id
		}
	}
}

func (b *demoBuilder) randText(n int, alphabet string) string {
	var sb strings.Builder
	sb.Grow(n)
	for range n {
		sb.WriteByte(alphabet[b.ids.IntN(len(alphabet))])
	}
	return sb.String()
}

// hexText is n random lowercase hex digits (hashes, key ids).
func (b *demoBuilder) hexText(n int) string { return b.randText(n, "0123456789abcdef") }

// eventUUID is the uuid of an event published at t: time-based (version
// 1) as Okta's are, or the story's recognisable form while a story is being
// written: eight times the story's mark (demoStoryMark), then its sequence number, e.g.
// "aaaaaaaa-0000-4000-8000-000000000003" — still a valid (version 4) UUID.
func (b *demoBuilder) eventUUID(t time.Time) string {
	if b.story != nil {
		b.seq++
		return fmt.Sprintf("%s-0000-4000-8000-%012x", strings.Repeat(demoStoryMark(len(b.stories)-1), 8), b.seq)
	}
	const gregorianOffset = 0x01B21DD213814000                                           // 100 ns ticks from 1582-10-15 to 1970-01-01
	nodes := [...]uint64{0xd5a3c1e07b21, 0x9f1e4b7a2c03, 0x3b6d8e2f1a44, 0x71c2a9d04e55} // Okta's "hosts"
	for {
		ticks := uint64(t.UnixNano()/100) + gregorianOffset + uint64(b.ids.IntN(10000))
		clock := 0x8000 | uint16(b.ids.IntN(0x4000))
		node := nodes[b.ids.IntN(len(nodes))]
		id := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
			uint32(ticks), uint16(ticks>>32), 0x1000|uint16(ticks>>48)&0x0fff, clock, node)
		if !b.taken[id] {
			b.taken[id] = true
			return id
		}
	}
}

// demoStoryMark is the hex digit that marks story i's uuids: a to f for
// the design's six, then 9 for g.
func demoStoryMark(i int) string {
	if i < 6 {
		return string(rune('a' + i))
	}
	return string(rune('9' - (i - 6)))
}

// sessionID is an Identity Engine session id ("idx…").
func (b *demoBuilder) sessionID() string { return "idx" + b.randText(22, demoIDChars+"_-") }

// txnID is a request id, also the event's transaction id.
func (b *demoBuilder) txnID() string { return b.randText(27, demoIDChars+"_-") }

func demoTS(t time.Time) string { return t.UTC().Format(demoTime) }

// demoTSOrNil is a timestamp, or JSON null for the zero time.
func demoTSOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return demoTS(t)
}

// classic reports whether the demo org is a Classic Engine org.
func (b *demoBuilder) classic() bool { return b.dialect == oktasim.DialectClassic }

// inWindow reports whether t is inside the log's seven days.
func (b *demoBuilder) inWindow(t time.Time) bool { return t.After(b.start) && t.Before(b.now) }

// written reports whether an event at t goes into the log: an ordinary one
// inside the window, a story's anywhere before now (a story that begins a
// little before the window keeps its beginning).
func (b *demoBuilder) written(t time.Time) bool {
	if b.story != nil {
		return t.Before(b.now)
	}
	return b.inWindow(t)
}

// strs turns strings into a JSON array.
func demoStrs(v ...string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}
