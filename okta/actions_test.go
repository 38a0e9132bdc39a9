package okta

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// find returns the object with id in list.
func find(list []oktasim.Object, id string) oktasim.Object {
	for _, o := range list {
		if o["id"] == id {
			return o
		}
	}
	return nil
}

// findBy returns the object whose value at path is v.
func findBy(list []oktasim.Object, v string, path ...string) oktasim.Object {
	for _, o := range list {
		if got, ok := valueAt(o, path); ok && got == v {
			return o
		}
	}
	return nil
}

func at(o oktasim.Object, path ...string) any {
	v, _ := valueAt(o, path)
	return v
}

func ids(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func rule(fx *oktasim.Fixture, policyID, ruleID string) oktasim.Object {
	p := find(fx.Policies, policyID)
	for _, r := range p["rules"].([]any) {
		if r.(map[string]any)["id"] == ruleID {
			return r.(map[string]any)
		}
	}
	return nil
}

func TestActions(t *testing.T) {
	tests := []struct {
		name   string
		in     intents.Intent
		method string // the changing call
		path   string
		before string // Preview.Before, when worth checking
		check  func(t *testing.T, h *harness, fx *oktasim.Fixture)
	}{
		{name: "suspend", in: intents.Intent{Kind: intents.SuspendUser, User: "john@company.com", Reason: "tor login"},
			method: "POST", path: "/api/v1/users/00u1/lifecycle/suspend", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u1"), "status"); s != "SUSPENDED" {
					t.Errorf("john is %v, want SUSPENDED", s)
				}
			}},
		{name: "unsuspend", in: intents.Intent{Kind: intents.UnsuspendUser, User: "jane@company.com"},
			method: "POST", path: "/api/v1/users/00u2/lifecycle/unsuspend", before: "SUSPENDED",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u2"), "status"); s != "ACTIVE" {
					t.Errorf("jane is %v, want ACTIVE", s)
				}
			}},
		{name: "clear sessions", in: intents.Intent{Kind: intents.ClearSessions, User: "00u1"},
			method: "DELETE", path: "/api/v1/users/00u1/sessions", before: "sessions last cleared: not in the last 7 days",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if n := h.sim.Sessions("00u1"); n != 0 {
					t.Errorf("john has %d sessions, want 0", n)
				}
				if !h.sawQuery("/api/v1/users/00u1/sessions", "oauthTokens=true") {
					t.Error("the sessions were cleared without oauthTokens=true")
				}
			}},
		{name: "create user", in: intents.Intent{Kind: intents.CreateUser, User: "new@company.com", Fields: map[string]string{"firstName": "New", "lastName": "Person", "department": "Sales"}},
			method: "POST", path: "/api/v1/users", before: "no user with login new@company.com",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				u := findBy(fx.Users, "new@company.com", "profile", "login")
				if u == nil || u["status"] != "PROVISIONED" || at(u, "profile", "department") != "Sales" || at(u, "profile", "email") != "new@company.com" {
					t.Errorf("new user = %v, want PROVISIONED with its profile", u)
				}
			}},
		{name: "update user", in: intents.Intent{Kind: intents.UpdateUser, User: "john@company.com", Fields: map[string]string{"department": "Finance", "costCenter": "CC-7"}},
			method: "POST", path: "/api/v1/users/00u1", before: `costCenter=(unset); department="Engineering"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				u := find(fx.Users, "00u1")
				if at(u, "profile", "department") != "Finance" || at(u, "profile", "costCenter") != "CC-7" || at(u, "profile", "title") != "SRE" {
					t.Errorf("john's profile = %v", u["profile"])
				}
			}},
		{name: "activate staged user", in: intents.Intent{Kind: intents.ActivateUser, User: "stage@company.com"},
			method: "POST", path: "/api/v1/users/00u4/lifecycle/activate", before: "STAGED",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u4"), "status"); s != "PROVISIONED" {
					t.Errorf("stage is %v, want PROVISIONED", s)
				}
			}},
		{name: "reactivate provisioned user", in: intents.Intent{Kind: intents.ActivateUser, User: "pro@company.com"},
			method: "POST", path: "/api/v1/users/00u6/lifecycle/reactivate", before: "PROVISIONED; activation last sent: not in the last 7 days",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u6"), "status"); s != "PROVISIONED" {
					t.Errorf("pro is %v, want PROVISIONED", s)
				}
			}},
		{name: "deactivate user", in: intents.Intent{Kind: intents.DeactivateUser, User: "john@company.com"},
			method: "POST", path: "/api/v1/users/00u1/lifecycle/deactivate", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u1"), "status"); s != "DEPROVISIONED" {
					t.Errorf("john is %v, want DEPROVISIONED", s)
				}
			}},
		{name: "unlock", in: intents.Intent{Kind: intents.UnlockUser, User: "lock@company.com"},
			method: "POST", path: "/api/v1/users/00u3/lifecycle/unlock", before: "LOCKED_OUT",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u3"), "status"); s != "ACTIVE" {
					t.Errorf("lock is %v, want ACTIVE", s)
				}
			}},
		{name: "reset factors", in: intents.Intent{Kind: intents.ResetFactors, User: "john@company.com"},
			method: "POST", path: "/api/v1/users/00u1/lifecycle/reset_factors", before: "3 factors: push ACTIVE, signed_nonce ACTIVE, sms ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if fs := fx.Factors["00u1"]; len(fs) != 0 {
					t.Errorf("john has %d factors, want 0", len(fs))
				}
			}},
		{name: "expire password", in: intents.Intent{Kind: intents.ExpirePassword, User: "john@company.com", Reason: "reused password"},
			method: "POST", path: "/api/v1/users/00u1/lifecycle/expire_password", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u1"), "status"); s != "PASSWORD_EXPIRED" {
					t.Errorf("john is %v, want PASSWORD_EXPIRED", s)
				}
				if n := h.sim.Calls("POST", "/api/v1/users/00u1/lifecycle/expire_password_with_temp_password"); n != 0 {
					t.Errorf("the password was expired with a temporary password (%d calls): its answer is a secret", n)
				}
			}},
		{name: "reset password", in: intents.Intent{Kind: intents.ResetPassword, User: "john@company.com", Reason: "password phished"},
			method: "POST", path: "/api/v1/users/00u1/lifecycle/reset_password", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := at(find(fx.Users, "00u1"), "status"); s != "RECOVERY" {
					t.Errorf("john is %v, want RECOVERY", s)
				}
				if !h.sawQuery("/api/v1/users/00u1/lifecycle/reset_password", "sendEmail=true") || h.sawQuery("/api/v1/users/00u1/lifecycle/reset_password", "sendEmail=false") {
					t.Error("the password was reset without sendEmail=true: Okta then answers with the reset link, a secret")
				}
				if n := h.sim.PasswordResetEmails("00u1"); n != 1 {
					t.Errorf("Okta sent %d reset emails to john, want 1", n)
				}
			}},
		{name: "create group", in: intents.Intent{Kind: intents.CreateGroup, Group: "Incident Responders", Fields: map[string]string{"description": "IR on-call"}},
			method: "POST", path: "/api/v1/groups", before: `no group named "Incident Responders"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				g := findBy(fx.Groups, "Incident Responders", "profile", "name")
				if g == nil || at(g, "profile", "description") != "IR on-call" || g["type"] != "OKTA_GROUP" {
					t.Errorf("new group = %v", g)
				}
			}},
		{name: "update group", in: intents.Intent{Kind: intents.UpdateGroup, Group: "Engineering", Fields: map[string]string{"description": "All engineers"}},
			method: "PUT", path: "/api/v1/groups/00g1", before: `description="Engineers"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				g := find(fx.Groups, "00g1")
				if at(g, "profile", "description") != "All engineers" || at(g, "profile", "name") != "Engineering" {
					t.Errorf("Engineering = %v", g["profile"])
				}
			}},
		{name: "delete group", in: intents.Intent{Kind: intents.DeleteGroup, Group: "Admins"},
			method: "DELETE", path: "/api/v1/groups/00g2", before: `group "Admins" exists`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if g := find(fx.Groups, "00g2"); g != nil {
					t.Errorf("Admins still exists: %v", g)
				}
			}},
		{name: "add member", in: intents.Intent{Kind: intents.AddGroupMember, User: "lock@company.com", Group: "Admins"},
			method: "PUT", path: "/api/v1/groups/00g2/users/00u3", before: "not a member",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if m := ids(find(fx.Groups, "00g2")["members"]); !slices.Contains(m, "00u3") {
					t.Errorf("Admins members = %v, want 00u3 among them", m)
				}
			}},
		{name: "remove member", in: intents.Intent{Kind: intents.RemoveGroupMember, User: "john@company.com", Group: "Admins"},
			method: "DELETE", path: "/api/v1/groups/00g2/users/00u1", before: "member",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if m := ids(find(fx.Groups, "00g2")["members"]); slices.Contains(m, "00u1") {
					t.Errorf("Admins members = %v, want no 00u1", m)
				}
			}},
		{name: "create app", in: intents.Intent{Kind: intents.CreateApp, Body: json.RawMessage(`{"name":"bookmark","label":"Runbooks","signOnMode":"BOOKMARK","settings":{"app":{"url":"https://runbooks.company.com","requestIntegration":false}}}`)},
			method: "POST", path: "/api/v1/apps", before: `no app labelled "Runbooks"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				a := findBy(fx.Apps, "Runbooks", "label")
				if a == nil || a["status"] != "ACTIVE" || at(a, "settings", "app", "url") != "https://runbooks.company.com" {
					t.Errorf("new app = %v", a)
				}
			}},
		{name: "update app merges", in: intents.Intent{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki"}`)},
			method: "PUT", path: "/api/v1/apps/0oa2", before: `label="Wiki"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				a := find(fx.Apps, "0oa2")
				if a["label"] != "Team Wiki" || at(a, "settings", "app", "url") != "https://wiki.company.com" || a["status"] != "INACTIVE" {
					t.Errorf("Wiki = %v, want the new label and everything else kept", a)
				}
			}},
		{name: "activate app", in: intents.Intent{Kind: intents.ActivateApp, App: "Wiki"},
			method: "POST", path: "/api/v1/apps/0oa2/lifecycle/activate", before: "INACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := find(fx.Apps, "0oa2")["status"]; s != "ACTIVE" {
					t.Errorf("Wiki is %v", s)
				}
			}},
		{name: "deactivate app", in: intents.Intent{Kind: intents.DeactivateApp, App: "Salesforce", Reason: "vendor breach"},
			method: "POST", path: "/api/v1/apps/0oa1/lifecycle/deactivate", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := find(fx.Apps, "0oa1")["status"]; s != "INACTIVE" {
					t.Errorf("Salesforce is %v", s)
				}
			}},
		{name: "create policy", in: intents.Intent{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"type":"OKTA_SIGN_ON","name":"Vendors","description":"Vendor sign-on"}`)},
			method: "POST", path: "/api/v1/policies", before: `no OKTA_SIGN_ON policy named "Vendors"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				p := findBy(fx.Policies, "Vendors", "name")
				if p == nil || p["type"] != "OKTA_SIGN_ON" || p["status"] != "ACTIVE" {
					t.Errorf("new policy = %v", p)
				}
			}},
		{name: "update policy", in: intents.Intent{Kind: intents.UpdatePolicy, Policy: "Contractors", Body: json.RawMessage(`{"description":"Contractors and vendors"}`)},
			method: "PUT", path: "/api/v1/policies/00p2", before: `description="Contractor sign-on"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				p := find(fx.Policies, "00p2")
				if p["description"] != "Contractors and vendors" || p["name"] != "Contractors" {
					t.Errorf("Contractors = %v", p)
				}
			}},
		{name: "activate policy", in: intents.Intent{Kind: intents.ActivatePolicy, Policy: "Dormant"},
			method: "POST", path: "/api/v1/policies/00p5/lifecycle/activate", before: "INACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := find(fx.Policies, "00p5")["status"]; s != "ACTIVE" {
					t.Errorf("Dormant is %v", s)
				}
			}},
		{name: "deactivate policy", in: intents.Intent{Kind: intents.DeactivatePolicy, Policy: "00p2"},
			method: "POST", path: "/api/v1/policies/00p2/lifecycle/deactivate", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := find(fx.Policies, "00p2")["status"]; s != "INACTIVE" {
					t.Errorf("Contractors is %v", s)
				}
			}},
		{name: "create rule", in: intents.Intent{Kind: intents.CreatePolicyRule, Policy: "Contractors", Body: json.RawMessage(`{"name":"Deny Tor","type":"SIGN_ON","actions":{"signon":{"access":"DENY"}}}`)},
			method: "POST", path: "/api/v1/policies/00p2/rules", before: `policy "Contractors" has no rule named "Deny Tor"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				var found bool
				for _, r := range find(fx.Policies, "00p2")["rules"].([]any) {
					found = found || r.(map[string]any)["name"] == "Deny Tor"
				}
				if !found {
					t.Error("no rule Deny Tor")
				}
			}},
		{name: "update rule merges", in: intents.Intent{Kind: intents.UpdatePolicyRule, Policy: "Contractors", Rule: "Require MFA", Body: json.RawMessage(`{"actions":{"signon":{"factorPromptMode":"SESSION"}}}`)},
			method: "PUT", path: "/api/v1/policies/00p2/rules/0pr2", before: `actions.signon.factorPromptMode="ALWAYS"`,
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				r := rule(fx, "00p2", "0pr2")
				if at(r, "actions", "signon", "factorPromptMode") != "SESSION" || at(r, "actions", "signon", "requireFactor") != true || at(r, "conditions", "network", "connection") != "ANYWHERE" {
					t.Errorf("Require MFA = %v", r)
				}
			}},
		{name: "activate rule", in: intents.Intent{Kind: intents.ActivatePolicyRule, Policy: "Contractors", Rule: "Block"},
			method: "POST", path: "/api/v1/policies/00p2/rules/0pr3/lifecycle/activate", before: "INACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := rule(fx, "00p2", "0pr3")["status"]; s != "ACTIVE" {
					t.Errorf("Block is %v", s)
				}
			}},
		{name: "deactivate rule", in: intents.Intent{Kind: intents.DeactivatePolicyRule, Policy: "Contractors", Rule: "0pr2"},
			method: "POST", path: "/api/v1/policies/00p2/rules/0pr2/lifecycle/deactivate", before: "ACTIVE",
			check: func(t *testing.T, h *harness, fx *oktasim.Fixture) {
				if s := rule(fx, "00p2", "0pr2")["status"]; s != "INACTIVE" {
					t.Errorf("Require MFA is %v", s)
				}
			}},
	}
	covered := map[intents.Kind]bool{}
	for _, tt := range tests {
		covered[tt.in.Kind] = true
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, setup{fixture: testOrg(), cfg: Config{Scopes: allScopes()}})
			ctx := t.Context()
			p, err := h.client.Preview(ctx, tt.in)
			if err != nil {
				t.Fatalf("Preview(%+v) error = %v", tt.in, err)
			}
			if p.Action.Kind != tt.in.Kind || p.Action.Reason != tt.in.Reason || p.Summary == "" || p.After == "" || p.After == p.Before {
				t.Errorf("Preview() = %+v: want the kind, the reason, a summary and a different After", p)
			}
			if tt.before != "" && p.Before != tt.before {
				t.Errorf("Preview().Before = %q, want %q", p.Before, tt.before)
			}
			if p.Scope != tt.in.Kind.Info().Scope || !p.Granted {
				t.Errorf("Preview() scope %q granted %v, want %q granted", p.Scope, p.Granted, tt.in.Kind.Info().Scope)
			}
			if n := len(h.writes(tt.method, tt.path)); n != 0 {
				t.Fatalf("Preview() changed Okta: %d %s %s", n, tt.method, tt.path)
			}
			out, err := h.client.Execute(ctx, p)
			if err != nil {
				t.Fatalf("Execute(%s) error = %v\ncalls: %q", p.Summary, err, h.sim.CallLog())
			}
			w := h.writes(tt.method, tt.path)
			if len(w) != 1 {
				t.Fatalf("Execute() sent %d %s %s, want 1; calls: %q", len(w), tt.method, tt.path, h.sim.CallLog())
			}
			if out.RequestID != w[0] || out.At.IsZero() || out.Before != p.Before {
				t.Errorf("Execute() = %+v: want request id %q, a time and Before", out, w[0])
			}
			tt.check(t, h, h.sim.Snapshot())

			// Again: a clear conflict, no second change.
			_, err = h.client.Execute(ctx, p)
			if !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("Execute() again: error = %v, want ErrConflict saying nothing was changed", err)
			}
			if n := len(h.writes(tt.method, tt.path)); n != 1 {
				t.Errorf("Execute() again sent the change: %d %s %s in all", n, tt.method, tt.path)
			}
		})
	}
	for _, k := range intents.Kinds() {
		if k.IsAction() && !covered[k] {
			t.Errorf("action kind %s has no test", k)
		}
	}
}

func TestPreviewRefusals(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg(), cfg: Config{Scopes: allScopes()}})
	tests := []struct {
		name   string
		in     intents.Intent
		want   error
		detail string
	}{
		{"suspend a suspended user", intents.Intent{Kind: intents.SuspendUser, User: "jane@company.com"}, intents.ErrConflict, "SUSPENDED"},
		{"unlock a user who is not locked", intents.Intent{Kind: intents.UnlockUser, User: "john@company.com"}, intents.ErrConflict, "LOCKED_OUT"},
		{"activate an active user", intents.Intent{Kind: intents.ActivateUser, User: "john@company.com"}, intents.ErrConflict, "ACTIVE"},
		{"deactivate a deprovisioned user", intents.Intent{Kind: intents.DeactivateUser, User: "gone@company.com"}, intents.ErrConflict, "DEPROVISIONED"},
		{"reset factors of a user without any", intents.Intent{Kind: intents.ResetFactors, User: "jane@company.com"}, intents.ErrConflict, "no enrolled factors"},
		{"create a taken login", intents.Intent{Kind: intents.CreateUser, User: "john@company.com", Fields: map[string]string{"firstName": "J", "lastName": "D"}}, intents.ErrConflict, "exists"},
		{"create a user without a name", intents.Intent{Kind: intents.CreateUser, User: "x@company.com"}, intents.ErrInvalid, "firstName"},
		{"update a user to what they have", intents.Intent{Kind: intents.UpdateUser, User: "john@company.com", Fields: map[string]string{"department": "Engineering"}}, intents.ErrConflict, "already has"},
		{"update a bad attribute name", intents.Intent{Kind: intents.UpdateUser, User: "john@company.com", Fields: map[string]string{"a b": "c"}}, intents.ErrInvalid, "attribute"},
		{"add a member twice", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "Admins"}, intents.ErrConflict, "already a member"},
		{"remove a non-member", intents.Intent{Kind: intents.RemoveGroupMember, User: "lock@company.com", Group: "Admins"}, intents.ErrConflict, "not a member"},
		{"change a built-in group", intents.Intent{Kind: intents.UpdateGroup, Group: "Everyone", Fields: map[string]string{"description": "x"}}, intents.ErrInvalid, "BUILT_IN"},
		{"add to an app group", intents.Intent{Kind: intents.AddGroupMember, User: "john@company.com", Group: "dup"}, intents.ErrInvalid, "APP_GROUP"},
		{"ambiguous group", intents.Intent{Kind: intents.DeleteGroup, Group: "Twin"}, intents.ErrInvalid, "00gX"},
		{"create a taken group name", intents.Intent{Kind: intents.CreateGroup, Group: "engineering"}, intents.ErrConflict, "exists"},
		{"group field that is not one", intents.Intent{Kind: intents.UpdateGroup, Group: "Engineering", Fields: map[string]string{"owner": "x"}}, intents.ErrInvalid, "owner"},
		{"activate an active app", intents.Intent{Kind: intents.ActivateApp, App: "Salesforce"}, intents.ErrConflict, "already ACTIVE"},
		{"create an app without a label", intents.Intent{Kind: intents.CreateApp, Body: json.RawMessage(`{"name":"bookmark","signOnMode":"BOOKMARK"}`)}, intents.ErrInvalid, "label"},
		{"create an app with a status", intents.Intent{Kind: intents.CreateApp, Body: json.RawMessage(`{"name":"b","label":"L","signOnMode":"BOOKMARK","status":"ACTIVE"}`)}, intents.ErrInvalid, "status"},
		{"update an app with a non-object", intents.Intent{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`[1]`)}, intents.ErrInvalid, "JSON object"},
		{"update an app to what it has", intents.Intent{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`{"label":"Wiki"}`)}, intents.ErrConflict, "already has"},
		{"deactivate the default policy", intents.Intent{Kind: intents.DeactivatePolicy, Policy: "Default Policy"}, intents.ErrInvalid, "default"},
		{"deactivate the default rule", intents.Intent{Kind: intents.DeactivatePolicyRule, Policy: "Default Policy", Rule: "Default Rule"}, intents.ErrInvalid, "default"},
		{"change a policy's type", intents.Intent{Kind: intents.UpdatePolicy, Policy: "Contractors", Body: json.RawMessage(`{"type":"PASSWORD"}`)}, intents.ErrInvalid, "type"},
		{"create a policy of no type", intents.Intent{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"name":"x","type":"NOPE"}`)}, intents.ErrInvalid, "NOPE"},
		{"create a taken rule name", intents.Intent{Kind: intents.CreatePolicyRule, Policy: "Contractors", Body: json.RawMessage(`{"name":"block"}`)}, intents.ErrConflict, "exists"},
		{"unknown rule", intents.Intent{Kind: intents.ActivatePolicyRule, Policy: "Contractors", Rule: "Nope"}, intents.ErrNotFound, "Nope"},
		{"not an action", intents.Intent{Kind: intents.ListUsers}, intents.ErrInvalid, "not an action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.Preview(t.Context(), tt.in)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("Preview(%+v) error = %v, want %v mentioning %q", tt.in, err, tt.want, tt.detail)
			}
		})
	}
	for _, u := range h.seen.all() {
		if !strings.HasPrefix(u, "GET ") && !strings.HasPrefix(u, "POST /oauth2/") {
			t.Errorf("a refused preview changed Okta: %s", u)
		}
	}
}

