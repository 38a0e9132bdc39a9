package okta

import (
	"errors"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

func logins(us []intents.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Login)
	}
	sort.Strings(out)
	return out
}

func groupNames(gs []intents.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	sort.Strings(out)
	return out
}

func appLabels(as []intents.App) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Label)
	}
	sort.Strings(out)
	return out
}

func eventIDs(es []intents.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.UUID)
	}
	sort.Strings(out)
	return out
}

// fixtureLogins lists the fixture's logins, sorted.
func fixtureLogins(fx *oktasim.Fixture, keep func(status string) bool) []string {
	var out []string
	for _, u := range fx.Users {
		p := u["profile"].(oktasim.Object)
		if keep == nil || keep(u["status"].(string)) {
			out = append(out, p["login"].(string))
		}
	}
	sort.Strings(out)
	return out
}

func TestQuery(t *testing.T) {
	fx := testOrg()
	h := newHarness(t, setup{fixture: fx})
	tests := []struct {
		name  string
		in    intents.Intent
		check func(t *testing.T, r intents.Result)
	}{
		{"list_users", intents.Intent{Kind: intents.ListUsers}, func(t *testing.T, r intents.Result) {
			// Okta lists DEPROVISIONED users only when asked for them.
			want := fixtureLogins(fx, func(s string) bool { return s != "DEPROVISIONED" })
			if diff := cmp.Diff(want, logins(r.Users)); diff != "" || r.Truncated {
				t.Errorf("users truncated %v (-want +got):\n%s", r.Truncated, diff)
			}
		}},
		{"list_users by text", intents.Intent{Kind: intents.ListUsers, Query: "jo"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"john@company.com"}, logins(r.Users)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		}},
		{"list_users by status", intents.Intent{Kind: intents.ListUsers, Status: "SUSPENDED"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"jane@company.com"}, logins(r.Users)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		}},
		{"list_users deprovisioned", intents.Intent{Kind: intents.ListUsers, Status: "deprovisioned"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"gone@company.com"}, logins(r.Users)); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		}},
		{"user_details", intents.Intent{Kind: intents.UserDetails, User: "john@company.com"}, func(t *testing.T, r intents.Result) {
			p := r.Profile
			if p == nil {
				t.Fatal("no profile")
			}
			u := p.User
			if u.ID != "00u1" || u.Status != "ACTIVE" || u.Name() != "John Doe" || u.Department != "Engineering" || u.Title != "SRE" || u.LastLogin.IsZero() {
				t.Errorf("user = %+v", u)
			}
			var factors []string
			for _, f := range p.Factors {
				factors = append(factors, f.Type+"/"+f.Name)
			}
			sort.Strings(factors)
			if diff := cmp.Diff([]string{"push/John's iPhone", "signed_nonce/John's Mac", "sms/+1 555 0100"}, factors); diff != "" {
				t.Errorf("factors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"Admins", "Engineering", "Everyone"}, groupNames(p.Groups)); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"Salesforce"}, appLabels(p.Apps)); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
		}},
		{"user_details by id", intents.Intent{Kind: intents.UserDetails, User: "00u2"}, func(t *testing.T, r intents.Result) {
			if r.Profile.User.Login != "jane@company.com" {
				t.Errorf("user = %+v", r.Profile.User)
			}
		}},
		{"user_details by an email that is not the login", intents.Intent{Kind: intents.UserDetails, User: "carol.kim@company.com"}, func(t *testing.T, r intents.Result) {
			if r.Profile.User.ID != "00u7" || r.Profile.User.Login != "carol" {
				t.Errorf("user = %+v", r.Profile.User)
			}
		}},
		{"list_groups", intents.Intent{Kind: intents.ListGroups}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"Admins", "Dup", "Engineering", "Everyone", "Twin", "Twin", "dup"}, groupNames(r.Groups)); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		}},
		{"list_groups by name", intents.Intent{Kind: intents.ListGroups, Query: "eng"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"Engineering"}, groupNames(r.Groups)); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		}},
		{"group_members", intents.Intent{Kind: intents.GroupMembers, Group: "Engineering"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"john@company.com", "lock@company.com"}, logins(r.Users)); diff != "" || r.Subject != "Engineering" {
				t.Errorf("members of %q (-want +got):\n%s", r.Subject, diff)
			}
		}},
		{"group_members by exact-case name", intents.Intent{Kind: intents.GroupMembers, Group: "Dup"}, func(t *testing.T, r intents.Result) {
			if r.Subject != "Dup" || len(r.Users) != 0 {
				t.Errorf("members of %q = %v", r.Subject, logins(r.Users))
			}
		}},
		{"group_apps", intents.Intent{Kind: intents.GroupApps, Group: "00g1"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"Salesforce"}, appLabels(r.Apps)); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
		}},
		{"list_apps keeps the app the SDK cannot decode", intents.Intent{Kind: intents.ListApps}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"Legacy", "Salesforce", "Wiki"}, appLabels(r.Apps)); diff != "" {
				t.Fatalf("apps (-want +got):\n%s", diff)
			}
			i := slices.IndexFunc(r.Apps, func(a intents.App) bool { return a.Label == "Legacy" })
			if a := r.Apps[i]; a.ID != "0oa3" || a.Status != "ACTIVE" || !strings.Contains(string(a.Raw), `"weird":"kept"`) {
				t.Errorf("Legacy app = %+v raw %s", a, a.Raw)
			}
		}},
		{"list_apps by status", intents.Intent{Kind: intents.ListApps, Status: "INACTIVE"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"Wiki"}, appLabels(r.Apps)); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
		}},
		{"app_details", intents.Intent{Kind: intents.AppDetails, App: "salesforce"}, func(t *testing.T, r intents.Result) {
			if len(r.Apps) != 1 || r.Apps[0].ID != "0oa1" || r.Apps[0].SignOnMode != "SAML_2_0" || !strings.Contains(string(r.Apps[0].Raw), "PRODUCTION") {
				t.Errorf("apps = %+v", r.Apps)
			}
		}},
		{"app_details of the undecodable app by id", intents.Intent{Kind: intents.AppDetails, App: "0oa3"}, func(t *testing.T, r intents.Result) {
			if len(r.Apps) != 1 || r.Apps[0].Label != "Legacy" || !strings.Contains(string(r.Apps[0].Raw), "weird") {
				t.Errorf("apps = %+v", r.Apps)
			}
		}},
		{"app_assignments", intents.Intent{Kind: intents.AppAssignments, App: "Salesforce"}, func(t *testing.T, r intents.Result) {
			var got []string
			for _, a := range r.Assignments {
				got = append(got, a.Type+":"+a.Name+":"+a.Scope)
			}
			sort.Strings(got)
			want := []string{"group:Engineering:", "user:john@company.com:USER", "user:lock@company.com:GROUP"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("assignments (-want +got):\n%s", diff)
			}
		}},
		{"list_policies of a type", intents.Intent{Kind: intents.ListPolicies, PolicyType: "okta_sign_on"}, func(t *testing.T, r intents.Result) {
			var got []string
			for _, p := range r.Policies {
				got = append(got, p.Name)
			}
			if diff := cmp.Diff([]string{"Contractors", "Default Policy", "Dormant"}, got); diff != "" {
				t.Errorf("policies by priority (-want +got):\n%s", diff)
			}
		}},
		{"list_policies capped", intents.Intent{Kind: intents.ListPolicies, Limit: 3}, func(t *testing.T, r intents.Result) {
			if len(r.Policies) != 3 || !r.Truncated {
				t.Errorf("%d policies, truncated %v; want 3, truncated", len(r.Policies), r.Truncated)
			}
		}},
		{"list_policies capped exactly", intents.Intent{Kind: intents.ListPolicies, Limit: 5}, func(t *testing.T, r intents.Result) {
			if len(r.Policies) != 5 || r.Truncated {
				t.Errorf("%d policies, truncated %v; want all 5, not truncated", len(r.Policies), r.Truncated)
			}
		}},
		{"list_policies of every type", intents.Intent{Kind: intents.ListPolicies}, func(t *testing.T, r intents.Result) {
			var got []string
			for _, p := range r.Policies {
				got = append(got, p.Type+":"+p.Name)
			}
			sort.Strings(got)
			want := []string{"MFA_ENROLL:MFA Enrollment", "OKTA_SIGN_ON:Contractors", "OKTA_SIGN_ON:Default Policy", "OKTA_SIGN_ON:Dormant", "PASSWORD:Default Password"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
		}},
		{"policy_rules", intents.Intent{Kind: intents.PolicyRules, Policy: "Contractors"}, func(t *testing.T, r intents.Result) {
			var got []string
			for _, rule := range r.Rules {
				got = append(got, rule.Name+"|"+rule.Status+"|"+rule.Summary)
			}
			want := []string{
				"Require MFA|ACTIVE|network ANYWHERE; sign-on ALLOW; require factor true; factor prompt ALWAYS",
				"Block|INACTIVE|sign-on DENY",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		}},
		{"policy_rules the SDK cannot decode", intents.Intent{Kind: intents.PolicyRules, Policy: "MFA Enrollment"}, func(t *testing.T, r intents.Result) {
			if len(r.Rules) != 1 || r.Rules[0].Name != "Enroll everyone" || r.Rules[0].Type != "MFA_ENROLL" || r.Rules[0].Summary != "enroll CHALLENGE" {
				t.Errorf("rules = %+v", r.Rules)
			}
		}},
		{"logs", intents.Intent{Kind: intents.Logs}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"ev-1", "ev-2", "ev-3", "ev-4"}, eventIDs(r.Events)); diff != "" {
				t.Errorf("events in 24h (-want +got):\n%s", diff)
			}
			for i := 1; i < len(r.Events); i++ {
				if r.Events[i].Published.After(r.Events[i-1].Published) {
					t.Errorf("events are not newest first")
				}
			}
		}},
		{"logs over a week", intents.Intent{Kind: intents.Logs, Window: intents.Week}, func(t *testing.T, r intents.Result) {
			if !slices.Contains(eventIDs(r.Events), "ev-old") {
				t.Errorf("events in 7d = %v, want ev-old among them", eventIDs(r.Events))
			}
		}},
		{"logs by type and outcome", intents.Intent{Kind: intents.Logs, EventType: "user.session.start", Outcome: "FAILURE"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"ev-2"}, eventIDs(r.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		}},
		{"logs by user", intents.Intent{Kind: intents.Logs, User: "john@company.com"}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"ev-1"}, eventIDs(r.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		}},
		{"admin_actions", intents.Intent{Kind: intents.AdminActions}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"ev-3"}, eventIDs(r.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		}},
		{"security_events", intents.Intent{Kind: intents.SecurityEvents}, func(t *testing.T, r intents.Result) {
			if diff := cmp.Diff([]string{"ev-4"}, eventIDs(r.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		}},
		{"status", intents.Intent{Kind: intents.Status}, func(t *testing.T, r intents.Result) {
			if r.Status == nil || !r.Status.AdminRole || r.Status.ClientID != testClientID {
				t.Errorf("status = %+v", r.Status)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := h.client.Query(t.Context(), tt.in)
			if err != nil {
				t.Fatalf("Query(%+v) error = %v", tt.in, err)
			}
			tt.check(t, r)
		})
	}
	if !strings.Contains(h.logs.String(), "decoded items to empty objects") {
		t.Errorf("the client never noticed the SDK dropping an item; log:\n%s", h.logs)
	}
}

func TestQueryErrors(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	tests := []struct {
		name   string
		in     intents.Intent
		want   error
		detail string
	}{
		{"unknown user", intents.Intent{Kind: intents.UserDetails, User: "nobody@company.com"}, intents.ErrNotFound, "nobody@company.com"},
		{"unknown group", intents.Intent{Kind: intents.GroupMembers, Group: "Nope"}, intents.ErrNotFound, "Nope"},
		{"ambiguous group", intents.Intent{Kind: intents.GroupMembers, Group: "Twin"}, intents.ErrInvalid, "Twin (00gX), Twin (00gY)"},
		{"unknown app", intents.Intent{Kind: intents.AppDetails, App: "Nope"}, intents.ErrNotFound, "Nope"},
		{"unknown policy type", intents.Intent{Kind: intents.ListPolicies, PolicyType: "FOO"}, intents.ErrInvalid, "FOO"},
		{"unknown rule policy", intents.Intent{Kind: intents.PolicyRules, Policy: "Nope"}, intents.ErrNotFound, "Nope"},
		{"not a query", intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"}, intents.ErrInvalid, "suspend_user"},
		{"bad cursor", intents.Intent{Kind: intents.ListUsers, After: "%%"}, intents.ErrInvalid, "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.Query(t.Context(), tt.in)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("Query(%+v) error = %v, want %v mentioning %q", tt.in, err, tt.want, tt.detail)
			}
		})
	}
}

