package slackfake

import (
	"slices"
	"strings"
)

// Scopes. Slack refuses a Web API call whose token lacks the method's
// scope, before doing anything:
//
//	{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"commands,users:read"}
//
// and every answer to a call with a valid token carries the token's scopes
// in the X-OAuth-Scopes header (auth.test is how an app learns its own).
// The fake does both for the bot token, with the scopes in Options.Scopes.

// DefaultScopes are the bot token's scopes when Options.Scopes is nil:
// those of oktabot's app manifest with direct messages (`oktabot manifest
// --dm`), so that a fake built with zero Options lets oktabot do
// everything it asks Slack for. cmd/oktabot's tests keep the two lists
// equal.
func DefaultScopes() []string {
	return []string{
		"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands", "files:write",
		"groups:history", "groups:read", "im:history", "usergroups:read", "users:read", "users:read.email",
	}
}

// methodScopes are the bot scopes Slack's method reference gives for each
// bot-token method the fake serves; a call needs one of them. An empty
// list: the method needs no scope. conversations.info needs the one of the
// channel's type (conversationsInfoAsBot), and conversations.history and
// conversations.replies the history scope of it; the list here is every type's.
// TestMethodScopes fails on a bot-token method missing here.
var methodScopes = map[string][]string{
	"auth.test":                    nil,
	"chat.postMessage":             {"chat:write"},
	"chat.update":                  {"chat:write"},
	"chat.postEphemeral":           {"chat:write"},
	"chat.delete":                  {"chat:write"},
	"files.getUploadURLExternal":   {"files:write"},
	"files.completeUploadExternal": {"files:write"},
	"users.info":                   {"users:read"},
	"users.lookupByEmail":          {"users:read.email"},
	"conversations.info":           {"channels:read", "groups:read", "im:read", "mpim:read"},
	"conversations.members":        {"channels:read", "groups:read", "im:read", "mpim:read"},
	"usergroups.users.list":        {"usergroups:read"},
	"views.open":                   nil,
	"views.push":                   nil,
	"views.update":                 nil,
	"views.publish":                nil,
	"conversations.history":        {"channels:history", "groups:history", "im:history", "mpim:history"},
	"conversations.replies":        {"channels:history", "groups:history", "im:history", "mpim:history"},
}

// MethodScopes reports the bot scopes a Web API method needs (one of
// them), and whether the fake serves the method at all.
func MethodScopes(method string) ([]string, bool) {
	if _, ok := apiMethods()[method]; !ok {
		return nil, false
	}
	return slices.Clone(methodScopes[method]), true
}

// needScope answers missing_scope unless the bot token has one of scopes.
func (s *Server) needScope(scopes ...string) error {
	if len(scopes) == 0 {
		return nil
	}
	for _, sc := range scopes {
		if slices.Contains(s.opts.Scopes, sc) {
			return nil
		}
	}
	return &apiError{Code: "missing_scope", Needed: strings.Join(scopes, ","), Provided: strings.Join(s.opts.Scopes, ",")}
}
