package intents_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

// Only SUCCESS confirms a push.
func TestPushOutcomeConfirmed(t *testing.T) {
	for _, r := range []intents.PushResult{intents.PushSuccess, intents.PushRejected, intents.PushTimeout, "", "WAITING", "success"} {
		if got := (intents.PushOutcome{Result: r}).Confirmed(); got != (r == intents.PushSuccess) {
			t.Errorf("PushOutcome{Result: %q}.Confirmed() = %v", r, got)
		}
	}
}

// A missing push factor is an ErrNotFound that says why.
func TestNoPushFactorError(t *testing.T) {
	err := error(&intents.NoPushFactorError{Op: "okta: start push verification for 00u1", UserID: "00u1", Inactive: []string{"PENDING_ACTIVATION"}})
	want := "okta: start push verification for 00u1: no active Okta Verify push factor (an Okta Verify push factor is PENDING_ACTIVATION)"
	if !errors.Is(err, intents.ErrNotFound) || err.Error() != want {
		t.Fatalf("NoPushFactorError = %q (ErrNotFound %v), want %q", err, errors.Is(err, intents.ErrNotFound), want)
	}
}

// A PushTxn survives a store as JSON.
func TestPushTxnJSON(t *testing.T) {
	in := intents.PushTxn{ID: "v2mst.a", UserID: "00u1", FactorID: "opf1", Expires: time.Date(2026, 3, 2, 10, 5, 0, 0, time.UTC), Challenge: 42}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out intents.PushTxn
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Fatalf("PushTxn JSON round trip (-want +got):\n%s", diff)
	}
}

// TestDefaultStepUp: the default step-up set is the catalogue's, and
// membership changes join it only when admin groups may be changed.
func TestDefaultStepUp(t *testing.T) {
	base := intents.DefaultStepUp(false)
	for _, k := range []intents.Kind{intents.DeactivateUser, intents.ResetFactors, intents.ResetPassword, intents.ExpirePassword, intents.DeactivateApp, intents.DeactivatePolicy, intents.CreateUser, intents.DeleteGroup} {
		if !slices.Contains(base, k) {
			t.Errorf("intents.DefaultStepUp(false) lacks %s", k)
		}
	}
	for _, k := range []intents.Kind{intents.SuspendUser, intents.ClearSessions, intents.AddGroupMember, intents.UnlockUser} {
		if slices.Contains(base, k) {
			t.Errorf("intents.DefaultStepUp(false) has %s", k)
		}
	}
	if admin := intents.DefaultStepUp(true); !slices.Contains(admin, intents.AddGroupMember) || !slices.Contains(admin, intents.RemoveGroupMember) {
		t.Errorf("intents.DefaultStepUp(true) = %v, want the membership changes in it", admin)
	}
	for _, k := range intents.Catalogue {
		if k.StepUp != intents.StepUpNone && !k.Action {
			t.Errorf("%s steps up but is not an action", k.Kind)
		}
	}
}
