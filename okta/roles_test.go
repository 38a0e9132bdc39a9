package okta

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// adminOrg has an admin by a role of their own, one through a group, a
// group granting a role, and ordinary people and groups.
func adminOrg() *oktasim.Fixture {
	user := func(id, login string, extra ...any) oktasim.Object {
		u := oktasim.Object{"id": id, "status": "ACTIVE", "profile": oktasim.Object{"login": login, "email": login, "firstName": id, "lastName": "X"}}
		if len(extra) > 0 {
			u["_roles"] = extra
		}
		return u
	}
	return &oktasim.Fixture{
		Users: []oktasim.Object{
			user("00uboss", "boss@company.com", "SUPER_ADMIN"),
			user("00uhelp", "help@company.com"),
			user("00uplain", "plain@company.com"),
			user("00uother", "other@company.com"),
			{"id": "00ualias", "status": "ACTIVE", "profile": oktasim.Object{"login": "a.lias", "email": "alias@company.com", "firstName": "A", "lastName": "Lias"}},
		},
		Groups: []oktasim.Object{
			{"id": "00ghelp", "profile": oktasim.Object{"name": "Help Desk"}, "members": []any{"00uhelp", "00ualias"}, "_roles": []any{"HELP_DESK_ADMIN"}},
			{"id": "00geng", "profile": oktasim.Object{"name": "Engineering"}, "members": []any{"00uplain"}},
		},
		Apps: []oktasim.Object{
			{"id": "0oasalesforce", "label": "Salesforce", "signOnMode": "SAML_2_0"},
		},
	}
}

// An action on an Okta administrator is refused when it is proposed: a
// user with a role of their own, one who holds a role through a group, and
// a group that grants one. Ordinary targets are not.
func TestPreviewRefusesAdminTargets(t *testing.T) {
	h := newHarness(t, setup{fixture: adminOrg(), cfg: Config{Scopes: allScopes()}})
	tests := []struct {
		name string
		in   intents.Intent
		want string // "" when allowed
	}{
		{"super admin", intents.Intent{Kind: intents.SuspendUser, User: "boss@company.com"}, "boss@company.com holds the Okta admin role Super Administrator"},
		{"admin through a group", intents.Intent{Kind: intents.ClearSessions, User: "help@company.com"}, "Help Desk Administrator"},
		{"group granting a role", intents.Intent{Kind: intents.AddGroupMember, User: "plain@company.com", Group: "Help Desk"}, "the group Help Desk grants its members the Okta admin role Help Desk Administrator"},
		{"deleting that group", intents.Intent{Kind: intents.DeleteGroup, Group: "Help Desk"}, "Help Desk"},
		{"ordinary user", intents.Intent{Kind: intents.SuspendUser, User: "plain@company.com"}, ""},
		{"ordinary membership", intents.Intent{Kind: intents.RemoveGroupMember, User: "plain@company.com", Group: "Engineering"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.Preview(t.Context(), tt.in)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Preview(%s) = %v, want a preview", tt.in.Kind, err)
				}
				return
			}
			e, ok := intents.AsError(err)
			if !ok || !errors.Is(err, intents.ErrProtected) || !strings.Contains(e.Detail, tt.want) || !strings.Contains(e.Detail, "OKTABOT_ALLOW_ADMIN_TARGETS") {
				t.Errorf("Preview(%s) = %v, want ErrProtected saying %q", tt.in.Kind, err, tt.want)
			}
		})
	}

	// Allowed by configuration, the same actions are previewed.
	allowed := newHarness(t, setup{fixture: adminOrg(), cfg: Config{Scopes: allScopes(), AllowAdminTargets: true}})
	for _, tt := range tests {
		if _, err := allowed.client.Preview(t.Context(), tt.in); err != nil {
			t.Errorf("Preview(%s) with admin targets allowed = %v", tt.in.Kind, err)
		}
	}
	if n := allowed.sim.Calls("GET", "/api/v1/users/00uboss/roles"); n != 0 {
		t.Errorf("with admin targets allowed, roles were read %d times", n)
	}
}

