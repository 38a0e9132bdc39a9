package slackfake

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestDirectory(t *testing.T) {
	h, ctx := start(t, Options{
		Users:      testUsers(),
		UserGroups: map[string][]string{"S1": {"U1", "U2"}},
		Channels:   map[string]Channel{"C1": {Name: "security"}, "G1": {Name: "secret", Private: true}},
	}, nil)
	api := h.api

	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil {
		t.Fatalf("GetUserInfo(U1): %v", err)
	}
	got := []string{u.ID, u.Name, u.RealName, u.Profile.Email, u.Profile.RealName, u.TeamID}
	if diff := cmp.Diff([]string{"U1", "alice", "Alice Martin", "alice@example.com", "Alice Martin", DefaultTeamID}, got); diff != "" {
		t.Errorf("GetUserInfo(U1) (-want +got):\n%s", diff)
	}
	if u, err := api.GetUserInfoContext(ctx, "U3"); err != nil || !u.Deleted {
		t.Errorf("GetUserInfo(U3) = %+v, %v; want the deactivated user", u, err)
	}
	if us, err := api.GetUsersInfoContext(ctx, "U1", "U2"); err != nil || len(*us) != 2 {
		t.Errorf("GetUsersInfo(U1, U2) = %v, %v; want two users", us, err)
	}
	if u, err := api.GetUserByEmailContext(ctx, "bob@example.com"); err != nil || u.ID != "U2" {
		t.Errorf("GetUserByEmail(bob@example.com) = %+v, %v; want U2", u, err)
	}
	members, err := api.GetUserGroupMembersContext(ctx, "S1")
	if err != nil {
		t.Fatalf("GetUserGroupMembers(S1): %v", err)
	}
	if diff := cmp.Diff([]string{"U1", "U2"}, members); diff != "" {
		t.Errorf("GetUserGroupMembers(S1) (-want +got):\n%s", diff)
	}
	ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "G1"})
	if err != nil || ch.Name != "secret" || !ch.IsPrivate || !ch.IsMember {
		t.Errorf("GetConversationInfo(G1) = %+v, %v; want the private channel secret", ch, err)
	}

	errs := []struct {
		name string
		call func() error
		want string
	}{
		{"users.info unknown", func() error { _, err := api.GetUserInfoContext(ctx, "U9"); return err }, "user_not_found"},
		{"lookupByEmail unknown", func() error { _, err := api.GetUserByEmailContext(ctx, "x@example.com"); return err }, "users_not_found"},
		{"lookupByEmail deactivated", func() error { _, err := api.GetUserByEmailContext(ctx, "carol@example.com"); return err }, "users_not_found"},
		{"usergroup unknown", func() error { _, err := api.GetUserGroupMembersContext(ctx, "S9"); return err }, "no_such_subteam"},
		{"channel unknown", func() error {
			_, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C9"})
			return err
		}, "channel_not_found"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call()); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}
