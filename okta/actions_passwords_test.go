package okta

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// passwordOrg is statusOrg with an ACTIVE federated user and factors for
// jane (SUSPENDED) and the federated user.
func passwordOrg() *oktasim.Fixture {
	fx := statusOrg()
	type O = oktasim.Object
	fx.Users = append(fx.Users, O{"id": "00uF1", "status": "ACTIVE",
		"profile":     O{"login": "idp@company.com", "email": "idp@company.com", "firstName": "Ida", "lastName": "Pee"},
		"credentials": O{"provider": O{"type": "FEDERATION", "name": "FEDERATION"}}})
	fx.Users[1]["credentials"] = O{"password": O{}} // jane
	fx.Factors["00u2"] = []O{{"id": "opf2", "factorType": "push", "provider": "OKTA", "status": "ACTIVE"}}
	fx.Factors["00uF1"] = []O{{"id": "opf3", "factorType": "push", "provider": "OKTA", "status": "ACTIVE"}}
	return fx
}

// Expire and reset apply where Okta allows them and where the password is
// Okta's; elsewhere the preview is refused saying why, and nothing is sent.
func TestPasswordActionRefusals(t *testing.T) {
	h := newHarness(t, setup{fixture: passwordOrg(), cfg: Config{Scopes: allScopes()}})
	tests := []struct {
		name   string
		in     intents.Intent
		detail string
	}{
		{"expire an expired password", intents.Intent{Kind: intents.ExpirePassword, User: "expired@company.com"}, "already expired"},
		{"expire during a reset", intents.Intent{Kind: intents.ExpirePassword, User: "recover@company.com"}, "reset is already under way"},
		{"expire a locked-out user", intents.Intent{Kind: intents.ExpirePassword, User: "lock@company.com"}, "Unlock them first"},
		{"expire a suspended user", intents.Intent{Kind: intents.ExpirePassword, User: "jane@company.com"}, "SUSPENDED; expiring a password applies to ACTIVE users"},
		{"expire without a password", intents.Intent{Kind: intents.ExpirePassword, User: "carol"}, "no Okta password"},
		{"expire a federated user", intents.Intent{Kind: intents.ExpirePassword, User: "idp@company.com"}, "identity provider (FEDERATION)"},
		{"reset a suspended user", intents.Intent{Kind: intents.ResetPassword, User: "jane@company.com"}, "unsuspend them first"},
		{"reset a staged user", intents.Intent{Kind: intents.ResetPassword, User: "stage@company.com"}, "activate them instead"},
		{"reset a deprovisioned user", intents.Intent{Kind: intents.ResetPassword, User: "gone@company.com"}, "DEPROVISIONED; a password reset applies to ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT, RECOVERY users"},
		{"reset a federated user", intents.Intent{Kind: intents.ResetPassword, User: "idp@company.com"}, "identity provider (FEDERATION)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.Preview(t.Context(), tt.in)
			if !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("Preview(%s %s) error = %v, want a conflict mentioning %q", tt.in.Kind, tt.in.User, err, tt.detail)
			}
		})
	}
	if n := h.sim.Calls("POST", "/api/v1/users/"); n != 0 {
		t.Errorf("refused previews sent %d lifecycle calls", n)
	}
}