// A role granted between the proposal and the approval stops the action:
// Execute reads the roles again and changes nothing.
func TestExecuteRefusesNewAdmin(t *testing.T) {
	h := newHarness(t, setup{fixture: adminOrg(), cfg: Config{Scopes: allScopes()}})
	for _, tt := range []struct {
		name, ref string
		in        intents.Intent
		write     string
	}{
		{"user made admin", "plain@company.com", intents.Intent{Kind: intents.SuspendUser, User: "plain@company.com"}, "/api/v1/users/00uplain/lifecycle/suspend"},
		{"group given a role", "Engineering", intents.Intent{Kind: intents.AddGroupMember, User: "00uother", Group: "Engineering"}, "/api/v1/groups/00geng/users/00uother"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := h.client.Preview(t.Context(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.sim.SetRoles(tt.ref, "ORG_ADMIN"); err != nil {
				t.Fatal(err)
			}
			_, err = h.client.Execute(t.Context(), p)
			if !errors.Is(err, intents.ErrProtected) || !strings.Contains(err.Error(), "Organizational Administrator") {
				t.Errorf("Execute after a role was granted = %v, want ErrProtected", err)
			}
			if w := h.writes("POST", tt.write); len(w) != 0 {
				t.Errorf("Execute changed Okta: %v", w)
			}
			if w := h.writes("PUT", tt.write); len(w) != 0 {
				t.Errorf("Execute changed Okta: %v", w)
			}
		})
	}
}

// Without okta.roles.read nothing can be proposed: oktabot cannot tell an
// admin from anyone else, and says which scope to grant.
func TestAdminCheckNeedsRolesScope(t *testing.T) {
	scopes := []string{intents.ScopeUsersRead, intents.ScopeUsersManage}
	h := newHarness(t, setup{fixture: adminOrg(), app: oktasim.ServiceApp{Scopes: scopes}, cfg: Config{Scopes: scopes}})
	_, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.SuspendUser, User: "plain@company.com"})
	if e, ok := intents.AsError(err); !ok || !errors.Is(err, intents.ErrForbidden) || e.Scope != intents.ScopeRolesRead {
		t.Errorf("Preview without okta.roles.read = %v, want ErrForbidden naming the scope", err)
	}
}

