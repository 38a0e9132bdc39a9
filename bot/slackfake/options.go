package slackfake

import (
	"log/slog"
	"strings"
	"time"
)

// Defaults used when the matching Options field is empty.
const (
	DefaultBotToken   = "xoxb-0000-fake-bot-token"
	DefaultAppToken   = "xapp-1-A0FAKE-0000-fake-app-token"
	DefaultBotUserID  = "U0BOT"
	DefaultBotID      = "B0BOT"
	DefaultAppID      = "A0FAKE"
	DefaultTeamID     = "T0FAKE"
	DefaultTeamDomain = "fake"

	// DefaultPingInterval is how often the fake pings each socket. slack-go
	// drops a connection that saw no ping for 30 s (OptionPingInterval).
	DefaultPingInterval = 5 * time.Second

	// DefaultDisconnectGrace is how long a socket stays open after a
	// disconnect envelope if the client does not close it first.
	DefaultDisconnectGrace = time.Second

	// DefaultMaxBlocksBytes is the fake's threshold for Slack's undocumented
	// cumulative limit (msg_blocks_too_long): the compact JSON of a message's
	// blocks may be at most this many bytes. Slack is reported to refuse
	// messages at about 12,000–13,300 characters of block text; 13,000 bytes
	// of serialized blocks is at least as strict as that for typical
	// section-and-context messages.
	DefaultMaxBlocksBytes = 13000
)

// Limits Slack enforces that the fake copies; they are not configurable.
const (
	// MaxAckBytes: Slack silently drops Socket Mode acks of 20 KB or more.
	MaxAckBytes = 20 * 1024
	// TriggerTTL is how long a trigger_id can open a view.
	TriggerTTL = 3 * time.Second
	// ResponseURLUses and ResponseURLTTL bound a response_url.
	ResponseURLUses = 5
	ResponseURLTTL  = 30 * time.Minute
	// MaxEventRetries is how many times Slack redelivers an unacknowledged
	// events_api envelope (retry_attempt 1..3).
	MaxEventRetries = 3
)

// Options configure a Server. The zero value works: default tokens and ids,
// no users, every channel exists.
type Options struct {
	BotToken   string // xoxb- token accepted by Web API methods
	AppToken   string // xapp- token accepted by apps.connections.open
	BotUserID  string // the bot's user id, as auth.test reports it
	BotID      string
	AppID      string
	TeamID     string
	TeamDomain string

	// Scopes are the bot token's OAuth scopes (nil: DefaultScopes()). A
	// method called without its scope answers missing_scope; an empty,
	// non-nil list grants none.
	Scopes []string

	// Users known to users.info and users.lookupByEmail, by id ("U1").
	// Unknown ids answer user_not_found.
	Users map[string]User
	// UserGroups maps a user group id ("S1") to its member user ids.
	UserGroups map[string][]string
	// Members maps a channel id to its human members, as
	// conversations.members lists them (the bot is added when it is a
	// member). A direct message's members are its user and the bot.
	Members map[string][]string
	// Channels known to the fake, by id. If empty, every channel id exists
	// as a public channel the bot is a member of; otherwise unknown ids
	// answer channel_not_found.
	Channels map[string]Channel

	// PingInterval between websocket pings (0: DefaultPingInterval).
	PingInterval time.Duration
	// DisconnectGrace after a disconnect envelope before the fake closes the
	// socket itself (0: DefaultDisconnectGrace).
	DisconnectGrace time.Duration
	// RedeliverAfter enables Slack's retries of events_api envelopes: one
	// not acknowledged within this delay is sent again with retry_attempt
	// incremented and retry_reason "timeout", up to MaxEventRetries times.
	// 0 (the default) disables automatic redelivery; see RedeliverEvent.
	RedeliverAfter time.Duration
	// MaxBlocksBytes is the cumulative blocks size limit
	// (0: DefaultMaxBlocksBytes).
	MaxBlocksBytes int

	// Now is the clock for trigger_id and response_url expiry (nil:
	// time.Now). Ack times always use the real clock.
	Now func() time.Time
	// Logger receives the fake's diagnostics (nil: discarded). Tokens are
	// never logged.
	Logger *slog.Logger
}

// User is a workspace member.
type User struct {
	Name     string // handle, e.g. "alice"
	RealName string
	Email    string
	Deleted  bool // deactivated
	IsBot    bool
	IsAdmin  bool
	// IsRestricted is a multi-channel guest, IsUltraRestricted a
	// single-channel guest (users.info is_restricted, is_ultra_restricted).
	IsRestricted      bool
	IsUltraRestricted bool
	// TeamID is the user's own workspace; empty means the fake's team. A
	// different one is a Slack Connect user from another organization.
	TeamID string
	// TZ is the IANA zone users.info reports ("America/Chicago"); empty
	// means Europe/Paris.
	TZ string
}

// Channel is a conversation. The zero value is a public channel the bot
// belongs to.
type Channel struct {
	Name      string // without '#'; defaults to the id in lower case
	Private   bool
	IM        bool
	NotMember bool // the bot is not in it: chat.postMessage → not_in_channel
}

func (o Options) withDefaults() Options {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.BotToken, DefaultBotToken)
	def(&o.AppToken, DefaultAppToken)
	def(&o.BotUserID, DefaultBotUserID)
	def(&o.BotID, DefaultBotID)
	def(&o.AppID, DefaultAppID)
	def(&o.TeamID, DefaultTeamID)
	def(&o.TeamDomain, DefaultTeamDomain)
	if o.PingInterval <= 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.DisconnectGrace <= 0 {
		o.DisconnectGrace = DefaultDisconnectGrace
	}
	if o.MaxBlocksBytes <= 0 {
		o.MaxBlocksBytes = DefaultMaxBlocksBytes
	}
	if o.Scopes == nil {
		o.Scopes = DefaultScopes()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// channel resolves a conversation id the way Slack does for the bot: a user
// id opens (or reuses) the direct message with that user (dmOf), a
// deactivated user's too (Slack posts to a deactivated user's DM without
// error), and an unknown user id answers channel_not_found.
func (o Options) channel(id string) (string, Channel, string) {
	if id == "" {
		return "", Channel{}, "channel_not_found"
	}
	if _, ok := o.Users[id]; ok {
		dm := dmOf(id)
		return dm, Channel{Name: dm, IM: true}, ""
	}
	if _, ok := o.Channels[id]; !ok && isUserID(id) {
		// An unknown user is no conversation: Slack answers
		// channel_not_found (user_not_found is not among
		// chat.postMessage's errors).
		return "", Channel{}, "channel_not_found"
	}
	if o.imUser(id) != "" {
		return id, Channel{Name: id, IM: true}, ""
	}
	if len(o.Channels) == 0 {
		return id, Channel{Name: strings.ToLower(id), IM: strings.HasPrefix(id, "D")}, ""
	}
	c, ok := o.Channels[id]
	if !ok {
		return "", Channel{}, "channel_not_found"
	}
	if c.Name == "" {
		c.Name = strings.ToLower(id)
	}
	return id, c, ""
}

// isUserID reports whether id has the shape of a user id: U or W and
// upper-case letters and digits.
func isUserID(id string) bool {
	if len(id) < 2 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for _, r := range id[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// dmOf is a user's direct message with the bot: "D" and the user id
// without its U or W.
func dmOf(user string) string { return "D" + strings.TrimLeft(user, "UW") }
