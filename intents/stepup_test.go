package intents_test

import (
	"encoding/json"
	"errors"
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
