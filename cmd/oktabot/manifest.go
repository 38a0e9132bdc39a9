package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// appManifest is the Slack app manifest for Socket Mode, in the field
// names of Slack's app manifest reference: the /okta command (no request
// URL: Socket Mode), app mentions, interactivity, and the bot scopes of
// the Web API methods oktabot calls. It is built as a value and
// marshalled, so that text such as the description is always quoted as
// YAML needs.
type appManifest struct {
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		AppHome *appHome `yaml:"app_home,omitempty"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []slashCommand `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

// appHome is the manifest's App Home: the Home tab (open incidents,
// pending proposals, the watcher's health) and the Messages tab, where
// "was this you?" arrives and, with direct messages, people ask oktabot.
// Without direct messages the Messages tab is read-only: oktabot would
// not answer there.
type appHome struct {
	HomeTabEnabled             bool `yaml:"home_tab_enabled"`
	MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
	MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
}

// slashCommand is one slash command of a manifest. should_escape is on so
// that "/okta user @john" arrives as <@U…> (which oktabot maps to the
// person's Okta login); the parser unwraps Slack's escapes.
type slashCommand struct {
	Command      string `yaml:"command"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

// slackCall is a Web API method oktabot calls and the bot scopes it
// needs there.
type slackCall struct {
	Methods []string // Slack's names; one slack-go call may make several
	Scopes  []string
}

// slackCalls are the slack-go client methods bot/ and cmd/oktabot call,
// with the Web API methods behind them and the bot scopes Slack requires
// for each. The manifest asks for exactly these scopes and those of
// slackFeatures. TestManifest reads the code for every call on the Slack
// client (api.XxxContext) and fails on one missing here, and on an entry
// nothing calls any more; TestManifestScopesMatchSlack checks each entry
// against the scopes the fake Slack enforces.
var slackCalls = map[string]slackCall{
	"AuthTestContext":      {[]string{"auth.test"}, nil},
	"PostMessageContext":   {[]string{"chat.postMessage"}, []string{"chat:write"}},
	"UpdateMessageContext": {[]string{"chat.update"}, []string{"chat:write"}},
	"PostEphemeralContext": {[]string{"chat.postEphemeral"}, []string{"chat:write"}},
	"OpenViewContext":      {[]string{"views.open"}, nil},
	// users.info: the person's time zone, and their email (with
	// users:read.email), which maps a Slack user to an Okta login.
	"GetUserInfoContext": {[]string{"users.info"}, []string{"users:read", "users:read.email"}},
	// Approvers may be user groups (S…).
	"GetUserGroupMembersContext": {[]string{"usergroups.users.list"}, []string{"usergroups:read"}},
	// The CSV export and charts.
	"UploadFileContext": {[]string{"files.getUploadURLExternal", "files.completeUploadExternal"}, []string{"files:write"}},
	// Start-up checks each channel of OKTABOT_CHANNELS: public channels
	// need channels:read, private ones groups:read, and telling them
	// apart needs both.
	"GetConversationInfoContext": {[]string{"conversations.info"}, []string{"channels:read", "groups:read"}},
	// A direct message is answered for the members of OKTABOT_CHANNELS
	// (bot/access.go), public or private.
	"GetUsersInConversationContext": {[]string{"conversations.members"}, []string{"channels:read", "groups:read"}},
	// After a crash between posting an incident and recording its
	// message, the watcher finds the message in the alert channel's
	// history by its metadata instead of posting it twice.
	"GetConversationHistoryContext": {[]string{"conversations.history"}, []string{"channels:history", "groups:history"}},
	// A pronoun in a thread ("suspend him") means the person the bot's
	// messages there are about: the thread is read with its metadata.
	"GetConversationRepliesContext": {[]string{"conversations.replies"}, []string{"channels:history", "groups:history"}},
	// "Was this you?" finds the person an incident is about by their
	// Okta email (OKTABOT_ASK_USER), then posts them a direct message
	// (chat.postMessage to the user: chat:write).
	"GetUserByEmailContext": {[]string{"users.lookupByEmail"}, []string{"users:read.email"}},
	// App Home (app_home_opened): open incidents, pending proposals and
	// the watcher's health. Slack asks no scope for it.
	"PublishViewContext": {[]string{"views.publish"}, nil},
}

// scopeWhy says, for the scopes whose lack start-up names, what oktabot
// does with them; the rest speak for themselves.
var scopeWhy = map[string]string{
	"channels:history": "to find an incident's message after a restart instead of posting it twice",
	"groups:history":   "to find an incident's message after a restart instead of posting it twice",
	"users:read.email": "to map Slack people to Okta logins and find whom to ask \"was this you?\"",
}

// slackFeatures are the scopes of what Slack sends oktabot rather than what
// it calls: the /okta command, app_mention events, and with direct
// messages the message.im event. app_home_opened (the Home tab) needs no
// scope.
var slackFeatures = struct{ all, dm []string }{
	all: []string{"commands", "app_mentions:read"},
	dm:  []string{"im:history"},
}

// botScopes is the manifest's bot scopes, sorted: those of slackCalls and
// slackFeatures (dm: with direct messages).
func botScopes(dm bool) []string {
	var out []string
	for _, c := range slackCalls {
		out = append(out, c.Scopes...)
	}
	out = append(out, slackFeatures.all...)
	if dm {
		out = append(out, slackFeatures.dm...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// newManifest builds the manifest; dm adds what direct messages need (a
// Messages tab people can write in, im:history and the message.im event).
func newManifest(dm bool) appManifest {
	var m appManifest
	m.DisplayInformation.Name = "oktabot"
	m.DisplayInformation.Description = "Okta in your security channel: look up, investigate, fix with approval."
	m.DisplayInformation.BackgroundColor = "#1f2d3d"
	m.Features.BotUser.DisplayName = "oktabot"
	m.Features.BotUser.AlwaysOnline = true
	m.Features.SlashCommands = []slashCommand{{
		Command:      "/okta",
		Description:  "Ask Okta - users, groups, apps, policies, System Log, investigations",
		UsageHint:    "help | user john@company.com | investigate john@company.com 7d | logs 24h",
		ShouldEscape: true,
	}}
	m.OAuthConfig.Scopes.Bot = botScopes(dm)
	m.Settings.EventSubscriptions.BotEvents = []string{"app_home_opened", "app_mention"}
	m.Settings.Interactivity.IsEnabled = true
	m.Settings.SocketModeEnabled = true
	m.Features.AppHome = &appHome{HomeTabEnabled: true, MessagesTabEnabled: true, MessagesTabReadOnlyEnabled: !dm}
	if dm {
		m.Settings.EventSubscriptions.BotEvents = append(m.Settings.EventSubscriptions.BotEvents, "message.im")
	}
	return m
}

// cmdManifest prints the Slack app manifest as YAML (--dm: with direct
// messages, for OKTABOT_DIRECT_MESSAGES=true).
func cmdManifest(_ context.Context, args []string, io stdio, _ env) error {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(io.err)
	dm := fs.Bool("dm", false, "let people write in the Messages tab: im:history and message.im (for OKTABOT_DIRECT_MESSAGES=true)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(io.err, "usage: oktabot manifest [--dm]")
		return errUsage
	}
	enc := yaml.NewEncoder(io.out)
	enc.SetIndent(2)
	if err := enc.Encode(newManifest(*dm)); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return enc.Close()
}
