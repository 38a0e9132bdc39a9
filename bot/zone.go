package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// zoneTTL is how long a person's Slack time zone is kept before users.info
// is asked again: people travel, but not between two questions.
const zoneTTL = 10 * time.Minute

// zones remembers each person's Slack time zone (users.info tz) briefly.
type zones struct {
	mu   sync.Mutex
	byID map[string]zoneEntry
}

type zoneEntry struct {
	loc     *time.Location
	expires time.Time
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
// team's. A failed users.info falls back to the team's zone and is not
// remembered.
func (b *Bot) zone(ctx context.Context, user string) *time.Location {
	if !b.cfg.LocationPerUser || user == "" {
		return b.orgZone()
	}
	if loc, ok := b.cachedZone(user); ok {
		return loc
	}
	now := time.Now()
	u, err := b.api.GetUserInfoContext(ctx, user)
	if err != nil {
		b.log.Debug("users.info for the time zone failed; using the team's", "user", user, "err", err)
		return b.orgZone()
	}
	loc := userZone(u, b.orgZone())
	b.tzs.mu.Lock()
	if b.tzs.byID == nil || len(b.tzs.byID) > 10000 {
		b.tzs.byID = map[string]zoneEntry{}
	}
	b.tzs.byID[user] = zoneEntry{loc: loc, expires: now.Add(zoneTTL)}
	b.tzs.mu.Unlock()
	return loc
}

// knownZone is zone without asking Slack: the person's zone when it is
// remembered, else the team's. The ack of a slash command reads its days
// in it; the work after the ack reads them again in the person's zone if
// that turns out to differ.
func (b *Bot) knownZone(user string) *time.Location {
	if loc, ok := b.cachedZone(user); ok && b.cfg.LocationPerUser {
		return loc
	}
	return b.orgZone()
}

// cachedZone is the person's zone as remembered, if it still is.
func (b *Bot) cachedZone(user string) (*time.Location, bool) {
	b.tzs.mu.Lock()
	e, ok := b.tzs.byID[user]
	b.tzs.mu.Unlock()
	if !ok || !time.Now().Before(e.expires) {
		return nil, false
	}
	return e.loc, true
}

// userZone is u's IANA zone, or def when Slack gives none that loads.
func userZone(u *slack.User, def *time.Location) *time.Location {
	if u == nil || u.TZ == "" {
		return def
	}
	loc, err := time.LoadLocation(u.TZ)
	if err != nil {
		return def
	}
	return loc
}
