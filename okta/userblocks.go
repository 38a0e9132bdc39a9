package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// Users blocked from new devices. With "Block suspicious password attempts
// from unknown devices" on, Okta answers too many wrong passwords from an
// unknown device by blocking the user on unknown devices only: the user
// stays ACTIVE, signs in from known devices, and the System Log says
// "Account Locked from New Devices - Max sign-in attempts exceeded.".
// GET /api/v1/users/{id}/blocks lists the block ({"type": "DEVICE_BASED",
// "appliesTo": "UNKNOWN_DEVICES"}), and Okta's unlock clears it like a
// lockout.

// blockedUnknown is the state of an ACTIVE user blocked from unknown
// devices, in the words of a preview's Before.
const blockedUnknown = "ACTIVE, blocked from unknown devices"

// userBlocks lists how a user is blocked: the appliesTo of each block
// (UNKNOWN_DEVICES, ANY_DEVICES), sorted.
func (c *Client) userBlocks(ctx context.Context, id string) ([]string, error) {
	op := "list blocks of " + id
	_, body, err := c.sdkCall(ctx, op, intents.ScopeUsersRead, func(ctx context.Context) (*oktasdk.APIResponse, error) {
		_, resp, err := c.api.UserAPI.ListUserBlocks(ctx, id).Execute()
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	var blocks []struct {
		Type      string `json:"type"`
		AppliesTo string `json:"appliesTo"`
	}
	if err := json.Unmarshal(body, &blocks); err != nil {
		return nil, &intents.Error{Err: intents.ErrUnavailable, Op: "okta: " + op, Detail: "Okta's answer is not a list of blocks"}
	}
	var out []string
	for _, b := range blocks {
		if b.AppliesTo != "" && !slices.Contains(out, b.AppliesTo) {
			out = append(out, b.AppliesTo)
		}
	}
	slices.Sort(out)
	return out, nil
}

// unlockable reports an unlock_user that applies to an ACTIVE user because
// Okta blocks the user from unknown devices (blocks as userBlocks lists
// them).
func unlockable(k intents.Kind, status string, blocks []string) bool {
	return k == intents.UnlockUser && status == "ACTIVE" && slices.Contains(blocks, "UNKNOWN_DEVICES")
}

// unlockState is a user's state for unlock_user: the status, and for an
// ACTIVE user whether it is blocked from unknown devices.
func (c *Client) unlockState(ctx context.Context, u intents.User) (string, error) {
	if u.Status != "ACTIVE" {
		return u.Status, nil
	}
	blocks, err := c.userBlocks(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if slices.Contains(blocks, "UNKNOWN_DEVICES") {
		return blockedUnknown, nil
	}
	return u.Status, nil
}

// unlockUserSpec unlocks a LOCKED_OUT user, or an ACTIVE user blocked from
// unknown devices; it refuses any other user, saying why.
func unlockUserSpec() actionSpec {
	lc := lifecycleOf(intents.UnlockUser)
	spec := statusSpec(intents.UnlockUser)
	spec.prepare = func(ctx context.Context, c *Client, in intents.Intent) (intents.Preview, error) {
		u, err := c.ResolveUser(ctx, in.User)
		if err != nil {
			return intents.Preview{}, err
		}
		before, err := c.unlockState(ctx, u)
		if err != nil {
			return intents.Preview{}, err
		}
		summary := fmt.Sprintf("Unlock %s (%s): %s → ACTIVE", u.Login, u.Name(), u.Status)
		switch before {
		case "LOCKED_OUT":
		case blockedUnknown:
			summary = fmt.Sprintf("Unlock %s (%s): clear the block on sign-ins from unknown devices (the user is ACTIVE and can already sign in from known devices)", u.Login, u.Name())
		case "ACTIVE":
			return intents.Preview{}, conflict("unlock_user "+u.Login, fmt.Sprintf("%s is ACTIVE and not blocked from any device: there is nothing to unlock (unlock applies to %s users and to ACTIVE users blocked from unknown devices)",
				u.Login, strings.Join(lc.from, " or ")))
		default:
			return intents.Preview{}, conflict("unlock_user "+u.Login, fmt.Sprintf("%s is %s; unlock applies to %s users and to ACTIVE users blocked from unknown devices",
				u.Login, u.Status, strings.Join(lc.from, " or ")))
		}
		impact, err := c.userImpact(ctx, u)
		if err != nil {
			return intents.Preview{}, err
		}
		return intents.Preview{Action: intents.Action{User: userRef(u)}, Summary: summary, Before: before, After: "ACTIVE", Impact: impact}, nil
	}
	spec.state = func(ctx context.Context, c *Client, a intents.Action) (string, error) {
		u, err := actionUser(ctx, c, a)
		if err != nil {
			return "", err
		}
		return c.unlockState(ctx, u)
	}
	return spec
}
