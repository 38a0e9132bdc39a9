package okta

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// statusOrg is testOrg with a PASSWORD_EXPIRED and a RECOVERY user and
// STAGED users with a password, federated, and without either.
func statusOrg() *oktasim.Fixture {
	fx := testOrg()
	type O = oktasim.Object
	user := func(id, login, status string, creds O) O {
		u := O{"id": id, "status": status, "profile": O{"login": login, "email": login, "firstName": "X", "lastName": id}}
		if creds != nil {
			u["credentials"] = creds
		}
		return u
	}
	fx.Users = append(fx.Users,
		user("00uX1", "expired@company.com", "PASSWORD_EXPIRED", O{"password": O{}}),
		user("00uX2", "recover@company.com", "RECOVERY", O{"password": O{}}),
		user("00uX3", "withpw@company.com", "STAGED", O{"password": O{}}),
		user("00uX4", "fed@company.com", "STAGED", O{"provider": O{"type": "FEDERATION", "name": "FEDERATION"}}),
	)
	return fx
}

// PASSWORD_EXPIRED and RECOVERY users are listed and shown with their
// status, and the lifecycle previews treat them as Okta does.
func TestPasswordExpiredAndRecoveryUsers(t *testing.T) {
	h := newHarness(t, setup{fixture: statusOrg()})
	ctx := t.Context()
	for status, login := range map[string]string{"PASSWORD_EXPIRED": "expired@company.com", "RECOVERY": "recover@company.com"} {
		r, err := h.client.Query(ctx, intents.Intent{Kind: intents.ListUsers, Status: status})
		if err != nil || len(r.Users) != 1 || r.Users[0].Login != login || r.Users[0].Status != status {
			t.Errorf("Query(list_users status %s) = %v, %v; want %s", status, r.Users, err, login)
		}
		r, err = h.client.Query(ctx, intents.Intent{Kind: intents.UserDetails, User: login})
		if err != nil || r.Profile.User.Status != status {
			t.Errorf("Query(user %s) status = %v, %v; want %s", login, r.Profile, err, status)
		}
		// Okta suspends only ACTIVE users: refused, saying how to stop them.
		_, err = h.client.Preview(ctx, intents.Intent{Kind: intents.SuspendUser, User: login})
		if !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), status+"; suspend applies to ACTIVE users") ||
			!strings.Contains(err.Error(), "deactivate them") {
			t.Errorf("Preview(suspend %s) error = %v, want a conflict saying only ACTIVE users and how to stop them", status, err)
		}
		if _, err := h.client.Preview(ctx, intents.Intent{Kind: intents.UnsuspendUser, User: login}); !errors.Is(err, intents.ErrConflict) {
			t.Errorf("Preview(unsuspend %s) error = %v, want a conflict", status, err)
		}
		p, err := h.client.Preview(ctx, intents.Intent{Kind: intents.DeactivateUser, User: login})
		if err != nil || p.Before != status || p.After != "DEPROVISIONED" {
			t.Errorf("Preview(deactivate %s) = %q → %q, %v; want %s → DEPROVISIONED", login, p.Before, p.After, err, status)
		}
	}
	if n := h.sim.Calls("POST", "/api/v1/users/00uX"); n != 0 {
		t.Errorf("previews sent %d lifecycle calls", n)
	}
}

