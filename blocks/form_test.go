package blocks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
	"github.com/slack-go/slack"
)

// slackState is the view.state Slack sends when v is submitted: every
// input, untouched ones with their initial value, empty ones as null;
// values overrides what the person typed ("" clears). For the activate
// checkbox, "on" or "off". A value for an input v does not have fails the
// test.
func slackState(t *testing.T, v slack.ModalViewRequest, values map[string]string) *slack.ViewState {
	t.Helper()
	state := map[string]map[string]any{}
	seen := map[string]bool{}
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		typed, given := values[in.BlockID]
		seen[in.BlockID] = given
		switch el := in.Element.(type) {
		case *slack.PlainTextInputBlockElement:
			val := any(nil)
			switch {
			case given && typed != "":
				val = typed
			case !given && el.InitialValue != "":
				val = el.InitialValue
			}
			state[in.BlockID] = map[string]any{el.ActionID: map[string]any{"type": "plain_text_input", "value": val}}
		case *slack.CheckboxGroupsBlockElement:
			selected := el.InitialOptions
			if given {
				selected = nil
				if typed == "on" {
					selected = el.Options
				}
			}
			if selected == nil {
				selected = []*slack.OptionBlockObject{}
			}
			state[in.BlockID] = map[string]any{el.ActionID: map[string]any{"type": "checkboxes", "selected_options": selected}}
		}
	}
	for id := range values {
		if _, ok := seen[id]; !ok {
			t.Fatalf("slackState: the modal has no input %q", id)
		}
	}
	raw, err := json.Marshal(map[string]any{"values": state})
	if err != nil {
		t.Fatal(err)
	}
	var st slack.ViewState
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

func TestFormIntentRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		kind    intents.Kind
		prefill intents.Intent
		typed   map[string]string
		want    intents.Intent
	}{
		{"create user", intents.CreateUser, intents.Intent{}, map[string]string{
			"login": "jane.doe@company.com", "firstName": "Jane", "lastName": "Doe", "department": "Security",
			"attributes": "costCenter: 4410\n\nemployeeNumber=77", "activate": "off", "reason": "new hire\nticket IT-1234",
		}, intents.Intent{Kind: intents.CreateUser, User: "jane.doe@company.com", Reason: "new hire ticket IT-1234", Fields: map[string]string{
			"firstName": "Jane", "lastName": "Doe", "department": "Security", "costCenter": "4410", "employeeNumber": "77", "activate": "false"}}},
		{"create user, activation left on", intents.CreateUser, intents.Intent{}, map[string]string{
			"login": "jane.doe@company.com", "firstName": "Jane", "lastName": "Doe",
		}, intents.Intent{Kind: intents.CreateUser, User: "jane.doe@company.com", Fields: map[string]string{"firstName": "Jane", "lastName": "Doe"}}},
		{"create user, login not an email but email given", intents.CreateUser, intents.Intent{}, map[string]string{
			"login": "jdoe", "email": "jane.doe@company.com", "firstName": "Jane", "lastName": "Doe",
		}, intents.Intent{Kind: intents.CreateUser, User: "jdoe", Fields: map[string]string{"email": "jane.doe@company.com", "firstName": "Jane", "lastName": "Doe"}}},
		{"update user, typed target", intents.UpdateUser, intents.Intent{}, map[string]string{"user": "00u1abcdefghijklmnop", "title": "Security Lead"},
			intents.Intent{Kind: intents.UpdateUser, User: "00u1abcdefghijklmnop", Fields: map[string]string{"title": "Security Lead"}}},
		{"update user, fixed target", intents.UpdateUser, intents.Intent{User: "john.smith@company.com", Fields: map[string]string{"department": "Finance"}},
			map[string]string{"manager": "Ana García"},
			intents.Intent{Kind: intents.UpdateUser, User: "john.smith@company.com", Fields: map[string]string{"department": "Finance", "manager": "Ana García"}}},
		{"create group", intents.CreateGroup, intents.Intent{}, map[string]string{"name": "Incident Responders", "description": "IR on-call"},
			intents.Intent{Kind: intents.CreateGroup, Group: "Incident Responders", Fields: map[string]string{"description": "IR on-call"}}},
		{"update group, fixed target", intents.UpdateGroup, intents.Intent{Group: "Engineering"}, map[string]string{"name": "Product Engineering", "reason": "reorg"},
			intents.Intent{Kind: intents.UpdateGroup, Group: "Engineering", Reason: "reorg", Fields: map[string]string{"name": "Product Engineering"}}},
		{"create app", intents.CreateApp, intents.Intent{}, map[string]string{"body": "{\n  \"name\": \"bookmark\",\n  \"label\": \"Wiki\",\n  \"signOnMode\": \"BOOKMARK\"\n}"},
			intents.Intent{Kind: intents.CreateApp, Body: json.RawMessage(`{"name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK"}`)}},
		{"update app, prefilled body kept", intents.UpdateApp, intents.Intent{App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki"}`)}, nil,
			intents.Intent{Kind: intents.UpdateApp, App: "Wiki", Body: json.RawMessage(`{"label":"Team Wiki"}`)}},
		{"create policy", intents.CreatePolicy, intents.Intent{}, map[string]string{"body": `{"type":"OKTA_SIGN_ON","name":"Contractors"}`},
			intents.Intent{Kind: intents.CreatePolicy, Body: json.RawMessage(`{"type":"OKTA_SIGN_ON","name":"Contractors"}`)}},
		{"update policy", intents.UpdatePolicy, intents.Intent{}, map[string]string{"policy": "Contractors", "body": `{"description":"Contractor sign-on"}`},
			intents.Intent{Kind: intents.UpdatePolicy, Policy: "Contractors", Body: json.RawMessage(`{"description":"Contractor sign-on"}`)}},
		{"create rule, fixed policy", intents.CreatePolicyRule, intents.Intent{Policy: "Contractors"}, map[string]string{"body": `{"name":"Require MFA","type":"SIGN_ON"}`},
			intents.Intent{Kind: intents.CreatePolicyRule, Policy: "Contractors", Body: json.RawMessage(`{"name":"Require MFA","type":"SIGN_ON"}`)}},
		{"update rule, typed targets", intents.UpdatePolicyRule, intents.Intent{}, map[string]string{"policy": "Contractors", "rule": "Require MFA", "body": `{"name":"Require MFA always"}`},
			intents.Intent{Kind: intents.UpdatePolicyRule, Policy: "Contractors", Rule: "Require MFA", Body: json.RawMessage(`{"name":"Require MFA always"}`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := mustForm(t, tc.kind, tc.prefill)
			got, errs, err := FormIntent(v.PrivateMetadata, slackState(t, v, tc.typed))
			if err != nil || len(errs) > 0 {
				t.Fatalf("FormIntent(%s) = errors %v, %v; want none", tc.name, errs, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FormIntent(%s) (-want +got):\n%s", tc.name, diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("FormIntent(%s) result does not validate: %v", tc.name, err)
			}
		})
	}
}

func TestFormIntentFieldErrors(t *testing.T) {
	user := map[string]string{"login": "jane.doe@company.com", "firstName": "Jane", "lastName": "Doe"}
	with := func(base map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name  string
		kind  intents.Kind
		typed map[string]string
		want  map[string]string // block id → a part of its message
	}{
		{"bad JSON says where", intents.CreateApp, map[string]string{"body": "{\n  \"name\": \"bookmark\",\n  \"label\": \"Wiki\",\n}"},
			map[string]string{"body": "Not valid JSON: line 4, column 1: invalid character '}'"}},
		{"curly quotes get a hint", intents.CreatePolicy, map[string]string{"body": `{“name”: “x”}`},
			map[string]string{"body": "Use straight quotes"}},
		{"truncated JSON", intents.CreatePolicy, map[string]string{"body": `{"name": "x"`},
			map[string]string{"body": "Not valid JSON: line 1, column 13: unexpected end of JSON input"}},
		{"two objects", intents.CreatePolicy, map[string]string{"body": `{} {}`},
			map[string]string{"body": "Not valid JSON: line 1, column 4: invalid character '{' after top-level value"}},
		{"JSON array", intents.CreatePolicy, map[string]string{"body": `[{"name":"x"}]`},
			map[string]string{"body": "Give one JSON object, {…}, not an array."}},
		{"JSON null", intents.CreatePolicy, map[string]string{"body": `null`},
			map[string]string{"body": "not null"}},
		{"JSON over 16 KB", intents.CreatePolicy, map[string]string{"body": `{"a":"` + strings.Repeat("x", 17000) + `"}`},
			map[string]string{"body": "the limit is 16,384"}},
		{"missing required inputs", intents.CreateUser, map[string]string{"login": "jane.doe@company.com", "firstName": "Jane"},
			map[string]string{"lastName": "Required."}},
		{"missing target and body", intents.UpdatePolicyRule, map[string]string{"policy": "Contractors"},
			map[string]string{"rule": "Required.", "body": "Required."}},
		{"login with a space", intents.CreateUser, with(user, "login", "jane doe"),
			map[string]string{"login": "is not a login"}},
		{"login as a Slack mention", intents.CreateUser, with(user, "login", "<@U0123ABCD>"),
			map[string]string{"login": "Give the new user's login"}},
		{"login too long", intents.CreateUser, with(user, "login", strings.Repeat("a", 95)+"@company.com"),
			map[string]string{"login": "at most 100 characters"}},
		{"login not an email and no email", intents.CreateUser, with(user, "login", "jdoe"),
			map[string]string{"email": "the login is not an email address"}},
		{"update user with nothing to change", intents.UpdateUser, map[string]string{"user": "john.smith@company.com"},
			map[string]string{"email": "Fill in at least one attribute"}},
		{"update group with nothing to change", intents.UpdateGroup, map[string]string{"group": "Engineering"},
			map[string]string{"name": "Fill in at least one attribute"}},
		{"attribute line without a value", intents.CreateUser, with(user, "attributes", "costCenter: 4410\ncostCenter2"),
			map[string]string{"attributes": "Line 2: write name: value"}},
		{"attribute with a bad name", intents.CreateUser, with(user, "attributes", "cost center: 4410"),
			map[string]string{"attributes": `Line 1: "cost center" is not an Okta attribute name`}},
		{"attribute given twice", intents.CreateUser, with(user, "attributes", "firstName: Janet"),
			map[string]string{"attributes": "Line 1: firstName is given twice"}},
		{"attribute value too long", intents.UpdateUser, map[string]string{"user": "john", "title": strings.Repeat("t", 1025)},
			map[string]string{"title": "at most 1024 characters"}},
		{"reason too long", intents.CreateGroup, map[string]string{"name": "IR", "reason": strings.Repeat("r", 501)},
			map[string]string{"reason": "the limit is 500"}},
		{"group name with control characters", intents.CreateGroup, map[string]string{"name": "IR\u0007"},
			map[string]string{"name": "control characters"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := mustForm(t, tc.kind, intents.Intent{})
			got, errs, err := FormIntent(v.PrivateMetadata, slackState(t, v, tc.typed))
			if err != nil {
				t.Fatalf("FormIntent(%s) error = %v, want field errors", tc.name, err)
			}
			if got.Kind != "" {
				t.Errorf("FormIntent(%s) = %+v with field errors, want the zero Intent", tc.name, got)
			}
			for id, part := range tc.want {
				if !strings.Contains(errs[id], part) {
					t.Errorf("FormIntent(%s) errors[%q] = %q, want it to contain %q (all: %v)", tc.name, id, errs[id], part, errs)
				}
			}
			if len(errs) != len(tc.want) {
				t.Errorf("FormIntent(%s) errors = %v, want only %v", tc.name, errs, tc.want)
			}
			ids := map[string]bool{}
			for _, b := range v.Blocks.BlockSet {
				if _, ok := b.(*slack.InputBlock); ok {
					ids[b.ID()] = true
				}
			}
			for id, msg := range errs {
				if !ids[id] {
					t.Errorf("FormIntent(%s) error keyed %q, which is no input of the modal (Slack would ignore it)", tc.name, id)
				}
				if msg == "" || chars(msg) > 300 {
					t.Errorf("FormIntent(%s) errors[%q] = %q: want 1–300 characters", tc.name, id, msg)
				}
			}
		})
	}
}

func TestFormIntentForgedMetadata(t *testing.T) {
	tests := []struct{ name, meta string }{
		{"empty", ""},
		{"not JSON", "create_user"},
		{"truncated", `{"kind":"create_user"`},
		{"unknown kind", `{"kind":"drop_tables"}`},
		{"a kind without a form", `{"kind":"suspend_user","user":"john.smith@company.com"}`},
		{"a query kind", `{"kind":"list_users"}`},
		{"unknown key", `{"kind":"create_user","fields":{"login":"x"}}`},
		{"target the form does not fix", `{"kind":"create_user","user":"jane@company.com"}`},
		{"invalid fixed target", `{"kind":"update_user","user":"two words"}`},
		{"trailing data", `{"kind":"create_group"} {"kind":"create_group"}`},
		{"oversized", `{"kind":"update_group","group":"` + strings.Repeat("g", 3000) + `"}`},
		{"a proposal id (reject modal's metadata)", "p-7Q2MXK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errs, err := FormIntent(tc.meta, &slack.ViewState{})
			if err == nil || errs != nil || got.Kind != "" {
				t.Errorf("FormIntent(%.60q) = %+v, %v, %v; want only an error", tc.meta, got, errs, err)
			}
		})
	}
}

func TestParseBodyPosition(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{\"a\":1,}", "line 1, column 8"},
		{"{\n\"a\": tru\n}", "line 2, column 9"},
		{"{\"名前\": x}", "line 1, column 8"},
		{"", "unexpected end of JSON input"},
	}
	for _, tc := range tests {
		_, msg := parseBody(tc.in)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("parseBody(%q) = %q, want it to contain %q", tc.in, msg, tc.want)
		}
	}
	body, msg := parseBody("{ \"a\" : [ 1, 2 ] }")
	if msg != "" || string(body) != `{"a":[1,2]}` {
		t.Errorf("parseBody(spaced) = %s, %q; want compact JSON", body, msg)
	}
}
