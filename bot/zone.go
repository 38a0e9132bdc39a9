package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// personTTL is how long what users.info said about a person (their time
// zone, whether they are a guest, their workspace) is kept before Slack is
// asked again: people travel and guests are promoted, but not between two
// questions.
const personTTL = 5 * time.Minute

// maxPeople bounds the cache: past it, it starts again empty.
const maxPeople = 10000

// person is what the bot needs from a Slack user: where they are, and
// whether they may be answered at all (see mayRead).
type person struct {
	loc     *time.Location // nil: Slack gives no zone that loads
	guest   bool           // is_restricted or is_ultra_restricted
	bot     bool
	deleted bool
	team    string   // the user's own workspace (team_id)
	teams   []string // Enterprise Grid: the org's workspaces they are in
}

// sameTeam reports whether the person belongs to workspace team: their own
// workspace, or (Enterprise Grid) one of their organization's they are in.
// A Slack Connect user from another organization is neither.
func (p person) sameTeam(team string) bool {
	return team != "" && (p.team == team || slices.Contains(p.teams, team))
}

// people remembers users.info answers briefly; failures are not
// remembered.
type people struct {
	mu   sync.Mutex
	byID map[string]personEntry
}

type personEntry struct {
	p       person
	expires time.Time
}

// person is users.info for user, from memory when asked recently. Every
// lookup of a Slack user goes through it: the access check (mayRead) and
// the time zone share one call.
func (b *Bot) person(ctx context.Context, user string) (person, error) {
	if p, ok := b.cachedPerson(user); ok {
		return p, nil
	}
	now := time.Now()
	u, err := b.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return person{}, fmt.Errorf("bot: users.info %s: %w", user, err)
	}
	p := person{
		loc:     userZone(u),
		guest:   u.IsRestricted || u.IsUltraRestricted,
		bot:     u.IsBot,
		deleted: u.Deleted,
		team:    u.TeamID,
		teams:   u.Enterprise.Teams,
	}
	b.people.mu.Lock()
	if b.people.byID == nil || len(b.people.byID) >= maxPeople {
		b.people.byID = map[string]personEntry{}
	}
	b.people.byID[user] = personEntry{p: p, expires: now.Add(personTTL)}
	b.people.mu.Unlock()
	return p, nil
}

// cachedPerson is what users.info said about user, if it is still
// remembered.
func (b *Bot) cachedPerson(user string) (person, bool) {
	b.people.mu.Lock()
	e, ok := b.people.byID[user]
	b.people.mu.Unlock()
	if !ok || !time.Now().Before(e.expires) {
		return person{}, false
	}
	return e.p, true
}

// orgZone is the team's zone: Config.Location, UTC when unset.
func (b *Bot) orgZone() *time.Location {
	if b.cfg.Location == nil {
		return time.UTC
	}
	return b.cfg.Location
}

// zone is the time zone of answers to user: their own Slack zone when
// Config.LocationPerUser is set and Slack says which it is, else the
// team's. A failed users.info falls back to the team's zone.
func (b *Bot) zone(ctx context.Context, user string) *time.Location {
	if !b.cfg.LocationPerUser || user == "" {
		return b.orgZone()
	}
	p, err := b.person(ctx, user)
	if err != nil {
		b.log.Debug("users.info for the time zone failed; using the team's", "user", user, "err", err)
		return b.orgZone()
	}
	return p.zoneOr(b.orgZone())
}

// knownZone is zone without asking Slack: the person's zone when it is
// remembered, else the team's. The ack of a slash command reads its days
// in it; the work after the ack reads them again in the person's zone if
// that turns out to differ.
func (b *Bot) knownZone(user string) *time.Location {
	if p, ok := b.cachedPerson(user); ok && b.cfg.LocationPerUser {
		return p.zoneOr(b.orgZone())
	}
	return b.orgZone()
}

// zoneOr is the person's Slack zone, or def when Slack gives none that
// loads.
func (p person) zoneOr(def *time.Location) *time.Location {
	if p.loc == nil {
		return def
	}
	return p.loc
}

// userZone is u's IANA zone, or nil when Slack gives none that loads.
func userZone(u *slack.User) *time.Location {
	if u == nil || u.TZ == "" {
		return nil
	}
	loc, err := time.LoadLocation(u.TZ)
	if err != nil {
		return nil
	}
	return loc
}
