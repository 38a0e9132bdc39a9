package slackfake

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// User groups change while the app runs, one can fail to be read, and a
// workspace on a plan without user groups answers plan_upgrade_required,
// as Slack documents for usergroups.users.list.
func TestUserGroups(t *testing.T) {
	h, ctx := start(t, Options{Users: testUsers(), UserGroups: map[string][]string{"S1": {"U1", "U2"}, "S2": {"U2"}}}, nil)
	api := h.api
	members := func(id string) ([]string, string) {
		t.Helper()
		ms, err := api.GetUserGroupMembersContext(ctx, id)
		return ms, slackErr(err)
	}
	h.fake.SetUserGroup("S1", "U1")
	if got, err := members("S1"); err != "" || !cmp.Equal(got, []string{"U1"}) {
		t.Errorf("S1 after SetUserGroup = %v, %s; want [U1]", got, err)
	}
	h.fake.SetUserGroup("S3")
	if got, err := members("S3"); err != "" || len(got) != 0 {
		t.Errorf("a new empty group = %v, %s", got, err)
	}
	h.fake.FailUserGroup("S2", "internal_error")
	if _, err := members("S2"); err != "internal_error" {
		t.Errorf("a failing group answered %q, want internal_error", err)
	}
	if _, err := members("S1"); err != "" {
		t.Errorf("another group failed too: %s", err)
	}
	h.fake.FailUserGroup("S2", "")
	if got, err := members("S2"); err != "" || !cmp.Equal(got, []string{"U2"}) {
		t.Errorf("S2 after the failure cleared = %v, %s", got, err)
	}
	h.fake.SetNoUserGroups(true)
	for _, id := range []string{"S1", "S9"} {
		if _, err := members(id); err != "plan_upgrade_required" {
			t.Errorf("%s on a plan without user groups answered %q, want plan_upgrade_required", id, err)
		}
	}
	h.fake.SetNoUserGroups(false)
	if _, err := members("S9"); err != "no_such_subteam" {
		t.Errorf("an unknown group answered %q, want no_such_subteam", err)
	}
}
