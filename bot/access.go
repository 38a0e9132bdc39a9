package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/oktabot/oktabot/blocks"
	"github.com/oktabot/oktabot/intents"
)

// Who may read Okta through oktabot is decided here, once, for every way
// in: slash commands, mentions, direct messages, clicks and form
// submissions all pass mayRead (through admit or readersOnly) before
// anything is read from Okta. Anything Slack cannot confirm is a refusal.

// reason is why someone may not read Okta where they asked.
type reason int

const (
	mayReadHere reason = iota // allowed
	notHereRead               // a channel oktabot does not answer in (or DMs are off)
	notReader                 // a DM from someone not allowed to read
	unconfirmed               // Slack could not say: fail closed
	guestUser                 // a multi- or single-channel guest
	otherTeam                 // a Slack Connect user of another organization
	notPerson                 // a bot or a deactivated account: never answered
)

func (r reason) String() string {
	switch r {
	case mayReadHere:
		return "allowed"
	case notHereRead:
		return "channel not allowed"
	case notReader:
		return "not a reader"
	case unconfirmed:
		return "could not confirm"
	case guestUser:
		return "guest"
	case otherTeam:
		return "another organization"
	case notPerson:
		return "bot or deactivated"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// membersTTL is how long a channel's or user group's members are kept
// before Slack is asked again (someone removed from the security channel
// reads in a DM for at most this long).
const membersTTL = 5 * time.Minute

// maxMembers bounds the members read of one channel or user group: people
// past it are not readers (a security channel that large is a mistake).
const maxMembers = 20000

// errNoChangesInDM refuses a change asked for in a direct message: a
// proposal is made where approvers can see it.
var errNoChangesInDM = intents.Invalidf("Changes are proposed where approvers can see them: ask in the security channel.")

// notProposedInDM tells the asker that the fixes an investigation in a
// direct message found were not proposed, and where to ask for them.
func (b *Bot) notProposedInDM(ctx context.Context, o origin, res intents.Result) {
	if len(res.Proposals) == 0 {
		return
	}
	m := blocks.Error(blocks.ErrorInfo{
		Title:    "The fixes above were not proposed",
		WhatToDo: "Approvers cannot see a direct message: ask for this investigation in one of the channels below to propose them.",
		Channels: b.cfg.Channels,
	})
	if err := b.tell(ctx, o, m); err != nil {
		b.log.Error("could not tell the asker that nothing was proposed", "user", o.user, "err", err)
	}
}

// isDM reports whether channel is a direct message (an im, D…).
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// openIn reports whether oktabot answers in channel at all: an allowed
// channel, or a direct message when they are on (who may read there is
// decided by mayRead).
func (b *Bot) openIn(channel string) bool {
	if isDM(channel) {
		return b.cfg.DirectMessages
	}
	return channel != "" && b.allowed(channel)
}

// mayRead reports whether user may read Okta in channel, and if not, why.
// The channel must be one oktabot answers in; the person must be a full
// member of this workspace (not a guest, not a Slack Connect user of
// another organization, not a bot); in a direct message they must also be
// a reader: an approver, in Config.Readers (directly or through a user
// group), or a member of an allowed channel.
func (b *Bot) mayRead(ctx context.Context, user, channel string) (bool, reason) {
	if !b.openIn(channel) {
		return false, notHereRead
	}
	return b.personMayRead(ctx, user, isDM(channel))
}

// personMayRead is mayRead without the place: a person of this team, not a
// guest; outside a channel (a DM, App Home) also a reader.
func (b *Bot) personMayRead(ctx context.Context, user string, private bool) (bool, reason) {
	if user == "" {
		return false, notPerson
	}
	p, err := b.person(ctx, user)
	if err != nil {
		b.log.Warn("cannot tell who is asking; refusing", "user", user, "err", err)
		return false, unconfirmed
	}
	switch {
	case p.bot || p.deleted:
		return false, notPerson
	case p.guest:
		return false, guestUser
	case !p.sameTeam(b.teamID):
		return false, otherTeam
	}
	if !private {
		return true, mayReadHere
	}
	return b.reader(ctx, user)
}

// reader decides a direct message: approvers and configured readers first
// (from memory), then reader user groups and the allowed channels' members.
// A group or channel that cannot be read does not count; if the person
// was found in none and one could not be read, the answer is unconfirmed.
func (b *Bot) reader(ctx context.Context, user string) (bool, reason) {
	if slices.Contains(b.cfg.Readers, user) || b.appr.is(user) {
		return true, mayReadHere
	}
	var sets []string
	for _, id := range b.cfg.Readers {
		if strings.HasPrefix(id, "S") {
			sets = append(sets, id)
		}
	}
	sets = append(sets, b.cfg.Channels...)
	failed := false
	for _, set := range sets {
		in, err := b.isMember(ctx, set, user)
		if err != nil {
			b.log.Warn("cannot read members; they do not count as readers", "set", set, "err", err)
			failed = true
			continue
		}
		if in {
			return true, mayReadHere
		}
	}
	if failed {
		return false, unconfirmed
	}
	return false, notReader
}

// memberships remembers the members of channels and user groups briefly.
// Its keys are the configured channels and reader groups, so it stays
// small.
type memberships struct {
	mu   sync.Mutex
	sets map[string]memberSet
}

type memberSet struct {
	ids     map[string]bool
	expires time.Time
}

// isMember reports whether user is in set (a channel id, or a user-group
// id S…), from memory when read recently. Failures are not remembered.
func (b *Bot) isMember(ctx context.Context, set, user string) (bool, error) {
	now := time.Now()
	b.members.mu.Lock()
	e, ok := b.members.sets[set]
	b.members.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.ids[user], nil
	}
	ids, err := b.readMembers(ctx, set)
	if err != nil {
		return false, err
	}
	b.members.mu.Lock()
	if b.members.sets == nil {
		b.members.sets = map[string]memberSet{}
	}
	b.members.sets[set] = memberSet{ids: ids, expires: now.Add(membersTTL)}
	b.members.mu.Unlock()
	return ids[user], nil
}

// readMembers asks Slack for the members of a user group
// (usergroups.users.list) or a channel (conversations.members, page by
// page, at most maxMembers).
func (b *Bot) readMembers(ctx context.Context, set string) (map[string]bool, error) {
	ids := map[string]bool{}
	if strings.HasPrefix(set, "S") {
		users, err := b.api.GetUserGroupMembersContext(ctx, set)
		if err != nil {
			return nil, fmt.Errorf("bot: usergroups.users.list %s: %w", set, err)
		}
		for _, u := range users {
			ids[u] = true
		}
		return ids, nil
	}
	cursor := ""
	for {
		users, next, err := b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: set, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("bot: conversations.members %s: %w", set, err)
		}
		for _, u := range users {
			ids[u] = true
		}
		if next == "" {
			return ids, nil
		}
		if len(ids) >= maxMembers {
			b.log.Warn("channel too large to read all its members; the rest are not readers", "channel", set, "read", len(ids))
			return ids, nil
		}
		cursor = next
	}
}

