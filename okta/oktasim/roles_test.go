package oktasim_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/okta/oktasim"
	"github.com/oktabot/oktabot/okta/oktasim/demo"
)

func rolesFixture() *oktasim.Fixture {
	return &oktasim.Fixture{
		Users: []oktasim.Object{
			{"id": "00uboss", "profile": oktasim.Object{"login": "boss@company.com"}, "_roles": []any{"SUPER_ADMIN"}},
			{"id": "00uhelp", "profile": oktasim.Object{"login": "help@company.com"}},
			{"id": "00uplain", "profile": oktasim.Object{"login": "plain@company.com"}},
		},
		Groups: []oktasim.Object{
			{"id": "00ghelp", "profile": oktasim.Object{"name": "Help Desk"}, "members": []any{"00uhelp", "00uboss"},
				"_roles": []any{"HELP_DESK_ADMIN", map[string]any{"type": "CUSTOM", "label": "view_minimal"}}},
			{"id": "00gplain", "profile": oktasim.Object{"name": "Engineering"}, "members": []any{"00uplain"}},
		},
	}
}

// rolesSDK is the real okta-sdk-golang on a simulator serving fx, with the
// scopes given.
func rolesSDK(t *testing.T, fx *oktasim.Fixture, scopes ...string) (*oktasim.Server, *oktasdk.APIClient) {
	t.Helper()
	env := newSDKFor(t, fx, false, scopes)
	return env.sim, env.client
}

type roleRow struct{ Type, Label, AssignmentType, Assignee string }

func roleRows(rs []oktasdk.Role) []roleRow {
	out := []roleRow{}
	for _, r := range rs {
		href := ""
		if r.Links != nil {
			if a, ok := r.Links.AdditionalProperties["assignee"].(map[string]any); ok {
				href, _ = a["href"].(string)
			}
		}
		if i := strings.Index(href, "/api/v1/"); i >= 0 {
			href = href[i:]
		}
		if r.GetId() == "" || r.GetStatus() != "ACTIVE" || r.Created == nil {
			href = "incomplete role " + href
		}
		out = append(out, roleRow{r.GetType(), r.GetLabel(), r.GetAssignmentType(), href})
	}
	return out
}

