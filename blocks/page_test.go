package blocks

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oktabot/oktabot/intents"
)

func TestPageValueRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   intents.Intent
		page int
	}{
		{"list users", intents.Intent{Kind: intents.ListUsers, Query: "john", Status: "ACTIVE", Limit: 500}, 2},
		{"logs with everything", intents.Intent{Kind: intents.Logs, Window: 2 * intents.Day, EventType: "user.session.start", Outcome: "FAILURE", User: "john@company.com", Query: "tor"}, 67},
		{"suspicious logins countries", intents.Intent{Kind: intents.SuspiciousLogins, Countries: []string{"Russia", "North Korea"}}, 1},
		{"cursor", intents.Intent{Kind: intents.GroupMembers, Group: "Engineering", After: "00u1a2b3c4"}, 1},
		{"non-latin", intents.Intent{Kind: intents.ListUsers, Query: "Иван 王 דנה 😀"}, 3},
		{"markup in query", intents.Intent{Kind: intents.ListGroups, Query: `<!channel> "quoted" & more`}, 1},
		{"policies", intents.Intent{Kind: intents.ListPolicies, PolicyType: "OKTA_SIGN_ON"}, 1},
		{"last page", intents.Intent{Kind: intents.ListApps}, MaxPage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := EncodePageValue(tc.in, tc.page)
			if err != nil {
				t.Fatalf("EncodePageValue(%+v, %d) = %v", tc.in, tc.page, err)
			}
			if chars(v) > MaxButtonValue {
				t.Errorf("EncodePageValue(%+v) is %d characters", tc.in, chars(v))
			}
			in, page, err := DecodePageValue(v)
			if err != nil {
				t.Fatalf("DecodePageValue(%q) = %v", v, err)
			}
			if diff := cmp.Diff(tc.in, in); diff != "" || page != tc.page {
				t.Errorf("DecodePageValue(EncodePageValue(…)) page %d, want %d; intent (-want +got):\n%s", page, tc.page, diff)
			}
		})
	}
}

func TestPageValueDropsSuggestions(t *testing.T) {
	v, err := EncodePageValue(intents.Intent{Kind: intents.ListUsers, Suggestions: []string{"/okta users"}}, 1)
	if err != nil {
		t.Fatalf("EncodePageValue with suggestions = %v", err)
	}
	if strings.Contains(v, "suggestions") {
		t.Errorf("EncodePageValue kept suggestions: %s", v)
	}
}

func TestPageValueRejects(t *testing.T) {
	tests := []struct {
		name  string
		value string
	}{
		{"empty", ""},
		{"not json", "page 2 please"},
		{"wrong version", `{"v":2,"p":1,"q":{"kind":"list_users"}}`},
		{"no version", `{"p":1,"q":{"kind":"list_users"}}`},
		{"page zero", `{"v":1,"p":0,"q":{"kind":"list_users"}}`},
		{"page negative", `{"v":1,"p":-1,"q":{"kind":"list_users"}}`},
		{"page too big", `{"v":1,"p":100001,"q":{"kind":"list_users"}}`},
		{"action kind", `{"v":1,"p":1,"q":{"kind":"suspend_user","user":"ceo@company.com"}}`},
		{"action kind via duplicate key", `{"v":1,"p":1,"q":{"kind":"list_users"},"q":{"kind":"deactivate_user","user":"ceo@company.com"}}`},
		{"delete group", `{"v":1,"p":1,"q":{"kind":"delete_group","group":"Everyone"}}`},
		{"unknown kind", `{"v":1,"p":1,"q":{"kind":"drop_tables"}}`},
		{"kind unknown", `{"v":1,"p":1,"q":{"kind":"unknown"}}`},
		{"help", `{"v":1,"p":1,"q":{"kind":"help"}}`},
		{"unknown field", `{"v":1,"p":1,"q":{"kind":"list_users"},"admin":true}`},
		{"unknown intent field", `{"v":1,"p":1,"q":{"kind":"list_users","approved":true}}`},
		{"argument the kind does not take", `{"v":1,"p":1,"q":{"kind":"list_users","group":"Admins"}}`},
		{"body on a query", `{"v":1,"p":1,"q":{"kind":"list_apps","body":{"label":"x"}}}`},
		{"fields on a query", `{"v":1,"p":1,"q":{"kind":"list_users","fields":{"a":"b"}}}`},
		{"suggestions", `{"v":1,"p":1,"q":{"kind":"list_users","suggestions":["/okta suspend x"]}}`},
		{"bad window", `{"v":1,"p":1,"q":{"kind":"logs","window":"9999h"}}`},
		{"negative window", `{"v":1,"p":1,"q":{"kind":"logs","window":-5}}`},
		{"window on a kind without one", `{"v":1,"p":1,"q":{"kind":"list_users","since":"2026-11-27T06:00:00Z"}}`},
		{"end before the start", `{"v":1,"p":1,"q":{"kind":"logs","since":"2026-11-28T06:00:00Z","until":"2026-11-27T06:00:00Z"}}`},
		{"a start and a length", `{"v":1,"p":1,"q":{"kind":"logs","since":"2026-11-27T06:00:00Z","window":"24h"}}`},
		{"negative limit", `{"v":1,"p":1,"q":{"kind":"list_users","limit":-1}}`},
		{"control character", `{"v":1,"p":1,"q":{"kind":"list_users","query":"a\u001b[2Jb"}}`},
		{"cursor with space", `{"v":1,"p":1,"q":{"kind":"list_users","after":"a b"}}`},
		{"oversized argument", `{"v":1,"p":1,"q":{"kind":"list_users","query":"` + strings.Repeat("a", maxArgChars+1) + `"}}`},
		{"oversized value", `{"v":1,"p":1,"q":{"kind":"list_users","query":"` + strings.Repeat("a", 2100) + `"}}`},
		{"trailing data", `{"v":1,"p":1,"q":{"kind":"list_users"}} {"v":1}`},
		{"array", `[1,2]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, page, err := DecodePageValue(tc.value)
			if err == nil {
				t.Fatalf("DecodePageValue(%.80q) = %+v, %d, nil; want an error", tc.value, in, page)
			}
			if !errors.Is(err, intents.ErrInvalid) {
				t.Errorf("DecodePageValue(%.80q) = %v; want it to wrap intents.ErrInvalid", tc.value, err)
			}
			if in.Kind != "" || page != 0 {
				t.Errorf("DecodePageValue(%.80q) returned %+v, %d with its error", tc.value, in, page)
			}
		})
	}
}

func TestEncodePageValueRejects(t *testing.T) {
	tests := []struct {
		name string
		in   intents.Intent
		page int
	}{
		{"action", intents.Intent{Kind: intents.SuspendUser, User: "x"}, 1},
		{"page 0", intents.Intent{Kind: intents.ListUsers}, 0},
		{"no kind", intents.Intent{}, 1},
		{"too long", intents.Intent{Kind: intents.Logs, User: strings.Repeat("u", 500), Query: strings.Repeat("q", 500), EventType: strings.Repeat("e", 500), Outcome: strings.Repeat("o", 500)}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if v, err := EncodePageValue(tc.in, tc.page); err == nil {
				t.Errorf("EncodePageValue(%+v, %d) = %.60q, nil; want an error", tc.in, tc.page, v)
			}
		})
	}
}
