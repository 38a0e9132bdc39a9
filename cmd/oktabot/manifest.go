package main

import (
	"context"
	"fmt"
)

// manifest is the Slack app manifest for Socket Mode (slack-notes.md): the
// /okta command, app mentions, interactivity, and the minimal bot scopes.
// should_escape is on so that "/okta user @john" arrives as <@U…> (which
// oktabot maps to the person's Okta login); the parser unwraps Slack's
// escapes (<mailto:…|…>, links, &amp;).
const manifest = `display_information:
  name: oktabot
  description: Okta in your security channel: look up, investigate, fix with approval.
  background_color: "#1f2d3d"
features:
  bot_user:
    display_name: oktabot
    always_online: true
  slash_commands:
    - command: /okta
      description: Ask Okta - users, groups, apps, policies, System Log, investigations
      usage_hint: "help | user john@company.com | investigate john@company.com 7d | logs 24h"
      should_escape: true
oauth_config:
  scopes:
    bot:
      - commands
      - chat:write
      - app_mentions:read
      - users:read
      - users:read.email
      - usergroups:read
      - files:write
      - channels:read
      - groups:read
settings:
  event_subscriptions:
    bot_events:
      - app_mention
  interactivity:
    is_enabled: true
  org_deploy_enabled: false
  socket_mode_enabled: true
  token_rotation_enabled: false
`

// manifestDM adds what direct messages need.
const manifestDM = `# With OKTABOT_DIRECT_MESSAGES=true also add, under oauth_config.scopes.bot:
#   - im:history
# under settings.event_subscriptions.bot_events:
#   - message.im
# and under features: app_home: {messages_tab_enabled: true, messages_tab_read_only_enabled: false}
`

func cmdManifest(_ context.Context, _ []string, io stdio, _ env) error {
	_, err := fmt.Fprint(io.out, manifest, manifestDM)
	return err
}