// The role endpoints answer the SDK's ListAssignedRolesForUser and
// ListGroupAssignedRoles as Okta does: a user's own roles, then those of
// their groups, each naming its assignee.
func TestRolesThroughSDK(t *testing.T) {
	_, api := rolesSDK(t, rolesFixture(), "okta.users.read", "okta.groups.read", "okta.roles.read")
	ctx := t.Context()
	tests := []struct {
		name string
		list func() ([]oktasdk.Role, error)
		want []roleRow
	}{
		{"user with a role and a group's", func() ([]oktasdk.Role, error) {
			rs, _, err := api.RoleAssignmentAPI.ListAssignedRolesForUser(ctx, "00uboss").Execute()
			return rs, err
		}, []roleRow{
			{"SUPER_ADMIN", "Super Administrator", "USER", "/api/v1/users/00uboss"},
			{"HELP_DESK_ADMIN", "Help Desk Administrator", "GROUP", "/api/v1/groups/00ghelp"},
			{"CUSTOM", "view_minimal", "GROUP", "/api/v1/groups/00ghelp"},
		}},
		{"user by login, roles through a group", func() ([]oktasdk.Role, error) {
			rs, _, err := api.RoleAssignmentAPI.ListAssignedRolesForUser(ctx, "help@company.com").Execute()
			return rs, err
		}, []roleRow{
			{"HELP_DESK_ADMIN", "Help Desk Administrator", "GROUP", "/api/v1/groups/00ghelp"},
			{"CUSTOM", "view_minimal", "GROUP", "/api/v1/groups/00ghelp"},
		}},
		{"user without a role", func() ([]oktasdk.Role, error) {
			rs, _, err := api.RoleAssignmentAPI.ListAssignedRolesForUser(ctx, "00uplain").Execute()
			return rs, err
		}, []roleRow{}},
		{"group granting roles", func() ([]oktasdk.Role, error) {
			rs, _, err := api.RoleAssignmentAPI.ListGroupAssignedRoles(ctx, "00ghelp").Execute()
			return rs, err
		}, []roleRow{
			{"HELP_DESK_ADMIN", "Help Desk Administrator", "GROUP", "/api/v1/groups/00ghelp"},
			{"CUSTOM", "view_minimal", "GROUP", "/api/v1/groups/00ghelp"},
		}},
		{"group granting none", func() ([]oktasdk.Role, error) {
			rs, _, err := api.RoleAssignmentAPI.ListGroupAssignedRoles(ctx, "00gplain").Execute()
			return rs, err
		}, []roleRow{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := tt.list()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, roleRows(rs)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
	if _, _, err := api.RoleAssignmentAPI.ListAssignedRolesForUser(ctx, "00unobody").Execute(); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("roles of an unknown user: %v, want 404", err)
	}
}

// Roles need okta.roles.read, as in Okta.
func TestRolesNeedScope(t *testing.T) {
	_, api := rolesSDK(t, rolesFixture(), "okta.users.read", "okta.groups.read")
	_, resp, err := api.RoleAssignmentAPI.ListAssignedRolesForUser(t.Context(), "00uboss").Execute()
	if err == nil || resp == nil || resp.StatusCode != 403 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "okta.roles.read") {
		t.Errorf("roles without okta.roles.read: %v, want 403 naming the scope", err)
	}
}

// SetRoles changes roles while the simulator runs; a snapshot keeps them.
func TestSetRolesAndSnapshot(t *testing.T) {
	sim, api := rolesSDK(t, rolesFixture(), "okta.users.read", "okta.roles.read")
	if err := sim.SetRoles("plain@company.com", "ORG_ADMIN"); err != nil {
		t.Fatal(err)
	}
	if err := sim.SetRoles("Help Desk"); err != nil {
		t.Fatal(err)
	}
	rs, _, err := api.RoleAssignmentAPI.ListAssignedRolesForUser(t.Context(), "00uplain").Execute()
	if err != nil || len(rs) != 1 || rs[0].GetType() != "ORG_ADMIN" {
		t.Errorf("roles after SetRoles = %+v, %v; want ORG_ADMIN", roleRows(rs), err)
	}
	if diff := cmp.Diff([]string{"boss@company.com", "plain@company.com"}, sim.Admins()); diff != "" {
		t.Errorf("Admins() (-want +got):\n%s", diff)
	}
	again, err := oktasim.New(sim.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sim.Admins(), again.Admins()); diff != "" {
		t.Errorf("a snapshot lost roles (-before +after):\n%s", diff)
	}
	for _, bad := range []string{"GOD_MODE", "CUSTOM"} {
		if err := sim.SetRoles("00uplain", bad); err == nil {
			t.Errorf("SetRoles(%s) = nil, want an error", bad)
		}
	}
	if _, err := oktasim.New(&oktasim.Fixture{Users: []oktasim.Object{{"profile": oktasim.Object{"login": "x@y.z"}, "_roles": "SUPER_ADMIN"}}}); err == nil {
		t.Error("a fixture with _roles not a list loaded")
	}
}

// The demo org has administrators: Derek and Ryan hold Super
// Administrator, and Okta Admins and Break Glass grant a role to their
// members.
func TestDemoAdmins(t *testing.T) {
	sim, err := oktasim.New(demo.Org())
	if err != nil {
		t.Fatal(err)
	}
	admins := sim.Admins()
	for _, login := range []string{"derek.wilson@company.com", "ryan.patel@company.com", "lisa.nguyen@company.com", "breakglass-01@company.com"} {
		if !contains(admins, login) {
			t.Errorf("%s is no admin in the demo org; admins: %v", login, admins)
		}
	}
	if contains(admins, "john@company.com") {
		t.Error("john@company.com is an admin in the demo org")
	}
	groups := 0
	for _, g := range sim.Snapshot().Groups {
		if g["_roles"] != nil {
			groups++
		}
	}
	if groups != 2 {
		t.Errorf("%d demo groups grant a role, want 2 (Okta Admins, Break Glass)", groups)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