// OwnAccount matches an approver to their Okta user by email (login or
// profile email) and to the groups that grant them their role.
func TestOwnAccount(t *testing.T) {
	h := newHarness(t, setup{fixture: adminOrg(), cfg: Config{Scopes: allScopes(), AllowAdminTargets: true}})
	ref := func(typ, id, name string) *intents.Ref { return &intents.Ref{Type: typ, ID: id, Name: name} }
	tests := []struct {
		name, email string
		a           intents.Action
		want        string // "" when not their own
	}{
		{"own user by login", "Boss@Company.com", intents.Action{Kind: intents.SuspendUser, User: ref("user", "00uboss", "boss@company.com")}, "your own Okta account (boss@company.com)"},
		{"own user by profile email", "alias@company.com", intents.Action{Kind: intents.ResetFactors, User: ref("user", "00ualias", "a.lias")}, "your own Okta account"},
		{"someone else", "boss@company.com", intents.Action{Kind: intents.SuspendUser, User: ref("user", "00uplain", "plain@company.com")}, ""},
		{"the group granting their role", "help@company.com", intents.Action{Kind: intents.AddGroupMember, User: ref("user", "00uplain", "plain@company.com"), Group: ref("group", "00ghelp", "Help Desk")}, "the group Help Desk gives you your own Okta admin role Help Desk Administrator"},
		{"a group granting someone else's", "boss@company.com", intents.Action{Kind: intents.DeleteGroup, Group: ref("group", "00ghelp", "Help Desk")}, ""},
		{"a group they are in that grants nothing", "plain@company.com", intents.Action{Kind: intents.DeleteGroup, Group: ref("group", "00geng", "Engineering")}, ""},
		{"no Okta account", "stranger@elsewhere.com", intents.Action{Kind: intents.SuspendUser, User: ref("user", "00uboss", "boss@company.com")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, why, err := h.client.OwnAccount(t.Context(), tt.email, tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if own != (tt.want != "") || !strings.Contains(why, tt.want) {
				t.Errorf("OwnAccount(%s, %s) = %v %q, want %q", tt.email, tt.a.Kind, own, why, tt.want)
			}
		})
	}
	if _, _, err := h.client.OwnAccount(t.Context(), " ", intents.Action{Kind: intents.SuspendUser}); !errors.Is(err, intents.ErrInvalid) {
		t.Errorf("OwnAccount without an email = %v, want ErrInvalid", err)
	}
}

// OKTABOT_PROTECTED's entries resolve to the ids of everything they name.
func TestResolveProtected(t *testing.T) {
	h := newHarness(t, setup{fixture: adminOrg(), cfg: Config{Scopes: allScopes()}})
	ids, unresolved, err := h.client.ResolveProtected(t.Context(), []string{"Boss@company.com", "help desk", "Salesforce", "00geng", "alias@company.com", "nobody@company.com", "No Such Group"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"00uboss": "Boss@company.com", "00ghelp": "help desk", "0oasalesforce": "Salesforce", "00geng": "00geng", "00ualias": "alias@company.com"}
	for id, entry := range want {
		if ids[id] != entry {
			t.Errorf("ResolveProtected: %s ↦ %q, want %q (all: %v)", id, ids[id], entry, ids)
		}
	}
	if len(ids) != len(want) {
		t.Errorf("ResolveProtected = %v, want just %v", ids, want)
	}
	if !slices.Equal(unresolved, []string{"nobody@company.com", "No Such Group"}) {
		t.Errorf("unresolved = %q, want the two entries that name nothing", unresolved)
	}
	// An entry it cannot check is an error, not "unresolved".
	h.failOnce("GET", "/api/v1/groups", 403)
	if _, _, err := h.client.ResolveProtected(t.Context(), []string{"Some Group"}); err == nil {
		t.Error("ResolveProtected with groups unreadable = nil error")
	}
}

// The service app is found by its OAuth client id, also when its app id is
// another.
func TestServiceApp(t *testing.T) {
	fx := adminOrg()
	fx.Apps = append(fx.Apps, oktasim.Object{"id": "0oaSERVICEAPP", "label": "oktabot", "signOnMode": "OPENID_CONNECT",
		"credentials": oktasim.Object{"oauthClient": oktasim.Object{"client_id": testClientID, "token_endpoint_auth_method": "private_key_jwt"}}})
	h := newHarness(t, setup{fixture: fx, cfg: Config{Scopes: allScopes()}})
	a, err := h.client.ServiceApp(t.Context())
	if err != nil || a.ID != "0oaSERVICEAPP" {
		t.Errorf("ServiceApp() = %+v, %v; want 0oaSERVICEAPP", a.ID, err)
	}
	// The simulator lists a service app registered with an app id.
	listed := newHarness(t, setup{fixture: adminOrg(), app: oktasim.ServiceApp{OrgAppID: "0oaLISTEDAPP"}, cfg: Config{Scopes: allScopes()}})
	if a, err := listed.client.ServiceApp(t.Context()); err != nil || a.ID != "0oaLISTEDAPP" {
		t.Errorf("ServiceApp() with the simulator listing it = %+v, %v; want 0oaLISTEDAPP", a.ID, err)
	}
	none := newHarness(t, setup{fixture: adminOrg(), cfg: Config{Scopes: allScopes()}})
	if _, err := none.client.ServiceApp(t.Context()); !errors.Is(err, intents.ErrNotFound) {
		t.Errorf("ServiceApp() in an org without it = %v, want ErrNotFound", err)
	}
}
