package intents

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Every intent Parse produces validates, and Normalize gives it back as is.
func TestValidateAcceptsParsed(t *testing.T) {
	for _, k := range Catalogue {
		t.Run(string(k.Kind), func(t *testing.T) {
			in, err := Parse(k.Example)
			if err != nil {
				t.Fatalf("Parse(%q): %v", k.Example, err)
			}
			got, err := in.Normalize()
			if err != nil {
				t.Fatalf("Normalize(Parse(%q)) = %v", k.Example, err)
			}
			if diff := cmp.Diff(in, got); diff != "" {
				t.Errorf("Normalize(Parse(%q)) changed the intent (-parsed +normalized):\n%s", k.Example, diff)
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   Intent
		want string
	}{
		{"unknown kind", Intent{Kind: "drop_tables"}, "not something oktabot does"},
		{"missing user", Intent{Kind: SuspendUser}, "needs"},
		{"user with spaces", Intent{Kind: UserDetails, User: "john smith"}, "not a login"},
		{"arg not taken", Intent{Kind: ListGroups, User: "john@company.com"}, "does not take"},
		{"window too long", Intent{Kind: Logs, Window: Duration(2000 * Day)}, "90 days"},
		{"negative window", Intent{Kind: Logs, Window: -Day}, "positive"},
		{"bad outcome", Intent{Kind: Logs, Outcome: "MAYBE"}, "outcome"},
		{"bad country", Intent{Kind: SuspiciousLogins, Countries: []string{"Atlantis"}}, "Atlantis"},
		{"limit too big", Intent{Kind: ListUsers, Limit: 5000}, "1000"},
		{"fields on a query", Intent{Kind: ListUsers, Fields: map[string]string{"a": "b"}}, "attributes"},
		{"bad field key", Intent{Kind: UpdateUser, User: "a@b.c", Fields: map[string]string{"x y": "1"}}, "attribute name"},
		{"body not an object", Intent{Kind: CreateApp, Body: json.RawMessage(`[1]`)}, "JSON object"},
		{"body on a query", Intent{Kind: ListApps, Body: json.RawMessage(`{}`)}, "no JSON body"},
		{"control char in name", Intent{Kind: GroupMembers, Group: "Eng\x00"}, "control"},
		{"long reason", Intent{Kind: SuspendUser, User: "a@b.c", Reason: strings.Repeat("x", 501)}, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate(%+v) = %v, want ErrInvalid", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate(%+v) = %q, want it to mention %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestNormalizeCanonical(t *testing.T) {
	in := Intent{Kind: SuspiciousLogins, Countries: []string{"RU", "north korea"}, Window: Day}
	got, err := in.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Russia", "North Korea"}, got.Countries); diff != "" {
		t.Errorf("Normalize countries (-want +got):\n%s", diff)
	}
}