// The previews say what the approver must know: an expired password still
// signs in once, and the reset link goes to the user's mailbox while open
// sessions stay. A reset applies to LOCKED_OUT and RECOVERY users too.
func TestPasswordActionPreviews(t *testing.T) {
	h := newHarness(t, setup{fixture: passwordOrg(), cfg: Config{Scopes: allScopes()}})
	tests := []struct {
		in            intents.Intent
		before, after string
		impact        []string
	}{
		{intents.Intent{Kind: intents.ExpirePassword, User: "john@company.com"}, "ACTIVE", "PASSWORD_EXPIRED",
			[]string{"still works at the next sign-in, once", "/okta reset-password john@company.com", "member of 3 groups"}},
		{intents.Intent{Kind: intents.ResetPassword, User: "john@company.com"}, "ACTIVE", "RECOVERY",
			[]string{"the reset link goes to john@company.com", "/okta clear-sessions john@company.com", "1 app assignments"}},
		{intents.Intent{Kind: intents.ResetPassword, User: "lock@company.com"}, "LOCKED_OUT", "RECOVERY",
			[]string{"the reset link goes to lock@company.com"}},
		{intents.Intent{Kind: intents.ResetPassword, User: "expired@company.com"}, "PASSWORD_EXPIRED", "RECOVERY", nil},
		{intents.Intent{Kind: intents.ResetPassword, User: "recover@company.com"}, "RECOVERY", "RECOVERY",
			[]string{"already under way: this sends a new email"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.in.Kind)+" "+tt.in.User, func(t *testing.T) {
			p, err := h.client.Preview(t.Context(), tt.in)
			if err != nil {
				t.Fatalf("Preview() error = %v", err)
			}
			if p.Before != tt.before || p.After != tt.after || p.Scope != intents.ScopeUsersManage {
				t.Errorf("Preview() = %s → %s (scope %s), want %s → %s (okta.users.manage)", p.Before, p.After, p.Scope, tt.before, tt.after)
			}
			got := strings.Join(p.Impact, " | ")
			for _, w := range tt.impact {
				if !strings.Contains(got, w) {
					t.Errorf("Preview().Impact = %q, want %q in it", got, w)
				}
			}
		})
	}
}

// Resetting factors warns that whoever holds the password enrolls the next
// factor, and names the companions that close it: clear sessions and reset
// the password where Okta allows a reset, clear sessions alone elsewhere.
func TestResetFactorsWarning(t *testing.T) {
	h := newHarness(t, setup{fixture: passwordOrg(), cfg: Config{Scopes: allScopes()}})
	tests := []struct {
		user       string
		warning    string
		companions []intents.Kind
	}{
		{"john@company.com", "Whoever holds the password of john@company.com can then sign in and enroll a new factor",
			[]intents.Kind{intents.ClearSessions, intents.ResetPassword}},
		{"jane@company.com", "their password cannot be reset while they are SUSPENDED", []intents.Kind{intents.ClearSessions}},
		{"idp@company.com", "through FEDERATION can then enroll a new factor", []intents.Kind{intents.ClearSessions}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			p, err := h.client.Preview(t.Context(), intents.Intent{Kind: intents.ResetFactors, User: tt.user})
			if err != nil {
				t.Fatalf("Preview(reset_factors %s) error = %v", tt.user, err)
			}
			if !strings.Contains(p.Warning, tt.warning) {
				t.Errorf("Preview().Warning = %q, want %q in it", p.Warning, tt.warning)
			}
			if !slices.Equal(p.Companions, tt.companions) {
				t.Errorf("Preview().Companions = %v, want %v", p.Companions, tt.companions)
			}
		})
	}
}

// Okta refuses a user operation in the wrong status with a 403 of its own
// code: that is a conflict with the state, not a missing permission.
func TestStatusRefusalIsConflict(t *testing.T) {
	for _, tt := range []struct {
		body string
		want error
	}{
		{`{"errorCode":"E0000017","errorSummary":"Password reset failed","errorCauses":[{"errorSummary":"Reset password is not allowed in the user's current status"}]}`, intents.ErrConflict},
		{`{"errorCode":"E0000038","errorSummary":"This operation is not allowed in the user's current status."}`, intents.ErrConflict},
		{`{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action"}`, intents.ErrForbidden},
	} {
		err := statusError("okta: reset password of john", intents.ScopeUsersManage, http.StatusForbidden, nil, []byte(tt.body))
		if !errors.Is(err, tt.want) {
			t.Errorf("statusError(403 %s) = %v, want %v", tt.body, err, tt.want)
		}
	}
}