// TestQueryLiteral sends a user argument that would change the meaning of
// an unescaped expression: it must reach Okta as one literal.
func TestQueryLiteral(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	const arg = `x" or profile.login sw "`
	r, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers, Query: arg})
	if err != nil {
		t.Fatalf("Query(list_users %q) error = %v", arg, err)
	}
	if len(r.Users) != 0 {
		t.Fatalf("Query(list_users %q) matched %v: the argument became part of the expression", arg, logins(r.Users))
	}
	const want = `(profile.login sw "x\" or profile.login sw \"" or profile.email sw "x\" or profile.login sw \"" or profile.firstName sw "x\" or profile.login sw \"" or profile.lastName sw "x\" or profile.login sw \"")`
	var searches []string
	for _, line := range h.seen.all() {
		f := strings.Fields(line)
		u, err := url.ParseRequestURI(f[1])
		if err != nil || u.Path != "/api/v1/users" {
			continue
		}
		if s := u.Query().Get("search"); s != "" {
			searches = append(searches, s)
		}
	}
	if !slices.Contains(searches, want) {
		t.Errorf("the simulator saw searches %q, want %q", searches, want)
	}
}

func TestNoAdminRole(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	h.sim.SetAdminRole(false)
	for _, in := range []intents.Intent{
		{Kind: intents.ListUsers},
		{Kind: intents.ListUsers, Query: "jo"},
		{Kind: intents.ListGroups},
		{Kind: intents.ListApps},
		{Kind: intents.GroupMembers, Group: "Engineering"},
	} {
		_, err := h.client.Query(t.Context(), in)
		if !errors.Is(err, intents.ErrNoAdminRole) || !strings.Contains(err.Error(), "Read-Only Administrator") {
			t.Errorf("Query(%+v) without an admin role: error = %v, want ErrNoAdminRole with the hint", in, err)
		}
	}
	st, err := h.client.Status(t.Context())
	if err != nil || st.AdminRole || st.AdminRoleNote == "" {
		t.Errorf("Status() = %+v, %v; want no admin role, with a note", st, err)
	}
	var got error
	for _, err := range h.client.Users(t.Context(), UserQuery{}) {
		got = err
	}
	if !errors.Is(got, intents.ErrNoAdminRole) {
		t.Errorf("Users() without an admin role ended with %v, want ErrNoAdminRole", got)
	}
}

