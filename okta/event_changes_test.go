package okta

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
)

// TestDecodeChangeDetails: a target's changeDetails (the SDK's
// LogTargetChangeDetails: from and to objects holding the changed fields,
// nested as in the target) becomes one Change per field that differs.
func TestDecodeChangeDetails(t *testing.T) {
	target := `{"id":"0pr1","type":"PolicyRule","alternateId":"unknown","displayName":"Engineering: require MFA",
		"changeDetails":{
			"from":{"actions":{"signon":{"requireFactor":true,"factorPromptMode":"SESSION","session":{"maxSessionIdleMinutes":120}}},
				"conditions":{"people":{"groups":{"exclude":[]}}},"name":"same"},
			"to":{"actions":{"signon":{"requireFactor":false,"session":{"maxSessionIdleMinutes":720}}},
				"conditions":{"people":{"groups":{"exclude":["00g1"]}}},"name":"same","priority":null}}}`
	raw := json.RawMessage(`{"uuid":"u1","published":"2026-11-28T10:00:00.000Z","eventType":"policy.rule.update",
		"actor":{"id":"00u1","type":"User","alternateId":"lisa@company.com"},"target":[` + target + `]}`)

	// the shape is the SDK's own
	var sdk oktasdk.LogTarget
	if err := json.Unmarshal([]byte(target), &sdk); err != nil || sdk.ChangeDetails == nil || sdk.ChangeDetails.From == nil || sdk.ChangeDetails.To == nil {
		t.Fatalf("oktasdk.LogTarget does not read the changeDetails: %v, %+v", err, sdk.ChangeDetails)
	}

	e, err := decodeEvent(raw)
	if err != nil {
		t.Fatalf("decodeEvent() error = %v", err)
	}
	if len(e.Targets) != 1 {
		t.Fatalf("decodeEvent() targets = %+v", e.Targets)
	}
	j := func(s string) json.RawMessage { return json.RawMessage(s) }
	want := []intents.Change{
		{Path: "actions.signon.factorPromptMode", From: j(`"SESSION"`)},
		{Path: "actions.signon.requireFactor", From: j(`true`), To: j(`false`)},
		{Path: "actions.signon.session.maxSessionIdleMinutes", From: j(`120`), To: j(`720`)},
		{Path: "conditions.people.groups.exclude", From: j(`[]`), To: j(`["00g1"]`)},
	}
	if diff := cmp.Diff(want, e.Targets[0].Changes); diff != "" {
		t.Errorf("decodeEvent() changes (-want +got):\n%s", diff)
	}
	if c := e.Targets[0].Changes[0]; c.Field() != "factorPromptMode" || c.Before() != "SESSION" || c.After() != "" {
		t.Errorf("Change %+v: Field, Before, After = %q, %q, %q; want factorPromptMode, SESSION, \"\"", c, c.Field(), c.Before(), c.After())
	}
}

// TestDecodeChangeDetailsOdd: changeDetails that are absent, null, empty
// or not objects give no changes and never lose the event.
func TestDecodeChangeDetailsOdd(t *testing.T) {
	for _, cd := range []string{``, `,"changeDetails":null`, `,"changeDetails":{}`, `,"changeDetails":{"from":null,"to":{}}`,
		`,"changeDetails":{"from":"x","to":[1]}`, `,"changeDetails":"x"`, `,"changeDetails":[1]`,
		`,"changeDetails":{"from":{"a":1},"to":{"a":1}}`} {
		raw := json.RawMessage(`{"uuid":"u1","published":"2026-11-28T10:00:00.000Z","eventType":"policy.rule.update",
			"target":[{"id":"0pr1","type":"PolicyRule"` + cd + `}]}`)
		e, err := decodeEvent(raw)
		if err != nil || e.UUID != "u1" || len(e.Targets) != 1 {
			t.Errorf("decodeEvent(%s) = %+v, %v", cd, e, err)
			continue
		}
		if c := e.Targets[0].Changes; len(c) != 0 {
			t.Errorf("decodeEvent(%s) changes = %+v, want none", cd, c)
		}
	}
}