// admit lets o.user in when they may read in o.channel and then runs
// next, which queues the work in its lane. It decides at once, outside the
// lanes (openNow), so that a click or a form is never let in behind long
// jobs.
func (b *Bot) admit(o origin, next func()) {
	b.openNow(o, "access", func(ctx context.Context) {
		if b.letIn(ctx, o) {
			next()
		}
	})
}

// readersOnly is fn for someone who may read in o.channel: the check is
// the first step of work already in its lane (a slash command, whose ack
// must say "busy" at once).
func (b *Bot) readersOnly(o origin, fn func(ctx context.Context)) func(ctx context.Context) {
	return func(ctx context.Context) {
		if b.letIn(ctx, o) {
			fn(ctx)
		}
	}
}

// letIn reports whether o.user may read in o.channel (mayRead); if not, it
// tells them privately why (a bot is not told).
func (b *Bot) letIn(ctx context.Context, o origin) bool {
	ok, why := b.mayRead(ctx, o.user, o.channel)
	if ok {
		return true
	}
	if why == notPerson {
		b.log.Debug("ignored: not a person", "via", o.via, "user", o.user, "channel", o.channel)
		return false
	}
	b.log.Info("refused: may not read Okta here", "reason", why.String(), "via", o.via, "user", o.user, "channel", o.channel)
	if err := b.tell(ctx, o, b.refusal(why)); err != nil {
		b.log.Error("refusal failed", "user", o.user, "err", err)
	}
	return false
}

// refusal is what someone who may not read is told.
func (b *Bot) refusal(why reason) blocks.Message {
	switch why {
	case notHereRead:
		return b.notHere()
	case notReader:
		return blocks.Error(blocks.ErrorInfo{
			Title:    "You can't read Okta in a direct message",
			WhatToDo: "oktabot answers DMs only from approvers, configured readers and members of the security team's channels: ask there, or ask whoever runs oktabot to add you to OKTABOT_READERS.",
		})
	case guestUser:
		return blocks.Error(blocks.ErrorInfo{
			Title:    "oktabot doesn't answer guests",
			WhatToDo: "Okta data is for full members of this workspace: ask someone on the security team.",
		})
	case otherTeam:
		return blocks.Error(blocks.ErrorInfo{
			Title:    "oktabot answers only people of this workspace",
			WhatToDo: "Okta data stays in its own organization: ask someone on the security team there.",
		})
	}
	return blocks.Error(blocks.ErrorInfo{
		Title:    "Could not confirm you may read Okta here",
		WhatToDo: "Slack could not say who you are or which channels you are in: try again in a minute.",
	})
}
