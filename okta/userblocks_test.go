package okta

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/oktasim"
)

// blockedOrg is testOrg with an ACTIVE user blocked from unknown devices.
func blockedOrg() *oktasim.Fixture {
	fx := testOrg()
	fx.Users = append(fx.Users, oktasim.Object{"id": "00uB", "status": "ACTIVE", "created": "2026-01-05T10:00:00.000Z",
		"profile": oktasim.Object{"login": "blocked@company.com", "email": "blocked@company.com", "firstName": "Bo", "lastName": "Block"},
		"_blocks": []any{oktasim.Object{"type": "DEVICE_BASED", "appliesTo": "UNKNOWN_DEVICES"}}})
	return fx
}

func TestUnlockBlockedFromNewDevices(t *testing.T) {
	h := newHarness(t, setup{fixture: blockedOrg(), cfg: Config{Scopes: allScopes()}})
	ctx := t.Context()
	if b, err := h.client.userBlocks(ctx, "00uB"); err != nil || !slices.Equal(b, []string{"UNKNOWN_DEVICES"}) {
		t.Fatalf("userBlocks(blocked) = %v, %v; want UNKNOWN_DEVICES", b, err)
	}
	if b, err := h.client.userBlocks(ctx, "00u3"); err != nil || !slices.Equal(b, []string{"ANY_DEVICES"}) {
		t.Errorf("userBlocks(locked out) = %v, %v; want ANY_DEVICES", b, err)
	}

	_, err := h.client.Preview(ctx, intents.Intent{Kind: intents.UnlockUser, User: "john@company.com"})
	if !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), "not blocked from any device") {
		t.Errorf("Preview(unlock an ACTIVE user without a block) error = %v, want ErrConflict: not blocked", err)
	}

	p, err := h.client.Preview(ctx, intents.Intent{Kind: intents.UnlockUser, User: "blocked@company.com"})
	if err != nil {
		t.Fatalf("Preview(unlock a user blocked from new devices) error = %v", err)
	}
	if p.Before != blockedUnknown || p.After != "ACTIVE" || !strings.Contains(p.Summary, "unknown devices") || p.Action.User.ID != "00uB" {
		t.Errorf("Preview() = before %q, after %q, summary %q, user %+v", p.Before, p.After, p.Summary, p.Action.User)
	}
	out, err := h.client.Execute(ctx, p)
	if err != nil {
		t.Fatalf("Execute(unlock) error = %v", err)
	}
	if out.After != "ACTIVE" || out.RequestID == "" {
		t.Errorf("Execute(unlock) = %+v", out)
	}
	if b, err := h.client.userBlocks(ctx, "00uB"); err != nil || len(b) != 0 {
		t.Errorf("after the unlock, userBlocks = %v, %v; want none", b, err)
	}
	if got := at(find(h.sim.Snapshot().Users, "00uB"), "status"); got != "ACTIVE" {
		t.Errorf("after the unlock, status %v, want ACTIVE", got)
	}
	if _, err := h.client.Execute(ctx, p); !errors.Is(err, intents.ErrConflict) || !strings.Contains(err.Error(), "already done") {
		t.Errorf("Execute(unlock) again error = %v, want ErrConflict: already done", err)
	}
	if _, err := h.client.Preview(ctx, intents.Intent{Kind: intents.UnlockUser, User: "blocked@company.com"}); !errors.Is(err, intents.ErrConflict) {
		t.Errorf("Preview(unlock) after the unlock error = %v, want ErrConflict", err)
	}
}

func TestUserDetailsShowBlocks(t *testing.T) {
	h := newHarness(t, setup{fixture: blockedOrg()})
	for login, want := range map[string][]string{"blocked@company.com": {"UNKNOWN_DEVICES"}, "lock@company.com": {"ANY_DEVICES"}, "john@company.com": nil} {
		res, err := h.client.Query(t.Context(), intents.Intent{Kind: intents.UserDetails, User: login})
		if err != nil {
			t.Fatalf("Query(user %s) error = %v", login, err)
		}
		if !slices.Equal(res.Profile.Blocks, want) {
			t.Errorf("Query(user %s).Profile.Blocks = %v, want %v", login, res.Profile.Blocks, want)
		}
	}
}