func TestPreviewImpact(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg(), cfg: Config{Scopes: allScopes()}})
	tests := []struct {
		in   intents.Intent
		want []string
	}{
		{intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"}, []string{"member of 3 groups: ", "1 app assignments: Salesforce"}},
		{intents.Intent{Kind: intents.DeleteGroup, Group: "Engineering"}, []string{"2 members lose the membership", "1 apps assigned through the group: Salesforce"}},
		{intents.Intent{Kind: intents.DeactivateApp, App: "Salesforce"}, []string{"2 assigned users can no longer sign in to it", "1 assigned groups"}},
		{intents.Intent{Kind: intents.RemoveGroupMember, User: "john@company.com", Group: "Engineering"}, []string{"loses (unless assigned otherwise) 1 apps assigned to the group: Salesforce"}},
		{intents.Intent{Kind: intents.DeactivatePolicy, Policy: "Contractors"}, []string{"its 2 rules stop applying: Require MFA, Block"}},
		{intents.Intent{Kind: intents.ResetFactors, User: "john@company.com"}, []string{"3 factors removed: push, signed_nonce, sms"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.in.Kind), func(t *testing.T) {
			p, err := h.client.Preview(t.Context(), tt.in)
			if err != nil {
				t.Fatalf("Preview(%+v) error = %v", tt.in, err)
			}
			got := strings.Join(p.Impact, " | ")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Preview(%s).Impact = %q, want %q in it", tt.in.Kind, got, w)
				}
			}
		})
	}
}

