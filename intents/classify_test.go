package intents_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oktabot/oktabot/intents"
)

// TestFromArgs checks named arguments, as a model's tool call gives them,
// against the validators of the slash grammar.
func TestFromArgs(t *testing.T) {
	tests := []struct {
		name string
		kind intents.Kind
		args string
		want I
	}{
		{"user and window", intents.Investigate, `{"user":"john@company.com","window":"7d"}`, I{Kind: intents.Investigate, User: "john@company.com", Window: hrs(168)}},
		{"countries array", intents.SuspiciousLogins, `{"countries":["RU","north korea","Russia"],"window":"24h"}`, I{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}, Window: hrs(24)}},
		{"country with a comma in its alias", intents.SuspiciousLogins, `{"countries":["Korea, North"]}`, I{Kind: intents.SuspiciousLogins, Countries: []string{"North Korea"}}},
		{"countries as one string", intents.SuspiciousLogins, `{"countries":"RU, KP"}`, I{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}}},
		{"event type outcome limit", intents.Logs, `{"event_type":"user.session.start","outcome":"failure","limit":50}`, I{Kind: intents.Logs, EventType: "user.session.start", Outcome: "FAILURE", Limit: 50}},
		{"fields", intents.UpdateUser, `{"user":"jane@company.com","fields":{"department":"Finance","title":"VP, Sales"}}`, I{Kind: intents.UpdateUser, User: "jane@company.com", Fields: map[string]string{"department": "Finance", "title": "VP, Sales"}}},
		{"body", intents.CreateApp, `{"body":{"name":"bookmark","label":"Wiki"},"reason":"new wiki"}`, I{Kind: intents.CreateApp, Body: json.RawMessage(`{"name":"bookmark","label":"Wiki"}`), Reason: "new wiki"}},
		{"nulls and empty strings are absent", intents.SuspendUser, `{"user":"jdoe","reason":"","window":null}`, I{Kind: intents.SuspendUser, User: "jdoe"}},
		{"policy type alias", intents.ListPolicies, `{"policy_type":"sign-on"}`, I{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}},
		{"status", intents.ListUsers, `{"status":"locked out","query":"smith"}`, I{Kind: intents.ListUsers, Status: "LOCKED_OUT", Query: "smith"}},
		{"mention", intents.UserDetails, `{"user":"<@U024BE7LH>"}`, I{Kind: intents.UserDetails, User: "<@U024BE7LH>"}},
		{"no arguments", intents.MFAStatus, `{}`, I{Kind: intents.MFAStatus}},
		{"empty arguments", intents.Threats, ``, I{Kind: intents.Threats}},
		{"policy rule", intents.DeactivatePolicyRule, `{"policy":"Contractors","rule":"Require MFA"}`, I{Kind: intents.DeactivatePolicyRule, Policy: "Contractors", Rule: "Require MFA"}},
		{"proposal id", intents.ShowProposal, `{"id":"p-7Q2MXK"}`, I{Kind: intents.ShowProposal, ID: "p-7Q2MXK"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := intents.FromArgs(tt.kind, json.RawMessage(tt.args))
			if err != nil {
				t.Fatalf("FromArgs(%s, %s) error: %v", tt.kind, tt.args, err)
			}
			if diff := cmp.Diff(tt.want, got, sameJSON()); diff != "" {
				t.Errorf("FromArgs(%s, %s) (-want +got):\n%s", tt.kind, tt.args, diff)
			}
		})
	}
}

func TestFromArgsRejects(t *testing.T) {
	tests := []struct {
		name string
		kind intents.Kind
		args string
	}{
		{"unknown property", intents.UserDetails, `{"user":"jdoe","colour":"red"}`},
		{"an alias is not an argument name", intents.ListUsers, `{"q":"smith"}`},
		{"suggestions are not an argument", intents.Help, `{"suggestions":["/okta help"]}`},
		{"after is not an argument", intents.ListUsers, `{"after":"x"}`},
		{"argument the kind does not take", intents.ListUsers, `{"user":"jdoe"}`},
		{"body on a kind without one", intents.SuspendUser, `{"user":"jdoe","body":{}}`},
		{"window too long", intents.Logs, `{"window":"999d"}`},
		{"window not a duration", intents.Logs, `{"window":"yesterday"}`},
		{"window as a number", intents.Logs, `{"window":24}`},
		{"user with spaces", intents.SuspendUser, `{"user":"john smith"}`},
		{"user not a string", intents.SuspendUser, `{"user":42}`},
		{"limit too large", intents.Logs, `{"limit":5000}`},
		{"limit as a string", intents.Logs, `{"limit":"10"}`},
		{"limit not whole", intents.Logs, `{"limit":1.5}`},
		{"countries of numbers", intents.SuspiciousLogins, `{"countries":[1,2]}`},
		{"unknown country", intents.SuspiciousLogins, `{"countries":["Narnia"]}`},
		{"fields of numbers", intents.UpdateUser, `{"user":"jdoe","fields":{"age":1}}`},
		{"bad field name", intents.UpdateUser, `{"user":"jdoe","fields":{"first name":"x"}}`},
		{"body not an object", intents.CreateApp, `{"body":"{}"}`},
		{"body an array", intents.CreateApp, `{"body":[1]}`},
		{"missing required", intents.Investigate, `{}`},
		{"required given empty", intents.Investigate, `{"user":""}`},
		{"not an object", intents.Logs, `[]`},
		{"not JSON", intents.Logs, `{"window":`},
		{"two objects", intents.Logs, `{} {}`},
		{"bad event type", intents.Logs, `{"event_type":"user session"}`},
		{"bad outcome", intents.Logs, `{"outcome":"maybe"}`},
		{"bad policy type", intents.ListPolicies, `{"policy_type":"GROUP"}`},
		{"control characters", intents.GroupMembers, `{"group":"a\u0007b"}`},
		{"kind unknown", intents.Unknown, `{}`},
		{"kind not in the catalogue", intents.Kind("drop_tables"), `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := intents.FromArgs(tt.kind, json.RawMessage(tt.args))
			if !errors.Is(err, intents.ErrInvalid) {
				t.Fatalf("FromArgs(%s, %s) = %+v, %v; want ErrInvalid", tt.kind, tt.args, got, err)
			}
			if diff := cmp.Diff(I{}, got, sameJSON()); diff != "" {
				t.Errorf("FromArgs(%s, %s) returned a half-built intent with its error:\n%s", tt.kind, tt.args, diff)
			}
		})
	}
}
