package okta

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeAuthenticatorContext: Okta FastPass's caller, logged in
// authenticationContext.authenticatorContext, reaches Debug as
// authenticatorContext.<field> beside debugData; an event without it
// keeps debugData as it is.
func TestDecodeAuthenticatorContext(t *testing.T) {
	raw := json.RawMessage(`{"uuid":"u1","published":"2026-11-28T10:00:00.000Z","eventType":"user.authentication.auth_via_mfa",
		"actor":{"id":"00u1","type":"User","alternateId":"john@company.com"},"outcome":{"result":"SUCCESS"},
		"authenticationContext":{"externalSessionId":"idx1","authenticatorContext":{"bindingMethod":"LOOPBACK",
			"validationStatus":"NO_SIGNATURE","binaryIdentifier":"agent","callerBinaryPid":4242,"unknownField":null}},
		"debugContext":{"debugData":{"factor":"SIGNED_NONCE"}}}`)
	e, err := decodeEvent(raw)
	if err != nil {
		t.Fatalf("decodeEvent() error = %v", err)
	}
	want := map[string]string{
		"factor":                                "SIGNED_NONCE",
		"authenticatorContext.bindingMethod":    "LOOPBACK",
		"authenticatorContext.validationStatus": "NO_SIGNATURE",
		"authenticatorContext.binaryIdentifier": "agent",
		"authenticatorContext.callerBinaryPid":  "4242",
	}
	if diff := cmp.Diff(want, e.Debug); diff != "" {
		t.Errorf("decodeEvent() Debug (-want +got):\n%s", diff)
	}
	if e.SessionID != "idx1" {
		t.Errorf("decodeEvent() SessionID = %q, want idx1", e.SessionID)
	}

	plain, err := decodeEvent(json.RawMessage(`{"uuid":"u2","published":"2026-11-28T10:00:00.000Z","eventType":"user.session.start",
		"authenticationContext":{"externalSessionId":"idx2"},"debugContext":{"debugData":{"dtHash":"ab"}}}`))
	if err != nil {
		t.Fatalf("decodeEvent(no authenticatorContext) error = %v", err)
	}
	if diff := cmp.Diff(map[string]string{"dtHash": "ab"}, plain.Debug); diff != "" {
		t.Errorf("decodeEvent(no authenticatorContext) Debug (-want +got):\n%s", diff)
	}
}