func TestExecuteDrift(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg(), cfg: Config{Scopes: allScopes()}})
	ctx := t.Context()
	stale, err := h.client.Preview(ctx, intents.Intent{Kind: intents.UpdateUser, User: "john@company.com", Fields: map[string]string{"department": "Finance"}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := h.client.Preview(ctx, intents.Intent{Kind: intents.UpdateUser, User: "john@company.com", Fields: map[string]string{"department": "Legal"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Execute(ctx, other); err != nil {
		t.Fatal(err)
	}
	_, err = h.client.Execute(ctx, stale)
	if !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), `expected department="Engineering", found department="Legal"`) {
		t.Fatalf("Execute(stale preview) error = %v, want ErrConflict stating expected and actual", err)
	}
	if got := at(find(h.sim.Snapshot().Users, "00u1"), "profile", "department"); got != "Legal" {
		t.Errorf("department = %v, want Legal (the stale change must not apply)", got)
	}

	gone, err := h.client.Preview(ctx, intents.Intent{Kind: intents.AddGroupMember, User: "lock@company.com", Group: "Admins"})
	if err != nil {
		t.Fatal(err)
	}
	del, err := h.client.Preview(ctx, intents.Intent{Kind: intents.DeleteGroup, Group: "Admins"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Execute(ctx, del); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.Execute(ctx, gone); !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), "no longer exists") {
		t.Errorf("Execute(add to a deleted group) error = %v, want ErrConflict: no longer exists", err)
	}
}
