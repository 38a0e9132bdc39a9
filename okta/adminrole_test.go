package okta

import (
	"errors"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// An org that answers a service app without an admin role with 403
// E0000006 (not empty lists): every read gives the admin-role error and
// hint, and Status says which.
func TestNoAdminRoleForbidden(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	h.sim.SetAdminRole(false)
	if err := h.sim.SetNoRoleLists(oktasim.NoRoleForbidden); err != nil {
		t.Fatal(err)
	}
	for _, in := range []intents.Intent{
		{Kind: intents.ListUsers},
		{Kind: intents.ListGroups},
		{Kind: intents.ListApps},
		{Kind: intents.UserDetails, User: "john@company.com"},
		{Kind: intents.GroupMembers, Group: "Engineering"},
		{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"},
		{Kind: intents.Logs, Window: intents.Duration(24 * 3600e9)},
	} {
		_, err := h.client.Query(t.Context(), in)
		e, ok := intents.AsError(err)
		if !ok || !errors.Is(err, intents.ErrNoAdminRole) || e.Status != 403 ||
			!strings.Contains(e.Detail, "no admin role, or a role without") || !strings.Contains(e.Detail, "Read-Only Administrator") {
			t.Errorf("Query(%s) on a 403 org without an admin role: error = %v, want ErrNoAdminRole (403) with the hint", in.Kind, err)
		}
	}
	st, err := h.client.Status(t.Context())
	if err != nil || st.AdminRole || !strings.Contains(st.AdminRoleNote, "no admin role, or a role without user access") {
		t.Errorf("Status() = %+v, %v; want no admin role, the note naming user access", st, err)
	}
	// A write refused for want of a permission stays ErrForbidden: the
	// role may exist and just not allow it.
	e := statusError("okta: suspend", intents.ScopeUsersManage, 403, nil, []byte(`{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action"}`))
	if !errors.Is(e, intents.ErrForbidden) || !strings.Contains(e.Detail, "admin role does not allow this") {
		t.Errorf("statusError(403 on a write) = %v, want ErrForbidden about the role", e)
	}
}
