package rules_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oktabot/oktabot/intents"
	"github.com/oktabot/oktabot/internal/archtest"
	"github.com/oktabot/oktabot/okta/detect"
	"github.com/oktabot/oktabot/okta/detect/rules"
)

type detectRule = detect.Rule

// TestDependencies keeps rules on its one YAML library: it imports only
// intents, detect (the interface it implements) and go.yaml.in/yaml/v3.
func TestDependencies(t *testing.T) {
	archtest.CheckOnly(t, "github.com/oktabot/oktabot/okta/detect/rules",
		"github.com/oktabot/oktabot/intents", "github.com/oktabot/oktabot/okta/detect", "go.yaml.in/yaml/v3")
}

// sigmaCase is one copied Sigma rule's test events (testdata/sigma-events.json).
type sigmaCase struct {
	Match       json.RawMessage `json:"match"`
	Miss        json.RawMessage `json:"miss"`
	MissBecause string          `json:"miss_because"`
}

// logEvent is an Okta LogEvent as the okta adapter hands it on: the
// fields the prefilter reads decoded, the whole event in Raw.
func logEvent(t testing.TB, raw json.RawMessage) intents.Event {
	t.Helper()
	var e struct {
		UUID      string    `json:"uuid"`
		Published time.Time `json:"published"`
		EventType string    `json:"eventType"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("test event: %v", err)
	}
	return intents.Event{UUID: e.UUID, Published: e.Published, EventType: e.EventType, Raw: raw}
}

func sigmaCases(t testing.TB) map[string]sigmaCase {
	t.Helper()
	b, err := os.ReadFile("testdata/sigma-events.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]sigmaCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestSigmaOktaRules loads every Okta rule of Sigma's rules/identity/okta,
// unchanged, from a directory, and checks that each fires on an event
// written as Okta logs it and not on a near miss.
func TestSigmaOktaRules(t *testing.T) {
	set, err := rules.Load("testdata/sigma")
	if err != nil {
		t.Fatalf("Load(testdata/sigma): %v", err)
	}
	files, _ := filepath.Glob("testdata/sigma/*.yml")
	if set.Len() != len(files) || len(files) < 21 {
		t.Fatalf("Load(testdata/sigma) = %d rules, want one per file (%d)", set.Len(), len(files))
	}
	cases := sigmaCases(t)
	for _, r := range set.Rules() {
		name := filepath.Base(r.File)
		t.Run(name, func(t *testing.T) {
			c, ok := cases[name]
			if !ok {
				t.Fatalf("no test events for %s in testdata/sigma-events.json", name)
			}
			match, miss := logEvent(t, c.Match), logEvent(t, c.Miss)
			if !slices.ContainsFunc(set.Match(match), func(h detectRule) bool { return h.ID == r.ID }) {
				t.Errorf("%s (%s) does not fire on its event %s", name, r.Title, match.EventType)
			}
			if slices.ContainsFunc(set.Match(miss), func(h detectRule) bool { return h.ID == r.ID }) {
				t.Errorf("%s fires on its near miss (%s)", name, c.MissBecause)
			}
			if r.Title == "" || r.Author == "" || r.Level == "" {
				t.Errorf("%s: title %q, author %q, level %q: want all kept for display", name, r.Title, r.Author, r.Level)
			}
		})
	}
	for name := range cases {
		if _, err := os.Stat(filepath.Join("testdata/sigma", name)); err != nil {
			t.Errorf("test events for %s, which is not a copied rule", name)
		}
	}
}

// TestSigmaAttack reads ATT&CK technique ids from the tags; a rule
// tagged with tactics only carries the tactics' ids.
func TestSigmaAttack(t *testing.T) {
	set, err := rules.Load("testdata/sigma")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"okta_admin_role_assigned_to_user_or_group.yml": {"T1098.003"},
		"okta_new_behaviours_admin_console.yml":         {"T1078.004"},
		"okta_fastpass_phishing_detection.yml":          {"T1566"},
		"okta_api_token_created.yml":                    {"TA0003"},
	}
	for _, r := range set.Rules() {
		w, ok := want[filepath.Base(r.File)]
		if ok && !slices.Equal(r.Attack, w) {
			t.Errorf("%s: Attack = %v, want %v", r.File, r.Attack, w)
		}
	}
}

// TestSigmaEventTypes: every copied rule but the two that match any event
// type (the Admin Console through a proxy; a password in the username
// field) names the event types the System Log filter must ask for.
func TestSigmaEventTypes(t *testing.T) {
	set, err := rules.Load("testdata/sigma")
	if err != nil {
		t.Fatal(err)
	}
	var unbounded []string
	for _, r := range set.Rules() {
		types, all := r.EventTypes()
		if all {
			unbounded = append(unbounded, filepath.Base(r.File))
			continue
		}
		if len(types) == 0 {
			t.Errorf("%s: no event types and not any", r.File)
		}
	}
	slices.Sort(unbounded)
	want := []string{"okta_admin_activity_from_proxy_query.yml", "okta_password_in_alternateid_field.yml",
		"okta_unauthorized_access_to_app.yml", "okta_user_account_locked_out.yml"}
	if !slices.Equal(unbounded, want) {
		t.Errorf("rules matching any event type = %v, want %v", unbounded, want)
	}
	if _, all := set.EventTypes(); !all {
		t.Error("Set.EventTypes: all = false with rules that match any type")
	}
	one, err := rules.Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if types, all := one.EventTypes(); all || len(types) != 0 {
		t.Errorf("an empty set's EventTypes = %v, %v; want none", types, all)
	}
}

// TestSigmaWithoutRaw: an event whose raw JSON is gone (the engine's held
// form, a restored window) is matched on its decoded fields at Okta's
// paths.
func TestSigmaWithoutRaw(t *testing.T) {
	set, err := rules.Load("testdata/sigma")
	if err != nil {
		t.Fatal(err)
	}
	e := intents.Event{UUID: "u1", EventType: "user.session.start", Actor: intents.Actor{Type: "User", AlternateID: "mary@example.com"},
		Security: intents.Security{IsProxy: true}, Outcome: intents.EventOutcome{Result: "SUCCESS"}}
	if !slices.ContainsFunc(set.Match(e), func(h detectRule) bool { return strings.Contains(h.File, "anonymised_proxy") }) {
		t.Errorf("Match(decoded proxy sign-in) = %v, want the anonymising proxy rule", set.Match(e))
	}
	e.Security.IsProxy = false
	if len(set.Match(e)) != 0 {
		t.Errorf("Match(decoded sign-in, no proxy) = %v, want none", set.Match(e))
	}
}