// A proposal drifts when Okta moves the user to PASSWORD_EXPIRED or
// RECOVERY after it was made: execution refuses and changes nothing.
func TestDriftToPasswordExpiredOrRecovery(t *testing.T) {
	ctx := t.Context()
	for _, tt := range []struct {
		kind intents.Kind
		op   string // what an admin does in Okta meanwhile
		want string
	}{
		{intents.SuspendUser, "expire_password", "PASSWORD_EXPIRED"},
		{intents.DeactivateUser, "reset_password", "RECOVERY"},
	} {
		h := newHarness(t, setup{fixture: statusOrg()})
		p, err := h.client.Preview(ctx, intents.Intent{Kind: tt.kind, User: "john@company.com"})
		if err != nil || p.Before != "ACTIVE" {
			t.Fatalf("Preview(%s john) = %+v, %v", tt.kind, p, err)
		}
		// Another Okta admin, through Okta's own SDK.
		var err2 error
		if tt.op == "expire_password" {
			_, _, err2 = h.client.api.UserAPI.ExpirePassword(ctx, "00u1").Execute()
		} else {
			_, _, err2 = h.client.api.UserAPI.GenerateResetPasswordToken(ctx, "00u1").SendEmail(false).Execute()
		}
		if err2 != nil {
			t.Fatalf("%s through the SDK: %v", tt.op, err2)
		}
		if _, err := h.client.Execute(ctx, p); !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Execute(%s) after %s: error = %v, want a conflict naming %s", tt.kind, tt.op, err, tt.want)
		}
		u := find(h.sim.Snapshot().Users, "00u1")
		if u["status"] != tt.want {
			t.Errorf("john is %v after the refused %s, want %s", u["status"], tt.kind, tt.want)
		}
	}
}

// Activate makes a user with a password, or who signs in elsewhere,
// ACTIVE, and says so; one without a password is PROVISIONED.
func TestActivatePreviewByCredential(t *testing.T) {
	for _, tt := range []struct {
		login, id, after, summary string
	}{
		{"withpw@company.com", "00uX3", "ACTIVE", "STAGED → ACTIVE; they already have a password"},
		{"fed@company.com", "00uX4", "ACTIVE", "STAGED → ACTIVE; they sign in through FEDERATION"},
		{"stage@company.com", "00u4", "PROVISIONED", "STAGED → PROVISIONED, Okta emails an activation link"},
	} {
		h := newHarness(t, setup{fixture: statusOrg()})
		p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.ActivateUser, User: tt.login})
		if err != nil || !strings.HasPrefix(p.After, tt.after) || !strings.Contains(p.Summary, tt.summary) {
			t.Errorf("Preview(activate %s) = %q / %q, %v; want after %s and %q", tt.login, p.Summary, p.After, err, tt.after, tt.summary)
			continue
		}
		out, err := h.client.Execute(t.Context(), p)
		if err != nil || out.After != tt.after {
			t.Errorf("Execute(activate %s) = %+v, %v; want %s", tt.login, out, err, tt.after)
		}
		if s := find(h.sim.Snapshot().Users, tt.id)["status"]; s != tt.after {
			t.Errorf("%s is %v after activation, want %s", tt.login, s, tt.after)
		}
	}
}

// The clear-sessions preview says what Okta ends and revokes, and what it
// does not end.
func TestClearSessionsPreviewScope(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.ClearSessions, User: "john@company.com"})
	if err != nil {
		t.Fatal(err)
	}
	all := p.Summary + "\n" + p.After + "\n" + strings.Join(p.Impact, "\n")
	for _, want := range []string{"End the Okta sessions", "revoke the OAuth 2.0 and OpenID Connect access and refresh tokens",
		"Sessions that web and native apps keep themselves are not ended", "app sessions untouched", "remembered MFA devices"} {
		if !strings.Contains(all, want) {
			t.Errorf("clear-sessions preview lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "every session") || strings.Contains(all, "all sessions") {
		t.Errorf("clear-sessions preview still claims every session ends:\n%s", all)
	}
	if !slices.ContainsFunc(p.Impact, func(s string) bool { return strings.HasPrefix(s, "not ended:") }) {
		t.Errorf("clear-sessions impact %q has no 'not ended' line", p.Impact)
	}
}

// A role that cannot read the System Log leaves the last clear unknown
// rather than failing the proposal.
func TestClearSessionsPreviewWithoutLogAccess(t *testing.T) {
	h := newHarness(t, setup{fixture: testOrg()})
	h.failOnce("GET", "/api/v1/logs", 403)
	p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.ClearSessions, User: "john@company.com"})
	if err != nil || p.Before != "sessions last cleared: unknown (the admin role cannot read the System Log)" {
		t.Errorf("Preview(clear sessions) with the System Log refused = %q, %v", p.Before, err)
	}
}
