package okta

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	oktasdk "github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/okta/detect"
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

// TestPolicyActionJSON: Okta writes an authentication policy rule's
// actions in changeDetails as policyRuleActionJson, a JSON object in a
// string (the field Okta's "Authentication Policy MFA Downgrade" reads).
// Its fields are changes like any other, so a rule moving from two
// factors to one scores far above a rename.
func TestPolicyActionJSON(t *testing.T) {
	action := func(mode string) string {
		j, _ := json.Marshal(`{"appSignOn":{"access":"ALLOW","verificationMethod":{"factorMode":"` + mode +
			`","type":"ASSURANCE","reauthenticateIn":"PT2H","constraints":[{"knowledge":{"types":["password"]}}]}}}`)
		return string(j)
	}
	event := func(uuid, changes string) json.RawMessage {
		return json.RawMessage(`{"uuid":"` + uuid + `","published":"2026-11-24T14:00:00.000Z","eventType":"policy.rule.update",
			"actor":{"id":"00u1","type":"User","alternateId":"lisa@company.com","displayName":"Lisa"},
			"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"198.51.100.7"},
			"target":[{"id":"0pr2","type":"PolicyRule","alternateId":"unknown","displayName":"Password manager",
				"detailEntry":{"policyType":"ACCESS_POLICY"},"changeDetails":` + changes + `},
				{"id":"rst2","type":"PolicyEntity","alternateId":"unknown","displayName":"Password manager policy",
				"detailEntry":{"policyType":"ACCESS_POLICY"}}]}`)
	}
	run := func(raw json.RawMessage) intents.Finding {
		t.Helper()
		var sdk oktasdk.LogEvent
		if err := json.Unmarshal(raw, &sdk); err != nil {
			t.Fatalf("oktasdk.LogEvent does not read the event: %v", err)
		}
		e, err := decodeEvent(raw)
		if err != nil {
			t.Fatalf("decodeEvent() error = %v", err)
		}
		fs := detect.Run(detect.DefaultConfig(), []intents.Event{e})
		if len(fs) != 1 {
			t.Fatalf("detect.Run() = %+v, want one finding", fs)
		}
		return fs[0]
	}
	down := run(event("down", `{"from":{"policyRuleActionJson":`+action("2FA")+`},"to":{"policyRuleActionJson":`+action("1FA")+`}}`))
	rename := run(event("rename", `{"from":{"name":"Password manager"},"to":{"name":"Password manager (all)"}}`))
	if down.Score < rename.Score+20 || down.Severity != intents.SeverityHigh {
		t.Errorf("2FA → 1FA scores %d (%s), a rename %d; want High and at least 20 above: %+v", down.Score, down.Severity,
			rename.Score, down.Evidence)
	}
	if !strings.Contains(down.Summary, "weakened") || !strings.Contains(down.Summary, "factorMode: 2FA → 1FA") {
		t.Errorf("downgrade summary %q: want it weakened, naming factorMode", down.Summary)
	}
}
