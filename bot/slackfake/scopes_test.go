package slackfake

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// scopeClient is a bot-token client on fake that records the
// X-OAuth-Scopes header of the last answer.
func scopeClient(fake *Server) (*slack.Client, func() (string, bool)) {
	var mu sync.Mutex
	var last string
	var seen bool
	api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()),
		slack.OptionOnResponseHeaders(func(_ string, h http.Header) {
			mu.Lock()
			defer mu.Unlock()
			_, seen = h[http.CanonicalHeaderKey("X-OAuth-Scopes")]
			last = h.Get("X-OAuth-Scopes")
		}))
	return api, func() (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		return last, seen
	}
}

// A method called without its scope answers missing_scope with needed and
// provided, as Slack does, and does nothing; every answer names the
// token's scopes.
func TestMissingScope(t *testing.T) {
	fake := New(Options{Scopes: []string{"commands", "users:read"}})
	defer fake.Close()
	api, header := scopeClient(fake)
	ctx := t.Context()

	if _, err := api.AuthTestContext(ctx); err != nil {
		t.Fatalf("AuthTest with no scope it needs: %v", err)
	}
	if got, ok := header(); !ok || got != "commands,users:read" {
		t.Errorf("auth.test X-OAuth-Scopes = %q (sent %v), want commands,users:read", got, ok)
	}
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		t.Fatalf("PostMessage without chat:write = %v, want a Slack error", err)
	}
	if diff := cmp.Diff([]string{"missing_scope", "chat:write", "commands,users:read"}, []string{se.Err, se.Needed, se.Provided}); diff != "" {
		t.Errorf("PostMessage without chat:write: error, needed, provided (-want +got):\n%s", diff)
	}
	if got := fake.Messages(); len(got) != 0 {
		t.Errorf("Messages() = %+v, want none: a refused call posts nothing", got)
	}
	if _, err := api.GetUserGroupMembersContext(ctx, "S1"); slackErr(err) != "missing_scope" {
		t.Errorf("GetUserGroupMembers without usergroups:read = %v, want missing_scope", err)
	}
	// A method that needs no scope still works.
	if _, err := api.OpenViewContext(ctx, "1.2.3", modal("x")); slackErr(err) == "missing_scope" {
		t.Errorf("OpenView = %v; views.open needs no scope", err)
	}
}

// The zero Options grant DefaultScopes, and the header says so.
func TestDefaultScopes(t *testing.T) {
	fake := New(Options{})
	defer fake.Close()
	api, header := scopeClient(fake)
	if _, _, err := api.PostMessageContext(t.Context(), "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("PostMessage with the default scopes: %v", err)
	}
	if _, err := api.AuthTestContext(t.Context()); err != nil {
		t.Fatalf("AuthTest: %v", err)
	}
	if got, _ := header(); got != strings.Join(DefaultScopes(), ",") {
		t.Errorf("X-OAuth-Scopes = %q, want DefaultScopes %q", got, strings.Join(DefaultScopes(), ","))
	}
}

// conversations.info tells public from private channels and says whether
// the bot is a member; a private channel the bot is not in is not found,
// and each type takes its own scope.
func TestConversationsInfo(t *testing.T) {
	channels := map[string]Channel{
		"C1": {Name: "general"},
		"C2": {Name: "random", NotMember: true},
		"G1": {Name: "security", Private: true},
		"G2": {Name: "hr", Private: true, NotMember: true},
	}
	type info struct {
		Name              string
		Private, IsMember bool
		Err, Needed       string
	}
	lookup := func(api *slack.Client, id string) info {
		ch, err := api.GetConversationInfoContext(t.Context(), &slack.GetConversationInfoInput{ChannelID: id})
		var se slack.SlackErrorResponse
		if errors.As(err, &se) {
			return info{Err: se.Err, Needed: se.Needed}
		}
		if err != nil {
			return info{Err: err.Error()}
		}
		return info{Name: ch.Name, Private: ch.IsPrivate, IsMember: ch.IsMember}
	}
	tests := []struct {
		name   string
		scopes []string
		want   map[string]info
	}{
		{"default scopes", nil, map[string]info{
			"C1": {Name: "general", IsMember: true},
			"C2": {Name: "random"},
			"G1": {Name: "security", Private: true, IsMember: true},
			"G2": {Err: "channel_not_found"},
			"C9": {Err: "channel_not_found"},
		}},
		{"channels:read only", []string{"channels:read"}, map[string]info{
			"C1": {Name: "general", IsMember: true},
			"G1": {Err: "missing_scope", Needed: "groups:read"},
		}},
		{"groups:read only", []string{"groups:read"}, map[string]info{
			"C1": {Err: "missing_scope", Needed: "channels:read"},
			"G1": {Name: "security", Private: true, IsMember: true},
		}},
		{"no conversations scope", []string{"chat:write"}, map[string]info{
			"G1": {Err: "missing_scope", Needed: "channels:read,groups:read,im:read,mpim:read"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := New(Options{Channels: channels, Scopes: tt.scopes})
			defer fake.Close()
			api := slack.New(fake.Options().BotToken, slack.OptionAPIURL(fake.APIURL()))
			got := map[string]info{}
			for id := range tt.want {
				got[id] = lookup(api, id)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("conversations.info (-want +got):\n%s", diff)
			}
		})
	}
}

// Every bot-token method the fake serves has its scopes listed, so a
// method added later cannot skip the scope check by omission.
func TestMethodScopes(t *testing.T) {
	for name, m := range apiMethods() {
		_, listed := methodScopes[name]
		if m.token == botToken && !listed {
			t.Errorf("bot-token method %s has no entry in methodScopes", name)
		}
	}
	for name := range methodScopes {
		if _, ok := MethodScopes(name); !ok {
			t.Errorf("methodScopes lists %s, which the fake does not serve", name)
		}
	}
	if got, ok := MethodScopes("chat.postMessage"); !ok || !slices.Equal(got, []string{"chat:write"}) {
		t.Errorf(`MethodScopes("chat.postMessage") = %v, %v; want [chat:write], true`, got, ok)
	}
	if _, ok := MethodScopes("conversations.setTopic"); ok {
		t.Error(`MethodScopes("conversations.setTopic") = true for a method the fake does not serve`)
	}
}