func TestMissingScope(t *testing.T) {
	scopes := []string{intents.ScopeUsersRead, intents.ScopeGroupsRead, intents.ScopeRolesRead}
	h := newHarness(t, setup{fixture: testOrg(), app: oktasim.ServiceApp{Scopes: scopes}, cfg: Config{Scopes: scopes}})
	_, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"})
	e, ok := intents.AsError(err)
	if !ok || !errors.Is(err, intents.ErrForbidden) || e.Scope != intents.ScopePoliciesRead || e.RequestID == "" {
		t.Fatalf("Query(list_policies) error = %#v, want ErrForbidden naming %s with a request id", err, intents.ScopePoliciesRead)
	}
	p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.SuspendUser, User: "john@company.com"})
	if err != nil {
		t.Fatalf("Preview(suspend) error = %v", err)
	}
	if p.Granted || p.Scope != intents.ScopeUsersManage {
		t.Errorf("Preview(suspend) scope %q granted %v, want %s not granted", p.Scope, p.Granted, intents.ScopeUsersManage)
	}
	_, err = h.client.Execute(t.Context(), p)
	if e, ok := intents.AsError(err); !ok || e.Err != intents.ErrForbidden || e.Scope != intents.ScopeUsersManage {
		t.Errorf("Execute(suspend) error = %v, want ErrForbidden naming %s", err, intents.ScopeUsersManage)
	}
	if n := h.sim.Calls("POST", "/api/v1/users/00u1/lifecycle"); n != 0 {
		t.Errorf("Execute without the scope sent %d lifecycle calls", n)
	}
	// The token request asked for scopes the app lacks.
	h2 := newHarness(t, setup{fixture: testOrg(), app: oktasim.ServiceApp{Scopes: scopes}})
	_, err = h2.client.Query(t.Context(), intents.Intent{Kind: intents.ListUsers})
	if !errors.Is(err, intents.ErrForbidden) || !strings.Contains(err.Error(), "Okta API Scopes") {
		t.Errorf("Query() with ungranted scopes requested: error = %v, want ErrForbidden saying where to grant them", err)
	}
}
